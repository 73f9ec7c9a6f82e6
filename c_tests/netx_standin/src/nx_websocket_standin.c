/* Host stand-in for NetX Duo's WebSocket client (test support only): RFC 6455 client over the
 * stand-in's NetX TCP socket or NetX Secure TLS session. Written for the nxd_mqtt tests; see
 * include/nx_websocket_client.h and README.md.
 *
 * Received bytes are copied out of the transport's packets at once (the packets go straight
 * back to their pool) into a heap buffer of the client, from which the HTTP upgrade response
 * and the frames are parsed; a data frame's payload is handed to the caller in a new packet of
 * the client's pool. So the stand-in never holds a pool packet between calls.
 */
#define _GNU_SOURCE
#define NX_SOURCE_CODE
#define NX_SECURE_SOURCE_CODE
#define NX_WEBSOCKET_CLIENT_SOURCE_CODE
#ifndef NX_SECURE_ENABLE
#define NX_SECURE_ENABLE
#endif
#include "nx_websocket_client.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" /* RFC 6455, section 1.3 */
#define WS_ACCEPT_SIZE 28                             /* base64 of a SHA-1 digest */
#define WS_MAX_RESPONSE 16384                         /* upgrade response header limit */
#define WS_CONTROL_WAIT NX_IP_PERIODIC_RATE           /* bound for PONG / CLOSE answers */

typedef NX_WEBSOCKET_CLIENT ws_t;

static void ws_lock(ws_t *c)
{
    pthread_mutex_lock(&c->nx_websocket_client_standin_lock);
}

static void ws_unlock(ws_t *c)
{
    pthread_mutex_unlock(&c->nx_websocket_client_standin_lock);
}

static void ws_random(UCHAR *out, size_t n)
{
    if (RAND_bytes(out, (int)n) != 1) {
        for (size_t i = 0; i < n; i++)
            out[i] = (UCHAR)random();
    }
}

/* ---- transport ------------------------------------------------------------------------------ */

static NX_SECURE_TLS_SESSION *ws_session(ws_t *c)
{
    return c->nx_websocket_client_use_tls ? c->nx_websocket_client_tls_session_ptr : NX_NULL;
}

static UINT ws_transport_allocate(ws_t *c, NX_PACKET **p, ULONG wait)
{
    NX_SECURE_TLS_SESSION *s = ws_session(c);
    if (s != NX_NULL)
        return _nx_secure_tls_packet_allocate(s, c->nx_websocket_client_packet_pool_ptr, p, wait);
    NX_TCP_SOCKET *sock = c->nx_websocket_client_socket_ptr;
    ULONG header = NX_TCP_PACKET;
    if (sock != NX_NULL && sock->nx_tcp_socket_connect_ip.nxd_ip_version == NX_IP_VERSION_V4)
        header = NX_IPv4_TCP_PACKET;
    else if (sock != NX_NULL && sock->nx_tcp_socket_connect_ip.nxd_ip_version == NX_IP_VERSION_V6)
        header = NX_IPv6_TCP_PACKET;
    return _nx_packet_allocate(c->nx_websocket_client_packet_pool_ptr, p, header, wait);
}

static UINT ws_transport_send(ws_t *c, NX_PACKET *p, ULONG wait)
{
    NX_SECURE_TLS_SESSION *s = ws_session(c);
    if (s != NX_NULL)
        return _nx_secure_tls_session_send(s, p, wait);
    if (c->nx_websocket_client_socket_ptr == NX_NULL)
        return NX_WEBSOCKET_NOT_CONNECTED;
    return _nx_tcp_socket_send(c->nx_websocket_client_socket_ptr, p, wait);
}

static UINT ws_transport_receive(ws_t *c, NX_PACKET **p, ULONG wait)
{
    NX_SECURE_TLS_SESSION *s = ws_session(c);
    if (s != NX_NULL)
        return _nx_secure_tls_session_receive(s, p, wait);
    if (c->nx_websocket_client_socket_ptr == NX_NULL)
        return NX_WEBSOCKET_NOT_CONNECTED;
    return _nx_tcp_socket_receive(c->nx_websocket_client_socket_ptr, p, wait);
}

/* ---- receive buffer ------------------------------------------------------------------------ */

static int ws_rx_append(ws_t *c, const UCHAR *data, ULONG n)
{
    ULONG need = c->nx_websocket_client_standin_rx_length + n;
    if (need > c->nx_websocket_client_standin_rx_capacity) {
        ULONG cap = c->nx_websocket_client_standin_rx_capacity ? c->nx_websocket_client_standin_rx_capacity : 4096;
        while (cap < need)
            cap *= 2;
        UCHAR *b = realloc(c->nx_websocket_client_standin_rx, cap);
        if (b == NULL)
            return 0;
        c->nx_websocket_client_standin_rx = b;
        c->nx_websocket_client_standin_rx_capacity = cap;
    }
    memcpy(c->nx_websocket_client_standin_rx + c->nx_websocket_client_standin_rx_length, data, n);
    c->nx_websocket_client_standin_rx_length = need;
    return 1;
}

static void ws_rx_consume(ws_t *c, ULONG n)
{
    ULONG left = c->nx_websocket_client_standin_rx_length - n;
    if (left)
        memmove(c->nx_websocket_client_standin_rx, c->nx_websocket_client_standin_rx + n, left);
    c->nx_websocket_client_standin_rx_length = left;
}

/* Drops pending bytes and the frame in progress. */
static void ws_rx_reset(ws_t *c)
{
    c->nx_websocket_client_standin_rx_length = 0;
    c->nx_websocket_client_frame_header_found = NX_FALSE;
    c->nx_websocket_client_frame_data_length = 0;
    c->nx_websocket_client_frame_data_received = 0;
}

/* ---- frames out ------------------------------------------------------------------------------ */

/* Turns the packet's data into one masked frame (header written in front of it) and sends it.
   On failure the packet stays the caller's (with the frame header and masked data, as NetX Duo
   leaves it). */
static UINT ws_frame_send(ws_t *c, NX_PACKET *p, UINT code, UINT is_final, ULONG wait)
{
    ULONG len = p->nx_packet_length;
    ULONG header_size = (len > 125) ? NX_WEBSOCKET_HEADER_SIZE : NX_WEBSOCKET_HEADER_NORMAL_SIZE;
    if (len > 65535)
        return NX_NOT_SUPPORTED; /* NetX Duo's client sends 16-bit lengths at most */
    if ((ULONG)(p->nx_packet_prepend_ptr - p->nx_packet_data_start) < header_size)
        return NX_WEBSOCKET_INVALID_PACKET;
    UCHAR key[NX_WEBSOCKET_MASKING_KEY_SIZE];
    ws_random(key, sizeof key);
    ULONG k = 0;
    for (NX_PACKET *b = p; b != NX_NULL; b = b->nx_packet_next)
        for (UCHAR *d = b->nx_packet_prepend_ptr; d < b->nx_packet_append_ptr; d++)
            *d ^= key[k++ & 3];
    UCHAR *h = p->nx_packet_prepend_ptr - header_size;
    h[0] = (UCHAR)((is_final ? NX_WEBSOCKET_FIN : 0) | (code & NX_WEBSOCKET_OPCODE_MASK));
    if (len <= 125) {
        h[1] = (UCHAR)(NX_WEBSOCKET_MASK | len);
        memcpy(h + 2, key, 4);
    } else {
        h[1] = NX_WEBSOCKET_MASK | NX_WEBSOCKET_PAYLOAD_LEN_16BITS;
        h[2] = (UCHAR)(len >> 8);
        h[3] = (UCHAR)len;
        memcpy(h + 4, key, 4);
    }
    p->nx_packet_prepend_ptr = h;
    p->nx_packet_length += header_size;
    return ws_transport_send(c, p, wait);
}

/* A control frame with the given payload (PONG, CLOSE). */
static UINT ws_control_send(ws_t *c, UINT code, const UCHAR *payload, ULONG n, ULONG wait)
{
    NX_PACKET *p = NX_NULL;
    UINT st = _nx_websocket_client_packet_allocate(c, &p, wait);
    if (st != NX_SUCCESS)
        return st;
    if (n)
        st = _nx_packet_data_append(p, (VOID *)(ALIGN_TYPE)payload, n, c->nx_websocket_client_packet_pool_ptr, wait);
    if (st == NX_SUCCESS)
        st = ws_frame_send(c, p, code, NX_TRUE, wait);
    if (st != NX_SUCCESS)
        _nx_packet_release(p);
    return st;
}

/* ---- the upgrade ------------------------------------------------------------------------------- */

static int ws_name_is(const UCHAR *name, ULONG n, const char *want)
{
    return n == strlen(want) && strncasecmp((const char *)name, want, n) == 0;
}

/* 1 if the comma-separated list holds token (case-insensitive). */
static int ws_has_token(const UCHAR *v, ULONG n, const char *token)
{
    ULONG i = 0, tl = (ULONG)strlen(token);
    while (i < n) {
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        ULONG s = i;
        while (i < n && v[i] != ',')
            i++;
        ULONG e = i;
        while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
            e--;
        if (e - s == tl && strncasecmp((const char *)v + s, token, tl) == 0)
            return 1;
    }
    return 0;
}

/* Checks the server's answer to the upgrade (hdr: the header block, n bytes up to and with the
   blank line). */
static UINT ws_response_check(ws_t *c, const UCHAR *hdr, ULONG n)
{
    const UCHAR *end = hdr + n - 2; /* the final CRLF */
    const UCHAR *line_end = memmem(hdr, n, "\r\n", 2);
    if (line_end == NULL || line_end - hdr < 12 || memcmp(hdr, "HTTP/1.1 ", 9) != 0)
        return NX_WEBSOCKET_INVALID_PACKET;
    if (memcmp(hdr + 9, "101", 3) != 0 || (line_end - hdr > 12 && hdr[12] != ' '))
        return NX_WEBSOCKET_INVALID_STATUS_CODE;

    /* expected Sec-WebSocket-Accept: base64(SHA-1(key | GUID)) */
    UCHAR digest[SHA_DIGEST_LENGTH], accept[WS_ACCEPT_SIZE + 4], material[64];
    size_t ml = c->nx_websocket_client_key_size;
    memcpy(material, c->nx_websocket_client_key, ml);
    memcpy(material + ml, WS_GUID, sizeof(WS_GUID) - 1);
    SHA1(material, ml + sizeof(WS_GUID) - 1, digest);
    EVP_EncodeBlock(accept, digest, SHA_DIGEST_LENGTH);

    int upgrade = 0, connection = 0, accepts = 0, protocols = 0;
    const UCHAR *l = line_end + 2;
    while (l < end) {
        const UCHAR *le = memmem(l, (size_t)(end + 2 - l), "\r\n", 2);
        const UCHAR *colon = memchr(l, ':', (size_t)(le - l));
        if (colon == NULL)
            return NX_WEBSOCKET_INVALID_PACKET;
        const UCHAR *v = colon + 1, *ve = le;
        while (v < ve && (*v == ' ' || *v == '\t'))
            v++;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
            ve--;
        ULONG nl = (ULONG)(colon - l), vl = (ULONG)(ve - v);
        if (ws_name_is(l, nl, "Upgrade")) {
            if (!ws_name_is(v, vl, "websocket"))
                return NX_WEBSOCKET_INVALID_PACKET;
            upgrade++;
        } else if (ws_name_is(l, nl, "Connection")) {
            if (!ws_has_token(v, vl, "Upgrade"))
                return NX_WEBSOCKET_INVALID_PACKET;
            connection++;
        } else if (ws_name_is(l, nl, "Sec-WebSocket-Accept")) {
            if (vl != WS_ACCEPT_SIZE || memcmp(v, accept, WS_ACCEPT_SIZE) != 0)
                return NX_WEBSOCKET_INVALID_PACKET;
            accepts++;
        } else if (ws_name_is(l, nl, "Sec-WebSocket-Protocol")) {
            if (vl != c->nx_websocket_client_subprotocol_length ||
                memcmp(v, c->nx_websocket_client_subprotocol, vl) != 0)
                return NX_WEBSOCKET_INVALID_PACKET;
            protocols++;
        }
        l = le + 2;
    }
    if (upgrade != 1 || connection != 1 || accepts != 1 || protocols != 1)
        return NX_WEBSOCKET_INVALID_PACKET;
    return NX_SUCCESS;
}

/* ---- frames in --------------------------------------------------------------------------------- */

static void ws_notify(ws_t *c, UINT status)
{
    if (c->nx_websocket_client_connection_status_callback)
        c->nx_websocket_client_connection_status_callback(c, c->nx_websocket_client_connection_context, status);
}

/* Processes buffered bytes (lock held). Returns NX_CONTINUE when more bytes are needed, else the
   result of the receive (a data packet in *packet with NX_SUCCESS). connect_only: stop with
   NX_SUCCESS once the upgrade is accepted. */
static UINT ws_process(ws_t *c, NX_PACKET **packet, UINT *code, ULONG wait, int connect_only)
{
    for (;;) {
        UINT state = c->nx_websocket_client_state;
        if (state < NX_WEBSOCKET_CLIENT_STATE_CONNECTING || state == NX_WEBSOCKET_CLIENT_STATE_DISCONNECT_RECEIVED)
            return NX_WEBSOCKET_INVALID_STATE;
        UCHAR *rx = c->nx_websocket_client_standin_rx;
        ULONG have = c->nx_websocket_client_standin_rx_length;

        if (state == NX_WEBSOCKET_CLIENT_STATE_CONNECTING) {
            const UCHAR *blank = have ? memmem(rx, have, "\r\n\r\n", 4) : NULL;
            if (blank == NULL) {
                if (have <= WS_MAX_RESPONSE)
                    return NX_CONTINUE;
                c->nx_websocket_client_state = NX_WEBSOCKET_CLIENT_STATE_IDLE;
                ws_rx_reset(c);
                return NX_WEBSOCKET_INVALID_PACKET;
            }
            ULONG n = (ULONG)(blank - rx) + 4;
            UINT st = ws_response_check(c, rx, n);
            ws_rx_consume(c, n);
            if (st != NX_SUCCESS) {
                c->nx_websocket_client_state = NX_WEBSOCKET_CLIENT_STATE_IDLE;
                ws_rx_reset(c);
                return st;
            }
            c->nx_websocket_client_state = NX_WEBSOCKET_CLIENT_STATE_CONNECTED;
            ws_notify(c, NX_SUCCESS);
            if (connect_only)
                return NX_SUCCESS;
            continue;
        }
        if (connect_only) /* another receiver completed the upgrade */
            return state == NX_WEBSOCKET_CLIENT_STATE_CONNECTED ? NX_SUCCESS : NX_WEBSOCKET_INVALID_STATE;

        if (!c->nx_websocket_client_frame_header_found) {
            if (have < 2)
                return NX_CONTINUE;
            UCHAR b0 = rx[0], b1 = rx[1];
            if ((b0 & 0x70) != 0 || (b1 & NX_WEBSOCKET_MASK) != 0) { /* reserved bits, masked server frame */
                ws_rx_reset(c);
                return NX_WEBSOCKET_INVALID_PACKET;
            }
            UINT opcode = b0 & NX_WEBSOCKET_OPCODE_MASK, fin = (b0 & NX_WEBSOCKET_FIN) != 0;
            ULONG hl = 2, len = b1 & NX_WEBSOCKET_PAYLOAD_LEN_MASK;
            if (len == NX_WEBSOCKET_PAYLOAD_LEN_16BITS) {
                if (have < 4)
                    return NX_CONTINUE;
                len = ((ULONG)rx[2] << 8) | rx[3];
                hl = 4;
            } else if (len == NX_WEBSOCKET_PAYLOAD_LEN_64BITS) {
                if (have < 10)
                    return NX_CONTINUE;
                if (rx[2] | rx[3] | rx[4] | rx[5]) {
                    ws_rx_reset(c);
                    return NX_NOT_SUPPORTED;
                }
                len = ((ULONG)rx[6] << 24) | ((ULONG)rx[7] << 16) | ((ULONG)rx[8] << 8) | rx[9];
                hl = 10;
            }
            if (opcode & 0x08) { /* control frame: whole, at most 125 bytes, not fragmented */
                if (!fin || len > 125) {
                    ws_rx_reset(c);
                    return NX_WEBSOCKET_INVALID_PACKET;
                }
                if (have < hl + len)
                    return NX_CONTINUE;
                UCHAR payload[125];
                memcpy(payload, rx + hl, len);
                ws_rx_consume(c, hl + len);
                if (opcode == NX_WEBSOCKET_OPCODE_PING) {
                    ws_control_send(c, NX_WEBSOCKET_OPCODE_PONG, payload, len, WS_CONTROL_WAIT);
                    continue;
                }
                if (opcode == NX_WEBSOCKET_OPCODE_PONG)
                    continue;
                if (opcode == NX_WEBSOCKET_OPCODE_CONNECTION_CLOSE) {
                    if (c->nx_websocket_client_state != NX_WEBSOCKET_CLIENT_STATE_DISCONNECT_SENT) {
                        /* answer with the same status code (RFC 6455, 5.5.1) */
                        ws_control_send(c, NX_WEBSOCKET_OPCODE_CONNECTION_CLOSE, payload, len >= 2 ? 2 : 0,
                                        WS_CONTROL_WAIT);
                        c->nx_websocket_client_standin_close_answered = NX_TRUE;
                        c->nx_websocket_client_state = NX_WEBSOCKET_CLIENT_STATE_DISCONNECT_RECEIVED;
                    } else {
                        c->nx_websocket_client_state = NX_WEBSOCKET_CLIENT_STATE_IDLE;
                    }
                    ws_rx_reset(c);
                    ws_notify(c, NX_WEBSOCKET_DISCONNECTED);
                    return NX_WEBSOCKET_DISCONNECTED;
                }
                ws_rx_reset(c);
                return NX_INVALID_PACKET; /* reserved control opcode */
            }
            if (opcode > NX_WEBSOCKET_OPCODE_BINARY_FRAME) {
                ws_rx_reset(c);
                return NX_INVALID_PACKET; /* reserved data opcode */
            }
            /* fragmentation rules (RFC 6455, 5.4) */
            if (opcode == NX_WEBSOCKET_OPCODE_CONTINUATION_FRAME) {
                if (!c->nx_websocket_client_frame_fragmented) {
                    ws_rx_reset(c);
                    return NX_INVALID_PACKET;
                }
                if (fin)
                    c->nx_websocket_client_frame_fragmented = NX_FALSE;
            } else {
                if (c->nx_websocket_client_frame_fragmented) {
                    ws_rx_reset(c);
                    return NX_INVALID_PACKET;
                }
                c->nx_websocket_client_frame_opcode = (UCHAR)opcode;
                c->nx_websocket_client_frame_fragmented = fin ? NX_FALSE : NX_TRUE;
            }
            c->nx_websocket_client_standin_frame_current_opcode = (UCHAR)opcode;
            c->nx_websocket_client_frame_header_found = NX_TRUE;
            c->nx_websocket_client_frame_masked = NX_FALSE;
            c->nx_websocket_client_frame_data_length = len;
            c->nx_websocket_client_frame_data_received = 0;
            ws_rx_consume(c, hl);
            rx = c->nx_websocket_client_standin_rx;
            have = c->nx_websocket_client_standin_rx_length;
        }

        /* payload of a data frame: what has arrived of it, in a packet of the client's pool */
        ULONG remaining = c->nx_websocket_client_frame_data_length - c->nx_websocket_client_frame_data_received;
        ULONG take = have < remaining ? have : remaining;
        if (take == 0 && remaining > 0)
            return NX_CONTINUE;
        NX_PACKET *p = NX_NULL;
        UINT st = _nx_packet_allocate(c->nx_websocket_client_packet_pool_ptr, &p, NX_RECEIVE_PACKET, wait);
        if (st != NX_SUCCESS)
            return st;
        if (take) {
            st = _nx_packet_data_append(p, rx, take, c->nx_websocket_client_packet_pool_ptr, wait);
            if (st != NX_SUCCESS) {
                _nx_packet_release(p);
                return st;
            }
        }
        ws_rx_consume(c, take);
        c->nx_websocket_client_frame_data_received += take;
        if (c->nx_websocket_client_frame_data_received == c->nx_websocket_client_frame_data_length)
            c->nx_websocket_client_frame_header_found = NX_FALSE;
        *code = c->nx_websocket_client_frame_opcode; /* the message's opcode, also for continuations */
        *packet = p;
        return NX_SUCCESS;
    }
}

static ULONG ws_remaining(ULONG wait, ULONG deadline)
{
    if (wait == NX_WAIT_FOREVER || wait == NX_NO_WAIT)
        return wait;
    ULONG now = _tx_time_get();
    return (LONG)(deadline - now) > 0 ? deadline - now : NX_NO_WAIT;
}

/* Receive engine: processes buffered bytes, takes more from the transport (without the state
   lock) until a result or the wait expires (one deadline per call). */
static UINT ws_pump(ws_t *c, NX_PACKET **packet, UINT *code, ULONG wait, int connect_only)
{
    ULONG deadline = _tx_time_get() + wait;
    UINT dummy_code = 0;
    NX_PACKET *dummy_packet = NX_NULL;
    if (code == NX_NULL)
        code = &dummy_code;
    if (packet == NX_NULL)
        packet = &dummy_packet;
    pthread_mutex_lock(&c->nx_websocket_client_standin_rx_lock);
    ws_lock(c);
    UINT st;
    for (;;) {
        st = ws_process(c, packet, code, ws_remaining(wait, deadline), connect_only);
        if (st != NX_CONTINUE)
            break;
        ws_unlock(c);
        NX_PACKET *in = NX_NULL;
        st = ws_transport_receive(c, &in, ws_remaining(wait, deadline));
        ws_lock(c);
        if (st != NX_SUCCESS)
            break;
        int ok = 1;
        for (NX_PACKET *b = in; b != NX_NULL && ok; b = b->nx_packet_next)
            ok = ws_rx_append(c, b->nx_packet_prepend_ptr, (ULONG)(b->nx_packet_append_ptr - b->nx_packet_prepend_ptr));
        _nx_packet_release(in);
        if (!ok) {
            st = NX_WEBSOCKET_ERROR;
            break;
        }
    }
    ws_unlock(c);
    pthread_mutex_unlock(&c->nx_websocket_client_standin_rx_lock);
    return st;
}

/* ---- services ------------------------------------------------------------------------------------ */

UINT _nx_websocket_client_create(NX_WEBSOCKET_CLIENT *client_ptr, UCHAR *client_name, NX_IP *ip_ptr,
                                 NX_PACKET_POOL *pool_ptr)
{
    memset(client_ptr, 0, sizeof(*client_ptr));
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&client_ptr->nx_websocket_client_standin_lock, &a);
    pthread_mutex_init(&client_ptr->nx_websocket_client_standin_rx_lock, &a);
    pthread_mutexattr_destroy(&a);
    client_ptr->nx_websocket_client_name = client_name;
    client_ptr->nx_websocket_client_ip_ptr = ip_ptr;
    client_ptr->nx_websocket_client_packet_pool_ptr = pool_ptr;
    client_ptr->nx_websocket_client_state = NX_WEBSOCKET_CLIENT_STATE_IDLE;
    client_ptr->nx_websocket_client_id = NX_WEBSOCKET_CLIENT_ID;
    return NX_SUCCESS;
}

UINT _nx_websocket_client_delete(NX_WEBSOCKET_CLIENT *client_ptr)
{
    pthread_mutex_lock(&client_ptr->nx_websocket_client_standin_rx_lock);
    ws_lock(client_ptr);
    client_ptr->nx_websocket_client_id = 0;
    client_ptr->nx_websocket_client_state = NX_WEBSOCKET_CLIENT_STATE_INITIALIZE;
    free(client_ptr->nx_websocket_client_standin_rx);
    client_ptr->nx_websocket_client_standin_rx = NX_NULL;
    client_ptr->nx_websocket_client_standin_rx_length = 0;
    client_ptr->nx_websocket_client_standin_rx_capacity = 0;
    ws_unlock(client_ptr);
    pthread_mutex_unlock(&client_ptr->nx_websocket_client_standin_rx_lock);
    pthread_mutex_destroy(&client_ptr->nx_websocket_client_standin_lock);
    pthread_mutex_destroy(&client_ptr->nx_websocket_client_standin_rx_lock);
    return NX_SUCCESS;
}

UINT _nx_websocket_client_packet_allocate(NX_WEBSOCKET_CLIENT *client_ptr, NX_PACKET **packet_ptr,
                                          ULONG wait_option)
{
    UINT st = ws_transport_allocate(client_ptr, packet_ptr, wait_option);
    if (st != NX_SUCCESS)
        return st;
    NX_PACKET *p = *packet_ptr;
    if ((ULONG)(p->nx_packet_data_end - p->nx_packet_prepend_ptr) < NX_WEBSOCKET_HEADER_SIZE) {
        _nx_packet_release(p);
        *packet_ptr = NX_NULL;
        return NX_WEBSOCKET_INVALID_PACKET;
    }
    p->nx_packet_prepend_ptr += NX_WEBSOCKET_HEADER_SIZE;
    p->nx_packet_append_ptr += NX_WEBSOCKET_HEADER_SIZE;
    return NX_SUCCESS;
}

static UINT ws_connect(ws_t *c, NX_TCP_SOCKET *socket, NX_SECURE_TLS_SESSION *session, UCHAR *host,
                       UINT host_length, UCHAR *uri_path, UINT uri_path_length, UCHAR *protocol,
                       UINT protocol_length, UINT wait_option)
{
    ws_lock(c);
    UINT state = c->nx_websocket_client_state;
    if (state == NX_WEBSOCKET_CLIENT_STATE_CONNECTED || state == NX_WEBSOCKET_CLIENT_STATE_CONNECTING ||
        state == NX_WEBSOCKET_CLIENT_STATE_INITIALIZE) {
        ws_unlock(c);
        return state == NX_WEBSOCKET_CLIENT_STATE_CONNECTED    ? NX_WEBSOCKET_ALREADY_CONNECTED
               : state == NX_WEBSOCKET_CLIENT_STATE_CONNECTING ? NX_WEBSOCKET_CONNECTING
                                                               : NX_WEBSOCKET_INVALID_STATE;
    }
    c->nx_websocket_client_socket_ptr = socket;
    c->nx_websocket_client_use_tls = session != NX_NULL;
    c->nx_websocket_client_tls_session_ptr = session;
    ws_rx_reset(c);
    c->nx_websocket_client_frame_fragmented = NX_FALSE;
    c->nx_websocket_client_frame_opcode = 0;
    c->nx_websocket_client_standin_close_answered = NX_FALSE;
    ws_random(c->nx_websocket_client_guid, NX_WEBSOCKET_CLIENT_GUID_SIZE);
    c->nx_websocket_client_key_size =
        (UINT)EVP_EncodeBlock(c->nx_websocket_client_key, c->nx_websocket_client_guid, NX_WEBSOCKET_CLIENT_GUID_SIZE);
    c->nx_websocket_client_subprotocol = protocol;
    c->nx_websocket_client_subprotocol_length = protocol_length;
    /* CONNECTING before the request leaves, so that a receive racing the response finds it */
    c->nx_websocket_client_state = NX_WEBSOCKET_CLIENT_STATE_CONNECTING;
    ws_unlock(c);

    NX_PACKET *p = NX_NULL;
    UINT st = ws_transport_allocate(c, &p, wait_option);
    if (st == NX_SUCCESS) {
        size_t cap = (size_t)host_length + uri_path_length + protocol_length + 256;
        char *req = malloc(cap);
        int n = req ? snprintf(req, cap,
                               "GET %.*s HTTP/1.1\r\nHost: %.*s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                               "Sec-WebSocket-Key: %.*s\r\nSec-WebSocket-Protocol: %.*s\r\n"
                               "Sec-WebSocket-Version: 13\r\n\r\n",
                               (int)uri_path_length, (const char *)uri_path, (int)host_length, (const char *)host,
                               (int)c->nx_websocket_client_key_size, (const char *)c->nx_websocket_client_key,
                               (int)protocol_length, (const char *)protocol)
                    : -1;
        if (n < 0 || (size_t)n >= cap ||
            _nx_packet_data_append(p, req, (ULONG)n, c->nx_websocket_client_packet_pool_ptr, wait_option) != NX_SUCCESS)
            st = NX_WEBSOCKET_DATA_APPEND_FAILURE;
        free(req);
        if (st == NX_SUCCESS)
            st = ws_transport_send(c, p, wait_option);
        if (st != NX_SUCCESS)
            _nx_packet_release(p);
    }
    if (st != NX_SUCCESS) {
        ws_lock(c);
        c->nx_websocket_client_state = NX_WEBSOCKET_CLIENT_STATE_IDLE;
        ws_unlock(c);
        return st;
    }
    if (wait_option == NX_NO_WAIT)
        return NX_IN_PROGRESS;
    return ws_pump(c, NX_NULL, NX_NULL, wait_option, 1);
}

UINT _nx_websocket_client_connect(NX_WEBSOCKET_CLIENT *client_ptr, NX_TCP_SOCKET *socket_ptr, UCHAR *host,
                                  UINT host_length, UCHAR *uri_path, UINT uri_path_length, UCHAR *protocol,
                                  UINT protocol_length, UINT wait_option)
{
    return ws_connect(client_ptr, socket_ptr, NX_NULL, host, host_length, uri_path, uri_path_length, protocol,
                      protocol_length, wait_option);
}

UINT _nx_websocket_client_secure_connect(NX_WEBSOCKET_CLIENT *client_ptr, NX_SECURE_TLS_SESSION *tls_session,
                                         UCHAR *host, UINT host_length, UCHAR *uri_path, UINT uri_path_length,
                                         UCHAR *protocol, UINT protocol_length, UINT wait_option)
{
    return ws_connect(client_ptr, tls_session->nx_secure_tls_tcp_socket, tls_session, host, host_length, uri_path,
                      uri_path_length, protocol, protocol_length, wait_option);
}

UINT _nx_websocket_client_disconnect(NX_WEBSOCKET_CLIENT *client_ptr, UINT wait_option)
{
    ws_t *c = client_ptr;
    ws_lock(c);
    UINT state = c->nx_websocket_client_state;
    if (state <= NX_WEBSOCKET_CLIENT_STATE_IDLE || state == NX_WEBSOCKET_CLIENT_STATE_DISCONNECT_SENT) {
        ws_unlock(c);
        return NX_WEBSOCKET_INVALID_STATE;
    }
    if (state == NX_WEBSOCKET_CLIENT_STATE_CONNECTING) {
        c->nx_websocket_client_state = NX_WEBSOCKET_CLIENT_STATE_IDLE;
        ws_rx_reset(c);
        ws_unlock(c);
        return NX_WEBSOCKET_NOT_CONNECTED;
    }
    if (state == NX_WEBSOCKET_CLIENT_STATE_DISCONNECT_RECEIVED && c->nx_websocket_client_standin_close_answered) {
        c->nx_websocket_client_state = NX_WEBSOCKET_CLIENT_STATE_IDLE; /* the receive answered already */
        ws_unlock(c);
        return NX_SUCCESS;
    }
    ws_unlock(c);
    UINT st = ws_control_send(c, NX_WEBSOCKET_OPCODE_CONNECTION_CLOSE, NX_NULL, 0, wait_option);
    ws_lock(c);
    if (c->nx_websocket_client_state == NX_WEBSOCKET_CLIENT_STATE_DISCONNECT_RECEIVED)
        c->nx_websocket_client_state = NX_WEBSOCKET_CLIENT_STATE_IDLE;
    else if (c->nx_websocket_client_state == NX_WEBSOCKET_CLIENT_STATE_CONNECTED)
        c->nx_websocket_client_state = NX_WEBSOCKET_CLIENT_STATE_DISCONNECT_SENT;
    ws_unlock(c);
    return st;
}

UINT _nx_websocket_client_send(NX_WEBSOCKET_CLIENT *client_ptr, NX_PACKET *packet_ptr, UINT code, UINT is_final,
                               UINT wait_option)
{
    ws_lock(client_ptr);
    UINT state = client_ptr->nx_websocket_client_state;
    ws_unlock(client_ptr);
    if (state < NX_WEBSOCKET_CLIENT_STATE_CONNECTED)
        return NX_WEBSOCKET_NOT_CONNECTED;
    if (state == NX_WEBSOCKET_CLIENT_STATE_DISCONNECT_SENT)
        return NX_WEBSOCKET_INVALID_STATE;
    return ws_frame_send(client_ptr, packet_ptr, code, is_final == NX_TRUE, wait_option);
}

UINT _nx_websocket_client_receive(NX_WEBSOCKET_CLIENT *client_ptr, NX_PACKET **packet_ptr, UINT *code,
                                  UINT wait_option)
{
    *packet_ptr = NX_NULL;
    return ws_pump(client_ptr, packet_ptr, code, wait_option, 0);
}

UINT _nx_websocket_client_connection_status_callback_set(
    NX_WEBSOCKET_CLIENT *client_ptr, VOID *context,
    VOID (*connection_status_callback)(NX_WEBSOCKET_CLIENT *, VOID *, UINT))
{
    ws_lock(client_ptr);
    client_ptr->nx_websocket_client_connection_context = context;
    client_ptr->nx_websocket_client_connection_status_callback = connection_status_callback;
    ws_unlock(client_ptr);
    return NX_SUCCESS;
}

/* ---- error-checking front ends (NetX Duo's checks) ------------------------------------------------ */

static int ws_valid(ws_t *c)
{
    return c != NX_NULL && c->nx_websocket_client_id == NX_WEBSOCKET_CLIENT_ID;
}

UINT _nxe_websocket_client_create(NX_WEBSOCKET_CLIENT *client_ptr, UCHAR *client_name, NX_IP *ip_ptr,
                                  NX_PACKET_POOL *pool_ptr)
{
    if (ip_ptr == NX_NULL || ip_ptr->nx_ip_id != NX_IP_ID || client_ptr == NX_NULL ||
        client_ptr->nx_websocket_client_id == NX_WEBSOCKET_CLIENT_ID || pool_ptr == NX_NULL ||
        pool_ptr->nx_packet_pool_id != NX_PACKET_POOL_ID)
        return NX_PTR_ERROR;
    return _nx_websocket_client_create(client_ptr, client_name, ip_ptr, pool_ptr);
}

UINT _nxe_websocket_client_delete(NX_WEBSOCKET_CLIENT *client_ptr)
{
    if (!ws_valid(client_ptr))
        return NX_PTR_ERROR;
    return _nx_websocket_client_delete(client_ptr);
}

UINT _nxe_websocket_client_packet_allocate(NX_WEBSOCKET_CLIENT *client_ptr, NX_PACKET **packet_ptr,
                                           ULONG wait_option)
{
    if (!ws_valid(client_ptr) || packet_ptr == NX_NULL)
        return NX_PTR_ERROR;
    return _nx_websocket_client_packet_allocate(client_ptr, packet_ptr, wait_option);
}

UINT _nxe_websocket_client_connect(NX_WEBSOCKET_CLIENT *client_ptr, NX_TCP_SOCKET *socket_ptr, UCHAR *host,
                                   UINT host_length, UCHAR *uri_path, UINT uri_path_length, UCHAR *protocol,
                                   UINT protocol_length, UINT wait_option)
{
    if (!ws_valid(client_ptr) || socket_ptr == NX_NULL || socket_ptr->nx_tcp_socket_id != NX_TCP_ID ||
        host == NX_NULL || host_length == 0 || uri_path == NX_NULL || uri_path_length == 0 || protocol == NX_NULL ||
        protocol_length == 0)
        return NX_PTR_ERROR;
    return _nx_websocket_client_connect(client_ptr, socket_ptr, host, host_length, uri_path, uri_path_length,
                                        protocol, protocol_length, wait_option);
}

UINT _nxe_websocket_client_secure_connect(NX_WEBSOCKET_CLIENT *client_ptr, NX_SECURE_TLS_SESSION *tls_session,
                                          UCHAR *host, UINT host_length, UCHAR *uri_path, UINT uri_path_length,
                                          UCHAR *protocol, UINT protocol_length, UINT wait_option)
{
    if (!ws_valid(client_ptr) || tls_session == NX_NULL || host == NX_NULL || host_length == 0 ||
        uri_path == NX_NULL || uri_path_length == 0 || protocol == NX_NULL || protocol_length == 0)
        return NX_PTR_ERROR;
    return _nx_websocket_client_secure_connect(client_ptr, tls_session, host, host_length, uri_path,
                                               uri_path_length, protocol, protocol_length, wait_option);
}

UINT _nxe_websocket_client_disconnect(NX_WEBSOCKET_CLIENT *client_ptr, UINT wait_option)
{
    if (!ws_valid(client_ptr))
        return NX_PTR_ERROR;
    return _nx_websocket_client_disconnect(client_ptr, wait_option);
}

UINT _nxe_websocket_client_send(NX_WEBSOCKET_CLIENT *client_ptr, NX_PACKET *packet_ptr, UINT code, UINT is_final,
                                UINT wait_option)
{
    if (!ws_valid(client_ptr) || packet_ptr == NX_NULL)
        return NX_PTR_ERROR;
    return _nx_websocket_client_send(client_ptr, packet_ptr, code, is_final, wait_option);
}

UINT _nxe_websocket_client_receive(NX_WEBSOCKET_CLIENT *client_ptr, NX_PACKET **packet_ptr, UINT *code,
                                   UINT wait_option)
{
    if (!ws_valid(client_ptr) || packet_ptr == NX_NULL || code == NX_NULL)
        return NX_PTR_ERROR;
    return _nx_websocket_client_receive(client_ptr, packet_ptr, code, wait_option);
}

UINT _nxe_websocket_client_connection_status_callback_set(
    NX_WEBSOCKET_CLIENT *client_ptr, VOID *context,
    VOID (*connection_status_callback)(NX_WEBSOCKET_CLIENT *, VOID *, UINT))
{
    if (!ws_valid(client_ptr))
        return NX_PTR_ERROR;
    return _nx_websocket_client_connection_status_callback_set(client_ptr, context, connection_status_callback);
}
