/* Create/delete life cycle (spec §7.1, §7.13, §14): repeated create/connect/delete cycles on
 * the same control block, several clients alive at once, delete with unread messages and
 * unacknowledged work, delete of a client whose connect is still in progress (the original
 * hung there [BUG §7.13]; the replacement must return).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tu.h"

#define N_CLIENTS 8

static tu_client cl[N_CLIENTS];
static int silent_fd = -1;

static void cleanup(void)
{
    int i;
    for (i = 0; i < N_CLIENTS; i++)
        tu_client_delete(&cl[i]);
    if (silent_fd >= 0)
        close(silent_fd);
}

int main(void)
{
    tu_broker b;
    char topic[200];
    int i, ok;
    unsigned silent_port;
    NXD_ADDRESS addr;
    uint64_t t0;

    tu_begin("lifecycle", 120);
    tu_at_exit(cleanup);
    tu_broker_load(&b);
    snprintf(topic, sizeof topic, "%s", tu_name("lc"));
    tu_addr_v4_loopback(&addr);

    tu_section("50 x create/delete of the same block, never connected");
    ok = 1;
    for (i = 0; i < 50 && ok; i++)
        ok = tu_client_create(&cl[0], tu_name("c0")) == NXD_MQTT_SUCCESS &&
             tu_client_delete(&cl[0]) == NXD_MQTT_SUCCESS;
    TU_CHECK(ok, "all 50 cycles succeeded (stopped at %d)", i);

    tu_section("20 x create/connect/publish/disconnect/delete");
    ok = 1;
    for (i = 0; i < 20 && ok; i++) {
        ok = tu_client_create(&cl[0], tu_name("c0")) == NXD_MQTT_SUCCESS &&
             tu_client_connect(&cl[0], b.port, 10, NX_TRUE) == NXD_MQTT_SUCCESS &&
             tu_publish(&cl[0], topic, "x", 1, 0, (UINT)(i % 3)) == NXD_MQTT_SUCCESS &&
             nxd_mqtt_client_disconnect(&cl[0].mqtt) == NXD_MQTT_SUCCESS &&
             tu_client_delete(&cl[0]) == NXD_MQTT_SUCCESS;
    }
    TU_CHECK(ok, "all 20 cycles succeeded (stopped at %d)", i);

    tu_section("%d clients alive at once, each receiving the others' messages", N_CLIENTS);
    ok = 1;
    for (i = 0; i < N_CLIENTS && ok; i++) {
        char id[32];
        snprintf(id, sizeof id, "multi%d", i);
        ok = TU_CHECK_EQ(tu_client_create(&cl[i], tu_name(id)), NXD_MQTT_SUCCESS, "create") &&
             TU_CHECK_EQ(tu_client_connect(&cl[i], b.port, 10, NX_TRUE), NXD_MQTT_SUCCESS, "connect") &&
             TU_CHECK_EQ(nxd_mqtt_client_subscribe(&cl[i].mqtt, topic, (UINT)strlen(topic), 1), NXD_MQTT_SUCCESS,
                         "subscribe");
    }
    TU_REQUIRE(ok, "all clients up");
    /* make sure every subscription is active: each client waits for its own message */
    for (i = 0; i < N_CLIENTS; i++) {
        char msg[16];
        snprintf(msg, sizeof msg, "from %d", i);
        TU_CHECK_EQ(tu_publish(&cl[i], topic, msg, (unsigned)strlen(msg), 0, 1), NXD_MQTT_SUCCESS, "publish");
    }
    ok = 1;
    for (i = 0; i < N_CLIENTS; i++) {
        /* every client gets at least the messages published after its own subscription */
        size_t n = tu_client_wait_msgs(&cl[i], (size_t)(N_CLIENTS - i), 10000);
        if (n < (size_t)(N_CLIENTS - i))
            ok = 0;
    }
    TU_CHECK(ok, "each client received the messages published after it subscribed");
    TU_CHECK(tu_client_wait_msgs(&cl[0], N_CLIENTS, 10000) == N_CLIENTS, "the first client received all %d",
             N_CLIENTS);

    tu_section("delete with unread messages queued and a QoS 1/2 publish just sent");
    {
        unsigned before;
        pthread_mutex_lock(&cl[2].lock);
        before = cl[2].rx_notify_calls;
        pthread_mutex_unlock(&cl[2].lock);
        TU_CHECK_EQ(tu_publish(&cl[1], topic, "unread", 6, 0, 1), NXD_MQTT_SUCCESS, "publish QoS 1 to everyone");
        TU_CHECK(tu_client_wait_rx_notify(&cl[2], before + 1, 10000), "client 2 has a message queued");
    }
    TU_CHECK_EQ(tu_publish(&cl[2], topic, "in flight", 9, 0, 2), NXD_MQTT_SUCCESS, "client 2 publishes QoS 2");
    TU_CHECK_EQ(tu_client_delete(&cl[2]), NXD_MQTT_SUCCESS, "delete client 2 right away");
    for (i = 0; i < N_CLIENTS; i++) {
        if (i == 2)
            continue;
        TU_CHECK_EQ(nxd_mqtt_client_disconnect(&cl[i].mqtt), NXD_MQTT_SUCCESS, "disconnect");
        TU_CHECK_EQ(tu_client_delete(&cl[i]), NXD_MQTT_SUCCESS, "delete");
    }

    tu_section("delete while a non-blocking connect is in progress returns (original hung [BUG §7.13])");
    silent_fd = tu_silent_listener(0, &silent_port);
    TU_REQUIRE_EQ(tu_client_create(&cl[0], tu_name("c0")), NXD_MQTT_SUCCESS, "create");
    TU_CHECK_EQ(nxd_mqtt_client_connect(&cl[0].mqtt, &addr, silent_port, 10, NX_TRUE, NX_NO_WAIT), NX_IN_PROGRESS,
                "non-blocking connect to a broker that never answers");
    TU_CHECK_EQ(tu_client_state(&cl[0]), NXD_MQTT_CLIENT_STATE_CONNECTING, "CONNECTING");
    t0 = tu_now_ms();
    TU_CHECK_EQ(tu_client_delete(&cl[0]), NXD_MQTT_SUCCESS, "delete");
    TU_CHECK(tu_now_ms() - t0 < 5000, "delete returned in %llu ms", (unsigned long long)(tu_now_ms() - t0));
    TU_CHECK(cl[0].connect_notify_calls == 1 && cl[0].connect_status[0] == NXD_MQTT_CONNECT_FAILURE,
             "the connect notify reported NXD_MQTT_CONNECT_FAILURE (COMPATIBILITY.md item 13; calls %u, status 0x%x)",
             cl[0].connect_notify_calls, cl[0].connect_status[0]);
    TU_CHECK_EQ(cl[0].disconnect_calls, 0, "no disconnect notify (never connected)");

    tu_section("the block can be created and used again afterwards");
    TU_REQUIRE_EQ(tu_client_create(&cl[0], tu_name("c0")), NXD_MQTT_SUCCESS, "create");
    TU_CHECK_EQ(tu_client_connect(&cl[0], b.port, 10, NX_TRUE), NXD_MQTT_SUCCESS, "connect");
    TU_CHECK_EQ(tu_client_delete(&cl[0]), NXD_MQTT_SUCCESS, "delete while connected");
    return tu_end();
}
