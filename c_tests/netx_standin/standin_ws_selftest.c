/* Self-test of the stand-in's NetX Duo WebSocket client (src/nx_websocket_standin.c).
 *
 * Against the broker fixture's WebSocket proxies (websockify in front of mosquitto: WS_PORT,
 * and WSS_PORT over the stand-in's NetX Secure TLS): blocking and non-blocking upgrades with
 * the subprotocol "mqtt" (the non-blocking one completed by a later receive, which calls the
 * connection status callback), MQTT CONNECT sent as one final binary frame, CONNACK received
 * as a binary frame, a 10 KB PUBLISH echoed back through a subscription, disconnect.
 * Against a scripted WebSocket server of its own on 127.0.0.1: data right after the upgrade
 * response, several frames in one segment, frames split in one-byte segments, PING answered by
 * PONG, fragmented messages, 16- and 64-bit lengths, CLOSE (answered, NX_WEBSOCKET_DISCONNECTED
 * and the callback), masked frames and reserved bits refused, bad upgrade answers. Every pool
 * packet is back after each case; the front ends' pointer checks.
 */
#define _GNU_SOURCE
#define NX_SECURE_ENABLE /* the application's configuration: nx_websocket_client_secure_connect */
#include "nx_secure_tls_api.h"
#include "nx_websocket_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

extern const NX_SECURE_TLS_CRYPTO nx_crypto_tls_ciphers;

#include "standin_selftest.h"

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- fixture ------------------------------------------------------------------------------------- */

static struct {
    unsigned ws_port, wss_port;
    char ca[512];
} fx;

static void take_fixture(const char *key, const char *value)
{
    if (strcmp(key, "WS_PORT") == 0)
        fx.ws_port = (unsigned)atoi(value);
    else if (strcmp(key, "WSS_PORT") == 0)
        fx.wss_port = (unsigned)atoi(value);
    else if (strcmp(key, "TLS_CA_DER") == 0)
        snprintf(fx.ca, sizeof(fx.ca), "%s", value);
}

static int load_fixture(void)
{
    if (!fixture_read(take_fixture))
        return 0;
    printf("WebSocket 127.0.0.1:%u, over TLS 127.0.0.1:%u, CA %s\n", fx.ws_port, fx.wss_port, fx.ca);
    return fx.ws_port && fx.wss_port && fx.ca[0];
}

/* ---- NetX objects ------------------------------------------------------------------------------------ */

#define POOL_PACKETS 96
static ULONG pool_mem[POOL_PACKETS * (1536 + 128) / sizeof(ULONG)];
static NX_PACKET_POOL pool;
static NX_IP ip;


/* connection status callback */
static unsigned status_calls;
static UINT status_last;
static void *status_context;

static VOID on_status(NX_WEBSOCKET_CLIENT *c, VOID *context, UINT status)
{
    (void)c;
    __atomic_fetch_add(&status_calls, 1, __ATOMIC_SEQ_CST);
    status_last = status;
    status_context = context;
}

static const UCHAR mqtt_connect[] = {0x10, 0x0c, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00};
static int context_tag;

typedef struct {
    NX_TCP_SOCKET socket;
    NX_WEBSOCKET_CLIENT ws;
    int tls;
    NX_SECURE_TLS_SESSION session;
    UCHAR metadata[16000];
    UCHAR packet_buffer[16384];
    NX_SECURE_X509_CERT ca_cert;
    UCHAR ca_der[8192];
} conn;

static UINT tcp_connect(conn *c, unsigned port)
{
    UINT st = nx_tcp_socket_create(&ip, &c->socket, "ws", NX_IP_NORMAL, NX_DONT_FRAGMENT, NX_IP_TIME_TO_LIVE, 65535,
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

static UINT tls_start(conn *c)
{
    UINT st = nx_secure_tls_session_create(&c->session, &nx_crypto_tls_ciphers, c->metadata, sizeof(c->metadata));
    if (st == NX_SUCCESS)
        st = nx_secure_tls_session_packet_buffer_set(&c->session, c->packet_buffer, sizeof(c->packet_buffer));
    FILE *f = fopen(fx.ca, "rb");
    size_t n = f ? fread(c->ca_der, 1, sizeof(c->ca_der), f) : 0;
    if (f)
        fclose(f);
    if (st == NX_SUCCESS)
        st = nx_secure_x509_certificate_initialize(&c->ca_cert, c->ca_der, (USHORT)n, NX_NULL, 0, NX_NULL, 0,
                                                   NX_SECURE_X509_KEY_TYPE_NONE);
    if (st == NX_SUCCESS)
        st = nx_secure_tls_trusted_certificate_add(&c->session, &c->ca_cert);
    if (st == NX_SUCCESS)
        st = nx_secure_tls_session_start(&c->session, &c->socket, 5 * NX_IP_PERIODIC_RATE);
    return st;
}

static UINT ws_send_bytes(NX_WEBSOCKET_CLIENT *w, const UCHAR *data, ULONG len, UINT code, UINT fin)
{
    NX_PACKET *p = NX_NULL;
    UINT st = nx_websocket_client_packet_allocate(w, &p, NX_WAIT_FOREVER);
    if (st)
        return st;
    CHECK(p->nx_packet_prepend_ptr - p->nx_packet_data_start >= NX_IPv4_TCP_PACKET + NX_WEBSOCKET_HEADER_SIZE,
          "websocket packet leaves room for TCP/IP and the frame header");
    st = nx_packet_data_append(p, (VOID *)(ALIGN_TYPE)data, len, &pool, NX_WAIT_FOREVER);
    if (st == NX_SUCCESS)
        st = nx_websocket_client_send(w, p, code, fin, 2 * NX_IP_PERIODIC_RATE);
    if (st != NX_SUCCESS)
        nx_packet_release(p);
    return st;
}

/* Collects want bytes of frame payloads (blocking receives, or NX_NO_WAIT receives driven by the
   receive notify). *codes: OR of (1 << opcode) of the packets. Returns the last receive status. */
static UINT ws_read(NX_WEBSOCKET_CLIENT *w, UCHAR *buf, ULONG want, ULONG *got, int nonblocking, unsigned timeout_ms,
                    unsigned *codes)
{
    uint64_t deadline = now_ms() + timeout_ms;
    unsigned seen = notify_count();
    UINT st = NX_NO_PACKET;
    *got = 0;
    if (codes)
        *codes = 0;
    while (*got < want && now_ms() < deadline) {
        NX_PACKET *p = NX_NULL;
        UINT code = 0xFF;
        st = nx_websocket_client_receive(w, &p, &code, nonblocking ? NX_NO_WAIT : NX_IP_PERIODIC_RATE / 2);
        if (st == NX_SUCCESS) {
            ULONG n = 0;
            nx_packet_data_extract_offset(p, 0, buf + *got, want - *got, &n);
            CHECK(n == p->nx_packet_length, "receive buffer large enough (%lu of %lu)", (unsigned long)n,
                  (unsigned long)p->nx_packet_length);
            *got += n;
            if (codes)
                *codes |= 1u << code;
            nx_packet_release(p);
            continue;
        }
        CHECK(p == NX_NULL, "no packet with status 0x%x", st);
        if (st != NX_NO_PACKET)
            break;
        if (nonblocking)
            seen = wait_notify(seen);
    }
    return st;
}

static void put_remaining_length(UCHAR **w, ULONG n)
{
    do {
        UCHAR b = (UCHAR)(n % 128);
        n /= 128;
        *(*w)++ = (UCHAR)(n ? b | 0x80 : b);
    } while (n);
}

/* ---- against the fixture's proxies ----------------------------------------------------------------- */

static void broker_case(const char *name, int tls, int nonblocking)
{
    printf("-- %s\n", name);
    static conn c;
    memset(&c, 0, sizeof(c));
    ULONG before = pool.nx_packet_pool_available;
    status_calls = 0;
    status_last = 0xFFFF;
    NX_WEBSOCKET_CLIENT *w = &c.ws;

    UINT st = tcp_connect(&c, tls ? fx.wss_port : fx.ws_port);
    CHECK_EQ(st, NX_SUCCESS, "TCP connect");
    if (st == NX_SUCCESS && tls) {
        st = tls_start(&c);
        CHECK_EQ(st, NX_SUCCESS, "TLS handshake");
    }
    CHECK_EQ(nx_websocket_client_create(w, (UCHAR *)"ws", &ip, &pool), NX_SUCCESS, "create");
    CHECK_EQ(w->nx_websocket_client_state, NX_WEBSOCKET_CLIENT_STATE_IDLE, "state after create");
    CHECK_EQ(nx_websocket_client_connection_status_callback_set(w, &context_tag, on_status), NX_SUCCESS,
             "callback set");
    if (st == NX_SUCCESS) {
        UCHAR host[] = "127.0.0.1", path[] = "/mqtt", proto[] = "mqtt";
        ULONG wait = nonblocking ? NX_NO_WAIT : 5 * NX_IP_PERIODIC_RATE;
        unsigned seen = notify_count();
        if (tls)
            st = nx_websocket_client_secure_connect(w, &c.session, host, 9, path, 5, proto, 4, wait);
        else
            st = nx_websocket_client_connect(w, &c.socket, host, 9, path, 5, proto, 4, wait);
        if (nonblocking) {
            CHECK_EQ(st, NX_IN_PROGRESS, "non-blocking connect returns NX_IN_PROGRESS");
            CHECK_EQ(w->nx_websocket_client_state, NX_WEBSOCKET_CLIENT_STATE_CONNECTING, "state CONNECTING");
            CHECK_EQ(nx_websocket_client_connect(w, &c.socket, host, 9, path, 5, proto, 4, NX_NO_WAIT),
                     NX_WEBSOCKET_CONNECTING, "connect while connecting");
            NX_PACKET *p = NX_NULL;
            UINT code = 0;
            CHECK_EQ(ws_send_bytes(w, mqtt_connect, 2, NX_WEBSOCKET_OPCODE_BINARY_FRAME, NX_TRUE),
                     NX_WEBSOCKET_NOT_CONNECTED, "send while connecting");
            uint64_t deadline = now_ms() + 5000;
            unsigned rounds = 0;
            while (__atomic_load_n(&status_calls, __ATOMIC_SEQ_CST) == 0 && now_ms() < deadline) {
                st = nx_websocket_client_receive(w, &p, &code, NX_NO_WAIT);
                rounds++;
                CHECK(st == NX_NO_PACKET, "receive while connecting: 0x%x (expected NX_NO_PACKET)", st);
                if (p)
                    nx_packet_release(p);
                if (status_calls == 0)
                    seen = wait_notify(seen);
            }
            CHECK(rounds >= 1, "upgrade completed by receive (%u rounds)", rounds);
            CHECK_EQ(status_calls, 1, "status callback called once");
            CHECK_EQ(status_last, NX_SUCCESS, "status callback: NX_SUCCESS");
            CHECK(status_context == &context_tag, "status callback: the context");
            st = status_last;
        } else {
            CHECK_EQ(st, NX_SUCCESS, "blocking connect");
            CHECK_EQ(status_calls, 1, "status callback called by the blocking connect too");
        }
        CHECK_EQ(w->nx_websocket_client_state, NX_WEBSOCKET_CLIENT_STATE_CONNECTED, "state CONNECTED");
        CHECK_EQ(nx_websocket_client_connect(w, &c.socket, host, 9, path, 5, proto, 4, NX_NO_WAIT),
                 NX_WEBSOCKET_ALREADY_CONNECTED, "connect when connected");
    }
    if (st == NX_SUCCESS) {
        CHECK_EQ(ws_send_bytes(w, mqtt_connect, sizeof(mqtt_connect), NX_WEBSOCKET_OPCODE_BINARY_FRAME, NX_TRUE),
                 NX_SUCCESS, "send CONNECT (one final binary frame)");
        UCHAR ack[4] = {0};
        ULONG got = 0;
        unsigned codes = 0;
        UINT rst = ws_read(w, ack, 4, &got, nonblocking, 5000, &codes);
        CHECK(got == 4 && ack[0] == 0x20 && ack[1] == 2 && ack[2] == 0 && ack[3] == 0,
              "CONNACK accepted (got %lu bytes %02x %02x %02x %02x, status 0x%x)", (unsigned long)got, ack[0], ack[1],
              ack[2], ack[3], rst);
        CHECK_EQ(codes, 1u << NX_WEBSOCKET_OPCODE_BINARY_FRAME, "CONNACK in binary frames");

        /* SUBSCRIBE + a 10 KB PUBLISH to the same topic (several TCP segments / records, 16-bit or
           64-bit frame lengths from the proxy), split in two frames: non-final + continuation */
        char topic[64];
        int tl = snprintf(topic, sizeof topic, "nxdct/ws/%d/%d%d", (int)getpid(), tls, nonblocking);
        UCHAR sub[128], *q = sub;
        *q++ = 0x82;
        put_remaining_length(&q, (ULONG)(2 + 2 + tl + 1));
        *q++ = 0;
        *q++ = 1;
        *q++ = 0;
        *q++ = (UCHAR)tl;
        memcpy(q, topic, (size_t)tl);
        q += tl;
        *q++ = 0;
        CHECK_EQ(ws_send_bytes(w, sub, (ULONG)(q - sub), NX_WEBSOCKET_OPCODE_BINARY_FRAME, NX_TRUE), NX_SUCCESS,
                 "send SUBSCRIBE");
        UCHAR suback[5];
        ws_read(w, suback, 5, &got, nonblocking, 5000, NULL);
        CHECK(got == 5 && suback[0] == 0x90 && suback[4] == 0, "SUBACK (%lu bytes)", (unsigned long)got);
        static UCHAR pub[10300], echo[10300];
        ULONG payload = 10000;
        q = pub;
        *q++ = 0x30;
        put_remaining_length(&q, 2 + (ULONG)tl + payload);
        *q++ = 0;
        *q++ = (UCHAR)tl;
        memcpy(q, topic, (size_t)tl);
        q += tl;
        for (ULONG i = 0; i < payload; i++)
            *q++ = (UCHAR)(i * 7 + 3);
        ULONG total = (ULONG)(q - pub), half = total / 2;
        CHECK_EQ(ws_send_bytes(w, pub, half, NX_WEBSOCKET_OPCODE_BINARY_FRAME, NX_FALSE), NX_SUCCESS,
                 "send PUBLISH, first frame (not final)");
        CHECK_EQ(ws_send_bytes(w, pub + half, total - half, NX_WEBSOCKET_OPCODE_CONTINUATION_FRAME, NX_TRUE),
                 NX_SUCCESS, "send PUBLISH, continuation (final)");
        rst = ws_read(w, echo, total, &got, nonblocking, 5000, &codes);
        CHECK(got == total && memcmp(echo, pub, total) == 0, "PUBLISH echoed (%lu of %lu bytes, status 0x%x)",
              (unsigned long)got, (unsigned long)total, rst);
        CHECK_EQ(codes, 1u << NX_WEBSOCKET_OPCODE_BINARY_FRAME, "echo in binary frames");

        CHECK_EQ(nx_websocket_client_disconnect(w, NX_IP_PERIODIC_RATE), NX_SUCCESS, "disconnect");
        CHECK_EQ(w->nx_websocket_client_state, NX_WEBSOCKET_CLIENT_STATE_DISCONNECT_SENT, "state DISCONNECT_SENT");
        CHECK_EQ(nx_websocket_client_disconnect(w, NX_IP_PERIODIC_RATE), NX_WEBSOCKET_INVALID_STATE,
                 "second disconnect");
        CHECK_EQ(ws_send_bytes(w, mqtt_connect, 2, NX_WEBSOCKET_OPCODE_BINARY_FRAME, NX_TRUE),
                 NX_WEBSOCKET_INVALID_STATE, "send after disconnect");
        /* the proxy answers the CLOSE (and closes the TCP connection) */
        rst = ws_read(w, ack, 1, &got, 0, 3000, NULL);
        CHECK(rst == NX_WEBSOCKET_DISCONNECTED || rst == NX_NOT_CONNECTED,
              "receive after disconnect: the server's CLOSE (0x%x)", rst);
        if (rst == NX_WEBSOCKET_DISCONNECTED)
            CHECK_EQ(w->nx_websocket_client_state, NX_WEBSOCKET_CLIENT_STATE_IDLE, "state IDLE after the CLOSE");
    }
    CHECK_EQ(nx_websocket_client_delete(w), NX_SUCCESS, "delete");
    CHECK_EQ(nx_websocket_client_delete(w), NX_PTR_ERROR, "delete twice");
    if (tls) {
        nx_secure_tls_session_end(&c.session, NX_NO_WAIT);
        nx_secure_tls_session_delete(&c.session);
    }
    tcp_close(&c);
    CHECK_EQ(pool.nx_packet_pool_available, before, "every pool packet back");
}

/* The proxy refuses a subprotocol it does not know: HTTP 400. */
static void refused_protocol_case(void)
{
    printf("-- upgrade refused by the server (unknown subprotocol)\n");
    static conn c;
    memset(&c, 0, sizeof(c));
    ULONG before = pool.nx_packet_pool_available;
    CHECK_EQ(tcp_connect(&c, fx.ws_port), NX_SUCCESS, "TCP connect");
    CHECK_EQ(nx_websocket_client_create(&c.ws, (UCHAR *)"ws", &ip, &pool), NX_SUCCESS, "create");
    UINT st = nx_websocket_client_connect(&c.ws, &c.socket, (UCHAR *)"localhost", 9, (UCHAR *)"/", 1,
                                          (UCHAR *)"nxd-unknown", 11, 5 * NX_IP_PERIODIC_RATE);
    CHECK_EQ(st, NX_WEBSOCKET_INVALID_STATUS_CODE, "connect: status code not 101");
    CHECK_EQ(c.ws.nx_websocket_client_state, NX_WEBSOCKET_CLIENT_STATE_IDLE, "state IDLE");
    CHECK_EQ(nx_websocket_client_delete(&c.ws), NX_SUCCESS, "delete");
    tcp_close(&c);
    CHECK_EQ(pool.nx_packet_pool_available, before, "every pool packet back");
}

/* ---- a scripted server ------------------------------------------------------------------------------- */

enum { SCRIPT_FRAMES, SCRIPT_MASKED, SCRIPT_RESERVED, SCRIPT_BAD_ACCEPT, SCRIPT_NO_PROTOCOL, SCRIPT_SPLIT_RESPONSE };

static int srv_listen = -1;
static unsigned srv_port;
static int srv_script;
static int srv_ok;           /* the server saw what it expected from the client */
static char srv_error[256];

static int read_full(int fd, UCHAR *b, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, b + got, n - got);
        if (r <= 0)
            return 0;
        got += (size_t)r;
    }
    return 1;
}

static void write_all(int fd, const void *b, size_t n)
{
    const UCHAR *p = b;
    while (n) {
        ssize_t r = write(fd, p, n);
        if (r <= 0)
            return;
        p += r;
        n -= (size_t)r;
    }
}

/* Reads one client frame (must be masked), unmasked into payload. */
static int read_client_frame(int fd, UCHAR *opcode, UCHAR *payload, size_t cap, size_t *len)
{
    UCHAR h[14];
    if (!read_full(fd, h, 2))
        return 0;
    *opcode = h[0] & 0x0F;
    size_t n = h[1] & 0x7F;
    if (!(h[1] & 0x80)) {
        snprintf(srv_error, sizeof srv_error, "client frame not masked");
        return 0;
    }
    if (n == 126) {
        if (!read_full(fd, h + 2, 2))
            return 0;
        n = ((size_t)h[2] << 8) | h[3];
    } else if (n == 127) {
        snprintf(srv_error, sizeof srv_error, "client sent a 64-bit length");
        return 0;
    }
    UCHAR key[4];
    if (!read_full(fd, key, 4) || n > cap || !read_full(fd, payload, n))
        return 0;
    for (size_t i = 0; i < n; i++)
        payload[i] ^= key[i & 3];
    *len = n;
    return 1;
}

static size_t frame(UCHAR *out, UCHAR b0, const UCHAR *payload, size_t n)
{
    size_t h = 0;
    out[h++] = b0;
    if (n <= 125) {
        out[h++] = (UCHAR)n;
    } else if (n <= 65535) {
        out[h++] = 126;
        out[h++] = (UCHAR)(n >> 8);
        out[h++] = (UCHAR)n;
    } else {
        out[h++] = 127;
        for (int i = 7; i >= 0; i--)
            out[h++] = (UCHAR)((uint64_t)n >> (8 * i));
    }
    if (payload)
        memcpy(out + h, payload, n);
    return h + n;
}

#define BIG_FRAME 70000
static UCHAR big_payload[BIG_FRAME];

static void *server(void *arg)
{
    (void)arg;
    int fd = accept(srv_listen, NULL, NULL);
    if (fd < 0)
        return NULL;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char req[4096];
    size_t n = 0;
    while (n < sizeof req - 1 && (n < 4 || memcmp(req + n - 4, "\r\n\r\n", 4) != 0)) {
        ssize_t r = read(fd, req + n, 1);
        if (r <= 0)
            goto out;
        n += (size_t)r;
    }
    req[n] = 0;
    const char *k = strcasestr(req, "\r\nSec-WebSocket-Key: ");
    if (strncmp(req, "GET /path HTTP/1.1\r\n", 20) != 0 || k == NULL || !strstr(req, "\r\nHost: example.test\r\n") ||
        !strstr(req, "\r\nUpgrade: websocket\r\n") || !strstr(req, "\r\nConnection: Upgrade\r\n") ||
        !strstr(req, "\r\nSec-WebSocket-Version: 13\r\n") || !strstr(req, "\r\nSec-WebSocket-Protocol: mqtt\r\n")) {
        snprintf(srv_error, sizeof srv_error, "unexpected request: %.200s", req);
        goto out;
    }
    k += 21;
    const char *ke = strstr(k, "\r\n");
    UCHAR material[128], digest[SHA_DIGEST_LENGTH], accept_b64[40];
    size_t kl = (size_t)(ke - k);
    memcpy(material, k, kl);
    memcpy(material + kl, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", 36);
    SHA1(material, kl + 36, digest);
    EVP_EncodeBlock(accept_b64, digest, SHA_DIGEST_LENGTH);
    if (kl != 24) {
        snprintf(srv_error, sizeof srv_error, "key of %zu characters", kl);
        goto out;
    }
    if (srv_script == SCRIPT_BAD_ACCEPT)
        accept_b64[3] ^= 1;
    static UCHAR out_buf[BIG_FRAME + 4096];
    size_t o = (size_t)snprintf((char *)out_buf, 512,
                                "HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n"
                                "Sec-WebSocket-Accept: %s\r\n%sServer: scripted\r\n\r\n",
                                accept_b64, srv_script == SCRIPT_NO_PROTOCOL ? "" : "Sec-WebSocket-Protocol: mqtt\r\n");
    if (srv_script == SCRIPT_SPLIT_RESPONSE) {
        for (size_t i = 0; i < o; i++) {
            write_all(fd, out_buf + i, 1);
            sleep_ms(1);
        }
        o = frame(out_buf, 0x82, (const UCHAR *)"ok", 2);
        write_all(fd, out_buf, o);
        srv_ok = 1;
        sleep_ms(300);
        goto out;
    }
    if (srv_script == SCRIPT_MASKED) {
        out_buf[o++] = 0x82;
        out_buf[o++] = 0x82;
        memcpy(out_buf + o, "\1\2\3\4xy", 6);
        o += 6;
    } else if (srv_script == SCRIPT_RESERVED) {
        o += frame(out_buf + o, 0xC2, (const UCHAR *)"xy", 2);
    } else if (srv_script == SCRIPT_FRAMES) {
        o += frame(out_buf + o, 0x82, (const UCHAR *)"abc", 3); /* with the response */
    }
    write_all(fd, out_buf, o);
    if (srv_script != SCRIPT_FRAMES) {
        srv_ok = 1;
        sleep_ms(500);
        goto out;
    }
    /* several frames in one segment: PING, text, fragmented binary (non-final + PONG-interleaved
       continuation), an empty final binary frame */
    o = frame(out_buf, 0x89, (const UCHAR *)"hi", 2);
    o += frame(out_buf + o, 0x81, (const UCHAR *)"hello", 5);
    o += frame(out_buf + o, 0x02, (const UCHAR *)"12", 2);
    o += frame(out_buf + o, 0x8A, (const UCHAR *)"unsolicited", 11);
    o += frame(out_buf + o, 0x80, (const UCHAR *)"34", 2);
    write_all(fd, out_buf, o);
    UCHAR op, pl[256];
    size_t pn = 0;
    if (!read_client_frame(fd, &op, pl, sizeof pl, &pn) || op != 0x0A || pn != 2 || memcmp(pl, "hi", 2) != 0) {
        snprintf(srv_error + strlen(srv_error), sizeof srv_error - strlen(srv_error), " no PONG \"hi\" (op %u)", op);
        goto out;
    }
    /* a 300-byte frame (16-bit length) in one-byte writes, then a 64-bit length frame */
    UCHAR mid[300];
    for (int i = 0; i < 300; i++)
        mid[i] = (UCHAR)(i * 3);
    o = frame(out_buf, 0x82, mid, sizeof mid);
    for (size_t i = 0; i < o; i++) {
        write_all(fd, out_buf + i, 1);
        if (i % 37 == 0)
            sleep_ms(1);
    }
    o = frame(out_buf, 0x82, big_payload, BIG_FRAME);
    write_all(fd, out_buf, o);
    /* the client echoes "echo" back, then the server closes with 1000 */
    if (!read_client_frame(fd, &op, pl, sizeof pl, &pn) || op != 0x01 || pn != 4 || memcmp(pl, "echo", 4) != 0) {
        snprintf(srv_error + strlen(srv_error), sizeof srv_error - strlen(srv_error), " no text \"echo\"");
        goto out;
    }
    o = frame(out_buf, 0x88, (const UCHAR *)"\x03\xe8" "bye", 5);
    write_all(fd, out_buf, o);
    if (!read_client_frame(fd, &op, pl, sizeof pl, &pn) || op != 0x08 || pn != 2 || pl[0] != 0x03 || pl[1] != 0xe8) {
        snprintf(srv_error + strlen(srv_error), sizeof srv_error - strlen(srv_error), " no CLOSE 1000 answer");
        goto out;
    }
    srv_ok = 1;
    sleep_ms(200);
out:
    close(fd);
    return NULL;
}

static void scripted_case(const char *name, int script, int nonblocking)
{
    printf("-- scripted server: %s\n", name);
    static conn c;
    memset(&c, 0, sizeof(c));
    srv_script = script;
    srv_ok = 0;
    srv_error[0] = 0;
    status_calls = 0;
    ULONG before = pool.nx_packet_pool_available;
    pthread_t th;
    pthread_create(&th, NULL, server, NULL);
    NX_WEBSOCKET_CLIENT *w = &c.ws;
    CHECK_EQ(tcp_connect(&c, srv_port), NX_SUCCESS, "TCP connect");
    CHECK_EQ(nx_websocket_client_create(w, (UCHAR *)"ws", &ip, &pool), NX_SUCCESS, "create");
    nx_websocket_client_connection_status_callback_set(w, &context_tag, on_status);
    UINT st = nx_websocket_client_connect(w, &c.socket, (UCHAR *)"example.test", 12, (UCHAR *)"/path", 5,
                                          (UCHAR *)"mqtt", 4, nonblocking ? NX_NO_WAIT : 5 * NX_IP_PERIODIC_RATE);
    UCHAR buf[BIG_FRAME];
    ULONG got = 0;
    unsigned codes = 0;
    UINT code = 0;
    NX_PACKET *p = NX_NULL;
    switch (script) {
    case SCRIPT_BAD_ACCEPT:
    case SCRIPT_NO_PROTOCOL:
        CHECK_EQ(st, NX_WEBSOCKET_INVALID_PACKET, "connect: the answer is refused");
        CHECK_EQ(w->nx_websocket_client_state, NX_WEBSOCKET_CLIENT_STATE_IDLE, "state IDLE");
        CHECK_EQ(status_calls, 0, "no status callback on a refused answer (as NetX Duo)");
        break;
    case SCRIPT_SPLIT_RESPONSE:
        CHECK_EQ(st, NX_IN_PROGRESS, "non-blocking connect");
        st = ws_read(w, buf, 2, &got, 1, 5000, &codes);
        CHECK(got == 2 && memcmp(buf, "ok", 2) == 0, "response in one-byte segments, then a frame (status 0x%x)", st);
        CHECK_EQ(status_calls, 1, "status callback");
        break;
    case SCRIPT_MASKED:
    case SCRIPT_RESERVED:
        CHECK_EQ(st, NX_SUCCESS, "connect");
        st = nx_websocket_client_receive(w, &p, &code, 2 * NX_IP_PERIODIC_RATE);
        CHECK_EQ(st, NX_WEBSOCKET_INVALID_PACKET,
                 script == SCRIPT_MASKED ? "masked server frame refused" : "reserved bits refused");
        CHECK(p == NX_NULL, "no packet");
        break;
    case SCRIPT_FRAMES: {
        CHECK_EQ(st, NX_SUCCESS, "connect (a frame came with the response)");
        st = nx_websocket_client_receive(w, &p, &code, NX_NO_WAIT);
        CHECK(st == NX_SUCCESS && p && p->nx_packet_length == 3 && code == NX_WEBSOCKET_OPCODE_BINARY_FRAME,
              "frame that came with the response (status 0x%x)", st);
        if (p)
            nx_packet_release(p);
        ws_read(w, buf, 5, &got, 0, 3000, &codes);
        CHECK(got == 5 && memcmp(buf, "hello", 5) == 0 && codes == 1u << NX_WEBSOCKET_OPCODE_TEXT_FRAME,
              "PING handled inside, then the text frame");
        ws_read(w, buf, 4, &got, 0, 3000, &codes);
        CHECK(got == 4 && memcmp(buf, "1234", 4) == 0 && codes == 1u << NX_WEBSOCKET_OPCODE_BINARY_FRAME,
              "fragmented message (PONG between its frames): the message's opcode for both parts");
        nx_standin_tcp_max_segment_set(7);
        ws_read(w, buf, 300, &got, 1, 5000, &codes);
        int same = got == 300;
        for (int i = 0; same && i < 300; i++)
            same = buf[i] == (UCHAR)(i * 3);
        CHECK(same, "300-byte frame (16-bit length) split in small segments (%lu bytes)", (unsigned long)got);
        nx_standin_tcp_max_segment_set(1460);
        ws_read(w, buf, BIG_FRAME, &got, 0, 5000, &codes);
        CHECK(got == BIG_FRAME && memcmp(buf, big_payload, BIG_FRAME) == 0, "70000-byte frame (64-bit length): %lu",
              (unsigned long)got);
        CHECK_EQ(ws_send_bytes(w, (const UCHAR *)"echo", 4, NX_WEBSOCKET_OPCODE_TEXT_FRAME, NX_TRUE), NX_SUCCESS,
                 "send text");
        status_calls = 0;
        st = ws_read(w, buf, 1, &got, 0, 3000, NULL);
        CHECK_EQ(st, NX_WEBSOCKET_DISCONNECTED, "server's CLOSE: NX_WEBSOCKET_DISCONNECTED");
        CHECK_EQ(status_calls, 1, "status callback on the CLOSE");
        CHECK_EQ(status_last, NX_WEBSOCKET_DISCONNECTED, "callback status NX_WEBSOCKET_DISCONNECTED");
        CHECK_EQ(w->nx_websocket_client_state, NX_WEBSOCKET_CLIENT_STATE_DISCONNECT_RECEIVED,
                 "state DISCONNECT_RECEIVED");
        CHECK_EQ(nx_websocket_client_receive(w, &p, &code, NX_NO_WAIT), NX_WEBSOCKET_INVALID_STATE,
                 "receive after the CLOSE");
        CHECK_EQ(nx_websocket_client_disconnect(w, NX_IP_PERIODIC_RATE), NX_SUCCESS, "disconnect after the CLOSE");
        CHECK_EQ(w->nx_websocket_client_state, NX_WEBSOCKET_CLIENT_STATE_IDLE, "state IDLE");
        break;
    }
    }
    pthread_join(th, NULL);
    if (script != SCRIPT_BAD_ACCEPT && script != SCRIPT_NO_PROTOCOL)
        CHECK(srv_ok, "server side as expected: %s", srv_error);
    CHECK_EQ(nx_websocket_client_delete(w), NX_SUCCESS, "delete");
    tcp_close(&c);
    CHECK_EQ(pool.nx_packet_pool_available, before, "every pool packet back");
}

/* ---- the front ends' checks ------------------------------------------------------------------------ */

static void test_api(void)
{
    printf("-- front ends\n");
    static NX_WEBSOCKET_CLIENT w;
    static NX_TCP_SOCKET s;
    NX_PACKET *p = NX_NULL;
    UINT code;
    memset(&w, 0, sizeof w);
    CHECK_EQ(nx_websocket_client_create(NX_NULL, (UCHAR *)"w", &ip, &pool), NX_PTR_ERROR, "create NULL client");
    CHECK_EQ(nx_websocket_client_create(&w, (UCHAR *)"w", NX_NULL, &pool), NX_PTR_ERROR, "create NULL ip");
    CHECK_EQ(nx_websocket_client_create(&w, (UCHAR *)"w", &ip, NX_NULL), NX_PTR_ERROR, "create NULL pool");
    CHECK_EQ(nx_websocket_client_send(&w, (NX_PACKET *)&s, 2, 1, 0), NX_PTR_ERROR, "send on an uncreated client");
    CHECK_EQ(nx_websocket_client_create(&w, (UCHAR *)"w", &ip, &pool), NX_SUCCESS, "create");
    CHECK_EQ(nx_websocket_client_create(&w, (UCHAR *)"w", &ip, &pool), NX_PTR_ERROR, "create twice");
    CHECK_EQ(nx_websocket_client_connect(&w, NX_NULL, (UCHAR *)"h", 1, (UCHAR *)"/", 1, (UCHAR *)"mqtt", 4, 0),
             NX_PTR_ERROR, "connect NULL socket");
    CHECK_EQ(nx_websocket_client_connect(&w, &s, (UCHAR *)"h", 1, (UCHAR *)"/", 1, (UCHAR *)"mqtt", 4, 0),
             NX_PTR_ERROR, "connect uncreated socket");
    nx_tcp_socket_create(&ip, &s, "s", NX_IP_NORMAL, NX_DONT_FRAGMENT, NX_IP_TIME_TO_LIVE, 8192, NX_NULL, NX_NULL);
    CHECK_EQ(nx_websocket_client_connect(&w, &s, (UCHAR *)"h", 0, (UCHAR *)"/", 1, (UCHAR *)"mqtt", 4, 0),
             NX_PTR_ERROR, "connect empty host");
    CHECK_EQ(nx_websocket_client_connect(&w, &s, (UCHAR *)"h", 1, (UCHAR *)"/", 1, NX_NULL, 4, 0), NX_PTR_ERROR,
             "connect NULL protocol");
    CHECK_EQ(nx_websocket_client_secure_connect(&w, NX_NULL, (UCHAR *)"h", 1, (UCHAR *)"/", 1, (UCHAR *)"mqtt", 4, 0),
             NX_PTR_ERROR, "secure_connect NULL session");
    CHECK_EQ(nx_websocket_client_receive(&w, NX_NULL, &code, 0), NX_PTR_ERROR, "receive NULL packet pointer");
    CHECK_EQ(nx_websocket_client_receive(&w, &p, NX_NULL, 0), NX_PTR_ERROR, "receive NULL code");
    CHECK_EQ(nx_websocket_client_receive(&w, &p, &code, 0), NX_WEBSOCKET_INVALID_STATE, "receive when idle");
    CHECK_EQ(nx_websocket_client_packet_allocate(&w, NX_NULL, 0), NX_PTR_ERROR, "packet_allocate NULL");
    CHECK_EQ(nx_websocket_client_send(&w, NX_NULL, 2, 1, 0), NX_PTR_ERROR, "send NULL packet");
    CHECK_EQ(nx_websocket_client_packet_allocate(&w, &p, NX_NO_WAIT), NX_SUCCESS, "packet_allocate when idle");
    CHECK_EQ(nx_websocket_client_send(&w, p, 2, 1, 0), NX_WEBSOCKET_NOT_CONNECTED, "send when idle");
    nx_packet_release(p);
    CHECK_EQ(nx_websocket_client_disconnect(&w, 0), NX_WEBSOCKET_INVALID_STATE, "disconnect when idle");
    CHECK_EQ(nx_websocket_client_connection_status_callback_set(NX_NULL, NX_NULL, NX_NULL), NX_PTR_ERROR,
             "callback_set NULL");
    CHECK_EQ(nx_websocket_client_delete(&w), NX_SUCCESS, "delete");
    CHECK_EQ(nx_websocket_client_disconnect(&w, 0), NX_PTR_ERROR, "disconnect after delete");
    CHECK_EQ(_nx_websocket_client_create(&w, (UCHAR *)"w", &ip, &pool), NX_SUCCESS, "core create");
    CHECK_EQ(_nx_websocket_client_connect(&w, &s, (UCHAR *)"h", 1, (UCHAR *)"/", 1, (UCHAR *)"mqtt", 4, 0),
             NX_NOT_BOUND, "connect over an unbound socket: the TCP send status");
    CHECK_EQ(w.nx_websocket_client_state, NX_WEBSOCKET_CLIENT_STATE_IDLE, "state IDLE after a failed connect");
    CHECK_EQ(_nx_websocket_client_delete(&w), NX_SUCCESS, "core delete");
    nx_tcp_socket_delete(&s);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    alarm(80);
    if (!load_fixture()) {
        printf("FAIL: the broker fixture's WebSocket settings (WS_PORT, WSS_PORT) are missing\n");
        return 1;
    }
    nx_system_initialize();
    nx_secure_tls_initialize();
    nx_packet_pool_create(&pool, "ws pool", 1536, pool_mem, sizeof(pool_mem));
    nx_ip_create(&ip, "ip", IP_ADDRESS(127, 0, 0, 1), 0xFF000000UL, &pool, NX_NULL, NX_NULL, 0, 1);
    nx_tcp_enable(&ip);
    ULONG total = pool.nx_packet_pool_total;
    for (size_t i = 0; i < BIG_FRAME; i++)
        big_payload[i] = (UCHAR)(i * 13 + (i >> 9));

    broker_case("WebSocket, blocking connect", 0, 0);
    broker_case("WebSocket, non-blocking connect completed by receive", 0, 1);
    broker_case("WebSocket over TLS, blocking connect", 1, 0);
    broker_case("WebSocket over TLS, non-blocking connect completed by receive", 1, 1);
    refused_protocol_case();

    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    srv_listen = socket(AF_INET, SOCK_STREAM, 0);
    socklen_t al = sizeof a;
    if (srv_listen < 0 || bind(srv_listen, (struct sockaddr *)&a, sizeof a) != 0 || listen(srv_listen, 4) != 0 ||
        getsockname(srv_listen, (struct sockaddr *)&a, &al) != 0) {
        printf("FAIL: no listener for the scripted server\n");
        return 1;
    }
    srv_port = ntohs(a.sin_port);
    scripted_case("frames with the response, in one segment, split, PING, fragments, 64-bit length, CLOSE",
                  SCRIPT_FRAMES, 0);
    scripted_case("response in one-byte segments (non-blocking connect)", SCRIPT_SPLIT_RESPONSE, 1);
    scripted_case("masked server frame", SCRIPT_MASKED, 0);
    scripted_case("reserved bits set", SCRIPT_RESERVED, 0);
    scripted_case("wrong Sec-WebSocket-Accept", SCRIPT_BAD_ACCEPT, 0);
    scripted_case("no Sec-WebSocket-Protocol in the answer", SCRIPT_NO_PROTOCOL, 0);
    close(srv_listen);

    test_api();

    CHECK_EQ(pool.nx_packet_pool_available, total, "pool_available == total at the end");
    nx_ip_delete(&ip);
    nx_packet_pool_delete(&pool);
    printf("%d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
