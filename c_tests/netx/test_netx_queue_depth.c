/* NXD_MQTT_MAXIMUM_TRANSMIT_QUEUE_DEPTH (here 20, as NetX Duo's queue-depth test configuration)
 * on the NetX port, against a scripted broker that never acknowledges: as many unacknowledged
 * QoS 1 publishes of 518 bytes as the depth are accepted (their copies for resend are kept in
 * the application's pool packets, as the original keeps its transmit queue), the next one fails
 * with NXD_MQTT_PACKET_POOL_FAILURE within its wait option (nothing hangs), QoS 0 publishes are
 * not limited, an acknowledgement makes room again, and after delete every pool packet is back. */
#include "tx_api.h"
#include "nx_api.h"
#include "nxd_mqtt_client.h"
#include "tu.h"
#include "tu_fake.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DEPTH NXD_MQTT_MAXIMUM_TRANSMIT_QUEUE_DEPTH
#define TOPIC_LEN 256
#define MESSAGE_LEN 256

static NX_IP ip;
static NX_PACKET_POOL pool;
static ULONG pool_memory[128 * (1536 + sizeof(NX_PACKET) + 16) / sizeof(ULONG)];
static NXD_MQTT_CLIENT client;
static ULONG stack[8192 / sizeof(ULONG)];
static CHAR topic[TOPIC_LEN], message[MESSAGE_LEN];

static UINT publish(UINT qos, ULONG wait)
{
    return nxd_mqtt_client_publish(&client, topic, TOPIC_LEN, message, MESSAGE_LEN, 0, qos, wait);
}

int main(void)
{
    tu_begin("netx_queue_depth", 80);
    TU_REQUIRE_EQ(nx_packet_pool_create(&pool, "pool", 1536, pool_memory, sizeof pool_memory), NX_SUCCESS, "pool");
    TU_REQUIRE_EQ(nx_ip_create(&ip, "ip", IP_ADDRESS(127, 0, 0, 1), 0xFF000000UL, &pool, NX_NULL, NX_NULL, 0, 1),
                  NX_SUCCESS, "IP instance");
    TU_REQUIRE_EQ(nx_tcp_enable(&ip), NX_SUCCESS, "TCP");
    memset(topic, 't', sizeof topic);
    memset(message, 'm', sizeof message);
    static tu_fake fake;
    tu_fake_start(&fake, 1);

    const char *id = tu_name("depth");
    TU_REQUIRE_EQ(nxd_mqtt_client_create(&client, "depth client", (CHAR *)id, (UINT)strlen(id), &ip, &pool, stack,
                                         sizeof stack, 7, NX_NULL, 0),
                  NXD_MQTT_SUCCESS, "create");
    NXD_ADDRESS a;
    tu_addr_v4_loopback(&a);
    TU_REQUIRE_EQ(nxd_mqtt_client_connect(&client, &a, fake.port, 60, NX_TRUE, 5 * NX_IP_PERIODIC_RATE),
                  NXD_MQTT_SUCCESS, "connect to the scripted broker (it never sends PUBACK)");

    tu_section("%d unacknowledged QoS 1 publishes of %d + %d bytes are accepted", DEPTH, TOPIC_LEN, MESSAGE_LEN);
    unsigned ok = 0;
    for (int i = 0; i < DEPTH; i++)
        ok += publish(1, 5 * NX_IP_PERIODIC_RATE) == NXD_MQTT_SUCCESS;
    TU_CHECK_EQ(ok, DEPTH, "publishes accepted");
    TU_CHECK(tu_fake_wait(&fake, 0xF0, 0x30, 1, DEPTH, 5000), "the broker received all of them");

    tu_section("one more fails within its wait option");
    uint64_t t0 = tu_now_ms();
    UINT s = publish(1, NX_IP_PERIODIC_RATE);
    uint64_t waited = tu_now_ms() - t0;
    TU_CHECK_EQ(s, NXD_MQTT_PACKET_POOL_FAILURE, "publish beyond the depth: NXD_MQTT_PACKET_POOL_FAILURE");
    TU_CHECK(waited < 3000, "returned after %llu ms (wait option 1 s)", (unsigned long long)waited);
    TU_CHECK_EQ(publish(0, NX_NO_WAIT), NXD_MQTT_SUCCESS, "QoS 0 is not limited by the depth");

    tu_section("an acknowledgement makes room");
    unsigned char puback[4] = {0x40, 2, 0, 1}; /* the first publish's id */
    pthread_mutex_lock(&fake.lock);
    ssize_t w = fake.conn_fd >= 0 ? write(fake.conn_fd, puback, sizeof puback) : -1;
    pthread_mutex_unlock(&fake.lock);
    TU_REQUIRE(w == (ssize_t)sizeof puback, "the broker sends PUBACK for id 1");
    s = NXD_MQTT_PACKET_POOL_FAILURE;
    for (int i = 0; i < 50 && s != NXD_MQTT_SUCCESS; i++) {
        s = publish(1, NX_IP_PERIODIC_RATE / 10);
    }
    TU_CHECK_EQ(s, NXD_MQTT_SUCCESS, "the next QoS 1 publish is accepted");

    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&client), NXD_MQTT_SUCCESS, "disconnect");
    TU_CHECK_EQ(nxd_mqtt_client_delete(&client), NXD_MQTT_SUCCESS, "delete");
    TU_CHECK_EQ(pool.nx_packet_pool_available, pool.nx_packet_pool_total, "every pool packet is back");
    tu_fake_stop(&fake);
    return tu_end();
}
