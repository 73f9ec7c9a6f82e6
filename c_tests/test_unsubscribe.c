/* Unsubscribe stops delivery (spec §7.8), and the ack notify hook (spec §7.17; extension:
 * real member) reports SUBACK (9), UNSUBACK (11), PUBACK (4) and, for QoS 2, PUBCOMP (7) for
 * our outbound flows and PUBREL (6) for inbound QoS 2.
 *
 * A subscribes to two topics, receives on both, unsubscribes from one; after the UNSUBACK
 * (seen through the ack notify) the peer publishes to both and a marker: A receives the still
 * subscribed topic and the marker, never the unsubscribed one.
 */
#include <stdio.h>
#include <string.h>

#include "tu.h"
#include "tu_peer.h"

static tu_client a;
static tu_peer p;

#define MAX_ACKS 64
static pthread_mutex_t ack_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned ack_n;
static UINT ack_type[MAX_ACKS];
static USHORT ack_id[MAX_ACKS];
static void *ack_ctx[MAX_ACKS];

static VOID ack_notify(NXD_MQTT_CLIENT *c, UINT type, USHORT packet_id, NX_PACKET *pkt, VOID *ctx)
{
    (void)c;
    (void)pkt;
    pthread_mutex_lock(&ack_lock);
    if (ack_n < MAX_ACKS) {
        ack_type[ack_n] = type;
        ack_id[ack_n] = packet_id;
        ack_ctx[ack_n] = ctx;
    }
    ack_n++;
    pthread_mutex_unlock(&ack_lock);
}

static unsigned count_acks(UINT type)
{
    unsigned i, n = 0;
    pthread_mutex_lock(&ack_lock);
    for (i = 0; i < ack_n && i < MAX_ACKS; i++)
        if (ack_type[i] == type)
            n++;
    pthread_mutex_unlock(&ack_lock);
    return n;
}

static int wait_acks(UINT type, unsigned n)
{
    uint64_t end = tu_now_ms() + 10000;
    while (count_acks(type) < n && tu_now_ms() < end)
        tu_sleep_ms(2);
    return count_acks(type) >= n;
}

static void cleanup(void)
{
    tu_client_delete(&a);
    tu_peer_close(&p);
}

int main(void)
{
    tu_broker b;
    char keep[200], drop[200], marker[200];
    unsigned i;
    int ctx_ok = 1, ids_ok = 1;

    tu_begin("unsubscribe", 90);
    tu_at_exit(cleanup);
    tu_broker_load(&b);
    snprintf(keep, sizeof keep, "%s", tu_name("u/keep"));
    snprintf(drop, sizeof drop, "%s", tu_name("u/drop"));
    snprintf(marker, sizeof marker, "%s", tu_name("u/marker"));

    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a")), NXD_MQTT_SUCCESS, "create");
    a.mqtt.nxd_mqtt_ack_receive_notify = ack_notify;
    a.mqtt.nxd_mqtt_ack_receive_context = &ack_lock;
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 60, NX_TRUE), NXD_MQTT_SUCCESS, "connect");
    TU_REQUIRE_EQ(tu_peer_open(&p, tu_name("p"), 1, b.port, NULL, NULL), 0, "peer connected");

    tu_section("subscribe: SUBACKs reported by the ack notify (type 9)");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, keep, (UINT)strlen(keep), 1), NXD_MQTT_SUCCESS, "subscribe keep");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, drop, (UINT)strlen(drop), 2), NXD_MQTT_SUCCESS, "subscribe drop");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, marker, (UINT)strlen(marker), 0), NXD_MQTT_SUCCESS, "subscribe marker");
    TU_CHECK(wait_acks(MQTT_CONTROL_PACKET_TYPE_SUBACK, 3), "three SUBACKs seen by the ack notify");

    tu_section("both topics deliver");
    TU_CHECK(tu_peer_publish(&p, keep, "k1", 2, 1, 0) == 0, "peer publishes to keep");
    TU_CHECK(tu_peer_publish(&p, drop, "d1", 2, 2, 0) == 0, "peer publishes to drop (QoS 2)");
    TU_CHECK(tu_client_wait_msgs(&a, 2, 10000) == 2, "A received both");
    TU_CHECK(tu_msg_list_find(&a.received, keep, 0) && tu_msg_list_find(&a.received, drop, 0), "one on each topic");
    TU_CHECK(wait_acks(MQTT_CONTROL_PACKET_TYPE_PUBREL, 1),
             "inbound QoS 2 completed: ack notify type 6 (PUBREL, after PUBCOMP was sent)");

    tu_section("our publishes: PUBACK (4) for QoS 1, PUBCOMP (7) for QoS 2 (extension)");
    TU_CHECK_EQ(tu_publish(&a, keep, "k-own", 5, 0, 1), NXD_MQTT_SUCCESS, "A publishes QoS 1");
    TU_CHECK(wait_acks(MQTT_CONTROL_PACKET_TYPE_PUBACK, 1), "PUBACK seen by the ack notify");
    TU_CHECK_EQ(tu_publish(&a, drop, "d-own", 5, 0, 2), NXD_MQTT_SUCCESS, "A publishes QoS 2");
    TU_CHECK(wait_acks(MQTT_CONTROL_PACKET_TYPE_PUBCOMP, 1), "PUBCOMP seen by the ack notify");
    TU_CHECK(tu_client_wait_msgs(&a, 4, 10000) == 4, "A received its own two messages");

    tu_section("unsubscribe: UNSUBACK reported (type 11), then no more delivery on that topic");
    TU_CHECK_EQ(nxd_mqtt_client_unsubscribe(&a.mqtt, drop, (UINT)strlen(drop)), NXD_MQTT_SUCCESS, "unsubscribe drop");
    TU_CHECK(wait_acks(MQTT_CONTROL_PACKET_TYPE_UNSUBACK, 1), "UNSUBACK seen by the ack notify");
    TU_CHECK(tu_peer_publish(&p, drop, "d2", 2, 2, 0) == 0, "peer publishes to drop (QoS 2)");
    TU_CHECK(tu_peer_publish(&p, drop, "d3", 2, 0, 0) == 0, "peer publishes to drop (QoS 0)");
    TU_CHECK(tu_peer_publish(&p, keep, "k2", 2, 1, 0) == 0, "peer publishes to keep");
    TU_CHECK(tu_peer_publish(&p, marker, "end", 3, 0, 0) == 0, "peer publishes the marker last");
    TU_CHECK_EQ(tu_publish(&a, drop, "d-own-2", 7, 0, 1), NXD_MQTT_SUCCESS, "A publishes to drop itself");
    TU_CHECK_EQ(tu_publish(&a, marker, "end2", 4, 0, 0), NXD_MQTT_SUCCESS, "A publishes a second marker");
    {
        size_t n = tu_client_wait_msgs(&a, 7, 10000);
        UINT st;
        do {
            st = tu_client_get(&a, 300);
        } while (st == NXD_MQTT_SUCCESS);
        n = a.received.n;
        TU_CHECK(n == 7, "A received exactly 7 messages so far (got %zu)", n);
        TU_CHECK(tu_msg_list_count_topic(&a.received, keep) == 3, "3 on keep");
        TU_CHECK(tu_msg_list_count_topic(&a.received, marker) == 2, "both markers");
        TU_CHECK(tu_msg_list_count_topic(&a.received, drop) == 2,
                 "only the 2 messages on drop from before the unsubscribe (got %zu)",
                 tu_msg_list_count_topic(&a.received, drop));
    }

    tu_section("ack notify arguments");
    pthread_mutex_lock(&ack_lock);
    for (i = 0; i < ack_n && i < MAX_ACKS; i++) {
        if (ack_ctx[i] != (void *)&ack_lock)
            ctx_ok = 0;
        if (ack_id[i] == 0)
            ids_ok = 0;
    }
    pthread_mutex_unlock(&ack_lock);
    TU_CHECK(ctx_ok, "every ack notify got nxd_mqtt_ack_receive_context");
    TU_CHECK(ids_ok, "every acknowledged packet id is non-zero");
    TU_CHECK(count_acks(MQTT_CONTROL_PACKET_TYPE_SUBACK) == 3 && count_acks(MQTT_CONTROL_PACKET_TYPE_UNSUBACK) == 1,
             "exactly 3 SUBACK and 1 UNSUBACK notifications");

    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    return tu_end();
}
