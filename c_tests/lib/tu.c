/* Helper library for the nxd_mqtt C tests (see tu.h). */
#define _GNU_SOURCE
#include "tu.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int tu_failures;
int tu_checks;
static const char *tu_test_name = "test";
static pthread_mutex_t tu_print_lock = PTHREAD_MUTEX_INITIALIZER;

#define TU_MAX_CLEANUPS 16
static void (*tu_cleanups[TU_MAX_CLEANUPS])(void);
static int tu_ncleanups;
static volatile sig_atomic_t tu_cleaning;

static void tu_run_cleanups(void)
{
    if (tu_cleaning)
        return;
    tu_cleaning = 1;
    while (tu_ncleanups > 0)
        tu_cleanups[--tu_ncleanups]();
}

void tu_at_exit(void (*fn)(void))
{
    if (tu_ncleanups < TU_MAX_CLEANUPS)
        tu_cleanups[tu_ncleanups++] = fn;
}

static void tu_watchdog(int sig)
{
    static const char msg[] = "\nFAIL - watchdog: the test did not finish in time (hang?)\n";
    (void)sig;
    if (write(STDOUT_FILENO, msg, sizeof msg - 1) < 0) {
        /* nothing more to do */
    }
    /* Kill child processes we may have started (they are in our process group only when we
     * are a group leader; the registered cleanups handle the rest best-effort). */
    tu_run_cleanups();
    _exit(2);
}

void tu_begin(const char *test_name, unsigned timeout_s)
{
    tu_test_name = test_name;
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGALRM, tu_watchdog);
    alarm(timeout_s);
    printf("=== %s (watchdog %u s)\n", test_name, timeout_s);
}

int tu_end(void)
{
    alarm(0);
    tu_run_cleanups();
    printf("=== %s: %d checks, %d failed -> %s\n", tu_test_name, tu_checks, tu_failures,
           tu_failures ? "FAIL" : "PASS");
    return tu_failures ? 1 : 0;
}

void tu_section(const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&tu_print_lock);
    printf("--- ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    pthread_mutex_unlock(&tu_print_lock);
}

int tu_check(int cond, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&tu_print_lock);
    tu_checks++;
    if (!cond)
        tu_failures++;
    printf("%s - ", cond ? "ok  " : "FAIL");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    if (!cond)
        printf("   [%s:%d]", file, line);
    printf("\n");
    pthread_mutex_unlock(&tu_print_lock);
    return cond;
}

int tu_check_eq_u(unsigned long actual, unsigned long expected, const char *file, int line,
                  const char *what)
{
    if (actual == expected)
        return tu_check(1, file, line, "%s == 0x%lx (%s)", what, expected, tu_code_name(expected));
    return tu_check(0, file, line, "%s: got 0x%lx (%lu, %s), expected 0x%lx (%lu, %s)", what, actual,
                    actual, tu_code_name(actual), expected, expected, tu_code_name(expected));
}

void tu_fatal(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&tu_print_lock);
    printf("FAIL - FATAL: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("   [%s:%d]\n", file, line);
    pthread_mutex_unlock(&tu_print_lock);
    tu_failures++;
    alarm(0);
    tu_run_cleanups();
    printf("=== %s: %d checks, %d failed -> FAIL\n", tu_test_name, tu_checks, tu_failures);
    fflush(stdout);
    _exit(1);
}

const char *tu_code_name(unsigned long code)
{
    switch (code) {
    case 0x00: return "SUCCESS";
    case 0x07: return "NX_PTR_ERROR";
    case 0x09: return "NX_SIZE_ERROR";
    case 0x11: return "NX_CALLER_ERROR";
    case 0x37: return "NX_IN_PROGRESS";
    case 0x46: return "NX_INVALID_PORT";
    case 0x10001: return "NXD_MQTT_ALREADY_CONNECTED";
    case 0x10002: return "NXD_MQTT_NOT_CONNECTED";
    case 0x10003: return "NXD_MQTT_MUTEX_FAILURE";
    case 0x10004: return "NXD_MQTT_INTERNAL_ERROR";
    case 0x10005: return "NXD_MQTT_CONNECT_FAILURE";
    case 0x10006: return "NXD_MQTT_PACKET_POOL_FAILURE";
    case 0x10007: return "NXD_MQTT_COMMUNICATION_FAILURE";
    case 0x10008: return "NXD_MQTT_SERVER_MESSAGE_FAILURE";
    case 0x10009: return "NXD_MQTT_INVALID_PARAMETER";
    case 0x1000A: return "NXD_MQTT_NO_MESSAGE";
    case 0x1000B: return "NXD_MQTT_PACKET_POOL_EMPTY";
    case 0x1000C: return "NXD_MQTT_QOS2_NOT_SUPPORTED";
    case 0x1000D: return "NXD_MQTT_INSUFFICIENT_BUFFER_SPACE";
    case 0x1000E: return "NXD_MQTT_CLIENT_NOT_RUNNING";
    case 0x1000F: return "NXD_MQTT_INVALID_PACKET";
    case 0x10010: return "NXD_MQTT_PARTIAL_PACKET";
    case 0x10011: return "NXD_MQTT_CONNECTING";
    case 0x10012: return "NXD_MQTT_INVALID_STATE";
    case 0x10081: return "NXD_MQTT_ERROR_UNACCEPTABLE_PROTOCOL";
    case 0x10082: return "NXD_MQTT_ERROR_IDENTIFYIER_REJECTED";
    case 0x10083: return "NXD_MQTT_ERROR_SERVER_UNAVAILABLE";
    case 0x10084: return "NXD_MQTT_ERROR_BAD_USERNAME_PASSWORD";
    case 0x10085: return "NXD_MQTT_ERROR_NOT_AUTHORIZED";
    default: return "?";
    }
}

/* ---- time --------------------------------------------------------------------------------- */

uint64_t tu_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void tu_sleep_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

struct timespec tu_deadline(unsigned ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += (time_t)(ms / 1000);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

void tu_cond_init(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
}

int tu_wait_until(int (*pred)(void *), void *arg, unsigned timeout_ms)
{
    uint64_t end = tu_now_ms() + timeout_ms;
    for (;;) {
        if (pred(arg))
            return 1;
        if (tu_now_ms() >= end)
            return pred(arg);
        tu_sleep_ms(5);
    }
}

static int count_reached(void *arg)
{
    const unsigned *const *a = arg;
    return __atomic_load_n(a[0], __ATOMIC_SEQ_CST) >= *a[1];
}

int tu_wait_count(volatile unsigned *counter, unsigned n, unsigned timeout_ms)
{
    const unsigned *args[2] = {(const unsigned *)counter, &n};
    return tu_wait_until(count_reached, args, timeout_ms);
}

/* ---- broker fixture ------------------------------------------------------------------------ */

void tu_broker_load(tu_broker *b)
{
    const char *dir = getenv("NXD_TEST_BROKER_DIR");
    char path[1024], line[256];
    FILE *f;
    memset(b, 0, sizeof *b);
    if (dir == NULL || *dir == '\0')
        tu_fatal(__FILE__, __LINE__,
                 "NXD_TEST_BROKER_DIR is not set: run this test through ctest (the broker fixture)");
    snprintf(path, sizeof path, "%s/broker.env", dir);
    f = fopen(path, "r");
    if (f == NULL)
        tu_fatal(__FILE__, __LINE__, "cannot read %s: did the broker fixture (c_broker_start) run?",
                 path);
    while (fgets(line, sizeof line, f) != NULL) {
        char *eq = strchr(line, '=');
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (eq == NULL)
            continue;
        *eq = '\0';
        if (strcmp(line, "PORT") == 0)
            b->port = (unsigned)atoi(eq + 1);
        else if (strcmp(line, "PORT6") == 0)
            b->port6 = (unsigned)atoi(eq + 1);
        else if (strcmp(line, "AUTH_PORT") == 0)
            b->auth_port = (unsigned)atoi(eq + 1);
        else if (strcmp(line, "CLOSED_PORT") == 0)
            b->closed_port = (unsigned)atoi(eq + 1);
        else if (strcmp(line, "AUTH_USER") == 0)
            snprintf(b->auth_user, sizeof b->auth_user, "%s", eq + 1);
        else if (strcmp(line, "AUTH_PASS") == 0)
            snprintf(b->auth_pass, sizeof b->auth_pass, "%s", eq + 1);
        else if (strcmp(line, "TLS_PORT") == 0)
            b->tls_port = (unsigned)atoi(eq + 1);
        else if (strcmp(line, "MTLS_PORT") == 0)
            b->mtls_port = (unsigned)atoi(eq + 1);
        else if (strcmp(line, "TLS_SERVER_NAME") == 0)
            snprintf(b->tls_server_name, sizeof b->tls_server_name, "%s", eq + 1);
        else if (strcmp(line, "TLS_CA_PEM") == 0)
            snprintf(b->tls_ca_pem, sizeof b->tls_ca_pem, "%s", eq + 1);
        else if (strcmp(line, "TLS_CA_DER") == 0)
            snprintf(b->tls_ca_der, sizeof b->tls_ca_der, "%s", eq + 1);
        else if (strcmp(line, "TLS_WRONG_CA_PEM") == 0)
            snprintf(b->tls_wrong_ca_pem, sizeof b->tls_wrong_ca_pem, "%s", eq + 1);
        else if (strcmp(line, "TLS_WRONG_CA_DER") == 0)
            snprintf(b->tls_wrong_ca_der, sizeof b->tls_wrong_ca_der, "%s", eq + 1);
        else if (strcmp(line, "TLS_SERVER_CERT_DER") == 0)
            snprintf(b->tls_server_cert_der, sizeof b->tls_server_cert_der, "%s", eq + 1);
        else if (strcmp(line, "TLS_CLIENT_CERT_PEM") == 0)
            snprintf(b->tls_client_cert_pem, sizeof b->tls_client_cert_pem, "%s", eq + 1);
        else if (strcmp(line, "TLS_CLIENT_CERT_DER") == 0)
            snprintf(b->tls_client_cert_der, sizeof b->tls_client_cert_der, "%s", eq + 1);
        else if (strcmp(line, "TLS_CLIENT_KEY_PEM") == 0)
            snprintf(b->tls_client_key_pem, sizeof b->tls_client_key_pem, "%s", eq + 1);
        else if (strcmp(line, "TLS_CLIENT_KEY_DER") == 0)
            snprintf(b->tls_client_key_der, sizeof b->tls_client_key_der, "%s", eq + 1);
        else if (strcmp(line, "TLS_CLIENT_EC_CERT_DER") == 0)
            snprintf(b->tls_client_ec_cert_der, sizeof b->tls_client_ec_cert_der, "%s", eq + 1);
        else if (strcmp(line, "TLS_CLIENT_EC_KEY_DER") == 0)
            snprintf(b->tls_client_ec_key_der, sizeof b->tls_client_ec_key_der, "%s", eq + 1);
        else if (strcmp(line, "WS_PORT") == 0)
            b->ws_port = (unsigned)atoi(eq + 1);
        else if (strcmp(line, "WSS_PORT") == 0)
            b->wss_port = (unsigned)atoi(eq + 1);
    }
    fclose(f);
    if (b->port == 0 || b->port6 == 0 || b->auth_port == 0 || b->closed_port == 0 ||
        b->auth_user[0] == '\0')
        tu_fatal(__FILE__, __LINE__, "%s is incomplete", path);
    printf("broker: 127.0.0.1:%u, [::1]:%u, auth 127.0.0.1:%u\n", b->port, b->port6, b->auth_port);
    if (b->tls_port != 0)
        printf("broker: TLS 127.0.0.1:%u, mutual TLS 127.0.0.1:%u\n", b->tls_port, b->mtls_port);
    if (b->ws_port != 0)
        printf("broker: WebSocket 127.0.0.1:%u, WebSocket over TLS 127.0.0.1:%u\n", b->ws_port, b->wss_port);
}

unsigned char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t cap = 0, n = 0;
    if (f == NULL)
        tu_fatal(__FILE__, __LINE__, "cannot open %s: %s", path, strerror(errno));
    for (;;) {
        if (n == cap) {
            unsigned char *grown;
            cap = cap ? 2 * cap : 4096;
            grown = realloc(buf, cap);
            if (grown == NULL) {
                free(buf);
                fclose(f);
                tu_fatal(__FILE__, __LINE__, "out of memory reading %s", path);
            }
            buf = grown;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        fclose(f);
        tu_fatal(__FILE__, __LINE__, "cannot read %s", path);
    }
    fclose(f);
    *len = n;
    return buf;
}

void tu_addr_v4_loopback(NXD_ADDRESS *addr)
{
    memset(addr, 0, sizeof *addr);
    addr->nxd_ip_version = 4;
    addr->nxd_ip_address.v4 = IP_ADDRESS(127, 0, 0, 1);
}

void tu_addr_v6_loopback(NXD_ADDRESS *addr)
{
    memset(addr, 0, sizeof *addr);
    addr->nxd_ip_version = 6;
    /* NetX Duo keeps IPv6 addresses as four host-order 32-bit words, most significant first. */
    addr->nxd_ip_address.v6[0] = 0;
    addr->nxd_ip_address.v6[1] = 0;
    addr->nxd_ip_address.v6[2] = 0;
    addr->nxd_ip_address.v6[3] = 1;
}

const char *tu_name(const char *suffix)
{
    /* A small ring of buffers so that a few names can be alive at once. */
    static char bufs[32][192];
    static unsigned next;
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    char *b;
    pthread_mutex_lock(&lock);
    b = bufs[next++ % 32];
    pthread_mutex_unlock(&lock);
    snprintf(b, sizeof bufs[0], "nxdct/%s/%ld/%s", tu_test_name, (long)getpid(), suffix);
    return b;
}

int tu_silent_listener(int v6, unsigned *port)
{
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    struct sockaddr_storage ss;
    socklen_t len;
    memset(&ss, 0, sizeof ss);
    if (fd < 0)
        tu_fatal(__FILE__, __LINE__, "socket: %s", strerror(errno));
    if (v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        len = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *a;
    }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 16) != 0)
        tu_fatal(__FILE__, __LINE__, "bind/listen: %s", strerror(errno));
    len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        tu_fatal(__FILE__, __LINE__, "getsockname: %s", strerror(errno));
    *port = v6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

static unsigned long tu_fake_ip[64];
static unsigned long tu_fake_pool[64];
NX_IP *tu_ip(void) { return (NX_IP *)(void *)tu_fake_ip; }
NX_PACKET_POOL *tu_pool(void) { return (NX_PACKET_POOL *)(void *)tu_fake_pool; }

/* ---- message lists ------------------------------------------------------------------------ */

void tu_msg_list_add(tu_msg_list *l, const char *topic, unsigned topic_len, const void *payload,
                     unsigned payload_len, int qos, int retain)
{
    tu_msg *m;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        tu_msg *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            abort();
        l->v = v;
        l->cap = cap;
    }
    m = &l->v[l->n];
    m->topic = malloc(topic_len + 1u);
    m->payload = malloc(payload_len + 1u);
    if (m->topic == NULL || m->payload == NULL)
        abort();
    if (topic_len)
        memcpy(m->topic, topic, topic_len);
    m->topic[topic_len] = '\0';
    if (payload_len)
        memcpy(m->payload, payload, payload_len);
    m->payload[payload_len] = '\0';
    m->topic_len = topic_len;
    m->payload_len = payload_len;
    m->qos = qos;
    m->retain = retain;
    l->n++;
}

void tu_msg_list_free(tu_msg_list *l)
{
    size_t i;
    for (i = 0; i < l->n; i++) {
        free(l->v[i].topic);
        free(l->v[i].payload);
    }
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

const tu_msg *tu_msg_list_find(const tu_msg_list *l, const char *topic, size_t start)
{
    size_t i;
    for (i = start; i < l->n; i++)
        if (strcmp(l->v[i].topic, topic) == 0)
            return &l->v[i];
    return NULL;
}

size_t tu_msg_list_count_topic(const tu_msg_list *l, const char *topic)
{
    size_t i, n = 0;
    for (i = 0; i < l->n; i++)
        if (strcmp(l->v[i].topic, topic) == 0)
            n++;
    return n;
}

/* ---- tu_client ----------------------------------------------------------------------------- */

/* Reads one message with message_get into c->received. Caller must not hold c->lock.
 * Buffers are allocated per call: no lock is held around message_get (which takes the client
 * mutex), so this is safe from the receive-notify callback and from any thread. */
static UINT tu_client_read_one(tu_client *c)
{
    UINT tlen = 0xDEADu, plen = 0xDEADu, st;
    unsigned char *topic = malloc(TU_MAX_TOPIC);
    unsigned char *payload = malloc(TU_MAX_PAYLOAD);
    if (topic == NULL || payload == NULL)
        abort();
    st = nxd_mqtt_client_message_get(&c->mqtt, topic, TU_MAX_TOPIC, &tlen, payload, TU_MAX_PAYLOAD,
                                     &plen);
    if (st == NXD_MQTT_SUCCESS) {
        pthread_mutex_lock(&c->lock);
        if (tlen > TU_MAX_TOPIC || plen > TU_MAX_PAYLOAD) {
            /* would be a library bug (lengths beyond the buffers); record it visibly */
            tu_msg_list_add(&c->received, "<bad length>", 12, NULL, 0, -1, -1);
        } else {
            tu_msg_list_add(&c->received, (const char *)topic, tlen, payload, plen, -1, -1);
        }
        pthread_cond_broadcast(&c->cond);
        pthread_mutex_unlock(&c->lock);
    }
    free(topic);
    free(payload);
    return st;
}

static VOID tu_receive_notify(NXD_MQTT_CLIENT *client_ptr, UINT number_of_messages)
{
    tu_client *c = (tu_client *)(void *)client_ptr;
    int drain;
    unsigned idx;
    pthread_mutex_lock(&c->lock);
    idx = c->rx_notify_calls;
    if (c->rx_notify_calls < TU_MAX_NOTIFY_LOG)
        c->rx_notify_log[c->rx_notify_calls] = number_of_messages;
    c->rx_notify_calls++;
    drain = c->drain_in_callback;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->lock);
    if (drain) {
        UINT st;
        unsigned got = 0;
        while ((st = tu_client_read_one(c)) == NXD_MQTT_SUCCESS)
            got++;
        pthread_mutex_lock(&c->lock);
        c->drain_last_status = st;
        if (idx < TU_MAX_NOTIFY_LOG)
            c->drained_log[idx] = got;
        pthread_mutex_unlock(&c->lock);
    }
}

static VOID tu_disconnect_notify(NXD_MQTT_CLIENT *client_ptr)
{
    tu_client *c = (tu_client *)(void *)client_ptr;
    int read;
    pthread_mutex_lock(&c->lock);
    read = c->read_in_disconnect_notify;
    pthread_mutex_unlock(&c->lock);
    if (read) {
        unsigned got = 0;
        while (tu_client_read_one(c) == NXD_MQTT_SUCCESS)
            got++;
        pthread_mutex_lock(&c->lock);
        c->read_in_disconnect += got;
        pthread_mutex_unlock(&c->lock);
    }
    pthread_mutex_lock(&c->lock);
    c->disconnect_calls++;
    c->state_in_disconnect_notify = client_ptr->nxd_mqtt_client_state;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->lock);
}

static VOID tu_connect_notify(NXD_MQTT_CLIENT *client_ptr, UINT status, VOID *context)
{
    tu_client *c = (tu_client *)(void *)client_ptr;
    pthread_mutex_lock(&c->lock);
    if (c->connect_notify_calls < 64)
        c->connect_status[c->connect_notify_calls] = status;
    c->connect_notify_calls++;
    c->connect_context_seen = context;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->lock);
}

UINT tu_client_create(tu_client *c, const char *client_id)
{
    UINT st;
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    tu_cond_init(&c->cond);
    snprintf(c->id, sizeof c->id, "%s", client_id);
    snprintf(c->name, sizeof c->name, "tu client");
    st = nxd_mqtt_client_create(&c->mqtt, c->name, c->id, (UINT)strlen(c->id), tu_ip(), tu_pool(),
                                c->stack, sizeof c->stack, 2, NULL, 0);
    if (st != NXD_MQTT_SUCCESS)
        return st;
    c->created = 1;
    st = nxd_mqtt_client_receive_notify_set(&c->mqtt, tu_receive_notify);
    if (st != NXD_MQTT_SUCCESS)
        return st;
    st = nxd_mqtt_client_disconnect_notify_set(&c->mqtt, tu_disconnect_notify);
    if (st != NXD_MQTT_SUCCESS)
        return st;
    /* The original has no setter: applications assign these fields after create. */
    c->mqtt.nxd_mqtt_connect_notify = tu_connect_notify;
    c->mqtt.nxd_mqtt_connect_context = c;
    return NXD_MQTT_SUCCESS;
}

UINT tu_client_connect(tu_client *c, unsigned port, UINT keepalive, UINT clean_session)
{
    NXD_ADDRESS addr;
    tu_addr_v4_loopback(&addr);
    return nxd_mqtt_client_connect(&c->mqtt, &addr, port, keepalive, clean_session,
                                   10 * NX_IP_PERIODIC_RATE);
}

UINT tu_client_delete(tu_client *c)
{
    UINT st = NXD_MQTT_SUCCESS;
    if (c->created) {
        st = nxd_mqtt_client_delete(&c->mqtt);
        c->created = 0;
    }
    pthread_mutex_lock(&c->lock);
    tu_msg_list_free(&c->received);
    pthread_mutex_unlock(&c->lock);
    return st;
}

static int tu_client_wait_counter(tu_client *c, const unsigned *counter, unsigned n,
                                  unsigned timeout_ms)
{
    struct timespec dl = tu_deadline(timeout_ms);
    int ok;
    pthread_mutex_lock(&c->lock);
    while (*counter < n) {
        if (pthread_cond_timedwait(&c->cond, &c->lock, &dl) == ETIMEDOUT)
            break;
    }
    ok = *counter >= n;
    pthread_mutex_unlock(&c->lock);
    return ok;
}

int tu_client_wait_rx_notify(tu_client *c, unsigned n, unsigned timeout_ms)
{
    return tu_client_wait_counter(c, &c->rx_notify_calls, n, timeout_ms);
}

int tu_client_wait_disconnect(tu_client *c, unsigned n, unsigned timeout_ms)
{
    return tu_client_wait_counter(c, &c->disconnect_calls, n, timeout_ms);
}

int tu_client_wait_connect_notify(tu_client *c, unsigned n, unsigned timeout_ms)
{
    return tu_client_wait_counter(c, &c->connect_notify_calls, n, timeout_ms);
}

UINT tu_client_get(tu_client *c, unsigned timeout_ms)
{
    struct timespec dl = tu_deadline(timeout_ms);
    for (;;) {
        unsigned seen;
        UINT st;
        pthread_mutex_lock(&c->lock);
        seen = c->rx_notify_calls;
        pthread_mutex_unlock(&c->lock);
        st = tu_client_read_one(c);
        if (st != NXD_MQTT_NO_MESSAGE)
            return st;
        pthread_mutex_lock(&c->lock);
        while (c->rx_notify_calls == seen) {
            if (pthread_cond_timedwait(&c->cond, &c->lock, &dl) == ETIMEDOUT)
                break;
        }
        if (c->rx_notify_calls == seen) {
            pthread_mutex_unlock(&c->lock);
            /* one last look: a message may have been queued without a notify */
            return tu_client_read_one(c);
        }
        pthread_mutex_unlock(&c->lock);
    }
}

size_t tu_client_wait_msgs(tu_client *c, size_t n, unsigned timeout_ms)
{
    uint64_t end = tu_now_ms() + timeout_ms;
    size_t have;
    int drain;
    pthread_mutex_lock(&c->lock);
    drain = c->drain_in_callback;
    pthread_mutex_unlock(&c->lock);
    if (drain) {
        struct timespec dl = tu_deadline(timeout_ms);
        pthread_mutex_lock(&c->lock);
        while (c->received.n < n) {
            if (pthread_cond_timedwait(&c->cond, &c->lock, &dl) == ETIMEDOUT)
                break;
        }
        have = c->received.n;
        pthread_mutex_unlock(&c->lock);
        return have;
    }
    for (;;) {
        uint64_t now;
        pthread_mutex_lock(&c->lock);
        have = c->received.n;
        pthread_mutex_unlock(&c->lock);
        if (have >= n)
            return have;
        now = tu_now_ms();
        if (now >= end)
            return have;
        if (tu_client_get(c, (unsigned)(end - now)) != NXD_MQTT_SUCCESS) {
            pthread_mutex_lock(&c->lock);
            have = c->received.n;
            pthread_mutex_unlock(&c->lock);
            if (tu_now_ms() >= end)
                return have;
        }
    }
}

UINT tu_client_state(tu_client *c)
{
    return *(volatile UINT *)&c->mqtt.nxd_mqtt_client_state;
}

UINT tu_publish(tu_client *c, const char *topic, const void *payload, unsigned len, UINT retain,
                UINT qos)
{
    return nxd_mqtt_client_publish(&c->mqtt, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)payload,
                                   len, retain, qos, 5 * NX_IP_PERIODIC_RATE);
}

/* ---- payload patterns ---------------------------------------------------------------------- */

static uint32_t tu_xorshift(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

void tu_fill_pattern(unsigned char *buf, size_t len, unsigned seed)
{
    uint32_t s = seed * 2654435761u + 0x9E3779B9u;
    size_t i;
    if (s == 0)
        s = 1;
    for (i = 0; i < len; i++)
        buf[i] = (unsigned char)(tu_xorshift(&s) >> 24);
}

int tu_check_pattern(const unsigned char *buf, size_t len, unsigned seed)
{
    uint32_t s = seed * 2654435761u + 0x9E3779B9u;
    size_t i;
    if (s == 0)
        s = 1;
    for (i = 0; i < len; i++)
        if (buf[i] != (unsigned char)(tu_xorshift(&s) >> 24))
            return 0;
    return 1;
}
