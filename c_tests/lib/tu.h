/* Small helper library for the nxd_mqtt C tests.
 *
 * - checks that print what they verify and count failures (TU_CHECK*), a per-test watchdog;
 * - the broker fixture's ports (read from $NXD_TEST_BROKER_DIR/broker.env);
 * - tu_client: an NXD_MQTT_CLIENT with its stack and callbacks that record what they saw;
 * - unique topic and client-id names so that tests can share one broker.
 *
 * The libmosquitto peer used to observe our client from outside is in tu_peer.h.
 */
#ifndef NXD_TU_H
#define NXD_TU_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "nxd_mqtt_client.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- checks ------------------------------------------------------------------------------ */

/* Starts a test program: prints its name and arms a watchdog that aborts the process (with a
 * message) after timeout_s seconds, so that a hang is a bounded failure. */
void tu_begin(const char *test_name, unsigned timeout_s);
/* Prints the summary; returns the process exit status (0 only if no check failed). */
int tu_end(void);
/* Prints a heading for the group of checks that follows. */
void tu_section(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Records one check; prints "ok" or "FAIL" with the description. Returns cond. */
int tu_check(int cond, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Records a failed check of two unsigned values (printed in hex and decimal). */
int tu_check_eq_u(unsigned long actual, unsigned long expected, const char *file, int line,
                  const char *what);
/* Stops the test now (after a failed precondition): prints the reason, runs the registered
 * cleanups and exits with status 1. */
void tu_fatal(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));
/* Registers a function run at exit (also after tu_fatal or the watchdog). */
void tu_at_exit(void (*fn)(void));
/* Name of an NXD/NX return code, for messages ("NXD_MQTT_NOT_CONNECTED"), or "?". */
const char *tu_code_name(unsigned long code);

extern int tu_failures;
extern int tu_checks;

#define TU_CHECK(cond, ...) tu_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
/* Checks actual == expected (both unsigned); the description names what is compared. */
#define TU_CHECK_EQ(actual, expected, what) \
    tu_check_eq_u((unsigned long)(actual), (unsigned long)(expected), __FILE__, __LINE__, what)
/* Like TU_CHECK but stops the test on failure (for preconditions of later checks). */
#define TU_REQUIRE(cond, ...)                                            \
    do {                                                                 \
        if (!tu_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__))        \
            tu_fatal(__FILE__, __LINE__, "precondition failed, stopping"); \
    } while (0)
#define TU_REQUIRE_EQ(actual, expected, what)                                    \
    do {                                                                         \
        if (!TU_CHECK_EQ(actual, expected, what))                                \
            tu_fatal(__FILE__, __LINE__, "precondition failed, stopping");       \
    } while (0)

/* ---- time --------------------------------------------------------------------------------- */

uint64_t tu_now_ms(void);
void tu_sleep_ms(unsigned ms);
/* Absolute CLOCK_MONOTONIC deadline ms from now, for pthread_cond_timedwait (the tu
 * condition variables use CLOCK_MONOTONIC). */
struct timespec tu_deadline(unsigned ms);
void tu_cond_init(pthread_cond_t *cond);

/* Waits (polling every 5 ms) until pred(arg) is non-zero or timeout_ms elapse. */
int tu_wait_until(int (*pred)(void *), void *arg, unsigned timeout_ms);

/* Waits until the counter (updated atomically by another thread) reaches n, or timeout_ms
   elapse. Returns 1 when it did. */
int tu_wait_count(volatile unsigned *counter, unsigned n, unsigned timeout_ms);

/* ---- broker fixture ------------------------------------------------------------------------ */

#define TU_PATH_MAX 512

typedef struct tu_broker {
    unsigned port;        /* anonymous broker, 127.0.0.1 */
    unsigned port6;       /* same broker, ::1 */
    unsigned auth_port;   /* broker with password file and allow_anonymous false */
    unsigned closed_port; /* a port nothing listened on when the fixture started */
    char auth_user[64];
    char auth_pass[64];
    /* TLS listeners of the anonymous broker on 127.0.0.1 and the fixture's test PKI (paths of
       files made at each fixture start; DER is what the NetX Secure API takes). Empty / 0 when
       the fixture wrote none. */
    unsigned tls_port;              /* server certificate only */
    unsigned mtls_port;             /* client certificate signed by the test CA required */
    char tls_server_name[64];       /* "localhost": the server certificate's DNS name */
    char tls_ca_pem[TU_PATH_MAX];   /* test CA: issued the server and client certificates */
    char tls_ca_der[TU_PATH_MAX];
    char tls_wrong_ca_pem[TU_PATH_MAX]; /* an unrelated CA */
    char tls_wrong_ca_der[TU_PATH_MAX];
    char tls_server_cert_der[TU_PATH_MAX];
    char tls_client_cert_pem[TU_PATH_MAX]; /* RSA client certificate and key */
    char tls_client_cert_der[TU_PATH_MAX];
    char tls_client_key_pem[TU_PATH_MAX];
    char tls_client_key_der[TU_PATH_MAX]; /* PKCS#1 (NX_SECURE_X509_KEY_TYPE_RSA_PKCS1_DER) */
    char tls_client_ec_cert_der[TU_PATH_MAX]; /* P-256 client certificate and key */
    char tls_client_ec_key_der[TU_PATH_MAX];  /* SEC1 (NX_SECURE_X509_KEY_TYPE_EC_DER) */
    /* WebSocket proxies (websockify) in front of the anonymous broker's plain listener, on
       127.0.0.1; they answer the subprotocol "mqtt". 0 when the fixture wrote none. */
    unsigned ws_port;  /* plain WebSocket */
    unsigned wss_port; /* WebSocket over TLS: the server certificate above (test CA) */
} tu_broker;

/* Reads the fixture's broker.env; fails the test loudly when the fixture did not run. */
void tu_broker_load(tu_broker *b);

/* Reads a whole file (certificates, keys) into a malloc'd buffer (free it); *len gets its size.
 * Fails the test when the file cannot be read. */
unsigned char *tu_read_file(const char *path, size_t *len);

void tu_addr_v4_loopback(NXD_ADDRESS *addr);
void tu_addr_v6_loopback(NXD_ADDRESS *addr);

/* "nxdct/<test>/<pid>/<suffix>": unique per test process, for topics and client ids. */
const char *tu_name(const char *suffix);

/* A TCP listener on 127.0.0.1 (or ::1 when v6) that accepts connections in the kernel
 * backlog but never reads nor answers: a "broker" that never sends CONNACK. Returns the
 * listening fd and stores its port; close the fd to stop it. Fails the test if impossible. */
int tu_silent_listener(int v6, unsigned *port);

/* A dummy non-NULL NX_IP / NX_PACKET_POOL for the host port. */
NX_IP *tu_ip(void);
NX_PACKET_POOL *tu_pool(void);

/* ---- a client of the API under test -------------------------------------------------------- */

#define TU_CLIENT_STACK_SIZE (16 * 1024)
#define TU_MAX_TOPIC 512
#define TU_MAX_PAYLOAD (70 * 1024)
#define TU_MAX_NOTIFY_LOG 4096

typedef struct tu_msg {
    char *topic;
    unsigned topic_len;
    unsigned char *payload;
    unsigned payload_len;
    int qos;    /* -1 when unknown (messages received through our API) */
    int retain; /* -1 when unknown */
} tu_msg;

typedef struct tu_msg_list {
    tu_msg *v;
    size_t n, cap;
} tu_msg_list;

void tu_msg_list_add(tu_msg_list *l, const char *topic, unsigned topic_len, const void *payload,
                     unsigned payload_len, int qos, int retain);
void tu_msg_list_free(tu_msg_list *l);
/* First message on topic at or after index start; NULL if none. */
const tu_msg *tu_msg_list_find(const tu_msg_list *l, const char *topic, size_t start);
size_t tu_msg_list_count_topic(const tu_msg_list *l, const char *topic);

typedef struct tu_client {
    NXD_MQTT_CLIENT mqtt; /* must stay the first member: callbacks find the tu_client from it */
    ULONG stack[TU_CLIENT_STACK_SIZE / sizeof(ULONG)];
    char id[128];
    char name[64];
    int created;

    pthread_mutex_t lock;
    pthread_cond_t cond;
    /* receive notify */
    unsigned rx_notify_calls;
    unsigned rx_notify_log[TU_MAX_NOTIFY_LOG]; /* number_of_messages of each call */
    int drain_in_callback; /* receive notify reads every message with message_get itself */
    unsigned drained_log[TU_MAX_NOTIFY_LOG]; /* drain mode: messages read by each notify call */
    UINT drain_last_status;
    tu_msg_list received;  /* messages read by the callback (drain mode) or tu_client_get */
    /* disconnect notify */
    int read_in_disconnect_notify; /* the disconnect notify reads the queued messages */
    unsigned read_in_disconnect;   /* how many it read */
    unsigned disconnect_calls;
    UINT state_in_disconnect_notify;
    /* connect notify */
    unsigned connect_notify_calls;
    UINT connect_status[64];
    void *connect_context_seen;
} tu_client;

/* nxd_mqtt_client_create with this test's name, a dummy IP/pool, the embedded stack;
 * installs the recording receive/disconnect/connect notifies. Returns the create status. */
UINT tu_client_create(tu_client *c, const char *client_id);
/* Blocking connect to 127.0.0.1:port with a bounded timeout (10 s). */
UINT tu_client_connect(tu_client *c, unsigned port, UINT keepalive, UINT clean_session);
/* Deletes if created (nxd_mqtt_client_delete); returns its status (NXD_MQTT_SUCCESS if not
 * created). Frees the recorded messages. */
UINT tu_client_delete(tu_client *c);

/* Waits until at least n receive notifies happened. Returns 1 on success. */
int tu_client_wait_rx_notify(tu_client *c, unsigned n, unsigned timeout_ms);
/* Waits until at least n disconnect notifies happened. */
int tu_client_wait_disconnect(tu_client *c, unsigned n, unsigned timeout_ms);
/* Waits until at least n connect notifies happened. */
int tu_client_wait_connect_notify(tu_client *c, unsigned n, unsigned timeout_ms);
/* Waits until c->received holds at least n messages. Outside drain mode it reads them with
 * nxd_mqtt_client_message_get itself (big buffers). Returns the number held. */
size_t tu_client_wait_msgs(tu_client *c, size_t n, unsigned timeout_ms);
/* Reads one message with message_get into c->received, waiting for a receive notify when the
 * queue is empty. Returns the message_get status (NXD_MQTT_NO_MESSAGE on timeout). */
UINT tu_client_get(tu_client *c, unsigned timeout_ms);

/* Reads the client state field (nxd_mqtt_client_state) under the recording lock. */
UINT tu_client_state(tu_client *c);

/* Publish through our API with a bounded timeout (5 s). */
UINT tu_publish(tu_client *c, const char *topic, const void *payload, unsigned len, UINT retain,
                UINT qos);

/* Fills buf with a deterministic pattern derived from seed (for payload verification). */
void tu_fill_pattern(unsigned char *buf, size_t len, unsigned seed);
/* 1 if buf holds the pattern for seed. */
int tu_check_pattern(const unsigned char *buf, size_t len, unsigned seed);

#ifdef __cplusplus
}
#endif
#endif
