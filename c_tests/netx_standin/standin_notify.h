/* Shared by the stand-in's TLS and WebSocket self-tests: a socket receive notify that counts,
 * and a wait for the next one. Static functions: each self-test is one program. */
#ifndef STANDIN_NOTIFY_H
#define STANDIN_NOTIFY_H

#include "nx_api.h"

#include <pthread.h>
#include <time.h>

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
