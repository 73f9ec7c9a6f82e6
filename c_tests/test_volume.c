/* 1,000 messages each way, nothing lost (spec §7.6, §7.9, §10, §11.4), at QoS 1 and at QoS 2:
 *  - our client publishes 1,000 messages as fast as publish returns; a libmosquitto peer must
 *    receive all of them exactly once, intact, in order, with the QoS used;
 *  - the peer publishes 1,000 messages without waiting for each flow to finish; our client
 *    reads them with message_get in the application thread; all must arrive exactly once,
 *    intact and in order.
 * Then 300 messages each way with QoS i % 3 mixed: exactly once and intact. (Order is not
 * checked there: with QoS levels mixed, mosquitto 2.0.11 itself reorders messages of one QoS
 * level — seen with two libmosquitto clients and no nxd_mqtt involved.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tu.h"
#include "tu_peer.h"

#define COUNT 1000
#define MIXED 300
#define HDR 16

static tu_client a;
static tu_peer p;

static void cleanup(void)
{
    tu_client_delete(&a);
    tu_peer_close(&p);
}

static unsigned plen(unsigned i) { return HDR + (i * 53u) % 700u; }

static void make(unsigned char *buf, unsigned i, unsigned salt)
{
    unsigned len = plen(i);
    memset(buf, ' ', HDR);
    snprintf((char *)buf, HDR, "#%05u", i);
    tu_fill_pattern(buf + HDR, len - HDR, i + salt);
}

/* Returns the number of problems: each of count messages on topic exactly once and intact;
 * qos < 0: message i was sent with QoS i % 3, else all with qos; order checked if asked. */
static unsigned verify(const char *who, const tu_msg_list *l, const char *topic, unsigned salt, unsigned count,
                       int qos, int check_qos, int check_order)
{
    static unsigned char seen[COUNT];
    int last = -1;
    unsigned problems = 0, i;
    size_t n;
    memset(seen, 0, sizeof seen);
    for (n = 0; n < l->n; n++) {
        const tu_msg *m = &l->v[n];
        unsigned idx;
        int want_qos;
        if (strcmp(m->topic, topic) != 0)
            continue;
        if (m->payload_len < HDR || sscanf((const char *)m->payload, "#%u", &idx) != 1 || idx >= count ||
            m->payload_len != plen(idx) || !tu_check_pattern(m->payload + HDR, plen(idx) - HDR, idx + salt)) {
            if (problems++ < 5)
                printf("  %s: message %zu corrupted (length %u)\n", who, n, m->payload_len);
            continue;
        }
        want_qos = qos < 0 ? (int)(idx % 3) : qos;
        if (check_qos && m->qos != want_qos && problems++ < 5)
            printf("  %s: #%u delivered with QoS %d, sent with %d\n", who, idx, m->qos, want_qos);
        if (seen[idx]++ && problems++ < 5)
            printf("  %s: #%u duplicated\n", who, idx);
        if (check_order && (int)idx < last && problems++ < 5)
            printf("  %s: #%u out of order (after #%d)\n", who, idx, last);
        last = (int)idx;
    }
    for (i = 0; i < count; i++)
        if (!seen[i] && problems++ < 5)
            printf("  %s: #%u missing\n", who, i);
    return problems;
}

static void clear_lists(void)
{
    pthread_mutex_lock(&p.lock);
    tu_msg_list_free(&p.msgs);
    pthread_mutex_unlock(&p.lock);
    pthread_mutex_lock(&a.lock);
    tu_msg_list_free(&a.received);
    pthread_mutex_unlock(&a.lock);
}

/* One round: count messages A -> peer on up, then peer -> A on down; qos < 0 = mixed. */
static void round_trip(const char *up, const char *down, unsigned count, int qos, unsigned salt)
{
    unsigned char buf[HDR + 700];
    unsigned i, ok = 0, failed = 0;
    UINT first_err = 0;
    size_t got;
    uint64_t t0;
    int last_mid = -1;
    int ordered = qos >= 0;

    clear_lists();
    tu_section("A -> peer: %u messages, %s", count, qos < 0 ? "QoS i %% 3" : qos == 1 ? "QoS 1" : "QoS 2");
    t0 = tu_now_ms();
    for (i = 0; i < count; i++) {
        UINT st;
        make(buf, i, salt);
        st = nxd_mqtt_client_publish(&a.mqtt, (CHAR *)up, (UINT)strlen(up), (CHAR *)buf, plen(i), 0,
                                     qos < 0 ? i % 3 : (UINT)qos, 10 * NX_IP_PERIODIC_RATE);
        if (st == NXD_MQTT_SUCCESS)
            ok++;
        else if (failed++ == 0)
            first_err = st;
    }
    TU_CHECK(ok == count, "%u publishes succeeded, %u failed (first error 0x%x %s)", ok, failed, first_err,
             tu_code_name(first_err));
    got = tu_peer_wait_topic(&p, up, count, 30000);
    printf("  (%zu messages in %llu ms)\n", got, (unsigned long long)(tu_now_ms() - t0));
    TU_CHECK(got == count, "peer received %zu of %u", got, count);
    pthread_mutex_lock(&p.lock);
    TU_CHECK(verify("peer", &p.msgs, up, salt, count, qos, 1, ordered) == 0,
             ordered ? "all present exactly once, intact, in order, QoS as sent"
                     : "all present exactly once, intact, QoS as sent");
    pthread_mutex_unlock(&p.lock);

    tu_section("peer -> A: %u messages, read with message_get in the application thread", count);
    t0 = tu_now_ms();
    for (i = 0; i < count; i++) {
        int mid;
        make(buf, i, salt + 1);
        mid = tu_peer_publish_nowait(&p, down, buf, (int)plen(i), qos < 0 ? (int)(i % 3) : qos, 0);
        if (mid < 0)
            break;
        last_mid = mid;
        /* Read as messages arrive, without waiting for them. */
        while (tu_client_get(&a, 0) == NXD_MQTT_SUCCESS) {
        }
    }
    TU_CHECK(i == count, "peer queued %u publishes", i);
    got = tu_client_wait_msgs(&a, count, 30000);
    printf("  (%zu messages in %llu ms)\n", got, (unsigned long long)(tu_now_ms() - t0));
    TU_CHECK(got == count, "A received %zu of %u", got, count);
    TU_CHECK(last_mid > 0 && tu_peer_wait_mid(&p, last_mid, 10000), "the peer's last publish flow completed");
    while (tu_client_get(&a, 300) == NXD_MQTT_SUCCESS) {
    }
    TU_CHECK(a.received.n == count, "no extra messages (%zu)", a.received.n);
    TU_CHECK(verify("A", &a.received, down, salt + 1, count, qos, 0, ordered) == 0,
             ordered ? "all present exactly once, intact, in order" : "all present exactly once, intact");
}

int main(void)
{
    tu_broker b;
    char up[200], down[200];

    tu_begin("volume", 200);
    tu_at_exit(cleanup);
    tu_broker_load(&b);
    snprintf(up, sizeof up, "%s", tu_name("vol/up"));
    snprintf(down, sizeof down, "%s", tu_name("vol/down"));

    TU_REQUIRE_EQ(tu_peer_open(&p, tu_name("p"), 1, b.port, NULL, NULL), 0, "peer connected");
    TU_REQUIRE(tu_peer_subscribe(&p, up, 2) == 0, "peer subscribes to the upstream topic at QoS 2");
    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a")), NXD_MQTT_SUCCESS, "create");
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 60, NX_TRUE), NXD_MQTT_SUCCESS, "connect");
    TU_REQUIRE_EQ(nxd_mqtt_client_subscribe(&a.mqtt, down, (UINT)strlen(down), 2), NXD_MQTT_SUCCESS,
                  "A subscribes to the downstream topic at QoS 2");

    round_trip(up, down, COUNT, 1, 10);
    round_trip(up, down, COUNT, 2, 20);
    round_trip(up, down, MIXED, -1, 30);

    TU_CHECK(a.disconnect_calls == 0 && tu_client_state(&a) == NXD_MQTT_CLIENT_STATE_CONNECTED, "still connected");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    return tu_end();
}
