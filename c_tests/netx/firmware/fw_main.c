/* Link-only firmware of c_tests/netx/firmware: main calls every API function of the NetX port's
 * libnxd_mqtt.a in its three spellings (_nxde_ checking front ends, _nxd_ cores, nxd_ real
 * symbols) plus the port's extensions, so that --gc-sections keeps all of them. Never run.
 * fw_keep.c (generated at test time from the archive's exported symbols) also references every
 * exported symbol, so a new export is kept even before this file calls it. */
#include "nxd_mqtt_client.h"

/* The header maps the public names onto the front ends: call the real nxd_ symbols too. */
#undef nxd_mqtt_client_create
#undef nxd_mqtt_client_login_set
#undef nxd_mqtt_client_will_message_set
#undef nxd_mqtt_client_delete
#undef nxd_mqtt_client_connect
#undef nxd_mqtt_client_publish
#undef nxd_mqtt_client_subscribe
#undef nxd_mqtt_client_unsubscribe
#undef nxd_mqtt_client_disconnect
#undef nxd_mqtt_client_receive_notify_set
#undef nxd_mqtt_client_message_get
#undef nxd_mqtt_client_disconnect_notify_set

typedef void (*fw_keep_fn)(void);
extern const fw_keep_fn fw_keep_table[];
extern const unsigned fw_keep_count;

static NX_IP fw_ip;
static NX_PACKET_POOL fw_pool;
static NXD_MQTT_CLIENT fw_client;
static ULONG fw_thread_stack[1024 / sizeof(ULONG)];
static UCHAR fw_client_memory[1024]; /* ignored by create, as NetX Duo's tests pass it */
static UCHAR fw_topic[64];
static UCHAR fw_message[64];
volatile UINT fw_sink;

static void fw_receive_notify(NXD_MQTT_CLIENT *client, UINT count)
{
    (void)client;
    fw_sink += count;
}

static void fw_disconnect_notify(NXD_MQTT_CLIENT *client)
{
    (void)client;
    fw_sink++;
}

static void fw_connect_notify(NXD_MQTT_CLIENT *client, UINT status, VOID *context)
{
    (void)client;
    (void)context;
    fw_sink += status;
}

static void fw_release(CHAR *buffer, UINT length)
{
    (void)buffer;
    fw_sink += length;
}

#define FW_CALLS(P)                                                                            \
    do {                                                                                       \
        NXD_ADDRESS server = {0};                                                              \
        UINT topic_length = 0, message_length = 0;                                             \
        server.nxd_ip_version = NX_IP_VERSION_V4;                                              \
        server.nxd_ip_address.v4 = 0x7F000001u;                                                \
        rc |= P##mqtt_client_create(&fw_client, (CHAR *)"fw", (CHAR *)"fw-id", 5, &fw_ip,      \
                                    &fw_pool, fw_thread_stack, sizeof(fw_thread_stack), 3,     \
                                    fw_client_memory, sizeof(fw_client_memory));               \
        rc |= P##mqtt_client_login_set(&fw_client, (CHAR *)"user", 4, (CHAR *)"pass", 4);      \
        rc |= P##mqtt_client_will_message_set(&fw_client, (const UCHAR *)"will", 4,            \
                                              (const UCHAR *)"gone", 4, 0, 1);                 \
        rc |= P##mqtt_client_receive_notify_set(&fw_client, fw_receive_notify);                \
        rc |= P##mqtt_client_disconnect_notify_set(&fw_client, fw_disconnect_notify);          \
        rc |= P##mqtt_client_connect(&fw_client, &server, 1883, 60, 1, 100);                   \
        rc |= P##mqtt_client_subscribe(&fw_client, (CHAR *)"a/#", 3, 1);                      \
        rc |= P##mqtt_client_publish(&fw_client, (CHAR *)"a/b", 3, (CHAR *)"hello", 5, 0, 1,   \
                                     100);                                                     \
        rc |= P##mqtt_client_message_get(&fw_client, fw_topic, sizeof(fw_topic), &topic_length, \
                                         fw_message, sizeof(fw_message), &message_length);     \
        rc |= P##mqtt_client_unsubscribe(&fw_client, (CHAR *)"a/#", 3);                        \
        rc |= P##mqtt_client_disconnect(&fw_client);                                           \
        rc |= P##mqtt_client_delete(&fw_client);                                               \
        fw_sink += topic_length + message_length;                                              \
    } while (0)

int main(void)
{
    UINT rc = 0;
    FW_CALLS(_nxde_);
    FW_CALLS(_nxd_);
    FW_CALLS(nxd_);
    /* Extensions of the port. */
    rc |= nxd_mqtt_client_connect_notify_set(&fw_client, fw_connect_notify, fw_topic);
    rc |= _nxde_mqtt_client_release_callback_set(&fw_client, fw_release);
    rc |= _nxd_mqtt_client_release_callback_set(&fw_client, fw_release);
    rc |= (UINT)nxd_mqtt_client_memory_size();
    for (unsigned i = 0; i < fw_keep_count; i++) {
        rc |= (UINT)(fw_keep_table[i] != 0);
    }
    fw_sink = rc;
    return (int)rc;
}
