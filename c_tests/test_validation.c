/* Argument validation beyond the original's front ends — fixes listed in docs/COMPATIBILITY.md
 * (§1 item 16, §3 "Topic names / filters", "clean_session other than 0/1"):
 *  - topic / filter longer than 65,535 bytes -> NXD_MQTT_INVALID_PARAMETER; exactly 65,535
 *    bytes works end to end;
 *  - keep-alive > 65,535 s -> connect NXD_MQTT_INVALID_PARAMETER;
 *  - invalid topic names (wildcards, U+0000, bad UTF-8) and filters (misplaced wildcards) ->
 *    NXD_MQTT_INVALID_PARAMETER, and the connection stays usable;
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

    tu_section("invalid topic names for publish");
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
            TU_CHECK_EQ(pub(t, (UINT)(bl + sl)), NXD_MQTT_INVALID_PARAMETER, bad[i].what);
        }
    }

    tu_section("invalid topic filters for subscribe / unsubscribe");
    {
        static const char *const bad[] = {"/a/#/b", "/a#", "/a+/b", "/x\xC3\x28"};
        size_t i;
        for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            char t[300];
            snprintf(t, sizeof t, "%s%s", base, bad[i]);
            TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, t, (UINT)strlen(t), 1), NXD_MQTT_INVALID_PARAMETER,
                        "subscribe to an invalid filter");
            TU_CHECK_EQ(nxd_mqtt_client_unsubscribe(&a.mqtt, t, (UINT)strlen(t)), NXD_MQTT_INVALID_PARAMETER,
                        "unsubscribe from an invalid filter");
        }
    }
    tu_section("valid wildcard filters are accepted");
    snprintf(filter, sizeof filter, "%s/+/leaf", base);
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, filter, (UINT)strlen(filter), 1), NXD_MQTT_SUCCESS, "base/+/leaf");
    snprintf(filter, sizeof filter, "%s/w/#", base);
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, filter, (UINT)strlen(filter), 2), NXD_MQTT_SUCCESS, "base/w/#");

    tu_section("the connection is still usable");
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

    /* Last: the refused will stays set (it is kept across a failed connect, COMPATIBILITY.md
     * item 20), so this client could not connect again. */
    tu_section("an invalid will topic");
    {
        char t[220];
        snprintf(t, sizeof t, "%s/will/#", base);
        st = nxd_mqtt_client_will_message_set(&a.mqtt, (const UCHAR *)t, (UINT)strlen(t), (UCHAR *)"w", 1, NX_FALSE, 0);
        if (st == NX_SUCCESS) {
            st = tu_client_connect(&a, b.port, 30, NX_TRUE);
            TU_CHECK_EQ(st, NXD_MQTT_INVALID_PARAMETER, "will_message_set accepted it; connect refuses it");
            if (st == NXD_MQTT_SUCCESS)
                nxd_mqtt_client_disconnect(&a.mqtt);
        } else {
            TU_CHECK_EQ(st, NXD_MQTT_INVALID_PARAMETER, "will_message_set refuses it");
        }
        TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_IDLE, "state IDLE");
    }
    return tu_end();
}
