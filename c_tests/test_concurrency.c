/* Four threads publish through one client at the same time (spec §6.3: API calls from several
 * threads are serialised by the client). Thread k publishes 250 messages at QoS k % 3 with
 * self-checking payloads of varying length. A libmosquitto peer and the client itself (its own
 * subscription, read in the receive notify) must each get every message exactly once, intact,
 * with the right QoS. Per-thread order is checked only for the two threads that share QoS 0
 * (threads 0 and 3): with QoS levels mixed, mosquitto 2.0.11 itself reorders QoS 1/2 messages
 * (seen with libmosquitto clients alone), so their order says nothing about nxd_mqtt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tu.h"
#include "tu_peer.h"

#define THREADS 4
#define PER_THREAD 250
#define HDR 24

static tu_client a;
static tu_peer p;
static char base[160];

typedef struct {
    unsigned k;
    unsigned ok, failed;
    UINT first_error;
    unsigned char buf[HDR + 2000];
} pub_arg;

static void cleanup(void)
{
    tu_client_delete(&a);
    tu_peer_close(&p);
}

static unsigned payload_len(unsigned k, unsigned i) { return HDR + ((i * 37u + k * 11u) % 1500u); }

static void *publisher(void *arg)
{
    pub_arg *pa = arg;
    char topic[200];
    unsigned i;
    snprintf(topic, sizeof topic, "%s/t%u", base, pa->k);
    for (i = 0; i < PER_THREAD; i++) {
        unsigned len = payload_len(pa->k, i);
        UINT st;
        memset(pa->buf, ' ', HDR);
        snprintf((char *)pa->buf, HDR, "T%u N%05u L%05u", pa->k, i, len);
        tu_fill_pattern(pa->buf + HDR, len - HDR, pa->k * 100000u + i);
        st = nxd_mqtt_client_publish(&a.mqtt, topic, (UINT)strlen(topic), (CHAR *)pa->buf, len, 0, pa->k % 3,
                                     10 * NX_IP_PERIODIC_RATE);
        if (st == NXD_MQTT_SUCCESS) {
            pa->ok++;
        } else {
            if (pa->failed++ == 0)
                pa->first_error = st;
        }
    }
    return NULL;
}

/* Verifies a list of received messages; returns the number of problems (printed). */
static unsigned verify(const char *who, const tu_msg_list *l, int check_qos)
{
    static unsigned char seen[THREADS][PER_THREAD];
    unsigned next[THREADS] = {0};
    unsigned problems = 0, k, i;
    size_t n;
    memset(seen, 0, sizeof seen);
    for (n = 0; n < l->n; n++) {
        const tu_msg *m = &l->v[n];
        unsigned tk, ti, tl;
        char expect_topic[200];
        if (m->payload_len < HDR || sscanf((const char *)m->payload, "T%u N%u L%u", &tk, &ti, &tl) != 3 ||
            tk >= THREADS || ti >= PER_THREAD) {
            if (problems++ < 5)
                printf("  %s: message %zu: unreadable header\n", who, n);
            continue;
        }
        snprintf(expect_topic, sizeof expect_topic, "%s/t%u", base, tk);
        if (tl != payload_len(tk, ti) || m->payload_len != tl || strcmp(m->topic, expect_topic) != 0 ||
            !tu_check_pattern(m->payload + HDR, tl - HDR, tk * 100000u + ti)) {
            if (problems++ < 5)
                printf("  %s: message T%u N%u corrupted (length %u, topic %s)\n", who, tk, ti, m->payload_len, m->topic);
            continue;
        }
        if (check_qos && m->qos != (int)(tk % 3)) {
            if (problems++ < 5)
                printf("  %s: message T%u N%u delivered with QoS %d\n", who, tk, ti, m->qos);
        }
        if (seen[tk][ti]++) {
            if (problems++ < 5)
                printf("  %s: message T%u N%u duplicated\n", who, tk, ti);
        }
        if (tk % 3 == 0 && ti < next[tk]) {
            if (problems++ < 5)
                printf("  %s: message T%u N%u out of order\n", who, tk, ti);
        }
        next[tk] = ti + 1;
    }
    for (k = 0; k < THREADS; k++)
        for (i = 0; i < PER_THREAD; i++)
            if (!seen[k][i]) {
                if (problems++ < 5)
                    printf("  %s: message T%u N%u missing\n", who, k, i);
            }
    return problems;
}

int main(void)
{
    tu_broker b;
    pthread_t th[THREADS];
    static pub_arg args[THREADS];
    char filter[200];
    unsigned k, total_ok = 0;
    size_t got;

    tu_begin("concurrency", 150);
    tu_at_exit(cleanup);
    tu_broker_load(&b);
    snprintf(base, sizeof base, "%s", tu_name("mt"));
    snprintf(filter, sizeof filter, "%s/#", base);

    TU_REQUIRE_EQ(tu_peer_open(&p, tu_name("p"), 1, b.port, NULL, NULL), 0, "peer connected");
    TU_REQUIRE(tu_peer_subscribe(&p, filter, 2) == 0, "peer subscribes at QoS 2");
    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a")), NXD_MQTT_SUCCESS, "create");
    a.drain_in_callback = 1;
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 60, NX_TRUE), NXD_MQTT_SUCCESS, "connect");
    TU_REQUIRE_EQ(nxd_mqtt_client_subscribe(&a.mqtt, filter, (UINT)strlen(filter), 2), NXD_MQTT_SUCCESS,
                  "A subscribes to its own topics at QoS 2");
    {
        /* subscription active? own round trip on a side topic */
        char sync[220];
        snprintf(sync, sizeof sync, "%s/sync", base);
        TU_CHECK_EQ(tu_publish(&a, sync, "s", 1, 0, 1), NXD_MQTT_SUCCESS, "sync publish");
        TU_CHECK(tu_client_wait_msgs(&a, 1, 10000) == 1 && tu_peer_wait_msgs(&p, 1, 10000) == 1, "sync received");
        pthread_mutex_lock(&a.lock);
        tu_msg_list_free(&a.received);
        pthread_mutex_unlock(&a.lock);
        pthread_mutex_lock(&p.lock);
        tu_msg_list_free(&p.msgs);
        pthread_mutex_unlock(&p.lock);
    }

    tu_section("%d threads x %d messages (QoS 0, 1, 2, 0), payloads %d..%d bytes", THREADS, PER_THREAD, HDR,
               HDR + 1499);
    for (k = 0; k < THREADS; k++) {
        args[k].k = k;
        TU_REQUIRE(pthread_create(&th[k], NULL, publisher, &args[k]) == 0, "start thread %u", k);
    }
    for (k = 0; k < THREADS; k++) {
        pthread_join(th[k], NULL);
        TU_CHECK(args[k].ok == PER_THREAD, "thread %u: %u publishes succeeded, %u failed (first error 0x%x %s)", k,
                 args[k].ok, args[k].failed, args[k].first_error, tu_code_name(args[k].first_error));
        total_ok += args[k].ok;
    }

    tu_section("the peer received everything intact");
    got = tu_peer_wait_msgs(&p, THREADS * PER_THREAD, 30000);
    TU_CHECK(got == THREADS * PER_THREAD, "peer received %zu of %u", got, THREADS * PER_THREAD);
    pthread_mutex_lock(&p.lock);
    TU_CHECK(verify("peer", &p.msgs, 1) == 0, "peer: no message missing, duplicated, corrupted (or reordered at QoS 0); QoS as sent");
    pthread_mutex_unlock(&p.lock);

    tu_section("A received its own messages intact (read inside the receive notify)");
    got = tu_client_wait_msgs(&a, THREADS * PER_THREAD, 30000);
    TU_CHECK(got == THREADS * PER_THREAD, "A received %zu of %u", got, THREADS * PER_THREAD);
    pthread_mutex_lock(&a.lock);
    TU_CHECK(verify("A", &a.received, 0) == 0, "A: no message missing, duplicated, corrupted (or reordered at QoS 0)");
    pthread_mutex_unlock(&a.lock);
    TU_CHECK_EQ(a.drain_last_status, NXD_MQTT_NO_MESSAGE, "the callback's message_get calls ended with NO_MESSAGE");
    TU_CHECK(a.disconnect_calls == 0 && tu_client_state(&a) == NXD_MQTT_CLIENT_STATE_CONNECTED, "still connected");
    (void)total_ok;

    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    return tu_end();
}
