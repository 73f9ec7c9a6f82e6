/* nxd_mqtt on bare metal: the NetX Duo MQTT client API over the library's `bare` port, on the
 * QEMU mps2-an385 (Cortex-M3) and mps2-an386 (Cortex-M4F) boards.
 *
 * The link to the broker is UART0, which QEMU connects to a mosquitto on the host with
 * -serial tcp:127.0.0.1:PORT; the tick clock is the SysTick at NX_IP_PERIODIC_RATE (100 Hz).
 * Both reach the library through the extension nxd_mqtt_client_transport_set(); the main loop
 * drives the client with the extension nxd_mqtt_client_process().
 *
 * The TCP connection exists from QEMU's start and cannot be re-established from the firmware:
 * the transport's connect callback succeeds once (the link is already up) and fails after the
 * link was closed.
 *
 * Scenario (every return code and every payload is checked; exit status 0 only if all match):
 * create, connect (refused before a transport is set), transport_set, notify setters, connect,
 * subscribe QoS 2 (SUBACK), publish QoS 0/1/2 to the subscribed topic, receive all three with
 * message_get (one too-small buffer first), outbound acks (PUBACK, PUBCOMP) and the inbound
 * QoS 2 PUBREL, keep-alive PINGREQ/PINGRESP while idle, unsubscribe (UNSUBACK, no more
 * delivery), disconnect (disconnect notify, link closed), reconnect refused by the transport,
 * delete. Progress and failures go to semihosting (QEMU's stderr). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "semihosting.h"
#include "uart.h"

#include "nxd_mqtt_client.h"

#define SECONDS(s) ((ULONG)(s) * NX_IP_PERIODIC_RATE)
#define QOS1_PAYLOAD_SIZE 3000u

/* The control block: the application's memory, as with NetX Duo. Global so that the size
 * report can read its size from the symbol table. */
NXD_MQTT_CLIENT mqtt_client_block;

/* ---- the link: UART0 --------------------------------------------------------------------- */

struct uart_link {
    int closed;             /* close() was called: the TCP bridge cannot be reopened */
    unsigned connect_calls; /* connect callback invocations */
    unsigned close_calls;   /* close callback invocations */
    int bad_endpoint;       /* connect got an address or port other than the application's */
};

static struct uart_link link;

static UINT link_connect(VOID *context, const NXD_ADDRESS *server_ip, UINT server_port)
{
    struct uart_link *l = context;
    l->connect_calls++;
    if (server_ip == NULL || server_ip->nxd_ip_version != NX_IP_VERSION_V4 ||
        server_ip->nxd_ip_address.v4 != IP_ADDRESS(127, 0, 0, 1) || server_port != 1883u) {
        l->bad_endpoint = 1;
    }
    /* QEMU opened the TCP connection before the firmware started: it is up, once. */
    return l->closed ? 0x38u /* NX_NOT_CONNECTED */ : NX_SUCCESS;
}

static int link_send(VOID *context, const UCHAR *data, UINT length)
{
    struct uart_link *l = context;
    if (l->closed) {
        return -1;
    }
    return (int)uart0_write(data, length);
}

static int link_receive(VOID *context, UCHAR *buffer, UINT size)
{
    struct uart_link *l = context;
    if (l->closed) {
        return -1;
    }
    return (int)uart0_read(buffer, size);
}

static VOID link_close(VOID *context)
{
    struct uart_link *l = context;
    l->closed = 1;
    l->close_calls++;
}

static ULONG link_ticks(VOID *context)
{
    (void)context;
    return board_ticks();
}

/* ---- callbacks ----------------------------------------------------------------------------- */

static struct {
    unsigned received;         /* receive notify calls */
    UINT last_depth;           /* its last queue depth */
    unsigned disconnects;      /* disconnect notify calls */
    unsigned connect_notifies; /* connect notify calls */
    UINT connect_status;       /* its last status */
    unsigned acks[16];         /* ack notify calls per packet type */
    USHORT last_ack_id[16];
    int ping_seen;             /* nxd_mqtt_ping_not_responded was seen NX_TRUE */
} ev;

static VOID on_receive(NXD_MQTT_CLIENT *client, UINT number_of_messages)
{
    (void)client;
    ev.received++;
    ev.last_depth = number_of_messages;
}

static VOID on_disconnect(NXD_MQTT_CLIENT *client)
{
    (void)client;
    ev.disconnects++;
}

static VOID on_connect(NXD_MQTT_CLIENT *client, UINT status, VOID *context)
{
    (void)client;
    (void)context;
    ev.connect_notifies++;
    ev.connect_status = status;
}

static VOID on_ack(NXD_MQTT_CLIENT *client, UINT type, USHORT packet_id, NX_PACKET *packet, VOID *context)
{
    (void)client;
    (void)packet;
    (void)context;
    if (type < 16u) {
        ev.acks[type]++;
        ev.last_ack_id[type] = packet_id;
    }
}

/* ---- checks -------------------------------------------------------------------------------- */

static unsigned checks;

static void fail(int line, const char *what, uint32_t got, uint32_t expected)
{
    sh_puts("mqtt_client: FAIL line ");
    sh_put_dec((uint32_t)line);
    sh_puts(": ");
    sh_puts(what);
    sh_puts(": got ");
    sh_put_hex(got);
    sh_puts(", expected ");
    sh_put_hex(expected);
    sh_puts("\n");
    sh_exit(1);
}

#define EXPECT(expr, expected)                                                                  \
    do {                                                                                        \
        uint32_t got_ = (uint32_t)(expr);                                                       \
        checks++;                                                                               \
        if (got_ != (uint32_t)(expected)) {                                                     \
            fail(__LINE__, #expr, got_, (uint32_t)(expected));                                  \
        }                                                                                       \
    } while (0)

static void say(const char *step)
{
    sh_puts("mqtt_client: ");
    sh_puts(step);
    sh_puts(" (tick ");
    sh_put_dec(board_ticks());
    sh_puts(", stack so far ");
    sh_put_dec(board_stack_used());
    sh_puts(")\n");
}

/* Runs the client from the main loop until *counter reaches target or the time is up. */
static int pump_until(const unsigned *counter, unsigned target, ULONG timeout)
{
    uint32_t start = board_ticks();
    while (*counter < target) {
        UINT status = nxd_mqtt_client_process(&mqtt_client_block);
        if (status != NXD_MQTT_SUCCESS) {
            fail(__LINE__, "nxd_mqtt_client_process(&mqtt_client_block)", status, NXD_MQTT_SUCCESS);
        }
        if (mqtt_client_block.nxd_mqtt_ping_not_responded == NX_TRUE) {
            ev.ping_seen = 1;
        }
        if (board_ticks() - start > timeout) {
            return 0;
        }
    }
    return 1;
}

/* Runs the client from the main loop for `duration` ticks. */
static void pump_for(ULONG duration)
{
    static const unsigned never = 0;
    (void)pump_until(&never, 1u, duration);
}

/* ---- the scenario -------------------------------------------------------------------------- */

static char topic_name[48];
static char client_id[48];
static UCHAR qos1_payload[QOS1_PAYLOAD_SIZE];
static UCHAR rx_topic[64];
static UCHAR rx_payload[QOS1_PAYLOAD_SIZE + 16u];
static ULONG unused_stack[64]; /* create's stack argument: this port runs no MQTT thread */
static ULONG unused_ip, unused_pool;

static size_t append(char *dst, size_t at, const char *src)
{
    size_t n = strlen(src);
    memcpy(dst + at, src, n);
    dst[at + n] = '\0';
    return at + n;
}

static const char *const small_payloads[3] = {
    "QoS 0 from the firmware",
    NULL, /* QoS 1: qos1_payload */
    "QoS 2 exactly once",
};

static const UCHAR *expected_payload(UINT qos, UINT *length)
{
    if (qos == 1u) {
        *length = QOS1_PAYLOAD_SIZE;
        return qos1_payload;
    }
    *length = (UINT)strlen(small_payloads[qos]);
    return (const UCHAR *)small_payloads[qos];
}

int main(void)
{
    board_tick_init();
    uart0_init();

    const char *board = board_name();
    size_t n = append(client_id, 0, "nxd-qemu-");
    (void)append(client_id, n, board);
    n = append(topic_name, 0, "nxd_mqtt/qemu/");
    (void)append(topic_name, n, board);
    UINT topic_length = (UINT)strlen(topic_name);
    for (uint32_t i = 0; i < QOS1_PAYLOAD_SIZE; i++) {
        qos1_payload[i] = (UCHAR)('A' + (i * 7u + i / 26u) % 26u);
    }

    sh_puts("mqtt_client: board ");
    sh_puts(board);
    sh_puts(", sizeof(NXD_MQTT_CLIENT) = ");
    sh_put_dec(sizeof(NXD_MQTT_CLIENT));
    sh_puts("\n");

    /* The header's control-block size must be the library's (build-time capacities). */
    EXPECT(nxd_mqtt_client_opaque_words, NXD_MQTT_CLIENT_OPAQUE_WORDS);

    /* create: the platform arguments are required by the checking front end (as in the
     * original) but not used by the bare-metal port. */
    EXPECT(nxd_mqtt_client_create(&mqtt_client_block, "qemu", client_id, (UINT)strlen(client_id),
                                  (NX_IP *)&unused_ip, (NX_PACKET_POOL *)&unused_pool, unused_stack,
                                  sizeof(unused_stack), 1, NULL, 0),
           NXD_MQTT_SUCCESS);
    EXPECT(mqtt_client_block.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_IDLE);

    NXD_ADDRESS broker;
    memset(&broker, 0, sizeof(broker));
    broker.nxd_ip_version = NX_IP_VERSION_V4;
    broker.nxd_ip_address.v4 = IP_ADDRESS(127, 0, 0, 1); /* handed to the connect callback */

    say("created");
    /* Without a transport nothing can connect. */
    EXPECT(nxd_mqtt_client_connect(&mqtt_client_block, &broker, 1883, 2, NX_TRUE, SECONDS(1)),
           NXD_MQTT_CONNECT_FAILURE);
    EXPECT(link.connect_calls, 0);

    NXD_MQTT_TRANSPORT transport;
    memset(&transport, 0, sizeof(transport));
    transport.nxd_mqtt_transport_context = &link;
    transport.nxd_mqtt_transport_connect = link_connect;
    transport.nxd_mqtt_transport_send = link_send;
    transport.nxd_mqtt_transport_receive = link_receive;
    transport.nxd_mqtt_transport_close = link_close;
    /* The tick callback is required. */
    EXPECT(nxd_mqtt_client_transport_set(&mqtt_client_block, &transport), NX_PTR_ERROR);
    EXPECT(nxd_mqtt_client_transport_set(NULL, &transport), NX_PTR_ERROR);
    transport.nxd_mqtt_transport_tick_get = link_ticks;
    EXPECT(nxd_mqtt_client_transport_set(&mqtt_client_block, &transport), NXD_MQTT_SUCCESS);
    memset(&transport, 0, sizeof(transport)); /* the library keeps its own copy */

    EXPECT(nxd_mqtt_client_receive_notify_set(&mqtt_client_block, on_receive), NXD_MQTT_SUCCESS);
    EXPECT(nxd_mqtt_client_disconnect_notify_set(&mqtt_client_block, on_disconnect), NXD_MQTT_SUCCESS);
    mqtt_client_block.nxd_mqtt_connect_notify = on_connect;
    mqtt_client_block.nxd_mqtt_connect_context = NULL;
    mqtt_client_block.nxd_mqtt_ack_receive_notify = on_ack;
    mqtt_client_block.nxd_mqtt_ack_receive_context = NULL;

    /* connect: blocking, each step up to 5 s; keep-alive 2 s so that a PINGREQ is due soon. */
    say("connect");
    EXPECT(nxd_mqtt_client_connect(&mqtt_client_block, &broker, 1883, 2, NX_TRUE, SECONDS(5)),
           NXD_MQTT_SUCCESS);
    EXPECT(link.connect_calls, 1);
    EXPECT(link.bad_endpoint, 0);
    EXPECT(mqtt_client_block.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_CONNECTED);
    EXPECT(ev.connect_notifies, 1);
    EXPECT(ev.connect_status, NXD_MQTT_SUCCESS);
    EXPECT(nxd_mqtt_client_connect(&mqtt_client_block, &broker, 1883, 2, NX_TRUE, SECONDS(5)),
           NXD_MQTT_ALREADY_CONNECTED);
    transport.nxd_mqtt_transport_send = link_send;
    transport.nxd_mqtt_transport_receive = link_receive;
    transport.nxd_mqtt_transport_tick_get = link_ticks;
    EXPECT(nxd_mqtt_client_transport_set(&mqtt_client_block, &transport), NXD_MQTT_ALREADY_CONNECTED);

    say("subscribe QoS 2");
    EXPECT(nxd_mqtt_client_subscribe(&mqtt_client_block, topic_name, topic_length, 2), NXD_MQTT_SUCCESS);
    EXPECT(pump_until(&ev.acks[MQTT_CONTROL_PACKET_TYPE_SUBACK], 1, SECONDS(5)), 1);

    say("publish QoS 0, 1, 2");
    for (UINT qos = 0; qos <= 2u; qos++) {
        UINT length;
        const UCHAR *payload = expected_payload(qos, &length);
        EXPECT(nxd_mqtt_client_publish(&mqtt_client_block, topic_name, topic_length, (CHAR *)payload,
                                       length, NX_FALSE, qos, SECONDS(5)),
               NXD_MQTT_SUCCESS);
    }
    /* All three come back; QoS 1 is acknowledged by PUBACK, QoS 2 by PUBCOMP, and the inbound
     * QoS 2 flow ends with the broker's PUBREL. */
    EXPECT(pump_until(&ev.received, 3, SECONDS(10)), 1);
    EXPECT(pump_until(&ev.acks[MQTT_CONTROL_PACKET_TYPE_PUBACK], 1, SECONDS(5)), 1);
    EXPECT(pump_until(&ev.acks[MQTT_CONTROL_PACKET_TYPE_PUBCOMP], 1, SECONDS(5)), 1);
    EXPECT(pump_until(&ev.acks[MQTT_CONTROL_PACKET_TYPE_PUBREL], 1, SECONDS(5)), 1);
    EXPECT(ev.last_depth, 3);

    say("message_get");
    UINT actual_topic = 0xFFFFu, actual_message = 0xFFFFu;
    /* A too-small buffer keeps the message and leaves the lengths alone. */
    EXPECT(nxd_mqtt_client_message_get(&mqtt_client_block, rx_topic, sizeof(rx_topic), &actual_topic,
                                       rx_payload, 4, &actual_message),
           NXD_MQTT_INSUFFICIENT_BUFFER_SPACE);
    EXPECT(actual_topic, 0xFFFFu);
    EXPECT(actual_message, 0xFFFFu);
    unsigned seen[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        memset(rx_payload, 0, sizeof(rx_payload));
        EXPECT(nxd_mqtt_client_message_get(&mqtt_client_block, rx_topic, sizeof(rx_topic), &actual_topic,
                                           rx_payload, sizeof(rx_payload), &actual_message),
               NXD_MQTT_SUCCESS);
        EXPECT(actual_topic, topic_length);
        EXPECT(memcmp(rx_topic, topic_name, topic_length), 0);
        int matched = -1;
        for (UINT qos = 0; qos <= 2u; qos++) {
            UINT length;
            const UCHAR *payload = expected_payload(qos, &length);
            if (actual_message == length && memcmp(rx_payload, payload, length) == 0) {
                matched = (int)qos;
            }
        }
        EXPECT(matched >= 0, 1);
        seen[matched]++;
        /* Messages come back in the order they were published. */
        EXPECT(matched, i);
    }
    EXPECT(seen[0] + 10u * seen[1] + 100u * seen[2], 111);
    EXPECT(nxd_mqtt_client_message_get(&mqtt_client_block, rx_topic, sizeof(rx_topic), &actual_topic,
                                       rx_payload, sizeof(rx_payload), &actual_message),
           NXD_MQTT_NO_MESSAGE);

    /* Keep-alive 2 s: while the application only calls process(), the client sends PINGREQ
     * and the PINGRESP clears the flag again. */
    say("idle for keep-alive");
    ev.ping_seen = 0;
    pump_for(SECONDS(3));
    EXPECT(ev.ping_seen, 1);
    /* The PINGRESP clears the flag. With keep-alive 2 s a PINGREQ goes out about every second,
     * so wait for the flag to drop (bounded) instead of sampling it at a fixed time. */
    {
        uint32_t start = board_ticks();
        while (mqtt_client_block.nxd_mqtt_ping_not_responded == NX_TRUE &&
               board_ticks() - start <= SECONDS(2)) {
            UINT status = nxd_mqtt_client_process(&mqtt_client_block);
            if (status != NXD_MQTT_SUCCESS) {
                fail(__LINE__, "nxd_mqtt_client_process(&mqtt_client_block)", status, NXD_MQTT_SUCCESS);
            }
        }
    }
    EXPECT(mqtt_client_block.nxd_mqtt_ping_not_responded, NX_FALSE);
    EXPECT(mqtt_client_block.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_CONNECTED);

    say("unsubscribe");
    EXPECT(nxd_mqtt_client_unsubscribe(&mqtt_client_block, topic_name, topic_length), NXD_MQTT_SUCCESS);
    EXPECT(pump_until(&ev.acks[MQTT_CONTROL_PACKET_TYPE_UNSUBACK], 1, SECONDS(5)), 1);
    /* Not subscribed any more: a QoS 1 publish is acknowledged but not delivered back. */
    EXPECT(nxd_mqtt_client_publish(&mqtt_client_block, topic_name, topic_length, (CHAR *)"late", 4,
                                   NX_FALSE, 1, SECONDS(5)),
           NXD_MQTT_SUCCESS);
    EXPECT(pump_until(&ev.acks[MQTT_CONTROL_PACKET_TYPE_PUBACK], 2, SECONDS(5)), 1);
    pump_for(SECONDS(1) / 2);
    EXPECT(ev.received, 3);
    EXPECT(nxd_mqtt_client_message_get(&mqtt_client_block, rx_topic, sizeof(rx_topic), &actual_topic,
                                       rx_payload, sizeof(rx_payload), &actual_message),
           NXD_MQTT_NO_MESSAGE);

    say("disconnect");
    EXPECT(nxd_mqtt_client_disconnect(&mqtt_client_block), NXD_MQTT_SUCCESS);
    EXPECT(ev.disconnects, 1);
    EXPECT(link.close_calls, 1);
    EXPECT(mqtt_client_block.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_IDLE);
    EXPECT(nxd_mqtt_client_publish(&mqtt_client_block, topic_name, topic_length, (CHAR *)"x", 1,
                                   NX_FALSE, 0, SECONDS(1)),
           NXD_MQTT_NOT_CONNECTED);

    /* The serial bridge cannot be reopened: the transport refuses, connect reports it. */
    EXPECT(nxd_mqtt_client_connect(&mqtt_client_block, &broker, 1883, 2, NX_TRUE, SECONDS(1)),
           NXD_MQTT_CONNECT_FAILURE);
    EXPECT(link.connect_calls, 2);
    EXPECT(mqtt_client_block.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_IDLE);

    say("delete");
    EXPECT(nxd_mqtt_client_delete(&mqtt_client_block), NXD_MQTT_SUCCESS);
    EXPECT(ev.disconnects, 1);
    EXPECT(nxd_mqtt_client_process(&mqtt_client_block) != NXD_MQTT_SUCCESS, 1);

    sh_puts("mqtt_client: PASS, ");
    sh_put_dec(checks);
    sh_puts(" checks, ");
    sh_put_dec(board_ticks());
    sh_puts(" ticks, stack high-water mark ");
    sh_put_dec(board_stack_used());
    sh_puts(" bytes\n");
    return 0;
}
