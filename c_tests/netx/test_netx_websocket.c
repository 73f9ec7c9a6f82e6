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
 * - 30 connect / publish / disconnect cycles; delete; every pool packet back, no socket and no
 *   TLS session left.
 */
#include "nx_websocket_client.h"
#include "tu_netx_tls.h"

#include <stdio.h>
#include <string.h>

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

    tu_section("30 connect / publish / disconnect cycles over WebSocket");
    int ok = 1;
    for (int i = 0; i < 30 && ok; i++) {
        ok = connect_ws(broker.ws_port, 30, WAIT) == NXD_MQTT_SUCCESS &&
             nxd_mqtt_client_publish(&c.mqtt, (CHAR *)topic, (UINT)strlen(topic), (CHAR *)"cycle", 5, 0, 1, WAIT) ==
                 NXD_MQTT_SUCCESS &&
             nxd_mqtt_client_disconnect(&c.mqtt) == NXD_MQTT_SUCCESS;
        if (!ok)
            TU_CHECK(0, "cycle %d failed", i);
    }
    TU_CHECK(ok, "30 cycles");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&c.mqtt), NXD_MQTT_SUCCESS, "delete");

    tu_section("nothing left behind");
    tu_sleep_ms(200);
    TU_CHECK_EQ(ip.nx_ip_tcp_created_sockets_count, 0, "no socket");
    TU_CHECK_EQ(pool.nx_packet_pool_available, pool.nx_packet_pool_total, "every pool packet is back");
    TU_CHECK_EQ(nx_secure_tls_standin_session_count(), 0, "no TLS session");
    tu_tls_free();
    return tu_end();
}
