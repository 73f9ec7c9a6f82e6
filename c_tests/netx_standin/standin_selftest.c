/* Self-test of the ThreadX/NetX stand-in: the behaviours the nxd_mqtt NetX port relies on.
 *
 * TCP is checked against a listener this test owns on 127.0.0.1 / ::1 (exact segment and close
 * control) and, when NXD_TEST_BROKER_DIR names a running broker fixture, against mosquitto
 * (a CONNECT answered by a CONNACK).
 */
#define _GNU_SOURCE
#include "nx_api.h"
#include "tx_api.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int failures, checks;

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        checks++;                                                          \
        if (!(cond)) {                                                     \
            failures++;                                                    \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                    \
            printf(__VA_ARGS__);                                           \
            printf("\n");                                                  \
        }                                                                  \
    } while (0)
#define CHECK_EQ(a, b, what)                                                              \
    do {                                                                                  \
        unsigned long a_ = (unsigned long)(a), b_ = (unsigned long)(b);                   \
        CHECK(a_ == b_, "%s: got 0x%lx, expected 0x%lx", what, a_, b_);                   \
    } while (0)

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- packets ----------------------------------------------------------------------------------- */

static ULONG pool_mem[8 * 1024];

static void *release_later(void *arg)
{
    usleep(100 * 1000);
    _nx_packet_release((NX_PACKET *)arg);
    return NULL;
}

static void test_packets(void)
{
    printf("-- packets\n");
    NX_PACKET_POOL pool;
    memset(&pool, 0, sizeof(pool));
    CHECK_EQ(nx_packet_pool_create(&pool, "p", 128, pool_mem, 6 * (128 + sizeof(NX_PACKET) + 16)), NX_SUCCESS, "pool create");
    ULONG total = pool.nx_packet_pool_total;
    CHECK(total >= 6, "pool holds at least 6 packets (%lu)", (unsigned long)total);
    CHECK_EQ(pool.nx_packet_pool_available, total, "all available");

    NX_PACKET *p;
    CHECK_EQ(nx_packet_allocate(&pool, &p, 200, NX_NO_WAIT), NX_INVALID_PARAMETERS, "headroom above payload");
    CHECK_EQ(nx_packet_allocate(&pool, &p, NX_IPv4_TCP_PACKET, NX_NO_WAIT), NX_SUCCESS, "allocate");
    CHECK_EQ(p->nx_packet_prepend_ptr - p->nx_packet_data_start, NX_IPv4_TCP_PACKET, "headroom");
    CHECK_EQ(p->nx_packet_length, 0, "empty");
    UCHAR data[300];
    for (int i = 0; i < 300; i++)
        data[i] = (UCHAR)i;
    /* 128 - 56 = 72 bytes in the first buffer, then 128 per chained buffer: 300 = 72+128+100 */
    CHECK_EQ(nx_packet_data_append(p, data, 300, &pool, NX_NO_WAIT), NX_SUCCESS, "append 300");
    CHECK_EQ(p->nx_packet_length, 300, "length");
    CHECK(p->nx_packet_next && p->nx_packet_next->nx_packet_next && !p->nx_packet_next->nx_packet_next->nx_packet_next,
          "three buffers");
    CHECK(p->nx_packet_last == p->nx_packet_next->nx_packet_next, "last points at the third buffer");
    CHECK_EQ(p->nx_packet_next->nx_packet_prepend_ptr - p->nx_packet_next->nx_packet_data_start, 0, "no headroom in chained buffers");
    CHECK_EQ(pool.nx_packet_pool_available, total - 3, "three taken");

    UCHAR out[300];
    ULONG n = 0;
    CHECK_EQ(nx_packet_data_extract_offset(p, 70, out, 100, &n), NX_SUCCESS, "extract across buffers");
    CHECK_EQ(n, 100, "copied");
    CHECK(memcmp(out, data + 70, 100) == 0, "extracted bytes");
    CHECK_EQ(nx_packet_data_extract_offset(p, 250, out, 100, &n), NX_SUCCESS, "extract tail");
    CHECK_EQ(n, 50, "copied tail");
    CHECK_EQ(nx_packet_data_extract_offset(p, 300, out, 1, &n), NX_PACKET_OFFSET_ERROR, "offset at end");

    NX_PACKET *copy;
    CHECK_EQ(nx_packet_copy(p, &copy, &pool, NX_NO_WAIT), NX_SUCCESS, "copy");
    CHECK_EQ(copy->nx_packet_length, 300, "copy length");
    CHECK_EQ(nx_packet_data_extract_offset(copy, 0, out, 300, &n), NX_SUCCESS, "extract copy");
    CHECK(n == 300 && memcmp(out, data, 300) == 0, "copy bytes");
    CHECK_EQ(pool.nx_packet_pool_available, total - 6, "copy took three buffers");

    /* Exhausted pool: all-or-nothing append, no-wait and timed allocation. */
    ULONG before_len = copy->nx_packet_length;
    UCHAR *before_append = copy->nx_packet_last->nx_packet_append_ptr;
    CHECK_EQ(nx_packet_data_append(copy, data, 200, &pool, NX_NO_WAIT), NX_NO_PACKET, "append needing buffers fails");
    CHECK_EQ(copy->nx_packet_length, before_len, "failed append leaves the length");
    CHECK(copy->nx_packet_last->nx_packet_append_ptr == before_append, "failed append leaves the data");
    NX_PACKET *q = NULL;
    uint64_t t0 = now_ms();
    CHECK_EQ(nx_packet_allocate(&pool, &q, 0, 20), NX_NO_PACKET, "timed allocation on an empty pool");
    uint64_t waited = now_ms() - t0;
    CHECK(waited >= 190 && waited < 1000, "waited about 20 ticks (%llu ms)", (unsigned long long)waited);

    pthread_t t;
    pthread_create(&t, NULL, release_later, copy);
    CHECK_EQ(nx_packet_allocate(&pool, &q, 0, NX_WAIT_FOREVER), NX_SUCCESS, "blocked allocation wakes on release");
    pthread_join(t, NULL);
    CHECK_EQ(_nx_packet_release(q), NX_SUCCESS, "release");
    ULONG invalid = pool.nx_packet_pool_invalid_releases;
    CHECK_EQ(_nx_packet_release(q), NX_PTR_ERROR, "double release detected");
    CHECK_EQ(pool.nx_packet_pool_invalid_releases, invalid + 1, "invalid release counted");
    CHECK_EQ(nx_packet_release(p), NX_SUCCESS, "release chain");
    CHECK(p == NX_NULL, "the checked release clears the caller's pointer");
    CHECK_EQ(pool.nx_packet_pool_available, total, "everything back");
    CHECK_EQ(nx_packet_pool_delete(&pool), NX_SUCCESS, "pool delete");
}

/* ---- ThreadX ------------------------------------------------------------------------------------ */

static TX_MUTEX mutex;
static TX_EVENT_FLAGS_GROUP events;
static volatile UINT other_status;

static void *other_mutex_user(void *arg)
{
    (void)arg;
    other_status = tx_mutex_put(&mutex);
    uint64_t t0 = now_ms();
    UINT s = tx_mutex_get(&mutex, 10);
    if (s == TX_NOT_AVAILABLE && now_ms() - t0 >= 90)
        other_status = other_status == TX_NOT_OWNED ? 1000 : other_status;
    return NULL;
}

static volatile ULONG timer_hits;
static void timer_fn(ULONG input)
{
    timer_hits += input;
}

static volatile int thread_ran;
static void thread_entry(ULONG input)
{
    thread_ran = (int)input;
}

static TX_THREAD blocker;
static void blocker_entry(ULONG input)
{
    (void)input;
    ULONG actual;
    tx_event_flags_get(&events, 0x80, TX_OR, &actual, TX_WAIT_FOREVER); /* never set */
}

static void test_threadx(void)
{
    printf("-- threadx\n");
    CHECK_EQ(tx_mutex_create(&mutex, "m", TX_NO_INHERIT), TX_SUCCESS, "mutex create");
    CHECK_EQ(tx_mutex_get(&mutex, TX_WAIT_FOREVER), TX_SUCCESS, "get");
    CHECK_EQ(tx_mutex_get(&mutex, TX_NO_WAIT), TX_SUCCESS, "nested get by the owner");
    pthread_t t;
    pthread_create(&t, NULL, other_mutex_user, NULL);
    pthread_join(t, NULL);
    CHECK_EQ(other_status, 1000, "non-owner put is TX_NOT_OWNED and a timed get times out");
    CHECK_EQ(tx_mutex_put(&mutex), TX_SUCCESS, "put 1");
    CHECK_EQ(tx_mutex_put(&mutex), TX_SUCCESS, "put 2");
    CHECK_EQ(tx_mutex_put(&mutex), TX_NOT_OWNED, "put of a free mutex");
    CHECK_EQ(tx_mutex_delete(&mutex), TX_SUCCESS, "mutex delete");
    CHECK_EQ(tx_mutex_get(&mutex, TX_NO_WAIT), TX_MUTEX_ERROR, "get of a deleted mutex (checked)");

    CHECK_EQ(tx_event_flags_create(&events, "e"), TX_SUCCESS, "events create");
    ULONG actual = 0;
    CHECK_EQ(tx_event_flags_get(&events, 0x3, TX_OR_CLEAR, &actual, TX_NO_WAIT), TX_NO_EVENTS, "nothing set");
    tx_event_flags_set(&events, 0x5, TX_OR);
    CHECK_EQ(tx_event_flags_get(&events, 0x3, TX_AND, &actual, TX_NO_WAIT), TX_NO_EVENTS, "AND needs both");
    CHECK_EQ(tx_event_flags_get(&events, 0x3, TX_OR_CLEAR, &actual, TX_NO_WAIT), TX_SUCCESS, "OR");
    CHECK_EQ(actual, 0x5, "actual flags before clearing");
    CHECK_EQ(tx_event_flags_get(&events, 0xFF, TX_OR, &actual, TX_NO_WAIT), TX_SUCCESS, "others stay");
    CHECK_EQ(actual, 0x4, "only the requested bits were cleared");
    uint64_t t0 = now_ms();
    CHECK_EQ(tx_event_flags_get(&events, 0x10, TX_OR_CLEAR, &actual, 5), TX_NO_EVENTS, "timed wait");
    CHECK(now_ms() - t0 >= 45, "waited 5 ticks");

    ULONG start = tx_time_get();
    usleep(200 * 1000);
    ULONG ticks = tx_time_get() - start;
    CHECK(ticks >= 19 && ticks <= 30, "100 ticks per second (%lu ticks in 200 ms)", (unsigned long)ticks);

    TX_TIMER timer;
    memset(&timer, 0, sizeof(timer));
    timer_hits = 0;
    CHECK_EQ(tx_timer_create(&timer, "t", timer_fn, 1, 5, 5, TX_AUTO_ACTIVATE), TX_SUCCESS, "timer create");
    usleep(230 * 1000);
    CHECK_EQ(tx_timer_delete(&timer), TX_SUCCESS, "timer delete");
    ULONG hits = timer_hits;
    CHECK(hits >= 3 && hits <= 5, "periodic timer fired every 5 ticks (%lu times in 230 ms)", (unsigned long)hits);
    usleep(100 * 1000);
    CHECK_EQ(timer_hits, hits, "deleted timer stays quiet");

    static TX_THREAD th;
    static ULONG stack[1024];
    thread_ran = 0;
    CHECK_EQ(tx_thread_create(&th, "th", thread_entry, 7, stack, sizeof(stack), 5, 5, 2, TX_DONT_START), TX_SUCCESS, "thread create");
    usleep(50 * 1000);
    CHECK_EQ(thread_ran, 0, "created suspended");
    CHECK_EQ(th.tx_thread_state, TX_SUSPENDED, "state suspended");
    CHECK_EQ(tx_thread_resume(&th), TX_SUCCESS, "resume");
    for (int i = 0; i < 100 && th.tx_thread_state != TX_COMPLETED; i++)
        usleep(10 * 1000);
    CHECK_EQ(thread_ran, 7, "entry ran with its input");
    CHECK_EQ(th.tx_thread_state, TX_COMPLETED, "completed after the entry returned");
    CHECK_EQ(tx_thread_delete(&th), TX_SUCCESS, "delete completed thread");

    CHECK_EQ(tx_thread_create(&blocker, "b", blocker_entry, 0, stack, sizeof(stack), 5, 5, 2, TX_AUTO_START), TX_SUCCESS, "blocker");
    usleep(50 * 1000);
    CHECK_EQ(tx_thread_delete(&blocker), TX_DELETE_ERROR, "delete of a waiting thread refused");
    CHECK_EQ(tx_thread_terminate(&blocker), TX_SUCCESS, "terminate a waiting thread");
    CHECK_EQ(blocker.tx_thread_state, TX_TERMINATED, "terminated");
    CHECK_EQ(tx_thread_delete(&blocker), TX_SUCCESS, "delete terminated thread");
    CHECK_EQ(tx_event_flags_delete(&events), TX_SUCCESS, "events delete");
    CHECK_EQ(tx_standin_created_count(TX_THREAD_ID) + tx_standin_created_count(TX_MUTEX_ID) +
                 tx_standin_created_count(TX_EVENT_FLAGS_ID) + tx_standin_created_count(TX_TIMER_ID),
             0, "no ThreadX object left");
}

/* ---- TCP ------------------------------------------------------------------------------------------ */

static NX_PACKET_POOL tcp_pool;
static ULONG tcp_pool_mem[16 * 1024];
static NX_IP ip;
static volatile int receive_notifies, disconnect_notifies, establish_notifies;

static void on_receive(NX_TCP_SOCKET *s)
{
    (void)s;
    __atomic_add_fetch(&receive_notifies, 1, __ATOMIC_SEQ_CST);
}
static void on_disconnect(NX_TCP_SOCKET *s)
{
    (void)s;
    __atomic_add_fetch(&disconnect_notifies, 1, __ATOMIC_SEQ_CST);
}
#ifdef NX_ENABLE_EXTENDED_NOTIFY_SUPPORT
static void on_establish(NX_TCP_SOCKET *s)
{
    (void)s;
    __atomic_add_fetch(&establish_notifies, 1, __ATOMIC_SEQ_CST);
}
#endif

static int listener(int family, unsigned *port)
{
    int fd = socket(family, SOCK_STREAM, 0);
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    socklen_t len;
    if (family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof(*in);
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
        in6->sin6_family = AF_INET6;
        in6->sin6_addr = in6addr_loopback;
        len = sizeof(*in6);
    }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 4) != 0) {
        perror("listener");
        exit(1);
    }
    getsockname(fd, (struct sockaddr *)&ss, &len);
    *port = family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port)
                              : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return fd;
}

static int accept_timeout(int lfd)
{
    struct pollfd p = {lfd, POLLIN, 0};
    if (poll(&p, 1, 3000) <= 0)
        return -1;
    return accept(lfd, NULL, NULL);
}

static int read_exact(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 3000) <= 0)
            return -1;
        ssize_t r = recv(fd, (char *)buf + got, n - got, 0);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

static int wait_for(volatile int *v, int value)
{
    for (int i = 0; i < 300; i++) {
        if (__atomic_load_n(v, __ATOMIC_SEQ_CST) >= value)
            return 1;
        usleep(10 * 1000);
    }
    return 0;
}

static NX_PACKET *make_packet(const char *text)
{
    NX_PACKET *p;
    if (nx_packet_allocate(&tcp_pool, &p, NX_TCP_PACKET, NX_NO_WAIT) != NX_SUCCESS)
        return NULL;
    nx_packet_data_append(p, (VOID *)text, (ULONG)strlen(text), &tcp_pool, NX_NO_WAIT);
    return p;
}

static void test_tcp_family(int family)
{
    printf("-- tcp over %s\n", family == AF_INET ? "127.0.0.1" : "::1");
    unsigned port;
    int lfd = listener(family, &port);
    NX_TCP_SOCKET s;
    memset(&s, 0, sizeof(s));
    receive_notifies = disconnect_notifies = 0;
    CHECK_EQ(nx_tcp_socket_create(&ip, &s, "s", NX_IP_NORMAL, NX_DONT_FRAGMENT, NX_IP_TIME_TO_LIVE, 8192, NX_NULL, on_disconnect),
             NX_SUCCESS, "socket create");
    NXD_ADDRESS a;
    memset(&a, 0, sizeof(a));
    if (family == AF_INET) {
        a.nxd_ip_version = NX_IP_VERSION_V4;
        a.nxd_ip_address.v4 = IP_ADDRESS(127, 0, 0, 1);
    } else {
        a.nxd_ip_version = NX_IP_VERSION_V6;
        a.nxd_ip_address.v6[3] = 1;
    }
    CHECK_EQ(nxd_tcp_client_socket_connect(&s, &a, port, 100), NX_NOT_BOUND, "connect before bind");
    CHECK_EQ(nx_tcp_client_socket_bind(&s, NX_ANY_PORT, NX_WAIT_FOREVER), NX_SUCCESS, "bind");
    CHECK_EQ(nx_tcp_client_socket_bind(&s, NX_ANY_PORT, NX_WAIT_FOREVER), NX_ALREADY_BOUND, "second bind");
    nx_tcp_socket_receive_notify(&s, on_receive);
    CHECK_EQ(nxd_tcp_client_socket_connect(&s, &a, port, 300), NX_SUCCESS, "blocking connect");
    CHECK_EQ(s.nx_tcp_socket_state, NX_TCP_ESTABLISHED, "established");
    int peer = accept_timeout(lfd);
    CHECK(peer >= 0, "peer accepted");

    NX_PACKET *p = NULL;
    CHECK_EQ(nx_tcp_socket_receive(&s, &p, NX_NO_WAIT), NX_NO_PACKET, "nothing received yet");
    NX_PACKET *bad;
    nx_packet_allocate(&tcp_pool, &bad, 0, NX_NO_WAIT);
    nx_packet_data_append(bad, "x", 1, &tcp_pool, NX_NO_WAIT);
    CHECK_EQ(nx_tcp_socket_send(&s, bad, NX_NO_WAIT), NX_UNDERFLOW, "packet without TCP headroom refused");
    nx_packet_release(bad);
    p = make_packet("hello");
    CHECK_EQ(nx_tcp_socket_send(&s, p, NX_WAIT_FOREVER), NX_SUCCESS, "send");
    char buf[64];
    CHECK(read_exact(peer, buf, 5) == 0 && memcmp(buf, "hello", 5) == 0, "peer got the bytes");

    nx_standin_tcp_max_segment_set(1);
    send(peer, "abc", 3, 0);
    CHECK(wait_for(&receive_notifies, 3), "three 1-byte segments notified (%d)", receive_notifies);
    CHECK_EQ(s.nx_tcp_socket_receive_queue_count, 3, "three queued segments");
    for (int i = 0; i < 3; i++) {
        p = NULL;
        CHECK_EQ(nx_tcp_socket_receive(&s, &p, NX_NO_WAIT), NX_SUCCESS, "receive segment");
        CHECK(p && p->nx_packet_length == 1 && p->nx_packet_prepend_ptr[0] == "abc"[i], "segment %d holds its byte", i);
        if (p)
            nx_packet_release(p);
    }
    nx_standin_tcp_max_segment_set(1460);
    send(peer, "later", 5, 0);
    p = NULL;
    CHECK_EQ(nx_tcp_socket_receive(&s, &p, 200), NX_SUCCESS, "blocking receive");
    CHECK(p && p->nx_packet_length == 5, "one segment of 5 bytes");
    if (p)
        nx_packet_release(p);

    close(peer); /* FIN from the peer */
    CHECK(wait_for(&disconnect_notifies, 1), "disconnect notify on FIN");
    CHECK_EQ(s.nx_tcp_socket_state, NX_TCP_CLOSE_WAIT, "close-wait");
    CHECK_EQ(nx_tcp_socket_receive(&s, &p, NX_NO_WAIT), NX_NOT_CONNECTED, "receive after FIN");
    CHECK_EQ(nx_tcp_client_socket_unbind(&s), NX_NOT_CLOSED, "unbind before disconnect");
    CHECK_EQ(nx_tcp_socket_delete(&s), NX_STILL_BOUND, "delete while bound");
    CHECK_EQ(nx_tcp_socket_disconnect(&s, 100), NX_SUCCESS, "disconnect");
    CHECK_EQ(nx_tcp_socket_disconnect(&s, 100), NX_NOT_CONNECTED, "second disconnect");
    CHECK_EQ(nx_tcp_client_socket_unbind(&s), NX_SUCCESS, "unbind");
    CHECK_EQ(nx_tcp_client_socket_unbind(&s), NX_NOT_BOUND, "second unbind");

    /* Active close: our FIN, the peer answers with its own. */
    nx_tcp_client_socket_bind(&s, NX_ANY_PORT, NX_WAIT_FOREVER);
    CHECK_EQ(nxd_tcp_client_socket_connect(&s, &a, port, 300), NX_SUCCESS, "reconnect");
    peer = accept_timeout(lfd);
    int before = disconnect_notifies;
    char c;
    /* the peer closes when it sees our FIN */
    CHECK_EQ(nx_tcp_socket_disconnect(&s, 0), NX_IN_PROGRESS, "disconnect without wait resets");
    CHECK(recv(peer, &c, 1, 0) <= 0, "peer sees the end");
    close(peer);
    usleep(50 * 1000);
    CHECK_EQ(disconnect_notifies, before, "no disconnect notify for our own disconnect");
    nx_tcp_client_socket_unbind(&s);

#ifdef NX_ENABLE_EXTENDED_NOTIFY_SUPPORT
    establish_notifies = 0;
    nx_tcp_socket_establish_notify(&s, on_establish);
    nx_tcp_client_socket_bind(&s, NX_ANY_PORT, NX_WAIT_FOREVER);
    CHECK_EQ(nxd_tcp_client_socket_connect(&s, &a, port, NX_NO_WAIT), NX_IN_PROGRESS, "non-blocking connect");
    CHECK(wait_for(&establish_notifies, 1), "establish notify");
    peer = accept_timeout(lfd);
    CHECK_EQ(s.nx_tcp_socket_state, NX_TCP_ESTABLISHED, "established (async)");
    CHECK_EQ(nx_tcp_socket_disconnect(&s, 100), NX_DISCONNECT_FAILED, "orderly disconnect times out if the peer never closes");
    close(peer);
    nx_tcp_client_socket_unbind(&s);
    nx_tcp_socket_establish_notify(&s, NX_NULL);
#else
    CHECK_EQ(nx_tcp_socket_establish_notify(&s, on_receive), NX_NOT_SUPPORTED, "establish notify needs the extended notify option");
#endif

    /* Refused connection. */
    close(lfd);
    nx_tcp_client_socket_bind(&s, NX_ANY_PORT, NX_WAIT_FOREVER);
    CHECK_EQ(nxd_tcp_client_socket_connect(&s, &a, port, 100), NX_NOT_CONNECTED, "refused connect");
    CHECK_EQ(s.nx_tcp_socket_state, NX_TCP_CLOSED, "closed after refusal");
    CHECK_EQ(nx_tcp_client_socket_unbind(&s), NX_SUCCESS, "unbind");
    CHECK_EQ(nx_tcp_socket_delete(&s), NX_SUCCESS, "socket delete");
    CHECK_EQ(tcp_pool.nx_packet_pool_available, tcp_pool.nx_packet_pool_total, "no packet leaked");
}

static void test_mosquitto(void)
{
    const char *dir = getenv("NXD_TEST_BROKER_DIR");
    if (dir == NULL || *dir == 0) {
        printf("-- mosquitto: NXD_TEST_BROKER_DIR not set (run through ctest's broker fixture)\n");
        CHECK(0, "broker fixture available");
        return;
    }
    char path[512];
    snprintf(path, sizeof(path), "%s/broker.env", dir);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL, "broker.env readable at %s", path);
    if (!f)
        return;
    unsigned port = 0;
    char line[256];
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "PORT=%u", &port) == 1)
            break;
    fclose(f);
    printf("-- mosquitto on 127.0.0.1:%u\n", port);
    CHECK(port != 0, "broker port");
    NX_TCP_SOCKET s;
    memset(&s, 0, sizeof(s));
    nx_tcp_socket_create(&ip, &s, "m", NX_IP_NORMAL, NX_DONT_FRAGMENT, NX_IP_TIME_TO_LIVE, 8192, NX_NULL, NX_NULL);
    nx_tcp_client_socket_bind(&s, NX_ANY_PORT, NX_WAIT_FOREVER);
    NXD_ADDRESS a = {NX_IP_VERSION_V4, {IP_ADDRESS(127, 0, 0, 1)}};
    CHECK_EQ(nxd_tcp_client_socket_connect(&s, &a, port, 300), NX_SUCCESS, "connect to mosquitto");
    static const UCHAR connect_pkt[] = {0x10, 0x12, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 6, 's', 't', 'a', 'n', 'd', 'i'};
    NX_PACKET *p;
    nx_packet_allocate(&tcp_pool, &p, NX_TCP_PACKET, NX_NO_WAIT);
    nx_packet_data_append(p, (VOID *)connect_pkt, sizeof(connect_pkt), &tcp_pool, NX_NO_WAIT);
    CHECK_EQ(nx_tcp_socket_send(&s, p, 100), NX_SUCCESS, "send CONNECT");
    p = NULL;
    CHECK_EQ(nx_tcp_socket_receive(&s, &p, 300), NX_SUCCESS, "receive CONNACK");
    UCHAR ack[4] = {0};
    ULONG n = 0;
    if (p) {
        nx_packet_data_extract_offset(p, 0, ack, 4, &n);
        nx_packet_release(p);
    }
    CHECK(n == 4 && ack[0] == 0x20 && ack[1] == 2 && ack[3] == 0, "CONNACK accepted");
    nx_tcp_socket_disconnect(&s, 100);
    nx_tcp_client_socket_unbind(&s);
    nx_tcp_socket_delete(&s);
    CHECK_EQ(tcp_pool.nx_packet_pool_available, tcp_pool.nx_packet_pool_total, "no packet leaked");
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    alarm(60);
    test_packets();
    test_threadx();
    memset(&tcp_pool, 0, sizeof(tcp_pool));
    nx_packet_pool_create(&tcp_pool, "tcp", 1536, tcp_pool_mem, sizeof(tcp_pool_mem));
    nx_ip_create(&ip, "ip", IP_ADDRESS(127, 0, 0, 1), 0xFF000000UL, &tcp_pool, NX_NULL, NX_NULL, 0, 1);
    CHECK_EQ(nx_tcp_enable(&ip), NX_SUCCESS, "tcp enable");
    test_tcp_family(AF_INET);
    test_tcp_family(AF_INET6);
    test_mosquitto();
    printf("%d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
