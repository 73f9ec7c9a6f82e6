/* The in-flight window and the resend on reconnect, against the scripted broker of
 * lib/tu_fake.c (it never acknowledges a PUBLISH) — spec §10.1, §11.2, regression test
 * netx_mqtt_transmit_queue_depth_test; docs/COMPATIBILITY.md §1 item 31 and §3 "Resend":
 *  - 20 unacknowledged QoS 1/2 publishes fill the window; the next one fails with
 *    NXD_MQTT_PACKET_POOL_FAILURE at once with NX_NO_WAIT, and after waiting its timeout
 *    otherwise; QoS 0 is not limited;
 *  - the records survive a disconnect; a reconnect with clean_session 0 resends them with
 *    DUP = 1, the same packet ids, in the original order;
 *  - a clean_session 1 CONNECT drops them: nothing is resent and the window is free again.
 */
#include <stdio.h>
#include <string.h>

#include "tu.h"
#include "tu_fake.h"

#define WINDOW 20

static tu_client a;
static tu_fake fb;

static void cleanup(void)
{
    tu_client_delete(&a);
    tu_fake_stop(&fb);
}

static void set_session_present(int sp)
{
    pthread_mutex_lock(&fb.lock);
    fb.session_present = sp;
    pthread_mutex_unlock(&fb.lock);
}

static UINT pub(const char *topic, UINT qos, ULONG timeout)
{
    return nxd_mqtt_client_publish(&a.mqtt, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)"m", 1, 0, qos, timeout);
}

int main(void)
{
    NXD_ADDRESS addr;
    const char *topic = "inflight/t";
    unsigned i, ok = 0, ids1[WINDOW], ids2[WINDOW], n1 = 0, n2 = 0;
    uint64_t t0, waited;
    UINT st;
    int same = 1, dup_ok = 1;

    tu_begin("inflight", 60);
    tu_at_exit(cleanup);
    tu_addr_v4_loopback(&addr);
    tu_fake_start(&fb, 1);
    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a")), NXD_MQTT_SUCCESS, "create");

    tu_section("fill the window: %d publishes that are never acknowledged", WINDOW);
    set_session_present(0);
    TU_REQUIRE_EQ(nxd_mqtt_client_connect(&a.mqtt, &addr, fb.port, 0, NX_FALSE, 5 * NX_IP_PERIODIC_RATE),
                  NXD_MQTT_SUCCESS, "connect (clean_session 0) to the scripted broker");
    for (i = 0; i < WINDOW; i++)
        if (pub(topic, 1 + (i % 2), NX_NO_WAIT) == NXD_MQTT_SUCCESS)
            ok++;
    TU_CHECK_EQ(ok, WINDOW, "QoS 1/2 publishes accepted");
    TU_CHECK(tu_fake_wait(&fb, 0xF0, 0x30, 1, WINDOW, 5000), "the broker received them");
    TU_CHECK_EQ(pub(topic, 1, NX_NO_WAIT), NXD_MQTT_PACKET_POOL_FAILURE, "one more with NX_NO_WAIT: window full");
    t0 = tu_now_ms();
    st = pub(topic, 2, NX_IP_PERIODIC_RATE / 2);
    waited = tu_now_ms() - t0;
    TU_CHECK_EQ(st, NXD_MQTT_PACKET_POOL_FAILURE, "one more with a 0.5 s timeout");
    TU_CHECK(waited >= 400 && waited < 3000, "after waiting for room for its timeout (%llu ms)",
             (unsigned long long)waited);
    TU_CHECK_EQ(pub(topic, 0, NX_NO_WAIT), NXD_MQTT_SUCCESS, "QoS 0 is not limited by the window");
    TU_CHECK(tu_fake_wait(&fb, 0xF6, 0x30, 1, 1, 5000), "the QoS 0 PUBLISH went out");
    pthread_mutex_lock(&fb.lock);
    for (i = 0; i < fb.n && i < TU_FAKE_MAX_PKTS; i++)
        if (fb.pkts[i].conn == 1 && (fb.pkts[i].first & 0xF6) != 0x30 && (fb.pkts[i].first >> 4) == 3 &&
            n1 < WINDOW)
            ids1[n1++] = fb.pkts[i].id;
    pthread_mutex_unlock(&fb.lock);
    TU_CHECK_EQ(n1, WINDOW, "QoS > 0 PUBLISHes on the first connection");

    tu_section("disconnect, reconnect with clean_session 0: the %d records are resent", WINDOW);
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    TU_CHECK(tu_fake_wait(&fb, 0xFF, 0xE0, 1, 1, 5000), "the broker received DISCONNECT");
    TU_CHECK(tu_fake_wait_closed(&fb, 1, 5000),
             "and then the client closed the TCP connection (keep-alive 0: no timer wakes the MQTT thread)");
    set_session_present(1);
    TU_REQUIRE_EQ(nxd_mqtt_client_connect(&a.mqtt, &addr, fb.port, 0, NX_FALSE, 5 * NX_IP_PERIODIC_RATE),
                  NXD_MQTT_SUCCESS, "reconnect (clean_session 0, session present)");
    TU_CHECK(tu_fake_wait(&fb, 0xF0, 0x30, 2, WINDOW, 5000), "%d PUBLISHes resent on the new connection", WINDOW);
    pthread_mutex_lock(&fb.lock);
    for (i = 0; i < fb.n && i < TU_FAKE_MAX_PKTS; i++)
        if (fb.pkts[i].conn == 2 && (fb.pkts[i].first >> 4) == 3 && n2 < WINDOW) {
            if (!(fb.pkts[i].first & 0x08))
                dup_ok = 0;
            ids2[n2++] = fb.pkts[i].id;
        }
    pthread_mutex_unlock(&fb.lock);
    for (i = 0; i < n1 && i < n2; i++)
        if (ids1[i] != ids2[i])
            same = 0;
    TU_CHECK(n2 == WINDOW && same, "same packet ids in the same order");
    TU_CHECK(dup_ok, "each resent PUBLISH has DUP = 1");
    TU_CHECK_EQ(tu_fake_count(&fb, 0xF0, 0x30, 2), WINDOW, "nothing else was resent (not the QoS 0 one)");
    TU_CHECK_EQ(pub(topic, 1, NX_NO_WAIT), NXD_MQTT_PACKET_POOL_FAILURE, "the window is still full");

    tu_section("reconnect with clean_session 1: the records are dropped");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    TU_CHECK(tu_fake_wait_closed(&fb, 2, 5000), "the client closed the second TCP connection");
    set_session_present(0);
    TU_REQUIRE_EQ(nxd_mqtt_client_connect(&a.mqtt, &addr, fb.port, 0, NX_TRUE, 5 * NX_IP_PERIODIC_RATE),
                  NXD_MQTT_SUCCESS, "reconnect (clean_session 1)");
    TU_CHECK_EQ(pub(topic, 1, NX_NO_WAIT), NXD_MQTT_SUCCESS, "a QoS 1 publish fits again");
    TU_CHECK(tu_fake_wait(&fb, 0xF0, 0x30, 3, 1, 5000), "it arrives");
    tu_sleep_ms(200);
    TU_CHECK_EQ(tu_fake_count(&fb, 0xF0, 0x30, 3), 1, "and nothing was resent on the clean connection");
    TU_CHECK_EQ(tu_fake_count(&fb, 0xF8, 0x38, 3), 0, "no DUP PUBLISH");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    TU_CHECK(tu_fake_wait_closed(&fb, 3, 5000), "the client closed the third TCP connection");
    tu_fake_stop(&fb);
    TU_CHECK(!fb.error, "the scripted broker had no I/O error");
    return tu_end();
}
