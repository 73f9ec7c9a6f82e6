/* Shared by the stand-in's TLS and WebSocket self-tests (each is one program: static
 * functions): check counters, the broker fixture's broker.env, a socket receive notify that
 * counts and a wait for the next one. */
#ifndef STANDIN_SELFTEST_H
#define STANDIN_SELFTEST_H

#include "nx_api.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures, checks;

#define CHECK(cond, ...)                                          \
    do {                                                          \
        __atomic_fetch_add(&checks, 1, __ATOMIC_RELAXED);         \
        if (!(cond)) {                                            \
            __atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);   \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);           \
            printf(__VA_ARGS__);                                  \
            printf("\n");                                         \
        }                                                         \
    } while (0)
#define CHECK_EQ(a, b, what)                                                    \
    do {                                                                        \
        unsigned long a_ = (unsigned long)(a), b_ = (unsigned long)(b);         \
        CHECK(a_ == b_, "%s: got 0x%lx, expected 0x%lx", what, a_, b_);         \
    } while (0)

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Calls take(key, value) for each line of the fixture's broker.env; 0 when it cannot be read
   (not run through ctest). */
static int fixture_read(void (*take)(const char *key, const char *value))
{
    const char *dir = getenv("NXD_TEST_BROKER_DIR");
    if (dir == NULL || *dir == 0) {
        printf("NXD_TEST_BROKER_DIR not set: run through ctest (broker fixture)\n");
        return 0;
    }
    char path[600], line[700];
    snprintf(path, sizeof(path), "%s/broker.env", dir);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        printf("cannot read %s\n", path);
        return 0;
    }
    while (fgets(line, sizeof(line), f)) {
        char *eq = strchr(line, '='), *nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        if (eq == NULL)
            continue;
        *eq++ = 0;
        take(line, eq);
    }
    fclose(f);
    return 1;
}

static pthread_mutex_t notify_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notify_cond = PTHREAD_COND_INITIALIZER;
static unsigned notifies;

static void on_receive(NX_TCP_SOCKET *s)
{
    (void)s;
    pthread_mutex_lock(&notify_lock);
    notifies++;
    pthread_cond_broadcast(&notify_cond);
    pthread_mutex_unlock(&notify_lock);
}

static unsigned notify_count(void)
{
    pthread_mutex_lock(&notify_lock);
    unsigned n = notifies;
    pthread_mutex_unlock(&notify_lock);
    return n;
}

/* Waits for a receive notify after `seen` (or 50 ms: polling as a fallback). */
static unsigned wait_notify(unsigned seen)
{
    pthread_mutex_lock(&notify_lock);
    if (notifies == seen) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 50 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&notify_cond, &notify_lock, &ts);
    }
    unsigned n = notifies;
    pthread_mutex_unlock(&notify_lock);
    return n;
}

#endif
