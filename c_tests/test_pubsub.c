/* Publish and receive through mosquitto at QoS 0, 1 and 2 with 0-byte, 1-byte and 64 KiB
 * payloads (spec §7.6, §7.7, §7.9, §11.4; QoS 2 publish/subscribe are extensions).
 *
 * Our client A subscribes to base/# at QoS 2. For every QoS and size:
 *  - A publishes; a libmosquitto peer (subscribed at QoS 2) checks topic, payload, the QoS the
 *    broker delivered (= the QoS A used) and retain 0; A gets its own message back;
 *  - the peer publishes; A receives it with message_get, byte for byte.
 * A final marker proves there were no duplicates.
 */
#include <stdio.h>
#include <stdlib.h>
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

static const tu_msg *wait_own(tu_client *c, const char *topic)
{
    uint64_t end = tu_now_ms() + 15000;
    for (;;) {
        const tu_msg *m;
        pthread_mutex_lock(&c->lock);
        m = tu_msg_list_find(&c->received, topic, 0);
        pthread_mutex_unlock(&c->lock);
        if (m != NULL || tu_now_ms() >= end)
            return m;
        tu_client_get(c, 500);
    }
}

int main(void)
{
    static const unsigned sizes[] = {0, 1, 65536};
    tu_broker b;
    char base[160], filter[200], topic[220];
    unsigned char *payload = malloc(65536);
    unsigned qos, si, seed;
    size_t expected_msgs = 0;

    tu_begin("pubsub", 120);
    tu_at_exit(cleanup);
    tu_broker_load(&b);
    TU_REQUIRE(payload != NULL, "payload buffer");
    snprintf(base, sizeof base, "%s", tu_name("ps"));

    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a")), NXD_MQTT_SUCCESS, "create");
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 60, NX_TRUE), NXD_MQTT_SUCCESS, "connect");
    snprintf(filter, sizeof filter, "%s/#", base);
    TU_REQUIRE_EQ(nxd_mqtt_client_subscribe(&a.mqtt, filter, (UINT)strlen(filter), 2), NXD_MQTT_SUCCESS,
                  "A subscribes to base/# at QoS 2 (extension)");
    TU_REQUIRE_EQ(tu_peer_open(&p, tu_name("peer"), 1, b.port, NULL, NULL), 0, "peer connected");
    snprintf(filter, sizeof filter, "%s/a/#", base);
    TU_REQUIRE_EQ(tu_peer_subscribe(&p, filter, 2), 0, "peer subscribes to base/a/# at QoS 2");

    for (qos = 0; qos <= 2; qos++) {
        for (si = 0; si < 3; si++) {
            unsigned len = sizes[si];
            const tu_msg *m;
            UINT st;
            seed = qos * 100u + si;

            tu_section("A publishes QoS %u, %u-byte payload", qos, len);
            snprintf(topic, sizeof topic, "%s/a/q%u/s%u", base, qos, len);
            tu_fill_pattern(payload, len, seed);
            st = nxd_mqtt_client_publish(&a.mqtt, topic, (UINT)strlen(topic), len ? (CHAR *)payload : NULL,
                                         len, 0, qos, 10 * NX_IP_PERIODIC_RATE);
            TU_CHECK_EQ(st, NXD_MQTT_SUCCESS, "publish");
            expected_msgs++;
            TU_CHECK(tu_peer_wait_topic(&p, topic, 1, 15000) == 1, "peer received it");
            pthread_mutex_lock(&p.lock);
            m = tu_msg_list_find(&p.msgs, topic, 0);
            if (m != NULL) {
                TU_CHECK(m->qos == (int)qos, "peer sees QoS %d (expected %u)", m->qos, qos);
                TU_CHECK(m->retain == 0, "peer sees retain 0");
                TU_CHECK(m->payload_len == len && tu_check_pattern(m->payload, len, seed),
                         "peer got the exact payload (%u bytes, expected %u)", m->payload_len, len);
            }
            pthread_mutex_unlock(&p.lock);
            m = wait_own(&a, topic);
            TU_CHECK(m != NULL, "A received its own message back");
            if (m != NULL)
                TU_CHECK(m->payload_len == len && tu_check_pattern(m->payload, len, seed),
                         "A's copy is exact (%u bytes, expected %u)", m->payload_len, len);

            tu_section("peer publishes QoS %u, %u-byte payload to A", qos, len);
            seed += 50;
            snprintf(topic, sizeof topic, "%s/p/q%u/s%u", base, qos, len);
            tu_fill_pattern(payload, len, seed);
            TU_CHECK(tu_peer_publish(&p, topic, payload, (int)len, (int)qos, 0) == 0, "peer publish completed");
            expected_msgs++;
            m = wait_own(&a, topic);
            TU_CHECK(m != NULL, "A received it");
            if (m != NULL) {
                TU_CHECK(m->topic_len == strlen(topic), "topic length %u", m->topic_len);
                TU_CHECK(m->payload_len == len && tu_check_pattern(m->payload, len, seed),
                         "payload exact (%u bytes, expected %u)", m->payload_len, len);
            }
        }
    }

    tu_section("no duplicates");
    snprintf(topic, sizeof topic, "%s/p/marker", base);
    TU_CHECK(tu_peer_publish(&p, topic, "end", 3, 2, 0) == 0, "peer publishes a final marker (QoS 2)");
    TU_CHECK(wait_own(&a, topic) != NULL, "A received the marker");
    expected_msgs++;
    {
        size_t n;
        UINT st;
        /* Anything still queued would be a duplicate: read it out. */
        do {
            st = tu_client_get(&a, 200);
        } while (st == NXD_MQTT_SUCCESS);
        pthread_mutex_lock(&a.lock);
        n = a.received.n;
        pthread_mutex_unlock(&a.lock);
        TU_CHECK(n == expected_msgs, "A received %zu messages, expected exactly %zu", n, expected_msgs);
    }
    TU_CHECK(tu_peer_count(&p) == 9, "peer received exactly 9 messages (got %zu)", tu_peer_count(&p));

    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    free(payload);
    return tu_end();
}
