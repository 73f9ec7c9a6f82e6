/* CONNACK refusals mapped to NXD_MQTT_ERROR_* (spec §11.3), credentials (spec §7.2, §8.1):
 * a broker with a password file and allow_anonymous false. The code mosquitto really sends is
 * observed with libmosquitto first; our client must report 0x10080 + that code, both as the
 * return of a blocking connect and through the connect notify (also non-blocking).
 */
#include <stdio.h>
#include <string.h>

#include "tu.h"
#include "tu_peer.h"

static tu_client a, z;

static void cleanup(void)
{
    tu_client_delete(&a);
    tu_client_delete(&z);
}

/* The CONNACK code mosquitto sends to a libmosquitto client with these credentials. */
static int broker_code(unsigned port, const char *user, const char *pass)
{
    tu_peer p;
    int rc = tu_peer_open(&p, tu_name("probe"), 1, port, user, pass);
    tu_peer_close(&p);
    return rc;
}

static tu_broker b;

static void expect_refusal(const char *what, int code, UINT clean)
{
    UINT st;
    unsigned before = a.connect_notify_calls;
    st = tu_client_connect(&a, b.auth_port, 10, clean);
    TU_CHECK(code >= 1 && code <= 5, "%s: mosquitto refuses it with CONNACK code %d", what, code);
    TU_CHECK_EQ(st, (UINT)(NXD_MQTT_ERROR_CONNECT_RETURN_CODE + (unsigned)code), what);
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_IDLE, "state IDLE after the refusal");
    TU_CHECK(tu_client_wait_connect_notify(&a, before + 1, 5000), "connect notify called for the refusal");
    TU_CHECK_EQ(a.connect_status[before], (UINT)(NXD_MQTT_ERROR_CONNECT_RETURN_CODE + (unsigned)code),
                "connect notify status");
    TU_CHECK_EQ(a.disconnect_calls, 0, "no disconnect notify for a refused connect");
}

int main(void)
{
    int code;
    UINT st;
    NXD_ADDRESS addr;
    static CHAR user[64], pass[64];
    static CHAR wrong[] = "not-the-password";
    static CHAR nobody[] = "nobody";

    tu_begin("connack", 120);
    tu_at_exit(cleanup);
    tu_broker_load(&b);
    snprintf(user, sizeof user, "%s", b.auth_user);
    snprintf(pass, sizeof pass, "%s", b.auth_pass);
    tu_addr_v4_loopback(&addr);

    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a")), NXD_MQTT_SUCCESS, "create");

    tu_section("anonymous client on a broker with allow_anonymous false");
    code = broker_code(b.auth_port, NULL, NULL);
    expect_refusal("connect without login", code, NX_TRUE);

    tu_section("wrong password");
    code = broker_code(b.auth_port, b.auth_user, "not-the-password");
    TU_CHECK_EQ(nxd_mqtt_client_login_set(&a.mqtt, user, (UINT)strlen(user), wrong, (UINT)strlen(wrong)),
                NX_SUCCESS, "login_set(user, wrong password)");
    expect_refusal("connect with a wrong password", code, NX_TRUE);

    tu_section("unknown user");
    code = broker_code(b.auth_port, "nobody", "whatever");
    TU_CHECK_EQ(nxd_mqtt_client_login_set(&a.mqtt, nobody, 6, wrong, (UINT)strlen(wrong)), NX_SUCCESS,
                "login_set(unknown user)");
    expect_refusal("connect as an unknown user", code, NX_FALSE);

    tu_section("user name without password");
    code = broker_code(b.auth_port, b.auth_user, NULL);
    TU_CHECK_EQ(nxd_mqtt_client_login_set(&a.mqtt, user, (UINT)strlen(user), NULL, 0), NX_SUCCESS,
                "login_set(user, NULL password)");
    expect_refusal("connect with a user name and no password", code, NX_TRUE);

    tu_section("correct login");
    TU_CHECK_EQ(broker_code(b.auth_port, b.auth_user, b.auth_pass), 0, "libmosquitto is accepted with it");
    TU_CHECK_EQ(nxd_mqtt_client_login_set(&a.mqtt, user, (UINT)strlen(user), pass, (UINT)strlen(pass)),
                NX_SUCCESS, "login_set(user, password)");
    a.connect_notify_calls = 0;
    st = tu_client_connect(&a, b.auth_port, 10, NX_TRUE);
    TU_CHECK_EQ(st, NXD_MQTT_SUCCESS, "connect with the right credentials");
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_CONNECTED, "state CONNECTED");
    TU_CHECK(tu_client_wait_connect_notify(&a, 1, 5000) && a.connect_status[0] == NXD_MQTT_SUCCESS,
             "connect notify SUCCESS");
    {
        const char *t = tu_name("auth/echo");
        TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, (CHAR *)t, (UINT)strlen(t), 1), NXD_MQTT_SUCCESS,
                    "subscribe on the auth broker");
        TU_CHECK_EQ(tu_publish(&a, t, "x", 1, 0, 1), NXD_MQTT_SUCCESS, "publish on the auth broker");
        TU_CHECK(tu_client_wait_msgs(&a, 1, 10000) == 1, "message received on the auth broker");
    }

    tu_section("credentials are cleared by an orderly disconnect (spec §7.2 lifetime) [COMPAT]");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    code = broker_code(b.auth_port, NULL, NULL);
    a.disconnect_calls = 0;
    expect_refusal("reconnect without calling login_set again", code, NX_TRUE);

    tu_section("credentials survive a failed connect attempt (spec §7.2)");
    TU_CHECK_EQ(nxd_mqtt_client_login_set(&a.mqtt, user, (UINT)strlen(user), pass, (UINT)strlen(pass)),
                NX_SUCCESS, "login_set(user, password)");
    st = nxd_mqtt_client_connect(&a.mqtt, &addr, b.closed_port, 10, NX_TRUE, 5 * NX_IP_PERIODIC_RATE);
    TU_CHECK_EQ(st, NXD_MQTT_CONNECT_FAILURE, "connect to a closed port fails");
    TU_CHECK_EQ(tu_client_connect(&a, b.auth_port, 10, NX_TRUE), NXD_MQTT_SUCCESS,
                "then connect to the auth broker without login_set: still authenticated");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");

    tu_section("non-blocking connect refused: NX_IN_PROGRESS, then the notify carries the code");
    code = broker_code(b.auth_port, NULL, NULL);
    a.connect_notify_calls = 0;
    st = nxd_mqtt_client_connect(&a.mqtt, &addr, b.auth_port, 10, NX_TRUE, NX_NO_WAIT);
    TU_CHECK_EQ(st, NX_IN_PROGRESS, "non-blocking connect without login");
    TU_CHECK(tu_client_wait_connect_notify(&a, 1, 10000), "connect notify called");
    TU_CHECK_EQ(a.connect_status[0], (UINT)(NXD_MQTT_ERROR_CONNECT_RETURN_CODE + (unsigned)code),
                "connect notify status = 0x10080 + broker code");
    {
        uint64_t end = tu_now_ms() + 5000;
        while (tu_client_state(&a) != NXD_MQTT_CLIENT_STATE_IDLE && tu_now_ms() < end)
            tu_sleep_ms(5);
    }
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_IDLE, "state IDLE");

    tu_section("identifier rejected: empty client id with clean session 0 (MQTT 3.1.1 §3.1.3-8)");
    {
        UINT zst;
        TU_REQUIRE_EQ(tu_client_create(&z, ""), NXD_MQTT_SUCCESS, "create with a zero-length client id");
        zst = tu_client_connect(&z, b.port, 10, NX_FALSE);
        TU_CHECK_EQ(zst, NXD_MQTT_ERROR_IDENTIFYIER_REJECTED, "connect (clean session 0) refused with code 2");
        TU_CHECK_EQ(tu_client_state(&z), NXD_MQTT_CLIENT_STATE_IDLE, "state IDLE");
        zst = tu_client_connect(&z, b.port, 10, NX_TRUE);
        TU_CHECK_EQ(zst, NXD_MQTT_SUCCESS, "the same empty id with clean session 1 is accepted");
        TU_CHECK_EQ(nxd_mqtt_client_disconnect(&z.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    }

    return tu_end();
}
