/* Retained messages (spec §7.6 retain flag, §8.2): our client publishes retained messages that
 * later subscribers (a libmosquitto peer and a second client of our API) receive; a retained
 * message published by the peer reaches our client when it subscribes; an empty retained
 * publish (message NULL, length 0) clears it.
 */
#include <stdio.h>
#include <string.h>

#include "tu.h"
#include "tu_peer.h"

static tu_client a, c2;
static tu_peer p, p2, p3;

static void cleanup(void)
{
    tu_client_delete(&a);
    tu_client_delete(&c2);
    tu_peer_close(&p);
    tu_peer_close(&p2);
    tu_peer_close(&p3);
}

int main(void)
{
    tu_broker b;
    char t1[200], t2[200], marker[200];
    const tu_msg *m;

    tu_begin("retain", 90);
    tu_at_exit(cleanup);
    tu_broker_load(&b);
    snprintf(t1, sizeof t1, "%s", tu_name("r/ours"));
    snprintf(t2, sizeof t2, "%s", tu_name("r/peers"));
    snprintf(marker, sizeof marker, "%s", tu_name("r/marker"));

    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a")), NXD_MQTT_SUCCESS, "create A");
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 60, NX_TRUE), NXD_MQTT_SUCCESS, "connect A");

    tu_section("A publishes a retained QoS 1 message; a later peer subscriber gets it with retain=1");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, t1, (UINT)strlen(t1), 1), NXD_MQTT_SUCCESS,
                "A subscribes to the topic itself (to know when the broker has the message)");
    TU_CHECK_EQ(tu_publish(&a, t1, "retained-by-A", 13, 1, 1), NXD_MQTT_SUCCESS, "publish retain=1 QoS 1");
    TU_CHECK(tu_client_wait_msgs(&a, 1, 10000) == 1, "A's own copy came back: the broker stored it");
    TU_REQUIRE_EQ(tu_peer_open(&p, tu_name("p"), 1, b.port, NULL, NULL), 0, "peer connects");
    TU_CHECK(tu_peer_subscribe(&p, t1, 1) == 0, "peer subscribes after the publish");
    TU_CHECK(tu_peer_wait_topic(&p, t1, 1, 10000) == 1, "peer received the retained message");
    pthread_mutex_lock(&p.lock);
    m = tu_msg_list_find(&p.msgs, t1, 0);
    if (m != NULL) {
        TU_CHECK(m->retain == 1, "retain flag set on delivery to a new subscriber");
        TU_CHECK(m->payload_len == 13 && memcmp(m->payload, "retained-by-A", 13) == 0, "payload");
        TU_CHECK(m->qos == 1, "QoS 1");
    }
    pthread_mutex_unlock(&p.lock);

    tu_section("a second client of our API subscribes later and gets the retained message");
    TU_REQUIRE_EQ(tu_client_create(&c2, tu_name("c2")), NXD_MQTT_SUCCESS, "create C2");
    TU_REQUIRE_EQ(tu_client_connect(&c2, b.port, 60, NX_TRUE), NXD_MQTT_SUCCESS, "connect C2");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&c2.mqtt, t1, (UINT)strlen(t1), 1), NXD_MQTT_SUCCESS, "C2 subscribes");
    TU_CHECK(tu_client_wait_msgs(&c2, 1, 10000) == 1, "C2 received one message");
    if (c2.received.n >= 1)
        TU_CHECK(strcmp(c2.received.v[0].topic, t1) == 0 && c2.received.v[0].payload_len == 13 &&
                     memcmp(c2.received.v[0].payload, "retained-by-A", 13) == 0,
                 "C2 got the retained message intact");

    tu_section("a retained message published by the peer reaches A when A subscribes");
    TU_CHECK(tu_peer_publish(&p, t2, "retained-by-peer", 16, 2, 1) == 0, "peer publishes retained QoS 2");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, t2, (UINT)strlen(t2), 2), NXD_MQTT_SUCCESS, "A subscribes");
    {
        size_t n = tu_client_wait_msgs(&a, 2, 10000);
        const tu_msg *r = n >= 2 ? tu_msg_list_find(&a.received, t2, 0) : NULL;
        TU_CHECK(n == 2 && r != NULL, "A received the retained message (messages so far: %zu)", n);
        if (r != NULL)
            TU_CHECK(r->payload_len == 16 && memcmp(r->payload, "retained-by-peer", 16) == 0,
                     "A got the retained message intact");
    }

    tu_section("an empty retained publish clears the retained message");
    TU_CHECK_EQ(nxd_mqtt_client_publish(&a.mqtt, t1, (UINT)strlen(t1), NULL, 0, 1, 1, 5 * NX_IP_PERIODIC_RATE),
                NXD_MQTT_SUCCESS, "A publishes message NULL, length 0, retain 1");
    /* Wait until the peer (still subscribed) sees the empty message: the broker has then
     * processed the clear. */
    TU_CHECK(tu_peer_wait_topic(&p, t1, 2, 10000) == 2, "peer saw the empty publish");
    TU_REQUIRE_EQ(tu_peer_open(&p2, tu_name("p2"), 1, b.port, NULL, NULL), 0, "a new peer connects");
    TU_CHECK(tu_peer_subscribe(&p2, t1, 1) == 0, "new peer subscribes to the cleared topic");
    TU_CHECK(tu_peer_subscribe(&p2, marker, 1) == 0, "and to a marker topic");
    TU_CHECK(tu_peer_publish(&p2, marker, "m2", 2, 1, 0) == 0, "new peer publishes the marker");
    TU_CHECK(tu_peer_wait_topic(&p2, marker, 1, 10000) == 1, "marker received");
    TU_CHECK(tu_peer_wait_topic(&p2, t1, 1, 0) == 0, "no retained message any more");

    tu_section("clean up the peer's retained message");
    TU_REQUIRE_EQ(tu_peer_open(&p3, tu_name("p3"), 1, b.port, NULL, NULL), 0, "peer 3 connects");
    TU_CHECK(tu_peer_publish(&p3, t2, "", 0, 1, 1) == 0, "clear");

    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect A");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&c2.mqtt), NXD_MQTT_SUCCESS, "disconnect C2");
    return tu_end();
}
