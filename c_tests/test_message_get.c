/* nxd_mqtt_client_message_get buffer handling (spec §7.9):
 *  - topic or message buffer one byte too small -> NXD_MQTT_INSUFFICIENT_BUFFER_SPACE, the
 *    output lengths are not written, the message stays at the head of the queue;
 *  - then a big enough buffer returns that same message; an exact fit is accepted;
 *  - zero-length payloads come back with length 0; buffers are not NUL-terminated (bytes after
 *    the copied length are untouched);
 *  - order is kept around a refused call;
 *  - docs/COMPATIBILITY.md §1 item 24 (second-strike policy, a fix): a second consecutive
 *    too-small call on the same message discards it and the call goes on with the next one.
 */
#include <stdio.h>
#include <string.h>

#include "tu.h"
#include "tu_peer.h"

static tu_client a;
static tu_peer p;

static void cleanup(void)
{
    tu_client_delete(&a);
    tu_peer_close(&p);
}

int main(void)
{
    tu_broker b;
    char topic[200], topic2[200];
    unsigned char payload[100], tb[300], mb[300];
    UINT tl, ml, st, tlen;

    tu_begin("message_get", 60);
    tu_at_exit(cleanup);
    tu_broker_load(&b);
    snprintf(topic, sizeof topic, "%s", tu_name("mg/first"));
    snprintf(topic2, sizeof topic2, "%s", tu_name("mg/second"));
    tlen = (UINT)strlen(topic);
    tu_fill_pattern(payload, sizeof payload, 5);

    TU_REQUIRE_EQ(tu_peer_open(&p, tu_name("p"), 1, b.port, NULL, NULL), 0, "peer connected");
    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a")), NXD_MQTT_SUCCESS, "create");
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 60, NX_TRUE), NXD_MQTT_SUCCESS, "connect");
    {
        char filter[200];
        snprintf(filter, sizeof filter, "%s", tu_name("mg/#"));
        TU_REQUIRE_EQ(nxd_mqtt_client_subscribe(&a.mqtt, filter, (UINT)strlen(filter), 1), NXD_MQTT_SUCCESS,
                      "subscribe");
        /* make sure the subscription is active: own round trip */
        TU_CHECK_EQ(tu_publish(&a, topic2, "sync", 4, 0, 1), NXD_MQTT_SUCCESS, "sync publish");
        TU_CHECK_EQ(tu_client_get(&a, 10000), NXD_MQTT_SUCCESS, "sync message read");
        a.rx_notify_calls = 0;
    }

    TU_CHECK(tu_peer_publish(&p, topic, payload, (int)sizeof payload, 1, 0) == 0, "peer publishes M1 (100 bytes)");
    TU_CHECK(tu_peer_publish(&p, topic2, "M2", 2, 1, 0) == 0, "peer publishes M2");
    TU_CHECK(tu_peer_publish(&p, topic2, NULL, 0, 1, 0) == 0, "peer publishes M3 (empty payload)");
    TU_REQUIRE(tu_client_wait_rx_notify(&a, 3, 10000), "three messages queued");

    tu_section("topic buffer one byte too small");
    tl = ml = 0xA5A5u;
    st = nxd_mqtt_client_message_get(&a.mqtt, tb, tlen - 1, &tl, mb, sizeof mb, &ml);
    TU_CHECK_EQ(st, NXD_MQTT_INSUFFICIENT_BUFFER_SPACE, "message_get");
    TU_CHECK(tl == 0xA5A5u && ml == 0xA5A5u, "output lengths not written (%#x, %#x)", tl, ml);

    tu_section("the same message with a big enough buffer");
    memset(tb, 0xEE, sizeof tb);
    memset(mb, 0xEE, sizeof mb);
    st = nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, sizeof mb, &ml);
    TU_CHECK_EQ(st, NXD_MQTT_SUCCESS, "message_get");
    TU_CHECK(tl == tlen && memcmp(tb, topic, tlen) == 0, "it is M1 (the refused message stayed at the head)");
    TU_CHECK(ml == sizeof payload && tu_check_pattern(mb, sizeof payload, 5), "payload of M1 intact");
    TU_CHECK(tb[tlen] == 0xEE && mb[ml] == 0xEE, "nothing written past the lengths (no NUL terminator)");

    tu_section("message buffer one byte too small, then an exact fit");
    TU_CHECK(tu_peer_publish(&p, topic, payload, (int)sizeof payload, 1, 0) == 0, "peer publishes M4 (100 bytes)");
    /* M2, M3 are at the head: read them first, checking order. */
    st = nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, sizeof mb, &ml);
    TU_CHECK(st == NXD_MQTT_SUCCESS && ml == 2 && memcmp(mb, "M2", 2) == 0, "next is M2");
    st = nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, 0, &ml);
    TU_CHECK(st == NXD_MQTT_SUCCESS && ml == 0 && tl == strlen(topic2),
             "next is M3 with an empty payload (message buffer size 0 is enough)");
    TU_CHECK(tu_client_wait_rx_notify(&a, 4, 10000), "M4 queued");
    tl = ml = 0x5A5Au;
    st = nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, sizeof payload - 1, &ml);
    TU_CHECK_EQ(st, NXD_MQTT_INSUFFICIENT_BUFFER_SPACE, "message buffer 99 bytes for a 100-byte payload");
    TU_CHECK(tl == 0x5A5Au && ml == 0x5A5Au, "output lengths not written");
    st = nxd_mqtt_client_message_get(&a.mqtt, tb, tlen, &tl, mb, sizeof payload, &ml);
    TU_CHECK_EQ(st, NXD_MQTT_SUCCESS, "exact-fit buffers (topic and payload) are accepted");
    TU_CHECK(tl == tlen && ml == sizeof payload && tu_check_pattern(mb, sizeof payload, 5), "M4 intact");
    st = nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, sizeof mb, &ml);
    TU_CHECK_EQ(st, NXD_MQTT_NO_MESSAGE, "queue empty");

    tu_section("a refused call does not reorder the queue");
    TU_CHECK(tu_peer_publish(&p, topic, payload, (int)sizeof payload, 1, 0) == 0, "peer publishes M5 (100 bytes)");
    TU_CHECK(tu_peer_publish(&p, topic2, "M6", 2, 1, 0) == 0, "peer publishes M6");
    TU_CHECK(tu_client_wait_rx_notify(&a, 6, 10000), "both queued");
    st = nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, 10, &ml);
    TU_CHECK_EQ(st, NXD_MQTT_INSUFFICIENT_BUFFER_SPACE, "10-byte buffer for M5");
    st = nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, sizeof mb, &ml);
    TU_CHECK(st == NXD_MQTT_SUCCESS && ml == sizeof payload, "then M5 (not M6)");
    st = nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, sizeof mb, &ml);
    TU_CHECK(st == NXD_MQTT_SUCCESS && ml == 2 && memcmp(mb, "M6", 2) == 0, "then M6");

    tu_section("second-strike policy (COMPATIBILITY.md item 24)");
    TU_CHECK(tu_peer_publish(&p, topic, payload, (int)sizeof payload, 1, 0) == 0, "peer publishes M7 (100 bytes)");
    TU_CHECK(tu_peer_publish(&p, topic2, "M8", 2, 1, 0) == 0, "peer publishes M8");
    TU_CHECK(tu_client_wait_rx_notify(&a, 8, 10000), "both queued");
    tl = ml = 0x1234u;
    st = nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, 10, &ml);
    TU_CHECK_EQ(st, NXD_MQTT_INSUFFICIENT_BUFFER_SPACE, "first 10-byte call on M7: refused, M7 kept");
    st = nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, 10, &ml);
    TU_CHECK_EQ(st, NXD_MQTT_SUCCESS, "second consecutive 10-byte call: M7 discarded, the call returns M8");
    TU_CHECK(ml == 2 && memcmp(mb, "M8", 2) == 0 && tl == strlen(topic2), "the message returned is M8");
    st = nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, sizeof mb, &ml);
    TU_CHECK_EQ(st, NXD_MQTT_NO_MESSAGE, "M7 is gone: queue empty");

    tu_section("the strike count is per message: a success in between resets it");
    TU_CHECK(tu_peer_publish(&p, topic, payload, (int)sizeof payload, 1, 0) == 0, "peer publishes M9 (100 bytes)");
    TU_CHECK(tu_peer_publish(&p, topic, payload, (int)sizeof payload, 1, 0) == 0, "peer publishes M10 (100 bytes)");
    TU_CHECK(tu_client_wait_rx_notify(&a, 10, 10000), "both queued");
    st = nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, 10, &ml);
    TU_CHECK_EQ(st, NXD_MQTT_INSUFFICIENT_BUFFER_SPACE, "10-byte call on M9: refused");
    st = nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, sizeof mb, &ml);
    TU_CHECK(st == NXD_MQTT_SUCCESS && ml == sizeof payload, "big call: M9");
    st = nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, 10, &ml);
    TU_CHECK_EQ(st, NXD_MQTT_INSUFFICIENT_BUFFER_SPACE, "10-byte call on M10: a first strike, refused, kept");
    st = nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, sizeof mb, &ml);
    TU_CHECK(st == NXD_MQTT_SUCCESS && ml == sizeof payload && tu_check_pattern(mb, sizeof payload, 5), "big call: M10");

    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    return tu_end();
}
