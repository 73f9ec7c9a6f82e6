/* Where a client lives on the NetX port: inside its control block NXD_MQTT_CLIENT (ThreadX /
 * NetX control blocks and the client's buffers), with the ThreadX / NetX stand-in and a real
 * mosquitto. Built against the library with the default capacities, for which the header's
 * NXD_MQTT_NETX_CLIENT_STATE_SIZE holds:
 *
 * - NXD_MQTT_CLIENT_MEMORY_SIZE == nxd_mqtt_client_memory_size() (the header and the library
 *   agree), and sizeof(NXD_MQTT_CLIENT) is the members plus two words plus that area;
 * - several clients at once, each in its own block, including blocks at addresses that are
 *   only ABI-aligned (8 mod 16: inside a struct after a char), each talking to mosquitto on
 *   its own, their messages apart;
 * - create's memory_ptr / memory_size are ignored, as by the original: NULL, 1024 bytes (NetX
 *   Duo's own tests) and a garbage pointer all work, and the 1024 bytes stay untouched;
 * - a block created again without delete; a client deleted from its own callback, then its
 *   block created again; a callback creating its own block again is refused
 *   (NXD_MQTT_INTERNAL_ERROR) and its client keeps working;
 * - at the end every pool packet is back and no ThreadX / NetX object is left.
 */
#include "tx_api.h"
#include "nx_api.h"
#include "nxd_mqtt_client.h"
#include "tu.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define PRIORITY 7
#define N_PLAIN 3
#define N_ODD 2
#define FILL 0xA5

static NX_IP ip;
static NX_PACKET_POOL pool;
static ULONG pool_memory[256 * (1536 + sizeof(NX_PACKET) + 16) / sizeof(ULONG)];
static tu_broker broker;

typedef struct client {
    NXD_MQTT_CLIENT mqtt; /* first member: callbacks find the client from it */
    ULONG stack[8192 / sizeof(ULONG)];
    char id[96];
    char topic[128];
    volatile unsigned notifies;
    int delete_in_callback;
    int create_in_callback;
    volatile UINT callback_status;
    volatile int callback_done;
} client;

/* Blocks after a char: only ABI-aligned (8 on x86_64), not 16-aligned. */
typedef struct odd_holder {
    _Alignas(16) char c;
    client cl;
} odd_holder;

static client plain[N_PLAIN];
static odd_holder odd[N_ODD];
static unsigned char small[1024];

static client *client_of(NXD_MQTT_CLIENT *c)
{
    return (client *)(void *)c;
}

static void on_receive(NXD_MQTT_CLIENT *c, UINT count)
{
    (void)count;
    client *me = client_of(c);
    if (me->delete_in_callback && !me->callback_done) {
        me->callback_status = nxd_mqtt_client_delete(c);
        __atomic_store_n(&me->callback_done, 1, __ATOMIC_SEQ_CST);
    } else if (me->create_in_callback && !me->callback_done) {
        me->callback_status = nxd_mqtt_client_create(c, "again", me->id, (UINT)strlen(me->id), &ip, &pool, me->stack,
                                                     sizeof me->stack, PRIORITY, NX_NULL, 0);
        __atomic_store_n(&me->callback_done, 1, __ATOMIC_SEQ_CST);
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

static UINT connect_subscribe(client *c)
{
    NXD_ADDRESS a;
    tu_addr_v4_loopback(&a);
    UINT s = nxd_mqtt_client_connect(&c->mqtt, &a, broker.port, 30, NX_TRUE, 5 * NX_IP_PERIODIC_RATE);
    if (s != NXD_MQTT_SUCCESS)
        return s;
    s = nxd_mqtt_client_subscribe(&c->mqtt, c->topic, (UINT)strlen(c->topic), 1);
    tu_sleep_ms(100); /* SUBACK */
    return s;
}

/* create, connect, subscribe to the client's own topic. */
static UINT start(client *c, const char *suffix, void *mem, ULONG size)
{
    UINT s = create(c, suffix, mem, size);
    return s == NXD_MQTT_SUCCESS ? connect_subscribe(c) : s;
}

/* create again on a block whose client was not deleted, or was deleted from its own callback
 * (no memset: the old client's state, its MQTT thread's control block included, is in the
 * block until create ends it), connect, subscribe. */
static UINT restart(client *c, const char *suffix)
{
    c->delete_in_callback = c->create_in_callback = 0;
    c->callback_done = 0;
    snprintf(c->id, sizeof c->id, "%s", tu_name(suffix));
    snprintf(c->topic, sizeof c->topic, "%s/t", c->id);
    UINT s = nxd_mqtt_client_create(&c->mqtt, "memory test client", c->id, (UINT)strlen(c->id), &ip, &pool,
                                    c->stack, sizeof c->stack, PRIORITY, NX_NULL, 0);
    if (s != NXD_MQTT_SUCCESS)
        return s;
    c->notifies = 0;
    nxd_mqtt_client_receive_notify_set(&c->mqtt, on_receive);
    return connect_subscribe(c);
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

/* Publishes a message to the client's own topic (its receive notify runs on its MQTT thread)
 * and waits until the notify's action is done. */
static int poke(client *c)
{
    UINT s = nxd_mqtt_client_publish(&c->mqtt, c->topic, (UINT)strlen(c->topic), (CHAR *)"poke", 4, 0, 0,
                                     NX_IP_PERIODIC_RATE);
    for (unsigned i = 0; s == NXD_MQTT_SUCCESS && i < 500 && !c->callback_done; i++)
        tu_sleep_ms(10);
    return s == NXD_MQTT_SUCCESS && c->callback_done;
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

    tu_section("the control block: sizeof(NXD_MQTT_CLIENT) %lu, NXD_MQTT_CLIENT_MEMORY_SIZE %lu",
               (unsigned long)sizeof(NXD_MQTT_CLIENT), (unsigned long)NXD_MQTT_CLIENT_MEMORY_SIZE);
    const size_t w = sizeof(uintptr_t);
    const size_t area = (nxd_mqtt_client_memory_size() + w - 1) / w * w;
    TU_CHECK_EQ(nxd_mqtt_client_memory_size(), NXD_MQTT_CLIENT_MEMORY_SIZE, "the header and the library agree");
    TU_CHECK_EQ(sizeof(((NXD_MQTT_CLIENT *)0)->nxd_mqtt_client_opaque), 2 * w + area,
                "the opaque area: two words and the client's memory, in words");
    TU_CHECK_EQ(sizeof(NXD_MQTT_CLIENT), offsetof(NXD_MQTT_CLIENT, nxd_mqtt_client_opaque) + 2 * w + area,
                "the block: its members and the opaque area");
    TU_CHECK_EQ(_Alignof(NXD_MQTT_CLIENT), _Alignof(uintptr_t), "aligned as a pointer");

    tu_section("%d + %d clients at once, each in its own block (%d only ABI-aligned), with mosquitto", N_PLAIN, N_ODD,
               N_ODD);
    client *all[N_PLAIN + N_ODD];
    for (unsigned i = 0; i < N_PLAIN; i++)
        all[i] = &plain[i];
    for (unsigned i = 0; i < N_ODD; i++) {
        all[N_PLAIN + i] = &odd[i].cl;
        TU_CHECK_EQ((uintptr_t)&odd[i].cl.mqtt % 16, 8u, "a block after a char: 8 mod 16");
    }
    /* memory_ptr / memory_size: NULL, NetX Duo's 1024 bytes, garbage: all ignored. */
    memset(small, FILL, sizeof small);
    void *const mem[N_PLAIN + N_ODD] = {NX_NULL, small, (void *)(uintptr_t)0x1, small, (void *)(uintptr_t)-1};
    const ULONG size[N_PLAIN + N_ODD] = {0, sizeof small, 0xFFFFFFFFu, sizeof small, 17};
    for (unsigned i = 0; i < N_PLAIN + N_ODD; i++) {
        char name[16];
        snprintf(name, sizeof name, "c%u", i);
        TU_REQUIRE_EQ(start(all[i], name, mem[i], size[i]), NXD_MQTT_SUCCESS, "create + connect + subscribe");
    }
    TU_CHECK(all_bytes(small, sizeof small, FILL), "the 1024 bytes given to create are untouched");
    TU_CHECK_EQ(threads(), N_PLAIN + N_ODD, "one MQTT thread each");
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, N_PLAIN + N_ODD, "a socket each");
    for (unsigned i = 0; i < N_PLAIN + N_ODD; i++) {
        check_message(all[i], all[i], 10 + i, "own message");
        check_message(all[i], all[(i + 1) % (N_PLAIN + N_ODD)], 20 + i, "to the next client");
    }
    for (unsigned i = 0; i < N_PLAIN + N_ODD; i++)
        TU_CHECK_EQ(all[i]->notifies, 2u, "no message went to the wrong client");

    tu_section("a block created again without delete");
    TU_REQUIRE_EQ(restart(&odd[0].cl, "re"), NXD_MQTT_SUCCESS, "create again + connect");
    TU_CHECK_EQ(threads(), N_PLAIN + N_ODD, "the old client ended");
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, N_PLAIN + N_ODD, "its socket too");
    check_message(&plain[0], &odd[0].cl, 30, "the new client works");

    tu_section("a callback creating its own block again is refused");
    plain[1].create_in_callback = 1;
    TU_CHECK(poke(&plain[1]), "the callback ran");
    TU_CHECK_EQ(plain[1].callback_status, NXD_MQTT_INTERNAL_ERROR, "create from the block's own callback");
    plain[1].create_in_callback = 0;
    {
        UCHAR t[160], m[16];
        UINT tl = 0, ml = 0;
        TU_CHECK_EQ(nxd_mqtt_client_message_get(&plain[1].mqtt, t, sizeof t, &tl, m, sizeof m, &ml), NXD_MQTT_SUCCESS,
                    "the message that ran the callback is queued");
    }
    TU_CHECK_EQ(threads(), N_PLAIN + N_ODD, "nothing created or ended");
    check_message(&plain[1], &plain[2], 31, "the client still works");

    tu_section("delete from the client's own callback, then its block created again");
    plain[0].delete_in_callback = 1;
    TU_CHECK(poke(&plain[0]), "the callback ran");
    TU_CHECK_EQ(plain[0].callback_status, NXD_MQTT_SUCCESS, "delete inside the callback returned SUCCESS");
    tu_sleep_ms(200);
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, N_PLAIN + N_ODD - 1, "its socket is deleted");
    TU_CHECK_EQ(threads(), N_PLAIN + N_ODD, "its ended thread waits to be deleted");
    TU_REQUIRE_EQ(restart(&plain[0], "after-cb"), NXD_MQTT_SUCCESS, "the same block created again (as it is)");
    TU_CHECK_EQ(threads(), N_PLAIN + N_ODD, "the old thread was deleted first");
    check_message(&plain[0], &plain[1], 32, "the new client works");
    check_message(&odd[1].cl, &plain[0], 33, "and receives");

    tu_section("the end: every pool packet back, no ThreadX / NetX object left");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&plain[2].mqtt), NXD_MQTT_SUCCESS, "disconnect one");
    for (unsigned i = 0; i < N_PLAIN + N_ODD; i++)
        TU_CHECK_EQ(nxd_mqtt_client_delete(&all[i]->mqtt), NXD_MQTT_SUCCESS, "delete (connected or not)");
    TU_CHECK_EQ(nxd_mqtt_client_publish(&plain[1].mqtt, plain[1].topic, 1, (CHAR *)"x", 1, 0, 0, 1),
                NXD_MQTT_NOT_CONNECTED, "a deleted client is gone");
    memset(odd, 0xFF, sizeof odd); /* the application reuses the blocks' memory */
    tu_sleep_ms(100);
    TU_CHECK_EQ(pool.nx_packet_pool_available, total, "pool complete");
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, 0, "no socket left");
    TU_CHECK_EQ(threads(), 0, "no thread left");
    TU_CHECK_EQ(tx_standin_created_count(TX_MUTEX_ID), 0, "no mutex left");
    TU_CHECK_EQ(tx_standin_created_count(TX_EVENT_FLAGS_ID), 0, "no event group left");
    return tu_end();
}
