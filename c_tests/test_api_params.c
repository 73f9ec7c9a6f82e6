/* Front-end argument checks of every function (spec §7, "Front-end checks", in order) and the
 * not-connected codes of a created but unconnected client. No broker is contacted.
 *
 * Extensions checked here (our library vs. the original): QoS 2 publish/subscribe/will are
 * accepted (no NXD_MQTT_QOS2_NOT_SUPPORTED), publish QoS 3 -> NXD_MQTT_INVALID_PARAMETER.
 */
#include <string.h>

#include "tu.h"

static tu_client cl;
static ULONG stack[4096 / sizeof(ULONG)];
static char id[] = "params-client";
static VOID rx_cb(NXD_MQTT_CLIENT *c, UINT n) { (void)c; (void)n; }
static VOID disc_cb(NXD_MQTT_CLIENT *c) { (void)c; }
static VOID conn_cb(NXD_MQTT_CLIENT *c, UINT s, VOID *ctx) { (void)c; (void)s; (void)ctx; }
static VOID release_cb(CHAR *p, UINT n) { (void)p; (void)n; }

static void cleanup(void) { tu_client_delete(&cl); }

int main(void)
{
    NXD_MQTT_CLIENT scratch;
    NXD_MQTT_CLIENT *c;
    NXD_ADDRESS addr;
    UCHAR topic_buf[64], msg_buf[64];
    UINT tlen = 77, mlen = 77;
    static CHAR topic[] = "t/params";
    static CHAR msg[] = "m";
    static CHAR user[] = "user";
    static CHAR pass[] = "pass";
    static CHAR empty[] = "";
    static UCHAR will_topic[] = "will/t";
    static UCHAR will_msg[] = "bye";

    tu_begin("api_params", 60);
    tu_at_exit(cleanup);

    tu_section("create (spec §7.1): any NULL / zero -> NX_PTR_ERROR");
    memset(&scratch, 0, sizeof scratch);
    TU_CHECK_EQ(nxd_mqtt_client_create(NULL, "n", id, sizeof id - 1, tu_ip(), tu_pool(), stack,
                                       sizeof stack, 2, NULL, 0),
                NX_PTR_ERROR, "create(client NULL)");
    TU_CHECK_EQ(nxd_mqtt_client_create(&scratch, "n", id, sizeof id - 1, NULL, tu_pool(), stack,
                                       sizeof stack, 2, NULL, 0),
                NX_PTR_ERROR, "create(ip NULL)");
    TU_CHECK_EQ(nxd_mqtt_client_create(&scratch, "n", id, sizeof id - 1, tu_ip(), NULL, stack,
                                       sizeof stack, 2, NULL, 0),
                NX_PTR_ERROR, "create(pool NULL)");
    TU_CHECK_EQ(nxd_mqtt_client_create(&scratch, "n", id, sizeof id - 1, tu_ip(), tu_pool(), NULL,
                                       sizeof stack, 2, NULL, 0),
                NX_PTR_ERROR, "create(stack NULL)");
    TU_CHECK_EQ(nxd_mqtt_client_create(&scratch, "n", id, sizeof id - 1, tu_ip(), tu_pool(), stack, 0,
                                       2, NULL, 0),
                NX_PTR_ERROR, "create(stack_size 0)");

    tu_section("a created, unconnected client");
    TU_REQUIRE_EQ(tu_client_create(&cl, "params-client"), NXD_MQTT_SUCCESS, "create (valid)");
    c = &cl.mqtt;
    TU_CHECK_EQ(tu_client_state(&cl), NXD_MQTT_CLIENT_STATE_IDLE, "state after create is IDLE");
    TU_CHECK(c->nxd_mqtt_client_id == cl.id && c->nxd_mqtt_client_id_length == strlen(cl.id),
             "create stores the client id pointer and length (read by middleware, spec §5)");

    tu_section("login_set (spec §7.2)");
    TU_CHECK_EQ(nxd_mqtt_client_login_set(NULL, user, 4, pass, 4), NXD_MQTT_INVALID_PARAMETER,
                "login_set(client NULL) -> INVALID_PARAMETER (not NX_PTR_ERROR)");
    TU_CHECK_EQ(nxd_mqtt_client_login_set(c, NULL, 4, pass, 4), NXD_MQTT_INVALID_PARAMETER,
                "login_set(username NULL, length 4)");
    TU_CHECK_EQ(nxd_mqtt_client_login_set(c, user, 4, NULL, 4), NXD_MQTT_INVALID_PARAMETER,
                "login_set(password NULL, length 4)");
    TU_CHECK_EQ(nxd_mqtt_client_login_set(c, user, 4, NULL, 0), NX_SUCCESS,
                "login_set(user, password NULL length 0) allowed");
    TU_CHECK_EQ(nxd_mqtt_client_login_set(c, empty, 0, empty, 0), NX_SUCCESS,
                "login_set(\"\", 0, \"\", 0) allowed");
    TU_CHECK_EQ(nxd_mqtt_client_login_set(c, NULL, 0, NULL, 0), NX_SUCCESS,
                "login_set(NULL, 0, NULL, 0) allowed");
    TU_CHECK_EQ(nxd_mqtt_client_login_set(c, user, 4, pass, 4), NX_SUCCESS, "login_set(user, pass)");

    tu_section("will_message_set (spec §7.3)");
    TU_CHECK_EQ(nxd_mqtt_client_will_message_set(NULL, will_topic, 6, will_msg, 3, NX_FALSE, 0),
                NXD_MQTT_INVALID_PARAMETER, "will(client NULL) -> INVALID_PARAMETER (not NX_PTR_ERROR)");
    TU_CHECK_EQ(nxd_mqtt_client_will_message_set(c, NULL, 6, will_msg, 3, NX_FALSE, 0),
                NXD_MQTT_INVALID_PARAMETER, "will(topic NULL)");
    TU_CHECK_EQ(nxd_mqtt_client_will_message_set(c, will_topic, 0, will_msg, 3, NX_FALSE, 0),
                NXD_MQTT_INVALID_PARAMETER, "will(topic length 0)");
    TU_CHECK_EQ(nxd_mqtt_client_will_message_set(c, will_topic, 6, will_msg, 3, 2, 0),
                NXD_MQTT_INVALID_PARAMETER, "will(retain 2)");
    TU_CHECK_EQ(nxd_mqtt_client_will_message_set(c, will_topic, 6, will_msg, 3, NX_FALSE, 3),
                NXD_MQTT_INVALID_PARAMETER, "will(QoS 3)");
    TU_CHECK_EQ(nxd_mqtt_client_will_message_set(c, will_topic, 6, will_msg, 3, NX_FALSE, 4),
                NXD_MQTT_INVALID_PARAMETER, "will(QoS 4)");
    TU_CHECK_EQ(nxd_mqtt_client_will_message_set(c, will_topic, 6, NULL, 0, NX_FALSE, 0),
                NX_SUCCESS, "will(message NULL, length 0) allowed");
    TU_CHECK_EQ(nxd_mqtt_client_will_message_set(c, will_topic, 6, will_msg, 3, NX_TRUE, 1),
                NX_SUCCESS, "will(retain, QoS 1)");
    TU_CHECK_EQ(nxd_mqtt_client_will_message_set(c, will_topic, 6, will_msg, 3, NX_FALSE, 2),
                NX_SUCCESS, "will(QoS 2) accepted (extension: QoS 2 supported)");

    tu_section("connect (spec §7.4)");
    tu_addr_v4_loopback(&addr);
    TU_CHECK_EQ(nxd_mqtt_client_connect(NULL, &addr, 1883, 0, NX_TRUE, NX_IP_PERIODIC_RATE),
                NX_PTR_ERROR, "connect(client NULL)");
    TU_CHECK_EQ(nxd_mqtt_client_connect(c, NULL, 1883, 0, NX_TRUE, NX_IP_PERIODIC_RATE),
                NX_PTR_ERROR, "connect(server_ip NULL)");
    addr.nxd_ip_version = 3;
    TU_CHECK_EQ(nxd_mqtt_client_connect(c, &addr, 1883, 0, NX_TRUE, NX_IP_PERIODIC_RATE),
                NXD_MQTT_INVALID_PARAMETER, "connect(IP version 3)");
    TU_CHECK_EQ(nxd_mqtt_client_connect(c, &addr, 0, 0, NX_TRUE, NX_IP_PERIODIC_RATE),
                NXD_MQTT_INVALID_PARAMETER, "connect(IP version 3, port 0): version checked first");
    addr.nxd_ip_version = 0;
    TU_CHECK_EQ(nxd_mqtt_client_connect(c, &addr, 1883, 0, NX_TRUE, NX_IP_PERIODIC_RATE),
                NXD_MQTT_INVALID_PARAMETER, "connect(IP version 0)");
    tu_addr_v4_loopback(&addr);
    TU_CHECK_EQ(nxd_mqtt_client_connect(c, &addr, 0, 0, NX_TRUE, NX_IP_PERIODIC_RATE),
                NX_INVALID_PORT, "connect(port 0) -> NX_INVALID_PORT");
    TU_CHECK_EQ(nxd_mqtt_client_connect(NULL, NULL, 0, 0, NX_TRUE, NX_IP_PERIODIC_RATE),
                NX_PTR_ERROR, "connect(client NULL, ip NULL, port 0): client checked first");
    TU_CHECK_EQ(tu_client_state(&cl), NXD_MQTT_CLIENT_STATE_IDLE, "state still IDLE");

    tu_section("publish (spec §7.6)");
    TU_CHECK_EQ(nxd_mqtt_client_publish(NULL, topic, 8, msg, 1, 0, 0, NX_NO_WAIT), NX_PTR_ERROR,
                "publish(client NULL)");
    TU_CHECK_EQ(nxd_mqtt_client_publish(c, NULL, 8, msg, 1, 0, 0, NX_NO_WAIT),
                NXD_MQTT_INVALID_PARAMETER, "publish(topic NULL)");
    TU_CHECK_EQ(nxd_mqtt_client_publish(c, topic, 0, msg, 1, 0, 0, NX_NO_WAIT),
                NXD_MQTT_INVALID_PARAMETER, "publish(topic length 0)");
    TU_CHECK_EQ(nxd_mqtt_client_publish(c, topic, 8, msg, 0, 0, 0, NX_NO_WAIT),
                NXD_MQTT_INVALID_PARAMETER, "publish(message non-NULL, length 0)");
    TU_CHECK_EQ(nxd_mqtt_client_publish(c, topic, 8, msg, 1, 0, 4, NX_NO_WAIT),
                NXD_MQTT_INVALID_PARAMETER, "publish(QoS 4)");
    TU_CHECK_EQ(nxd_mqtt_client_publish(c, topic, 8, msg, 1, 0, 3, NX_NO_WAIT),
                NXD_MQTT_INVALID_PARAMETER, "publish(QoS 3) -> INVALID_PARAMETER (extension; the original accepted it)");
    TU_CHECK_EQ(nxd_mqtt_client_publish(c, topic, 8, NULL, 5, 0, 0, NX_NO_WAIT),
                NXD_MQTT_NOT_CONNECTED, "publish(message NULL, length 5) passes the checks -> NOT_CONNECTED");
    TU_CHECK_EQ(nxd_mqtt_client_publish(c, topic, 8, msg, 1, 0, 0, NX_NO_WAIT),
                NXD_MQTT_NOT_CONNECTED, "publish QoS 0, not connected");
    TU_CHECK_EQ(nxd_mqtt_client_publish(c, topic, 8, msg, 1, 1, 1, NX_NO_WAIT),
                NXD_MQTT_NOT_CONNECTED, "publish QoS 1 retain, not connected");
    TU_CHECK_EQ(nxd_mqtt_client_publish(c, topic, 8, msg, 1, 0, 2, NX_NO_WAIT),
                NXD_MQTT_NOT_CONNECTED, "publish QoS 2, not connected (extension: no QOS2_NOT_SUPPORTED)");

    tu_section("subscribe (spec §7.7)");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(NULL, topic, 8, 0), NX_PTR_ERROR, "subscribe(client NULL)");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(c, NULL, 8, 0), NXD_MQTT_INVALID_PARAMETER, "subscribe(topic NULL)");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(c, topic, 0, 0), NXD_MQTT_INVALID_PARAMETER, "subscribe(topic length 0)");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(c, topic, 8, 3), NXD_MQTT_INVALID_PARAMETER, "subscribe(QoS 3)");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(c, topic, 8, 0), NXD_MQTT_NOT_CONNECTED, "subscribe QoS 0, not connected");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(c, topic, 8, 1), NXD_MQTT_NOT_CONNECTED, "subscribe QoS 1, not connected");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(c, topic, 8, 2), NXD_MQTT_NOT_CONNECTED,
                "subscribe QoS 2, not connected (extension: no QOS2_NOT_SUPPORTED)");

    tu_section("unsubscribe (spec §7.8)");
    TU_CHECK_EQ(nxd_mqtt_client_unsubscribe(NULL, topic, 8), NX_PTR_ERROR, "unsubscribe(client NULL)");
    TU_CHECK_EQ(nxd_mqtt_client_unsubscribe(c, NULL, 8), NXD_MQTT_INVALID_PARAMETER, "unsubscribe(topic NULL)");
    TU_CHECK_EQ(nxd_mqtt_client_unsubscribe(c, topic, 0), NXD_MQTT_INVALID_PARAMETER, "unsubscribe(topic length 0)");
    TU_CHECK_EQ(nxd_mqtt_client_unsubscribe(c, topic, 8), NXD_MQTT_NOT_CONNECTED, "unsubscribe, not connected");

    tu_section("message_get (spec §7.9)");
    TU_CHECK_EQ(nxd_mqtt_client_message_get(NULL, topic_buf, sizeof topic_buf, &tlen, msg_buf,
                                            sizeof msg_buf, &mlen),
                NX_PTR_ERROR, "message_get(client NULL)");
    TU_CHECK_EQ(nxd_mqtt_client_message_get(c, topic_buf, sizeof topic_buf, &tlen, NULL,
                                            sizeof msg_buf, &mlen),
                NXD_MQTT_INVALID_PARAMETER, "message_get(message buffer NULL)");
    TU_CHECK_EQ(nxd_mqtt_client_message_get(c, NULL, sizeof topic_buf, &tlen, msg_buf,
                                            sizeof msg_buf, &mlen),
                NXD_MQTT_INVALID_PARAMETER, "message_get(topic buffer NULL) (the topic buffer is mandatory)");
    TU_CHECK_EQ(nxd_mqtt_client_message_get(c, topic_buf, sizeof topic_buf, &tlen, msg_buf,
                                            sizeof msg_buf, &mlen),
                NXD_MQTT_NO_MESSAGE, "message_get on an empty queue");
    TU_CHECK(tlen == 77 && mlen == 77, "message_get NO_MESSAGE leaves the output lengths untouched");

    tu_section("receive_notify_set (spec §7.10)");
    TU_CHECK_EQ(nxd_mqtt_client_receive_notify_set(NULL, rx_cb), NX_PTR_ERROR, "receive_notify_set(client NULL)");
    TU_CHECK_EQ(nxd_mqtt_client_receive_notify_set(c, NULL), NX_PTR_ERROR,
                "receive_notify_set(notify NULL) -> NX_PTR_ERROR (checked API cannot remove it)");
    TU_CHECK_EQ(nxd_mqtt_client_receive_notify_set(c, rx_cb), NXD_MQTT_SUCCESS, "receive_notify_set(valid)");

    tu_section("disconnect_notify_set (spec §7.11)");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect_notify_set(NULL, disc_cb), NX_PTR_ERROR,
                "disconnect_notify_set(client NULL)");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect_notify_set(c, NULL), NXD_MQTT_SUCCESS,
                "disconnect_notify_set(NULL) clears it");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect_notify_set(c, disc_cb), NXD_MQTT_SUCCESS, "disconnect_notify_set(valid)");

    tu_section("connect notify setter (extension)");
    TU_CHECK_EQ(nxd_mqtt_client_connect_notify_set(NULL, conn_cb, NULL), NX_PTR_ERROR,
                "connect_notify_set(client NULL)");
    TU_CHECK_EQ(nxd_mqtt_client_connect_notify_set(c, conn_cb, &cl), NXD_MQTT_SUCCESS, "connect_notify_set(valid)");
    TU_CHECK(c->nxd_mqtt_connect_notify == conn_cb && c->nxd_mqtt_connect_context == (VOID *)&cl,
             "the setter fills nxd_mqtt_connect_notify / nxd_mqtt_connect_context");
    TU_CHECK_EQ(nxd_mqtt_client_connect_notify_set(c, NULL, NULL), NXD_MQTT_SUCCESS,
                "connect_notify_set(NULL) removes it");
    TU_CHECK(c->nxd_mqtt_connect_notify == NULL, "nxd_mqtt_connect_notify is NULL again");

    tu_section("release_callback_set (declared by the original, provided here: COMPATIBILITY.md item 33)");
    TU_CHECK_EQ(_nxde_mqtt_client_release_callback_set(NULL, release_cb), NX_PTR_ERROR,
                "_nxde_mqtt_client_release_callback_set(client NULL)");
    TU_CHECK_EQ(_nxde_mqtt_client_release_callback_set(c, release_cb), NXD_MQTT_SUCCESS,
                "_nxde_mqtt_client_release_callback_set(valid)");
    TU_CHECK_EQ(_nxd_mqtt_client_release_callback_set(c, release_cb), NXD_MQTT_SUCCESS,
                "_nxd_mqtt_client_release_callback_set(valid)");

    tu_section("disconnect (spec §7.12)");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(NULL), NX_PTR_ERROR, "disconnect(client NULL)");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(c), NXD_MQTT_SUCCESS,
                "disconnect of a client that is not connected -> SUCCESS");
    TU_CHECK_EQ(tu_client_state(&cl), NXD_MQTT_CLIENT_STATE_IDLE, "state still IDLE");

    tu_section("a never-created (zeroed) control block");
    memset(&scratch, 0, sizeof scratch);
    TU_CHECK_EQ(nxd_mqtt_client_publish(&scratch, topic, 8, NULL, 0, 0, 0, NX_NO_WAIT),
                NXD_MQTT_NOT_CONNECTED, "publish on an uncreated client -> NOT_CONNECTED (regression api test)");
    /* In the original the zeroed block's mutex pointer is NULL: ThreadX's checked
     * tx_mutex_get fails, so every call that takes the mutex first reports MUTEX_FAILURE
     * (publish checks the state before taking the mutex, hence NOT_CONNECTED above). */
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&scratch, topic, 8, 0), NXD_MQTT_MUTEX_FAILURE,
                "subscribe on an uncreated client -> MUTEX_FAILURE (spec §7.16.3 step 1)");
    TU_CHECK_EQ(nxd_mqtt_client_unsubscribe(&scratch, topic, 8), NXD_MQTT_MUTEX_FAILURE,
                "unsubscribe on an uncreated client -> MUTEX_FAILURE");
    TU_CHECK_EQ(nxd_mqtt_client_connect(&scratch, &addr, 1883, 0, NX_TRUE, NX_IP_PERIODIC_RATE),
                NXD_MQTT_MUTEX_FAILURE, "connect on an uncreated client -> MUTEX_FAILURE (spec §7.4.1 step 1)");
    TU_CHECK_EQ(nxd_mqtt_client_login_set(&scratch, user, 4, pass, 4), NXD_MQTT_MUTEX_FAILURE,
                "login_set on an uncreated client -> MUTEX_FAILURE (spec §7.2)");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&scratch), NXD_MQTT_MUTEX_FAILURE,
                "disconnect on an uncreated client -> MUTEX_FAILURE (spec §7.12 step 1)");

    tu_section("delete (spec §7.13)");
    TU_CHECK_EQ(nxd_mqtt_client_delete(NULL), NX_PTR_ERROR, "delete(client NULL)");
    TU_CHECK_EQ(tu_client_delete(&cl), NXD_MQTT_SUCCESS, "delete of the unconnected client");
    TU_CHECK_EQ(nxd_mqtt_client_publish(c, topic, 8, msg, 1, 0, 0, NX_NO_WAIT), NXD_MQTT_NOT_CONNECTED,
                "publish after delete -> NOT_CONNECTED (no crash)");

    tu_section("create again on the same block after delete");
    TU_CHECK_EQ(tu_client_create(&cl, "params-client-2"), NXD_MQTT_SUCCESS, "re-create");
    TU_CHECK_EQ(tu_client_state(&cl), NXD_MQTT_CLIENT_STATE_IDLE, "state IDLE");
    TU_CHECK_EQ(tu_client_delete(&cl), NXD_MQTT_SUCCESS, "delete");

    return tu_end();
}
