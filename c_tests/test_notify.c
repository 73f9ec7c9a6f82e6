/* Callbacks (spec §6.4, §7.10, §7.11, §14):
 *  - receive notify: called once per message with the receive-queue depth (1, 2, ... N when the
 *    application does not read); messages come out of message_get oldest first;
 *  - message_get from inside the receive notify (drain mode): each call finds the message it
 *    announces and reports the current depth, 1 — also for messages that arrive back to back;
 *  - disconnect notify when the broker takes the connection away (another client connects with
 *    the same client id): called once, state IDLE, publish -> NOT_CONNECTED, reconnect works;
 *  - the receive queue is emptied by an orderly teardown.
 */
#include <stdio.h>
#include <string.h>

#include "tu.h"
#include "tu_peer.h"

static tu_client a;
static tu_peer p, thief;

static void cleanup(void)
{
    tu_client_delete(&a);
    tu_peer_close(&p);
    tu_peer_close(&thief);
}

int main(void)
{
    tu_broker b;
    char topic[200];
    unsigned i, n = 10;
    int counts_ok = 1;
    UCHAR tb[256], mb[256];
    UINT tl = 0, ml = 0;

    tu_begin("notify", 90);
    tu_at_exit(cleanup);
    tu_broker_load(&b);
    snprintf(topic, sizeof topic, "%s", tu_name("n/data"));

    TU_REQUIRE_EQ(tu_peer_open(&p, tu_name("p"), 1, b.port, NULL, NULL), 0, "peer connected");
    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a")), NXD_MQTT_SUCCESS, "create");
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 60, NX_TRUE), NXD_MQTT_SUCCESS, "connect");
    TU_REQUIRE_EQ(nxd_mqtt_client_subscribe(&a.mqtt, topic, (UINT)strlen(topic), 1), NXD_MQTT_SUCCESS, "subscribe QoS 1");
    TU_CHECK_EQ(tu_publish(&a, topic, "sync", 4, 0, 1), NXD_MQTT_SUCCESS, "own message to sync with the broker");
    TU_CHECK(tu_client_wait_rx_notify(&a, 1, 10000), "receive notify for it");
    TU_CHECK_EQ(tu_client_get(&a, 1000), NXD_MQTT_SUCCESS, "read it");
    a.rx_notify_calls = 0;

    tu_section("receive notify count = receive-queue depth while nothing is read");
    for (i = 0; i < n; i++) {
        char msg[8];
        snprintf(msg, sizeof msg, "%u", i);
        TU_CHECK(tu_peer_publish(&p, topic, msg, (int)strlen(msg), 1, 0) == 0, "peer publishes %u", i);
    }
    TU_CHECK(tu_client_wait_rx_notify(&a, n, 10000), "%u receive notifies", n);
    tu_sleep_ms(100); /* (a late extra notify would show in the count below) */
    TU_CHECK_EQ(a.rx_notify_calls, n, "exactly one notify per message");
    for (i = 0; i < n; i++)
        if (a.rx_notify_log[i] != i + 1)
            counts_ok = 0;
    TU_CHECK(counts_ok, "counts were 1, 2, ..., %u (first %u %u %u ... last %u)", n, a.rx_notify_log[0],
             a.rx_notify_log[1], a.rx_notify_log[2], a.rx_notify_log[n - 1]);
    for (i = 0; i < n; i++) {
        char msg[8];
        UINT st = nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, sizeof mb, &ml);
        snprintf(msg, sizeof msg, "%u", i);
        if (!TU_CHECK(st == NXD_MQTT_SUCCESS && ml == strlen(msg) && memcmp(mb, msg, ml) == 0 &&
                          tl == strlen(topic) && memcmp(tb, topic, tl) == 0,
                      "message_get #%u returns message \"%s\" (oldest first)", i, msg))
            break;
    }
    TU_CHECK_EQ(nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, sizeof mb, &ml), NXD_MQTT_NO_MESSAGE,
                "queue empty afterwards");

    tu_section("message_get inside the receive notify (drain mode), 20 messages in a burst");
    pthread_mutex_lock(&a.lock);
    a.drain_in_callback = 1;
    a.rx_notify_calls = 0;
    tu_msg_list_free(&a.received);
    pthread_mutex_unlock(&a.lock);
    for (i = 0; i < 20; i++) {
        char msg[8];
        snprintf(msg, sizeof msg, "d%02u", i);
        /* no wait: the broker forwards them back to back, often several per TCP segment */
        TU_CHECK(tu_peer_publish_nowait(&p, topic, msg, (int)strlen(msg), 1, 0) > 0, "peer publishes d%02u", i);
    }
    TU_CHECK(tu_client_wait_msgs(&a, 20, 10000) == 20, "the callback read 20 messages");
    tu_sleep_ms(100); /* (a late extra notify would show below) */
    counts_ok = 1;
    for (i = 0; i < 20 && i < a.received.n; i++) {
        char msg[8];
        snprintf(msg, sizeof msg, "d%02u", i);
        if (strcmp((char *)a.received.v[i].payload, msg) != 0)
            counts_ok = 0;
    }
    TU_CHECK(counts_ok, "in publish order");
    {
        char drained[128] = "", counts[128] = "";
        unsigned empty = 0, not_one = 0;
        for (i = 0; i < a.rx_notify_calls && i < TU_MAX_NOTIFY_LOG; i++) {
            size_t l1 = strlen(drained), l2 = strlen(counts);
            if (a.drained_log[i] < 1)
                empty++;
            if (a.rx_notify_log[i] != 1)
                not_one++;
            if (l1 < sizeof drained - 4)
                snprintf(drained + l1, sizeof drained - l1, "%u ", a.drained_log[i]);
            if (l2 < sizeof counts - 4)
                snprintf(counts + l2, sizeof counts - l2, "%u ", a.rx_notify_log[i]);
        }
        TU_CHECK_EQ(a.rx_notify_calls, 20, "one notify per message");
        TU_CHECK(empty == 0,
                 "message_get inside every notify returned the message it announced (%u notifies found the "
                 "queue empty; messages read per notify: %s)", empty, drained);
        TU_CHECK(not_one == 0,
                 "every notify reported the current queue depth, 1 (the callback empties the queue; "
                 "counts: %s)", counts);
    }
    TU_CHECK_EQ(a.drain_last_status, NXD_MQTT_NO_MESSAGE, "the callback's last message_get saw an empty queue");
    pthread_mutex_lock(&a.lock);
    a.drain_in_callback = 0;
    pthread_mutex_unlock(&a.lock);

    tu_section("unread messages are dropped by an orderly disconnect (spec §14)");
    TU_CHECK(tu_peer_publish(&p, topic, "unread", 6, 1, 0) == 0, "peer publishes");
    TU_CHECK(tu_client_wait_rx_notify(&a, 21, 10000), "receive notify");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect without reading");
    TU_CHECK_EQ(nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, sizeof mb, &ml), NXD_MQTT_NO_MESSAGE,
                "receive queue emptied by the teardown");

    tu_section("the broker takes the connection away: a second client connects with A's client id");
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 60, NX_TRUE), NXD_MQTT_SUCCESS, "A reconnects");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, topic, (UINT)strlen(topic), 1), NXD_MQTT_SUCCESS, "subscribe");
    {
        unsigned before;
        TU_CHECK_EQ(tu_publish(&a, topic, "sync2", 5, 0, 1), NXD_MQTT_SUCCESS, "own message (subscription active)");
        TU_CHECK_EQ(tu_client_get(&a, 10000), NXD_MQTT_SUCCESS, "read it");
        pthread_mutex_lock(&a.lock);
        before = a.rx_notify_calls;
        a.read_in_disconnect_notify = 1;
        a.read_in_disconnect = 0;
        pthread_mutex_unlock(&a.lock);
        TU_CHECK(tu_peer_publish(&p, topic, "left-1", 6, 1, 0) == 0 && tu_peer_publish(&p, topic, "left-2", 6, 1, 0) == 0,
                 "peer publishes two messages that A leaves unread");
        TU_CHECK(tu_client_wait_rx_notify(&a, before + 2, 10000), "both announced");
    }
    a.disconnect_calls = 0;
    TU_REQUIRE_EQ(tu_peer_open(&thief, a.id, 1, b.port, NULL, NULL), 0, "peer connects with A's client id");
    TU_CHECK(tu_client_wait_disconnect(&a, 1, 10000), "A's disconnect notify was called");
    tu_sleep_ms(100);
    TU_CHECK_EQ(a.disconnect_calls, 1, "exactly once");
    TU_CHECK_EQ(a.state_in_disconnect_notify, NXD_MQTT_CLIENT_STATE_IDLE, "state inside the notify: IDLE");
    TU_CHECK_EQ(a.read_in_disconnect, 2,
                "the unread messages could still be read inside the disconnect notify (spec §10.2, COMPATIBILITY.md item 3)");
    TU_CHECK_EQ(nxd_mqtt_client_message_get(&a.mqtt, tb, sizeof tb, &tl, mb, sizeof mb, &ml), NXD_MQTT_NO_MESSAGE,
                "queue empty afterwards");
    a.read_in_disconnect_notify = 0;
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_IDLE, "state IDLE");
    TU_CHECK_EQ(tu_publish(&a, topic, "x", 1, 0, 1), NXD_MQTT_NOT_CONNECTED, "publish -> NOT_CONNECTED");
    tu_peer_close(&thief);
    TU_CHECK_EQ(tu_client_connect(&a, b.port, 60, NX_TRUE), NXD_MQTT_SUCCESS, "A can connect again");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, topic, (UINT)strlen(topic), 0), NXD_MQTT_SUCCESS, "subscribe");
    tu_peer_publish(&p, topic, "back", 4, 1, 0);
    {
        /* The subscribe is not acknowledged to the caller: retry until the broker delivers. */
        uint64_t end = tu_now_ms() + 10000;
        int got = 0;
        while (!got && tu_now_ms() < end) {
            size_t before = a.received.n;
            if (tu_client_wait_msgs(&a, before + 1, 300) > before)
                got = 1;
            else
                tu_peer_publish(&p, topic, "back", 4, 1, 0);
        }
        TU_CHECK(got, "A receives again after the reconnect");
    }
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    TU_CHECK_EQ(a.disconnect_calls, 2, "disconnect notify for the application's disconnect too");
    return tu_end();
}
