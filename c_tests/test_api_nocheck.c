/* Compiled with -DNX_DISABLE_ERROR_CHECKING: the public names map to the _nxd_ cores (spec §4.1),
 * and an application built that way works end to end. Also the one documented difference of
 * the cores: receive_notify_set(NULL) removes the callback (spec §7.10).
 */
#ifndef NX_DISABLE_ERROR_CHECKING
#error "this test must be compiled with -DNX_DISABLE_ERROR_CHECKING"
#endif
#include <stdio.h>
#include <string.h>

#include "tu.h"
#include "tu_peer.h"

#define XSTR2(x) #x
#define XSTR(x) XSTR2(x)

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
    char topic[200];
    UCHAR tb[256], mb[256];
    UINT tl = 0, ml = 0;

    tu_begin("api_nocheck", 60);
    tu_at_exit(cleanup);
    tu_broker_load(&b);
    snprintf(topic, sizeof topic, "%s", tu_name("nc"));

    tu_section("public names map to the cores");
    TU_CHECK(strcmp(XSTR(nxd_mqtt_client_create), "_nxd_mqtt_client_create") == 0, "nxd_mqtt_client_create -> %s",
             XSTR(nxd_mqtt_client_create));
    TU_CHECK(strcmp(XSTR(nxd_mqtt_client_publish), "_nxd_mqtt_client_publish") == 0, "nxd_mqtt_client_publish -> %s",
             XSTR(nxd_mqtt_client_publish));
    TU_CHECK(strcmp(XSTR(nxd_mqtt_client_message_get), "_nxd_mqtt_client_message_get") == 0,
             "nxd_mqtt_client_message_get -> %s", XSTR(nxd_mqtt_client_message_get));

    tu_section("an application built without error checking works end to end");
    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a")), NXD_MQTT_SUCCESS, "create (core)");
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 60, NX_TRUE), NXD_MQTT_SUCCESS, "connect (core)");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, topic, (UINT)strlen(topic), 1), NXD_MQTT_SUCCESS, "subscribe (core)");
    TU_CHECK_EQ(tu_publish(&a, topic, "core", 4, 0, 1), NXD_MQTT_SUCCESS, "publish (core)");
    TU_CHECK(tu_client_wait_msgs(&a, 1, 10000) == 1 && a.received.v[0].payload_len == 4 &&
                 memcmp(a.received.v[0].payload, "core", 4) == 0,
             "message_get (core) returned the message");

    tu_section("QoS 3 is refused by the core too (COMPATIBILITY.md item 9)");
    TU_CHECK_EQ(tu_publish(&a, topic, "q3", 2, 0, 3), NXD_MQTT_INVALID_PARAMETER, "publish QoS 3 (core)");

    tu_section("receive_notify_set(NULL) removes the callback in the core (spec §7.10)");
    TU_CHECK_EQ(nxd_mqtt_client_receive_notify_set(&a.mqtt, NULL), NXD_MQTT_SUCCESS, "receive_notify_set(NULL)");
    a.rx_notify_calls = 0;
    TU_REQUIRE_EQ(tu_peer_open(&p, tu_name("p"), 1, b.port, NULL, NULL), 0, "peer connected");
    TU_CHECK(tu_peer_publish(&p, topic, "quiet", 5, 1, 0) == 0, "peer publishes");
    {
        uint64_t end = tu_now_ms() + 10000;
        UINT st;
        do {
            st = nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, sizeof mb, &ml);
            if (st == NXD_MQTT_NO_MESSAGE)
                tu_sleep_ms(5);
        } while (st == NXD_MQTT_NO_MESSAGE && tu_now_ms() < end);
        TU_CHECK(st == NXD_MQTT_SUCCESS && ml == 5 && memcmp(mb, "quiet", 5) == 0, "the message still arrives");
    }
    TU_CHECK_EQ(a.rx_notify_calls, 0, "without a receive notify call");

    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect (core)");
    TU_CHECK_EQ(tu_client_delete(&a), NXD_MQTT_SUCCESS, "delete (core)");
    return tu_end();
}
