/* IPv6 (spec §7.4, regression netx_mqtt_connect_v6_test): connect to the broker's [::1]
 * listener with NXD_ADDRESS version 6, blocking and non-blocking, and exchange messages with an
 * IPv4 peer on the same broker.
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
    NXD_ADDRESS addr6;
    char topic[200], back[200];
    const tu_msg *m;
    UINT st;

    tu_begin("ipv6", 60);
    tu_at_exit(cleanup);
    tu_broker_load(&b);
    tu_addr_v6_loopback(&addr6);
    snprintf(topic, sizeof topic, "%s", tu_name("v6/from-a"));
    snprintf(back, sizeof back, "%s", tu_name("v6/to-a"));

    TU_REQUIRE_EQ(tu_peer_open(&p, tu_name("p"), 1, b.port, NULL, NULL), 0, "IPv4 peer connected");
    TU_REQUIRE(tu_peer_subscribe(&p, topic, 1) == 0, "peer subscribes");
    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a")), NXD_MQTT_SUCCESS, "create");

    tu_section("blocking connect to [::1]:%u", b.port6);
    st = nxd_mqtt_client_connect(&a.mqtt, &addr6, b.port6, 30, NX_TRUE, 10 * NX_IP_PERIODIC_RATE);
    TU_REQUIRE_EQ(st, NXD_MQTT_SUCCESS, "connect over IPv6");
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_CONNECTED, "state CONNECTED");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, back, (UINT)strlen(back), 1), NXD_MQTT_SUCCESS, "subscribe");
    TU_CHECK_EQ(tu_publish(&a, topic, "over v6", 7, 0, 1), NXD_MQTT_SUCCESS, "publish");
    TU_CHECK(tu_peer_wait_topic(&p, topic, 1, 10000) == 1, "the IPv4 peer received it");
    pthread_mutex_lock(&p.lock);
    m = tu_msg_list_find(&p.msgs, topic, 0);
    TU_CHECK(m != NULL && m->payload_len == 7 && memcmp(m->payload, "over v6", 7) == 0, "payload intact");
    pthread_mutex_unlock(&p.lock);
    {
        uint64_t end = tu_now_ms() + 10000;
        while (a.received.n == 0 && tu_now_ms() < end) {
            tu_peer_publish(&p, back, "to v6", 5, 1, 0);
            tu_client_wait_msgs(&a, 1, 300);
        }
    }
    TU_CHECK(a.received.n >= 1 && a.received.v[0].payload_len == 5 && memcmp(a.received.v[0].payload, "to v6", 5) == 0,
             "A received the peer's message over IPv6");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");

    tu_section("non-blocking connect to [::1]");
    a.connect_notify_calls = 0;
    st = nxd_mqtt_client_connect(&a.mqtt, &addr6, b.port6, 30, NX_TRUE, NX_NO_WAIT);
    TU_CHECK_EQ(st, NX_IN_PROGRESS, "connect with timeout 0");
    TU_CHECK(tu_client_wait_connect_notify(&a, 1, 10000) && a.connect_status[0] == NXD_MQTT_SUCCESS,
             "connect notify SUCCESS");
    TU_CHECK_EQ(tu_publish(&a, topic, "again", 5, 0, 2), NXD_MQTT_SUCCESS, "publish QoS 2");
    TU_CHECK(tu_peer_wait_topic(&p, topic, 2, 10000) == 2, "peer received it");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");

    tu_section("an IPv6 address with nothing listening");
    {
        UINT st2 = nxd_mqtt_client_connect(&a.mqtt, &addr6, b.closed_port, 30, NX_TRUE, 5 * NX_IP_PERIODIC_RATE);
        TU_CHECK_EQ(st2, NXD_MQTT_CONNECT_FAILURE, "blocking connect to a closed IPv6 port");
    }
    return tu_end();
}
