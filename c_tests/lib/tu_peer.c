/* libmosquitto peer for the C tests (see tu_peer.h). */
#define _GNU_SOURCE
#include "tu_peer.h"

#include <errno.h>
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TU_PEER_WAIT_MS 10000u

static pthread_once_t tu_peer_once = PTHREAD_ONCE_INIT;
static void tu_peer_lib_init(void) { mosquitto_lib_init(); }

static void tu_peer_mark_mid(tu_peer *p, int mid)
{
    pthread_mutex_lock(&p->lock);
    if (p->acked_n == p->acked_cap) {
        size_t cap = p->acked_cap ? p->acked_cap * 2 : 64;
        int *v = realloc(p->acked_mids, cap * sizeof *v);
        if (v == NULL)
            abort();
        p->acked_mids = v;
        p->acked_cap = cap;
    }
    p->acked_mids[p->acked_n++] = mid;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

static int tu_peer_mid_done_locked(tu_peer *p, int mid)
{
    size_t i;
    for (i = p->acked_n; i > 0; i--)
        if (p->acked_mids[i - 1] == mid)
            return 1;
    return 0;
}

static void on_connect(struct mosquitto *m, void *obj, int rc)
{
    tu_peer *p = obj;
    (void)m;
    pthread_mutex_lock(&p->lock);
    p->connack_seen = 1;
    p->connack_rc = rc;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

static void on_disconnect(struct mosquitto *m, void *obj, int rc)
{
    tu_peer *p = obj;
    (void)m;
    (void)rc;
    pthread_mutex_lock(&p->lock);
    p->disconnected = 1;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

static void on_publish(struct mosquitto *m, void *obj, int mid)
{
    (void)m;
    tu_peer_mark_mid(obj, mid);
}

static void on_subscribe(struct mosquitto *m, void *obj, int mid, int qos_count, const int *granted)
{
    (void)m;
    (void)qos_count;
    (void)granted;
    tu_peer_mark_mid(obj, mid);
}

static void on_unsubscribe(struct mosquitto *m, void *obj, int mid)
{
    (void)m;
    tu_peer_mark_mid(obj, mid);
}

static void on_message(struct mosquitto *m, void *obj, const struct mosquitto_message *msg)
{
    tu_peer *p = obj;
    (void)m;
    pthread_mutex_lock(&p->lock);
    tu_msg_list_add(&p->msgs, msg->topic, (unsigned)strlen(msg->topic), msg->payload,
                    (unsigned)msg->payloadlen, msg->qos, msg->retain ? 1 : 0);
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

int tu_peer_open(tu_peer *p, const char *client_id, int clean_session, unsigned port,
                 const char *user, const char *pass)
{
    struct timespec dl;
    int rc;
    pthread_once(&tu_peer_once, tu_peer_lib_init);
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
    tu_cond_init(&p->cond);
    p->connack_rc = -1;
    p->m = mosquitto_new(client_id, clean_session ? true : false, p);
    if (p->m == NULL)
        return -1;
    mosquitto_int_option(p->m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    /* libmosquitto's default client-side in-flight limit (20) matches mosquitto's default
     * per-client quota: the peer is a well-behaved client. */
    mosquitto_connect_callback_set(p->m, on_connect);
    mosquitto_disconnect_callback_set(p->m, on_disconnect);
    mosquitto_publish_callback_set(p->m, on_publish);
    mosquitto_subscribe_callback_set(p->m, on_subscribe);
    mosquitto_unsubscribe_callback_set(p->m, on_unsubscribe);
    mosquitto_message_callback_set(p->m, on_message);
    if (user != NULL)
        mosquitto_username_pw_set(p->m, user, pass);
    /* No automatic reconnect: a refused or dropped peer stays down. */
    mosquitto_reconnect_delay_set(p->m, 3600, 3600, false);
    rc = mosquitto_connect(p->m, "127.0.0.1", (int)port, 60);
    if (rc != MOSQ_ERR_SUCCESS) {
        fprintf(stderr, "tu_peer: mosquitto_connect: %s\n", mosquitto_strerror(rc));
        return -1;
    }
    rc = mosquitto_loop_start(p->m);
    if (rc != MOSQ_ERR_SUCCESS)
        return -1;
    dl = tu_deadline(TU_PEER_WAIT_MS);
    pthread_mutex_lock(&p->lock);
    while (!p->connack_seen && !p->disconnected) {
        if (pthread_cond_timedwait(&p->cond, &p->lock, &dl) == ETIMEDOUT)
            break;
    }
    rc = p->connack_seen ? p->connack_rc : -1;
    pthread_mutex_unlock(&p->lock);
    return rc;
}

int tu_peer_wait_mid(tu_peer *p, int mid, unsigned timeout_ms)
{
    struct timespec dl = tu_deadline(timeout_ms);
    int ok;
    pthread_mutex_lock(&p->lock);
    while (!tu_peer_mid_done_locked(p, mid)) {
        if (pthread_cond_timedwait(&p->cond, &p->lock, &dl) == ETIMEDOUT)
            break;
    }
    ok = tu_peer_mid_done_locked(p, mid);
    pthread_mutex_unlock(&p->lock);
    return ok;
}

int tu_peer_subscribe(tu_peer *p, const char *topic, int qos)
{
    int mid = 0;
    if (p->m == NULL || mosquitto_subscribe(p->m, &mid, topic, qos) != MOSQ_ERR_SUCCESS)
        return -1;
    return tu_peer_wait_mid(p, mid, TU_PEER_WAIT_MS) ? 0 : -1;
}

int tu_peer_unsubscribe(tu_peer *p, const char *topic)
{
    int mid = 0;
    if (p->m == NULL || mosquitto_unsubscribe(p->m, &mid, topic) != MOSQ_ERR_SUCCESS)
        return -1;
    return tu_peer_wait_mid(p, mid, TU_PEER_WAIT_MS) ? 0 : -1;
}

int tu_peer_publish_nowait(tu_peer *p, const char *topic, const void *payload, int len, int qos,
                           int retain)
{
    int mid = 0, rc;
    if (p->m == NULL)
        return -1;
    rc = mosquitto_publish(p->m, &mid, topic, len, payload, qos, retain ? true : false);
    if (rc != MOSQ_ERR_SUCCESS) {
        fprintf(stderr, "tu_peer: mosquitto_publish: %s\n", mosquitto_strerror(rc));
        return -1;
    }
    return mid;
}

int tu_peer_publish(tu_peer *p, const char *topic, const void *payload, int len, int qos, int retain)
{
    int mid = tu_peer_publish_nowait(p, topic, payload, len, qos, retain);
    if (mid < 0)
        return -1;
    return tu_peer_wait_mid(p, mid, TU_PEER_WAIT_MS) ? 0 : -1;
}

size_t tu_peer_wait_msgs(tu_peer *p, size_t n, unsigned timeout_ms)
{
    struct timespec dl = tu_deadline(timeout_ms);
    size_t have;
    pthread_mutex_lock(&p->lock);
    while (p->msgs.n < n) {
        if (pthread_cond_timedwait(&p->cond, &p->lock, &dl) == ETIMEDOUT)
            break;
    }
    have = p->msgs.n;
    pthread_mutex_unlock(&p->lock);
    return have;
}

size_t tu_peer_wait_topic(tu_peer *p, const char *topic, size_t n, unsigned timeout_ms)
{
    struct timespec dl = tu_deadline(timeout_ms);
    size_t have;
    pthread_mutex_lock(&p->lock);
    while ((have = tu_msg_list_count_topic(&p->msgs, topic)) < n) {
        if (pthread_cond_timedwait(&p->cond, &p->lock, &dl) == ETIMEDOUT)
            break;
    }
    have = tu_msg_list_count_topic(&p->msgs, topic);
    pthread_mutex_unlock(&p->lock);
    return have;
}

size_t tu_peer_count(tu_peer *p)
{
    size_t n;
    pthread_mutex_lock(&p->lock);
    n = p->msgs.n;
    pthread_mutex_unlock(&p->lock);
    return n;
}

void tu_peer_close(tu_peer *p)
{
    if (p->m != NULL) {
        mosquitto_disconnect(p->m);
        mosquitto_loop_stop(p->m, true);
        mosquitto_destroy(p->m);
        p->m = NULL;
    }
    pthread_mutex_lock(&p->lock);
    tu_msg_list_free(&p->msgs);
    free(p->acked_mids);
    p->acked_mids = NULL;
    p->acked_n = p->acked_cap = 0;
    pthread_mutex_unlock(&p->lock);
}
