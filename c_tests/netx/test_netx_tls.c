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
#include "tx_api.h"
#include "nx_api.h"
#include "nx_secure_tls_api.h"
#include "nxd_mqtt_client.h"
#include "tu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PRIORITY 7
#define WAIT (5 * NX_IP_PERIODIC_RATE)

extern const NX_SECURE_TLS_CRYPTO nx_crypto_tls_ciphers;

static NX_IP ip;
static NX_PACKET_POOL pool;
static ULONG pool_memory[512 * (1536 + sizeof(NX_PACKET) + 16) / sizeof(ULONG)];
static tu_broker broker;

/* What tls_setup configures (the application's buffers, as in NetX Duo's MQTT sample). */
static UCHAR tls_metadata[16 * 1024];
static UCHAR tls_packet_buffer[16 * 1024];
static NX_SECURE_X509_CERT remote_certificates[3];
static UCHAR remote_certificate_buffers[3][4096];
static NX_SECURE_X509_DNS_NAME dns_name;
static unsigned char *ca_der, *wrong_ca_der, *client_cert_der, *client_key_der;
static size_t ca_len, wrong_ca_len, client_cert_len, client_key_len;

/* Options of the next tls_setup call. */
static struct {
    int wrong_ca;           /* trust the unrelated CA */
    const char *sni;        /* server name to check (NULL: none) */
    int client_certificate; /* present the client certificate */
    UINT fail_with;         /* return this instead of configuring */
    volatile unsigned calls;
} setup;

static UINT tls_setup(NXD_MQTT_CLIENT *client, NX_SECURE_TLS_SESSION *session, NX_SECURE_X509_CERT *certificate,
                      NX_SECURE_X509_CERT *trusted)
{
    (void)client;
    setup.calls++;
    if (setup.fail_with)
        return setup.fail_with;
    UINT s = nx_secure_tls_session_create(session, &nx_crypto_tls_ciphers, tls_metadata, sizeof tls_metadata);
    if (s == NX_SUCCESS)
        s = nx_secure_tls_session_packet_buffer_set(session, tls_packet_buffer, sizeof tls_packet_buffer);
    for (int i = 0; s == NX_SUCCESS && i < 3; i++)
        s = nx_secure_tls_remote_certificate_allocate(session, &remote_certificates[i], remote_certificate_buffers[i],
                                                      sizeof remote_certificate_buffers[i]);
    if (s == NX_SUCCESS)
        s = nx_secure_x509_certificate_initialize(trusted, setup.wrong_ca ? wrong_ca_der : ca_der,
                                                  (USHORT)(setup.wrong_ca ? wrong_ca_len : ca_len), NX_NULL, 0, NX_NULL,
                                                  0, NX_SECURE_X509_KEY_TYPE_NONE);
    if (s == NX_SUCCESS)
        s = nx_secure_tls_trusted_certificate_add(session, trusted);
    if (s == NX_SUCCESS && setup.sni) {
        s = nx_secure_x509_dns_name_initialize(&dns_name, (const UCHAR *)setup.sni, (USHORT)strlen(setup.sni));
        if (s == NX_SUCCESS)
            s = nx_secure_tls_session_sni_extension_set(session, &dns_name);
    }
    if (s == NX_SUCCESS && setup.client_certificate) {
        s = nx_secure_x509_certificate_initialize(certificate, client_cert_der, (USHORT)client_cert_len, NX_NULL, 0,
                                                  client_key_der, (USHORT)client_key_len,
                                                  NX_SECURE_X509_KEY_TYPE_RSA_PKCS1_DER);
        if (s == NX_SUCCESS)
            s = nx_secure_tls_local_certificate_add(session, certificate);
    }
    return s;
}

typedef struct client {
    NXD_MQTT_CLIENT mqtt;
    ULONG stack[16384 / sizeof(ULONG)];
    char id[96];
    volatile unsigned notifies, disconnects, connect_notifies;
    volatile UINT connect_status;
} client;

static client c, other;

static client *client_of(NXD_MQTT_CLIENT *m)
{
    return (client *)(void *)m;
}

static void on_receive(NXD_MQTT_CLIENT *m, UINT count)
{
    (void)count;
    __atomic_add_fetch(&client_of(m)->notifies, 1, __ATOMIC_SEQ_CST);
}

static void on_disconnect(NXD_MQTT_CLIENT *m)
{
    __atomic_add_fetch(&client_of(m)->disconnects, 1, __ATOMIC_SEQ_CST);
}

static VOID on_connect(NXD_MQTT_CLIENT *m, UINT status, VOID *context)
{
    (void)context;
    client_of(m)->connect_status = status;
    __atomic_add_fetch(&client_of(m)->connect_notifies, 1, __ATOMIC_SEQ_CST);
}

static void create(client *cl, const char *suffix)
{
    memset(cl, 0, sizeof *cl);
    snprintf(cl->id, sizeof cl->id, "%s", tu_name(suffix));
    TU_REQUIRE_EQ(nxd_mqtt_client_create(&cl->mqtt, "tls client", cl->id, (UINT)strlen(cl->id), &ip, &pool, cl->stack,
                                         sizeof cl->stack, PRIORITY, NX_NULL, 0),
                  NXD_MQTT_SUCCESS, "create");
    nxd_mqtt_client_receive_notify_set(&cl->mqtt, on_receive);
    nxd_mqtt_client_disconnect_notify_set(&cl->mqtt, on_disconnect);
    cl->mqtt.nxd_mqtt_connect_notify = on_connect;
}

static UINT secure_connect(client *cl, unsigned port, ULONG wait)
{
    NXD_ADDRESS a;
    tu_addr_v4_loopback(&a);
    return nxd_mqtt_client_secure_connect(&cl->mqtt, &a, port, tls_setup, 30, NX_TRUE, wait);
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
    ca_der = tu_read_file(broker.tls_ca_der, &ca_len);
    wrong_ca_der = tu_read_file(broker.tls_wrong_ca_der, &wrong_ca_len);
    client_cert_der = tu_read_file(broker.tls_client_cert_der, &client_cert_len);
    client_key_der = tu_read_file(broker.tls_client_key_der, &client_key_len);
    nx_secure_tls_initialize();
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
    TU_CHECK_EQ(nxd_mqtt_client_secure_connect(NX_NULL, &a, broker.tls_port, tls_setup, 30, NX_TRUE, WAIT),
                NX_PTR_ERROR, "client NULL");
    TU_CHECK_EQ(nxd_mqtt_client_secure_connect(&c.mqtt, NX_NULL, broker.tls_port, tls_setup, 30, NX_TRUE, WAIT),
                NX_PTR_ERROR, "address NULL");
    TU_CHECK_EQ(nxd_mqtt_client_secure_connect(&c.mqtt, &a, 0, tls_setup, 30, NX_TRUE, WAIT), NX_INVALID_PORT,
                "port 0");
    TU_CHECK_EQ(setup.calls, 0, "tls_setup not called by the front-end checks");
    setup.fail_with = 0x1234;
    TU_CHECK_EQ(secure_connect(&c, broker.tls_port, WAIT), 0x1234, "tls_setup's code returned unchanged");
    TU_CHECK_EQ(c.mqtt.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_IDLE, "still idle");
    setup.fail_with = 0;

    tu_section("blocking secure connect, QoS 0/1/2 round trips");
    TU_REQUIRE_EQ(secure_connect(&c, broker.tls_port, WAIT), NXD_MQTT_SUCCESS, "secure_connect");
    TU_CHECK_EQ(c.mqtt.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_CONNECTED, "connected");
    TU_REQUIRE(subscribe(&c, topic), "subscribed");
    round_trip(&c, topic, 0, "tls qos 0");
    round_trip(&c, topic, 1, "tls qos 1");
    round_trip(&c, topic, 2, "tls qos 2");
    unsigned calls = setup.calls;
    TU_CHECK_EQ(secure_connect(&c, broker.tls_port, WAIT), NXD_MQTT_ALREADY_CONNECTED, "secure_connect again");
    TU_CHECK_EQ(setup.calls, calls, "without calling tls_setup on the live session");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&c.mqtt), NXD_MQTT_SUCCESS, "disconnect");

    tu_section("the next plain connect is plain");
    TU_CHECK_EQ(nxd_mqtt_client_connect(&c.mqtt, &a, broker.port, 30, NX_TRUE, WAIT), NXD_MQTT_SUCCESS,
                "plain connect to the plain port");
    TU_CHECK(subscribe(&c, topic) && round_trip(&c, topic, 1, "plain again"), "plain round trip");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&c.mqtt), NXD_MQTT_SUCCESS, "disconnect");

    tu_section("verification failures end the connect");
    setup.wrong_ca = 1;
    TU_CHECK_EQ(secure_connect(&c, broker.tls_port, WAIT), NXD_MQTT_CONNECT_FAILURE, "server certificate of another CA");
    setup.wrong_ca = 0;
    setup.sni = "wrong.example";
    TU_CHECK_EQ(secure_connect(&c, broker.tls_port, WAIT), NXD_MQTT_CONNECT_FAILURE, "server name that does not match");
    setup.sni = broker.tls_server_name;
    TU_CHECK_EQ(secure_connect(&c, broker.tls_port, WAIT), NXD_MQTT_SUCCESS, "the right server name");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&c.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    setup.sni = NX_NULL;
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
    setup.client_certificate = 1;
    TU_CHECK_EQ(secure_connect(&c, broker.mtls_port, WAIT), NXD_MQTT_SUCCESS, "and accepts it with one");
    TU_CHECK(subscribe(&c, topic) && round_trip(&c, topic, 2, "mutual"), "round trip with mutual TLS");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&c.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    setup.client_certificate = 0;

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
    free(ca_der);
    free(wrong_ca_der);
    free(client_cert_der);
    free(client_key_der);
    return tu_end();
}
