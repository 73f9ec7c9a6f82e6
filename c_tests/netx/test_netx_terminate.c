/* Terminating or deleting the MQTT thread from another thread, as a test control file, a
 * watchdog or an application may (NetX Duo's own test control file terminates and deletes every
 * thread after each test, with the client still connected):
 *
 * - tx_thread_terminate of the MQTT thread of a connected client returns, the process goes on
 *   (the stand-in ends the thread with pthread_exit, a forced unwind through the library's
 *   frames, as ThreadX's Linux port does), and nxd_mqtt_client_delete afterwards returns
 *   NXD_MQTT_SUCCESS and releases everything: every pool packet back, no socket left;
 * - the same after tx_thread_terminate + tx_thread_delete (what the control file does);
 * - the same while the MQTT thread waits inside the application's receive notify, holding the
 *   client lock: other API calls still return and delete still releases everything;
 * - afterwards a new client on the same control block connects and round-trips a message.
 */
#include "tx_api.h"
#include "nx_api.h"
#include "nxd_mqtt_client.h"
#include "tu.h"

#include <stdio.h>
#include <string.h>

#define PRIORITY 7

static NX_IP ip;
static NX_PACKET_POOL pool;
static ULONG pool_memory[256 * (1536 + sizeof(NX_PACKET) + 16) / sizeof(ULONG)];
static tu_broker broker;

typedef struct client {
    NXD_MQTT_CLIENT mqtt;
    ULONG stack[8192 / sizeof(ULONG)];
    char id[96];
    TX_THREAD *volatile mqtt_thread;
    volatile unsigned notifies;
    volatile int block_in_notify; /* the receive notify sleeps until terminated */
    volatile int in_notify;
} client;

static client *client_of(NXD_MQTT_CLIENT *c)
{
    return (client *)(void *)c; /* mqtt is the first member */
}

static void on_receive(NXD_MQTT_CLIENT *c, UINT count)
{
    (void)count;
    client *me = client_of(c);
    me->mqtt_thread = tx_thread_identify();
    __atomic_add_fetch(&me->notifies, 1, __ATOMIC_SEQ_CST);
    if (me->block_in_notify) {
        __atomic_store_n(&me->in_notify, 1, __ATOMIC_SEQ_CST);
        for (;;)
            tx_thread_sleep(1); /* a blocking call: the terminate takes effect here */
    }
}

/* Creates and connects c, subscribes to topic and round-trips one message (which tells the
 * MQTT thread's identity). Returns 1 on success. */
static int start(client *c, const char *suffix, const char *topic)
{
    memset(c, 0, sizeof *c);
    snprintf(c->id, sizeof c->id, "%s", tu_name(suffix));
    UINT s = nxd_mqtt_client_create(&c->mqtt, "terminate test client", c->id, (UINT)strlen(c->id), &ip, &pool,
                                    c->stack, sizeof c->stack, PRIORITY, NX_NULL, 0);
    if (!TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, "create"))
        return 0;
    nxd_mqtt_client_receive_notify_set(&c->mqtt, on_receive);
    NXD_ADDRESS a;
    tu_addr_v4_loopback(&a);
    s = nxd_mqtt_client_connect(&c->mqtt, &a, broker.port, 30, NX_TRUE, 5 * NX_IP_PERIODIC_RATE);
    if (!TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, "connect"))
        return 0;
    s = nxd_mqtt_client_subscribe(&c->mqtt, (CHAR *)topic, (UINT)strlen(topic), 1);
    if (!TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, "subscribe"))
        return 0;
    tu_sleep_ms(200);
    s = nxd_mqtt_client_publish(&c->mqtt, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)"hello", 5, 0, 1,
                                5 * NX_IP_PERIODIC_RATE);
    if (!TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, "publish"))
        return 0;
    return TU_CHECK(tu_wait_count(&c->notifies, 1, 10000), "the message came back (receive notify)") &&
           TU_CHECK(c->mqtt_thread != NULL, "the receive notify runs on the MQTT thread");
}

static void check_released(const char *what)
{
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, 0, what);
    TU_CHECK_EQ(pool.nx_packet_pool_available, pool.nx_packet_pool_total, "every pool packet is back");
}

int main(void)
{
    tu_begin("netx_terminate", 80);
    tu_broker_load(&broker);
    TU_REQUIRE_EQ(nx_packet_pool_create(&pool, "pool", 1536, pool_memory, sizeof pool_memory), NX_SUCCESS, "pool");
    TU_REQUIRE_EQ(nx_ip_create(&ip, "ip", IP_ADDRESS(127, 0, 0, 1), 0xFF000000UL, &pool, NX_NULL, NX_NULL, 0, 1),
                  NX_SUCCESS, "IP instance");
    TU_REQUIRE_EQ(nx_tcp_enable(&ip), NX_SUCCESS, "TCP");
    static client c;
    const char *topic = tu_name("term");

    tu_section("terminate the MQTT thread of a connected client, then delete the client");
    TU_REQUIRE(start(&c, "t1", topic), "client 1 running");
    TU_CHECK_EQ(tx_thread_terminate(c.mqtt_thread), TX_SUCCESS, "tx_thread_terminate");
    TU_CHECK_EQ(c.mqtt_thread->tx_thread_state, TX_TERMINATED, "the MQTT thread is terminated");
    TU_CHECK_EQ(c.mqtt.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_CONNECTED, "the client still says connected");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&c.mqtt), NXD_MQTT_SUCCESS, "delete afterwards");
    check_released("delete released the socket");

    tu_section("terminate and delete the MQTT thread (as NetX Duo's test control file), then delete the client");
    TU_REQUIRE(start(&c, "t2", topic), "client 2 running");
    TU_CHECK_EQ(tx_thread_terminate(c.mqtt_thread), TX_SUCCESS, "tx_thread_terminate");
    TU_CHECK_EQ(tx_thread_delete(c.mqtt_thread), TX_SUCCESS, "tx_thread_delete");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&c.mqtt), NXD_MQTT_SUCCESS, "delete afterwards");
    check_released("delete released the socket");

    tu_section("terminate the MQTT thread while it waits in the receive notify (client lock held)");
    TU_REQUIRE(start(&c, "t3", topic), "client 3 running");
    c.block_in_notify = 1;
    UINT s = nxd_mqtt_client_publish(&c.mqtt, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)"again", 5, 0, 0,
                                     5 * NX_IP_PERIODIC_RATE);
    TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, "publish (QoS 0, sent before the notify blocks)");
    TU_REQUIRE(tu_wait_count(&c.notifies, 2, 10000), "the MQTT thread is in the receive notify");
    TU_CHECK_EQ(tx_thread_terminate(c.mqtt_thread), TX_SUCCESS, "tx_thread_terminate");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&c.mqtt, (CHAR *)topic, (UINT)strlen(topic), 0), NXD_MQTT_SUCCESS,
                "another thread's API call goes through (the lock was released with the thread)");
    UCHAR t[64], m[64];
    UINT tl = 0, ml = 0;
    s = nxd_mqtt_client_message_get(&c.mqtt, t, sizeof t, &tl, m, sizeof m, &ml);
    TU_CHECK(s == NXD_MQTT_SUCCESS && ml == 5, "message_get returns a queued message (0x%x)", s);
    TU_CHECK_EQ(nxd_mqtt_client_delete(&c.mqtt), NXD_MQTT_SUCCESS, "delete afterwards");
    check_released("delete released the socket");

    tu_section("the same control block works again");
    TU_CHECK(start(&c, "t4", topic), "client 4 connects, subscribes and round-trips a message");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&c.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&c.mqtt), NXD_MQTT_SUCCESS, "delete");
    check_released("everything released");
    return tu_end();
}
