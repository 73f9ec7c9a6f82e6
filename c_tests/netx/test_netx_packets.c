/* Tests of the NetX port with the ThreadX / NetX stand-in and a real mosquitto:
 *
 * - the MQTT thread runs as the original's does (the application's stack and priority,
 *   preemption threshold = priority, time slice NXD_MQTT_CLIENT_THREAD_TIME_SLICE) and the
 *   socket has the client's name and NXD_MQTT_CLIENT_SOCKET_WINDOW_SIZE;
 * - with 128-byte pool packets, a 3000-byte PUBLISH goes out as a packet chain and comes back
 *   intact, also when the broker's bytes arrive one per TCP segment;
 * - publish with an exhausted client pool fails as the original's does (no packet:
 *   NXD_MQTT_PACKET_POOL_FAILURE after the timeout; a chain that cannot be completed:
 *   NXD_MQTT_INTERNAL_ERROR; nothing queued, no packet kept) and waits for packets within its
 *   timeout; an exhausted receive pool delays receiving;
 * - after delete every pool packet is back and no ThreadX object is left;
 * - many clients at once (each inside its own control block, no library table), and a
 *   deleted client's block is created again.
 */
#include "tx_api.h"
#include "nx_api.h"
#include "nxd_mqtt_client.h"
#include "tu.h"

#include <stdio.h>
#include <string.h>

#define SMALL_PAYLOAD 128
#define SMALL_PACKETS 160
#define BIG_MESSAGE 3000
#define PRIORITY 7
#define MAX_CLIENTS 16 /* clients at once in the "many clients" section */

static NX_IP ip;
static NX_PACKET_POOL rx_pool, tx_pool;
static ULONG rx_pool_memory[256 * (1536 + sizeof(NX_PACKET) + 16) / sizeof(ULONG)];
static ULONG tx_pool_memory[SMALL_PACKETS * (SMALL_PAYLOAD + sizeof(NX_PACKET) + 16) / sizeof(ULONG)];
static tu_broker broker;

typedef struct client {
    NXD_MQTT_CLIENT mqtt;
    ULONG stack[8192 / sizeof(ULONG)];
    char id[96];
    volatile unsigned notifies;
    TX_THREAD *notify_thread;
    int delete_in_callback;
    volatile UINT delete_status;
    volatile int deleted;
} client;

static client *client_of(NXD_MQTT_CLIENT *c)
{
    return (client *)(void *)c; /* mqtt is the first member */
}

static void on_receive(NXD_MQTT_CLIENT *c, UINT count)
{
    (void)count;
    client *me = client_of(c);
    me->notify_thread = tx_thread_identify();
    if (me->delete_in_callback && !me->deleted) {
        me->delete_status = nxd_mqtt_client_delete(c);
        __atomic_store_n(&me->deleted, 1, __ATOMIC_SEQ_CST);
    }
    __atomic_add_fetch(&me->notifies, 1, __ATOMIC_SEQ_CST);
}

static UINT start(client *c, const char *suffix, NX_PACKET_POOL *pool)
{
    memset(c, 0, sizeof *c);
    snprintf(c->id, sizeof c->id, "%s", tu_name(suffix));
    UINT s = nxd_mqtt_client_create(&c->mqtt, "netx test client", c->id, (UINT)strlen(c->id), &ip, pool,
                                    c->stack, sizeof c->stack, PRIORITY, NX_NULL, 0);
    if (s != NXD_MQTT_SUCCESS)
        return s;
    nxd_mqtt_client_receive_notify_set(&c->mqtt, on_receive);
    NXD_ADDRESS a;
    tu_addr_v4_loopback(&a);
    return nxd_mqtt_client_connect(&c->mqtt, &a, broker.port, 30, NX_TRUE, 5 * NX_IP_PERIODIC_RATE);
}

static int wait_notifies(client *c, unsigned n, unsigned ms)
{
    for (unsigned t = 0; t < ms; t += 10) {
        if (__atomic_load_n(&c->notifies, __ATOMIC_SEQ_CST) >= n)
            return 1;
        tu_sleep_ms(10);
    }
    return 0;
}

static unsigned char out[BIG_MESSAGE], in[BIG_MESSAGE];

typedef struct releaser_arg {
    NX_PACKET **packets;
    unsigned count;
    unsigned after_ms;
} releaser_arg;

/* Releases the packets after a while (another thread freeing the pool during a publish). */
static void *release_later(void *arg)
{
    releaser_arg *r = arg;
    tu_sleep_ms(r->after_ms);
    for (unsigned i = 0; i < r->count; i++)
        nx_packet_release(r->packets[i]);
    return NULL;
}

static void check_roundtrip(client *c, const char *topic, unsigned seed, const char *what)
{
    unsigned before = c->notifies;
    tu_fill_pattern(out, sizeof out, seed);
    UINT s = nxd_mqtt_client_publish(&c->mqtt, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)out, sizeof out, 0, 1,
                                     5 * NX_IP_PERIODIC_RATE);
    TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, what);
    TU_CHECK(wait_notifies(c, before + 1, 10000), "%s: the message came back (receive notify)", what);
    UCHAR t[128];
    UINT tl = 0, ml = 0;
    memset(in, 0, sizeof in);
    s = nxd_mqtt_client_message_get(&c->mqtt, t, sizeof t, &tl, in, sizeof in, &ml);
    TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, "message_get");
    TU_CHECK(tl == strlen(topic) && memcmp(t, topic, tl) == 0, "%s: topic intact", what);
    TU_CHECK(ml == sizeof in && tu_check_pattern(in, ml, seed), "%s: %u-byte payload intact", what, ml);
}

int main(void)
{
    tu_begin("netx_packets", 110);
    tu_broker_load(&broker);
    TU_REQUIRE_EQ(nx_packet_pool_create(&rx_pool, "rx pool", 1536, rx_pool_memory, sizeof rx_pool_memory),
                  NX_SUCCESS, "receive pool");
    TU_REQUIRE_EQ(nx_packet_pool_create(&tx_pool, "small pool", SMALL_PAYLOAD, tx_pool_memory, sizeof tx_pool_memory),
                  NX_SUCCESS, "client pool of 128-byte packets");
    TU_REQUIRE_EQ(nx_ip_create(&ip, "ip", IP_ADDRESS(127, 0, 0, 1), 0xFF000000UL, &rx_pool, NX_NULL, NX_NULL, 0, 1),
                  NX_SUCCESS, "IP instance");
    TU_REQUIRE_EQ(nx_tcp_enable(&ip), NX_SUCCESS, "TCP");
    ULONG tx_total = tx_pool.nx_packet_pool_total, rx_total = rx_pool.nx_packet_pool_total;

    static client c;
    const char *topic = tu_name("chain");

    tu_section("create: thread and socket as in the original");
    TU_REQUIRE_EQ(start(&c, "c1", &tx_pool), NXD_MQTT_SUCCESS, "create + connect");
    TU_CHECK_EQ(c.mqtt.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_CONNECTED, "connected");
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, 1, "one socket on the IP instance");
    NX_TCP_SOCKET *sock = ip.nx_ip_tcp_created_sockets_ptr;
    TU_REQUIRE(sock != NULL, "the client's socket");
    TU_CHECK(strcmp(sock->nx_tcp_socket_name, "netx test client") == 0, "socket named after the client");
    TU_CHECK_EQ(sock->nx_tcp_socket_rx_window_default, 8192, "window NXD_MQTT_CLIENT_SOCKET_WINDOW_SIZE");
    TU_CHECK_EQ(sock->nx_tcp_socket_state, NX_TCP_ESTABLISHED, "socket established");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&c.mqtt, (CHAR *)topic, (UINT)strlen(topic), 1), NXD_MQTT_SUCCESS,
                "subscribe");
    tu_sleep_ms(200);

    tu_section("128-byte packets: a 3000-byte PUBLISH as a chain, both directions");
    check_roundtrip(&c, topic, 1, "chained publish");
    TX_THREAD *t = c.notify_thread;
    TU_REQUIRE(t != NULL, "receive notify runs on a ThreadX thread (the MQTT thread)");
    TU_CHECK_EQ(t->tx_thread_priority, PRIORITY, "MQTT thread priority = create's priority");
    TU_CHECK_EQ(t->tx_thread_preempt_threshold, PRIORITY, "preemption threshold = priority");
    TU_CHECK_EQ(t->tx_thread_time_slice, 2, "time slice NXD_MQTT_CLIENT_THREAD_TIME_SLICE");
    TU_CHECK(t->tx_thread_stack_start == (VOID *)c.stack && t->tx_thread_stack_size == sizeof c.stack,
             "the application's stack");
    TU_CHECK(strcmp(t->tx_thread_name, "netx test client") == 0, "thread named after the client");

    tu_section("broker bytes one per TCP segment are reassembled");
    nx_standin_tcp_max_segment_set(1);
    check_roundtrip(&c, topic, 2, "1-byte segments");
    nx_standin_tcp_max_segment_set(1460);

    tu_section("client pool exhausted at publish: the original's codes, nothing queued");
    static NX_PACKET *held[1024];
    unsigned n = 0;
    while (n < 1024 && nx_packet_allocate(&tx_pool, &held[n], 0, NX_NO_WAIT) == NX_SUCCESS)
        n++;
    TU_CHECK_EQ(tx_pool.nx_packet_pool_available, 0, "client pool empty");
    unsigned before = c.notifies;
    tu_fill_pattern(out, sizeof out, 3);
    uint64_t t0 = tu_now_ms();
    UINT s = nxd_mqtt_client_publish(&c.mqtt, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)out, sizeof out, 0, 0,
                                     NX_IP_PERIODIC_RATE);
    uint64_t waited = tu_now_ms() - t0;
    TU_CHECK_EQ(s, NXD_MQTT_PACKET_POOL_FAILURE, "no packet at all: NXD_MQTT_PACKET_POOL_FAILURE");
    TU_CHECK(waited >= 900 && waited < 5000, "after waiting the publish timeout of 1 s (%llu ms)",
             (unsigned long long)waited);
    nx_packet_release(held[--n]);
    s = nxd_mqtt_client_publish(&c.mqtt, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)out, sizeof out, 0, 1,
                                NX_NO_WAIT);
    TU_CHECK_EQ(s, NXD_MQTT_INTERNAL_ERROR, "one packet, a chain needed: NXD_MQTT_INTERNAL_ERROR");
    TU_CHECK_EQ(tx_pool.nx_packet_pool_available, 1, "the packet taken for it is back");
    s = nxd_mqtt_client_publish(&c.mqtt, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)"x", 1, 0, 1, NX_NO_WAIT);
    TU_CHECK_EQ(s, NXD_MQTT_PACKET_POOL_FAILURE,
                "QoS 1 with one packet: no packet for the copy kept for resend (as the original)");
    TU_CHECK_EQ(tx_pool.nx_packet_pool_available, 1, "the packet taken for it is back");
    s = nxd_mqtt_client_publish(&c.mqtt, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)"x", 1, 0, 0, NX_NO_WAIT);
    TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, "a QoS 0 PUBLISH that fits one packet is accepted");
    TU_CHECK(wait_notifies(&c, before + 1, 10000), "and sent through that packet");
    UCHAR tb[128];
    UINT tl = 0, ml = 0;
    s = nxd_mqtt_client_message_get(&c.mqtt, tb, sizeof tb, &tl, in, sizeof in, &ml);
    TU_CHECK(s == NXD_MQTT_SUCCESS && ml == 1 && in[0] == 'x', "it came back (the failed ones were not queued)");
    tu_sleep_ms(300);
    TU_CHECK_EQ(c.notifies, before + 1, "nothing else arrived");
    TU_CHECK_EQ(tx_pool.nx_packet_pool_available, 1, "no reserved packet kept");
    before = c.notifies;
    pthread_t releaser;
    releaser_arg ra = {held, n, 300};
    TU_REQUIRE(pthread_create(&releaser, NULL, release_later, &ra) == 0, "releaser thread");
    t0 = tu_now_ms();
    s = nxd_mqtt_client_publish(&c.mqtt, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)out, sizeof out, 0, 1,
                                5 * NX_IP_PERIODIC_RATE);
    waited = tu_now_ms() - t0;
    pthread_join(releaser, NULL);
    TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, "publish waits for packets within its timeout");
    TU_CHECK(waited >= 250, "it waited for the release (%llu ms)", (unsigned long long)waited);
    TU_CHECK(wait_notifies(&c, before + 1, 10000), "sent");
    s = nxd_mqtt_client_message_get(&c.mqtt, tb, sizeof tb, &tl, in, sizeof in, &ml);
    TU_CHECK(s == NXD_MQTT_SUCCESS && ml == sizeof in && tu_check_pattern(in, ml, 3), "message intact");

    tu_section("exhausted receive pool: receiving waits, nothing is lost");
    n = 0;
    while (n < 1024 && nx_packet_allocate(&rx_pool, &held[n], 0, NX_NO_WAIT) == NX_SUCCESS)
        n++;
    TU_CHECK_EQ(rx_pool.nx_packet_pool_available, 0, "receive pool empty");
    before = c.notifies;
    tu_fill_pattern(out, sizeof out, 4);
    s = nxd_mqtt_client_publish(&c.mqtt, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)out, sizeof out, 0, 0,
                                NX_IP_PERIODIC_RATE);
    TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, "publish");
    tu_sleep_ms(300);
    TU_CHECK_EQ(c.notifies, before, "nothing received without receive packets");
    for (unsigned i = 0; i < n; i++)
        nx_packet_release(held[i]);
    TU_CHECK(wait_notifies(&c, before + 1, 10000), "received once packets were released");
    s = nxd_mqtt_client_message_get(&c.mqtt, tb, sizeof tb, &tl, in, sizeof in, &ml);
    TU_CHECK(s == NXD_MQTT_SUCCESS && ml == sizeof in && tu_check_pattern(in, ml, 4), "delayed message intact");

    tu_section("delete: every packet back, no ThreadX object left");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&c.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&c.mqtt), NXD_MQTT_SUCCESS, "delete");
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, 0, "socket deleted");
    TU_CHECK_EQ(tx_pool.nx_packet_pool_available, tx_total, "client pool complete");
    TU_CHECK_EQ(rx_pool.nx_packet_pool_available, rx_total, "receive pool complete");
    TU_CHECK_EQ(tx_standin_created_count(TX_THREAD_ID), 0, "no thread left");
    TU_CHECK_EQ(tx_standin_created_count(TX_MUTEX_ID), 0, "no mutex left");
    TU_CHECK_EQ(tx_standin_created_count(TX_EVENT_FLAGS_ID), 0, "no event group left");

    tu_section("delete while connected (no DISCONNECT sent) also releases everything");
    TU_REQUIRE_EQ(start(&c, "c2", &tx_pool), NXD_MQTT_SUCCESS, "create + connect");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&c.mqtt), NXD_MQTT_SUCCESS, "delete while connected");
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, 0, "socket deleted");
    TU_CHECK_EQ(tx_pool.nx_packet_pool_available, tx_total, "client pool complete");
    TU_CHECK_EQ(tx_standin_created_count(TX_THREAD_ID), 0, "no thread left");

    tu_section("many clients at once, each inside its own control block");
    static client many[MAX_CLIENTS + 1];
    unsigned created = 0;
    for (unsigned i = 0; i < MAX_CLIENTS; i++) {
        snprintf(many[i].id, sizeof many[i].id, "%s", tu_name("many"));
        if (nxd_mqtt_client_create(&many[i].mqtt, "m", many[i].id, (UINT)strlen(many[i].id), &ip, &tx_pool,
                                   many[i].stack, sizeof many[i].stack, PRIORITY, NX_NULL, 0) == NXD_MQTT_SUCCESS)
            created++;
    }
    TU_CHECK_EQ(created, MAX_CLIENTS, "every create succeeds");
    TU_CHECK_EQ(nxd_mqtt_client_create(&many[MAX_CLIENTS].mqtt, "m", "x", 1, &ip, &tx_pool, many[MAX_CLIENTS].stack,
                                       sizeof many[MAX_CLIENTS].stack, PRIORITY, NX_NULL, 0),
                NXD_MQTT_SUCCESS, "one more too (no table to fill)");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&many[3].mqtt), NXD_MQTT_SUCCESS, "delete one");
    TU_CHECK_EQ(nxd_mqtt_client_create(&many[3].mqtt, "m", "y", 1, &ip, &tx_pool, many[3].stack,
                                       sizeof many[3].stack, PRIORITY, NX_NULL, 0),
                NXD_MQTT_SUCCESS, "its block is created again");
    for (unsigned i = 0; i <= MAX_CLIENTS; i++)
        TU_CHECK_EQ(nxd_mqtt_client_delete(&many[i].mqtt), NXD_MQTT_SUCCESS, "delete");
    TU_CHECK_EQ(tx_standin_created_count(TX_THREAD_ID), 0, "no thread left");
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, 0, "no socket left");

    tu_section("delete from the receive notify (on the MQTT thread) completes");
    TU_REQUIRE_EQ(start(&c, "c5", &tx_pool), NXD_MQTT_SUCCESS, "create + connect");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&c.mqtt, (CHAR *)topic, (UINT)strlen(topic), 0), NXD_MQTT_SUCCESS,
                "subscribe");
    tu_sleep_ms(200);
    c.delete_in_callback = 1;
    TU_CHECK_EQ(nxd_mqtt_client_publish(&c.mqtt, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)"bye", 3, 0, 0,
                                        NX_IP_PERIODIC_RATE),
                NXD_MQTT_SUCCESS, "publish to itself");
    for (unsigned i = 0; i < 500 && !c.deleted; i++)
        tu_sleep_ms(10);
    TU_CHECK(c.deleted && c.delete_status == NXD_MQTT_SUCCESS, "delete inside the callback returned SUCCESS");
    tu_sleep_ms(200);
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, 0, "its socket is deleted");
    TU_CHECK_EQ(tx_pool.nx_packet_pool_available, tx_total, "client pool complete");
    TU_CHECK_EQ(nxd_mqtt_client_publish(&c.mqtt, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)"x", 1, 0, 0, 1),
                NXD_MQTT_NOT_CONNECTED, "the deleted client is gone");
    TU_REQUIRE_EQ(start(&many[0], "c6", &tx_pool), NXD_MQTT_SUCCESS, "the next create");
    TU_CHECK_EQ(tx_standin_created_count(TX_THREAD_ID), 1, "...deleted the old MQTT thread: one thread left");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&many[0].mqtt), NXD_MQTT_SUCCESS, "delete");
    TU_CHECK_EQ(tx_standin_created_count(TX_THREAD_ID), 0, "no thread left");

    tu_section("create on a block created before (no delete) re-initialises it");
    TU_REQUIRE_EQ(start(&c, "c3", &tx_pool), NXD_MQTT_SUCCESS, "create + connect");
    snprintf(c.id, sizeof c.id, "%s", tu_name("c4"));
    TU_CHECK_EQ(nxd_mqtt_client_create(&c.mqtt, "again", c.id, (UINT)strlen(c.id), &ip, &tx_pool, c.stack,
                                       sizeof c.stack, PRIORITY, NX_NULL, 0),
                NXD_MQTT_SUCCESS, "create again");
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, 1, "the old client's socket is gone");
    TU_CHECK_EQ(tx_standin_created_count(TX_THREAD_ID), 1, "one MQTT thread");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&c.mqtt), NXD_MQTT_SUCCESS, "delete");
    TU_CHECK_EQ(tx_pool.nx_packet_pool_available, tx_total, "client pool complete");
    TU_CHECK_EQ(tx_standin_created_count(TX_THREAD_ID), 0, "no thread left");
    return tu_end();
}
