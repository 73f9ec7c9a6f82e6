/* Packet identifiers (spec §11.7, §5 nxd_mqtt_client_packet_identifier, regression tests
 * *_non_zero_packet_id_test; COMPATIBILITY.md §1 item 8), observed through the ack notify:
 *  - after a CONNACK with nothing pending the next id is NXD_MQTT_INITIAL_PACKET_ID_VALUE (1);
 *  - QoS 1/2 PUBLISH, SUBSCRIBE and UNSUBSCRIBE share one counter, +1 each;
 *  - nxd_mqtt_client_packet_identifier shows the next id; writing 0xFFFF makes the next command
 *    use 0xFFFF and the one after it 1 (0 is skipped);
 *  - QoS 0 publishes use no id.
 */
#include <stdio.h>
#include <string.h>

#include "tu.h"

static tu_client a;

static pthread_mutex_t ack_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned ack_n;
static UINT last_type;
static USHORT last_id;

static VOID ack_notify(NXD_MQTT_CLIENT *c, UINT type, USHORT packet_id, NX_PACKET *pkt, VOID *ctx)
{
    (void)c;
    (void)pkt;
    (void)ctx;
    pthread_mutex_lock(&ack_lock);
    ack_n++;
    last_type = type;
    last_id = packet_id;
    pthread_mutex_unlock(&ack_lock);
}

/* Waits for the next ack notify; returns its id (0 on timeout) and checks its type. */
static unsigned next_ack(unsigned *seen, UINT type)
{
    uint64_t end = tu_now_ms() + 10000;
    unsigned id = 0;
    for (;;) {
        pthread_mutex_lock(&ack_lock);
        if (ack_n > *seen) {
            *seen = ack_n;
            id = last_id;
            TU_CHECK_EQ(last_type, type, "ack notify type");
            pthread_mutex_unlock(&ack_lock);
            return id;
        }
        pthread_mutex_unlock(&ack_lock);
        if (tu_now_ms() > end) {
            TU_CHECK(0, "ack notify type %u arrived", type);
            return 0;
        }
        tu_sleep_ms(1);
    }
}

static void cleanup(void) { tu_client_delete(&a); }

int main(void)
{
    tu_broker b;
    char topic[200];
    unsigned seen = 0, id;

    tu_begin("packet_id", 60);
    tu_at_exit(cleanup);
    tu_broker_load(&b);
    snprintf(topic, sizeof topic, "%s", tu_name("pid"));

    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a")), NXD_MQTT_SUCCESS, "create");
    a.mqtt.nxd_mqtt_ack_receive_notify = ack_notify;
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 30, NX_TRUE), NXD_MQTT_SUCCESS, "connect");

    tu_section("ids after a fresh CONNACK");
    TU_CHECK_EQ(a.mqtt.nxd_mqtt_client_packet_identifier, NXD_MQTT_INITIAL_PACKET_ID_VALUE,
                "nxd_mqtt_client_packet_identifier (next id) after CONNACK");
    TU_CHECK_EQ(tu_publish(&a, topic, "q1", 2, 0, 1), NXD_MQTT_SUCCESS, "publish QoS 1");
    id = next_ack(&seen, MQTT_CONTROL_PACKET_TYPE_PUBACK);
    TU_CHECK_EQ(id, 1, "first id is 1");
    TU_CHECK_EQ(nxd_mqtt_client_subscribe(&a.mqtt, topic, (UINT)strlen(topic), 1), NXD_MQTT_SUCCESS, "subscribe");
    id = next_ack(&seen, MQTT_CONTROL_PACKET_TYPE_SUBACK);
    TU_CHECK_EQ(id, 2, "SUBSCRIBE takes the next id");
    TU_CHECK_EQ(tu_publish(&a, topic, "q0", 2, 0, 0), NXD_MQTT_SUCCESS, "publish QoS 0 (no id)");
    TU_CHECK_EQ(tu_publish(&a, topic, "q2", 2, 0, 2), NXD_MQTT_SUCCESS, "publish QoS 2");
    id = next_ack(&seen, MQTT_CONTROL_PACKET_TYPE_PUBCOMP);
    TU_CHECK_EQ(id, 3, "QoS 2 PUBLISH takes the next id (QoS 0 took none)");
    TU_CHECK_EQ(nxd_mqtt_client_unsubscribe(&a.mqtt, topic, (UINT)strlen(topic)), NXD_MQTT_SUCCESS, "unsubscribe");
    id = next_ack(&seen, MQTT_CONTROL_PACKET_TYPE_UNSUBACK);
    TU_CHECK_EQ(id, 4, "UNSUBSCRIBE takes the next id");
    TU_CHECK_EQ(a.mqtt.nxd_mqtt_client_packet_identifier, 5, "nxd_mqtt_client_packet_identifier is the next id");

    tu_section("wrap: the application sets the counter to 0xFFFF");
    a.mqtt.nxd_mqtt_client_packet_identifier = 0xFFFF;
    TU_CHECK_EQ(tu_publish(&a, topic, "w1", 2, 0, 1), NXD_MQTT_SUCCESS, "publish QoS 1");
    id = next_ack(&seen, MQTT_CONTROL_PACKET_TYPE_PUBACK);
    TU_CHECK_EQ(id, 0xFFFF, "the id is 0xFFFF");
    TU_CHECK_EQ(tu_publish(&a, topic, "w2", 2, 0, 1), NXD_MQTT_SUCCESS, "publish QoS 1");
    id = next_ack(&seen, MQTT_CONTROL_PACKET_TYPE_PUBACK);
    TU_CHECK_EQ(id, 1, "the next id is 1 (0 skipped)");

    tu_section("a new connection with nothing pending starts at 1 again");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    TU_REQUIRE_EQ(tu_client_connect(&a, b.port, 30, NX_TRUE), NXD_MQTT_SUCCESS, "connect");
    TU_CHECK_EQ(tu_publish(&a, topic, "r", 1, 0, 1), NXD_MQTT_SUCCESS, "publish QoS 1");
    id = next_ack(&seen, MQTT_CONTROL_PACKET_TYPE_PUBACK);
    TU_CHECK_EQ(id, 1, "first id of the new connection");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    return tu_end();
}
