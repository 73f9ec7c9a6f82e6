/* The NetX port built with NXD_MQTT_CLOUD_ENABLE (the configuration NetX Duo's Azure IoT
 * middleware requires), against a real mosquitto, with the stand-in's cloud helper:
 *
 * - _nxd_mqtt_client_cloud_create's checks: NULL client, IP, pool or helper, a helper or an
 *   IP instance that was not created: NX_PTR_ERROR, the block untouched;
 * - two clients on the application's helper, which also runs a module of the application's
 *   (the middleware's way): nxd_mqtt_client_mutex_ptr is the helper's mutex, the receive
 *   notify runs on the helper's thread, QoS 0/1/2 round trips between the two clients, a
 *   QoS 1 publish and a message_get made by the application's module on the helper's thread;
 * - keep-alive 1 s with nothing else to do: the client's timer sends the PINGREQs in time
 *   (mosquitto would close the connection after 1.5 s without them);
 * - a client deleted from its own receive notify on the helper's thread, its block created
 *   again from the test thread and connected;
 * - delete deregisters the client's module: the application's helper then counts its own
 *   module only, and deletes once that is deregistered;
 * - nxd_mqtt_client_create makes the client's own helper ("Cloud Helper", on create's stack
 *   and priority): it connects and round-trips, and delete removes the helper's thread,
 *   mutex, event group and timer;
 * - at the end every pool packet is back and no ThreadX object is left.
 */
#include "tx_api.h"
#include "nx_api.h"
#include "nx_cloud.h"
#include "nxd_mqtt_client.h"
#include "tu.h"

#include <stdio.h>
#include <string.h>

#define PRIORITY 7

static NX_IP ip;
static NX_PACKET_POOL pool;
static ULONG pool_memory[256 * (1536 + sizeof(NX_PACKET) + 16) / sizeof(ULONG)];
static tu_broker broker;

static NX_CLOUD cloud;
static ULONG cloud_stack[16384 / sizeof(ULONG)];

typedef struct client {
    NXD_MQTT_CLIENT mqtt;
    ULONG stack[16384 / sizeof(ULONG)];
    char id[96];
    volatile unsigned notifies;
    volatile unsigned on_helper_thread; /* notifies that ran on the application helper's thread */
    volatile unsigned disconnects;
    volatile int delete_in_notify;      /* the receive notify deletes its own client */
    volatile UINT delete_status;
} client;

static client a, b, c;

static client *client_of(NXD_MQTT_CLIENT *m)
{
    return (client *)(void *)m; /* mqtt is the first member */
}

static void on_receive(NXD_MQTT_CLIENT *m, UINT count)
{
    (void)count;
    client *me = client_of(m);
    if (tx_thread_identify() == &cloud.nx_cloud_thread)
        __atomic_add_fetch(&me->on_helper_thread, 1, __ATOMIC_SEQ_CST);
    if (me->delete_in_notify) {
        me->delete_in_notify = 0;
        me->delete_status = nxd_mqtt_client_delete(m);
    }
    __atomic_add_fetch(&me->notifies, 1, __ATOMIC_SEQ_CST);
}

static void on_disconnect(NXD_MQTT_CLIENT *m)
{
    __atomic_add_fetch(&client_of(m)->disconnects, 1, __ATOMIC_SEQ_CST);
}

/* The application's own module on the helper (as the Azure IoT middleware registers one):
 * on its event it publishes with client a and takes a message from client b, on the
 * helper's thread. */
#define APP_EVENT NX_CLOUD_MODULE_AZURE_SDK_EVENT
#define APP_PUBLISH 1u /* module events */
#define APP_GET 2u
static NX_CLOUD_MODULE app_module;
static volatile unsigned app_runs, app_periodic;
static volatile UINT app_publish_status = 0xFFFF, app_get_status = 0xFFFF;
static volatile int app_on_helper;
static UCHAR app_topic[128], app_payload[128];
static volatile UINT app_topic_len, app_payload_len;
static const char *topic_ab;

static void app_process(VOID *context, ULONG common_events, ULONG own_events)
{
    (void)context;
    if (common_events & NX_CLOUD_COMMON_PERIODIC_EVENT)
        __atomic_add_fetch(&app_periodic, 1, __ATOMIC_SEQ_CST);
    if (!(own_events & (APP_PUBLISH | APP_GET)))
        return;
    app_on_helper = tx_thread_identify() == &cloud.nx_cloud_thread;
    if (own_events & APP_PUBLISH)
        app_publish_status = nxd_mqtt_client_publish(&a.mqtt, (CHAR *)topic_ab, (UINT)strlen(topic_ab),
                                                     (CHAR *)"from the module", 15, 0, 1, 5 * NX_IP_PERIODIC_RATE);
    if (own_events & APP_GET) {
        UINT tl = 0, pl = 0;
        app_get_status = nxd_mqtt_client_message_get(&b.mqtt, app_topic, sizeof app_topic, &tl, app_payload,
                                                     sizeof app_payload, &pl);
        app_topic_len = tl;
        app_payload_len = pl;
    }
    __atomic_add_fetch(&app_runs, 1, __ATOMIC_SEQ_CST);
}

static UINT connect(client *cl, UINT keepalive)
{
    nxd_mqtt_client_receive_notify_set(&cl->mqtt, on_receive);
    nxd_mqtt_client_disconnect_notify_set(&cl->mqtt, on_disconnect);
    NXD_ADDRESS addr;
    tu_addr_v4_loopback(&addr);
    return nxd_mqtt_client_connect(&cl->mqtt, &addr, broker.port, keepalive, NX_TRUE, 5 * NX_IP_PERIODIC_RATE);
}

static UINT cloud_create(client *cl, const char *suffix)
{
    memset(cl, 0, sizeof *cl);
    snprintf(cl->id, sizeof cl->id, "%s", tu_name(suffix));
    return _nxd_mqtt_client_cloud_create(&cl->mqtt, (CHAR *)"cloud client", cl->id, (UINT)strlen(cl->id), &ip,
                                         &pool, &cloud);
}

/* Takes one message from b (waits for its notify count first) and checks it. */
static void expect_message(client *cl, unsigned notifies, const char *topic, const char *payload, const char *what)
{
    TU_CHECK(tu_wait_count(&cl->notifies, notifies, 10000), "%s: received", what);
    UCHAR t[128], p[128];
    UINT tl = 0, pl = 0;
    UINT s = nxd_mqtt_client_message_get(&cl->mqtt, t, sizeof t, &tl, p, sizeof p, &pl);
    TU_CHECK(s == NXD_MQTT_SUCCESS && tl == strlen(topic) && memcmp(t, topic, tl) == 0 && pl == strlen(payload) &&
                 memcmp(p, payload, pl) == 0,
             "%s: message_get returns it (0x%x: %u bytes \"%.*s\")", what, s, pl, (int)(pl < sizeof p ? pl : 0), p);
}

int main(void)
{
    tu_begin("netx_cloud", 100);
    tu_broker_load(&broker);
    TU_REQUIRE_EQ(nx_packet_pool_create(&pool, "pool", 1536, pool_memory, sizeof pool_memory), NX_SUCCESS, "pool");
    TU_REQUIRE_EQ(nx_ip_create(&ip, "ip", IP_ADDRESS(127, 0, 0, 1), 0xFF000000UL, &pool, NX_NULL, NX_NULL, 0, 1),
                  NX_SUCCESS, "IP instance");
    TU_REQUIRE_EQ(nx_tcp_enable(&ip), NX_SUCCESS, "TCP");
    UINT threads0 = tx_standin_created_count(TX_THREAD_ID), mutexes0 = tx_standin_created_count(TX_MUTEX_ID);
    UINT groups0 = tx_standin_created_count(TX_EVENT_FLAGS_ID), timers0 = tx_standin_created_count(TX_TIMER_ID);
    topic_ab = tu_name("ab");

    tu_section("_nxd_mqtt_client_cloud_create checks its arguments");
    {
        static NX_CLOUD not_created;
        static NX_IP ip_not_created;
        CHAR id[] = "x";
        memset(&a, 0xA5, sizeof a);
        TU_CHECK_EQ(_nxd_mqtt_client_cloud_create(&a.mqtt, id, id, 1, &ip, &pool, &not_created), NX_PTR_ERROR,
                    "helper not created");
        TU_CHECK_EQ(((UCHAR *)&a.mqtt)[0], 0xA5, "the block is untouched");
        TU_CHECK_EQ(_nxd_mqtt_client_cloud_create(NX_NULL, id, id, 1, &ip, &pool, &cloud), NX_PTR_ERROR, "NULL client");
        TU_CHECK_EQ(_nxd_mqtt_client_cloud_create(&a.mqtt, id, id, 1, NX_NULL, &pool, &cloud), NX_PTR_ERROR, "NULL IP");
        TU_CHECK_EQ(_nxd_mqtt_client_cloud_create(&a.mqtt, id, id, 1, &ip_not_created, &pool, &cloud), NX_PTR_ERROR,
                    "IP not created");
        TU_CHECK_EQ(_nxd_mqtt_client_cloud_create(&a.mqtt, id, id, 1, &ip, NX_NULL, &cloud), NX_PTR_ERROR, "NULL pool");
        TU_CHECK_EQ(_nxd_mqtt_client_cloud_create(&a.mqtt, id, id, 1, &ip, &pool, NX_NULL), NX_PTR_ERROR, "NULL helper");
    }

    tu_section("two clients on the application's cloud helper, with a module of the application's");
    TU_REQUIRE_EQ(nx_cloud_create(&cloud, "app cloud", cloud_stack, sizeof cloud_stack, PRIORITY), NX_SUCCESS,
                  "nx_cloud_create");
    TU_REQUIRE_EQ(nx_cloud_module_register(&cloud, &app_module, "app", APP_EVENT | NX_CLOUD_COMMON_PERIODIC_EVENT,
                                           app_process, NX_NULL),
                  NX_SUCCESS, "the application's module");
    TU_REQUIRE_EQ(cloud_create(&a, "a"), NXD_MQTT_SUCCESS, "cloud_create a");
    TU_REQUIRE_EQ(cloud_create(&b, "b"), NXD_MQTT_SUCCESS, "cloud_create b");
    TU_CHECK_EQ(cloud.nx_cloud_modules_count, 3, "the helper has the application's module and two clients");
    TU_CHECK(a.mqtt.nxd_mqtt_client_mutex_ptr == &cloud.nx_cloud_mutex, "a's mutex is the helper's");
    TU_CHECK(b.mqtt.nxd_mqtt_client_mutex_ptr == &cloud.nx_cloud_mutex, "b's mutex is the helper's");
    TU_CHECK_EQ(tx_standin_created_count(TX_THREAD_ID), threads0 + 1, "no thread besides the helper's");
    TU_CHECK_EQ(a.mqtt.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_IDLE, "a is idle");
    TU_REQUIRE_EQ(connect(&a, 30), NXD_MQTT_SUCCESS, "connect a");
    TU_REQUIRE_EQ(connect(&b, 30), NXD_MQTT_SUCCESS, "connect b");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&b.mqtt, (CHAR *)topic_ab, (UINT)strlen(topic_ab), 2), NXD_MQTT_SUCCESS,
                "b subscribes (QoS 2)");
    tu_sleep_ms(200);
    for (UINT qos = 0; qos <= 2; qos++) {
        char payload[32], what[32];
        snprintf(payload, sizeof payload, "qos %u", qos);
        snprintf(what, sizeof what, "QoS %u", qos);
        UINT s = nxd_mqtt_client_publish(&a.mqtt, (CHAR *)topic_ab, (UINT)strlen(topic_ab), payload,
                                         (UINT)strlen(payload), 0, qos, 5 * NX_IP_PERIODIC_RATE);
        TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, what);
        expect_message(&b, qos + 1, topic_ab, payload, what);
    }
    TU_CHECK_EQ(b.on_helper_thread, b.notifies, "every receive notify ran on the helper's thread");

    tu_section("the application's module publishes and takes a message on the helper's thread");
    TU_CHECK_EQ(nx_cloud_module_event_set(&app_module, APP_PUBLISH), NX_SUCCESS, "raise the module's publish event");
    TU_CHECK(tu_wait_count(&app_runs, 1, 10000), "the module ran");
    TU_CHECK(app_on_helper, "on the helper's thread");
    TU_CHECK_EQ(app_publish_status, NXD_MQTT_SUCCESS, "its QoS 1 publish (waiting for room on the helper's thread)");
    TU_CHECK(tu_wait_count(&b.notifies, 4, 10000), "b received it");
    TU_CHECK_EQ(nx_cloud_module_event_set(&app_module, APP_GET), NX_SUCCESS, "raise the module's get event");
    TU_CHECK(tu_wait_count(&app_runs, 2, 10000), "the module ran again");
    TU_CHECK(app_get_status == NXD_MQTT_SUCCESS && app_payload_len == 15 &&
                 memcmp(app_payload, "from the module", 15) == 0,
             "the module's message_get took the message (0x%x)", app_get_status);
    TU_CHECK(tu_wait_count(&app_periodic, 1, 3000), "the helper's periodic event reaches the module");

    tu_sleep_ms(300);
    TU_CHECK_EQ(b.notifies, 4, "b received the module's message once");

    tu_section("keep-alive 1 s on the helper: PINGREQs go out in time");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect a");
    TU_REQUIRE_EQ(connect(&a, 1), NXD_MQTT_SUCCESS, "connect a with keep-alive 1 s");
    tu_sleep_ms(300);
    TU_CHECK_EQ(b.notifies, 4, "nothing is sent again after a's new connection (clean session)");
    unsigned before = a.disconnects;
    tu_sleep_ms(4500);
    TU_CHECK_EQ(a.disconnects, before, "no disconnect after 4.5 s idle");
    TU_CHECK_EQ(a.mqtt.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_CONNECTED, "a is still connected");
    TU_CHECK_EQ(nxd_mqtt_client_publish(&a.mqtt, (CHAR *)topic_ab, (UINT)strlen(topic_ab), (CHAR *)"alive", 5, 0, 1,
                                        5 * NX_IP_PERIODIC_RATE),
                NXD_MQTT_SUCCESS, "a publishes after the idle time");
    expect_message(&b, 5, topic_ab, "alive", "the message after the idle time");

    tu_section("a client deleted from its own receive notify on the helper's thread");
    const char *topic_c = tu_name("c");
    TU_REQUIRE_EQ(cloud_create(&c, "c"), NXD_MQTT_SUCCESS, "cloud_create c");
    TU_REQUIRE_EQ(connect(&c, 30), NXD_MQTT_SUCCESS, "connect c");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&c.mqtt, (CHAR *)topic_c, (UINT)strlen(topic_c), 1), NXD_MQTT_SUCCESS,
                "c subscribes");
    tu_sleep_ms(200);
    c.delete_in_notify = 1;
    TU_CHECK_EQ(nxd_mqtt_client_publish(&a.mqtt, (CHAR *)topic_c, (UINT)strlen(topic_c), (CHAR *)"bye", 3, 0, 1,
                                        5 * NX_IP_PERIODIC_RATE),
                NXD_MQTT_SUCCESS, "a publishes to c");
    TU_CHECK(tu_wait_count(&c.notifies, 1, 10000), "c's notify ran");
    TU_CHECK_EQ(c.delete_status, NXD_MQTT_SUCCESS, "delete from the notify");
    tu_sleep_ms(100);
    TU_CHECK_EQ(cloud.nx_cloud_modules_count, 3, "c's module is deregistered");
    TU_REQUIRE_EQ(cloud_create(&c, "c2"), NXD_MQTT_SUCCESS, "c's block created again from the test thread");
    TU_CHECK_EQ(connect(&c, 30), NXD_MQTT_SUCCESS, "and connected");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&c.mqtt), NXD_MQTT_SUCCESS, "delete c");

    tu_section("delete deregisters the clients; the helper is the application's again");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect a");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&a.mqtt), NXD_MQTT_SUCCESS, "delete a");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&b.mqtt), NXD_MQTT_SUCCESS, "delete b (connected)");
    TU_CHECK_EQ(cloud.nx_cloud_modules_count, 1, "only the application's module is left");
    TU_CHECK_EQ(nx_cloud_module_deregister(&cloud, &app_module), NX_SUCCESS, "deregister the application's module");
    TU_CHECK_EQ(nx_cloud_delete(&cloud), NX_SUCCESS, "nx_cloud_delete");

    tu_section("create makes the client's own cloud helper");
    memset(&a, 0, sizeof a);
    snprintf(a.id, sizeof a.id, "%s", tu_name("own"));
    TU_REQUIRE_EQ(nxd_mqtt_client_create(&a.mqtt, "own helper client", a.id, (UINT)strlen(a.id), &ip, &pool, a.stack,
                                         sizeof a.stack, PRIORITY, NX_NULL, 0),
                  NXD_MQTT_SUCCESS, "create");
    TU_CHECK_EQ(tx_standin_created_count(TX_THREAD_ID), threads0 + 1, "one thread: the client's helper");
    TU_CHECK(a.mqtt.nxd_mqtt_client_mutex_ptr != NX_NULL &&
                 strcmp(a.mqtt.nxd_mqtt_client_mutex_ptr->tx_mutex_name, "Cloud Helper") == 0,
             "the client's mutex is its helper's (\"Cloud Helper\")");
    TU_REQUIRE_EQ(connect(&a, 30), NXD_MQTT_SUCCESS, "connect");
    const char *topic_own = tu_name("own");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, (CHAR *)topic_own, (UINT)strlen(topic_own), 1), NXD_MQTT_SUCCESS,
                "subscribe");
    tu_sleep_ms(200);
    TU_CHECK_EQ(nxd_mqtt_client_publish(&a.mqtt, (CHAR *)topic_own, (UINT)strlen(topic_own), (CHAR *)"self", 4, 0, 1,
                                        5 * NX_IP_PERIODIC_RATE),
                NXD_MQTT_SUCCESS, "publish to itself");
    expect_message(&a, 1, topic_own, "self", "round trip on its own helper");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&a.mqtt), NXD_MQTT_SUCCESS, "delete (connected)");

    tu_section("nothing left behind");
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, 0, "no socket");
    TU_CHECK_EQ(pool.nx_packet_pool_available, pool.nx_packet_pool_total, "every pool packet is back");
    TU_CHECK_EQ(tx_standin_created_count(TX_THREAD_ID), threads0, "threads");
    TU_CHECK_EQ(tx_standin_created_count(TX_MUTEX_ID), mutexes0, "mutexes");
    TU_CHECK_EQ(tx_standin_created_count(TX_EVENT_FLAGS_ID), groups0, "event groups");
    TU_CHECK_EQ(tx_standin_created_count(TX_TIMER_ID), timers0, "timers");
    return tu_end();
}
