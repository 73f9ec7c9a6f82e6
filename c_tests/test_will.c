/* The will message (spec §7.3, §8.1, §7.13, §14): published by the broker when our client's
 * connection drops without DISCONNECT — delete of a connected client, a killed process — and
 * not after nxd_mqtt_client_disconnect. Will QoS, retain and an empty will message are checked
 * by a libmosquitto peer. The will is cleared by an orderly disconnect [COMPAT].
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tu.h"
#include "tu_peer.h"

static tu_client a;
static tu_peer p, p2;
static pid_t child = -1;

static void cleanup(void)
{
    if (child > 0) {
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        child = -1;
    }
    tu_client_delete(&a);
    tu_peer_close(&p);
    tu_peer_close(&p2);
}

/* Child mode: connect with a will, report READY, then wait to be killed. */
static int child_main(unsigned port, const char *client_id, const char *will_topic)
{
    static tu_client c;
    UINT st;
    alarm(60);
    st = tu_client_create(&c, client_id);
    if (st != NXD_MQTT_SUCCESS) {
        printf("CREATE-FAILED 0x%x\n", st);
        return 1;
    }
    st = nxd_mqtt_client_will_message_set(&c.mqtt, (const UCHAR *)will_topic, (UINT)strlen(will_topic),
                                          (UCHAR *)"child died", 10, NX_FALSE, 1);
    if (st != NXD_MQTT_SUCCESS) {
        printf("WILL-FAILED 0x%x\n", st);
        return 1;
    }
    st = tu_client_connect(&c, port, 60, NX_TRUE);
    if (st != NXD_MQTT_SUCCESS) {
        printf("CONNECT-FAILED 0x%x\n", st);
        return 1;
    }
    printf("READY\n");
    fflush(stdout);
    for (;;)
        pause();
}

static const tu_msg *peer_find(tu_peer *pp, const char *topic)
{
    const tu_msg *m;
    pthread_mutex_lock(&pp->lock);
    m = tu_msg_list_find(&pp->msgs, topic, 0);
    pthread_mutex_unlock(&pp->lock);
    return m;
}

/* No message on topic: proven by a marker the peer publishes after the event has settled. */
static int peer_saw_nothing_on(tu_peer *pp, const char *topic, const char *marker)
{
    size_t before = tu_peer_wait_topic(pp, marker, 0, 0);
    if (tu_peer_publish(pp, marker, "m", 1, 1, 0) != 0)
        return 0;
    if (tu_peer_wait_topic(pp, marker, before + 1, 10000) != before + 1)
        return 0;
    /* The broker handles a client's DISCONNECT/close before later traffic of other clients;
     * give a slow machine a further short grace period before concluding. */
    tu_sleep_ms(300);
    return tu_peer_wait_topic(pp, topic, 1, 0) == 0;
}

int main(int argc, char **argv)
{
    tu_broker b;
    char wt1[200], wt2[200], wt3[200], wt4[200], marker[200], filter[200];
    const tu_msg *m;

    if (argc == 5 && strcmp(argv[1], "--child") == 0)
        return child_main((unsigned)atoi(argv[2]), argv[3], argv[4]);

    tu_begin("will", 120);
    tu_at_exit(cleanup);
    tu_broker_load(&b);
    snprintf(filter, sizeof filter, "%s", tu_name("w/#"));
    snprintf(wt1, sizeof wt1, "%s", tu_name("w/delete"));
    snprintf(wt2, sizeof wt2, "%s", tu_name("w/disconnect"));
    snprintf(wt3, sizeof wt3, "%s", tu_name("w/killed"));
    snprintf(wt4, sizeof wt4, "%s", tu_name("w/retained"));
    snprintf(marker, sizeof marker, "%s", tu_name("w/marker"));

    TU_REQUIRE_EQ(tu_peer_open(&p, tu_name("p"), 1, b.port, NULL, NULL), 0, "peer connected");
    TU_REQUIRE(tu_peer_subscribe(&p, filter, 2) == 0, "peer subscribes to the will topics at QoS 2");

    tu_section("delete of a connected client: the broker publishes the will (QoS 1, not retained)");
    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a1")), NXD_MQTT_SUCCESS, "create");
    TU_CHECK_EQ(nxd_mqtt_client_will_message_set(&a.mqtt, (const UCHAR *)wt1, (UINT)strlen(wt1),
                                                 (UCHAR *)"gone after delete", 17, NX_FALSE, 1),
                NX_SUCCESS, "will_message_set(QoS 1, retain 0)");
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 60, NX_TRUE), NXD_MQTT_SUCCESS, "connect");
    TU_CHECK_EQ(tu_client_delete(&a), NXD_MQTT_SUCCESS, "delete while connected (no DISCONNECT sent)");
    TU_CHECK(tu_peer_wait_topic(&p, wt1, 1, 10000) == 1, "peer received the will");
    if ((m = peer_find(&p, wt1)) != NULL) {
        TU_CHECK(m->payload_len == 17 && memcmp(m->payload, "gone after delete", 17) == 0, "will payload");
        TU_CHECK(m->qos == 1, "will QoS 1 (got %d)", m->qos);
        TU_CHECK(m->retain == 0, "not retained");
    }

    tu_section("nxd_mqtt_client_disconnect: no will");
    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a2")), NXD_MQTT_SUCCESS, "create");
    TU_CHECK_EQ(nxd_mqtt_client_will_message_set(&a.mqtt, (const UCHAR *)wt2, (UINT)strlen(wt2),
                                                 (UCHAR *)"must not appear", 15, NX_FALSE, 0),
                NX_SUCCESS, "will_message_set(QoS 0)");
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 60, NX_TRUE), NXD_MQTT_SUCCESS, "connect");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect (DISCONNECT sent)");
    TU_CHECK(peer_saw_nothing_on(&p, wt2, marker), "no will after an orderly disconnect");

    tu_section("the will is cleared by the orderly disconnect [COMPAT spec §7.3/§14]");
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 60, NX_TRUE), NXD_MQTT_SUCCESS,
                  "reconnect the same client without calling will_message_set again");
    TU_CHECK_EQ(tu_client_delete(&a), NXD_MQTT_SUCCESS, "delete while connected");
    TU_CHECK(peer_saw_nothing_on(&p, wt2, marker), "no will: it was cleared by the earlier disconnect");

    tu_section("will with retain 1 and QoS 2 (extension), empty will message");
    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a3")), NXD_MQTT_SUCCESS, "create");
    TU_CHECK_EQ(nxd_mqtt_client_will_message_set(&a.mqtt, (const UCHAR *)wt4, (UINT)strlen(wt4), NULL, 0,
                                                 NX_TRUE, 2),
                NX_SUCCESS, "will_message_set(message NULL, length 0, retain 1, QoS 2)");
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 60, NX_TRUE), NXD_MQTT_SUCCESS, "connect");
    TU_CHECK_EQ(tu_client_delete(&a), NXD_MQTT_SUCCESS, "delete while connected");
    TU_CHECK(tu_peer_wait_topic(&p, wt4, 1, 10000) == 1, "peer received the will");
    if ((m = peer_find(&p, wt4)) != NULL) {
        TU_CHECK(m->payload_len == 0, "empty will message (got %u bytes)", m->payload_len);
        TU_CHECK(m->qos == 2, "will QoS 2 (got %d)", m->qos);
    }
    /* Note: MQTT retains a zero-length retained message as "clear", so retention of the empty
     * will cannot be observed. Do it again with a payload. */
    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a4")), NXD_MQTT_SUCCESS, "create");
    TU_CHECK_EQ(nxd_mqtt_client_will_message_set(&a.mqtt, (const UCHAR *)wt4, (UINT)strlen(wt4),
                                                 (UCHAR *)"retained will", 13, NX_TRUE, 1),
                NX_SUCCESS, "will_message_set(retain 1, QoS 1)");
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 60, NX_TRUE), NXD_MQTT_SUCCESS, "connect");
    TU_CHECK_EQ(tu_client_delete(&a), NXD_MQTT_SUCCESS, "delete while connected");
    TU_CHECK(tu_peer_wait_topic(&p, wt4, 2, 10000) == 2, "peer received the second will");
    TU_REQUIRE_EQ(tu_peer_open(&p2, tu_name("p2"), 1, b.port, NULL, NULL), 0, "a new peer connects");
    TU_CHECK(tu_peer_subscribe(&p2, wt4, 1) == 0, "and subscribes to the will topic");
    TU_CHECK(tu_peer_wait_topic(&p2, wt4, 1, 10000) == 1, "it gets the will as a retained message");
    if ((m = peer_find(&p2, wt4)) != NULL)
        TU_CHECK(m->retain == 1 && m->payload_len == 13 && memcmp(m->payload, "retained will", 13) == 0,
                 "retain flag and payload");
    TU_CHECK(tu_peer_publish(&p2, wt4, "", 0, 1, 1) == 0, "clear the retained will");

    tu_section("will_message_set twice: the second call replaces retain/QoS (COMPATIBILITY.md item 10)");
    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a5")), NXD_MQTT_SUCCESS, "create");
    TU_CHECK_EQ(nxd_mqtt_client_will_message_set(&a.mqtt, (const UCHAR *)wt1, (UINT)strlen(wt1),
                                                 (UCHAR *)"first", 5, NX_TRUE, 1),
                NX_SUCCESS, "will_message_set(retain 1, QoS 1)");
    TU_CHECK_EQ(nxd_mqtt_client_will_message_set(&a.mqtt, (const UCHAR *)wt1, (UINT)strlen(wt1),
                                                 (UCHAR *)"second", 6, NX_FALSE, 0),
                NX_SUCCESS, "will_message_set(retain 0, QoS 0)");
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 60, NX_TRUE), NXD_MQTT_SUCCESS, "connect");
    TU_CHECK_EQ(tu_client_delete(&a), NXD_MQTT_SUCCESS, "delete while connected");
    TU_CHECK(tu_peer_wait_topic(&p, wt1, 2, 10000) == 2, "peer received the will");
    pthread_mutex_lock(&p.lock);
    {
        size_t k;
        const tu_msg *last = NULL;
        for (k = 0; k < p.msgs.n; k++)
            if (strcmp(p.msgs.v[k].topic, wt1) == 0)
                last = &p.msgs.v[k];
        TU_CHECK(last != NULL && last->payload_len == 6 && memcmp(last->payload, "second", 6) == 0 &&
                     last->qos == 0 && last->retain == 0,
                 "the will is the second one, QoS 0, not retained (qos %d, retain %d)", last ? last->qos : -1,
                 last ? last->retain : -1);
    }
    pthread_mutex_unlock(&p.lock);
    tu_peer_close(&p2);
    TU_REQUIRE_EQ(tu_peer_open(&p2, tu_name("p2b"), 1, b.port, NULL, NULL), 0, "a new peer connects");
    TU_CHECK(tu_peer_subscribe(&p2, wt1, 1) == 0 && tu_peer_subscribe(&p2, marker, 1) == 0,
             "subscribes to the will topic and the marker");
    TU_CHECK(peer_saw_nothing_on(&p2, wt1, marker), "nothing retained on it");
    tu_peer_close(&p2);

    tu_section("a killed process: the broker publishes its will");
    {
        int fds[2];
        char line[64] = "";
        char port_s[16], child_id[200];
        FILE *f;
        snprintf(port_s, sizeof port_s, "%u", b.port);
        snprintf(child_id, sizeof child_id, "%s", tu_name("child"));
        TU_REQUIRE(pipe(fds) == 0, "pipe");
        child = fork();
        TU_REQUIRE(child >= 0, "fork");
        if (child == 0) {
            dup2(fds[1], STDOUT_FILENO);
            close(fds[0]);
            close(fds[1]);
            execl("/proc/self/exe", argv[0], "--child", port_s, child_id, wt3, (char *)NULL);
            _exit(127);
        }
        close(fds[1]);
        f = fdopen(fds[0], "r");
        TU_REQUIRE(f != NULL, "fdopen");
        if (fgets(line, sizeof line, f) == NULL)
            line[0] = '\0';
        TU_REQUIRE(strncmp(line, "READY", 5) == 0, "child connected with a will (child said: %s)", line);
        TU_CHECK(kill(child, SIGKILL) == 0, "SIGKILL the child");
        waitpid(child, NULL, 0);
        child = -1;
        fclose(f);
        TU_CHECK(tu_peer_wait_topic(&p, wt3, 1, 10000) == 1, "peer received the killed client's will");
        if ((m = peer_find(&p, wt3)) != NULL)
            TU_CHECK(m->payload_len == 10 && memcmp(m->payload, "child died", 10) == 0 && m->qos == 1,
                     "will payload and QoS");
    }

    return tu_end();
}
