/* ThreadX stand-in on POSIX threads (test support for the nxd_mqtt NetX port; our own code).
 *
 * Time: one tick is 1/TX_TIMER_TICKS_PER_SECOND s of CLOCK_MONOTONIC, counted from the first
 * use. Every blocking service waits on a condition variable with an absolute deadline, in
 * slices of at most STANDIN_SLICE_MS so that tx_thread_terminate can stop a waiting thread.
 * Timers expire on one timer thread ("timer context"), as ThreadX's system timer thread does.
 */
#define _GNU_SOURCE
#include "tx_api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STANDIN_SLICE_MS 20u

/* ---- time ------------------------------------------------------------------------------------ */

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static pthread_once_t time_once = PTHREAD_ONCE_INIT;
static uint64_t time_origin_ms;
static int64_t time_offset_ticks; /* tx_time_set */

static void time_init(void)
{
    time_origin_ms = mono_ms();
}

static uint64_t ms_per_ticks(ULONG ticks)
{
    return ((uint64_t)ticks * 1000u + TX_TIMER_TICKS_PER_SECOND - 1) / TX_TIMER_TICKS_PER_SECOND;
}

ULONG _tx_time_get(VOID)
{
    pthread_once(&time_once, time_init);
    uint64_t ticks = (mono_ms() - time_origin_ms) * TX_TIMER_TICKS_PER_SECOND / 1000u;
    return (ULONG)((int64_t)ticks + time_offset_ticks);
}

VOID _tx_time_set(ULONG new_time)
{
    pthread_once(&time_once, time_init);
    uint64_t ticks = (mono_ms() - time_origin_ms) * TX_TIMER_TICKS_PER_SECOND / 1000u;
    time_offset_ticks = (int64_t)new_time - (int64_t)ticks;
}

static void ts_from_ms(struct timespec *ts, uint64_t ms)
{
    ts->tv_sec = (time_t)(ms / 1000u);
    ts->tv_nsec = (long)(ms % 1000u) * 1000000L;
}

/* Condition variables on CLOCK_MONOTONIC. */
static void cond_init(pthread_cond_t *c)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
}

/* ---- threads ------------------------------------------------------------------------------- */

static __thread TX_THREAD *current_thread;
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static UINT created_threads, created_mutexes, created_groups, created_timers, created_semaphores;

UINT tx_standin_created_count(ULONG object_id)
{
    UINT n = 0;
    pthread_mutex_lock(&registry_lock);
    switch (object_id) {
    case TX_THREAD_ID: n = created_threads; break;
    case TX_MUTEX_ID: n = created_mutexes; break;
    case TX_EVENT_FLAGS_ID: n = created_groups; break;
    case TX_TIMER_ID: n = created_timers; break;
    case TX_SEMAPHORE_ID: n = created_semaphores; break;
    default: break;
    }
    pthread_mutex_unlock(&registry_lock);
    return n;
}

static void count(UINT *counter, int delta)
{
    pthread_mutex_lock(&registry_lock);
    *counter = (UINT)((int)*counter + delta);
    pthread_mutex_unlock(&registry_lock);
}

/* Created mutexes (under registry_lock), so that a terminated thread's mutexes can be released. */
static TX_MUTEX *mutex_list;

/* Releases every mutex the calling thread owns, as ThreadX does for a terminated thread. */
static void release_owned_mutexes(void)
{
    pthread_t me = pthread_self();
    pthread_mutex_lock(&registry_lock);
    for (TX_MUTEX *m = mutex_list; m != NULL; m = m->tx_mutex_created_next) {
        pthread_mutex_lock(&m->tx_standin_lock);
        if (m->tx_mutex_ownership_count != 0 && pthread_equal(m->tx_standin_owner, me)) {
            m->tx_mutex_ownership_count = 0;
            m->tx_mutex_owner = NULL;
            pthread_cond_signal(&m->tx_standin_cond);
        }
        pthread_mutex_unlock(&m->tx_standin_lock);
    }
    pthread_mutex_unlock(&registry_lock);
}

/* Ends the calling ThreadX thread after tx_thread_terminate (never returns): its mutexes are
 * released, then the POSIX thread exits (a forced unwind, as ThreadX's Linux port does). */
static void exit_terminated(void)
{
    TX_THREAD *self = current_thread;
    release_owned_mutexes();
    pthread_mutex_lock(&self->tx_standin_lock);
    self->tx_thread_state = TX_TERMINATED;
    pthread_cond_broadcast(&self->tx_standin_cond);
    pthread_mutex_unlock(&self->tx_standin_lock);
    pthread_exit(NULL);
}

static int terminate_requested(void)
{
    TX_THREAD *self = current_thread;
    return self != NULL && __atomic_load_n(&self->tx_standin_terminate, __ATOMIC_ACQUIRE);
}

/* Waits on cond (lock held) for at most one slice, or until the deadline (ms, 0 = forever)
 * passes. Returns 0 (look again), ETIMEDOUT, or ECANCELED when tx_thread_terminate asked the
 * calling thread to stop: the caller then undoes its bookkeeping and calls terminated(lock). */
static int timed_wait(pthread_cond_t *cond, pthread_mutex_t *lock, uint64_t deadline_ms)
{
    if (terminate_requested())
        return ECANCELED;
    uint64_t now = mono_ms();
    if (deadline_ms != 0 && now >= deadline_ms)
        return ETIMEDOUT;
    uint64_t until = now + STANDIN_SLICE_MS;
    if (deadline_ms != 0 && deadline_ms < until)
        until = deadline_ms;
    struct timespec ts;
    ts_from_ms(&ts, until);
    pthread_cond_timedwait(cond, lock, &ts);
    return terminate_requested() ? ECANCELED : 0;
}

/* Ends a terminated thread that was waiting with lock held (never returns). */
static void terminated(pthread_mutex_t *lock)
{
    pthread_mutex_unlock(lock);
    exit_terminated();
}

/* Deadline for a wait option: 0 = wait forever. Only called with wait_option != TX_NO_WAIT. */
static uint64_t deadline_for(ULONG wait_option)
{
    if (wait_option == TX_WAIT_FOREVER)
        return 0;
    return mono_ms() + ms_per_ticks(wait_option);
}

static void *thread_trampoline(void *arg)
{
    TX_THREAD *t = arg;
    current_thread = t;
    pthread_mutex_lock(&t->tx_standin_lock);
    while (!t->tx_standin_resumed && !t->tx_standin_terminate)
        pthread_cond_wait(&t->tx_standin_cond, &t->tx_standin_lock);
    if (t->tx_standin_terminate) {
        pthread_mutex_unlock(&t->tx_standin_lock);
        exit_terminated();
    }
    t->tx_thread_state = TX_READY;
    t->tx_thread_run_count++;
    pthread_mutex_unlock(&t->tx_standin_lock);

    t->tx_thread_entry(t->tx_thread_entry_parameter);

    pthread_mutex_lock(&t->tx_standin_lock);
    t->tx_thread_state = TX_COMPLETED;
    pthread_cond_broadcast(&t->tx_standin_cond);
    pthread_mutex_unlock(&t->tx_standin_lock);
    return NULL;
}

UINT _tx_thread_create(TX_THREAD *thread_ptr, CHAR *name_ptr, VOID (*entry_function)(ULONG id),
                       ULONG entry_input, VOID *stack_start, ULONG stack_size, UINT priority,
                       UINT preempt_threshold, ULONG time_slice, UINT auto_start)
{
    memset(thread_ptr, 0, sizeof(*thread_ptr));
    thread_ptr->tx_thread_name = name_ptr;
    thread_ptr->tx_thread_priority = priority;
    thread_ptr->tx_thread_preempt_threshold = preempt_threshold;
    thread_ptr->tx_thread_time_slice = time_slice;
    thread_ptr->tx_thread_new_time_slice = time_slice;
    thread_ptr->tx_thread_stack_start = stack_start;
    thread_ptr->tx_thread_stack_size = stack_size;
    thread_ptr->tx_thread_entry = entry_function;
    thread_ptr->tx_thread_entry_parameter = entry_input;
    thread_ptr->tx_thread_state = TX_SUSPENDED;
    thread_ptr->tx_standin_resumed = auto_start == TX_AUTO_START;
    pthread_mutex_init(&thread_ptr->tx_standin_lock, NULL);
    cond_init(&thread_ptr->tx_standin_cond);
    /* The application's stack is recorded but not used: host code needs far more than a
     * firmware stack. */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 1024 * 1024);
    int rc = pthread_create(&thread_ptr->tx_standin_pthread, &attr, thread_trampoline, thread_ptr);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        pthread_cond_destroy(&thread_ptr->tx_standin_cond);
        pthread_mutex_destroy(&thread_ptr->tx_standin_lock);
        return TX_THREAD_ERROR;
    }
    thread_ptr->tx_standin_started = 1;
    thread_ptr->tx_thread_id = TX_THREAD_ID;
    count(&created_threads, 1);
    return TX_SUCCESS;
}

UINT _tx_thread_resume(TX_THREAD *thread_ptr)
{
    UINT status = TX_SUCCESS;
    pthread_mutex_lock(&thread_ptr->tx_standin_lock);
    if (thread_ptr->tx_thread_state != TX_SUSPENDED || thread_ptr->tx_standin_resumed)
        status = TX_RESUME_ERROR;
    else
        thread_ptr->tx_standin_resumed = 1;
    pthread_cond_broadcast(&thread_ptr->tx_standin_cond);
    pthread_mutex_unlock(&thread_ptr->tx_standin_lock);
    return status;
}

UINT _tx_thread_terminate(TX_THREAD *thread_ptr)
{
    if (thread_ptr == current_thread) {
        __atomic_store_n(&thread_ptr->tx_standin_terminate, 1, __ATOMIC_RELEASE);
        exit_terminated();
    }
    pthread_mutex_lock(&thread_ptr->tx_standin_lock);
    if (thread_ptr->tx_thread_state != TX_COMPLETED && thread_ptr->tx_thread_state != TX_TERMINATED) {
        __atomic_store_n(&thread_ptr->tx_standin_terminate, 1, __ATOMIC_RELEASE);
        pthread_cond_broadcast(&thread_ptr->tx_standin_cond);
        /* The thread stops at its next stand-in blocking call (within one wait slice). A thread
         * that runs without ever blocking cannot be stopped; ThreadX could, we wait for it. */
        while (thread_ptr->tx_thread_state != TX_COMPLETED && thread_ptr->tx_thread_state != TX_TERMINATED)
            pthread_cond_wait(&thread_ptr->tx_standin_cond, &thread_ptr->tx_standin_lock);
    }
    pthread_mutex_unlock(&thread_ptr->tx_standin_lock);
    return TX_SUCCESS;
}

UINT _tx_thread_delete(TX_THREAD *thread_ptr)
{
    if (thread_ptr == current_thread)
        return TX_DELETE_ERROR;
    pthread_mutex_lock(&thread_ptr->tx_standin_lock);
    UINT state = thread_ptr->tx_thread_state;
    pthread_mutex_unlock(&thread_ptr->tx_standin_lock);
    if (state != TX_COMPLETED && state != TX_TERMINATED)
        return TX_DELETE_ERROR;
    if (thread_ptr->tx_standin_started)
        pthread_join(thread_ptr->tx_standin_pthread, NULL);
    thread_ptr->tx_standin_started = 0;
    thread_ptr->tx_thread_id = 0;
    pthread_cond_destroy(&thread_ptr->tx_standin_cond);
    pthread_mutex_destroy(&thread_ptr->tx_standin_lock);
    count(&created_threads, -1);
    return TX_SUCCESS;
}

TX_THREAD *_tx_thread_identify(VOID)
{
    return current_thread;
}

UINT _tx_thread_sleep(ULONG timer_ticks)
{
    TX_THREAD *self = current_thread;
    if (timer_ticks == 0)
        return TX_SUCCESS;
    uint64_t deadline = mono_ms() + ms_per_ticks(timer_ticks);
    if (self == NULL) {
        struct timespec ts;
        ts_from_ms(&ts, ms_per_ticks(timer_ticks));
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
        return TX_SUCCESS;
    }
    pthread_mutex_lock(&self->tx_standin_lock);
    self->tx_thread_state = TX_SLEEP;
    int rc;
    while ((rc = timed_wait(&self->tx_standin_cond, &self->tx_standin_lock, deadline)) == 0) {
    }
    if (rc == ECANCELED)
        terminated(&self->tx_standin_lock);
    self->tx_thread_state = TX_READY;
    pthread_mutex_unlock(&self->tx_standin_lock);
    return TX_SUCCESS;
}

UINT _tx_thread_priority_change(TX_THREAD *thread_ptr, UINT new_priority, UINT *old_priority)
{
    pthread_mutex_lock(&thread_ptr->tx_standin_lock);
    *old_priority = thread_ptr->tx_thread_priority;
    thread_ptr->tx_thread_priority = new_priority;
    thread_ptr->tx_thread_preempt_threshold = new_priority;
    pthread_mutex_unlock(&thread_ptr->tx_standin_lock);
    return TX_SUCCESS;
}

UINT _tx_thread_info_get(TX_THREAD *thread_ptr, CHAR **name, UINT *state, ULONG *run_count,
                         UINT *priority, UINT *preemption_threshold, ULONG *time_slice,
                         TX_THREAD **next_thread, TX_THREAD **next_suspended_thread)
{
    pthread_mutex_lock(&thread_ptr->tx_standin_lock);
    if (name) *name = thread_ptr->tx_thread_name;
    if (state) *state = thread_ptr->tx_thread_state;
    if (run_count) *run_count = thread_ptr->tx_thread_run_count;
    if (priority) *priority = thread_ptr->tx_thread_priority;
    if (preemption_threshold) *preemption_threshold = thread_ptr->tx_thread_preempt_threshold;
    if (time_slice) *time_slice = thread_ptr->tx_thread_time_slice;
    if (next_thread) *next_thread = NULL;
    if (next_suspended_thread) *next_suspended_thread = NULL;
    pthread_mutex_unlock(&thread_ptr->tx_standin_lock);
    return TX_SUCCESS;
}

VOID _tx_thread_relinquish(VOID)
{
    sched_yield();
}

/* ---- mutex (recursive for its owner) --------------------------------------------------------- */

UINT _tx_mutex_create(TX_MUTEX *mutex_ptr, CHAR *name_ptr, UINT inherit)
{
    memset(mutex_ptr, 0, sizeof(*mutex_ptr));
    mutex_ptr->tx_mutex_name = name_ptr;
    mutex_ptr->tx_mutex_inherit = inherit;
    pthread_mutex_init(&mutex_ptr->tx_standin_lock, NULL);
    cond_init(&mutex_ptr->tx_standin_cond);
    mutex_ptr->tx_mutex_id = TX_MUTEX_ID;
    pthread_mutex_lock(&registry_lock);
    mutex_ptr->tx_mutex_created_previous = NULL;
    mutex_ptr->tx_mutex_created_next = mutex_list;
    if (mutex_list != NULL)
        mutex_list->tx_mutex_created_previous = mutex_ptr;
    mutex_list = mutex_ptr;
    pthread_mutex_unlock(&registry_lock);
    count(&created_mutexes, 1);
    return TX_SUCCESS;
}

UINT _tx_mutex_delete(TX_MUTEX *mutex_ptr)
{
    pthread_mutex_lock(&mutex_ptr->tx_standin_lock);
    mutex_ptr->tx_mutex_id = 0;
    pthread_cond_broadcast(&mutex_ptr->tx_standin_cond);
    /* Let suspended getters see the deletion before the object goes away. */
    while (mutex_ptr->tx_mutex_suspended_count != 0) {
        pthread_mutex_unlock(&mutex_ptr->tx_standin_lock);
        sched_yield();
        pthread_mutex_lock(&mutex_ptr->tx_standin_lock);
    }
    pthread_mutex_unlock(&mutex_ptr->tx_standin_lock);
    pthread_mutex_lock(&registry_lock);
    if (mutex_ptr->tx_mutex_created_previous != NULL)
        mutex_ptr->tx_mutex_created_previous->tx_mutex_created_next = mutex_ptr->tx_mutex_created_next;
    else
        mutex_list = mutex_ptr->tx_mutex_created_next;
    if (mutex_ptr->tx_mutex_created_next != NULL)
        mutex_ptr->tx_mutex_created_next->tx_mutex_created_previous = mutex_ptr->tx_mutex_created_previous;
    pthread_mutex_unlock(&registry_lock);
    pthread_cond_destroy(&mutex_ptr->tx_standin_cond);
    pthread_mutex_destroy(&mutex_ptr->tx_standin_lock);
    count(&created_mutexes, -1);
    return TX_SUCCESS;
}

UINT _tx_mutex_get(TX_MUTEX *mutex_ptr, ULONG wait_option)
{
    pthread_t me = pthread_self();
    UINT status = TX_SUCCESS;
    pthread_mutex_lock(&mutex_ptr->tx_standin_lock);
    if (mutex_ptr->tx_mutex_ownership_count != 0 && pthread_equal(mutex_ptr->tx_standin_owner, me)) {
        mutex_ptr->tx_mutex_ownership_count++;
        pthread_mutex_unlock(&mutex_ptr->tx_standin_lock);
        return TX_SUCCESS;
    }
    if (mutex_ptr->tx_mutex_ownership_count != 0) {
        if (wait_option == TX_NO_WAIT) {
            pthread_mutex_unlock(&mutex_ptr->tx_standin_lock);
            return TX_NOT_AVAILABLE;
        }
        uint64_t deadline = deadline_for(wait_option);
        mutex_ptr->tx_mutex_suspended_count++;
        while (mutex_ptr->tx_mutex_ownership_count != 0 && mutex_ptr->tx_mutex_id == TX_MUTEX_ID) {
            int rc = timed_wait(&mutex_ptr->tx_standin_cond, &mutex_ptr->tx_standin_lock, deadline);
            if (rc == ECANCELED) {
                mutex_ptr->tx_mutex_suspended_count--;
                terminated(&mutex_ptr->tx_standin_lock);
            }
            if (rc != 0) {
                status = TX_NOT_AVAILABLE;
                break;
            }
        }
        mutex_ptr->tx_mutex_suspended_count--;
        if (status == TX_SUCCESS && mutex_ptr->tx_mutex_id != TX_MUTEX_ID)
            status = TX_DELETED;
    }
    if (status == TX_SUCCESS) {
        mutex_ptr->tx_mutex_ownership_count = 1;
        mutex_ptr->tx_standin_owner = me;
        mutex_ptr->tx_mutex_owner = current_thread;
    }
    pthread_mutex_unlock(&mutex_ptr->tx_standin_lock);
    return status;
}

UINT _tx_mutex_put(TX_MUTEX *mutex_ptr)
{
    UINT status = TX_SUCCESS;
    pthread_mutex_lock(&mutex_ptr->tx_standin_lock);
    if (mutex_ptr->tx_mutex_ownership_count == 0 ||
        !pthread_equal(mutex_ptr->tx_standin_owner, pthread_self())) {
        status = TX_NOT_OWNED;
    } else if (--mutex_ptr->tx_mutex_ownership_count == 0) {
        mutex_ptr->tx_mutex_owner = NULL;
        pthread_cond_signal(&mutex_ptr->tx_standin_cond);
    }
    pthread_mutex_unlock(&mutex_ptr->tx_standin_lock);
    return status;
}

/* ---- event flags ----------------------------------------------------------------------------- */

UINT _tx_event_flags_create(TX_EVENT_FLAGS_GROUP *group_ptr, CHAR *name_ptr)
{
    memset(group_ptr, 0, sizeof(*group_ptr));
    group_ptr->tx_event_flags_group_name = name_ptr;
    pthread_mutex_init(&group_ptr->tx_standin_lock, NULL);
    cond_init(&group_ptr->tx_standin_cond);
    group_ptr->tx_event_flags_group_id = TX_EVENT_FLAGS_ID;
    count(&created_groups, 1);
    return TX_SUCCESS;
}

UINT _tx_event_flags_delete(TX_EVENT_FLAGS_GROUP *group_ptr)
{
    pthread_mutex_lock(&group_ptr->tx_standin_lock);
    group_ptr->tx_event_flags_group_id = 0;
    pthread_cond_broadcast(&group_ptr->tx_standin_cond);
    while (group_ptr->tx_event_flags_group_suspended_count != 0) {
        pthread_mutex_unlock(&group_ptr->tx_standin_lock);
        sched_yield();
        pthread_mutex_lock(&group_ptr->tx_standin_lock);
    }
    pthread_mutex_unlock(&group_ptr->tx_standin_lock);
    pthread_cond_destroy(&group_ptr->tx_standin_cond);
    pthread_mutex_destroy(&group_ptr->tx_standin_lock);
    count(&created_groups, -1);
    return TX_SUCCESS;
}

static int flags_satisfied(ULONG current, ULONG requested, UINT option)
{
    if (option & TX_AND)
        return (current & requested) == requested;
    return (current & requested) != 0;
}

UINT _tx_event_flags_get(TX_EVENT_FLAGS_GROUP *group_ptr, ULONG requested_flags, UINT get_option,
                         ULONG *actual_flags_ptr, ULONG wait_option)
{
    UINT status = TX_SUCCESS;
    pthread_mutex_lock(&group_ptr->tx_standin_lock);
    if (!flags_satisfied(group_ptr->tx_event_flags_group_current, requested_flags, get_option)) {
        if (wait_option == TX_NO_WAIT) {
            status = TX_NO_EVENTS;
        } else {
            uint64_t deadline = deadline_for(wait_option);
            group_ptr->tx_event_flags_group_suspended_count++;
            while (!flags_satisfied(group_ptr->tx_event_flags_group_current, requested_flags, get_option)) {
                if (group_ptr->tx_event_flags_group_id != TX_EVENT_FLAGS_ID) {
                    status = TX_DELETED;
                    break;
                }
                int rc = timed_wait(&group_ptr->tx_standin_cond, &group_ptr->tx_standin_lock, deadline);
                if (rc == ECANCELED) {
                    group_ptr->tx_event_flags_group_suspended_count--;
                    terminated(&group_ptr->tx_standin_lock);
                }
                if (rc != 0) {
                    status = TX_NO_EVENTS;
                    break;
                }
            }
            group_ptr->tx_event_flags_group_suspended_count--;
        }
    }
    if (status == TX_SUCCESS) {
        *actual_flags_ptr = group_ptr->tx_event_flags_group_current;
        if (get_option & TX_OR_CLEAR) /* TX_OR_CLEAR and TX_AND_CLEAR have bit 0 set */
            group_ptr->tx_event_flags_group_current &= ~requested_flags;
    }
    pthread_mutex_unlock(&group_ptr->tx_standin_lock);
    return status;
}

UINT _tx_event_flags_set(TX_EVENT_FLAGS_GROUP *group_ptr, ULONG flags_to_set, UINT set_option)
{
    pthread_mutex_lock(&group_ptr->tx_standin_lock);
    if (set_option == TX_AND)
        group_ptr->tx_event_flags_group_current &= flags_to_set;
    else
        group_ptr->tx_event_flags_group_current |= flags_to_set;
    pthread_cond_broadcast(&group_ptr->tx_standin_cond);
    pthread_mutex_unlock(&group_ptr->tx_standin_lock);
    return TX_SUCCESS;
}

/* ---- semaphores -------------------------------------------------------------------------------- */

UINT _tx_semaphore_create(TX_SEMAPHORE *semaphore_ptr, CHAR *name_ptr, ULONG initial_count)
{
    memset(semaphore_ptr, 0, sizeof(*semaphore_ptr));
    semaphore_ptr->tx_semaphore_name = name_ptr;
    semaphore_ptr->tx_semaphore_count = initial_count;
    pthread_mutex_init(&semaphore_ptr->tx_standin_lock, NULL);
    cond_init(&semaphore_ptr->tx_standin_cond);
    semaphore_ptr->tx_semaphore_id = TX_SEMAPHORE_ID;
    count(&created_semaphores, 1);
    return TX_SUCCESS;
}

UINT _tx_semaphore_delete(TX_SEMAPHORE *semaphore_ptr)
{
    pthread_mutex_lock(&semaphore_ptr->tx_standin_lock);
    semaphore_ptr->tx_semaphore_id = 0;
    pthread_cond_broadcast(&semaphore_ptr->tx_standin_cond);
    while (semaphore_ptr->tx_semaphore_suspended_count != 0) {
        pthread_mutex_unlock(&semaphore_ptr->tx_standin_lock);
        sched_yield();
        pthread_mutex_lock(&semaphore_ptr->tx_standin_lock);
    }
    pthread_mutex_unlock(&semaphore_ptr->tx_standin_lock);
    pthread_cond_destroy(&semaphore_ptr->tx_standin_cond);
    pthread_mutex_destroy(&semaphore_ptr->tx_standin_lock);
    count(&created_semaphores, -1);
    return TX_SUCCESS;
}

UINT _tx_semaphore_get(TX_SEMAPHORE *semaphore_ptr, ULONG wait_option)
{
    UINT status = TX_SUCCESS;
    pthread_mutex_lock(&semaphore_ptr->tx_standin_lock);
    if (semaphore_ptr->tx_semaphore_count == 0) {
        if (wait_option == TX_NO_WAIT) {
            status = TX_NO_INSTANCE;
        } else {
            uint64_t deadline = deadline_for(wait_option);
            semaphore_ptr->tx_semaphore_suspended_count++;
            while (semaphore_ptr->tx_semaphore_count == 0) {
                if (semaphore_ptr->tx_semaphore_id != TX_SEMAPHORE_ID) {
                    status = TX_DELETED;
                    break;
                }
                int rc = timed_wait(&semaphore_ptr->tx_standin_cond, &semaphore_ptr->tx_standin_lock, deadline);
                if (rc == ECANCELED) {
                    semaphore_ptr->tx_semaphore_suspended_count--;
                    terminated(&semaphore_ptr->tx_standin_lock);
                }
                if (rc != 0) {
                    status = TX_NO_INSTANCE;
                    break;
                }
            }
            semaphore_ptr->tx_semaphore_suspended_count--;
        }
    }
    if (status == TX_SUCCESS)
        semaphore_ptr->tx_semaphore_count--;
    pthread_mutex_unlock(&semaphore_ptr->tx_standin_lock);
    return status;
}

UINT _tx_semaphore_put(TX_SEMAPHORE *semaphore_ptr)
{
    pthread_mutex_lock(&semaphore_ptr->tx_standin_lock);
    semaphore_ptr->tx_semaphore_count++;
    pthread_cond_signal(&semaphore_ptr->tx_standin_cond);
    pthread_mutex_unlock(&semaphore_ptr->tx_standin_lock);
    return TX_SUCCESS;
}

/* ---- timers ------------------------------------------------------------------------------------ */

static pthread_mutex_t timer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t timer_cond;
static TX_TIMER *active_timers;       /* unsorted list of active timers */
static TX_TIMER *expiring_timer;      /* the timer whose function runs right now */
static pthread_t timer_thread;
static int timer_thread_started;

static void unlink_active(TX_TIMER *t)
{
    for (TX_TIMER **p = &active_timers; *p; p = &(*p)->tx_standin_next_active) {
        if (*p == t) {
            *p = t->tx_standin_next_active;
            break;
        }
    }
    t->tx_standin_next_active = NULL;
    t->tx_standin_active = 0;
}

static void *timer_thread_entry(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&timer_lock);
    for (;;) {
        uint64_t now = mono_ms();
        TX_TIMER *due = NULL;
        uint64_t next = 0;
        for (TX_TIMER *t = active_timers; t; t = t->tx_standin_next_active) {
            if (t->tx_standin_due_ms <= now) {
                if (due == NULL || t->tx_standin_due_ms < due->tx_standin_due_ms)
                    due = t;
            } else if (next == 0 || t->tx_standin_due_ms < next) {
                next = t->tx_standin_due_ms;
            }
        }
        if (due != NULL) {
            if (due->tx_timer_reschedule_ticks != 0) {
                due->tx_standin_due_ms += ms_per_ticks(due->tx_timer_reschedule_ticks);
                if (due->tx_standin_due_ms < now) /* do not try to catch up after a stall */
                    due->tx_standin_due_ms = now + ms_per_ticks(due->tx_timer_reschedule_ticks);
            } else {
                unlink_active(due);
            }
            VOID (*fn)(ULONG) = due->tx_timer_expiration_function;
            ULONG input = due->tx_timer_expiration_input;
            expiring_timer = due;
            pthread_mutex_unlock(&timer_lock);
            fn(input);
            pthread_mutex_lock(&timer_lock);
            expiring_timer = NULL;
            pthread_cond_broadcast(&timer_cond);
            continue;
        }
        if (next == 0) {
            pthread_cond_wait(&timer_cond, &timer_lock);
        } else {
            struct timespec ts;
            ts_from_ms(&ts, next);
            pthread_cond_timedwait(&timer_cond, &timer_lock, &ts);
        }
    }
    return NULL;
}

static void timer_service_start(void)
{
    /* timer_lock held */
    if (!timer_thread_started) {
        cond_init(&timer_cond);
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&timer_thread, &attr, timer_thread_entry, NULL) != 0) {
            fprintf(stderr, "tx stand-in: cannot start the timer thread\n");
            abort();
        }
        pthread_attr_destroy(&attr);
        timer_thread_started = 1;
    }
}

static void activate_locked(TX_TIMER *timer_ptr)
{
    timer_ptr->tx_standin_due_ms = mono_ms() + ms_per_ticks(timer_ptr->tx_timer_initial_ticks);
    timer_ptr->tx_standin_active = 1;
    timer_ptr->tx_standin_next_active = active_timers;
    active_timers = timer_ptr;
    pthread_cond_broadcast(&timer_cond);
}

UINT _tx_timer_create(TX_TIMER *timer_ptr, CHAR *name_ptr, VOID (*expiration_function)(ULONG id),
                      ULONG expiration_input, ULONG initial_ticks, ULONG reschedule_ticks,
                      UINT auto_activate)
{
    memset(timer_ptr, 0, sizeof(*timer_ptr));
    timer_ptr->tx_timer_name = name_ptr;
    timer_ptr->tx_timer_expiration_function = expiration_function;
    timer_ptr->tx_timer_expiration_input = expiration_input;
    timer_ptr->tx_timer_initial_ticks = initial_ticks;
    timer_ptr->tx_timer_reschedule_ticks = reschedule_ticks;
    timer_ptr->tx_timer_id = TX_TIMER_ID;
    count(&created_timers, 1);
    pthread_mutex_lock(&timer_lock);
    timer_service_start();
    if (auto_activate == TX_AUTO_ACTIVATE)
        activate_locked(timer_ptr);
    pthread_mutex_unlock(&timer_lock);
    return TX_SUCCESS;
}

VOID *tx_standin_expired_timer_extension(VOID)
{
    /* Set and read by the timer thread only (while it runs an expiration function). */
    if (!timer_thread_started || !pthread_equal(pthread_self(), timer_thread) || expiring_timer == NULL)
        return NULL;
    return expiring_timer->tx_standin_extension_ptr;
}

/* Waits until the timer's expiration function is not running (unless called from it). */
static void wait_not_expiring(TX_TIMER *timer_ptr)
{
    if (pthread_equal(pthread_self(), timer_thread))
        return;
    while (expiring_timer == timer_ptr)
        pthread_cond_wait(&timer_cond, &timer_lock);
}

UINT _tx_timer_delete(TX_TIMER *timer_ptr)
{
    pthread_mutex_lock(&timer_lock);
    if (timer_ptr->tx_standin_active)
        unlink_active(timer_ptr);
    wait_not_expiring(timer_ptr);
    timer_ptr->tx_timer_id = 0;
    pthread_mutex_unlock(&timer_lock);
    count(&created_timers, -1);
    return TX_SUCCESS;
}

UINT _tx_timer_activate(TX_TIMER *timer_ptr)
{
    UINT status = TX_SUCCESS;
    pthread_mutex_lock(&timer_lock);
    if (timer_ptr->tx_standin_active)
        status = TX_ACTIVATE_ERROR;
    else
        activate_locked(timer_ptr);
    pthread_mutex_unlock(&timer_lock);
    return status;
}

UINT _tx_timer_deactivate(TX_TIMER *timer_ptr)
{
    pthread_mutex_lock(&timer_lock);
    if (timer_ptr->tx_standin_active)
        unlink_active(timer_ptr);
    wait_not_expiring(timer_ptr);
    pthread_mutex_unlock(&timer_lock);
    return TX_SUCCESS;
}

UINT _tx_timer_change(TX_TIMER *timer_ptr, ULONG initial_ticks, ULONG reschedule_ticks)
{
    pthread_mutex_lock(&timer_lock);
    timer_ptr->tx_timer_initial_ticks = initial_ticks;
    timer_ptr->tx_timer_reschedule_ticks = reschedule_ticks;
    pthread_mutex_unlock(&timer_lock);
    return TX_SUCCESS;
}

/* ---- kernel entry -------------------------------------------------------------------------------- */

__attribute__((weak)) VOID tx_application_define(VOID *first_unused_memory);

VOID _tx_initialize_kernel_enter(VOID)
{
    static ULONG64 first_unused[1024];
    if (tx_application_define)
        tx_application_define(first_unused);
    /* ThreadX never returns from here: the created threads run on. */
    pthread_exit(NULL);
}

/* ---- error-checking front ends -------------------------------------------------------------------- */

UINT _txe_thread_create(TX_THREAD *thread_ptr, CHAR *name_ptr, VOID (*entry_function)(ULONG id),
                        ULONG entry_input, VOID *stack_start, ULONG stack_size, UINT priority,
                        UINT preempt_threshold, ULONG time_slice, UINT auto_start,
                        UINT thread_control_block_size)
{
    if (thread_ptr == NULL || thread_control_block_size != sizeof(TX_THREAD))
        return TX_THREAD_ERROR;
    if (thread_ptr->tx_thread_id == TX_THREAD_ID)
        return TX_THREAD_ERROR; /* already created */
    if (entry_function == NULL || stack_start == NULL)
        return TX_PTR_ERROR;
    if (stack_size < 200)
        return TX_SIZE_ERROR;
    if (priority >= TX_MAX_PRIORITIES)
        return TX_PRIORITY_ERROR;
    if (preempt_threshold > priority)
        return TX_THRESH_ERROR;
    if (auto_start > TX_AUTO_START)
        return TX_START_ERROR;
    return _tx_thread_create(thread_ptr, name_ptr, entry_function, entry_input, stack_start,
                             stack_size, priority, preempt_threshold, time_slice, auto_start);
}

#define CHECK_THREAD(t) \
    if ((t) == NULL || (t)->tx_thread_id != TX_THREAD_ID) return TX_THREAD_ERROR
#define CHECK_MUTEX(m) \
    if ((m) == NULL || (m)->tx_mutex_id != TX_MUTEX_ID) return TX_MUTEX_ERROR
#define CHECK_GROUP(g) \
    if ((g) == NULL || (g)->tx_event_flags_group_id != TX_EVENT_FLAGS_ID) return TX_GROUP_ERROR
#define CHECK_SEMAPHORE(s) \
    if ((s) == NULL || (s)->tx_semaphore_id != TX_SEMAPHORE_ID) return TX_SEMAPHORE_ERROR
#define CHECK_TIMER(t) \
    if ((t) == NULL || (t)->tx_timer_id != TX_TIMER_ID) return TX_TIMER_ERROR

UINT _txe_thread_delete(TX_THREAD *thread_ptr)
{
    CHECK_THREAD(thread_ptr);
    return _tx_thread_delete(thread_ptr);
}

UINT _txe_thread_terminate(TX_THREAD *thread_ptr)
{
    CHECK_THREAD(thread_ptr);
    return _tx_thread_terminate(thread_ptr);
}

UINT _txe_thread_resume(TX_THREAD *thread_ptr)
{
    CHECK_THREAD(thread_ptr);
    return _tx_thread_resume(thread_ptr);
}

UINT _txe_thread_priority_change(TX_THREAD *thread_ptr, UINT new_priority, UINT *old_priority)
{
    CHECK_THREAD(thread_ptr);
    if (old_priority == NULL)
        return TX_PTR_ERROR;
    if (new_priority >= TX_MAX_PRIORITIES)
        return TX_PRIORITY_ERROR;
    return _tx_thread_priority_change(thread_ptr, new_priority, old_priority);
}

UINT _txe_thread_info_get(TX_THREAD *thread_ptr, CHAR **name, UINT *state, ULONG *run_count,
                          UINT *priority, UINT *preemption_threshold, ULONG *time_slice,
                          TX_THREAD **next_thread, TX_THREAD **next_suspended_thread)
{
    CHECK_THREAD(thread_ptr);
    return _tx_thread_info_get(thread_ptr, name, state, run_count, priority, preemption_threshold,
                               time_slice, next_thread, next_suspended_thread);
}

VOID _txe_thread_relinquish(VOID)
{
    _tx_thread_relinquish();
}

UINT _txe_mutex_create(TX_MUTEX *mutex_ptr, CHAR *name_ptr, UINT inherit, UINT mutex_control_block_size)
{
    if (mutex_ptr == NULL || mutex_control_block_size != sizeof(TX_MUTEX))
        return TX_MUTEX_ERROR;
    if (mutex_ptr->tx_mutex_id == TX_MUTEX_ID)
        return TX_MUTEX_ERROR;
    if (inherit > TX_INHERIT)
        return TX_INHERIT_ERROR;
    return _tx_mutex_create(mutex_ptr, name_ptr, inherit);
}

UINT _txe_mutex_delete(TX_MUTEX *mutex_ptr)
{
    CHECK_MUTEX(mutex_ptr);
    return _tx_mutex_delete(mutex_ptr);
}

UINT _txe_mutex_get(TX_MUTEX *mutex_ptr, ULONG wait_option)
{
    CHECK_MUTEX(mutex_ptr);
    return _tx_mutex_get(mutex_ptr, wait_option);
}

UINT _txe_mutex_put(TX_MUTEX *mutex_ptr)
{
    CHECK_MUTEX(mutex_ptr);
    return _tx_mutex_put(mutex_ptr);
}

UINT _txe_event_flags_create(TX_EVENT_FLAGS_GROUP *group_ptr, CHAR *name_ptr, UINT event_control_block_size)
{
    if (group_ptr == NULL || event_control_block_size != sizeof(TX_EVENT_FLAGS_GROUP))
        return TX_GROUP_ERROR;
    if (group_ptr->tx_event_flags_group_id == TX_EVENT_FLAGS_ID)
        return TX_GROUP_ERROR;
    return _tx_event_flags_create(group_ptr, name_ptr);
}

UINT _txe_event_flags_delete(TX_EVENT_FLAGS_GROUP *group_ptr)
{
    CHECK_GROUP(group_ptr);
    return _tx_event_flags_delete(group_ptr);
}

UINT _txe_event_flags_get(TX_EVENT_FLAGS_GROUP *group_ptr, ULONG requested_flags, UINT get_option,
                          ULONG *actual_flags_ptr, ULONG wait_option)
{
    CHECK_GROUP(group_ptr);
    if (actual_flags_ptr == NULL)
        return TX_PTR_ERROR;
    if (get_option > TX_AND_CLEAR)
        return TX_OPTION_ERROR;
    return _tx_event_flags_get(group_ptr, requested_flags, get_option, actual_flags_ptr, wait_option);
}

UINT _txe_event_flags_set(TX_EVENT_FLAGS_GROUP *group_ptr, ULONG flags_to_set, UINT set_option)
{
    CHECK_GROUP(group_ptr);
    if (set_option != TX_OR && set_option != TX_AND)
        return TX_OPTION_ERROR;
    return _tx_event_flags_set(group_ptr, flags_to_set, set_option);
}

UINT _txe_semaphore_create(TX_SEMAPHORE *semaphore_ptr, CHAR *name_ptr, ULONG initial_count,
                           UINT semaphore_control_block_size)
{
    if (semaphore_ptr == NULL || semaphore_control_block_size != sizeof(TX_SEMAPHORE))
        return TX_SEMAPHORE_ERROR;
    if (semaphore_ptr->tx_semaphore_id == TX_SEMAPHORE_ID)
        return TX_SEMAPHORE_ERROR;
    return _tx_semaphore_create(semaphore_ptr, name_ptr, initial_count);
}

UINT _txe_semaphore_delete(TX_SEMAPHORE *semaphore_ptr)
{
    CHECK_SEMAPHORE(semaphore_ptr);
    return _tx_semaphore_delete(semaphore_ptr);
}

UINT _txe_semaphore_get(TX_SEMAPHORE *semaphore_ptr, ULONG wait_option)
{
    CHECK_SEMAPHORE(semaphore_ptr);
    return _tx_semaphore_get(semaphore_ptr, wait_option);
}

UINT _txe_semaphore_put(TX_SEMAPHORE *semaphore_ptr)
{
    CHECK_SEMAPHORE(semaphore_ptr);
    return _tx_semaphore_put(semaphore_ptr);
}

UINT _txe_timer_create(TX_TIMER *timer_ptr, CHAR *name_ptr, VOID (*expiration_function)(ULONG id),
                       ULONG expiration_input, ULONG initial_ticks, ULONG reschedule_ticks,
                       UINT auto_activate, UINT timer_control_block_size)
{
    if (timer_ptr == NULL || timer_control_block_size != sizeof(TX_TIMER))
        return TX_TIMER_ERROR;
    if (timer_ptr->tx_timer_id == TX_TIMER_ID)
        return TX_TIMER_ERROR;
    if (expiration_function == NULL)
        return TX_PTR_ERROR;
    if (initial_ticks == 0)
        return TX_TICK_ERROR;
    if (auto_activate > TX_AUTO_ACTIVATE)
        return TX_ACTIVATE_ERROR;
    return _tx_timer_create(timer_ptr, name_ptr, expiration_function, expiration_input,
                            initial_ticks, reschedule_ticks, auto_activate);
}

UINT _txe_timer_delete(TX_TIMER *timer_ptr)
{
    CHECK_TIMER(timer_ptr);
    return _tx_timer_delete(timer_ptr);
}

UINT _txe_timer_activate(TX_TIMER *timer_ptr)
{
    CHECK_TIMER(timer_ptr);
    return _tx_timer_activate(timer_ptr);
}

UINT _txe_timer_deactivate(TX_TIMER *timer_ptr)
{
    CHECK_TIMER(timer_ptr);
    return _tx_timer_deactivate(timer_ptr);
}

UINT _txe_timer_change(TX_TIMER *timer_ptr, ULONG initial_ticks, ULONG reschedule_ticks)
{
    CHECK_TIMER(timer_ptr);
    if (initial_ticks == 0)
        return TX_TICK_ERROR;
    return _tx_timer_change(timer_ptr, initial_ticks, reschedule_ticks);
}
