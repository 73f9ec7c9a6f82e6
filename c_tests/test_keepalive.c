/* Keep-alive (spec §12): with keepalive 2 s the broker drops a client that sends nothing for
 * 1.5 x 2 = 3 s. Our client must send PINGREQs by itself:
 *  1. idle 3.5 s: still connected (no disconnect notify, the broker did not publish its will),
 *     and publish/receive still work;
 *  2. 3.5 s of only *receiving* QoS 0 messages (inbound traffic does not count for the broker's
 *     view of the client): still connected.
 * The idle time is the point of the test, so it sleeps.
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
    char will[200], topic[200], marker[200];
    uint64_t end;
    unsigned sent = 0;

    tu_begin("keepalive", 90);
    tu_at_exit(cleanup);
    tu_broker_load(&b);
    snprintf(will, sizeof will, "%s", tu_name("k/will"));
    snprintf(topic, sizeof topic, "%s", tu_name("k/data"));
    snprintf(marker, sizeof marker, "%s", tu_name("k/marker"));

    TU_REQUIRE_EQ(tu_peer_open(&p, tu_name("p"), 1, b.port, NULL, NULL), 0, "peer connected");
    TU_REQUIRE(tu_peer_subscribe(&p, will, 1) == 0, "peer watches A's will topic");
    TU_REQUIRE(tu_peer_subscribe(&p, marker, 1) == 0, "peer watches the marker topic");

    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a")), NXD_MQTT_SUCCESS, "create");
    TU_CHECK_EQ(nxd_mqtt_client_will_message_set(&a.mqtt, (const UCHAR *)will, (UINT)strlen(will),
                                                 (UCHAR *)"keep-alive lost", 15, NX_FALSE, 1),
                NX_SUCCESS, "will (tells us if the broker drops A)");
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 2, NX_TRUE), NXD_MQTT_SUCCESS, "connect with keepalive 2 s");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, topic, (UINT)strlen(topic), 1), NXD_MQTT_SUCCESS, "subscribe");

    tu_section("idle for 3.5 s (> 1.5 x keep-alive)");
    tu_sleep_ms(3500);
    TU_CHECK_EQ(a.disconnect_calls, 0, "no disconnect notify");
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_CONNECTED, "state CONNECTED");
    TU_CHECK(tu_peer_publish(&p, marker, "m1", 2, 1, 0) == 0 && tu_peer_wait_topic(&p, marker, 1, 5000) == 1,
             "peer marker round trip");
    TU_CHECK(tu_peer_wait_topic(&p, will, 1, 0) == 0, "the broker did not publish A's will (A was not dropped)");
    TU_CHECK_EQ(tu_publish(&a, topic, "after idle", 10, 0, 1), NXD_MQTT_SUCCESS, "publish after the idle time");
    TU_CHECK(tu_client_wait_msgs(&a, 1, 10000) == 1, "and the message comes back");

    tu_section("3.5 s of receiving only (QoS 0 from the peer every 100 ms)");
    end = tu_now_ms() + 3500;
    while (tu_now_ms() < end) {
        if (tu_peer_publish(&p, topic, "tick", 4, 0, 0) == 0)
            sent++;
        tu_client_wait_msgs(&a, 1 + sent, 2000); /* read them as they come */
        tu_sleep_ms(100);
    }
    TU_CHECK(sent >= 20, "peer published %u messages", sent);
    TU_CHECK(tu_client_wait_msgs(&a, 1 + sent, 10000) == 1 + sent, "A received all %u of them", sent);
    TU_CHECK_EQ(a.disconnect_calls, 0, "no disconnect notify");
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_CONNECTED, "state CONNECTED");
    TU_CHECK(tu_peer_publish(&p, marker, "m2", 2, 1, 0) == 0 && tu_peer_wait_topic(&p, marker, 2, 5000) == 2,
             "peer marker round trip");
    TU_CHECK(tu_peer_wait_topic(&p, will, 1, 0) == 0, "the broker did not publish A's will");
    TU_CHECK_EQ(tu_publish(&a, topic, "still here", 10, 0, 1), NXD_MQTT_SUCCESS, "publish");
    TU_CHECK(tu_client_wait_msgs(&a, 2 + sent, 10000) == 2 + sent, "and it comes back");

    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    return tu_end();
}
