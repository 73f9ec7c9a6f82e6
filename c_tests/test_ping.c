/* Keep-alive pings against a scripted broker (spec §12, regression keepalive and
 * keepalive_timeout tests). A real broker cannot withhold PINGRESP, so a minimal fake broker in
 * this test accepts one connection, answers CONNECT with CONNACK and then records every packet
 * the client sends:
 *  1. answering PINGREQs: with keepalive 1 s the client pings about every second, stays
 *     connected, nxd_mqtt_ping_not_responded goes back to 0; disconnect sends E0 00;
 *  2. withholding PINGRESP: the client marks the ping outstanding (nxd_mqtt_ping_not_responded
 *     = 1) and, NXD_MQTT_PING_TIMEOUT_DELAY (1 s) later, closes the connection by itself without
 *     sending DISCONNECT; the disconnect notify is called, state IDLE.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tu.h"

#define MAX_PKTS 256

typedef struct fake_broker {
    int listen_fd;
    unsigned port;
    int answer_ping;
    pthread_t thread;
    pthread_mutex_t lock;
    unsigned char types[MAX_PKTS]; /* first byte of each packet received */
    uint64_t times[MAX_PKTS];
    unsigned n;
    int closed_by_client;   /* EOF seen */
    uint64_t closed_at;
    int error;
} fake_broker;

static tu_client a;
static fake_broker fb;

static void cleanup(void)
{
    tu_client_delete(&a);
    if (fb.listen_fd >= 0)
        close(fb.listen_fd);
}

static int read_full(int fd, unsigned char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t r = recv(fd, buf + got, len - got, 0);
        if (r == 0)
            return 0;
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)r;
    }
    return 1;
}

/* Reads one MQTT packet; returns 1 and its first byte, 0 on EOF, -1 on error. */
static int read_packet(int fd, unsigned char *first)
{
    unsigned char b, body[4096];
    unsigned long len = 0, mult = 1;
    int r, i;
    if ((r = read_full(fd, first, 1)) <= 0)
        return r;
    for (i = 0; i < 4; i++) {
        if ((r = read_full(fd, &b, 1)) <= 0)
            return r;
        len += (unsigned long)(b & 0x7F) * mult;
        mult *= 128;
        if (!(b & 0x80))
            break;
    }
    while (len > 0) {
        size_t chunk = len > sizeof body ? sizeof body : len;
        if ((r = read_full(fd, body, chunk)) <= 0)
            return r;
        len -= chunk;
    }
    return 1;
}

static void *fake_broker_main(void *arg)
{
    fake_broker *f = arg;
    int fd = accept(f->listen_fd, NULL, NULL);
    unsigned char first;
    static const unsigned char connack[] = {0x20, 0x02, 0x00, 0x00};
    static const unsigned char pingresp[] = {0xD0, 0x00};
    if (fd < 0) {
        f->error = 1;
        return NULL;
    }
    for (;;) {
        int r = read_packet(fd, &first);
        pthread_mutex_lock(&f->lock);
        if (r <= 0) {
            f->closed_by_client = 1;
            f->closed_at = tu_now_ms();
            pthread_mutex_unlock(&f->lock);
            break;
        }
        if (f->n < MAX_PKTS) {
            f->types[f->n] = first;
            f->times[f->n] = tu_now_ms();
        }
        f->n++;
        pthread_mutex_unlock(&f->lock);
        if (first == 0x10 && send(fd, connack, sizeof connack, MSG_NOSIGNAL) != (ssize_t)sizeof connack)
            f->error = 1;
        if (first == 0xC0 && f->answer_ping && send(fd, pingresp, sizeof pingresp, MSG_NOSIGNAL) != 2)
            f->error = 1;
    }
    close(fd);
    return NULL;
}

static void fake_start(fake_broker *f, int answer_ping)
{
    memset(f, 0, sizeof *f);
    pthread_mutex_init(&f->lock, NULL);
    f->answer_ping = answer_ping;
    f->listen_fd = tu_silent_listener(0, &f->port);
    TU_REQUIRE(pthread_create(&f->thread, NULL, fake_broker_main, f) == 0, "fake broker thread started");
}

static void fake_join(fake_broker *f)
{
    pthread_join(f->thread, NULL);
    close(f->listen_fd);
    f->listen_fd = -1;
}

static unsigned count_type(fake_broker *f, unsigned char type, uint64_t *first_time)
{
    unsigned i, n = 0;
    pthread_mutex_lock(&f->lock);
    for (i = 0; i < f->n && i < MAX_PKTS; i++)
        if (f->types[i] == type) {
            if (n == 0 && first_time)
                *first_time = f->times[i];
            n++;
        }
    pthread_mutex_unlock(&f->lock);
    return n;
}

static int wait_type(fake_broker *f, unsigned char type, unsigned n, unsigned timeout_ms)
{
    uint64_t end = tu_now_ms() + timeout_ms;
    while (count_type(f, type, NULL) < n && tu_now_ms() < end)
        tu_sleep_ms(2);
    return count_type(f, type, NULL) >= n;
}

static int wait_closed(fake_broker *f, unsigned timeout_ms)
{
    uint64_t end = tu_now_ms() + timeout_ms;
    int c = 0;
    while (tu_now_ms() < end) {
        pthread_mutex_lock(&f->lock);
        c = f->closed_by_client;
        pthread_mutex_unlock(&f->lock);
        if (c)
            break;
        tu_sleep_ms(2);
    }
    return c;
}

int main(void)
{
    NXD_ADDRESS addr;
    uint64_t t_connect, t_ping = 0;
    unsigned pings;

    tu_begin("ping", 60);
    fb.listen_fd = -1;
    tu_at_exit(cleanup);
    tu_addr_v4_loopback(&addr);
    TU_REQUIRE_EQ(tu_client_create(&a, tu_name("a")), NXD_MQTT_SUCCESS, "create");

    tu_section("a broker that answers PINGREQ: the client pings and stays connected");
    fake_start(&fb, 1);
    TU_REQUIRE_EQ(nxd_mqtt_client_connect(&a.mqtt, &addr, fb.port, 1, NX_TRUE, 5 * NX_IP_PERIODIC_RATE),
                  NXD_MQTT_SUCCESS, "connect (keepalive 1 s) to the scripted broker");
    TU_CHECK(wait_type(&fb, 0xC0, 3, 6000), "three PINGREQs (C0 00) within 6 s of idling");
    pings = count_type(&fb, 0xC0, NULL);
    TU_CHECK(pings <= 6, "not a flood of PINGREQs (%u)", pings);
    tu_sleep_ms(200);
    TU_CHECK_EQ(a.mqtt.nxd_mqtt_ping_not_responded, NX_FALSE, "nxd_mqtt_ping_not_responded is 0 (PINGRESPs processed)");
    TU_CHECK_EQ(a.disconnect_calls, 0, "no disconnect notify");
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_CONNECTED, "still CONNECTED");
    TU_CHECK_EQ(nxd_mqtt_client_disconnect(&a.mqtt), NXD_MQTT_SUCCESS, "disconnect");
    TU_CHECK(wait_closed(&fb, 5000), "the broker saw the connection close");
    TU_CHECK_EQ(count_type(&fb, 0xE0, NULL), 1, "after one DISCONNECT packet (E0 00)");
    fake_join(&fb);
    TU_CHECK(!fb.error, "the scripted broker had no I/O error");

    tu_section("a broker that never answers PINGREQ: ping timeout closes the connection");
    fake_start(&fb, 0);
    a.disconnect_calls = 0;
    t_connect = tu_now_ms();
    TU_REQUIRE_EQ(nxd_mqtt_client_connect(&a.mqtt, &addr, fb.port, 1, NX_TRUE, 5 * NX_IP_PERIODIC_RATE),
                  NXD_MQTT_SUCCESS, "connect (keepalive 1 s)");
    TU_CHECK(wait_type(&fb, 0xC0, 1, 4000), "a PINGREQ arrives");
    count_type(&fb, 0xC0, &t_ping);
    TU_CHECK(t_ping - t_connect <= 2500, "within about the keep-alive (%llu ms after connect)",
             (unsigned long long)(t_ping - t_connect));
    TU_CHECK_EQ(a.mqtt.nxd_mqtt_ping_not_responded, NX_TRUE, "nxd_mqtt_ping_not_responded is 1 while unanswered");
    TU_CHECK(tu_client_wait_disconnect(&a, 1, 6000), "the disconnect notify is called");
    TU_CHECK(wait_closed(&fb, 3000), "the client closed the TCP connection");
    TU_CHECK(fb.closed_at - t_ping >= 900 && fb.closed_at - t_ping <= 3500,
             "about NXD_MQTT_PING_TIMEOUT_DELAY after the PINGREQ (%llu ms)",
             (unsigned long long)(fb.closed_at - t_ping));
    TU_CHECK_EQ(count_type(&fb, 0xE0, NULL), 0, "no DISCONNECT packet was sent (the will would be published)");
    TU_CHECK_EQ(tu_client_state(&a), NXD_MQTT_CLIENT_STATE_IDLE, "state IDLE");
    TU_CHECK_EQ(a.mqtt.nxd_mqtt_ping_not_responded, NX_FALSE, "ping bookkeeping reset by the teardown");
    fake_join(&fb);
    TU_CHECK(!fb.error, "the scripted broker had no I/O error");
    return tu_end();
}
