/* MQTT over WebSocket on the NetX port (built with NXD_MQTT_OVER_WEBSOCKET and NX_SECURE_ENABLE),
 * through the stand-in's NetX Duo WebSocket client, against the fixture's WebSocket endpoint
 * (websockify's proxy in front of the fixture mosquitto), plain and over TLS:
 *
 * - websocket_set's checks: client, host or path NULL, a length 0 → NX_PTR_ERROR; on a block
 *   that is not created → NXD_MQTT_MUTEX_FAILURE; after it nxd_mqtt_client_use_websocket is
 *   NX_TRUE;
 * - blocking connect over WebSocket: subscribe, QoS 0/1/2 round trips, a 6,000-byte message
 *   (more than one pool packet: several frames out, any framing in), keep-alive 1 s kept up
 *   over WebSocket for 3.5 s, disconnect;
 * - non-blocking connect over WebSocket: NX_IN_PROGRESS, then the connect notify with
 *   NXD_MQTT_SUCCESS, a round trip;
 * - secure_connect over WebSocket (wss): round trips;
 * - a scripted WebSocket server (this file) that upgrades, answers CONNECT with a CONNACK in a
 *   binary frame, then sends a text frame: the client ends the connection (disconnect notify),
 *   its packets released (COMPATIBILITY item 15);
 * - 100 connect / publish / disconnect cycles; delete; every pool packet back, no socket and no
 *   TLS session left.
 */
#include "nx_websocket_client.h"
#include "tu_netx_tls.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define WAIT (5 * NX_IP_PERIODIC_RATE)
#define BIG 6000

static NX_IP ip;
static NX_PACKET_POOL pool;
static ULONG pool_memory[512 * (1536 + sizeof(NX_PACKET) + 16) / sizeof(ULONG)];
static tu_broker broker;

static tu_netx_client c;
static UCHAR host[] = "localhost";
static UCHAR path[] = "/mqtt";
static unsigned char big[BIG], big_in[BIG];

/* ---- scripted WebSocket server: upgrade, CONNACK, then a text frame --------------------------- */

static int scripted_fd = -1;
static unsigned scripted_port;
static volatile int scripted_done;

static int read_until(int fd, char *buf, size_t cap, const char *end)
{
    size_t n = 0;
    while (n + 1 < cap) {
        ssize_t r = read(fd, buf + n, 1);
        if (r <= 0)
            return -1;
        n += (size_t)r;
        buf[n] = 0;
        if (strstr(buf, end))
            return (int)n;
    }
    return -1;
}

static void *scripted_server(void *arg)
{
    (void)arg;
    int fd = accept(scripted_fd, NULL, NULL);
    char req[2048];
    if (fd < 0 || read_until(fd, req, sizeof req, "\r\n\r\n") < 0)
        goto out;
    char *key = strstr(req, "Sec-WebSocket-Key:");
    if (!key)
        goto out;
    key += strlen("Sec-WebSocket-Key:");
    while (*key == ' ')
        key++;
    char joined[128];
    int kl = (int)strcspn(key, "\r");
    snprintf(joined, sizeof joined, "%.*s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", kl, key);
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1((const unsigned char *)joined, strlen(joined), digest);
    unsigned char accept_value[64];
    EVP_EncodeBlock(accept_value, digest, SHA_DIGEST_LENGTH);
    char resp[512];
    int rl = snprintf(resp, sizeof resp,
                      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n",
                      accept_value);
    if (write(fd, resp, (size_t)rl) != rl)
        goto out;
    /* The CONNECT frame (masked, binary): read its header and payload, then answer. */
    unsigned char hdr[2];
    if (read(fd, hdr, 2) != 2 || (hdr[0] & 0x0F) != 0x02 || !(hdr[1] & 0x80))
        goto out;
    size_t len = hdr[1] & 0x7F;
    unsigned char rest[4 + 125];
    if (len > 125 || read(fd, rest, 4 + len) != (ssize_t)(4 + len))
        goto out;
    const unsigned char connack[] = {0x82, 0x04, 0x20, 0x02, 0x00, 0x00};
    const unsigned char text[] = {0x81, 0x05, 'h', 'e', 'l', 'l', 'o'};
    if (write(fd, connack, sizeof connack) != (ssize_t)sizeof connack)
        goto out;
    usleep(300 * 1000);
    if (write(fd, text, sizeof text) != (ssize_t)sizeof text)
        goto out;
    /* Wait for the client to end the connection. */
    char sink[256];
    while (read(fd, sink, sizeof sink) > 0) {
    }
    scripted_done = 1;
out:
    if (fd >= 0)
        close(fd);
    return NULL;
}

static void scripted_listen(void)
{
    scripted_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    TU_REQUIRE(scripted_fd >= 0 && bind(scripted_fd, (struct sockaddr *)&a, sizeof a) == 0 &&
                   listen(scripted_fd, 1) == 0 && getsockname(scripted_fd, (struct sockaddr *)&a, &al) == 0,
               "scripted WebSocket server listens");
    scripted_port = ntohs(a.sin_port);
}

static UINT connect_ws(unsigned port, UINT keepalive, ULONG wait)
{
    NXD_ADDRESS a;
    tu_addr_v4_loopback(&a);
    return nxd_mqtt_client_connect(&c.mqtt, &a, port, keepalive, NX_TRUE, wait);
}

static int round_trip(const char *topic, UINT qos, const void *payload, UINT length, void *into)
{
    unsigned before = c.notifies;
    UINT s = nxd_mqtt_client_publish(&c.mqtt, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)payload, length, 0, qos,
                                     WAIT);
    if (!TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, "publish"))
        return 0;
    if (!TU_CHECK(tu_wait_count(&c.notifies, before + 1, 10000), "QoS %u message came back", qos))
        return 0;
    UCHAR t[128];
    UINT tl = 0, pl = 0;
    s = nxd_mqtt_client_message_get(&c.mqtt, t, sizeof t, &tl, into, BIG, &pl);
    return TU_CHECK(s == NXD_MQTT_SUCCESS && tl == strlen(topic) && memcmp(t, topic, tl) == 0 && pl == length &&
                        memcmp(into, payload, pl) == 0,
                    "QoS %u round trip over WebSocket, %u bytes (0x%x)", qos, length, s);
}

static int subscribe(const char *topic)
{
    UINT s = nxd_mqtt_client_subscribe(&c.mqtt, (CHAR *)topic, (UINT)strlen(topic), 2);
    tu_sleep_ms(150);
    return TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, "subscribe");
}

int main(void)
{
    tu_begin("netx_websocket", 150);
    tu_broker_load(&broker);
    TU_REQUIRE(broker.ws_port != 0 && broker.wss_port != 0, "the fixture has WebSocket endpoints");
    tu_tls_load(&broker);
    TU_REQUIRE_EQ(nx_packet_pool_create(&pool, "pool", 1536, pool_memory, sizeof pool_memory), NX_SUCCESS, "pool");
    TU_REQUIRE_EQ(nx_ip_create(&ip, "ip", IP_ADDRESS(127, 0, 0, 1), 0xFF000000UL, &pool, NX_NULL, NX_NULL, 0, 1),
                  NX_SUCCESS, "IP instance");
    TU_REQUIRE_EQ(nx_tcp_enable(&ip), NX_SUCCESS, "TCP");
    const char *topic = tu_name("ws");
    tu_fill_pattern(big, sizeof big, 7);
    char small[32];

    tu_section("websocket_set's checks");
    static NXD_MQTT_CLIENT never_created;
    TU_CHECK_EQ(nxd_mqtt_client_websocket_set(NX_NULL, host, 9, path, 5), NX_PTR_ERROR, "client NULL");
    TU_CHECK_EQ(nxd_mqtt_client_websocket_set(&never_created, NX_NULL, 9, path, 5), NX_PTR_ERROR, "host NULL");
    TU_CHECK_EQ(nxd_mqtt_client_websocket_set(&never_created, host, 0, path, 5), NX_PTR_ERROR, "host length 0");
    TU_CHECK_EQ(nxd_mqtt_client_websocket_set(&never_created, host, 9, NX_NULL, 5), NX_PTR_ERROR, "path NULL");
    TU_CHECK_EQ(nxd_mqtt_client_websocket_set(&never_created, host, 9, path, 0), NX_PTR_ERROR, "path length 0");
    TU_CHECK_EQ(nxd_mqtt_client_websocket_set(&never_created, host, 9, path, 5), NXD_MQTT_MUTEX_FAILURE,
                "block not created");
    tu_netx_client_create(&c, "c", &ip, &pool);
    TU_CHECK_EQ(c.mqtt.nxd_mqtt_client_use_websocket, NX_FALSE, "no WebSocket before websocket_set");
    TU_REQUIRE_EQ(nxd_mqtt_client_websocket_set(&c.mqtt, host, (UINT)strlen((char *)host), path,
                                                (UINT)strlen((char *)path)),
                  NXD_MQTT_SUCCESS, "websocket_set");
    TU_CHECK_EQ(c.mqtt.nxd_mqtt_client_use_websocket, NX_TRUE, "nxd_mqtt_client_use_websocket");

    tu_section("blocking connect over WebSocket");
    TU_REQUIRE_EQ(connect_ws(broker.ws_port, 1, WAIT), NXD_MQTT_SUCCESS, "connect (keep-alive 1 s)");
    TU_REQUIRE(subscribe(topic), "subscribed");
    for (UINT qos = 0; qos <= 2; qos++) {
        snprintf(small, sizeof small, "ws qos %u", qos);
        round_trip(topic, qos, small, (UINT)strlen(small), big_in);
    }
    round_trip(topic, 1, big, BIG, big_in);
    unsigned drops = c.disconnects;
    tu_sleep_ms(3500);
    TU_CHECK_EQ(c.disconnects, drops, "keep-alive 1 s: still connected after 3.5 s idle");
    round_trip(topic, 2, big, BIG, big_in);
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&c.mqtt), NXD_MQTT_SUCCESS, "disconnect");

    tu_section("non-blocking connect over WebSocket");
    unsigned notes = c.connect_notifies;
    TU_CHECK_EQ(connect_ws(broker.ws_port, 30, NX_NO_WAIT), NX_IN_PROGRESS, "connect, wait 0");
    TU_CHECK(tu_wait_count(&c.connect_notifies, notes + 1, 10000), "connect notify");
    TU_CHECK_EQ(c.connect_status, NXD_MQTT_SUCCESS, "with success");
    TU_CHECK(subscribe(topic) && round_trip(topic, 1, "non-blocking", 12, big_in), "round trip");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&c.mqtt), NXD_MQTT_SUCCESS, "disconnect");

    tu_section("secure_connect over WebSocket (wss)");
    NXD_ADDRESS a;
    tu_addr_v4_loopback(&a);
    TU_REQUIRE_EQ(nxd_mqtt_client_secure_connect(&c.mqtt, &a, broker.wss_port, tu_tls_setup, 30, NX_TRUE, WAIT),
                  NXD_MQTT_SUCCESS, "secure_connect");
    TU_CHECK(subscribe(topic), "subscribed");
    round_trip(topic, 2, "over wss", 8, big_in);
    round_trip(topic, 1, big, BIG, big_in);
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&c.mqtt), NXD_MQTT_SUCCESS, "disconnect");

    tu_section("a text frame from the server ends the connection");
    scripted_listen();
    pthread_t server;
    TU_REQUIRE(pthread_create(&server, NULL, scripted_server, NULL) == 0, "scripted server thread");
    unsigned drops_before = c.disconnects;
    TU_CHECK_EQ(connect_ws(scripted_port, 30, WAIT), NXD_MQTT_SUCCESS, "connect to the scripted server");
    TU_CHECK(tu_wait_count(&c.disconnects, drops_before + 1, 10000), "the text frame ended the connection");
    TU_CHECK_EQ(c.mqtt.nxd_mqtt_client_state, NXD_MQTT_CLIENT_STATE_IDLE, "idle");
    pthread_join(server, NULL);
    TU_CHECK(scripted_done, "the client closed its side");
    close(scripted_fd);

    tu_section("100 connect / publish / disconnect cycles over WebSocket");
    int ok = 1;
    for (int i = 0; i < 100 && ok; i++) {
        ok = connect_ws(broker.ws_port, 30, WAIT) == NXD_MQTT_SUCCESS &&
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
