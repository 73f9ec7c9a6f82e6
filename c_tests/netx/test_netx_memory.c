/* Clients in the application's memory (create's memory_ptr / memory_size) on the NetX port,
 * with the ThreadX / NetX stand-in and a real mosquitto. Built against a library with the
 * default capacities and client table (NXD_MQTT_NETX_MAX_CLIENTS 1), for which the header's
 * NXD_MQTT_CLIENT_MEMORY_SIZE holds:
 *
 * - NXD_MQTT_CLIENT_MEMORY_SIZE covers nxd_mqtt_client_memory_size() (at most 24 bytes more);
 * - four clients in application memory (two at odd addresses) and the table's client exist at
 *   once, each talking to mosquitto on its own, and their messages stay apart;
 * - with the table full: no memory -> NX_NO_MORE_ENTRIES, too little (1024 bytes, or one byte
 *   less than needed) -> NX_SIZE_ERROR, the memory untouched; exactly the bytes needed at an
 *   odd address work;
 * - memory of a live client, or memory holding the control block -> NX_PTR_ERROR;
 * - delete gives the memory back: the application scribbles over it and creates new clients
 *   in it; too little memory with a free table entry takes the entry (memory untouched);
 * - a memory client deleted from its own callback, a memory client's block created again
 *   without delete;
 * - at the end every pool packet is back and no ThreadX / NetX object is left.
 *
 * Built a second time with TABLE_ENTRIES 0 against a library without a table
 * (NXD_MQTT_NETX_MAX_CLIENTS=0): the "table client" then lives in memory too, and every create
 * without enough memory is refused.
 */
#include "tx_api.h"
#include "nx_api.h"
#include "nxd_mqtt_client.h"
#include "tu.h"

#include <stdio.h>
#include <string.h>

#define PRIORITY 7
#define N_MEM 4
#define MARGIN 24 /* STATE_MARGIN of src/port/netx/ffi.rs */
#define FILL 0xA5
#ifndef TABLE_ENTRIES
#define TABLE_ENTRIES 1 /* NXD_MQTT_NETX_MAX_CLIENTS of the library */
#endif

static NX_IP ip;
static NX_PACKET_POOL pool;
static ULONG pool_memory[256 * (1536 + sizeof(NX_PACKET) + 16) / sizeof(ULONG)];
static tu_broker broker;

typedef struct client {
    NXD_MQTT_CLIENT mqtt;
    ULONG stack[8192 / sizeof(ULONG)];
    char id[96];
    char topic[128];
    volatile unsigned notifies;
    int delete_in_callback;
    volatile UINT delete_status;
    volatile int deleted;
} client;

/* The memory of the clients, one byte more than the header says (to start at odd addresses). */
static unsigned char memory[N_MEM][NXD_MQTT_CLIENT_MEMORY_SIZE + 1];
static unsigned char spare[NXD_MQTT_CLIENT_MEMORY_SIZE + 1];
static unsigned char small[1024];
#if TABLE_ENTRIES
#define T_MEM NX_NULL /* the client t takes the table's entry */
#define T_SIZE 0
#else
static unsigned char t_memory[NXD_MQTT_CLIENT_MEMORY_SIZE];
#define T_MEM t_memory /* no table: t lives in memory too */
#define T_SIZE sizeof t_memory
#endif

static client *client_of(NXD_MQTT_CLIENT *c)
{
    return (client *)(void *)c; /* mqtt is the first member */
}

static void on_receive(NXD_MQTT_CLIENT *c, UINT count)
{
    (void)count;
    client *me = client_of(c);
    if (me->delete_in_callback && !me->deleted) {
        me->delete_status = nxd_mqtt_client_delete(c);
        __atomic_store_n(&me->deleted, 1, __ATOMIC_SEQ_CST);
    }
    __atomic_add_fetch(&me->notifies, 1, __ATOMIC_SEQ_CST);
}

static UINT create(client *c, const char *suffix, void *mem, ULONG size)
{
    memset(c, 0, sizeof *c);
    snprintf(c->id, sizeof c->id, "%s", tu_name(suffix));
    snprintf(c->topic, sizeof c->topic, "%s/t", c->id);
    UINT s = nxd_mqtt_client_create(&c->mqtt, "memory test client", c->id, (UINT)strlen(c->id), &ip, &pool,
                                    c->stack, sizeof c->stack, PRIORITY, mem, size);
    if (s == NXD_MQTT_SUCCESS)
        nxd_mqtt_client_receive_notify_set(&c->mqtt, on_receive);
    return s;
}

/* create, connect, subscribe to the client's own topic. */
static UINT start(client *c, const char *suffix, void *mem, ULONG size)
{
    UINT s = create(c, suffix, mem, size);
    if (s != NXD_MQTT_SUCCESS)
        return s;
    NXD_ADDRESS a;
    tu_addr_v4_loopback(&a);
    s = nxd_mqtt_client_connect(&c->mqtt, &a, broker.port, 30, NX_TRUE, 5 * NX_IP_PERIODIC_RATE);
    if (s != NXD_MQTT_SUCCESS)
        return s;
    s = nxd_mqtt_client_subscribe(&c->mqtt, c->topic, (UINT)strlen(c->topic), 1);
    tu_sleep_ms(100); /* SUBACK */
    return s;
}

/* create again on a block whose client was not deleted (no memset: the old MQTT thread still
 * runs on the block's stack until create ends it), connect, subscribe. */
static UINT restart(client *c, const char *suffix, void *mem, ULONG size)
{
    snprintf(c->id, sizeof c->id, "%s", tu_name(suffix));
    snprintf(c->topic, sizeof c->topic, "%s/t", c->id);
    UINT s = nxd_mqtt_client_create(&c->mqtt, "memory test client", c->id, (UINT)strlen(c->id), &ip, &pool,
                                    c->stack, sizeof c->stack, PRIORITY, mem, size);
    if (s != NXD_MQTT_SUCCESS)
        return s;
    c->notifies = 0;
    nxd_mqtt_client_receive_notify_set(&c->mqtt, on_receive);
    NXD_ADDRESS a;
    tu_addr_v4_loopback(&a);
    s = nxd_mqtt_client_connect(&c->mqtt, &a, broker.port, 30, NX_TRUE, 5 * NX_IP_PERIODIC_RATE);
    if (s != NXD_MQTT_SUCCESS)
        return s;
    s = nxd_mqtt_client_subscribe(&c->mqtt, c->topic, (UINT)strlen(c->topic), 1);
    tu_sleep_ms(100);
    return s;
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

/* `from` publishes to `to`'s topic; `to` receives exactly that message. */
static void check_message(client *from, client *to, unsigned seed, const char *what)
{
    unsigned char out[600], in[700];
    unsigned before = to->notifies;
    tu_fill_pattern(out, sizeof out, seed);
    UINT s = nxd_mqtt_client_publish(&from->mqtt, to->topic, (UINT)strlen(to->topic), (CHAR *)out, sizeof out, 0, 1,
                                     5 * NX_IP_PERIODIC_RATE);
    TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, what);
    TU_CHECK(wait_notifies(to, before + 1, 10000), "%s: received", what);
    UCHAR t[160];
    UINT tl = 0, ml = 0;
    s = nxd_mqtt_client_message_get(&to->mqtt, t, sizeof t, &tl, in, sizeof in, &ml);
    TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, "message_get");
    TU_CHECK(tl == strlen(to->topic) && memcmp(t, to->topic, tl) == 0, "%s: its topic", what);
    TU_CHECK(ml == sizeof out && tu_check_pattern(in, ml, seed), "%s: its %u-byte payload", what, ml);
}

static int all_bytes(const unsigned char *p, size_t n, unsigned char v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

static unsigned threads(void)
{
    return (unsigned)tx_standin_created_count(TX_THREAD_ID);
}

int main(void)
{
    tu_begin("netx_memory", 150);
    tu_broker_load(&broker);
    TU_REQUIRE_EQ(nx_packet_pool_create(&pool, "pool", 1536, pool_memory, sizeof pool_memory), NX_SUCCESS, "pool");
    TU_REQUIRE_EQ(nx_ip_create(&ip, "ip", IP_ADDRESS(127, 0, 0, 1), 0xFF000000UL, &pool, NX_NULL, NX_NULL, 0, 1),
                  NX_SUCCESS, "IP instance");
    TU_REQUIRE_EQ(nx_tcp_enable(&ip), NX_SUCCESS, "TCP");
    ULONG total = pool.nx_packet_pool_total;
    const ULONG need = nxd_mqtt_client_memory_size();

    tu_section("NXD_MQTT_CLIENT_MEMORY_SIZE %lu, nxd_mqtt_client_memory_size() %lu, sizeof(NXD_MQTT_CLIENT) %lu",
               (unsigned long)NXD_MQTT_CLIENT_MEMORY_SIZE, (unsigned long)need,
               (unsigned long)sizeof(NXD_MQTT_CLIENT));
    TU_CHECK(need > 0 && need <= NXD_MQTT_CLIENT_MEMORY_SIZE, "the header's size is enough");
    TU_CHECK(NXD_MQTT_CLIENT_MEMORY_SIZE - need <= MARGIN, "and at most %d bytes more", MARGIN);

    tu_section("%d clients in application memory and the table's client at once, each with mosquitto", N_MEM);
    static client m[N_MEM], t;
    memset(memory, FILL, sizeof memory);
    for (unsigned i = 0; i < N_MEM; i++) {
        char name[16];
        snprintf(name, sizeof name, "m%u", i);
        /* Odd clients start at an odd address; the size stays NXD_MQTT_CLIENT_MEMORY_SIZE. */
        TU_REQUIRE_EQ(start(&m[i], name, memory[i] + (i % 2), NXD_MQTT_CLIENT_MEMORY_SIZE), NXD_MQTT_SUCCESS,
                      "create in memory + connect + subscribe");
        TU_CHECK(!all_bytes(memory[i] + (i % 2), NXD_MQTT_CLIENT_MEMORY_SIZE, FILL), "client %u is in its memory", i);
    }
    TU_CHECK_EQ(threads(), N_MEM, "one MQTT thread each");
#if !TABLE_ENTRIES
    TU_CHECK_EQ(create(&t, "table", NX_NULL, 0), NX_NO_MORE_ENTRIES, "no table: no memory is NX_NO_MORE_ENTRIES");
#endif
    TU_REQUIRE_EQ(start(&t, "table", T_MEM, T_SIZE), NXD_MQTT_SUCCESS, "the table's entry is still free");
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, N_MEM + 1, "a socket each");
    for (unsigned i = 0; i < N_MEM; i++) {
        check_message(&m[i], &m[i], 10 + i, "own message");
        check_message(&m[i], &m[(i + 1) % N_MEM], 20 + i, "to the next memory client");
    }
    check_message(&t, &m[0], 30, "table client to memory client");
    check_message(&m[3], &t, 31, "memory client to table client");
    for (unsigned i = 0; i < N_MEM; i++)
        TU_CHECK_EQ(m[i].notifies, i == 0 ? 3u : 2u, "no message went to the wrong client");

    tu_section("the table is full (%d entries)", TABLE_ENTRIES);
    static client x;
    TU_CHECK_EQ(create(&x, "x", NX_NULL, 0), NX_NO_MORE_ENTRIES, "no memory: NX_NO_MORE_ENTRIES");
    memset(small, FILL, sizeof small);
    TU_CHECK_EQ(create(&x, "x", small, sizeof small), NX_SIZE_ERROR, "1024 bytes: NX_SIZE_ERROR");
    TU_CHECK(all_bytes(small, sizeof small, FILL), "the small memory is untouched");
    memset(spare, FILL, sizeof spare);
    TU_CHECK_EQ(create(&x, "x", spare, need - 1), NX_SIZE_ERROR, "one byte too few: NX_SIZE_ERROR");
    TU_CHECK(all_bytes(spare, sizeof spare, FILL), "the memory is untouched");
    TU_CHECK_EQ(create(&x, "x", NX_NULL, NXD_MQTT_CLIENT_MEMORY_SIZE), NX_NO_MORE_ENTRIES,
                "a size without memory: NX_NO_MORE_ENTRIES");
    TU_CHECK_EQ(x.mqtt.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_INITIALIZE, "the block stays not created");
    TU_CHECK_EQ(threads(), N_MEM + 1, "no thread left behind by the refused creates");
    TU_CHECK_EQ(create(&x, "x", spare + 1, need), NXD_MQTT_SUCCESS, "exactly the bytes needed, at an odd address");
    TU_CHECK(spare[0] == FILL, "nothing written before the memory");
    TU_CHECK(all_bytes(spare + 1 + need, sizeof spare - 1 - need, FILL), "nothing written after it");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&x.mqtt), NXD_MQTT_SUCCESS, "delete");

    tu_section("memory in use");
    TU_CHECK_EQ(create(&x, "x", memory[0], NXD_MQTT_CLIENT_MEMORY_SIZE), NX_PTR_ERROR,
                "a live client's memory: NX_PTR_ERROR");
    TU_CHECK_EQ(create(&x, "x", memory[1] - 64, NXD_MQTT_CLIENT_MEMORY_SIZE), NX_PTR_ERROR,
                "memory overlapping a live client's: NX_PTR_ERROR");
    NXD_MQTT_CLIENT *inside = (NXD_MQTT_CLIENT *)(void *)(spare + 64);
    TU_CHECK_EQ(nxd_mqtt_client_create(inside, "inside", "x", 1, &ip, &pool, x.stack, sizeof x.stack, PRIORITY,
                                       spare + 8, NXD_MQTT_CLIENT_MEMORY_SIZE - 8),
                NX_PTR_ERROR, "memory holding the control block: NX_PTR_ERROR");
    TU_CHECK_EQ(threads(), N_MEM + 1, "nothing created");
    check_message(&m[0], &m[1], 40, "the memory clients still work");

    tu_section("delete gives the memory back; new clients in the same memory");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&m[0].mqtt), NXD_MQTT_SUCCESS, "disconnect one");
    for (unsigned i = 0; i < N_MEM; i++)
        TU_CHECK_EQ(nxd_mqtt_client_delete(&m[i].mqtt), NXD_MQTT_SUCCESS, "delete (connected or not)");
    TU_CHECK_EQ(threads(), 1, "only the table client's thread left");
    TU_CHECK_EQ(tx_standin_created_count(TX_MUTEX_ID), 1, "and its mutex");
    TU_CHECK_EQ(tx_standin_created_count(TX_EVENT_FLAGS_ID), 1, "and its event group");
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, 1, "and its socket");
    TU_CHECK_EQ(nxd_mqtt_client_publish(&m[2].mqtt, m[2].topic, 1, (CHAR *)"x", 1, 0, 0, 1), NXD_MQTT_NOT_CONNECTED,
                "a deleted memory client is gone");
    memset(memory, 0xFF, sizeof memory); /* the application reuses the memory */
    for (unsigned i = 0; i < N_MEM; i++) {
        char name[16];
        snprintf(name, sizeof name, "again%u", i);
        TU_REQUIRE_EQ(start(&m[i], name, memory[(i + 1) % N_MEM] + 1, NXD_MQTT_CLIENT_MEMORY_SIZE),
                      NXD_MQTT_SUCCESS, "a new client in memory of a deleted one");
    }
    for (unsigned i = 0; i < N_MEM; i++)
        check_message(&m[i], &m[(i + 2) % N_MEM], 50 + i, "new memory clients");
    check_message(&m[1], &t, 55, "and the table client");
    for (unsigned i = 0; i < N_MEM; i++)
        TU_CHECK_EQ(nxd_mqtt_client_delete(&m[i].mqtt), NXD_MQTT_SUCCESS, "delete");

    tu_section("too little memory with a free table entry: the entry is used");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&t.mqtt), NXD_MQTT_SUCCESS, "delete the table client");
    memset(small, FILL, sizeof small);
#if TABLE_ENTRIES
    TU_REQUIRE_EQ(start(&t, "small", small, sizeof small), NXD_MQTT_SUCCESS, "create with 1024 bytes + connect");
    TU_CHECK(all_bytes(small, sizeof small, FILL), "the small memory is untouched");
    TU_CHECK_EQ(create(&x, "x", NX_NULL, 0), NX_NO_MORE_ENTRIES, "the table entry is taken");
#else
    TU_CHECK_EQ(create(&t, "small", small, sizeof small), NX_SIZE_ERROR, "no table: 1024 bytes is NX_SIZE_ERROR");
    TU_CHECK(all_bytes(small, sizeof small, FILL), "the small memory is untouched");
    TU_REQUIRE_EQ(start(&t, "small", T_MEM, T_SIZE), NXD_MQTT_SUCCESS, "create in memory + connect");
#endif
    check_message(&t, &t, 60, "the client works");

    tu_section("a memory client deleted from its own callback");
    TU_REQUIRE_EQ(start(&m[0], "cb", memory[0], NXD_MQTT_CLIENT_MEMORY_SIZE), NXD_MQTT_SUCCESS, "create + connect");
    m[0].delete_in_callback = 1;
    TU_CHECK_EQ(nxd_mqtt_client_publish(&m[0].mqtt, m[0].topic, (UINT)strlen(m[0].topic), (CHAR *)"bye", 3, 0, 0,
                                        NX_IP_PERIODIC_RATE),
                NXD_MQTT_SUCCESS, "publish to itself");
    for (unsigned i = 0; i < 500 && !m[0].deleted; i++)
        tu_sleep_ms(10);
    TU_CHECK(m[0].deleted && m[0].delete_status == NXD_MQTT_SUCCESS, "delete inside the callback returned SUCCESS");
    tu_sleep_ms(200);
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, 1, "its socket is deleted");
    TU_CHECK_EQ(threads(), 2, "its ended thread waits to be deleted");
    TU_REQUIRE_EQ(start(&m[1], "after-cb", memory[0], NXD_MQTT_CLIENT_MEMORY_SIZE), NXD_MQTT_SUCCESS,
                  "a new client in the same memory");
    TU_CHECK_EQ(threads(), 2, "the old thread was deleted first");
    check_message(&m[1], &t, 61, "the new client works");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&m[1].mqtt), NXD_MQTT_SUCCESS, "delete");
    TU_CHECK_EQ(threads(), 1, "the table client's thread only");

    tu_section("a memory client's block created again without delete");
    TU_REQUIRE_EQ(start(&m[2], "re1", memory[2], NXD_MQTT_CLIENT_MEMORY_SIZE), NXD_MQTT_SUCCESS, "create + connect");
    TU_REQUIRE_EQ(restart(&m[2], "re2", memory[2], NXD_MQTT_CLIENT_MEMORY_SIZE), NXD_MQTT_SUCCESS,
                  "create the block again, same memory");
    TU_CHECK_EQ(threads(), 2, "the old client ended");
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, 2, "its socket too");
    check_message(&t, &m[2], 62, "the new client works");
    TU_REQUIRE_EQ(restart(&m[2], "re3", memory[3] + 1, NXD_MQTT_CLIENT_MEMORY_SIZE), NXD_MQTT_SUCCESS,
                  "create the block again, other memory");
    TU_CHECK_EQ(threads(), 2, "the old client ended");
    TU_CHECK_EQ(create(&x, "x", memory[2], NXD_MQTT_CLIENT_MEMORY_SIZE), NXD_MQTT_SUCCESS,
                "the memory it left is free");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&x.mqtt), NXD_MQTT_SUCCESS, "delete");
    check_message(&m[2], &m[2], 63, "the newest client works");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&m[2].mqtt), NXD_MQTT_SUCCESS, "delete");

    tu_section("the end: every pool packet back, no ThreadX / NetX object left");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&t.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&t.mqtt), NXD_MQTT_SUCCESS, "delete");
    tu_sleep_ms(100);
    TU_CHECK_EQ(pool.nx_packet_pool_available, total, "pool complete");
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, 0, "no socket left");
    TU_CHECK_EQ(threads(), 0, "no thread left");
    TU_CHECK_EQ(tx_standin_created_count(TX_MUTEX_ID), 0, "no mutex left");
    TU_CHECK_EQ(tx_standin_created_count(TX_EVENT_FLAGS_ID), 0, "no event group left");
    return tu_end();
}
