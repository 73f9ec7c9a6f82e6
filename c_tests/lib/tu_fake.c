/* Scripted broker for the C tests (see tu_fake.h). */
#define _GNU_SOURCE
#include "tu_fake.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

/* Reads one packet: first byte, body (up to cap bytes kept, the rest skipped), body length.
 * Returns 1, 0 on EOF, -1 on error. */
static int read_packet(int fd, unsigned char *first, unsigned char *body, size_t cap, size_t *len_out)
{
    unsigned char b, skip[1024];
    size_t len = 0, mult = 1, kept;
    int r, i;
    if ((r = read_full(fd, first, 1)) <= 0)
        return r;
    for (i = 0; i < 4; i++) {
        if ((r = read_full(fd, &b, 1)) <= 0)
            return r;
        len += (size_t)(b & 0x7F) * mult;
        mult *= 128;
        if (!(b & 0x80))
            break;
    }
    *len_out = len;
    kept = len < cap ? len : cap;
    if (kept && (r = read_full(fd, body, kept)) <= 0)
        return r;
    len -= kept;
    while (len > 0) {
        size_t chunk = len > sizeof skip ? sizeof skip : len;
        if ((r = read_full(fd, skip, chunk)) <= 0)
            return r;
        len -= chunk;
    }
    return 1;
}

static unsigned packet_id(unsigned char first, const unsigned char *body, size_t len)
{
    unsigned type = first >> 4;
    if (type == 3) { /* PUBLISH: id after the topic when QoS > 0 */
        size_t tl;
        if (((first >> 1) & 3) == 0 || len < 2)
            return 0;
        tl = ((size_t)body[0] << 8) | body[1];
        if (len < 2 + tl + 2 || 2 + tl + 2 > 4096)
            return 0;
        return ((unsigned)body[2 + tl] << 8) | body[3 + tl];
    }
    if ((type == 6 || type == 8 || type == 10 || type == 4 || type == 5 || type == 7) && len >= 2)
        return ((unsigned)body[0] << 8) | body[1];
    return 0;
}

static void *tu_fake_main(void *arg)
{
    tu_fake *f = arg;
    unsigned char body[4096];
    for (;;) {
        unsigned conn;
        int fd = accept(f->listen_fd, NULL, NULL);
        if (fd < 0)
            return NULL; /* listener shut down */
        pthread_mutex_lock(&f->lock);
        conn = ++f->conns;
        f->conn_fd = fd;
        pthread_mutex_unlock(&f->lock);
        for (;;) {
            unsigned char first;
            size_t len = 0;
            int r = read_packet(fd, &first, body, sizeof body, &len);
            int answer_ping, sp;
            pthread_mutex_lock(&f->lock);
            if (r <= 0) {
                f->closed++;
                f->closed_at = tu_now_ms();
                pthread_mutex_unlock(&f->lock);
                break;
            }
            if (f->n < TU_FAKE_MAX_PKTS) {
                tu_fake_pkt *p = &f->pkts[f->n];
                p->first = first;
                p->conn = conn;
                p->id = packet_id(first, body, len);
                p->t = tu_now_ms();
            }
            f->n++;
            answer_ping = f->answer_ping;
            sp = f->session_present;
            pthread_mutex_unlock(&f->lock);
            if ((first >> 4) == 1) {
                unsigned char connack[4] = {0x20, 0x02, (unsigned char)(sp ? 1 : 0), 0x00};
                if (send(fd, connack, sizeof connack, MSG_NOSIGNAL) != (ssize_t)sizeof connack)
                    f->error = 1;
            } else if (first == 0xC0 && answer_ping) {
                static const unsigned char pingresp[2] = {0xD0, 0x00};
                if (send(fd, pingresp, sizeof pingresp, MSG_NOSIGNAL) != (ssize_t)sizeof pingresp)
                    f->error = 1;
            }
        }
        pthread_mutex_lock(&f->lock);
        f->conn_fd = -1;
        pthread_mutex_unlock(&f->lock);
        close(fd);
    }
}

void tu_fake_start(tu_fake *f, int answer_ping)
{
    memset(f, 0, sizeof *f);
    pthread_mutex_init(&f->lock, NULL);
    f->answer_ping = answer_ping;
    f->conn_fd = -1;
    f->listen_fd = tu_silent_listener(0, &f->port);
    if (pthread_create(&f->thread, NULL, tu_fake_main, f) != 0)
        tu_fatal(__FILE__, __LINE__, "cannot start the scripted broker thread");
    f->started = 1;
}

void tu_fake_stop(tu_fake *f)
{
    if (!f->started)
        return;
    f->started = 0;
    shutdown(f->listen_fd, SHUT_RDWR);
    pthread_mutex_lock(&f->lock);
    if (f->conn_fd >= 0)
        shutdown(f->conn_fd, SHUT_RDWR); /* unblock a recv on a connection the client kept open */
    pthread_mutex_unlock(&f->lock);
    pthread_join(f->thread, NULL);
    close(f->listen_fd);
    f->listen_fd = -1;
}

unsigned tu_fake_count(tu_fake *f, unsigned char mask, unsigned char value, unsigned conn)
{
    unsigned i, n = 0;
    pthread_mutex_lock(&f->lock);
    for (i = 0; i < f->n && i < TU_FAKE_MAX_PKTS; i++)
        if ((f->pkts[i].first & mask) == value && (conn == 0 || f->pkts[i].conn == conn))
            n++;
    pthread_mutex_unlock(&f->lock);
    return n;
}

int tu_fake_wait(tu_fake *f, unsigned char mask, unsigned char value, unsigned conn, unsigned n,
                 unsigned timeout_ms)
{
    uint64_t end = tu_now_ms() + timeout_ms;
    while (tu_fake_count(f, mask, value, conn) < n && tu_now_ms() < end)
        tu_sleep_ms(2);
    return tu_fake_count(f, mask, value, conn) >= n;
}

int tu_fake_wait_closed(tu_fake *f, unsigned n, unsigned timeout_ms)
{
    uint64_t end = tu_now_ms() + timeout_ms;
    unsigned c = 0;
    for (;;) {
        pthread_mutex_lock(&f->lock);
        c = f->closed;
        pthread_mutex_unlock(&f->lock);
        if (c >= n || tu_now_ms() >= end)
            return c >= n;
        tu_sleep_ms(2);
    }
}
