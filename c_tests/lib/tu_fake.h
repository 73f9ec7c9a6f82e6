/* A minimal scripted MQTT broker for the few C tests a real broker cannot drive (withheld
 * PINGRESP / PUBACK, exact packets seen on reconnect). It listens on 127.0.0.1, accepts
 * connections one after the other, answers CONNECT with CONNACK (return code 0, the configured
 * session-present flag), optionally answers PINGREQ, and records the first byte (and packet id
 * for PUBLISH / SUBSCRIBE / UNSUBSCRIBE / PUBREL) of every packet the client sends. */
#ifndef NXD_TU_FAKE_H
#define NXD_TU_FAKE_H

#include <pthread.h>
#include <stdint.h>

#include "tu.h"

#define TU_FAKE_MAX_PKTS 1024

typedef struct tu_fake_pkt {
    unsigned char first; /* first header byte (type and flags) */
    unsigned conn;       /* 1 for the first connection, 2 for the second, ... */
    unsigned id;         /* packet id where the packet has one, else 0 */
    uint64_t t;          /* tu_now_ms() when it was complete */
} tu_fake_pkt;

typedef struct tu_fake {
    int listen_fd;
    unsigned port;
    /* script (may be changed between connections, under lock) */
    int answer_ping;
    int session_present;
    /* record */
    pthread_t thread;
    pthread_mutex_t lock;
    tu_fake_pkt pkts[TU_FAKE_MAX_PKTS];
    unsigned n;
    unsigned conns;  /* connections accepted */
    unsigned closed; /* connections closed by the client */
    uint64_t closed_at;
    int error;
    int started;
    int conn_fd; /* current connection, -1 if none */
} tu_fake;

/* Starts listening and the broker thread. */
void tu_fake_start(tu_fake *f, int answer_ping);
/* Stops the broker thread and closes the listener (safe to call twice). */
void tu_fake_stop(tu_fake *f);
/* Number of recorded packets whose first byte & mask == value, on connection conn (0: any). */
unsigned tu_fake_count(tu_fake *f, unsigned char mask, unsigned char value, unsigned conn);
/* Waits until tu_fake_count(...) >= n. */
int tu_fake_wait(tu_fake *f, unsigned char mask, unsigned char value, unsigned conn, unsigned n,
                 unsigned timeout_ms);
/* Waits until at least n connections were closed by the client. */
int tu_fake_wait_closed(tu_fake *f, unsigned n, unsigned timeout_ms);

#endif
