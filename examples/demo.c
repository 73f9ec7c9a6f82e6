/*
 * nxd_mqtt host demo: the flow of NetX Duo's MQTT client sample, on a Linux host.
 *
 * Create a client, connect to a broker, subscribe to a topic, publish a message to that topic,
 * receive it back (the receive-notify callback signals, message_get reads it), unsubscribe,
 * disconnect and delete. Every step prints its status. The code uses only the NetX Duo MQTT
 * API of nxd_mqtt_client.h, so it reads like firmware code; only the waiting (pthread
 * condition variable instead of a ThreadX event flag group) and the dummy IP/pool handles are
 * host specific.
 *
 * Usage: nxd_mqtt_demo [host [port]]
 *   host: IPv4/IPv6 address or name (default $NXD_DEMO_BROKER_HOST, else 127.0.0.1)
 *   port: broker port (default $NXD_DEMO_BROKER_PORT, else NXD_MQTT_PORT = 1883)
 * Exit status: 0 when the message made the round trip, 1 otherwise.
 */
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "nxd_mqtt_client.h"

#define STRLEN(p) (sizeof(p) - 1)

#define MQTT_CLIENT_STACK_SIZE 4096
#define MQTT_THREAD_PRIORITY 2
#define MQTT_KEEP_ALIVE_TIMER 300 /* seconds */
#define QOS0 0
#define QOS1 1
#define MESSAGE_STRING "This is a message. "
#define RECEIVE_WAIT_SECONDS 10

static ULONG mqtt_client_stack[MQTT_CLIENT_STACK_SIZE / sizeof(ULONG)];
static NXD_MQTT_CLIENT mqtt_client;

/* On the host the library does not use NetX objects: any non-NULL handle will do. */
static ULONG dummy_ip[16];
static ULONG dummy_pool[16];

/* Plays the role of the sample's ThreadX event flag group. */
static pthread_mutex_t event_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t event_cond = PTHREAD_COND_INITIALIZER;
static int message_event;

static UCHAR topic_buffer[256];
static UCHAR message_buffer[256];

static VOID my_disconnect_func(NXD_MQTT_CLIENT *client_ptr)
{
    (void)client_ptr;
    printf("  [callback] client disconnected from server\n");
}

static VOID my_notify_func(NXD_MQTT_CLIENT *client_ptr, UINT number_of_messages)
{
    (void)client_ptr;
    printf("  [callback] %u message(s) waiting\n", number_of_messages);
    pthread_mutex_lock(&event_lock);
    message_event = 1;
    pthread_cond_signal(&event_cond);
    pthread_mutex_unlock(&event_lock);
}

static int step(const char *what, UINT status)
{
    printf("%-44s status 0x%02x %s\n", what, status, status == NXD_MQTT_SUCCESS ? "ok" : "FAILED");
    return status == NXD_MQTT_SUCCESS;
}

/* Fills a NetX Duo address from a numeric address or a host name. */
static int resolve(const char *host, NXD_ADDRESS *addr)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, NULL, &hints, &res) != 0 || res == NULL)
        return 0;
    memset(addr, 0, sizeof *addr);
    if (res->ai_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)res->ai_addr;
        addr->nxd_ip_version = 4;
        addr->nxd_ip_address.v4 = (ULONG)ntohl(sin->sin_addr.s_addr); /* host order, like IP_ADDRESS() */
    } else {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)res->ai_addr;
        const unsigned char *b = sin6->sin6_addr.s6_addr;
        int i;
        addr->nxd_ip_version = 6;
        for (i = 0; i < 4; i++) /* four host-order words, most significant first */
            addr->nxd_ip_address.v6[i] = ((ULONG)b[4 * i] << 24) | ((ULONG)b[4 * i + 1] << 16) |
                                         ((ULONG)b[4 * i + 2] << 8) | (ULONG)b[4 * i + 3];
    }
    freeaddrinfo(res);
    return 1;
}

int main(int argc, char **argv)
{
    const char *host = argc > 1 ? argv[1] : getenv("NXD_DEMO_BROKER_HOST");
    const char *port_s = argc > 2 ? argv[2] : getenv("NXD_DEMO_BROKER_PORT");
    unsigned port = NXD_MQTT_PORT;
    static CHAR client_id[64];
    static CHAR topic[96];
    NXD_ADDRESS server_ip;
    UINT status, topic_length = 0, message_length = 0;
    int ok = 1, received = 0;
    struct timespec deadline;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (host == NULL || *host == '\0')
        host = "127.0.0.1";
    if (port_s != NULL && *port_s != '\0')
        port = (unsigned)strtoul(port_s, NULL, 10);
    snprintf(client_id, sizeof client_id, "nxd-demo-%ld", (long)getpid());
    snprintf(topic, sizeof topic, "nxd_mqtt/demo/%s", client_id);
    printf("nxd_mqtt demo: broker %s port %u, client id %s, topic %s\n", host, port, client_id, topic);
    if (!resolve(host, &server_ip)) {
        printf("cannot resolve %s\n", host);
        return 1;
    }

    /* Create MQTT client instance. */
    status = nxd_mqtt_client_create(&mqtt_client, "my_client", client_id, (UINT)strlen(client_id),
                                    (NX_IP *)(void *)dummy_ip, (NX_PACKET_POOL *)(void *)dummy_pool,
                                    (VOID *)mqtt_client_stack, sizeof(mqtt_client_stack), MQTT_THREAD_PRIORITY,
                                    NULL, 0);
    if (!step("1. nxd_mqtt_client_create", status))
        return 1;

    /* Register the disconnect notification function. */
    ok &= step("2. nxd_mqtt_client_disconnect_notify_set",
               nxd_mqtt_client_disconnect_notify_set(&mqtt_client, my_disconnect_func));

    /* Start the connection to the server. */
    status = nxd_mqtt_client_connect(&mqtt_client, &server_ip, port, MQTT_KEEP_ALIVE_TIMER, NX_TRUE,
                                     10 * NX_IP_PERIODIC_RATE);
    if (!step("3. nxd_mqtt_client_connect", status)) {
        nxd_mqtt_client_delete(&mqtt_client);
        return 1;
    }

    /* Subscribe to the topic with QoS level 0. */
    ok &= step("4. nxd_mqtt_client_subscribe (QoS 0)",
               nxd_mqtt_client_subscribe(&mqtt_client, topic, (UINT)strlen(topic), QOS0));

    /* Set the receive notify function. */
    ok &= step("5. nxd_mqtt_client_receive_notify_set",
               nxd_mqtt_client_receive_notify_set(&mqtt_client, my_notify_func));

    /* Publish a message with QoS level 1. */
    ok &= step("6. nxd_mqtt_client_publish (QoS 1)",
               nxd_mqtt_client_publish(&mqtt_client, topic, (UINT)strlen(topic), (CHAR *)MESSAGE_STRING,
                                       STRLEN(MESSAGE_STRING), 0, QOS1, 10 * NX_IP_PERIODIC_RATE));

    /* Now wait for the broker to publish the message back to us. */
    printf("7. waiting up to %d s for the message...\n", RECEIVE_WAIT_SECONDS);
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += RECEIVE_WAIT_SECONDS;
    pthread_mutex_lock(&event_lock);
    while (!message_event) {
        if (pthread_cond_timedwait(&event_cond, &event_lock, &deadline) != 0)
            break;
    }
    received = message_event;
    message_event = 0;
    pthread_mutex_unlock(&event_lock);
    if (received) {
        status = nxd_mqtt_client_message_get(&mqtt_client, topic_buffer, sizeof(topic_buffer) - 1, &topic_length,
                                             message_buffer, sizeof(message_buffer) - 1, &message_length);
        if (step("8. nxd_mqtt_client_message_get", status)) {
            topic_buffer[topic_length] = 0;
            message_buffer[message_length] = 0;
            printf("   topic = %s, message = %s\n", topic_buffer, message_buffer);
            if (topic_length != strlen(topic) || memcmp(topic_buffer, topic, topic_length) != 0 ||
                message_length != STRLEN(MESSAGE_STRING) ||
                memcmp(message_buffer, MESSAGE_STRING, message_length) != 0) {
                printf("   the message is not the one published\n");
                ok = 0;
            }
        } else {
            ok = 0;
        }
    } else {
        printf("   no message arrived\n");
        ok = 0;
    }

    /* Now unsubscribe the topic. */
    ok &= step("9. nxd_mqtt_client_unsubscribe", nxd_mqtt_client_unsubscribe(&mqtt_client, topic, (UINT)strlen(topic)));

    /* Disconnect from the broker. */
    ok &= step("10. nxd_mqtt_client_disconnect", nxd_mqtt_client_disconnect(&mqtt_client));

    /* Delete the client instance, release all the resources. */
    ok &= step("11. nxd_mqtt_client_delete", nxd_mqtt_client_delete(&mqtt_client));

    printf("demo %s\n", ok ? "succeeded" : "FAILED");
    return ok ? 0 : 1;
}
