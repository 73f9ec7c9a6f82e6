/* MQTT over TLS on the NetX port (built with NX_SECURE_ENABLE), through the stand-in's NetX
 * Secure (OpenSSL underneath), against the fixture mosquitto's TLS listeners, with a tls_setup
 * callback written as NetX Duo's MQTT sample writes it (session, packet buffer, remote
 * certificate storage, trusted CA, optionally SNI and a client certificate):
 *
 * - argument checks: tls_setup NULL or client / address NULL → NX_PTR_ERROR, port 0 →
 *   NX_INVALID_PORT; tls_setup's own error code is returned unchanged, nothing connects;
 * - blocking secure connect, QoS 0/1/2 round trips to its own subscription, disconnect;
 *   secure_connect while connected → NXD_MQTT_ALREADY_CONNECTED without calling tls_setup;
 * - the TLS mark does not outlive the connection: a plain connect afterwards is plain;
 * - a server certificate from another CA, or a server name that does not match →
 *   NXD_MQTT_CONNECT_FAILURE, the session deleted, nothing leaked;
 * - mutual TLS: the listener that requires a client certificate accepts the client with one
 *   and refuses it without;
 * - non-blocking secure connect (wait 0): NX_IN_PROGRESS, then the connect notify with
 *   NXD_MQTT_SUCCESS, then a round trip;
 * - reconnect after the broker closed the connection (session takeover by another client);
 * - 100 secure connect / publish / disconnect cycles; then every pool packet back, no
 *   socket, no TLS session left.
 */
#include "tu_netx_tls.h"

#include <stdio.h>
#include <string.h>

#define WAIT (5 * NX_IP_PERIODIC_RATE)

static NX_IP ip;
static NX_PACKET_POOL pool;
static ULONG pool_memory[512 * (1536 + sizeof(NX_PACKET) + 16) / sizeof(ULONG)];
static tu_broker broker;

typedef tu_netx_client client;
static client c, other;

static void create(client *cl, const char *suffix)
{
    tu_netx_client_create(cl, suffix, &ip, &pool);
}

static UINT secure_connect(client *cl, unsigned port, ULONG wait)
{
    NXD_ADDRESS a;
    tu_addr_v4_loopback(&a);
    return nxd_mqtt_client_secure_connect(&cl->mqtt, &a, port, tu_tls_setup, 30, NX_TRUE, wait);
}

/* Publishes `payload` with `qos` to `topic` (subscribed by cl) and takes it back. */
static int round_trip(client *cl, const char *topic, UINT qos, const char *payload)
{
    unsigned before = cl->notifies;
    UINT s = nxd_mqtt_client_publish(&cl->mqtt, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)payload,
                                     (UINT)strlen(payload), 0, qos, WAIT);
    if (!TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, "publish"))
        return 0;
    if (!TU_CHECK(tu_wait_count(&cl->notifies, before + 1, 10000), "QoS %u message came back", qos))
        return 0;
    UCHAR t[128], p[256];
    UINT tl = 0, pl = 0;
    s = nxd_mqtt_client_message_get(&cl->mqtt, t, sizeof t, &tl, p, sizeof p, &pl);
    return TU_CHECK(s == NXD_MQTT_SUCCESS && tl == strlen(topic) && memcmp(t, topic, tl) == 0 &&
                        pl == strlen(payload) && memcmp(p, payload, pl) == 0,
                    "QoS %u round trip over TLS (0x%x)", qos, s);
}

static int subscribe(client *cl, const char *topic)
{
    UINT s = nxd_mqtt_client_subscribe(&cl->mqtt, (CHAR *)topic, (UINT)strlen(topic), 2);
    tu_sleep_ms(150);
    return TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, "subscribe");
}

int main(void)
{
    tu_begin("netx_tls", 150);
    tu_broker_load(&broker);
    TU_REQUIRE(broker.tls_port != 0 && broker.mtls_port != 0, "the fixture has TLS listeners");
    tu_tls_load(&broker);
    TU_REQUIRE_EQ(nx_packet_pool_create(&pool, "pool", 1536, pool_memory, sizeof pool_memory), NX_SUCCESS, "pool");
    TU_REQUIRE_EQ(nx_ip_create(&ip, "ip", IP_ADDRESS(127, 0, 0, 1), 0xFF000000UL, &pool, NX_NULL, NX_NULL, 0, 1),
                  NX_SUCCESS, "IP instance");
    TU_REQUIRE_EQ(nx_tcp_enable(&ip), NX_SUCCESS, "TCP");
    const char *topic = tu_name("tls");
    NXD_ADDRESS a;
    tu_addr_v4_loopback(&a);

    tu_section("argument checks and tls_setup's own code");
    create(&c, "c");
    TU_CHECK_EQ(nxd_mqtt_client_secure_connect(&c.mqtt, &a, broker.tls_port, NX_NULL, 30, NX_TRUE, WAIT), NX_PTR_ERROR,
                "tls_setup NULL");
    TU_CHECK_EQ(nxd_mqtt_client_secure_connect(NX_NULL, &a, broker.tls_port, tu_tls_setup, 30, NX_TRUE, WAIT),
                NX_PTR_ERROR, "client NULL");
    TU_CHECK_EQ(nxd_mqtt_client_secure_connect(&c.mqtt, NX_NULL, broker.tls_port, tu_tls_setup, 30, NX_TRUE, WAIT),
                NX_PTR_ERROR, "address NULL");
    TU_CHECK_EQ(nxd_mqtt_client_secure_connect(&c.mqtt, &a, 0, tu_tls_setup, 30, NX_TRUE, WAIT), NX_INVALID_PORT,
                "port 0");
    TU_CHECK_EQ(tu_tls.calls, 0, "tls_setup not called by the front-end checks");
    tu_tls.fail_with = 0x1234;
    TU_CHECK_EQ(secure_connect(&c, broker.tls_port, WAIT), 0x1234, "tls_setup's code returned unchanged");
    TU_CHECK_EQ(c.mqtt.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_IDLE, "still idle");
    tu_tls.fail_with = 0;

    tu_section("blocking secure connect, QoS 0/1/2 round trips");
    TU_REQUIRE_EQ(secure_connect(&c, broker.tls_port, WAIT), NXD_MQTT_SUCCESS, "secure_connect");
    TU_CHECK_EQ(c.mqtt.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_CONNECTED, "connected");
    TU_REQUIRE(subscribe(&c, topic), "subscribed");
    round_trip(&c, topic, 0, "tls qos 0");
    round_trip(&c, topic, 1, "tls qos 1");
    round_trip(&c, topic, 2, "tls qos 2");
    unsigned calls = tu_tls.calls;
    TU_CHECK_EQ(secure_connect(&c, broker.tls_port, WAIT), NXD_MQTT_ALREADY_CONNECTED, "secure_connect again");
    TU_CHECK_EQ(tu_tls.calls, calls, "without calling tls_setup on the live session");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&c.mqtt), NXD_MQTT_SUCCESS, "disconnect");

    tu_section("the next plain connect is plain");
    TU_CHECK_EQ(nxd_mqtt_client_connect(&c.mqtt, &a, broker.port, 30, NX_TRUE, WAIT), NXD_MQTT_SUCCESS,
                "plain connect to the plain port");
    TU_CHECK(subscribe(&c, topic) && round_trip(&c, topic, 1, "plain again"), "plain round trip");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&c.mqtt), NXD_MQTT_SUCCESS, "disconnect");

    tu_section("verification failures end the connect");
    tu_tls.wrong_ca = 1;
    TU_CHECK_EQ(secure_connect(&c, broker.tls_port, WAIT), NXD_MQTT_CONNECT_FAILURE, "server certificate of another CA");
    tu_tls.wrong_ca = 0;
    tu_tls.sni = "wrong.example";
    TU_CHECK_EQ(secure_connect(&c, broker.tls_port, WAIT), NXD_MQTT_CONNECT_FAILURE, "server name that does not match");
    tu_tls.sni = broker.tls_server_name;
    TU_CHECK_EQ(secure_connect(&c, broker.tls_port, WAIT), NXD_MQTT_SUCCESS, "the right server name");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&c.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    tu_tls.sni = NX_NULL;
    TU_CHECK_EQ(nx_secure_tls_standin_session_count(), 0, "no TLS session left after failures");

    tu_section("mutual TLS");
    {
        /* With TLS 1.3 the server refuses the missing certificate after the client finished
           its handshake: the refusal then ends the connect while it waits for the CONNACK. */
        UINT s = secure_connect(&c, broker.mtls_port, WAIT);
        TU_CHECK(s == NXD_MQTT_CONNECT_FAILURE || s == NXD_MQTT_COMMUNICATION_FAILURE,
                 "the listener requiring a client certificate refuses the client without one (0x%x)", s);
        TU_CHECK_EQ(c.mqtt.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_IDLE, "not connected");
    }
    tu_tls.client_certificate = 1;
    TU_CHECK_EQ(secure_connect(&c, broker.mtls_port, WAIT), NXD_MQTT_SUCCESS, "and accepts it with one");
    TU_CHECK(subscribe(&c, topic) && round_trip(&c, topic, 2, "mutual"), "round trip with mutual TLS");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&c.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    tu_tls.client_certificate = 0;

    tu_section("non-blocking secure connect");
    unsigned notes = c.connect_notifies;
    TU_CHECK_EQ(secure_connect(&c, broker.tls_port, NX_NO_WAIT), NX_IN_PROGRESS, "secure_connect, wait 0");
    TU_CHECK(tu_wait_count(&c.connect_notifies, notes + 1, 10000), "connect notify");
    TU_CHECK_EQ(c.connect_status, NXD_MQTT_SUCCESS, "with success");
    TU_CHECK(subscribe(&c, topic) && round_trip(&c, topic, 1, "non-blocking"), "round trip");

    tu_section("reconnect after the broker closed the connection");
    unsigned drops = c.disconnects;
    create(&other, "other");
    memcpy(other.id, c.id, sizeof other.id); /* same client id: the broker closes c */
    other.mqtt.nxd_mqtt_client_id = other.id;
    other.mqtt.nxd_mqtt_client_id_length = (UINT)strlen(other.id);
    TU_CHECK_EQ(secure_connect(&other, broker.tls_port, WAIT), NXD_MQTT_SUCCESS, "a second client with c's id");
    TU_CHECK(tu_wait_count(&c.disconnects, drops + 1, 10000), "c was disconnected by the broker");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&other.mqtt), NXD_MQTT_SUCCESS, "delete the other client");
    TU_CHECK_EQ(secure_connect(&c, broker.tls_port, WAIT), NXD_MQTT_SUCCESS, "c connects again");
    TU_CHECK(subscribe(&c, topic) && round_trip(&c, topic, 2, "after the reconnect"), "round trip");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&c.mqtt), NXD_MQTT_SUCCESS, "disconnect");

    tu_section("100 secure connect / publish / disconnect cycles");
    int ok = 1;
    for (int i = 0; i < 100 && ok; i++) {
        ok = secure_connect(&c, broker.tls_port, WAIT) == NXD_MQTT_SUCCESS &&
             nxd_mqtt_client_publish(&c.mqtt, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)"cycle", 5, 0, 1, WAIT) ==
                 NXD_MQTT_SUCCESS &&
             nxd_mqtt_client_disconnect(&c.mqtt) == NXD_MQTT_SUCCESS;
        if (!ok)
            TU_CHECK(0, "cycle %d failed", i);
    }
    TU_CHECK(ok, "100 cycles");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&c.mqtt), NXD_MQTT_SUCCESS, "delete");

    tu_section("nothing left behind");
    tu_sleep_ms(200);
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, 0, "no socket");
    TU_CHECK_EQ(pool.nx_packet_pool_available, pool.nx_packet_pool_total, "every pool packet is back");
    TU_CHECK_EQ(nx_secure_tls_standin_session_count(), 0, "no TLS session");
    tu_tls_free();
    return tu_end();
}
