/* Self-test of the stand-in's NetX Secure TLS (src/nx_secure_standin.c) against the broker
 * fixture's mosquitto TLS listeners, using only the stand-in's NetX TCP and NetX Secure APIs the
 * way the nxd_mqtt NetX port drives them: a session set up like a NetX Duo tls_setup callback,
 * a TCP connection, a blocking or non-blocking handshake (session_start with NX_NO_WAIT, then
 * _nx_secure_tls_handshake_process on each receive notify), an MQTT CONNECT sent with
 * nx_secure_tls_packet_allocate + nx_secure_tls_session_send, the CONNACK read with
 * nx_secure_tls_session_receive, session end and delete. Failures: wrong CA, server name,
 * certificate dates, certificate callback, mutual TLS without a client certificate. Every pool
 * packet must be back and every session deleted at the end of each case.
 */
#define _GNU_SOURCE
#include "nx_secure_tls_api.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

extern const NX_SECURE_TLS_CRYPTO nx_crypto_tls_ciphers;
extern const USHORT nx_crypto_ecc_supported_groups[];
extern const NX_CRYPTO_METHOD *nx_crypto_ecc_curves[];
extern const UINT nx_crypto_ecc_supported_groups_size;

#include "standin_selftest.h"

/* ---- fixture ------------------------------------------------------------------------------------- */

static struct {
    unsigned tls_port, mtls_port;
    char server_name[64];
    char ca[512], wrong_ca[512], client_cert[512], client_key[512], client_ec_cert[512], client_ec_key[512];
} fx;

static void take_fixture(const char *key, const char *value)
{
    if (strcmp(key, "TLS_PORT") == 0)
        fx.tls_port = (unsigned)atoi(value);
    else if (strcmp(key, "MTLS_PORT") == 0)
        fx.mtls_port = (unsigned)atoi(value);
    else if (strcmp(key, "TLS_SERVER_NAME") == 0)
        snprintf(fx.server_name, sizeof(fx.server_name), "%s", value);
    else if (strcmp(key, "TLS_CA_DER") == 0)
        snprintf(fx.ca, sizeof(fx.ca), "%s", value);
    else if (strcmp(key, "TLS_WRONG_CA_DER") == 0)
        snprintf(fx.wrong_ca, sizeof(fx.wrong_ca), "%s", value);
    else if (strcmp(key, "TLS_CLIENT_CERT_DER") == 0)
        snprintf(fx.client_cert, sizeof(fx.client_cert), "%s", value);
    else if (strcmp(key, "TLS_CLIENT_KEY_DER") == 0)
        snprintf(fx.client_key, sizeof(fx.client_key), "%s", value);
    else if (strcmp(key, "TLS_CLIENT_EC_CERT_DER") == 0)
        snprintf(fx.client_ec_cert, sizeof(fx.client_ec_cert), "%s", value);
    else if (strcmp(key, "TLS_CLIENT_EC_KEY_DER") == 0)
        snprintf(fx.client_ec_key, sizeof(fx.client_ec_key), "%s", value);
}

static int load_fixture(void)
{
    if (!fixture_read(take_fixture))
        return 0;
    printf("TLS 127.0.0.1:%u, mutual TLS 127.0.0.1:%u, CA %s\n", fx.tls_port, fx.mtls_port, fx.ca);
    return fx.tls_port && fx.mtls_port && fx.ca[0] && fx.wrong_ca[0] && fx.client_cert[0] && fx.client_key[0] &&
           fx.client_ec_cert[0] && fx.client_ec_key[0] && fx.server_name[0];
}

typedef struct {
    UCHAR *data;
    USHORT len;
} blob;

static blob read_blob(const char *path)
{
    blob b = {NULL, 0};
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return b;
    b.data = malloc(65536);
    size_t n = fread(b.data, 1, 65535, f);
    fclose(f);
    b.len = (USHORT)n;
    return b;
}

/* ---- NetX objects ---------------------------------------------------------------------------------- */

#define POOL_PACKETS 64
static ULONG pool_mem[POOL_PACKETS * (1536 + 128) / sizeof(ULONG)];
static NX_PACKET_POOL pool;
static NX_IP ip;


static unsigned cert_callback_calls;
static ULONG cert_callback_result;

static ULONG time_now(void)
{
    return (ULONG)time(NULL);
}

static ULONG time_2100(void)
{
    return (ULONG)4102444800UL; /* 2100-01-01: after the certificates' end */
}

static ULONG time_2001(void)
{
    return (ULONG)1000000000UL; /* before the certificates' start */
}

/* An application's certificate check, as the Azure IoT middleware does it. */
static ULONG check_name_localhost(NX_SECURE_TLS_SESSION *session, NX_SECURE_X509_CERT *certificate)
{
    (void)session;
    cert_callback_calls++;
    if (certificate == NX_NULL || certificate->nx_secure_x509_certificate_raw_data_length == 0)
        return NX_SECURE_TLS_INVALID_CERTIFICATE;
    UINT other = nx_secure_x509_common_name_dns_check(certificate, (const UCHAR *)"nxd.invalid", 11);
    if (other != NX_SECURE_X509_CERTIFICATE_DNS_MISMATCH)
        return 0x7777; /* seen by the check on the handshake status */
    return nx_secure_x509_common_name_dns_check(certificate, (const UCHAR *)fx.server_name,
                                                (UINT)strlen(fx.server_name));
}

static ULONG check_name_wrong(NX_SECURE_TLS_SESSION *session, NX_SECURE_X509_CERT *certificate)
{
    (void)session;
    cert_callback_calls++;
    cert_callback_result = nx_secure_x509_common_name_dns_check(certificate, (const UCHAR *)"nxd.invalid", 11);
    return cert_callback_result;
}

/* ---- one TLS connection ---------------------------------------------------------------------------- */

typedef struct {
    const char *name;
    unsigned port;
    const char *ca;                 /* trusted CA (DER path) */
    const char *cert, *key;         /* client identity (DER paths) or NULL */
    UINT key_type;
    USHORT version;                 /* protocol_version_override, 0: none */
    const char *sni;                /* DNS name for the SNI extension, or NULL */
    int allocate_remote;            /* remote certificates in the application's buffers */
    int nonblocking;                /* session_start(NX_NO_WAIT) + handshake_process */
    ULONG (*time_fn)(void);
    ULONG (*cert_cb)(NX_SECURE_TLS_SESSION *, NX_SECURE_X509_CERT *);
    UINT expect_start;              /* handshake status */
    USHORT expect_version;          /* negotiated version when the handshake succeeds, 0: any */
    UINT expect_receive;            /* status of the CONNACK receive (NX_SUCCESS: a CONNACK) */
    int expect_alert;               /* alert description received, -1: not checked */
} tls_case;

typedef struct {
    NX_SECURE_TLS_SESSION session;
    NX_TCP_SOCKET socket;
    UCHAR metadata[16000];
    UCHAR packet_buffer[16384];
    NX_SECURE_X509_CERT ca_cert, client_cert, remote_cert, remote_issuer;
    UCHAR remote_cert_buffer[2048], remote_issuer_buffer[2048];
    NX_SECURE_X509_DNS_NAME dns;
    blob ca, cert, key;
} conn;

/* Another acceptable handshake status for the next case (0: none). */
static UINT expect_start_alt;

static const UCHAR mqtt_connect[] = {0x10, 0x0c, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00};

/* The application's tls_setup, modelled on NetX Duo's MQTT TLS sample and the Azure IoT
   middleware. */
static UINT tls_setup(conn *c, const tls_case *tc)
{
    UINT st = nx_secure_tls_session_create(&c->session, &nx_crypto_tls_ciphers, c->metadata, sizeof(c->metadata));
    if (st)
        return st;
    st = nx_secure_tls_ecc_initialize(&c->session, nx_crypto_ecc_supported_groups,
                                      (USHORT)nx_crypto_ecc_supported_groups_size, nx_crypto_ecc_curves);
    if (st)
        return st;
    st = nx_secure_tls_session_packet_buffer_set(&c->session, c->packet_buffer, sizeof(c->packet_buffer));
    if (st)
        return st;
    if (tc->allocate_remote) {
        st = nx_secure_tls_remote_certificate_allocate(&c->session, &c->remote_cert, c->remote_cert_buffer,
                                                       sizeof(c->remote_cert_buffer));
        if (st == NX_SUCCESS)
            st = nx_secure_tls_remote_certificate_allocate(&c->session, &c->remote_issuer, c->remote_issuer_buffer,
                                                           sizeof(c->remote_issuer_buffer));
        if (st)
            return st;
    }
    c->ca = read_blob(tc->ca);
    st = nx_secure_x509_certificate_initialize(&c->ca_cert, c->ca.data, c->ca.len, NX_NULL, 0, NX_NULL, 0,
                                               NX_SECURE_X509_KEY_TYPE_NONE);
    if (st)
        return st;
    st = nx_secure_tls_trusted_certificate_add(&c->session, &c->ca_cert);
    if (st)
        return st;
    if (tc->cert) {
        c->cert = read_blob(tc->cert);
        c->key = read_blob(tc->key);
        st = nx_secure_x509_certificate_initialize(&c->client_cert, c->cert.data, c->cert.len, NX_NULL, 0, c->key.data,
                                                   c->key.len, tc->key_type);
        if (st)
            return st;
        st = nx_secure_tls_local_certificate_add(&c->session, &c->client_cert);
        if (st)
            return st;
    }
    if (tc->sni) {
        st = nx_secure_x509_dns_name_initialize(&c->dns, (const UCHAR *)tc->sni, (USHORT)strlen(tc->sni));
        if (st == NX_SUCCESS)
            st = nx_secure_tls_session_sni_extension_set(&c->session, &c->dns);
        if (st)
            return st;
    }
    if (tc->time_fn && (st = nx_secure_tls_session_time_function_set(&c->session, tc->time_fn)) != NX_SUCCESS)
        return st;
    if (tc->cert_cb && (st = nx_secure_tls_session_certificate_callback_set(&c->session, tc->cert_cb)) != NX_SUCCESS)
        return st;
    if (tc->version && (st = nx_secure_tls_session_protocol_version_override(&c->session, tc->version)) != NX_SUCCESS)
        return st;
    return NX_SUCCESS;
}

static UINT tcp_connect(conn *c, unsigned port)
{
    UINT st = nx_tcp_socket_create(&ip, &c->socket, "tls", NX_IP_NORMAL, NX_DONT_FRAGMENT, NX_IP_TIME_TO_LIVE, 16384,
                                   NX_NULL, NX_NULL);
    if (st == NX_SUCCESS)
        st = nx_tcp_socket_receive_notify(&c->socket, on_receive);
    if (st == NX_SUCCESS)
        st = nx_tcp_client_socket_bind(&c->socket, NX_ANY_PORT, NX_WAIT_FOREVER);
    NXD_ADDRESS a = {NX_IP_VERSION_V4, {IP_ADDRESS(127, 0, 0, 1)}};
    if (st == NX_SUCCESS)
        st = nxd_tcp_client_socket_connect(&c->socket, &a, port, 3 * NX_IP_PERIODIC_RATE);
    return st;
}

static void tcp_close(conn *c)
{
    nx_tcp_socket_disconnect(&c->socket, NX_IP_PERIODIC_RATE);
    nx_tcp_client_socket_unbind(&c->socket);
    nx_tcp_socket_delete(&c->socket);
}

/* Blocking, or NX_NO_WAIT start then handshake_process on each receive notify (5 s bound). */
static UINT handshake(conn *c, int nonblocking)
{
    if (!nonblocking)
        return nx_secure_tls_session_start(&c->session, &c->socket, 5 * NX_IP_PERIODIC_RATE);
    unsigned seen = notify_count();
    UINT st = nx_secure_tls_session_start(&c->session, &c->socket, NX_NO_WAIT);
    CHECK_EQ(st, NX_CONTINUE, "non-blocking session_start returns NX_CONTINUE");
    uint64_t deadline = now_ms() + 5000;
    unsigned rounds = 0;
    while (st == NX_CONTINUE && now_ms() < deadline) {
        seen = wait_notify(seen);
        st = _nx_secure_tls_handshake_process(&c->session, NX_NO_WAIT);
        rounds++;
    }
    CHECK(rounds >= 1, "handshake needed at least one handshake_process round (%u)", rounds);
    if (st == NX_SUCCESS)
        CHECK_EQ(_nx_secure_tls_handshake_process(&c->session, NX_NO_WAIT), NX_NOT_SUCCESSFUL,
                 "handshake_process after the handshake (NetX Secure: NX_NOT_SUCCESSFUL)");
    return st;
}

static UINT send_bytes(conn *c, const UCHAR *data, ULONG len)
{
    NX_PACKET *p = NX_NULL;
    UINT st = nx_secure_tls_packet_allocate(&c->session, &pool, &p, NX_WAIT_FOREVER);
    if (st)
        return st;
    CHECK(p->nx_packet_prepend_ptr - p->nx_packet_data_start >= NX_IPv4_TCP_PACKET + NX_SECURE_TLS_RECORD_HEADER_SIZE,
          "tls packet leaves room for TCP/IP and the record header");
    st = nx_packet_data_append(p, (VOID *)(ALIGN_TYPE)data, len, &pool, NX_WAIT_FOREVER);
    if (st == NX_SUCCESS)
        st = nx_secure_tls_session_send(&c->session, p, 2 * NX_IP_PERIODIC_RATE);
    if (st != NX_SUCCESS)
        nx_packet_release(p);
    return st;
}

/* Collects want bytes of decrypted data (blocking receives, or NX_NO_WAIT receives driven by the
   receive notify). Returns the last receive status. */
static UINT receive_bytes(conn *c, UCHAR *buf, ULONG want, ULONG *got, int nonblocking, unsigned timeout_ms)
{
    uint64_t deadline = now_ms() + timeout_ms;
    unsigned seen = notify_count();
    UINT st = NX_NO_PACKET;
    *got = 0;
    while (*got < want && now_ms() < deadline) {
        NX_PACKET *p = NX_NULL;
        st = nx_secure_tls_session_receive(&c->session, &p, nonblocking ? NX_NO_WAIT : NX_IP_PERIODIC_RATE / 2);
        if (st == NX_SUCCESS) {
            ULONG n = 0;
            nx_packet_data_extract_offset(p, 0, buf + *got, want - *got, &n);
            CHECK(n == p->nx_packet_length, "receive buffer large enough (%lu of %lu)", (unsigned long)n,
                  (unsigned long)p->nx_packet_length);
            *got += n;
            nx_packet_release(p);
            continue;
        }
        if (st != NX_NO_PACKET)
            break;
        if (nonblocking)
            seen = wait_notify(seen);
    }
    return st;
}

static void run_case(const tls_case *tc)
{
    printf("-- %s\n", tc->name);
    static conn c;
    memset(&c, 0, sizeof(c));
    ULONG before = pool.nx_packet_pool_available;
    cert_callback_calls = 0;

    UINT st = tls_setup(&c, tc);
    CHECK_EQ(st, NX_SUCCESS, "tls_setup");
    st = tcp_connect(&c, tc->port);
    CHECK_EQ(st, NX_SUCCESS, "TCP connect");
    if (st == NX_SUCCESS) {
        st = handshake(&c, tc->nonblocking);
        if (expect_start_alt != 0 && st == expect_start_alt)
            printf("   (handshake status 0x%x, the alternative)\n", st);
        else
            CHECK_EQ(st, tc->expect_start, "handshake status");
        if (st == NX_SUCCESS) {
            if (tc->expect_version)
                CHECK_EQ(c.session.nx_secure_tls_protocol_version, tc->expect_version, "negotiated version");
            if (tc->cert_cb)
                CHECK_EQ(cert_callback_calls, 1, "certificate callback called once");
            if (tc->allocate_remote)
                CHECK(c.remote_cert.nx_secure_x509_certificate_raw_data_length > 0,
                      "server certificate kept in the application's remote certificate");
            /* A failure expected after the handshake (the server's alert) comes whether or not
               we send: the CONNECT is sent only when a CONNACK is expected (the server may
               already have closed the TCP connection otherwise). */
            if (tc->expect_receive == NX_SUCCESS)
                CHECK_EQ(send_bytes(&c, mqtt_connect, sizeof(mqtt_connect)), NX_SUCCESS, "send CONNECT");
            UCHAR ack[4] = {0};
            ULONG got = 0;
            UINT rst = receive_bytes(&c, ack, 4, &got, tc->nonblocking, 5000);
            if (tc->expect_receive == NX_SUCCESS) {
                CHECK(got == 4 && ack[0] == 0x20 && ack[1] == 2 && ack[2] == 0 && ack[3] == 0,
                      "CONNACK accepted (got %lu bytes %02x %02x %02x %02x, status 0x%x)", (unsigned long)got,
                      ack[0], ack[1], ack[2], ack[3], rst);
            } else {
                CHECK_EQ(rst, tc->expect_receive, "CONNACK receive fails");
                CHECK_EQ(got, 0, "no data before the failure");
            }
        }
        if (tc->expect_alert >= 0) {
            UINT level = 0, value = 0;
            CHECK_EQ(nx_secure_tls_session_alert_value_get(&c.session, &level, &value), NX_SUCCESS, "alert_value_get");
            CHECK_EQ(level, NX_SECURE_TLS_ALERT_LEVEL_FATAL, "fatal alert received");
            CHECK_EQ(value, tc->expect_alert, "alert description");
        }
        if (tc->cert_cb == check_name_wrong)
            CHECK_EQ(cert_callback_result, NX_SECURE_X509_CERTIFICATE_DNS_MISMATCH, "dns check in the callback");
        UINT est = nx_secure_tls_session_end(&c.session, NX_IP_PERIODIC_RATE);
        CHECK(est == NX_SUCCESS || st != NX_SUCCESS || tc->expect_receive != NX_SUCCESS, "session_end: 0x%x", est);
    }
    CHECK_EQ(nx_secure_tls_session_delete(&c.session), NX_SUCCESS, "session_delete");
    tcp_close(&c);
    free(c.ca.data);
    free(c.cert.data);
    free(c.key.data);
    CHECK_EQ(nx_secure_tls_standin_session_count(), 0, "no session left");
    CHECK_EQ(pool.nx_packet_pool_available, before, "every pool packet back");
}

/* ---- more on one session -------------------------------------------------------------------------- */

static void put_remaining_length(UCHAR **w, ULONG n)
{
    do {
        UCHAR b = (UCHAR)(n % 128);
        n /= 128;
        *(*w)++ = (UCHAR)(n ? b | 0x80 : b);
    } while (n);
}

static const tls_case plain_case = {"", 0, NULL, NULL, NULL, 0, 0, NULL, 0, 0, NULL, NULL, NX_SUCCESS, 0, NX_SUCCESS, -1};

typedef struct {
    conn *c;
    UINT status;
    UCHAR data[2];
    ULONG got;
} receiver_arg;

static void *receiver(void *arg)
{
    receiver_arg *r = arg;
    r->status = receive_bytes(r->c, r->data, 2, &r->got, 0, 5000);
    return NULL;
}

/* A 10 KB PUBLISH to our own subscription (records across chained packets and many TCP
   segments), a receive blocked in one thread while another sends, then the session reused on a
   new TCP connection after session_end. */
static void test_session_use(void)
{
    printf("-- one session: large records, concurrent receive and send, reuse after end\n");
    static conn c;
    memset(&c, 0, sizeof(c));
    ULONG before = pool.nx_packet_pool_available;
    tls_case tc = plain_case;
    tc.port = fx.tls_port;
    tc.ca = fx.ca;
    CHECK_EQ(tls_setup(&c, &tc), NX_SUCCESS, "tls_setup");
    for (int round = 0; round < 2; round++) {
        CHECK_EQ(tcp_connect(&c, fx.tls_port), NX_SUCCESS, "TCP connect");
        CHECK_EQ(handshake(&c, 0), NX_SUCCESS, "handshake");
        CHECK_EQ(send_bytes(&c, mqtt_connect, sizeof(mqtt_connect)), NX_SUCCESS, "send CONNECT");
        UCHAR in[16384];
        ULONG got = 0;
        receive_bytes(&c, in, 4, &got, 0, 5000);
        CHECK(got == 4 && in[0] == 0x20 && in[3] == 0, "CONNACK");

        char topic[64]; /* unique per process: test runs may share the broker */
        snprintf(topic, sizeof(topic), "nxdct/standin_tls/%d/big", (int)getpid());
        UCHAR sub[64], *w = sub;
        *w++ = 0x82;
        put_remaining_length(&w, 2 + 2 + (ULONG)strlen(topic) + 1);
        *w++ = 0;
        *w++ = 1;
        *w++ = 0;
        *w++ = (UCHAR)strlen(topic);
        memcpy(w, topic, strlen(topic));
        w += strlen(topic);
        *w++ = 0;
        CHECK_EQ(send_bytes(&c, sub, (ULONG)(w - sub)), NX_SUCCESS, "send SUBSCRIBE");
        receive_bytes(&c, in, 5, &got, 0, 5000);
        CHECK(got == 5 && in[0] == 0x90 && in[4] == 0, "SUBACK");

        static UCHAR pub[12 * 1024];
        ULONG payload = 10 * 1024;
        w = pub;
        *w++ = 0x30;
        put_remaining_length(&w, 2 + (ULONG)strlen(topic) + payload);
        *w++ = 0;
        *w++ = (UCHAR)strlen(topic);
        memcpy(w, topic, strlen(topic));
        w += strlen(topic);
        for (ULONG i = 0; i < payload; i++)
            *w++ = (UCHAR)(i * 7 + (ULONG)round);
        ULONG publen = (ULONG)(w - pub);
        CHECK_EQ(send_bytes(&c, pub, publen), NX_SUCCESS, "send a 10 KB PUBLISH (chained packet)");
        static UCHAR back[12 * 1024];
        receive_bytes(&c, back, publen, &got, round == 1, 5000);
        CHECK(got == publen && memcmp(back, pub, publen) == 0, "the PUBLISH comes back intact (%lu of %lu bytes)",
              (unsigned long)got, (unsigned long)publen);

        /* A receiver waits in session_receive while this thread sends a PINGREQ. */
        receiver_arg r = {&c, NX_NOT_SUCCESSFUL, {0, 0}, 0};
        pthread_t t;
        pthread_create(&t, NULL, receiver, &r);
        usleep(100 * 1000);
        static const UCHAR ping[] = {0xc0, 0x00};
        CHECK_EQ(send_bytes(&c, ping, 2), NX_SUCCESS, "send PINGREQ while another thread waits in receive");
        pthread_join(t, NULL);
        CHECK(r.got == 2 && r.data[0] == 0xd0 && r.data[1] == 0, "PINGRESP to the waiting receiver");

        CHECK_EQ(nx_secure_tls_session_end(&c.session, NX_IP_PERIODIC_RATE), NX_SUCCESS, "session_end (close_notify)");
        CHECK_EQ(c.session.nx_secure_tls_protocol_version, 0, "version cleared by the end");
        NX_PACKET *p = NX_NULL;
        CHECK(nx_secure_tls_session_receive(&c.session, &p, NX_NO_WAIT) != NX_SUCCESS, "no receive after the end");
        tcp_close(&c);
    }
    CHECK_EQ(nx_secure_tls_session_delete(&c.session), NX_SUCCESS, "session_delete");
    free(c.ca.data);
    CHECK_EQ(nx_secure_tls_standin_session_count(), 0, "no session left");
    CHECK_EQ(pool.nx_packet_pool_available, before, "every pool packet back");
}

/* The peer ends the MQTT connection: DISCONNECT, then the broker closes. */
static void test_peer_close(void)
{
    printf("-- peer close after DISCONNECT\n");
    static conn c;
    memset(&c, 0, sizeof(c));
    ULONG before = pool.nx_packet_pool_available;
    tls_case tc = plain_case;
    tc.ca = fx.ca;
    CHECK_EQ(tls_setup(&c, &tc), NX_SUCCESS, "tls_setup");
    CHECK_EQ(tcp_connect(&c, fx.tls_port), NX_SUCCESS, "TCP connect");
    CHECK_EQ(handshake(&c, 0), NX_SUCCESS, "handshake");
    CHECK_EQ(send_bytes(&c, mqtt_connect, sizeof(mqtt_connect)), NX_SUCCESS, "send CONNECT");
    UCHAR in[8];
    ULONG got = 0;
    receive_bytes(&c, in, 4, &got, 0, 5000);
    CHECK(got == 4 && in[0] == 0x20, "CONNACK");
    static const UCHAR disconnect[] = {0xe0, 0x00};
    CHECK_EQ(send_bytes(&c, disconnect, 2), NX_SUCCESS, "send DISCONNECT");
    UINT st = receive_bytes(&c, in, 1, &got, 0, 5000);
    CHECK((st == NX_SECURE_TLS_ALERT_RECEIVED || st == NX_NOT_CONNECTED) && got == 0,
          "receive after the broker closed: close_notify or TCP close (0x%x)", st);
    nx_secure_tls_session_end(&c.session, NX_NO_WAIT);
    CHECK_EQ(nx_secure_tls_session_delete(&c.session), NX_SUCCESS, "session_delete");
    tcp_close(&c);
    free(c.ca.data);
    CHECK_EQ(pool.nx_packet_pool_available, before, "every pool packet back");
}

/* A "server" on 127.0.0.1 that answers the ClientHello with plain text, then closes. */
static int garbage_fd = -1;

static void *garbage_server(void *arg)
{
    (void)arg;
    struct pollfd pfd = {garbage_fd, POLLIN, 0};
    if (poll(&pfd, 1, 5000) <= 0)
        return NULL;
    int c = accept(garbage_fd, NULL, NULL);
    if (c < 0)
        return NULL;
    char buf[4096];
    struct pollfd cp = {c, POLLIN, 0};
    if (poll(&cp, 1, 5000) > 0 && recv(c, buf, sizeof(buf), 0) > 0) {
        static const char answer[] = "HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
        send(c, answer, sizeof(answer) - 1, MSG_NOSIGNAL);
        poll(&cp, 1, 1000); /* until our side closes (or a second) */
    }
    close(c);
    return NULL;
}

static void test_odd_servers(void)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    garbage_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (garbage_fd < 0 || bind(garbage_fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(garbage_fd, 2) != 0 ||
        getsockname(garbage_fd, (struct sockaddr *)&a, &len) != 0) {
        CHECK(0, "listener for the plain-text server");
        return;
    }
    pthread_t t;
    pthread_create(&t, NULL, garbage_server, NULL);
    tls_case garbage = {"a server that answers in plain text", ntohs(a.sin_port), fx.ca, NULL, NULL, 0, 0, NULL, 0, 0,
                        NULL, NULL, NX_SECURE_TLS_UNKNOWN_TLS_VERSION, 0, 0, -1};
    run_case(&garbage);
    pthread_join(t, NULL);
    close(garbage_fd);
    /* mosquitto's OpenSSL refuses TLS 1.1 with a fatal alert (which one depends on its OpenSSL
       version and security level), unless our own OpenSSL configuration already refuses it. */
    tls_case old = {"TLS 1.1 override: the server refuses with an alert", fx.tls_port, fx.ca, NULL, NULL, 0,
                    NX_SECURE_TLS_VERSION_TLS_1_1, NULL, 0, 0, NULL, NULL, NX_SECURE_TLS_ALERT_RECEIVED, 0, 0, -1};
    expect_start_alt = NX_SECURE_TLS_UNSUPPORTED_TLS_VERSION;
    run_case(&old);
    expect_start_alt = 0;
}

/* Front-end checks and codes. */
static void test_api(void)
{
    printf("-- API checks\n");
    static conn c;
    memset(&c, 0, sizeof(c));
    blob ca = read_blob(fx.ca);
    blob key = read_blob(fx.client_key);
    blob cert = read_blob(fx.client_cert);
    NX_SECURE_X509_CERT x;
    NX_SECURE_X509_DNS_NAME dns;
    UCHAR small[16];
    UCHAR longname[NX_SECURE_X509_DNS_NAME_MAX + 1];
    memset(longname, 'a', sizeof(longname));
    NX_PACKET *p = NX_NULL;

    CHECK_EQ(nx_secure_tls_session_create(NX_NULL, &nx_crypto_tls_ciphers, c.metadata, sizeof(c.metadata)), NX_PTR_ERROR,
             "create NULL session");
    CHECK_EQ(nx_secure_tls_session_create(&c.session, &nx_crypto_tls_ciphers, NX_NULL, 0), NX_PTR_ERROR,
             "create NULL metadata");
    CHECK_EQ(nx_secure_tls_session_start(&c.session, &c.socket, NX_NO_WAIT), NX_SECURE_TLS_SESSION_UNINITIALIZED,
             "start before create");
    CHECK_EQ(nx_secure_tls_session_delete(&c.session), NX_PTR_ERROR, "delete before create");
    CHECK_EQ(nx_secure_tls_session_create(&c.session, &nx_crypto_tls_ciphers, c.metadata, sizeof(c.metadata)),
             NX_SUCCESS, "create");
    CHECK_EQ(nx_secure_tls_session_create(&c.session, &nx_crypto_tls_ciphers, c.metadata, sizeof(c.metadata)),
             NX_PTR_ERROR, "create twice");
    CHECK_EQ(nx_secure_tls_session_packet_buffer_set(&c.session, c.packet_buffer, 100), NX_INVALID_PARAMETERS,
             "packet buffer below NX_SECURE_TLS_MINIMUM_MESSAGE_BUFFER_SIZE");
    CHECK_EQ(nx_secure_tls_session_protocol_version_override(&c.session, NX_SECURE_TLS_VERSION_SSL_3_0),
             NX_SECURE_TLS_UNSUPPORTED_TLS_VERSION, "override SSLv3");
    CHECK_EQ(nx_secure_tls_session_protocol_version_override(&c.session, 0x1234), NX_SECURE_TLS_UNKNOWN_TLS_VERSION,
             "override unknown version");
    CHECK_EQ(nx_secure_x509_dns_name_initialize(&dns, longname, sizeof(longname)), NX_SECURE_X509_NAME_STRING_TOO_LONG,
             "DNS name too long");
    CHECK_EQ(nx_secure_x509_certificate_initialize(&x, ca.data, ca.len, small, sizeof(small), NX_NULL, 0,
                                                   NX_SECURE_X509_KEY_TYPE_NONE),
             NX_SECURE_X509_INSUFFICIENT_CERT_SPACE, "certificate larger than its raw buffer");
    CHECK_EQ(nx_secure_x509_certificate_initialize(&x, key.data, key.len, NX_NULL, 0, NX_NULL, 0,
                                                   NX_SECURE_X509_KEY_TYPE_NONE),
             NX_SECURE_X509_INVALID_CERTIFICATE, "not a certificate");
    CHECK_EQ(nx_secure_x509_certificate_initialize(&x, cert.data, cert.len, NX_NULL, 0, key.data, key.len,
                                                   NX_SECURE_X509_KEY_TYPE_EC_DER),
             NX_SECURE_X509_UNEXPECTED_ASN1_TAG, "RSA key declared as EC");
    CHECK_EQ(nx_secure_x509_certificate_initialize(&x, cert.data, cert.len, NX_NULL, 0, key.data, key.len,
                                                   NX_SECURE_X509_KEY_TYPE_NONE),
             NX_SECURE_X509_INVALID_PRIVATE_KEY_TYPE, "key without a type");
    CHECK_EQ(nx_secure_x509_certificate_initialize(&x, cert.data, cert.len, NX_NULL, 0, key.data, key.len,
                                                   NX_SECURE_X509_KEY_TYPE_RSA_PKCS1_DER),
             NX_SUCCESS, "certificate with its PKCS#1 key");
    CHECK_EQ(x.nx_secure_x509_certificate_is_identity_cert, NX_TRUE, "identity certificate");
    CHECK_EQ(nx_secure_tls_local_certificate_add(&c.session, &x), NX_SUCCESS, "local certificate add");
    CHECK_EQ(nx_secure_tls_local_certificate_add(&c.session, &x), NX_SECURE_TLS_CERT_ID_DUPLICATE, "added twice");
    CHECK_EQ(_nx_secure_tls_handshake_process(&c.session, NX_NO_WAIT), NX_NOT_SUCCESSFUL, "handshake_process unstarted");
    CHECK_EQ(nx_secure_tls_session_receive(&c.session, &p, NX_NO_WAIT), NX_SECURE_TLS_SESSION_UNINITIALIZED,
             "receive unstarted");
    CHECK_EQ(nx_secure_tls_packet_allocate(&c.session, &pool, &p, NX_NO_WAIT), NX_SECURE_TLS_SESSION_UNINITIALIZED,
             "packet_allocate unstarted");
    CHECK_EQ(nx_secure_tls_session_end(&c.session, NX_NO_WAIT), NX_SUCCESS, "end unstarted");
    ULONG size = 0;
    CHECK_EQ(nx_secure_tls_metadata_size_calculate(&nx_crypto_tls_ciphers, &size), NX_SUCCESS, "metadata size");
    CHECK(size > 0 && size <= sizeof(c.metadata), "metadata size %lu", (unsigned long)size);

    /* No packet buffer: the first handshake record fails as in NetX Secure. */
    NX_SECURE_X509_CERT trusted;
    nx_secure_x509_certificate_initialize(&trusted, ca.data, ca.len, NX_NULL, 0, NX_NULL, 0, NX_SECURE_X509_KEY_TYPE_NONE);
    nx_secure_tls_trusted_certificate_add(&c.session, &trusted);
    ULONG before = pool.nx_packet_pool_available;
    CHECK_EQ(tcp_connect(&c, fx.tls_port), NX_SUCCESS, "TCP connect");
    CHECK_EQ(nx_secure_tls_session_start(&c.session, &c.socket, 5 * NX_IP_PERIODIC_RATE),
             NX_SECURE_TLS_PACKET_BUFFER_TOO_SMALL, "handshake without a packet buffer");
    p = NX_NULL;
    CHECK_EQ(nx_secure_tls_packet_allocate(&c.session, &pool, &p, NX_NO_WAIT), NX_SUCCESS,
             "packet_allocate on the connected socket");
    if (p) {
        nx_packet_data_append(p, (VOID *)(ALIGN_TYPE)mqtt_connect, sizeof(mqtt_connect), &pool, NX_NO_WAIT);
        CHECK_EQ(nx_secure_tls_session_send(&c.session, p, NX_NO_WAIT), NX_SECURE_TLS_SESSION_UNINITIALIZED,
                 "send without a session");
        nx_packet_release(p);
    }
    tcp_close(&c);
    CHECK_EQ(nx_secure_tls_session_delete(&c.session), NX_SUCCESS, "delete");
    CHECK_EQ(nx_secure_tls_session_delete(&c.session), NX_PTR_ERROR, "delete twice");
    CHECK_EQ(pool.nx_packet_pool_available, before, "every pool packet back");
    free(ca.data);
    free(key.data);
    free(cert.data);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    alarm(80);
    if (!load_fixture()) {
        printf("FAIL: the broker fixture's TLS settings are missing\n");
        return 1;
    }
    nx_system_initialize();
    nx_secure_tls_initialize();
    nx_packet_pool_create(&pool, "tls pool", 1536, pool_mem, sizeof(pool_mem));
    nx_ip_create(&ip, "ip", IP_ADDRESS(127, 0, 0, 1), 0xFF000000UL, &pool, NX_NULL, NX_NULL, 0, 1);
    nx_tcp_enable(&ip);
    ULONG total = pool.nx_packet_pool_total;

    const char *ca = fx.ca, *wrong = fx.wrong_ca;
    const USHORT v12 = NX_SECURE_TLS_VERSION_TLS_1_2, v13 = NX_SECURE_TLS_VERSION_TLS_1_3;
    const tls_case cases[] = {
        /* name, port, ca, cert, key, key type, version, sni, remote, nonblocking, time, callback,
           expect start, version, receive, alert */
        {"blocking handshake (TLS 1.3), SNI, remote certificate buffers, certificate callback", fx.tls_port, ca, NULL,
         NULL, 0, 0, fx.server_name, 1, 0, time_now, check_name_localhost, NX_SUCCESS, v13, NX_SUCCESS, -1},
        {"blocking handshake, TLS 1.2 override, remote certificate in the packet buffer", fx.tls_port, ca, NULL, NULL, 0,
         v12, NULL, 0, 0, NULL, NULL, NX_SUCCESS, v12, NX_SUCCESS, -1},
        {"non-blocking handshake (TLS 1.3) driven by the receive notify", fx.tls_port, ca, NULL, NULL, 0, 0,
         fx.server_name, 1, 1, NULL, NULL, NX_SUCCESS, v13, NX_SUCCESS, -1},
        {"non-blocking handshake, TLS 1.2", fx.tls_port, ca, NULL, NULL, 0, v12, NULL, 0, 1, time_now, NULL, NX_SUCCESS,
         v12, NX_SUCCESS, -1},
        {"SNI with the server's IP address", fx.tls_port, ca, NULL, NULL, 0, 0, "127.0.0.1", 0, 0, NULL, NULL,
         NX_SUCCESS, 0, NX_SUCCESS, -1},
        {"wrong CA (blocking)", fx.tls_port, wrong, NULL, NULL, 0, 0, NULL, 1, 0, NULL, NULL,
         NX_SECURE_X509_ISSUER_CERTIFICATE_NOT_FOUND, 0, 0, -1},
        {"wrong CA (non-blocking, TLS 1.2)", fx.tls_port, wrong, NULL, NULL, 0, v12, NULL, 0, 1, NULL, NULL,
         NX_SECURE_X509_ISSUER_CERTIFICATE_NOT_FOUND, 0, 0, -1},
        {"SNI name not in the certificate", fx.tls_port, ca, NULL, NULL, 0, 0, "nxd.invalid", 0, 0, NULL, NULL,
         NX_SECURE_X509_CERTIFICATE_DNS_MISMATCH, 0, 0, -1},
        {"certificate callback refuses (dns check)", fx.tls_port, ca, NULL, NULL, 0, 0, NULL, 1, 0, NULL,
         check_name_wrong, NX_SECURE_X509_CERTIFICATE_DNS_MISMATCH, 0, 0, -1},
        {"time function after the certificates' end", fx.tls_port, ca, NULL, NULL, 0, 0, NULL, 0, 0, time_2100, NULL,
         NX_SECURE_X509_CERTIFICATE_EXPIRED, 0, 0, -1},
        {"time function before the certificates' start", fx.tls_port, ca, NULL, NULL, 0, 0, NULL, 0, 0, time_2001, NULL,
         NX_SECURE_X509_CERTIFICATE_NOT_YET_VALID, 0, 0, -1},
        {"mutual TLS, RSA client certificate (TLS 1.3)", fx.mtls_port, ca, fx.client_cert, fx.client_key,
         NX_SECURE_X509_KEY_TYPE_RSA_PKCS1_DER, 0, fx.server_name, 1, 0, NULL, NULL, NX_SUCCESS, v13, NX_SUCCESS, -1},
        {"mutual TLS, RSA client certificate (TLS 1.2, non-blocking)", fx.mtls_port, ca, fx.client_cert, fx.client_key,
         NX_SECURE_X509_KEY_TYPE_RSA_PKCS1_DER, v12, NULL, 0, 1, NULL, NULL, NX_SUCCESS, v12, NX_SUCCESS, -1},
        {"mutual TLS, EC client certificate", fx.mtls_port, ca, fx.client_ec_cert, fx.client_ec_key,
         NX_SECURE_X509_KEY_TYPE_EC_DER, 0, NULL, 0, 0, NULL, NULL, NX_SUCCESS, 0, NX_SUCCESS, -1},
        {"mutual TLS without a client certificate (TLS 1.2): the server's alert fails the handshake", fx.mtls_port, ca,
         NULL, NULL, 0, v12, NULL, 0, 0, NULL, NULL, NX_SECURE_TLS_ALERT_RECEIVED, 0, 0,
         NX_SECURE_TLS_ALERT_HANDSHAKE_FAILURE},
        {"mutual TLS without a client certificate (TLS 1.3): the server's alert arrives after the client's Finished",
         fx.mtls_port, ca, NULL, NULL, 0, 0, NULL, 0, 0, NULL, NULL, NX_SUCCESS, v13, NX_SECURE_TLS_ALERT_RECEIVED,
         NX_SECURE_TLS_ALERT_CERTIFICATE_REQUIRED},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(&cases[i]);

    /* The server name check can be switched off (NetX Secure itself leaves it to the
       application's certificate callback). */
    nx_secure_tls_standin_sni_check_set(NX_FALSE);
    tls_case unchecked = {"SNI name not in the certificate, stand-in name check off", fx.tls_port, ca, NULL, NULL, 0, 0,
                          "nxd.invalid", 0, 0, NULL, NULL, NX_SUCCESS, 0, NX_SUCCESS, -1};
    run_case(&unchecked);
    nx_secure_tls_standin_sni_check_set(NX_TRUE);

    test_session_use();
    test_peer_close();
    test_odd_servers();
    test_api();

    CHECK_EQ(nx_secure_tls_standin_session_count(), 0, "no session left");
    CHECK_EQ(pool.nx_packet_pool_available, total, "pool_available == total at the end");
    nx_ip_delete(&ip);
    nx_packet_pool_delete(&pool);
    printf("%d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
