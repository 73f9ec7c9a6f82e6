/* Keep-alive pings against a scripted broker (spec §12, regression keepalive and
 * keepalive_timeout tests). A real broker cannot withhold PINGRESP, so the scripted broker of
 * lib/tu_fake.c answers CONNECT with CONNACK and records every packet the client sends:
 *  1. answering PINGREQs: with keepalive 1 s the client pings about every second, stays
 *     connected, nxd_mqtt_ping_not_responded goes back to 0; disconnect sends E0 00;
 *  2. withholding PINGRESP: the client marks the ping outstanding (nxd_mqtt_ping_not_responded
 *     = 1) and, NXD_MQTT_PING_TIMEOUT_DELAY (1 s) later, closes the connection by itself without
 *     sending DISCONNECT; the disconnect notify is called, state IDLE.
 */
#include <stdio.h>
#include <string.h>

#include "tu.h"
#include "tu_fake.h"

static tu_client a;
static tu_fake fb;

static void cleanup(void)
{
    tu_client_delete(&a);
    tu_fake_stop(&fb);
}

int main(void)
{
    NXD_ADDRESS addr;
    uint64_t t_connect, t_ping = 0;
    unsigned pings;

    tu_begin("ping", 60);
    tu_at_exit(cleanup);
    tu_addr_v4_loopback(&addr);
    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a")), NXD_MQTT_SUCCESS, "create");

    tu_section("a broker that answers PINGREQ: the client pings and stays connected");
    tu_fake_start(&fb, 1);
    TU_REQUIRE_EQ(nxd_mqtt_client_connect(&a.mqtt, &addr, fb.port, 1, NX_TRUE, 5 * NX_IP_PERIODIC_RATE),
                  NXD_MQTT_SUCCESS, "connect (keepalive 1 s) to the scripted broker");
    TU_CHECK(tu_fake_wait(&fb, 0xFF, 0xC0, 0, 3, 6000), "three PINGREQs (C0 00) within 6 s of idling");
    pings = tu_fake_count(&fb, 0xFF, 0xC0, 0);
    TU_CHECK(pings <= 6, "not a flood of PINGREQs (%u)", pings);
    tu_sleep_ms(200);
    TU_CHECK_EQ(a.mqtt.nxd_mqtt_ping_not_responded, NX_FALSE, "nxd_mqtt_ping_not_responded is 0 (PINGRESPs processed)");
    TU_CHECK_EQ(a.disconnect_calls, 0, "no disconnect notify");
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_CONNECTED, "still CONNECTED");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    TU_CHECK(tu_fake_wait_closed(&fb, 1, 5000), "the broker saw the connection close");
    TU_CHECK_EQ(tu_fake_count(&fb, 0xFF, 0xE0, 0), 1, "after one DISCONNECT packet (E0 00)");
    tu_fake_stop(&fb);
    TU_CHECK(!fb.error, "the scripted broker had no I/O error");

    tu_section("a broker that never answers PINGREQ: ping timeout closes the connection");
    tu_fake_start(&fb, 0);
    a.disconnect_calls = 0;
    t_connect = tu_now_ms();
    TU_REQUIRE_EQ(nxd_mqtt_client_connect(&a.mqtt, &addr, fb.port, 1, NX_TRUE, 5 * NX_IP_PERIODIC_RATE),
                  NXD_MQTT_SUCCESS, "connect (keepalive 1 s)");
    TU_CHECK(tu_fake_wait(&fb, 0xFF, 0xC0, 0, 1, 4000), "a PINGREQ arrives");
    {
        unsigned i;
        pthread_mutex_lock(&fb.lock);
        for (i = 0; i < fb.n && i < TU_FAKE_MAX_PKTS; i++)
            if (fb.pkts[i].first == 0xC0) {
                t_ping = fb.pkts[i].t;
                break;
            }
        pthread_mutex_unlock(&fb.lock);
    }
    TU_CHECK(t_ping - t_connect <= 2500, "within about the keep-alive (%llu ms after connect)",
             (unsigned long long)(t_ping - t_connect));
    TU_CHECK_EQ(a.mqtt.nxd_mqtt_ping_not_responded, NX_TRUE, "nxd_mqtt_ping_not_responded is 1 while unanswered");
    TU_CHECK(tu_client_wait_disconnect(&a, 1, 6000), "the disconnect notify is called");
    TU_CHECK(tu_fake_wait_closed(&fb, 1, 3000), "the client closed the TCP connection");
    TU_CHECK(fb.closed_at - t_ping >= 900 && fb.closed_at - t_ping <= 3500,
             "about NXD_MQTT_PING_TIMEOUT_DELAY after the PINGREQ (%llu ms)",
             (unsigned long long)(fb.closed_at - t_ping));
    TU_CHECK_EQ(tu_fake_count(&fb, 0xFF, 0xE0, 0), 0, "no DISCONNECT packet was sent (the will would be published)");
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_IDLE, "state IDLE");
    TU_CHECK_EQ(a.mqtt.nxd_mqtt_ping_not_responded, NX_FALSE, "ping bookkeeping reset by the teardown");
    tu_fake_stop(&fb);
    TU_CHECK(!fb.error, "the scripted broker had no I/O error");
    return tu_end();
}
