/* Argument validation beyond the original's front ends — fixes listed in docs/COMPATIBILITY.md
 * (§1 item 16, §3 "Topic names / filters", "clean_session other than 0/1"):
 *  - topic / filter longer than 65,535 bytes -> NXD_MQTT_INVALID_PARAMETER; exactly 65,535
 *    bytes works end to end;
 *  - keep-alive > 65,535 s -> connect NXD_MQTT_INVALID_PARAMETER;
 *  - topic names (wildcards, U+0000, bad UTF-8), filters (misplaced wildcards) and the will
 *    topic are NOT validated, as in the original: they are sent as given and the broker
 *    decides (mosquitto ends such a connection); the client can connect again afterwards;
 *  - clean_session 2 means clean.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tu.h"
#include "tu_peer.h"

static tu_client a;
static tu_peer p;
static char *big;

static void cleanup(void)
{
    tu_client_delete(&a);
    tu_peer_close(&p);
    free(big);
}

static UINT pub(const char *topic, UINT len)
{
    return nxd_mqtt_client_publish(&a.mqtt, (CHAR *)topic, len, (CHAR *)"x", 1, 0, 1, 5 * NX_IP_PERIODIC_RATE);
}

/* Disconnect notifies of client A so far. */
static unsigned disconnects(void)
{
    unsigned n;
    pthread_mutex_lock(&a.lock);
    n = a.disconnect_calls;
    pthread_mutex_unlock(&a.lock);
    return n;
}

/* A command with an invalid topic / filter (status st, issued when A had seen `before`
 * disconnect notifies): it was accepted and sent (SUCCESS) and the broker (mosquitto) ended the
 * connection because of it; the client then connects again. */
static void sent_then_dropped(unsigned before, UINT st, const char *what, unsigned port)
{
    TU_CHECK(st == NXD_MQTT_SUCCESS, "%s: sent unvalidated (%s)", what, tu_code_name(st));
    TU_CHECK(tu_client_wait_disconnect(&a, before + 1, 10000), "%s: the broker ended the connection", what);
    TU_CHECK(tu_client_state(&a) == NXD_MQTT_CLIENT_STATE_IDLE, "%s: state IDLE", what);
    st = tu_client_connect(&a, port, 30, NX_TRUE);
    TU_REQUIRE(st == NXD_MQTT_SUCCESS, "%s: connect again (%s)", what, tu_code_name(st));
}

int main(void)
{
    tu_broker b;
    char base[160], filter[200], marker[200];
    NXD_ADDRESS addr;
    UINT st;
    size_t n;

    tu_begin("validation", 90);
    tu_at_exit(cleanup);
    tu_broker_load(&b);
    tu_addr_v4_loopback(&addr);
    snprintf(base, sizeof base, "%s", tu_name("v"));
    snprintf(marker, sizeof marker, "%s/marker", base);
    big = malloc(70000);
    TU_REQUIRE(big != NULL, "buffer");

    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a")), NXD_MQTT_SUCCESS, "create");

    tu_section("keep-alive above 65,535 s");
    st = nxd_mqtt_client_connect(&a.mqtt, &addr, b.port, 65536, NX_TRUE, 5 * NX_IP_PERIODIC_RATE);
    TU_CHECK_EQ(st, NXD_MQTT_INVALID_PARAMETER, "connect(keepalive 65536)");
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_IDLE, "state IDLE");
    st = nxd_mqtt_client_connect(&a.mqtt, &addr, b.port, 65535, NX_TRUE, 5 * NX_IP_PERIODIC_RATE);
    TU_CHECK_EQ(st, NXD_MQTT_SUCCESS, "connect(keepalive 65535)");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");

    TU_REQUIRE_EQ(tu_peer_open(&p, tu_name("p"), 1, b.port, NULL, NULL), 0, "peer connected");
    snprintf(filter, sizeof filter, "%s/#", base);
    TU_REQUIRE(tu_peer_subscribe(&p, filter, 1) == 0, "peer subscribes to base/#");
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 30, NX_TRUE), NXD_MQTT_SUCCESS, "connect");

    tu_section("lengths");
    memset(big, 'a', 70000);
    TU_CHECK_EQ(pub(big, 65536), NXD_MQTT_INVALID_PARAMETER, "publish, topic of 65,536 bytes");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, big, 65536, 0), NXD_MQTT_INVALID_PARAMETER,
                "subscribe, filter of 65,536 bytes");
    TU_CHECK_EQ(nxd_mqtt_client_unsubscribe(&a.mqtt, big, 65536), NXD_MQTT_INVALID_PARAMETER,
                "unsubscribe, filter of 65,536 bytes");
    {
        size_t bl = strlen(base);
        memcpy(big, base, bl);
        big[bl] = '/';
        memset(big + bl + 1, 'z', 65535 - bl - 1);
        TU_CHECK_EQ(pub(big, 65535), NXD_MQTT_SUCCESS, "publish, topic of exactly 65,535 bytes");
        n = tu_peer_wait_msgs(&p, 1, 10000);
        pthread_mutex_lock(&p.lock);
        TU_CHECK(n == 1 && p.msgs.v[0].topic_len == 65535 && memcmp(p.msgs.v[0].topic, big, 65535) == 0,
                 "the peer received it with the full topic");
        pthread_mutex_unlock(&p.lock);
    }

    tu_section("invalid topic names for publish are sent as given; the broker ends the connection");
    {
        static const struct {
            const char *suffix;
            size_t len; /* 0: strlen */
            const char *what;
        } bad[] = {
            {"/a/+/b", 0, "'+' in a topic name"},
            {"/a/#", 0, "'#' in a topic name"},
            {"/nul\0x", 6, "U+0000 in a topic name"},
            {"/bad\xC3\x28utf8", 0, "invalid UTF-8 (C3 28)"},
            {"/over\xC0\xAFlong", 0, "overlong UTF-8 (C0 AF)"},
        };
        size_t i;
        for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            char t[300];
            size_t bl = strlen(base), sl = bad[i].len ? bad[i].len : strlen(bad[i].suffix);
            memcpy(t, base, bl);
            memcpy(t + bl, bad[i].suffix, sl);
            unsigned before = disconnects();
            sent_then_dropped(before, pub(t, (UINT)(bl + sl)), bad[i].what, b.port);
        }
    }

    tu_section("invalid topic filters for subscribe / unsubscribe are sent as given");
    {
        static const char *const bad[] = {"/a/#/b", "/a#", "/a+/b", "/x\xC3\x28"};
        size_t i;
        for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            char t[300];
            snprintf(t, sizeof t, "%s%s", base, bad[i]);
            unsigned before = disconnects();
            st = nxd_mqtt_client_subscribe(&a.mqtt, t, (UINT)strlen(t), 1);
            sent_then_dropped(before, st, "subscribe to an invalid filter", b.port);
            before = disconnects();
            st = nxd_mqtt_client_unsubscribe(&a.mqtt, t, (UINT)strlen(t));
            sent_then_dropped(before, st, "unsubscribe from an invalid filter", b.port);
        }
    }
    tu_section("valid wildcard filters are accepted");
    snprintf(filter, sizeof filter, "%s/+/leaf", base);
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, filter, (UINT)strlen(filter), 1), NXD_MQTT_SUCCESS, "base/+/leaf");
    snprintf(filter, sizeof filter, "%s/w/#", base);
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, filter, (UINT)strlen(filter), 2), NXD_MQTT_SUCCESS, "base/w/#");

    tu_section("the client works normally after the broker's refusals");
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_CONNECTED, "still CONNECTED");
    {
        char t[220];
        snprintf(t, sizeof t, "%s/w/x/y", base);
        TU_CHECK_EQ(tu_publish(&a, t, "ok", 2, 0, 1), NXD_MQTT_SUCCESS, "publish to base/w/x/y");
        TU_CHECK(tu_client_wait_msgs(&a, 1, 10000) == 1 && strcmp(a.received.v[0].topic, t) == 0,
                 "received through the base/w/# subscription");
    }
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");

    tu_section("clean_session 2 means clean (COMPATIBILITY.md §3)");
    pthread_mutex_lock(&a.lock);
    tu_msg_list_free(&a.received);
    pthread_mutex_unlock(&a.lock);
    if (TU_CHECK_EQ(tu_client_connect(&a, b.port, 30, 2), NXD_MQTT_SUCCESS, "connect with clean_session 2")) {
        snprintf(filter, sizeof filter, "%s/cs2", base);
        TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, filter, (UINT)strlen(filter), 1), NXD_MQTT_SUCCESS, "subscribe");
        TU_CHECK_EQ(tu_publish(&a, filter, "sync", 4, 0, 1), NXD_MQTT_SUCCESS, "own message (subscription active)");
        TU_CHECK(tu_client_wait_msgs(&a, 1, 10000) == 1, "received");
        TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
        TU_CHECK(tu_peer_publish(&p, filter, "while away", 10, 1, 0) == 0, "peer publishes while A is away");
        TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 30, NX_FALSE), NXD_MQTT_SUCCESS, "reconnect with clean_session 0");
        TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, marker, (UINT)strlen(marker), 1), NXD_MQTT_SUCCESS,
                    "subscribe to a marker");
        TU_CHECK_EQ(tu_publish(&a, marker, "m", 1, 0, 1), NXD_MQTT_SUCCESS, "publish the marker");
        TU_CHECK(tu_client_wait_msgs(&a, 2, 10000) >= 2, "marker received");
        while (tu_client_get(&a, 300) == NXD_MQTT_SUCCESS) {
        }
        TU_CHECK(a.received.n == 2 && strcmp(a.received.v[1].topic, marker) == 0,
                 "nothing was kept for A: the clean_session 2 session was clean (%zu messages)", a.received.n);
        TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    }
    /* leave no persistent session behind */
    TU_CHECK_EQ(tu_client_connect(&a, b.port, 30, NX_TRUE), NXD_MQTT_SUCCESS, "connect clean");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");

    /* Last: the will stays set after a failed connect (COMPATIBILITY.md item 20), so this
     * client could not connect again. */
    tu_section("an invalid will topic is sent as given; the broker refuses the CONNECT");
    {
        char t[220];
        snprintf(t, sizeof t, "%s/will/#", base);
        st = nxd_mqtt_client_will_message_set(&a.mqtt, (const UCHAR *)t, (UINT)strlen(t), (UCHAR *)"w", 1, NX_FALSE, 0);
        TU_CHECK_EQ(st, NX_SUCCESS, "will_message_set accepts it (not validated)");
        st = tu_client_connect(&a, b.port, 30, NX_TRUE);
        TU_CHECK(st != NXD_MQTT_SUCCESS && st != NXD_MQTT_INVALID_PARAMETER,
                 "connect sends it and fails because mosquitto closes the connection (%s)", tu_code_name(st));
        if (st == NXD_MQTT_SUCCESS)
            nxd_mqtt_client_disconnect(&a.mqtt);
        TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_IDLE, "state IDLE");
    }
    return tu_end();
}
