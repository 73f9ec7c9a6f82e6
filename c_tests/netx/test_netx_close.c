/* How the NetX port ends connections (spec section 14), with the ThreadX / NetX stand-in and a
 * scripted peer on 127.0.0.1 that lingers before it answers our FIN. Built against the library
 * with the default configuration: NXD_MQTT_SOCKET_TIMEOUT is NX_WAIT_FOREVER.
 *
 * - disconnect ends in order (FIN, no reset) and waits for the broker's FIN as long as it takes
 *   (1.5 s here; the port used to give up after 1 s), without the client lock: other API
 *   calls on the client return at once meanwhile;
 * - a connect while that wait goes on in another thread waits at most 1 s, then fails
 *   (NXD_MQTT_CONNECT_FAILURE); once the wait is over a connect works;
 * - delete while connected also ends in order and waits for the broker;
 * - a refused CONNACK is a hard end: connect returns at once, the broker gets FIN, and the
 *   client waits for the broker's FIN at most 1 s (NetX then resets), not the 3 s it lingers;
 * - at the end every pool packet is back and no ThreadX / NetX object is left.
 */
#include "tx_api.h"
#include "nx_api.h"
#include "nxd_mqtt_client.h"
#include "tu.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PRIORITY 7

static NX_IP ip;
static NX_PACKET_POOL pool;
static ULONG pool_memory[128 * (1536 + sizeof(NX_PACKET) + 16) / sizeof(ULONG)];

/* ---- the scripted peer -------------------------------------------------------------------- */

typedef struct peer {
    int listen_fd;
    unsigned port;
    pthread_t thread;
    /* script */
    unsigned char connack_code; /* CONNACK return code */
    unsigned linger_ms;         /* after the client's FIN, wait this long before closing */
    /* record (atomics) */
    int accepted;
    int got_disconnect; /* an MQTT DISCONNECT arrived */
    int got_fin;        /* read returned 0 */
    int got_reset;      /* read failed with ECONNRESET */
    uint64_t fin_at, closed_at;
} peer;

static void peer_listen(peer *p)
{
    memset(p, 0, sizeof *p);
    p->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int one = 1;
    setsockopt(p->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    TU_REQUIRE(bind(p->listen_fd, (struct sockaddr *)&a, sizeof a) == 0 && listen(p->listen_fd, 4) == 0,
               "peer listens");
    socklen_t len = sizeof a;
    getsockname(p->listen_fd, (struct sockaddr *)&a, &len);
    p->port = ntohs(a.sin_port);
}

/* Reads one MQTT packet's bytes (returns its first byte, -1 on EOF, -2 on reset or error). */
static int read_packet(int fd)
{
    unsigned char h;
    ssize_t n = read(fd, &h, 1);
    if (n == 0)
        return -1;
    if (n < 0)
        return errno == ECONNRESET ? -2 : -3;
    unsigned long len = 0, mul = 1;
    for (int i = 0; i < 4; i++) {
        unsigned char b;
        n = read(fd, &b, 1);
        if (n <= 0)
            return n == 0 ? -1 : (errno == ECONNRESET ? -2 : -3);
        len += (b & 0x7F) * mul;
        mul *= 128;
        if (!(b & 0x80))
            break;
    }
    while (len > 0) {
        unsigned char buf[256];
        n = read(fd, buf, len < sizeof buf ? len : sizeof buf);
        if (n <= 0)
            return n == 0 ? -1 : (errno == ECONNRESET ? -2 : -3);
        len -= (unsigned long)n;
    }
    return h;
}

/* One connection: CONNECT -> CONNACK, then records until EOF or reset; lingers after EOF. */
static void *peer_run(void *arg)
{
    peer *p = arg;
    int fd = accept(p->listen_fd, NULL, NULL);
    if (fd < 0)
        return NULL;
    __atomic_store_n(&p->accepted, 1, __ATOMIC_SEQ_CST);
    if (read_packet(fd) == 0x10) {
        unsigned char connack[4] = {0x20, 2, 0, p->connack_code};
        if (write(fd, connack, sizeof connack) != (ssize_t)sizeof connack)
            goto out;
    }
    for (;;) {
        int r = read_packet(fd);
        if (r == 0xE0) {
            __atomic_store_n(&p->got_disconnect, 1, __ATOMIC_SEQ_CST);
        } else if (r == -1) {
            p->fin_at = tu_now_ms();
            __atomic_store_n(&p->got_fin, 1, __ATOMIC_SEQ_CST);
            tu_sleep_ms(__atomic_load_n(&p->linger_ms, __ATOMIC_SEQ_CST));
            break;
        } else if (r < 0) {
            __atomic_store_n(&p->got_reset, r == -2, __ATOMIC_SEQ_CST);
            break;
        }
    }
out:
    p->closed_at = tu_now_ms();
    close(fd);
    return NULL;
}

static void peer_start(peer *p, unsigned char connack_code, unsigned linger_ms)
{
    peer_listen(p);
    p->connack_code = connack_code;
    p->linger_ms = linger_ms;
    TU_REQUIRE(pthread_create(&p->thread, NULL, peer_run, p) == 0, "peer thread");
}

static void peer_end(peer *p)
{
    pthread_join(p->thread, NULL);
    close(p->listen_fd);
}

/* ---- the client ----------------------------------------------------------------------------- */

typedef struct client {
    NXD_MQTT_CLIENT mqtt;
    ULONG stack[8192 / sizeof(ULONG)];
    char id[64];
} client;

static client c;

static UINT connect_to(unsigned port)
{
    NXD_ADDRESS a;
    tu_addr_v4_loopback(&a);
    return nxd_mqtt_client_connect(&c.mqtt, &a, port, 0, NX_TRUE, 5 * NX_IP_PERIODIC_RATE);
}

typedef struct timed {
    UINT status;
    uint64_t start, end;
    unsigned port;
} timed;

static void *disconnect_thread(void *arg)
{
    timed *t = arg;
    t->start = tu_now_ms();
    t->status = nxd_mqtt_client_disconnect(&c.mqtt);
    t->end = tu_now_ms();
    return NULL;
}

static void *connect_thread(void *arg)
{
    timed *t = arg;
    t->start = tu_now_ms();
    t->status = connect_to(t->port);
    t->end = tu_now_ms();
    return NULL;
}

int main(void)
{
    tu_begin("netx_close", 90);
    TU_REQUIRE_EQ(nx_packet_pool_create(&pool, "pool", 1536, pool_memory, sizeof pool_memory), NX_SUCCESS, "pool");
    TU_REQUIRE_EQ(nx_ip_create(&ip, "ip", IP_ADDRESS(127, 0, 0, 1), 0xFF000000UL, &pool, NX_NULL, NX_NULL, 0, 1),
                  NX_SUCCESS, "IP instance");
    TU_REQUIRE_EQ(nx_tcp_enable(&ip), NX_SUCCESS, "TCP");
    ULONG total = pool.nx_packet_pool_total;
    snprintf(c.id, sizeof c.id, "%s", tu_name("close"));
    TU_REQUIRE_EQ(nxd_mqtt_client_create(&c.mqtt, "close test", c.id, (UINT)strlen(c.id), &ip, &pool, c.stack,
                                         sizeof c.stack, PRIORITY, NX_NULL, 0),
                  NXD_MQTT_SUCCESS, "create");

    tu_section("disconnect: orderly, waits for the broker (1.5 s) without the client lock");
    peer p;
    peer_start(&p, 0, 1500);
    TU_REQUIRE_EQ(connect_to(p.port), NXD_MQTT_SUCCESS, "connect");
    timed d = {0};
    pthread_t dt;
    TU_REQUIRE(pthread_create(&dt, NULL, disconnect_thread, &d) == 0, "disconnect in another thread");
    for (unsigned i = 0; i < 200 && !__atomic_load_n(&p.got_fin, __ATOMIC_SEQ_CST); i++)
        tu_sleep_ms(10);
    TU_CHECK(__atomic_load_n(&p.got_fin, __ATOMIC_SEQ_CST), "the broker got FIN");
    tu_sleep_ms(100);
    uint64_t t0 = tu_now_ms();
    UCHAR tb[16], mb[16];
    UINT tl, ml;
    TU_CHECK_EQ(nxd_mqtt_client_message_get(&c.mqtt, tb, sizeof tb, &tl, mb, sizeof mb, &ml), NXD_MQTT_NO_MESSAGE,
                "message_get while the disconnect waits");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&c.mqtt, (CHAR *)"t", 1, 0), NXD_MQTT_NOT_CONNECTED,
                "subscribe while the disconnect waits");
    uint64_t took = tu_now_ms() - t0;
    TU_CHECK(took < 300, "they did not wait for the lock (%llu ms)", (unsigned long long)took);
    TU_CHECK(d.end == 0, "the disconnect is still waiting");
    pthread_join(dt, NULL);
    peer_end(&p);
    TU_CHECK_EQ(d.status, NXD_MQTT_SUCCESS, "disconnect");
    TU_CHECK(p.got_disconnect, "DISCONNECT sent before the FIN");
    TU_CHECK(!p.got_reset, "no reset");
    TU_CHECK(d.end + 50 >= p.closed_at && d.end - d.start >= 1400,
             "it returned once the broker closed (%llu ms, broker closed %lld ms after FIN)",
             (unsigned long long)(d.end - d.start), (long long)(p.closed_at - p.fin_at));
    TU_CHECK_EQ(c.mqtt.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_IDLE, "idle");

    tu_section("connect while another thread's disconnect waits: at most 1 s, then a failure");
    peer_start(&p, 0, 3000);
    TU_REQUIRE_EQ(connect_to(p.port), NXD_MQTT_SUCCESS, "connect");
    memset(&d, 0, sizeof d);
    TU_REQUIRE(pthread_create(&dt, NULL, disconnect_thread, &d) == 0, "disconnect in another thread");
    for (unsigned i = 0; i < 200 && !__atomic_load_n(&p.got_fin, __ATOMIC_SEQ_CST); i++)
        tu_sleep_ms(10);
    peer q;
    peer_start(&q, 0, 0);
    timed k = {.port = q.port};
    connect_thread(&k);
    TU_CHECK_EQ(k.status, NXD_MQTT_CONNECT_FAILURE, "connect fails");
    TU_CHECK(k.end - k.start >= 900 && k.end - k.start < 2500, "after waiting about 1 s (%llu ms)",
             (unsigned long long)(k.end - k.start));
    TU_CHECK(d.end == 0, "the disconnect still waits for its broker");
    pthread_join(dt, NULL);
    peer_end(&p);
    TU_CHECK_EQ(d.status, NXD_MQTT_SUCCESS, "disconnect");
    TU_CHECK(d.end - d.start >= 2800, "after the broker's 3 s (%llu ms)", (unsigned long long)(d.end - d.start));
    TU_CHECK(!p.got_reset, "no reset");
    TU_REQUIRE_EQ(connect_to(q.port), NXD_MQTT_SUCCESS, "then a connect works");

    tu_section("delete while connected: orderly, waits for the broker");
    __atomic_store_n(&q.linger_ms, 1200, __ATOMIC_SEQ_CST);
    t0 = tu_now_ms();
    TU_CHECK_EQ(nxd_mqtt_client_delete(&c.mqtt), NXD_MQTT_SUCCESS, "delete");
    took = tu_now_ms() - t0;
    peer_end(&q);
    TU_CHECK(q.got_fin && !q.got_reset, "FIN, no reset");
    TU_CHECK(took >= 1100, "delete waited for the broker (%llu ms)", (unsigned long long)took);

    tu_section("refused CONNACK: a hard end, at most 1 s for the broker");
    TU_REQUIRE_EQ(nxd_mqtt_client_create(&c.mqtt, "close test", c.id, (UINT)strlen(c.id), &ip, &pool, c.stack,
                                         sizeof c.stack, PRIORITY, NX_NULL, 0),
                  NXD_MQTT_SUCCESS, "create");
    NX_TCP_SOCKET *sock = ip.nx_ip_tcp_created_sockets_ptr;
    TU_REQUIRE(sock != NULL, "the client's socket");
    peer_start(&p, 5, 3000);
    t0 = tu_now_ms();
    TU_CHECK_EQ(connect_to(p.port), NXD_MQTT_ERROR_NOT_AUTHORIZED, "connect refused (return code 5)");
    took = tu_now_ms() - t0;
    TU_CHECK(took < 500, "at once (%llu ms)", (unsigned long long)took);
    uint64_t closed = 0;
    for (unsigned i = 0; i < 300 && !closed; i++) {
        if (__atomic_load_n(&sock->nx_tcp_socket_state, __ATOMIC_SEQ_CST) == NX_TCP_CLOSED)
            closed = tu_now_ms() - t0;
        else
            tu_sleep_ms(10);
    }
    TU_CHECK(closed >= 800 && closed < 2000, "the socket closed after about 1 s (%llu ms), not the broker's 3 s",
             (unsigned long long)closed);
    TU_CHECK(p.got_fin, "the broker got FIN");
    peer_end(&p);
    TU_CHECK_EQ(nxd_mqtt_client_delete(&c.mqtt), NXD_MQTT_SUCCESS, "delete");

    tu_section("the end");
    tu_sleep_ms(100);
    TU_CHECK_EQ(pool.nx_packet_pool_available, total, "pool complete");
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, 0, "no socket left");
    TU_CHECK_EQ(tx_standin_created_count(TX_THREAD_ID), 0, "no thread left");
    return tu_end();
}
