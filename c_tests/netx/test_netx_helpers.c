/* The NetX port's semi-public helpers (spec section 7.16), with the ThreadX / NetX stand-in:
 *
 * - _nxd_mqtt_read_remaining_length on single packets and chains (1 to 4 length bytes, length
 *   bytes split across buffers, incomplete -> NXD_MQTT_PARTIAL_PACKET, four continuation
 *   bytes -> NXD_MQTT_INTERNAL_ERROR);
 * - _nxd_mqtt_process_publish_packet on QoS 0/1/2 PUBLISHes spread over a pool of 64-byte
 *   buffers (offsets relative to the prepend pointer), the QoS-3 quirk, malformed PUBLISHes
 *   -> NXD_MQTT_INVALID_PACKET;
 * - _nxd_mqtt_client_set_fixed_header (every encoding size, lengths above 268,435,455
 *   refused) and _nxd_mqtt_client_append_message building a PUBLISH checked byte by byte;
 * - _nxd_mqtt_client_packet_allocate: IPv6 headroom before any connect, IPv4 headroom after a
 *   connect over IPv4, NXD_MQTT_PACKET_POOL_FAILURE with an exhausted pool and for a block
 *   that is not a created client;
 * - every pool packet is back at the end.
 */
#include "tx_api.h"
#include "nx_api.h"
#include "nxd_mqtt_client.h"
#include "tu.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PRIORITY 7

static NX_IP ip;
/* The IP instance's pool and the client's pool: 128-byte buffers (room for the IPv6 TCP/IP
   headroom, 76 bytes with the stand-in, and 52 bytes of data: PUBLISHes chain). */
static NX_PACKET_POOL ip_pool, client_pool;
#define CLIENT_PACKETS 8
static ULONG ip_pool_memory[16 * (256 + sizeof(NX_PACKET) + 16) / sizeof(ULONG)];
static ULONG client_pool_memory[CLIENT_PACKETS * (128 + sizeof(NX_PACKET) + 16) / sizeof(ULONG)];
/* 64-byte buffers for the chains the parsers read. */
static NX_PACKET_POOL small_pool;
static ULONG small_pool_memory[400 * (64 + sizeof(NX_PACKET) + 16) / sizeof(ULONG)];
/* 1 MiB buffers: a 4-byte remaining length with its whole packet (3 buffers). */
#define BIG_PAYLOAD (1024UL * 1024UL)
static NX_PACKET_POOL big_pool;
static ULONG big_pool_memory[3 * (BIG_PAYLOAD + sizeof(NX_PACKET) + 16) / sizeof(ULONG)];

static NXD_MQTT_CLIENT client;
static ULONG client_stack[TU_CLIENT_STACK_SIZE / sizeof(ULONG)];
static CHAR client_id[64];

/* A packet of `pool` whose data starts `offset` bytes into its first buffer, holding
   data[0..size] (chained as needed). NetX allocates at multiples of 4 (NX_OPTION_ERROR
   otherwise): the rest of the offset is skipped the way a receive path strips headers. */
static NX_PACKET *packet_of(NX_PACKET_POOL *pool, ULONG offset, const void *data, ULONG size)
{
    static const UCHAR skip[3] = {0xEE, 0xEE, 0xEE};
    ULONG extra = offset % 4;
    NX_PACKET *p = NX_NULL;
    TU_REQUIRE_EQ(nx_packet_allocate(pool, &p, offset - extra, NX_NO_WAIT), NX_SUCCESS, "allocate");
    if (extra != 0) {
        TU_REQUIRE_EQ(nx_packet_data_append(p, (VOID *)skip, extra, pool, NX_NO_WAIT), NX_SUCCESS, "append");
        p->nx_packet_prepend_ptr += extra;
        p->nx_packet_length -= extra;
    }
    if (size != 0)
        TU_REQUIRE_EQ(nx_packet_data_append(p, (VOID *)data, size, pool, NX_NO_WAIT), NX_SUCCESS, "append");
    TU_REQUIRE_EQ(p->nx_packet_prepend_ptr - p->nx_packet_data_start, offset, "data offset");
    return p;
}

static unsigned buffers(NX_PACKET *p)
{
    unsigned n = 0;
    for (; p != NX_NULL; p = p->nx_packet_next)
        n++;
    return n;
}

/* ---- _nxd_mqtt_read_remaining_length --------------------------------------------------------- */

/* Decodes the header of a packet made of `head` followed by `body_size` zero bytes. */
static UINT rl_of(NX_PACKET_POOL *pool, ULONG offset, const UCHAR *head, ULONG head_size, ULONG body_size,
                  UINT *value, ULONG *header, unsigned *nbuf)
{
    static UCHAR zeros[4096];
    NX_PACKET *p = packet_of(pool, offset, head, head_size);
    while (body_size > 0) {
        ULONG n = body_size < sizeof zeros ? body_size : (ULONG)sizeof zeros;
        TU_REQUIRE_EQ(nx_packet_data_append(p, zeros, n, pool, NX_NO_WAIT), NX_SUCCESS, "append body");
        body_size -= n;
    }
    *value = 0xDEAD;
    *header = 0xBEEF;
    UINT s = _nxd_mqtt_read_remaining_length(p, value, header);
    if (nbuf)
        *nbuf = buffers(p);
    nx_packet_release(p);
    return s;
}

static void test_remaining_length(void)
{
    static const struct {
        UCHAR bytes[5];
        ULONG n;
        UINT value;
    } ok[] = {
        {{0x30, 0x00}, 2, 0},
        {{0x30, 0x7F}, 2, 127},
        {{0x30, 0x80, 0x01}, 3, 128},
        {{0x30, 0xFF, 0x7F}, 3, 16383},
        {{0x30, 0x80, 0x80, 0x01}, 4, 16384},
        {{0x30, 0xFF, 0xFF, 0x7F}, 4, 2097151},
        {{0x30, 0x80, 0x80, 0x80, 0x01}, 5, 2097152},
    };
    UINT value;
    ULONG header;
    unsigned nbuf;

    tu_section("remaining length: 1 to 4 bytes, single packets and chains");
    for (unsigned i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        /* Small values in one 64-byte buffer and as a chain whose length bytes straddle the
           first buffer's end (data starts 62 bytes in); 4-byte lengths in 1 MiB buffers. */
        unsigned variants = ok[i].value <= 16384 ? 2 : 1;
        for (unsigned v = 0; v < variants; v++) {
            NX_PACKET_POOL *pool = ok[i].value > 16384 ? &big_pool : &small_pool;
            ULONG offset = v == 0 ? 0 : 62;
            UINT s = rl_of(pool, offset, ok[i].bytes, ok[i].n, ok[i].value, &value, &header, &nbuf);
            char what[96];
            snprintf(what, sizeof what, "status, length %u, data at %lu, %u buffer(s)", ok[i].value,
                     (unsigned long)offset, nbuf);
            TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, what);
            TU_CHECK_EQ(value, ok[i].value, "remaining length");
            TU_CHECK_EQ(header, ok[i].n, "offset (header bytes)");
            if (v == 1 && ok[i].n + ok[i].value > 2)
                TU_CHECK(nbuf >= 2, "a chain (%u buffers)", nbuf);
        }
    }
    /* 268,435,455 (FF FF FF 7F) decodes; the packet is shorter than it says: partial. */
    {
        static const UCHAR max[] = {0x30, 0xFF, 0xFF, 0xFF, 0x7F};
        TU_CHECK_EQ(rl_of(&small_pool, 62, max, sizeof max, 100, &value, &header, &nbuf), NXD_MQTT_PARTIAL_PACKET,
                    "268,435,455 with 100 bytes: partial");
        TU_CHECK_EQ(value, 0xDEAD, "no value written on failure");
        TU_CHECK_EQ(header, 0xBEEF, "no offset written on failure");
    }

    tu_section("remaining length: incomplete, malformed");
    static const struct {
        UCHAR bytes[6];
        ULONG n;
        ULONG body;
        UINT status;
        const char *what;
    } bad[] = {
        {{0x30}, 1, 0, NXD_MQTT_PARTIAL_PACKET, "only the header byte"},
        {{0x30, 0x80}, 2, 0, NXD_MQTT_PARTIAL_PACKET, "1 of 2 length bytes"},
        {{0x30, 0xFF, 0xFF}, 3, 0, NXD_MQTT_PARTIAL_PACKET, "2 of 3+ length bytes"},
        {{0x30, 0x80, 0x80, 0x80}, 4, 0, NXD_MQTT_PARTIAL_PACKET, "3 continuation bytes, no 4th"},
        {{0x30, 0x05}, 2, 4, NXD_MQTT_PARTIAL_PACKET, "length 5, 4 bytes follow"},
        {{0x30, 0x80, 0x01}, 3, 127, NXD_MQTT_PARTIAL_PACKET, "length 128, 127 bytes follow"},
        {{0x30, 0x80, 0x80, 0x80, 0x80}, 5, 0, NXD_MQTT_INTERNAL_ERROR, "4 continuation bytes"},
        {{0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}, 6, 10, NXD_MQTT_INTERNAL_ERROR, "5-byte length"},
        {{0x30, 0x80, 0x00}, 3, 0, NXD_MQTT_INTERNAL_ERROR, "non-minimal encoding (80 00)"},
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        for (ULONG offset = 0; offset <= 62; offset += 62) {
            char what[96];
            snprintf(what, sizeof what, "%s (data at %lu)", bad[i].what, (unsigned long)offset);
            TU_CHECK_EQ(rl_of(&small_pool, offset, bad[i].bytes, bad[i].n, bad[i].body, &value, &header, NULL),
                        bad[i].status, what);
        }
    }
    /* An empty packet: partial. */
    {
        NX_PACKET *p = packet_of(&small_pool, 0, NULL, 0);
        TU_CHECK_EQ(_nxd_mqtt_read_remaining_length(p, &value, &header), NXD_MQTT_PARTIAL_PACKET, "empty packet");
        TU_CHECK_EQ(_nxd_mqtt_read_remaining_length(p, NULL, &header), NX_PTR_ERROR, "NULL remaining length");
        TU_CHECK_EQ(_nxd_mqtt_read_remaining_length(p, &value, NULL), NX_PTR_ERROR, "NULL offset");
        nx_packet_release(p);
    }
    TU_CHECK_EQ(_nxd_mqtt_read_remaining_length(NULL, &value, &header), NX_PTR_ERROR, "NULL packet");
}

/* ---- _nxd_mqtt_process_publish_packet -------------------------------------------------------- */

/* Encodes a PUBLISH (first byte `first`) into buf; returns its size. */
static ULONG publish_bytes(UCHAR *buf, UCHAR first, const char *topic, unsigned topic_len, int with_id,
                           const UCHAR *payload, ULONG payload_len)
{
    ULONG rl = 2 + topic_len + (with_id ? 2 : 0) + payload_len, n = 0;
    buf[n++] = first;
    do {
        UCHAR b = (UCHAR)(rl & 0x7F);
        rl >>= 7;
        buf[n++] = rl ? (UCHAR)(b | 0x80) : b;
    } while (rl);
    buf[n++] = (UCHAR)(topic_len >> 8);
    buf[n++] = (UCHAR)topic_len;
    memcpy(buf + n, topic, topic_len);
    n += topic_len;
    if (with_id) {
        buf[n++] = 0x12;
        buf[n++] = 0x34;
    }
    memcpy(buf + n, payload, payload_len);
    return n + payload_len;
}

static UINT parse(NX_PACKET *p, ULONG *to, USHORT *tl, ULONG *mo, ULONG *ml)
{
    *to = *mo = *ml = 0xFFFF;
    *tl = 0xFFFF;
    return _nxd_mqtt_process_publish_packet(p, to, tl, mo, ml);
}

static void test_process_publish(void)
{
    static UCHAR payload[300], frame[512], got[512];
    static char topic[100];
    ULONG to, mo, ml, copied;
    USHORT tl;
    tu_fill_pattern(payload, sizeof payload, 7);
    for (unsigned i = 0; i < sizeof topic; i++)
        topic[i] = (char)('a' + i % 26);

    tu_section("process_publish_packet: QoS 0/1/2 (and 3: like 0) over 64-byte buffers");
    for (unsigned qos = 0; qos <= 3; qos++) {
        static const unsigned topic_lens[] = {1, 40, 100};
        static const ULONG payload_lens[] = {0, 1, 50, 300};
        static const ULONG offsets[] = {0, 30, 63};
        for (unsigned t = 0; t < 3; t++)
            for (unsigned m = 0; m < 4; m++)
                for (unsigned o = 0; o < 3; o++) {
                    int with_id = qos == 1 || qos == 2;
                    UCHAR first = (UCHAR)(0x30 | (qos << 1) | (m & 1));
                    ULONG n = publish_bytes(frame, first, topic, topic_lens[t], with_id, payload, payload_lens[m]);
                    NX_PACKET *p = packet_of(&small_pool, offsets[o], frame, n);
                    ULONG header = 1 + (n - 1 > 128 ? 2 : 1);
                    char what[128];
                    snprintf(what, sizeof what, "QoS %u, topic %u, payload %lu, data at %lu (%u buffers)", qos,
                             topic_lens[t], (unsigned long)payload_lens[m], (unsigned long)offsets[o], buffers(p));
                    TU_CHECK_EQ(parse(p, &to, &tl, &mo, &ml), NXD_MQTT_SUCCESS, what);
                    TU_CHECK_EQ(to, header + 2, "topic offset");
                    TU_CHECK_EQ(tl, topic_lens[t], "topic length");
                    TU_CHECK_EQ(mo, header + 2 + topic_lens[t] + (with_id ? 2 : 0), "message offset");
                    TU_CHECK_EQ(ml, payload_lens[m], "message length");
                    /* The offsets find the topic and the payload through the chain. */
                    memset(got, 0, sizeof got);
                    TU_CHECK_EQ(nx_packet_data_extract_offset(p, to, got, tl, &copied), NX_SUCCESS, "topic extract");
                    TU_CHECK(copied == tl && memcmp(got, topic, tl) == 0, "topic bytes (%s)", what);
                    if (ml != 0) {
                        TU_CHECK_EQ(nx_packet_data_extract_offset(p, mo, got, ml, &copied), NX_SUCCESS,
                                    "payload extract");
                        TU_CHECK(copied == ml && memcmp(got, payload, ml) == 0, "payload bytes (%s)", what);
                    }
                    nx_packet_release(p);
                }
    }
    /* QoS 3 with a 2-byte "id": no id skipped (the original's quirk). */
    {
        static const UCHAR q3[] = {0x36, 0x05, 0x00, 0x01, 't', 0xAB, 0xCD};
        NX_PACKET *p = packet_of(&small_pool, 0, q3, sizeof q3);
        TU_CHECK_EQ(parse(p, &to, &tl, &mo, &ml), NXD_MQTT_SUCCESS, "QoS 3");
        TU_CHECK_EQ(mo, 5, "QoS 3: message offset right after the topic");
        TU_CHECK_EQ(ml, 2, "QoS 3: message length includes the would-be id");
        nx_packet_release(p);
    }

    tu_section("process_publish_packet: malformed");
    static const struct {
        UCHAR bytes[12];
        ULONG n;
        const char *what;
    } bad[] = {
        {{0x30}, 1, "no remaining length"},
        {{0x30, 0x80}, 2, "incomplete remaining length"},
        {{0x30, 0x80, 0x80, 0x80, 0x80}, 5, "malformed remaining length"},
        {{0x30, 0x04, 0x00, 0x01, 't'}, 5, "remaining length beyond the packet"},
        {{0x30, 0x00}, 2, "remaining length 0"},
        {{0x30, 0x01, 0x00}, 3, "remaining length 1"},
        {{0x30, 0x03, 0x00, 0x02, 't'}, 5, "topic longer than the remaining length"},
        {{0x30, 0x02, 0xFF, 0xFF}, 4, "topic length 65535, nothing follows"},
        {{0x32, 0x03, 0x00, 0x01, 't'}, 5, "QoS 1 without packet id"},
        {{0x34, 0x04, 0x00, 0x01, 't', 0x00}, 6, "QoS 2 with 1 byte of packet id"},
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        for (ULONG offset = 0; offset <= 62; offset += 31) {
            NX_PACKET *p = packet_of(&small_pool, offset, bad[i].bytes, bad[i].n);
            char what[96];
            snprintf(what, sizeof what, "%s (data at %lu)", bad[i].what, (unsigned long)offset);
            TU_CHECK_EQ(parse(p, &to, &tl, &mo, &ml), NXD_MQTT_INVALID_PACKET, what);
            TU_CHECK(to == 0xFFFF && tl == 0xFFFF && mo == 0xFFFF && ml == 0xFFFF, "no output written (%s)", what);
            nx_packet_release(p);
        }
    }
    /* Trailing bytes after the PUBLISH are allowed (the remaining length bounds it). */
    {
        static const UCHAR extra[] = {0x30, 0x04, 0x00, 0x01, 't', 'x', 0x99, 0x98};
        NX_PACKET *p = packet_of(&small_pool, 0, extra, sizeof extra);
        TU_CHECK_EQ(parse(p, &to, &tl, &mo, &ml), NXD_MQTT_SUCCESS, "trailing bytes");
        TU_CHECK_EQ(ml, 1, "message length from the remaining length");
        TU_CHECK_EQ(_nxd_mqtt_process_publish_packet(p, &to, NULL, &mo, &ml), NX_PTR_ERROR, "NULL output");
        nx_packet_release(p);
    }
}

/* ---- set_fixed_header, append_message, packet_allocate ---------------------------------------- */

static ULONG prepend_offset(NX_PACKET *p)
{
    return (ULONG)(p->nx_packet_prepend_ptr - p->nx_packet_data_start);
}

static void test_build(void)
{
    static UCHAR got[600], want[600], payload[200];
    ULONG copied;
    NX_PACKET *p;

    tu_section("set_fixed_header: every encoding size, and lengths above 268,435,455");
    static const struct {
        UINT length;
        UCHAR bytes[4];
        ULONG n;
    } enc[] = {
        {0, {0x00}, 1},
        {127, {0x7F}, 1},
        {128, {0x80, 0x01}, 2},
        {16383, {0xFF, 0x7F}, 2},
        {16384, {0x80, 0x80, 0x01}, 3},
        {2097151, {0xFF, 0xFF, 0x7F}, 3},
        {2097152, {0x80, 0x80, 0x80, 0x01}, 4},
        {268435455, {0xFF, 0xFF, 0xFF, 0x7F}, 4},
    };
    for (unsigned i = 0; i < sizeof enc / sizeof enc[0]; i++) {
        p = packet_of(&small_pool, 0, NULL, 0);
        char what[64];
        snprintf(what, sizeof what, "set_fixed_header(%u)", enc[i].length);
        TU_CHECK_EQ(_nxd_mqtt_client_set_fixed_header(&client, p, 0x82, enc[i].length, NX_NO_WAIT), NX_SUCCESS,
                    what);
        TU_CHECK_EQ(p->nx_packet_length, 1 + enc[i].n, "header size");
        memset(got, 0, sizeof got);
        nx_packet_data_extract_offset(p, 0, got, sizeof got, &copied);
        TU_CHECK(got[0] == 0x82 && memcmp(got + 1, enc[i].bytes, enc[i].n) == 0, "header bytes (%s)", what);
        nx_packet_release(p);
    }
    p = packet_of(&small_pool, 0, NULL, 0);
    TU_CHECK_EQ(_nxd_mqtt_client_set_fixed_header(&client, p, 0x30, 268435456u, NX_NO_WAIT),
                NXD_MQTT_INVALID_PARAMETER, "268,435,456 refused");
    TU_CHECK_EQ(_nxd_mqtt_client_set_fixed_header(&client, p, 0x30, 0xFFFFFFFFu, NX_NO_WAIT),
                NXD_MQTT_INVALID_PARAMETER, "0xFFFFFFFF refused");
    TU_CHECK_EQ(p->nx_packet_length, 0, "nothing appended");
    TU_CHECK_EQ(_nxd_mqtt_client_set_fixed_header(NULL, p, 0x30, 1, NX_NO_WAIT), NX_PTR_ERROR, "NULL client");
    TU_CHECK_EQ(_nxd_mqtt_client_set_fixed_header(&client, NULL, 0x30, 1, NX_NO_WAIT), NX_PTR_ERROR, "NULL packet");
    TU_CHECK_EQ(_nxd_mqtt_client_append_message(&client, p, NULL, 3, NX_NO_WAIT), NX_PTR_ERROR,
                "NULL message with a length");
    TU_CHECK_EQ(_nxd_mqtt_client_append_message(&client, p, NULL, 0, NX_NO_WAIT), NX_SUCCESS,
                "NULL message of length 0: the length prefix only");
    TU_CHECK_EQ(p->nx_packet_length, 2, "2 bytes");
    memset(got, 0xEE, 2);
    nx_packet_data_extract_offset(p, 0, got, 2, &copied);
    TU_CHECK(got[0] == 0 && got[1] == 0, "zero length prefix");
    nx_packet_release(p);

    tu_section("packet_allocate + set_fixed_header + append_message: a QoS 1 PUBLISH, exact bytes");
    ULONG available = client_pool.nx_packet_pool_available;
    TU_REQUIRE_EQ(_nxd_mqtt_client_packet_allocate(&client, &p, NX_NO_WAIT), NXD_MQTT_SUCCESS, "packet_allocate");
    TU_CHECK_EQ(prepend_offset(p), NX_IPv6_TCP_PACKET, "IPv6 TCP/IP headroom before any connect");
    TU_CHECK_EQ(p->nx_packet_length, 0, "empty");
    TU_CHECK(p->nx_packet_pool_owner == &client_pool, "from the client's pool");
    const char *topic = "helpers/topic/with/a/rather/long/name";
    UINT topic_len = (UINT)strlen(topic);
    tu_fill_pattern(payload, sizeof payload, 3);
    UINT rl = 2 + topic_len + 2 + (UINT)sizeof payload;
    TU_CHECK_EQ(_nxd_mqtt_client_set_fixed_header(&client, p, 0x32, rl, NX_NO_WAIT), NX_SUCCESS, "fixed header");
    TU_CHECK_EQ(_nxd_mqtt_client_append_message(&client, p, (CHAR *)topic, topic_len, NX_NO_WAIT), NX_SUCCESS,
                "topic");
    UCHAR id[2] = {0xBE, 0xEF};
    TU_CHECK_EQ(nx_packet_data_append(p, id, 2, &client_pool, NX_NO_WAIT), NX_SUCCESS, "packet id");
    TU_CHECK_EQ(nx_packet_data_append(p, payload, sizeof payload, &client_pool, NX_NO_WAIT), NX_SUCCESS,
                "payload");
    ULONG n = 0;
    want[n++] = 0x32;
    want[n++] = (UCHAR)(0x80 | (rl & 0x7F));
    want[n++] = (UCHAR)(rl >> 7);
    want[n++] = 0;
    want[n++] = (UCHAR)topic_len;
    memcpy(want + n, topic, topic_len);
    n += topic_len;
    want[n++] = 0xBE;
    want[n++] = 0xEF;
    memcpy(want + n, payload, sizeof payload);
    n += sizeof payload;
    TU_CHECK_EQ(p->nx_packet_length, n, "PUBLISH size");
    TU_CHECK(buffers(p) >= 3, "a chain of the client's pool (%u buffers)", buffers(p));
    memset(got, 0, sizeof got);
    TU_CHECK_EQ(nx_packet_data_extract_offset(p, 0, got, sizeof got, &copied), NX_SUCCESS, "extract");
    TU_CHECK(copied == n && memcmp(got, want, n) == 0, "PUBLISH bytes exactly");
    ULONG to, mo, ml;
    USHORT tl;
    TU_CHECK_EQ(_nxd_mqtt_process_publish_packet(p, &to, &tl, &mo, &ml), NXD_MQTT_SUCCESS, "parse it back");
    TU_CHECK(to == 5 && tl == topic_len && mo == 5 + topic_len + 2 && ml == sizeof payload,
             "parsed layout (%lu %u %lu %lu)", (unsigned long)to, tl, (unsigned long)mo, (unsigned long)ml);
    nx_packet_release(p);
    TU_CHECK_EQ(client_pool.nx_packet_pool_available, available, "every buffer back");

    tu_section("append_message: low 16 bits of the length as prefix, all bytes appended");
    {
        static UCHAR big[70000];
        tu_fill_pattern(big, sizeof big, 11);
        p = packet_of(&small_pool, 0, NULL, 0);
        /* The prefix fits the 64-byte buffer; the bytes need buffers of the client's pool (8 x
           128 bytes): too few for 70,000 bytes, NetX's append status comes back. */
        UINT s = _nxd_mqtt_client_append_message(&client, p, (CHAR *)big, (UINT)sizeof big, NX_NO_WAIT);
        TU_CHECK_EQ(s, NX_NO_PACKET, "the client's pool cannot hold 70,000 bytes: NX_NO_PACKET");
        TU_CHECK_EQ(p->nx_packet_length, 2, "only the prefix went in");
        nx_packet_data_extract_offset(p, 0, got, 2, &copied);
        TU_CHECK(got[0] == 0x11 && got[1] == 0x70, "prefix: 70,000 & 0xFFFF = 0x1170");
        nx_packet_release(p);
        /* A 1 MiB buffer holds it all without chaining. */
        static UCHAR back[70002];
        p = packet_of(&big_pool, 0, NULL, 0);
        s = _nxd_mqtt_client_append_message(&client, p, (CHAR *)big, (UINT)sizeof big, NX_NO_WAIT);
        TU_CHECK_EQ(s, NX_SUCCESS, "70,000 bytes into a 1 MiB buffer");
        TU_CHECK_EQ(p->nx_packet_length, 70002, "prefix + bytes");
        nx_packet_data_extract_offset(p, 0, back, sizeof back, &copied);
        TU_CHECK(copied == sizeof back && back[0] == 0x11 && back[1] == 0x70 && memcmp(back + 2, big, sizeof big) == 0,
                 "prefix 1170 + all 70,000 bytes");
        nx_packet_release(p);
    }

    tu_section("packet_allocate: exhausted pool, block not created, NULL");
    NX_PACKET *held[CLIENT_PACKETS];
    unsigned taken = 0;
    while (taken < CLIENT_PACKETS && nx_packet_allocate(&client_pool, &held[taken], 0, NX_NO_WAIT) == NX_SUCCESS)
        taken++;
    TU_CHECK_EQ(client_pool.nx_packet_pool_available, 0, "pool exhausted");
    p = (NX_PACKET *)(void *)held; /* not NULL: must be reset */
    TU_CHECK_EQ(_nxd_mqtt_client_packet_allocate(&client, &p, NX_NO_WAIT), NXD_MQTT_PACKET_POOL_FAILURE,
                "no packet: NXD_MQTT_PACKET_POOL_FAILURE");
    TU_CHECK(p == NX_NULL, "no packet returned");
    TU_CHECK_EQ(_nxd_mqtt_client_packet_allocate(&client, &p, 5), NXD_MQTT_PACKET_POOL_FAILURE,
                "no packet within 5 ticks");
    while (taken > 0)
        nx_packet_release(held[--taken]);
    static NXD_MQTT_CLIENT never_created;
    memset(&never_created, 0, sizeof never_created);
    TU_CHECK_EQ(_nxd_mqtt_client_packet_allocate(&never_created, &p, NX_NO_WAIT), NXD_MQTT_PACKET_POOL_FAILURE,
                "block not created");
    TU_CHECK_EQ(_nxd_mqtt_client_packet_allocate(NULL, &p, NX_NO_WAIT), NX_PTR_ERROR, "NULL client");
    TU_CHECK_EQ(_nxd_mqtt_client_packet_allocate(&client, NULL, NX_NO_WAIT), NX_PTR_ERROR, "NULL packet pointer");
}

static void test_headroom_after_ipv4_connect(void)
{
    tu_section("packet_allocate: IPv4 TCP/IP headroom once the socket connected over IPv4");
    unsigned port;
    int fd = tu_silent_listener(0, &port);
    NXD_ADDRESS addr;
    tu_addr_v4_loopback(&addr);
    /* The listener never answers the CONNECT: connect fails after 20 ticks, but the socket's
       last connect address is IPv4 now. */
    UINT s = nxd_mqtt_client_connect(&client, &addr, port, 60, 1, 20);
    TU_CHECK(s != NXD_MQTT_SUCCESS, "connect to a silent listener fails (0x%x)", s);
    NX_PACKET *p = NX_NULL;
    TU_REQUIRE_EQ(_nxd_mqtt_client_packet_allocate(&client, &p, NX_NO_WAIT), NXD_MQTT_SUCCESS, "packet_allocate");
    TU_CHECK_EQ(prepend_offset(p), NX_IPv4_TCP_PACKET, "IPv4 TCP/IP headroom");
    nx_packet_release(p);
    close(fd);
}

int main(void)
{
    tu_begin("netx_helpers", 60);
    TU_REQUIRE_EQ(nx_packet_pool_create(&ip_pool, "ip pool", 256, ip_pool_memory, sizeof ip_pool_memory),
                  NX_SUCCESS, "IP pool");
    TU_REQUIRE_EQ(nx_packet_pool_create(&client_pool, "client pool", 128, client_pool_memory,
                                        sizeof client_pool_memory),
                  NX_SUCCESS, "client pool");
    TU_REQUIRE_EQ(nx_packet_pool_create(&small_pool, "small pool", 64, small_pool_memory, sizeof small_pool_memory),
                  NX_SUCCESS, "small pool");
    TU_REQUIRE_EQ(nx_packet_pool_create(&big_pool, "big pool", BIG_PAYLOAD, big_pool_memory, sizeof big_pool_memory),
                  NX_SUCCESS, "big pool");
    TU_REQUIRE_EQ(client_pool.nx_packet_pool_total, CLIENT_PACKETS, "client pool size");
    TU_REQUIRE_EQ(big_pool.nx_packet_pool_total, 3, "big pool size");
    TU_REQUIRE_EQ(nx_ip_create(&ip, "ip", IP_ADDRESS(127, 0, 0, 1), 0xFF000000UL, &ip_pool, NX_NULL, NX_NULL, 0, 1),
                  NX_SUCCESS, "IP instance");
    TU_REQUIRE_EQ(nx_tcp_enable(&ip), NX_SUCCESS, "TCP");
    snprintf(client_id, sizeof client_id, "%s", tu_name("helpers"));
    TU_REQUIRE_EQ(nxd_mqtt_client_create(&client, "helpers test", client_id, (UINT)strlen(client_id), &ip,
                                         &client_pool, client_stack, sizeof client_stack, PRIORITY, NX_NULL, 0),
                  NXD_MQTT_SUCCESS, "create");
    ULONG small_total = small_pool.nx_packet_pool_total;

    test_remaining_length();
    test_process_publish();
    test_build();
    test_headroom_after_ipv4_connect();

    TU_CHECK_EQ(nxd_mqtt_client_delete(&client), NXD_MQTT_SUCCESS, "delete");
    TU_CHECK_EQ(client_pool.nx_packet_pool_available, client_pool.nx_packet_pool_total, "client pool: all back");
    TU_CHECK_EQ(small_pool.nx_packet_pool_available, small_total, "small pool: all back");
    TU_CHECK_EQ(big_pool.nx_packet_pool_available, big_pool.nx_packet_pool_total, "big pool: all back");
    return tu_end();
}
