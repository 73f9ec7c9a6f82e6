/* Clean session 0 (spec §11.1, §11.3): QoS 1 and QoS 2 messages published by another client
 * while our client was away are delivered after it reconnects with clean_session 0 (the broker
 * sends them right after the CONNACK, possibly in the same TCP segment — the original rejected
 * such a CONNACK [BUG §11.3]). With clean session 1 the session (subscription and queue) is
 * discarded.
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

static void drain_rest(tu_client *c)
{
    while (tu_client_get(c, 300) == NXD_MQTT_SUCCESS) {
    }
}

int main(void)
{
    tu_broker b;
    char filter[200], t1[200], t2[200], marker[200], big[200];
    unsigned char payload[3000];
    const tu_msg *m;
    int i;

    tu_begin("clean_session", 90);
    tu_at_exit(cleanup);
    tu_broker_load(&b);
    snprintf(filter, sizeof filter, "%s", tu_name("cs/#"));
    snprintf(t1, sizeof t1, "%s", tu_name("cs/q1"));
    snprintf(t2, sizeof t2, "%s", tu_name("cs/q2"));
    snprintf(big, sizeof big, "%s", tu_name("cs/big"));
    snprintf(marker, sizeof marker, "%s", tu_name("cs/marker"));

    TU_REQUIRE_EQ(tu_peer_open(&p, tu_name("p"), 1, b.port, NULL, NULL), 0, "peer connected");
    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a")), NXD_MQTT_SUCCESS, "create");

    tu_section("first session with clean_session 0: subscribe at QoS 2, disconnect");
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 60, NX_TRUE), NXD_MQTT_SUCCESS,
                  "connect once with clean session 1 (start from nothing)");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 60, NX_FALSE), NXD_MQTT_SUCCESS, "connect, clean session 0");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, filter, (UINT)strlen(filter), 2), NXD_MQTT_SUCCESS,
                "subscribe cs/# QoS 2");
    /* Own round trip: the subscription is active at the broker. */
    /* QoS 0: a QoS 1 marker could still await its PUBACK at the disconnect below and would then
     * be resent on the clean-session-0 reconnect, adding a message the count does not expect. */
    TU_CHECK_EQ(tu_publish(&a, marker, "ready", 5, 0, 0), NXD_MQTT_SUCCESS, "publish a marker at QoS 0");
    TU_CHECK(tu_client_wait_msgs(&a, 1, 10000) == 1, "marker came back (subscription active)");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect (session kept by the broker)");

    /* (No QoS 0 message: whether a broker queues QoS 0 for an offline session is its policy,
     * and right after a DISCONNECT mosquitto may still put it into the session.) */
    tu_section("while A is away the peer publishes QoS 1, 2 and a 3000-byte QoS 1 message");
    for (i = 0; i < 3; i++) {
        char msg[16];
        snprintf(msg, sizeof msg, "one-%d", i);
        TU_CHECK(tu_peer_publish(&p, t1, msg, (int)strlen(msg), 1, 0) == 0, "QoS 1 #%d", i);
        snprintf(msg, sizeof msg, "two-%d", i);
        TU_CHECK(tu_peer_publish(&p, t2, msg, (int)strlen(msg), 2, 0) == 0, "QoS 2 #%d", i);
    }
    tu_fill_pattern(payload, sizeof payload, 77);
    TU_CHECK(tu_peer_publish(&p, big, payload, (int)sizeof payload, 1, 0) == 0, "big QoS 1");

    tu_section("A reconnects with clean_session 0: the queued QoS 1 and 2 messages arrive");
    pthread_mutex_lock(&a.lock);
    tu_msg_list_free(&a.received);
    pthread_mutex_unlock(&a.lock);
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 60, NX_FALSE), NXD_MQTT_SUCCESS,
                  "reconnect, clean session 0 (CONNACK with session present)");
    TU_CHECK(tu_client_wait_msgs(&a, 7, 15000) >= 7, "7 messages received (got %zu)", a.received.n);
    drain_rest(&a);
    TU_CHECK(tu_msg_list_count_topic(&a.received, t1) == 3, "3 QoS 1 messages (got %zu)",
             tu_msg_list_count_topic(&a.received, t1));
    TU_CHECK(tu_msg_list_count_topic(&a.received, t2) == 3, "3 QoS 2 messages, exactly once (got %zu)",
             tu_msg_list_count_topic(&a.received, t2));
    TU_CHECK(a.received.n == 7, "nothing else (%zu messages)", a.received.n);
    for (i = 0; i < 3; i++) {
        char msg[16];
        size_t k;
        const tu_msg *found1 = NULL, *found2 = NULL;
        snprintf(msg, sizeof msg, "one-%d", i);
        for (k = 0; k < a.received.n; k++)
            if (strcmp(a.received.v[k].topic, t1) == 0 && strcmp((char *)a.received.v[k].payload, msg) == 0)
                found1 = &a.received.v[k];
        snprintf(msg, sizeof msg, "two-%d", i);
        for (k = 0; k < a.received.n; k++)
            if (strcmp(a.received.v[k].topic, t2) == 0 && strcmp((char *)a.received.v[k].payload, msg) == 0)
                found2 = &a.received.v[k];
        TU_CHECK(found1 != NULL && found2 != NULL, "one-%d and two-%d present", i, i);
    }
    m = tu_msg_list_find(&a.received, big, 0);
    TU_CHECK(m != NULL && m->payload_len == sizeof payload && tu_check_pattern(m->payload, sizeof payload, 77),
             "the 3000-byte message is intact");
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_CONNECTED, "state CONNECTED");

    tu_section("the resumed session still delivers live traffic");
    TU_CHECK(tu_peer_publish(&p, t1, "live", 4, 1, 0) == 0, "peer publishes");
    {
        size_t before = a.received.n;
        TU_CHECK(tu_client_wait_msgs(&a, before + 1, 10000) == before + 1, "A received it");
    }
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");

    tu_section("clean session 1 discards the session");
    TU_CHECK(tu_peer_publish(&p, t1, "lost", 4, 1, 0) == 0, "peer publishes while A is away");
    pthread_mutex_lock(&a.lock);
    tu_msg_list_free(&a.received);
    pthread_mutex_unlock(&a.lock);
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 60, NX_TRUE), NXD_MQTT_SUCCESS, "reconnect with clean session 1");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, marker, (UINT)strlen(marker), 1), NXD_MQTT_SUCCESS,
                "subscribe to the marker only");
    TU_CHECK_EQ(tu_publish(&a, marker, "end", 3, 0, 1), NXD_MQTT_SUCCESS, "publish the marker");
    TU_CHECK(tu_client_wait_msgs(&a, 1, 10000) >= 1, "marker received");
    drain_rest(&a);
    TU_CHECK(a.received.n == 1 && strcmp(a.received.v[0].topic, marker) == 0,
             "nothing else: the queued message and the old subscription are gone (%zu messages)", a.received.n);
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    return tu_end();
}
