/* Connect and disconnect through a real broker (spec §7.4, §7.12, §3.2, §6.4, §14):
 * blocking connect, state checks (ALREADY_CONNECTED, CONNECTING), the connect notify in
 * blocking and non-blocking mode (timeout 0 -> NX_IN_PROGRESS), TCP failure, a broker that
 * never answers, disconnect/disconnect notify, reconnect, delete of a connected client.
 */
#include <string.h>
#include <unistd.h>

#include "tu.h"

static tu_client a;
static int silent_fd = -1;
static unsigned setter_calls;
static UINT setter_status;
static int setter_ctx_ok;
static VOID (*saved_notify)(NXD_MQTT_CLIENT *, UINT, VOID *);

static VOID setter_notify(NXD_MQTT_CLIENT *c, UINT status, VOID *ctx)
{
    (void)c;
    setter_status = status;
    setter_ctx_ok = ctx == (VOID *)&setter_calls;
    __atomic_add_fetch(&setter_calls, 1, __ATOMIC_SEQ_CST);
}

static void cleanup(void)
{
    tu_client_delete(&a);
    if (silent_fd >= 0)
        close(silent_fd);
}

int main(void)
{
    tu_broker b;
    NXD_ADDRESS addr;
    uint64_t t0, elapsed;
    unsigned silent_port = 0;
    UINT st;

    tu_begin("connect", 120);
    tu_at_exit(cleanup);
    tu_broker_load(&b);
    tu_addr_v4_loopback(&addr);

    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a")), NXD_MQTT_SUCCESS, "create");
    saved_notify = a.mqtt.nxd_mqtt_connect_notify;

    tu_section("TCP connect to a port nobody listens on (spec §7.4.1 step 11)");
    st = nxd_mqtt_client_connect(&a.mqtt, &addr, b.closed_port, 0, NX_TRUE, 5 * NX_IP_PERIODIC_RATE);
    TU_CHECK_EQ(st, NXD_MQTT_CONNECT_FAILURE, "blocking connect to a closed port");
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_IDLE, "state back to IDLE");
    TU_CHECK_EQ(a.connect_notify_calls, 0, "no connect notify for a TCP connect failure (spec §14 C)");

    tu_section("a broker that accepts TCP but never sends CONNACK (spec §7.4.2 step 17)");
    silent_fd = tu_silent_listener(0, &silent_port);
    t0 = tu_now_ms();
    st = nxd_mqtt_client_connect(&a.mqtt, &addr, silent_port, 0, NX_TRUE, NX_IP_PERIODIC_RATE);
    elapsed = tu_now_ms() - t0;
    TU_CHECK_EQ(st, NXD_MQTT_COMMUNICATION_FAILURE, "blocking connect (timeout 1 s) without CONNACK");
    TU_CHECK(elapsed >= 900 && elapsed < 8000, "it waited for the timeout (%llu ms, expected about 1 s)",
             (unsigned long long)elapsed);
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_IDLE, "state back to IDLE");

    tu_section("non-blocking connect that never completes: CONNECTING, then disconnect aborts it");
    a.connect_notify_calls = 0;
    st = nxd_mqtt_client_connect(&a.mqtt, &addr, silent_port, 0, NX_TRUE, NX_NO_WAIT);
    TU_CHECK_EQ(st, NX_IN_PROGRESS, "connect with timeout 0 -> NX_IN_PROGRESS");
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_CONNECTING, "state CONNECTING");
    st = nxd_mqtt_client_connect(&a.mqtt, &addr, silent_port, 0, NX_TRUE, NX_NO_WAIT);
    TU_CHECK_EQ(st, NXD_MQTT_CONNECTING, "second connect while connecting -> NXD_MQTT_CONNECTING");
    st = nxd_mqtt_client_connect(&a.mqtt, &addr, b.port, 0, NX_TRUE, NX_IP_PERIODIC_RATE);
    TU_CHECK_EQ(st, NXD_MQTT_CONNECTING, "blocking connect while connecting -> NXD_MQTT_CONNECTING");
    TU_CHECK_EQ(nxd_mqtt_client_publish(&a.mqtt, (CHAR *)"t", 1, (CHAR *)"x", 1, 0, 0, NX_NO_WAIT),
                NXD_MQTT_NOT_CONNECTED, "publish while connecting -> NOT_CONNECTED");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect while connecting");
    TU_CHECK(tu_client_wait_connect_notify(&a, 1, 5000), "connect notify called when the connecting client is torn down");
    TU_CHECK_EQ(a.connect_status[0], NXD_MQTT_CONNECT_FAILURE, "connect notify status");
    TU_CHECK_EQ(a.disconnect_calls, 0, "no disconnect notify (the client was never connected)");
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_IDLE, "state IDLE");
    close(silent_fd);
    silent_fd = -1;

    tu_section("blocking connect to the broker; connect notify in blocking mode (spec §6.4 a)");
    a.connect_notify_calls = 0;
    a.connect_context_seen = NULL;
    st = tu_client_connect(&a, b.port, 60, NX_TRUE);
    TU_REQUIRE_EQ(st, NXD_MQTT_SUCCESS, "connect (keepalive 60, clean session)");
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_CONNECTED, "state CONNECTED");
    TU_CHECK(tu_client_wait_connect_notify(&a, 1, 5000), "connect notify called by a blocking connect");
    TU_CHECK_EQ(a.connect_status[0], NXD_MQTT_SUCCESS, "connect notify status");
    TU_CHECK(a.connect_context_seen == (void *)&a, "connect notify got nxd_mqtt_connect_context");

    tu_section("state checks while connected (spec §7.4.1)");
    TU_CHECK_EQ(tu_client_connect(&a, b.port, 60, NX_TRUE), NXD_MQTT_ALREADY_CONNECTED,
                "blocking connect while connected");
    TU_CHECK_EQ(nxd_mqtt_client_connect(&a.mqtt, &addr, b.port, 60, NX_TRUE, NX_NO_WAIT),
                NXD_MQTT_ALREADY_CONNECTED, "non-blocking connect while connected");
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_CONNECTED, "still CONNECTED");
    TU_CHECK_EQ(a.disconnect_calls, 0, "no disconnect notify so far");

    tu_section("disconnect (spec §7.12): success, disconnect notify in the caller's thread");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    TU_CHECK_EQ(a.disconnect_calls, 1, "disconnect notify called once, before disconnect returned");
    TU_CHECK_EQ(a.state_in_disconnect_notify, NXD_MQTT_CLIENT_STATE_IDLE,
                "state seen inside the disconnect notify is IDLE (spec §14 order)");
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_IDLE, "state IDLE");
    TU_CHECK_EQ(nxd_mqtt_client_publish(&a.mqtt, (CHAR *)"t", 1, (CHAR *)"x", 1, 0, 1, NX_NO_WAIT),
                NXD_MQTT_NOT_CONNECTED, "publish after disconnect -> NOT_CONNECTED");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, (CHAR *)"t", 1, 1), NXD_MQTT_NOT_CONNECTED,
                "subscribe after disconnect -> NOT_CONNECTED");
    TU_CHECK_EQ(nxd_mqtt_client_unsubscribe(&a.mqtt, (CHAR *)"t", 1), NXD_MQTT_NOT_CONNECTED,
                "unsubscribe after disconnect -> NOT_CONNECTED");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "second disconnect -> SUCCESS");
    TU_CHECK_EQ(a.disconnect_calls, 1, "no second disconnect notify");

    tu_section("reconnect the same client, several times");
    {
        int i, ok = 1;
        for (i = 0; i < 5 && ok; i++) {
            ok = TU_CHECK_EQ(tu_client_connect(&a, b.port, 30, i % 2 ? NX_FALSE : NX_TRUE), NXD_MQTT_SUCCESS,
                             "reconnect") &&
                 TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
        }
        TU_CHECK_EQ(a.disconnect_calls, 6, "one disconnect notify per disconnect");
    }

    tu_section("non-blocking connect (timeout 0): NX_IN_PROGRESS then connect notify SUCCESS (spec §7.4.3)");
    a.connect_notify_calls = 0;
    a.connect_context_seen = NULL;
    st = nxd_mqtt_client_connect(&a.mqtt, &addr, b.port, 30, NX_TRUE, NX_NO_WAIT);
    TU_CHECK_EQ(st, NX_IN_PROGRESS, "connect with timeout 0");
    TU_CHECK(tu_client_wait_connect_notify(&a, 1, 10000), "connect notify called");
    TU_CHECK_EQ(a.connect_status[0], NXD_MQTT_SUCCESS, "connect notify status");
    TU_CHECK(a.connect_context_seen == (void *)&a, "connect notify context");
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_CONNECTED, "state CONNECTED");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, (CHAR *)tu_name("nb"), (UINT)strlen(tu_name("nb")), 1),
                NXD_MQTT_SUCCESS, "subscribe works after a non-blocking connect");
    {
        const char *t = tu_name("nb");
        TU_CHECK_EQ(tu_publish(&a, t, "hello", 5, 0, 1), NXD_MQTT_SUCCESS, "publish to own subscription");
        TU_CHECK(tu_client_wait_msgs(&a, 1, 10000) >= 1 && strcmp(a.received.v[0].topic, t) == 0 &&
                     a.received.v[0].payload_len == 5 && memcmp(a.received.v[0].payload, "hello", 5) == 0,
                 "the message came back through the broker");
    }
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");

    tu_section("non-blocking connect with the notify installed by the setter (extension)");
    TU_CHECK_EQ(nxd_mqtt_client_connect_notify_set(&a.mqtt, setter_notify, &setter_calls), NXD_MQTT_SUCCESS,
                "nxd_mqtt_client_connect_notify_set(notify, context)");
    st = nxd_mqtt_client_connect(&a.mqtt, &addr, b.port, 30, NX_TRUE, NX_NO_WAIT);
    TU_CHECK_EQ(st, NX_IN_PROGRESS, "connect with timeout 0");
    {
        uint64_t end = tu_now_ms() + 10000;
        while (__atomic_load_n(&setter_calls, __ATOMIC_SEQ_CST) == 0 && tu_now_ms() < end)
            tu_sleep_ms(2);
    }
    TU_CHECK(__atomic_load_n(&setter_calls, __ATOMIC_SEQ_CST) == 1 && setter_status == NXD_MQTT_SUCCESS &&
                 setter_ctx_ok,
             "the installed notify got SUCCESS and its context");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    /* back to the recording notify of tu.c for the rest */
    TU_CHECK_EQ(nxd_mqtt_client_connect_notify_set(&a.mqtt, saved_notify, &a), NXD_MQTT_SUCCESS, "restore");

    tu_section("non-blocking connect to a closed port: failure reported (synchronously or by the notify)");
    a.connect_notify_calls = 0;
    st = nxd_mqtt_client_connect(&a.mqtt, &addr, b.closed_port, 0, NX_TRUE, NX_NO_WAIT);
    if (st == NX_IN_PROGRESS) {
        TU_CHECK(tu_client_wait_connect_notify(&a, 1, 10000), "NX_IN_PROGRESS, then connect notify called");
        TU_CHECK_EQ(a.connect_status[0], NXD_MQTT_CONNECT_FAILURE, "connect notify status");
    } else {
        TU_CHECK_EQ(st, NXD_MQTT_CONNECT_FAILURE, "synchronous failure");
    }
    {
        uint64_t end = tu_now_ms() + 5000;
        while (tu_client_state(&a) != NXD_MQTT_CLIENT_STATE_IDLE && tu_now_ms() < end)
            tu_sleep_ms(5);
    }
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_IDLE, "state IDLE");

    tu_section("delete of a connected client: disconnect notify, no hang (spec §7.13)");
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 0, NX_TRUE), NXD_MQTT_SUCCESS, "connect (keepalive 0)");
    a.disconnect_calls = 0;
    t0 = tu_now_ms();
    TU_CHECK_EQ(tu_client_delete(&a), NXD_MQTT_SUCCESS, "delete while connected");
    TU_CHECK(a.disconnect_calls == 1, "disconnect notify called once by delete (got %u)", a.disconnect_calls);
    TU_CHECK(tu_now_ms() - t0 < 5000, "delete returned in %llu ms", (unsigned long long)(tu_now_ms() - t0));

    return tu_end();
}
