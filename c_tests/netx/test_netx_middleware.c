/* The NetX port used the way NetX Duo's Azure IoT middleware uses the original client (spec
 * §5 "fields with externally relied-upon semantics", §7.16), against a real mosquitto:
 *
 * - its receive notify takes the client mutex (nxd_mqtt_client_mutex_ptr), walks the receive
 *   queue itself (message_receive_queue_head through nx_packet_queue_next, each packet at a
 *   PUBLISH fixed header, parsed with _nxd_mqtt_process_publish_packet), releases every packet
 *   and resets head, tail and depth;
 * - it builds its own PUBLISH packets (_nxd_mqtt_client_packet_allocate,
 *   _nxd_mqtt_client_set_fixed_header, _nxd_mqtt_client_append_message), takes the packet id
 *   from nxd_mqtt_client_packet_identifier under the mutex and advances it, and sends them with
 *   _nxd_mqtt_client_publish_packet_send; the broker's PUBACK reaches the ack notify with that
 *   id and the messages come back through the queue;
 * - _nxd_mqtt_client_sub_unsub reports the id it used; after all that the public API
 *   (publish, message_get) still works on the same queue;
 * - the raw packet-receive hook (nxd_mqtt_packet_receive_notify, assigned directly) sees the
 *   received segments with its context; NX_FALSE lets the library process them, NX_TRUE means
 *   it took (and released) them, so that message never reaches the queue;
 * - _nxd_mqtt_client_connection_end ends the connection without any notify;
 * - after delete every pool packet is back.
 */
#include "tx_api.h"
#include "nx_api.h"
#include "nxd_mqtt_client.h"
#include "tu.h"

#include <stdio.h>
#include <string.h>

#define PRIORITY 7
#define MESSAGES 5

static NX_IP ip;
static NX_PACKET_POOL pool;
static ULONG pool_memory[256 * (1536 + sizeof(NX_PACKET) + 16) / sizeof(ULONG)];
static tu_broker broker;
static NXD_MQTT_CLIENT client;
static ULONG stack[8192 / sizeof(ULONG)];

static volatile unsigned drained, notify_calls, bad_packets, depth_seen, acks, disconnects;
static volatile unsigned acked_id;
static char last_payload[64];

static void on_receive(NXD_MQTT_CLIENT *c, UINT count)
{
    (void)count;
    if (tx_mutex_get(c->nxd_mqtt_client_mutex_ptr, NX_WAIT_FOREVER) != TX_SUCCESS) {
        bad_packets++;
        return;
    }
    notify_calls++;
    depth_seen = c->message_receive_queue_depth;
    NX_PACKET *p = c->message_receive_queue_head;
    while (p != NX_NULL) {
        NX_PACKET *next = p->nx_packet_queue_next;
        ULONG topic_offset = 0, message_offset = 0, message_length = 0;
        USHORT topic_length = 0;
        if (_nxd_mqtt_process_publish_packet(p, &topic_offset, &topic_length, &message_offset, &message_length) ==
                NXD_MQTT_SUCCESS &&
            message_length < sizeof last_payload) {
            ULONG got = 0;
            memset(last_payload, 0, sizeof last_payload);
            nx_packet_data_extract_offset(p, message_offset, last_payload, message_length, &got);
            if (got != message_length)
                bad_packets++;
            drained++;
        } else {
            bad_packets++;
        }
        nx_packet_release(p);
        p = next;
    }
    c->message_receive_queue_head = NX_NULL;
    c->message_receive_queue_tail = NX_NULL;
    c->message_receive_queue_depth = 0;
    tx_mutex_put(c->nxd_mqtt_client_mutex_ptr);
}

static void on_ack(NXD_MQTT_CLIENT *c, UINT type, USHORT id, NX_PACKET *packet, VOID *context)
{
    (void)c;
    (void)packet;
    (void)context;
    if (type == 4) {
        acked_id = id;
        acks++;
    }
}

static void on_disconnect(NXD_MQTT_CLIENT *c)
{
    (void)c;
    disconnects++;
}

static volatile unsigned hook_calls, hook_taken, hook_bad_context;
static volatile int hook_take;
static int hook_context_value;

static UINT raw_hook(NXD_MQTT_CLIENT *c, NX_PACKET *packet, VOID *context)
{
    (void)c;
    if (context != &hook_context_value)
        hook_bad_context++;
    hook_calls++;
    if (!hook_take)
        return NX_FALSE;
    hook_taken++;
    nx_packet_release(packet);
    return NX_TRUE;
}

/* message_get within ms; returns its status. */
static UINT get_within(UCHAR *t, UINT *tlen, UCHAR *m, UINT *mlen, unsigned ms)
{
    UINT s = NXD_MQTT_NO_MESSAGE;
    for (unsigned i = 0; i < ms / 10 && s == NXD_MQTT_NO_MESSAGE; i++) {
        s = nxd_mqtt_client_message_get(&client, t, 64, tlen, m, 64, mlen);
        if (s == NXD_MQTT_NO_MESSAGE)
            tu_sleep_ms(10);
    }
    return s;
}

/* A QoS 1 PUBLISH built the middleware's way; returns its packet id (0 on failure). */
static USHORT send_built(const char *topic, const char *payload)
{
    USHORT id;
    tx_mutex_get(client.nxd_mqtt_client_mutex_ptr, NX_WAIT_FOREVER);
    id = (USHORT)client.nxd_mqtt_client_packet_identifier;
    client.nxd_mqtt_client_packet_identifier = (client.nxd_mqtt_client_packet_identifier + 1) & 0xFFFF;
    if (client.nxd_mqtt_client_packet_identifier == 0)
        client.nxd_mqtt_client_packet_identifier = 1;
    tx_mutex_put(client.nxd_mqtt_client_mutex_ptr);

    NX_PACKET *p = NX_NULL;
    UINT s = _nxd_mqtt_client_packet_allocate(&client, &p, NX_WAIT_FOREVER);
    if (!TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, "_nxd_mqtt_client_packet_allocate"))
        return 0;
    UINT tl = (UINT)strlen(topic), pl = (UINT)strlen(payload);
    UCHAR id_bytes[2] = {(UCHAR)(id >> 8), (UCHAR)id};
    s = _nxd_mqtt_client_set_fixed_header(&client, p, 0x32, 2 + tl + 2 + pl, NX_WAIT_FOREVER);
    if (s == NX_SUCCESS)
        s = _nxd_mqtt_client_append_message(&client, p, (CHAR *)topic, tl, NX_WAIT_FOREVER);
    if (s == NX_SUCCESS)
        s = nx_packet_data_append(p, id_bytes, 2, &pool, NX_WAIT_FOREVER);
    if (s == NX_SUCCESS)
        s = nx_packet_data_append(p, (VOID *)payload, pl, &pool, NX_WAIT_FOREVER);
    if (!TU_CHECK_EQ(s, NX_SUCCESS, "PUBLISH built with the helpers")) {
        nx_packet_release(p);
        return 0;
    }
    s = _nxd_mqtt_client_publish_packet_send(&client, p, id, 1, 5 * NX_IP_PERIODIC_RATE);
    if (!TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, "_nxd_mqtt_client_publish_packet_send")) {
        nx_packet_release(p);
        return 0;
    }
    return id;
}

int main(void)
{
    tu_begin("netx_middleware", 80);
    tu_broker_load(&broker);
    TU_REQUIRE_EQ(nx_packet_pool_create(&pool, "pool", 1536, pool_memory, sizeof pool_memory), NX_SUCCESS, "pool");
    TU_REQUIRE_EQ(nx_ip_create(&ip, "ip", IP_ADDRESS(127, 0, 0, 1), 0xFF000000UL, &pool, NX_NULL, NX_NULL, 0, 1),
                  NX_SUCCESS, "IP instance");
    TU_REQUIRE_EQ(nx_tcp_enable(&ip), NX_SUCCESS, "TCP");
    const char *topic = tu_name("mw");
    const char *id = tu_name("mw-client");

    tu_section("the control block's members");
    TU_REQUIRE_EQ(nxd_mqtt_client_create(&client, "mw client", (CHAR *)id, (UINT)strlen(id), &ip, &pool, stack,
                                         sizeof stack, PRIORITY, NX_NULL, 0),
                  NXD_MQTT_SUCCESS, "create");
    TU_CHECK(client.nxd_mqtt_client_mutex_ptr != NX_NULL, "nxd_mqtt_client_mutex_ptr set");
    TU_CHECK(client.nxd_mqtt_client_ip_ptr == &ip && client.nxd_mqtt_client_packet_pool_ptr == &pool,
             "ip and pool members");
    TU_CHECK(client.message_receive_queue_head == NX_NULL && client.message_receive_queue_depth == 0,
             "empty receive queue");
    TU_CHECK_EQ(tx_mutex_get(client.nxd_mqtt_client_mutex_ptr, NX_NO_WAIT), TX_SUCCESS,
                "the mutex is a real ThreadX mutex");
    TU_CHECK_EQ(tx_mutex_get(client.nxd_mqtt_client_mutex_ptr, NX_NO_WAIT), TX_SUCCESS, "recursive for its owner");
    TU_CHECK_EQ(nxd_mqtt_client_receive_notify_set(&client, on_receive), NXD_MQTT_SUCCESS,
                "API call while holding the mutex");
    tx_mutex_put(client.nxd_mqtt_client_mutex_ptr);
    tx_mutex_put(client.nxd_mqtt_client_mutex_ptr);
    client.nxd_mqtt_ack_receive_notify = on_ack;
    nxd_mqtt_client_disconnect_notify_set(&client, on_disconnect);
    NXD_ADDRESS a;
    tu_addr_v4_loopback(&a);
    TU_REQUIRE_EQ(nxd_mqtt_client_connect(&client, &a, broker.port, 30, NX_TRUE, 5 * NX_IP_PERIODIC_RATE),
                  NXD_MQTT_SUCCESS, "connect");

    tu_section("_nxd_mqtt_client_sub_unsub reports its packet id");
    USHORT sub_id = 0;
    UINT expected = client.nxd_mqtt_client_packet_identifier;
    TU_CHECK_EQ(_nxd_mqtt_client_sub_unsub(&client, 0x82, (CHAR *)topic, (UINT)strlen(topic), &sub_id, 1),
                NXD_MQTT_SUCCESS, "subscribe through _nxd_mqtt_client_sub_unsub");
    TU_CHECK_EQ(sub_id, expected, "the id used is the control block's next id");
    tu_sleep_ms(300);

    tu_section("PUBLISH packets built and sent the middleware's way, received by walking the queue");
    for (unsigned i = 0; i < MESSAGES; i++) {
        char payload[32];
        snprintf(payload, sizeof payload, "built-%u", i);
        USHORT pid = send_built(topic, payload);
        TU_CHECK(pid != 0, "message %u sent with id %u", i, pid);
        TU_CHECK(tu_wait_count(&acks, i + 1, 5000) && acked_id == pid, "PUBACK for id %u reached the ack notify", pid);
        TU_CHECK(tu_wait_count(&drained, i + 1, 5000), "message %u came back through the packet list", i);
        TU_CHECK(strcmp(last_payload, payload) == 0, "payload '%s' intact", last_payload);
    }
    TU_CHECK_EQ(bad_packets, 0, "every queued packet parsed as a PUBLISH");
    TU_CHECK(depth_seen >= 1, "message_receive_queue_depth counted the queued message");
    TU_CHECK(client.message_receive_queue_head == NX_NULL, "queue empty after the notify drained it");
    UCHAR t[64], m[64];
    UINT tlen = 0, mlen = 0;
    TU_CHECK_EQ(nxd_mqtt_client_message_get(&client, t, sizeof t, &tlen, m, sizeof m, &mlen), NXD_MQTT_NO_MESSAGE,
                "message_get finds the queue empty");

    tu_section("the public API on the same queue afterwards");
    _nxd_mqtt_client_receive_notify_set(&client, NX_NULL); /* the unchecked core may remove it */
    TU_CHECK_EQ(nxd_mqtt_client_publish(&client, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)"plain", 5, 0, 1,
                                        5 * NX_IP_PERIODIC_RATE),
                NXD_MQTT_SUCCESS, "publish");
    UINT s = NXD_MQTT_NO_MESSAGE;
    for (int i = 0; i < 500 && s == NXD_MQTT_NO_MESSAGE; i++) {
        s = nxd_mqtt_client_message_get(&client, t, sizeof t, &tlen, m, sizeof m, &mlen);
        if (s == NXD_MQTT_NO_MESSAGE)
            tu_sleep_ms(10);
    }
    TU_CHECK(s == NXD_MQTT_SUCCESS && mlen == 5 && memcmp(m, "plain", 5) == 0, "message_get returns it (0x%x)", s);
    TU_CHECK(client.message_receive_queue_head == NX_NULL && client.message_receive_queue_depth == 0,
             "and takes it off the list");

    tu_section("the raw packet-receive hook");
    client.nxd_mqtt_packet_receive_context = &hook_context_value;
    client.nxd_mqtt_packet_receive_notify = raw_hook;
    TU_CHECK_EQ(nxd_mqtt_client_publish(&client, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)"seen", 4, 0, 0,
                                        5 * NX_IP_PERIODIC_RATE),
                NXD_MQTT_SUCCESS, "publish (hook returns NX_FALSE)");
    s = get_within(t, &tlen, m, &mlen, 5000);
    TU_CHECK(s == NXD_MQTT_SUCCESS && mlen == 4 && memcmp(m, "seen", 4) == 0, "the library processed it (0x%x)", s);
    TU_CHECK(hook_calls >= 1 && hook_bad_context == 0, "the hook saw the segment with its context (%u calls)",
             hook_calls);
    hook_take = 1;
    TU_CHECK_EQ(nxd_mqtt_client_publish(&client, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)"taken", 5, 0, 0,
                                        5 * NX_IP_PERIODIC_RATE),
                NXD_MQTT_SUCCESS, "publish (hook returns NX_TRUE)");
    TU_CHECK(tu_wait_count(&hook_taken, 1, 5000), "the hook took the segment");
    TU_CHECK_EQ(get_within(t, &tlen, m, &mlen, 500), NXD_MQTT_NO_MESSAGE, "so the message never reached the queue");
    client.nxd_mqtt_packet_receive_notify = NX_NULL;
    TU_CHECK_EQ(nxd_mqtt_client_publish(&client, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)"after", 5, 0, 0,
                                        5 * NX_IP_PERIODIC_RATE),
                NXD_MQTT_SUCCESS, "publish (hook removed)");
    s = get_within(t, &tlen, m, &mlen, 5000);
    TU_CHECK(s == NXD_MQTT_SUCCESS && mlen == 5 && memcmp(m, "after", 5) == 0, "delivered again (0x%x)", s);

    tu_section("_nxd_mqtt_client_connection_end");
    _nxd_mqtt_client_connection_end(&client, NX_NO_WAIT);
    TU_CHECK_EQ(client.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_IDLE, "idle afterwards");
    tu_sleep_ms(200);
    TU_CHECK_EQ(disconnects, 0, "no disconnect notify");
    TU_CHECK_EQ(nxd_mqtt_client_connect(&client, &a, broker.port, 30, NX_TRUE, 5 * NX_IP_PERIODIC_RATE),
                NXD_MQTT_SUCCESS, "connects again");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&client), NXD_MQTT_SUCCESS, "disconnect");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&client), NXD_MQTT_SUCCESS, "delete");
    TU_CHECK_EQ(pool.nx_packet_pool_available, pool.nx_packet_pool_total, "every pool packet is back");
    return tu_end();
}
