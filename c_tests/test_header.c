/* The header itself (spec §3, §4, §5): every constant's name and value, the public-name
 * mapping macros, the prototypes' exact types, the types, and the layout of the named members
 * of NXD_MQTT_CLIENT and of the packet-overlay structs.
 *
 * Values are checked at run time (a missing macro is one failed check, not a broken build),
 * and the most important ones also with static assertions. Prototype types are checked by
 * assigning each function to a pointer of the spec's type: with -Werror any mismatch fails the
 * build of this test.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "tu.h"

#define XSTR2(x) #x
#define XSTR(x) XSTR2(x)

/* Checks that NAME is a macro with value VALUE. */
#define CHECK_MACRO(NAME, VALUE)                                                                 \
    do {                                                                                         \
        TU_CHECK(XSTR(NAME)[0] != 0 && strcmp(XSTR(NAME), #NAME) != 0, "%s is a macro", #NAME);  \
        TU_CHECK_EQ((unsigned long)(NAME), (unsigned long)(VALUE), #NAME);                       \
    } while (0)

/* Static assertions for the values most likely to be relied upon in #if / switch / case. */
_Static_assert(NXD_MQTT_SUCCESS == 0, "NXD_MQTT_SUCCESS");
_Static_assert(NXD_MQTT_ALREADY_CONNECTED == 0x10001, "NXD_MQTT_ALREADY_CONNECTED");
_Static_assert(NXD_MQTT_NOT_CONNECTED == 0x10002, "NXD_MQTT_NOT_CONNECTED");
_Static_assert(NXD_MQTT_INVALID_PARAMETER == 0x10009, "NXD_MQTT_INVALID_PARAMETER");
_Static_assert(NXD_MQTT_NO_MESSAGE == 0x1000A, "NXD_MQTT_NO_MESSAGE");
_Static_assert(NXD_MQTT_INSUFFICIENT_BUFFER_SPACE == 0x1000D, "NXD_MQTT_INSUFFICIENT_BUFFER_SPACE");
_Static_assert(NXD_MQTT_ERROR_NOT_AUTHORIZED == 0x10085, "NXD_MQTT_ERROR_NOT_AUTHORIZED");
_Static_assert(NXD_MQTT_CLIENT_STATE_CONNECTED == 3, "NXD_MQTT_CLIENT_STATE_CONNECTED");
_Static_assert(NX_PTR_ERROR == 0x07, "NX_PTR_ERROR");
_Static_assert(NX_IN_PROGRESS == 0x37, "NX_IN_PROGRESS");
_Static_assert(NX_INVALID_PORT == 0x46, "NX_INVALID_PORT");
_Static_assert(NX_IP_PERIODIC_RATE == 100, "NX_IP_PERIODIC_RATE (host: 100 ticks per second)");
/* usable in #if (the original's values are plain integer constants) */
#if NXD_MQTT_ERROR_CONNECT_RETURN_CODE != 0x10080
#error NXD_MQTT_ERROR_CONNECT_RETURN_CODE
#endif
#if MQTT_PROTOCOL_LEVEL != 4
#error MQTT_PROTOCOL_LEVEL
#endif

/* Types (spec §4.2): UINT/ULONG 32-bit on the reference build, USHORT 16, UCHAR 8, CHAR char. */
_Static_assert(sizeof(UINT) == 4, "UINT is 32-bit");
_Static_assert(sizeof(ULONG) >= 4, "ULONG is at least 32-bit");
_Static_assert(sizeof(USHORT) == 2, "USHORT is 16-bit");
_Static_assert(sizeof(UCHAR) == 1, "UCHAR is 8-bit");
_Static_assert(_Generic((CHAR)0, char: 1, default: 0), "CHAR is char");
_Static_assert(_Generic((UCHAR)0, unsigned char: 1, default: 0), "UCHAR is unsigned char");
_Static_assert((UINT)-1 > 0 && (ULONG)-1 > 0, "UINT and ULONG are unsigned");

/* Struct tags (spec §3.1, §5): typedef X names struct X_STRUCT. */
static struct NXD_MQTT_CLIENT_STRUCT *tag_client(NXD_MQTT_CLIENT *c) { return c; }
static struct MQTT_PACKET_CONNACK_STRUCT *tag_connack(MQTT_PACKET_CONNACK *p) { return p; }
static struct MQTT_PACKET_PUBLISH_STRUCT *tag_publish(MQTT_PACKET_PUBLISH *p) { return p; }
static struct MQTT_PACKET_PUBLISH_RESPONSE_STRUCT *tag_pubresp(MQTT_PACKET_PUBLISH_RESPONSE *p) { return p; }
static struct MQTT_PACKET_SUBSCRIBE_STRUCT *tag_subscribe(MQTT_PACKET_SUBSCRIBE *p) { return p; }
static struct MQTT_PACKET_PING_STRUCT *tag_ping(MQTT_PACKET_PING *p) { return p; }
static struct MQTT_PACKET_DISCONNECT_STRUCT *tag_disconnect(MQTT_PACKET_DISCONNECT *p) { return p; }

/* Overlay structs: all UCHAR, in this order, no padding. */
#define OVERLAY_FIELD(T, F, IDX)                                                                 \
    _Static_assert(offsetof(T, F) == (IDX), #T "." #F " offset");                                \
    _Static_assert(sizeof(((T *)0)->F) == 1, #T "." #F " is one byte")
OVERLAY_FIELD(MQTT_PACKET_CONNACK, mqtt_connack_packet_header, 0);
OVERLAY_FIELD(MQTT_PACKET_CONNACK, mqtt_connack_packet_remaining_length, 1);
OVERLAY_FIELD(MQTT_PACKET_CONNACK, mqtt_connack_packet_ack_flags, 2);
OVERLAY_FIELD(MQTT_PACKET_CONNACK, mqtt_connack_packet_return_code, 3);
_Static_assert(sizeof(MQTT_PACKET_CONNACK) == 4, "MQTT_PACKET_CONNACK size");
OVERLAY_FIELD(MQTT_PACKET_PUBLISH, mqtt_publish_packet_header, 0);
OVERLAY_FIELD(MQTT_PACKET_PUBLISH, mqtt_publish_packet_remaining_length, 1);
_Static_assert(sizeof(MQTT_PACKET_PUBLISH) == 2, "MQTT_PACKET_PUBLISH size");
OVERLAY_FIELD(MQTT_PACKET_PUBLISH_RESPONSE, mqtt_publish_response_packet_header, 0);
OVERLAY_FIELD(MQTT_PACKET_PUBLISH_RESPONSE, mqtt_publish_response_packet_remaining_length, 1);
OVERLAY_FIELD(MQTT_PACKET_PUBLISH_RESPONSE, mqtt_publish_response_packet_packet_identifier_msb, 2);
OVERLAY_FIELD(MQTT_PACKET_PUBLISH_RESPONSE, mqtt_publish_response_packet_packet_identifier_lsb, 3);
_Static_assert(sizeof(MQTT_PACKET_PUBLISH_RESPONSE) == 4, "MQTT_PACKET_PUBLISH_RESPONSE size");
OVERLAY_FIELD(MQTT_PACKET_SUBSCRIBE, mqtt_subscribe_packet_header, 0);
OVERLAY_FIELD(MQTT_PACKET_SUBSCRIBE, mqtt_subscribe_packet_remaining_length, 1);
OVERLAY_FIELD(MQTT_PACKET_SUBSCRIBE, mqtt_subscribe_packet_packet_identifier_msb, 2);
OVERLAY_FIELD(MQTT_PACKET_SUBSCRIBE, mqtt_subscribe_packet_packet_identifier_lsb, 3);
_Static_assert(sizeof(MQTT_PACKET_SUBSCRIBE) == 4, "MQTT_PACKET_SUBSCRIBE size");
OVERLAY_FIELD(MQTT_PACKET_PING, mqtt_ping_packet_header, 0);
OVERLAY_FIELD(MQTT_PACKET_PING, mqtt_ping_packet_remaining_length, 1);
_Static_assert(sizeof(MQTT_PACKET_PING) == 2, "MQTT_PACKET_PING size");
OVERLAY_FIELD(MQTT_PACKET_DISCONNECT, mqtt_disconnect_packet_header, 0);
OVERLAY_FIELD(MQTT_PACKET_DISCONNECT, mqtt_disconnect_packet_remaining_length, 1);
_Static_assert(sizeof(MQTT_PACKET_DISCONNECT) == 2, "MQTT_PACKET_DISCONNECT size");

/* Prototypes (spec §4.2): each function assigned to a pointer of the spec's exact type. */
typedef UINT (*create_fn)(NXD_MQTT_CLIENT *, CHAR *, CHAR *, UINT, NX_IP *, NX_PACKET_POOL *,
                          VOID *, ULONG, UINT, VOID *, ULONG);
typedef UINT (*login_fn)(NXD_MQTT_CLIENT *, CHAR *, UINT, CHAR *, UINT);
typedef UINT (*will_fn)(NXD_MQTT_CLIENT *, const UCHAR *, UINT, const UCHAR *, UINT, UINT, UINT);
typedef UINT (*delete_fn)(NXD_MQTT_CLIENT *);
typedef UINT (*connect_fn)(NXD_MQTT_CLIENT *, NXD_ADDRESS *, UINT, UINT, UINT, ULONG);
typedef UINT (*publish_fn)(NXD_MQTT_CLIENT *, CHAR *, UINT, CHAR *, UINT, UINT, UINT, ULONG);
typedef UINT (*subscribe_fn)(NXD_MQTT_CLIENT *, CHAR *, UINT, UINT);
typedef UINT (*unsubscribe_fn)(NXD_MQTT_CLIENT *, CHAR *, UINT);
typedef UINT (*disconnect_fn)(NXD_MQTT_CLIENT *);
typedef UINT (*rx_notify_set_fn)(NXD_MQTT_CLIENT *, VOID (*)(NXD_MQTT_CLIENT *, UINT));
typedef UINT (*message_get_fn)(NXD_MQTT_CLIENT *, UCHAR *, UINT, UINT *, UCHAR *, UINT, UINT *);
typedef UINT (*disc_notify_set_fn)(NXD_MQTT_CLIENT *, VOID (*)(NXD_MQTT_CLIENT *));

static const create_fn p_create[] = {_nxde_mqtt_client_create, _nxd_mqtt_client_create, nxd_mqtt_client_create};
static const login_fn p_login[] = {_nxde_mqtt_client_login_set, _nxd_mqtt_client_login_set, nxd_mqtt_client_login_set};
static const will_fn p_will[] = {_nxde_mqtt_client_will_message_set, _nxd_mqtt_client_will_message_set, nxd_mqtt_client_will_message_set};
static const delete_fn p_delete[] = {_nxde_mqtt_client_delete, _nxd_mqtt_client_delete, nxd_mqtt_client_delete};
static const connect_fn p_connect[] = {_nxde_mqtt_client_connect, _nxd_mqtt_client_connect, nxd_mqtt_client_connect};
static const publish_fn p_publish[] = {_nxde_mqtt_client_publish, _nxd_mqtt_client_publish, nxd_mqtt_client_publish};
static const subscribe_fn p_subscribe[] = {_nxde_mqtt_client_subscribe, _nxd_mqtt_client_subscribe, nxd_mqtt_client_subscribe};
static const unsubscribe_fn p_unsubscribe[] = {_nxde_mqtt_client_unsubscribe, _nxd_mqtt_client_unsubscribe, nxd_mqtt_client_unsubscribe};
static const disconnect_fn p_disconnect[] = {_nxde_mqtt_client_disconnect, _nxd_mqtt_client_disconnect, nxd_mqtt_client_disconnect};
static const rx_notify_set_fn p_rx_notify[] = {_nxde_mqtt_client_receive_notify_set, _nxd_mqtt_client_receive_notify_set, nxd_mqtt_client_receive_notify_set};
static const message_get_fn p_message_get[] = {_nxde_mqtt_client_message_get, _nxd_mqtt_client_message_get, nxd_mqtt_client_message_get};
static const disc_notify_set_fn p_disc_notify[] = {_nxde_mqtt_client_disconnect_notify_set, _nxd_mqtt_client_disconnect_notify_set, nxd_mqtt_client_disconnect_notify_set};
/* Declared by the original, never defined there; provided here (COMPATIBILITY.md item 33). */
typedef UINT (*release_cb_set_fn)(NXD_MQTT_CLIENT *, VOID (*)(CHAR *, UINT));
static const release_cb_set_fn p_release[] = {_nxde_mqtt_client_release_callback_set,
                                              _nxd_mqtt_client_release_callback_set};
/* The extension: connect notify setter. */
typedef UINT (*connect_notify_set_fn)(NXD_MQTT_CLIENT *, VOID (*)(NXD_MQTT_CLIENT *, UINT, VOID *), VOID *);
static const connect_notify_set_fn p_connect_notify_set = nxd_mqtt_client_connect_notify_set;

/* Named members of the control block and their types (spec §5; the extension makes these
 * real members). Assignments below fail to compile (-Werror) on a type mismatch. */
static VOID cb_connect(NXD_MQTT_CLIENT *c, UINT status, VOID *ctx) { (void)c; (void)status; (void)ctx; }
static VOID cb_ack(NXD_MQTT_CLIENT *c, UINT type, USHORT id, NX_PACKET *pkt, VOID *ctx)
{
    (void)c; (void)type; (void)id; (void)pkt; (void)ctx;
}

static NXD_MQTT_CLIENT layout_probe;

static void check_member(const char *name, size_t off, size_t size)
{
    TU_CHECK(off + size <= sizeof(NXD_MQTT_CLIENT), "member %s at offset %zu (+%zu) lies inside "
             "sizeof(NXD_MQTT_CLIENT) = %zu", name, off, size, sizeof(NXD_MQTT_CLIENT));
}

#define MEMBER(F) {#F, offsetof(NXD_MQTT_CLIENT, F), sizeof(((NXD_MQTT_CLIENT *)0)->F)}

int main(void)
{
    size_t i, j;
    static const struct {
        const char *name;
        size_t off, size;
    } members[] = {
        MEMBER(nxd_mqtt_client_id),
        MEMBER(nxd_mqtt_client_id_length),
        MEMBER(nxd_mqtt_client_state),
        MEMBER(nxd_mqtt_client_packet_identifier),
        MEMBER(nxd_mqtt_ping_not_responded),
        MEMBER(nxd_mqtt_connect_notify),
        MEMBER(nxd_mqtt_connect_context),
        MEMBER(nxd_mqtt_ack_receive_notify),
        MEMBER(nxd_mqtt_ack_receive_context),
    };

    tu_begin("header", 30);

    tu_section("spec §3.1 protocol constants");
    CHECK_MACRO(MQTT_PROTOCOL_LEVEL, 4);
    CHECK_MACRO(MQTT_CONNECT_FLAGS_USERNAME, 0x80);
    CHECK_MACRO(MQTT_CONNECT_FLAGS_PASSWORD, 0x40);
    CHECK_MACRO(MQTT_CONNECT_FLAGS_WILL_RETAIN, 0x20);
    CHECK_MACRO(MQTT_CONNECT_FLAGS_WILL_QOS_0, 0);
    CHECK_MACRO(MQTT_CONNECT_FLAGS_WILL_QOS_1, 0x08);
    CHECK_MACRO(MQTT_CONNECT_FLAGS_WILL_QOS_2, 0x10);
    CHECK_MACRO(MQTT_CONNECT_FLAGS_WILL_FLAG, 0x04);
    CHECK_MACRO(MQTT_CONNECT_FLAGS_CLEAN_SESSION, 0x02);
    CHECK_MACRO(MQTT_CONNECT_FLAGS_WILL_QOS_FIELD, 0x18);
    CHECK_MACRO(MQTT_CONNACK_CONNECT_FLAGS_SP, 1);
    CHECK_MACRO(MQTT_CONNACK_CONNECT_RETURN_CODE_ACCEPTED, 0);
    CHECK_MACRO(MQTT_CONNACK_CONNECT_RETURN_CODE_UNACCEPTABLE_PROTOCOL_VERSION, 1);
    CHECK_MACRO(MQTT_CONNACK_CONNECT_RETURN_CODE_IDENTIFIER_REJECTED, 2);
    CHECK_MACRO(MQTT_CONNACK_CONNECT_RETURN_CODE_SERVER_UNAVAILABLE, 3);
    CHECK_MACRO(MQTT_CONNACK_CONNECT_RETURN_CODE_BAD_USERNAME_PASSWORD, 4);
    CHECK_MACRO(MQTT_CONNACK_CONNECT_RETURN_CODE_NOT_AUTHORIZED, 5);
    CHECK_MACRO(MQTT_PUBLISH_DUP_FLAG, 0x08);
    CHECK_MACRO(MQTT_PUBLISH_QOS_LEVEL_0, 0x00);
    CHECK_MACRO(MQTT_PUBLISH_QOS_LEVEL_1, 0x02);
    CHECK_MACRO(MQTT_PUBLISH_QOS_LEVEL_2, 0x04);
    CHECK_MACRO(MQTT_PUBLISH_QOS_LEVEL_FIELD, 0x06);
    CHECK_MACRO(MQTT_PUBLISH_RETAIN, 0x01);
    CHECK_MACRO(MQTT_CONTROL_PACKET_TYPE_FIELD, 0xF0);
    CHECK_MACRO(MQTT_FIXED_HEADER_SIZE, 2);
    CHECK_MACRO(MQTT_CONTROL_PACKET_TYPE_CONNECT, 1);
    CHECK_MACRO(MQTT_CONTROL_PACKET_TYPE_CONNACK, 2);
    CHECK_MACRO(MQTT_CONTROL_PACKET_TYPE_PUBLISH, 3);
    CHECK_MACRO(MQTT_CONTROL_PACKET_TYPE_PUBACK, 4);
    CHECK_MACRO(MQTT_CONTROL_PACKET_TYPE_PUBREC, 5);
    CHECK_MACRO(MQTT_CONTROL_PACKET_TYPE_PUBREL, 6);
    CHECK_MACRO(MQTT_CONTROL_PACKET_TYPE_PUBCOMP, 7);
    CHECK_MACRO(MQTT_CONTROL_PACKET_TYPE_SUBSCRIBE, 8);
    CHECK_MACRO(MQTT_CONTROL_PACKET_TYPE_SUBACK, 9);
    CHECK_MACRO(MQTT_CONTROL_PACKET_TYPE_UNSUBSCRIBE, 10);
    CHECK_MACRO(MQTT_CONTROL_PACKET_TYPE_UNSUBACK, 11);
    CHECK_MACRO(MQTT_CONTROL_PACKET_TYPE_PINGREQ, 12);
    CHECK_MACRO(MQTT_CONTROL_PACKET_TYPE_PINGRESP, 13);
    CHECK_MACRO(MQTT_CONTROL_PACKET_TYPE_DISCONNECT, 14);
    CHECK_MACRO(NXD_MQTT_CLIENT_ID, 0x4D515454);

    tu_section("spec §3.2 client states");
    CHECK_MACRO(NXD_MQTT_CLIENT_STATE_INITIALIZE, 0);
    CHECK_MACRO(NXD_MQTT_CLIENT_STATE_IDLE, 1);
    CHECK_MACRO(NXD_MQTT_CLIENT_STATE_CONNECTING, 2);
    CHECK_MACRO(NXD_MQTT_CLIENT_STATE_CONNECTED, 3);

    tu_section("spec §3.3 return codes");
    CHECK_MACRO(NXD_MQTT_SUCCESS, 0x0);
    CHECK_MACRO(NXD_MQTT_ALREADY_CONNECTED, 0x10001);
    CHECK_MACRO(NXD_MQTT_NOT_CONNECTED, 0x10002);
    CHECK_MACRO(NXD_MQTT_MUTEX_FAILURE, 0x10003);
    CHECK_MACRO(NXD_MQTT_INTERNAL_ERROR, 0x10004);
    CHECK_MACRO(NXD_MQTT_CONNECT_FAILURE, 0x10005);
    CHECK_MACRO(NXD_MQTT_PACKET_POOL_FAILURE, 0x10006);
    CHECK_MACRO(NXD_MQTT_COMMUNICATION_FAILURE, 0x10007);
    CHECK_MACRO(NXD_MQTT_SERVER_MESSAGE_FAILURE, 0x10008);
    CHECK_MACRO(NXD_MQTT_INVALID_PARAMETER, 0x10009);
    CHECK_MACRO(NXD_MQTT_NO_MESSAGE, 0x1000A);
    CHECK_MACRO(NXD_MQTT_PACKET_POOL_EMPTY, 0x1000B);
    CHECK_MACRO(NXD_MQTT_QOS2_NOT_SUPPORTED, 0x1000C);
    CHECK_MACRO(NXD_MQTT_INSUFFICIENT_BUFFER_SPACE, 0x1000D);
    CHECK_MACRO(NXD_MQTT_CLIENT_NOT_RUNNING, 0x1000E);
    CHECK_MACRO(NXD_MQTT_INVALID_PACKET, 0x1000F);
    CHECK_MACRO(NXD_MQTT_PARTIAL_PACKET, 0x10010);
    CHECK_MACRO(NXD_MQTT_CONNECTING, 0x10011);
    CHECK_MACRO(NXD_MQTT_INVALID_STATE, 0x10012);
    CHECK_MACRO(NXD_MQTT_ERROR_CONNECT_RETURN_CODE, 0x10080);
    CHECK_MACRO(NXD_MQTT_ERROR_UNACCEPTABLE_PROTOCOL, 0x10081);
    CHECK_MACRO(NXD_MQTT_ERROR_IDENTIFYIER_REJECTED, 0x10082);
    CHECK_MACRO(NXD_MQTT_ERROR_SERVER_UNAVAILABLE, 0x10083);
    CHECK_MACRO(NXD_MQTT_ERROR_BAD_USERNAME_PASSWORD, 0x10084);
    CHECK_MACRO(NXD_MQTT_ERROR_NOT_AUTHORIZED, 0x10085);
    TU_CHECK_EQ(NXD_MQTT_ERROR_CONNECT_RETURN_CODE + 5, NXD_MQTT_ERROR_NOT_AUTHORIZED,
                "base + CONNACK code 5");

    tu_section("spec §3.4 NetX/ThreadX values used with the API");
    CHECK_MACRO(NX_SUCCESS, 0x00);
    CHECK_MACRO(NX_PTR_ERROR, 0x07);
    CHECK_MACRO(NX_IN_PROGRESS, 0x37);
    CHECK_MACRO(NX_INVALID_PORT, 0x46);
    CHECK_MACRO(NX_NO_WAIT, 0);
    CHECK_MACRO(NX_WAIT_FOREVER, 0xFFFFFFFFul);
    CHECK_MACRO(NX_TRUE, 1);
    CHECK_MACRO(NX_FALSE, 0);
    CHECK_MACRO(NX_NULL, 0);
    CHECK_MACRO(NX_IP_PERIODIC_RATE, 100);
    TU_CHECK_EQ(IP_ADDRESS(127, 0, 0, 1), 0x7F000001ul, "IP_ADDRESS(127,0,0,1) (host order)");
    TU_CHECK_EQ(IP_ADDRESS(192, 168, 1, 200), 0xC0A801C8ul, "IP_ADDRESS(192,168,1,200)");

    tu_section("spec §2 fixed constants for applications (ports, sample buffer sizes)");
    CHECK_MACRO(NXD_MQTT_PORT, 1883);
    CHECK_MACRO(NXD_MQTT_TLS_PORT, 8883);
    CHECK_MACRO(NXD_MQTT_OVER_WEBSOCKET_TLS_PORT, 443);
    CHECK_MACRO(NXD_MQTT_CLIENT_NONTLS_PORT, 1883);
    CHECK_MACRO(NXD_MQTT_CLIENT_TLS_PORT, 8883);
#ifdef NXD_MQTT_MAX_TOPIC_NAME_LENGTH
    CHECK_MACRO(NXD_MQTT_MAX_TOPIC_NAME_LENGTH, 12);
#else
    TU_CHECK(0, "NXD_MQTT_MAX_TOPIC_NAME_LENGTH is defined (the original's sample sizes a buffer with it)");
#endif
#ifdef NXD_MQTT_MAX_MESSAGE_LENGTH
    CHECK_MACRO(NXD_MQTT_MAX_MESSAGE_LENGTH, 32);
#else
    TU_CHECK(0, "NXD_MQTT_MAX_MESSAGE_LENGTH is defined (the original's sample sizes a buffer with it)");
#endif

    tu_section("spec §4.1 public names are macros over the _nxde_ front ends (error checking on)");
#ifdef NX_DISABLE_ERROR_CHECKING
#define PREFIX "_nxd_"
#else
#define PREFIX "_nxde_"
#endif
    TU_CHECK(strcmp(XSTR(nxd_mqtt_client_create), PREFIX "mqtt_client_create") == 0, "nxd_mqtt_client_create -> %s", XSTR(nxd_mqtt_client_create));
    TU_CHECK(strcmp(XSTR(nxd_mqtt_client_login_set), PREFIX "mqtt_client_login_set") == 0, "nxd_mqtt_client_login_set -> %s", XSTR(nxd_mqtt_client_login_set));
    TU_CHECK(strcmp(XSTR(nxd_mqtt_client_will_message_set), PREFIX "mqtt_client_will_message_set") == 0, "nxd_mqtt_client_will_message_set -> %s", XSTR(nxd_mqtt_client_will_message_set));
    TU_CHECK(strcmp(XSTR(nxd_mqtt_client_delete), PREFIX "mqtt_client_delete") == 0, "nxd_mqtt_client_delete -> %s", XSTR(nxd_mqtt_client_delete));
    TU_CHECK(strcmp(XSTR(nxd_mqtt_client_connect), PREFIX "mqtt_client_connect") == 0, "nxd_mqtt_client_connect -> %s", XSTR(nxd_mqtt_client_connect));
    TU_CHECK(strcmp(XSTR(nxd_mqtt_client_secure_connect), PREFIX "mqtt_client_secure_connect") == 0, "nxd_mqtt_client_secure_connect -> %s (mapping macro always defined)", XSTR(nxd_mqtt_client_secure_connect));
    TU_CHECK(strcmp(XSTR(nxd_mqtt_client_publish), PREFIX "mqtt_client_publish") == 0, "nxd_mqtt_client_publish -> %s", XSTR(nxd_mqtt_client_publish));
    TU_CHECK(strcmp(XSTR(nxd_mqtt_client_subscribe), PREFIX "mqtt_client_subscribe") == 0, "nxd_mqtt_client_subscribe -> %s", XSTR(nxd_mqtt_client_subscribe));
    TU_CHECK(strcmp(XSTR(nxd_mqtt_client_unsubscribe), PREFIX "mqtt_client_unsubscribe") == 0, "nxd_mqtt_client_unsubscribe -> %s", XSTR(nxd_mqtt_client_unsubscribe));
    TU_CHECK(strcmp(XSTR(nxd_mqtt_client_disconnect), PREFIX "mqtt_client_disconnect") == 0, "nxd_mqtt_client_disconnect -> %s", XSTR(nxd_mqtt_client_disconnect));
    TU_CHECK(strcmp(XSTR(nxd_mqtt_client_receive_notify_set), PREFIX "mqtt_client_receive_notify_set") == 0, "nxd_mqtt_client_receive_notify_set -> %s", XSTR(nxd_mqtt_client_receive_notify_set));
    TU_CHECK(strcmp(XSTR(nxd_mqtt_client_message_get), PREFIX "mqtt_client_message_get") == 0, "nxd_mqtt_client_message_get -> %s", XSTR(nxd_mqtt_client_message_get));
    TU_CHECK(strcmp(XSTR(nxd_mqtt_client_disconnect_notify_set), PREFIX "mqtt_client_disconnect_notify_set") == 0, "nxd_mqtt_client_disconnect_notify_set -> %s", XSTR(nxd_mqtt_client_disconnect_notify_set));

    tu_section("spec §4.2 prototypes: every function has the spec's exact type (checked at compile time)");
    for (i = 0; i < 3; i++) {
        TU_CHECK(p_create[i] && p_login[i] && p_will[i] && p_delete[i] && p_connect[i] && p_publish[i] &&
                 p_subscribe[i] && p_unsubscribe[i] && p_disconnect[i] && p_rx_notify[i] &&
                 p_message_get[i] && p_disc_notify[i],
                 "family %zu (%s) links with the spec's signatures", i,
                 i == 0 ? "_nxde_" : i == 1 ? "_nxd_" : "public names");
    }
    TU_CHECK(p_connect_notify_set != NULL, "extension nxd_mqtt_client_connect_notify_set(client, notify, context)");
    TU_CHECK(p_release[0] != NULL && p_release[1] != NULL,
             "_nxde_/_nxd_mqtt_client_release_callback_set(client, VOID (*)(CHAR *, UINT)) link");

    tu_section("spec §5 control block: named members, types, layout");
    layout_probe.nxd_mqtt_connect_notify = cb_connect;
    layout_probe.nxd_mqtt_connect_context = &layout_probe;
    layout_probe.nxd_mqtt_ack_receive_notify = cb_ack;
    layout_probe.nxd_mqtt_ack_receive_context = &layout_probe;
    layout_probe.nxd_mqtt_client_state = NXD_MQTT_CLIENT_STATE_IDLE;
    TU_CHECK(layout_probe.nxd_mqtt_connect_notify == cb_connect,
             "nxd_mqtt_connect_notify has type VOID (*)(NXD_MQTT_CLIENT *, UINT, VOID *)");
    TU_CHECK(layout_probe.nxd_mqtt_ack_receive_notify == cb_ack,
             "nxd_mqtt_ack_receive_notify has type VOID (*)(NXD_MQTT_CLIENT *, UINT, USHORT, NX_PACKET *, VOID *)");
    TU_CHECK(_Generic(layout_probe.nxd_mqtt_client_state, UINT: 1, default: 0), "nxd_mqtt_client_state is a UINT");
    TU_CHECK(_Generic(layout_probe.nxd_mqtt_client_id, CHAR *: 1, default: 0), "nxd_mqtt_client_id is a CHAR *");
    TU_CHECK(_Generic(layout_probe.nxd_mqtt_client_id_length, UINT: 1, default: 0), "nxd_mqtt_client_id_length is a UINT");
    TU_CHECK(_Generic(layout_probe.nxd_mqtt_client_packet_identifier, UINT: 1, default: 0),
             "nxd_mqtt_client_packet_identifier is a UINT");
    TU_CHECK(_Generic(layout_probe.nxd_mqtt_ping_not_responded, UINT: 1, default: 0), "nxd_mqtt_ping_not_responded is a UINT");
    TU_CHECK(_Generic(layout_probe.nxd_mqtt_connect_context, VOID *: 1, default: 0), "nxd_mqtt_connect_context is a VOID *");
    TU_CHECK(_Generic(layout_probe.nxd_mqtt_ack_receive_context, VOID *: 1, default: 0), "nxd_mqtt_ack_receive_context is a VOID *");
    TU_CHECK(tag_client(&layout_probe) == &layout_probe, "NXD_MQTT_CLIENT is struct NXD_MQTT_CLIENT_STRUCT");
    TU_CHECK(tag_connack(NULL) == NULL && tag_publish(NULL) == NULL && tag_pubresp(NULL) == NULL &&
             tag_subscribe(NULL) == NULL && tag_ping(NULL) == NULL && tag_disconnect(NULL) == NULL,
             "overlay typedefs name their *_STRUCT tags");
    for (i = 0; i < sizeof members / sizeof members[0]; i++) {
        check_member(members[i].name, members[i].off, members[i].size);
        for (j = 0; j < i; j++) {
            int disjoint = members[i].off + members[i].size <= members[j].off ||
                           members[j].off + members[j].size <= members[i].off;
            if (!disjoint)
                TU_CHECK(0, "members %s and %s do not overlap", members[i].name, members[j].name);
        }
    }
    TU_CHECK(offsetof(NXD_MQTT_CLIENT, nxd_mqtt_connect_notify) % _Alignof(void (*)(void)) == 0 &&
             offsetof(NXD_MQTT_CLIENT, nxd_mqtt_ack_receive_notify) % _Alignof(void (*)(void)) == 0 &&
             offsetof(NXD_MQTT_CLIENT, nxd_mqtt_connect_context) % _Alignof(void *) == 0,
             "pointer members are naturally aligned");
    TU_CHECK(sizeof(NXD_MQTT_CLIENT) % _Alignof(NXD_MQTT_CLIENT) == 0 && _Alignof(NXD_MQTT_CLIENT) >= _Alignof(void *),
             "sizeof(NXD_MQTT_CLIENT) = %zu, alignment %zu", sizeof(NXD_MQTT_CLIENT), (size_t)_Alignof(NXD_MQTT_CLIENT));
    TU_CHECK(sizeof(NXD_MQTT_CLIENT) >= sizeof(UINT) + 4 * sizeof(void *),
             "sizeof(NXD_MQTT_CLIENT) holds at least the named members");
    TU_CHECK(sizeof(NXD_MQTT_CLIENT) <= 4096, "sizeof(NXD_MQTT_CLIENT) = %zu is a sane size for a static block",
             sizeof(NXD_MQTT_CLIENT));

    tu_section("NXD_ADDRESS (NetX Duo layout)");
    {
        NXD_ADDRESS a;
        memset(&a, 0, sizeof a);
        a.nxd_ip_version = 6;
        a.nxd_ip_address.v6[3] = 1;
        TU_CHECK(sizeof(a.nxd_ip_address.v6) == 4 * sizeof(ULONG), "nxd_ip_address.v6 is ULONG[4]");
        TU_CHECK(sizeof(a.nxd_ip_address.v4) == sizeof(ULONG), "nxd_ip_address.v4 is a ULONG");
        TU_CHECK(offsetof(NXD_ADDRESS, nxd_ip_version) == 0, "nxd_ip_version is the first member");
        TU_CHECK((void *)&a.nxd_ip_address.v4 == (void *)&a.nxd_ip_address.v6[0], "v4 and v6 share storage (union)");
    }
    return tu_end();
}
