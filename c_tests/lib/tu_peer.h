/* An independent MQTT peer for the C tests, built on libmosquitto: it observes what our
 * client really put on the wire (topic, payload, QoS, retain as the broker delivered them) and
 * produces traffic for our client. Every call waits for its acknowledgement (bounded). */
#ifndef NXD_TU_PEER_H
#define NXD_TU_PEER_H

#include <pthread.h>
#include <stddef.h>

#include "tu.h"

#ifdef __cplusplus
extern "C" {
#endif

struct mosquitto;

typedef struct tu_peer {
    struct mosquitto *m;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int connack_seen;
    int connack_rc; /* CONNACK return code as sent by the broker */
    int disconnected;
    int mids_acked_count;
    int *acked_mids; /* mids of completed publishes / subscribes */
    size_t acked_n, acked_cap;
    tu_msg_list msgs;
} tu_peer;

/* Connects a libmosquitto client (MQTT 3.1.1) to 127.0.0.1:port and waits for the CONNACK.
 * user may be NULL. Returns the CONNACK return code (0 = accepted), or -1 if no CONNACK came. */
int tu_peer_open(tu_peer *p, const char *client_id, int clean_session, unsigned port,
                 const char *user, const char *pass);
/* Subscribes and waits for the SUBACK. Returns 0 on success. */
int tu_peer_subscribe(tu_peer *p, const char *topic, int qos);
/* Unsubscribes and waits for the UNSUBACK. Returns 0 on success. */
int tu_peer_unsubscribe(tu_peer *p, const char *topic);
/* Publishes and waits until the flow completed (QoS 0: handed to the socket; QoS 1: PUBACK;
 * QoS 2: PUBCOMP). Returns 0 on success. */
int tu_peer_publish(tu_peer *p, const char *topic, const void *payload, int len, int qos, int retain);
/* Publishes without waiting; returns the mid (>0) or -1. */
int tu_peer_publish_nowait(tu_peer *p, const char *topic, const void *payload, int len, int qos,
                           int retain);
/* Waits until the publish with this mid completed. */
int tu_peer_wait_mid(tu_peer *p, int mid, unsigned timeout_ms);
/* Waits until at least n messages were received in total; returns the count. */
size_t tu_peer_wait_msgs(tu_peer *p, size_t n, unsigned timeout_ms);
/* Waits until at least n messages on topic were received; returns that count. */
size_t tu_peer_wait_topic(tu_peer *p, const char *topic, size_t n, unsigned timeout_ms);
/* Number of messages received so far. */
size_t tu_peer_count(tu_peer *p);
/* Disconnects cleanly (DISCONNECT sent) and frees everything. Safe on a peer that failed. */
void tu_peer_close(tu_peer *p);

#ifdef __cplusplus
}
#endif
#endif
