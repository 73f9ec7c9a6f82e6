/* Host stand-in for the ThreadX services used by the nxd_mqtt NetX port (test support only).
 *
 * Written for the nxd_mqtt tests: the names, types, constants and return codes are those of
 * ThreadX's public API (tx_api.h, Linux port type sizes: ULONG is 32 bits on x86_64), the
 * implementation is ours and runs every ThreadX thread as a POSIX thread. Scheduling
 * (priorities, preemption threshold, time slices) is recorded but not enforced; see README.md.
 *
 * Like the real header, the public names are macros over the error-checking front ends
 * (_txe_*) unless TX_DISABLE_ERROR_CHECKING is defined, in which case they map to the cores
 * (_tx_*). Both families are always present in the library.
 */
#ifndef TX_API_H
#define TX_API_H
/* This header also plays the role of ThreadX's tx_port.h (types of the Linux port). */
#define TX_PORT_H

#include <pthread.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- basic types (ThreadX Linux port sizes) ------------------------------------------------ */

typedef void VOID;
typedef char CHAR;
typedef unsigned char UCHAR;
typedef int INT;
typedef unsigned int UINT;
#if defined(__x86_64__) && __x86_64__
typedef int LONG;
typedef unsigned int ULONG;
#else
typedef long LONG;
typedef unsigned long ULONG;
#endif
typedef short SHORT;
typedef unsigned short USHORT;
typedef uint64_t ULONG64;
typedef uintptr_t ALIGN_TYPE;

/* ---- constants ----------------------------------------------------------------------------- */

#define TX_NO_WAIT ((ULONG)0)
#define TX_WAIT_FOREVER ((ULONG)0xFFFFFFFFUL)
#define TX_AND ((UINT)2)
#define TX_AND_CLEAR ((UINT)3)
#define TX_OR ((UINT)0)
#define TX_OR_CLEAR ((UINT)1)
#define TX_NO_TIME_SLICE ((ULONG)0)
#define TX_AUTO_START ((UINT)1)
#define TX_DONT_START ((UINT)0)
#define TX_AUTO_ACTIVATE ((UINT)1)
#define TX_NO_ACTIVATE ((UINT)0)
#define TX_TRUE ((UINT)1)
#define TX_FALSE ((UINT)0)
#define TX_NULL ((void *)0)
#define TX_INHERIT ((UINT)1)
#define TX_NO_INHERIT ((UINT)0)
#define TX_MAX_PRIORITIES 32
#define TX_MINIMUM_STACK 200

#ifndef TX_TIMER_TICKS_PER_SECOND
#define TX_TIMER_TICKS_PER_SECOND (100UL)
#endif

/* Thread states. */
#define TX_READY ((UINT)0)
#define TX_COMPLETED ((UINT)1)
#define TX_TERMINATED ((UINT)2)
#define TX_SUSPENDED ((UINT)3)
#define TX_SLEEP ((UINT)4)
#define TX_EVENT_FLAG ((UINT)7)
#define TX_MUTEX_SUSP ((UINT)13)

/* Return codes. */
#define TX_SUCCESS ((UINT)0x00)
#define TX_DELETED ((UINT)0x01)
#define TX_POOL_ERROR ((UINT)0x02)
#define TX_PTR_ERROR ((UINT)0x03)
#define TX_WAIT_ERROR ((UINT)0x04)
#define TX_SIZE_ERROR ((UINT)0x05)
#define TX_GROUP_ERROR ((UINT)0x06)
#define TX_NO_EVENTS ((UINT)0x07)
#define TX_OPTION_ERROR ((UINT)0x08)
#define TX_SEMAPHORE_ERROR ((UINT)0x0C)
#define TX_NO_INSTANCE ((UINT)0x0D)
#define TX_THREAD_ERROR ((UINT)0x0E)
#define TX_PRIORITY_ERROR ((UINT)0x0F)
#define TX_NO_MEMORY ((UINT)0x10)
#define TX_START_ERROR ((UINT)0x10)
#define TX_DELETE_ERROR ((UINT)0x11)
#define TX_RESUME_ERROR ((UINT)0x12)
#define TX_CALLER_ERROR ((UINT)0x13)
#define TX_SUSPEND_ERROR ((UINT)0x14)
#define TX_TIMER_ERROR ((UINT)0x15)
#define TX_TICK_ERROR ((UINT)0x16)
#define TX_ACTIVATE_ERROR ((UINT)0x17)
#define TX_THRESH_ERROR ((UINT)0x18)
#define TX_SUSPEND_LIFTED ((UINT)0x19)
#define TX_WAIT_ABORTED ((UINT)0x1A)
#define TX_MUTEX_ERROR ((UINT)0x1C)
#define TX_NOT_AVAILABLE ((UINT)0x1D)
#define TX_NOT_OWNED ((UINT)0x1E)
#define TX_INHERIT_ERROR ((UINT)0x1F)
#define TX_NOT_DONE ((UINT)0x20)
#define TX_FEATURE_NOT_ENABLED ((UINT)0xFF)

/* Object ids (the value the "id" member holds while the object is created). */
#define TX_THREAD_ID ((ULONG)0x54485244)
#define TX_MUTEX_ID ((ULONG)0x4D555445)
#define TX_EVENT_FLAGS_ID ((ULONG)0x4456444E)
#define TX_TIMER_ID ((ULONG)0x4154494D)
#define TX_SEMAPHORE_ID ((ULONG)0x53454D41)

/* ---- control blocks ------------------------------------------------------------------------
 * Members named tx_* follow ThreadX; members named tx_standin_* are this stand-in's own. */

typedef struct TX_THREAD_STRUCT {
    ULONG tx_thread_id;
    CHAR *tx_thread_name;
    UINT tx_thread_priority;
    UINT tx_thread_preempt_threshold;
    ULONG tx_thread_time_slice;
    ULONG tx_thread_new_time_slice;
    UINT tx_thread_state;
    ULONG tx_thread_run_count;
    VOID *tx_thread_stack_start;
    ULONG tx_thread_stack_size;
    VOID (*tx_thread_entry)(ULONG id);
    ULONG tx_thread_entry_parameter;
    struct TX_THREAD_STRUCT *tx_thread_created_next;
    struct TX_THREAD_STRUCT *tx_thread_created_previous;
    pthread_t tx_standin_pthread;
    pthread_mutex_t tx_standin_lock;
    pthread_cond_t tx_standin_cond; /* sleep / resume / state changes */
    int tx_standin_started;         /* the POSIX thread exists */
    int tx_standin_resumed;         /* the entry may run */
    int tx_standin_terminate;       /* tx_thread_terminate asked this thread to stop */
} TX_THREAD;

typedef struct TX_MUTEX_STRUCT {
    ULONG tx_mutex_id;
    CHAR *tx_mutex_name;
    UINT tx_mutex_ownership_count;
    TX_THREAD *tx_mutex_owner;
    UINT tx_mutex_inherit;
    ULONG tx_mutex_suspended_count;
    struct TX_MUTEX_STRUCT *tx_mutex_created_next;
    struct TX_MUTEX_STRUCT *tx_mutex_created_previous;
    pthread_t tx_standin_owner; /* the owning POSIX thread (also for non-ThreadX callers) */
    pthread_mutex_t tx_standin_lock;
    pthread_cond_t tx_standin_cond;
} TX_MUTEX;

typedef struct TX_EVENT_FLAGS_GROUP_STRUCT {
    ULONG tx_event_flags_group_id;
    CHAR *tx_event_flags_group_name;
    ULONG tx_event_flags_group_current;
    ULONG tx_event_flags_group_suspended_count;
    struct TX_EVENT_FLAGS_GROUP_STRUCT *tx_event_flags_group_created_next;
    struct TX_EVENT_FLAGS_GROUP_STRUCT *tx_event_flags_group_created_previous;
    pthread_mutex_t tx_standin_lock;
    pthread_cond_t tx_standin_cond;
} TX_EVENT_FLAGS_GROUP;

typedef struct TX_SEMAPHORE_STRUCT {
    ULONG tx_semaphore_id;
    CHAR *tx_semaphore_name;
    ULONG tx_semaphore_count;
    ULONG tx_semaphore_suspended_count;
    pthread_mutex_t tx_standin_lock;
    pthread_cond_t tx_standin_cond;
} TX_SEMAPHORE;

typedef struct TX_TIMER_STRUCT {
    ULONG tx_timer_id;
    CHAR *tx_timer_name;
    VOID (*tx_timer_expiration_function)(ULONG id);
    ULONG tx_timer_expiration_input;
    ULONG tx_timer_initial_ticks;
    ULONG tx_timer_reschedule_ticks;
    struct TX_TIMER_STRUCT *tx_timer_created_next;
    struct TX_TIMER_STRUCT *tx_timer_created_previous;
    int tx_standin_active;
    ULONG64 tx_standin_due_ms; /* CLOCK_MONOTONIC milliseconds of the next expiry */
    struct TX_TIMER_STRUCT *tx_standin_next_active;
    VOID *tx_standin_extension_ptr; /* NX_TIMER_EXTENSION_PTR_SET (nx_api.h) */
} TX_TIMER;

/* ---- core services (no argument checking) --------------------------------------------------- */

VOID _tx_initialize_kernel_enter(VOID);

UINT _tx_thread_create(TX_THREAD *thread_ptr, CHAR *name_ptr, VOID (*entry_function)(ULONG id),
                       ULONG entry_input, VOID *stack_start, ULONG stack_size, UINT priority,
                       UINT preempt_threshold, ULONG time_slice, UINT auto_start);
UINT _tx_thread_delete(TX_THREAD *thread_ptr);
UINT _tx_thread_terminate(TX_THREAD *thread_ptr);
UINT _tx_thread_resume(TX_THREAD *thread_ptr);
UINT _tx_thread_sleep(ULONG timer_ticks);
TX_THREAD *_tx_thread_identify(VOID);
UINT _tx_thread_priority_change(TX_THREAD *thread_ptr, UINT new_priority, UINT *old_priority);
UINT _tx_thread_info_get(TX_THREAD *thread_ptr, CHAR **name, UINT *state, ULONG *run_count,
                         UINT *priority, UINT *preemption_threshold, ULONG *time_slice,
                         TX_THREAD **next_thread, TX_THREAD **next_suspended_thread);
VOID _tx_thread_relinquish(VOID);

UINT _tx_mutex_create(TX_MUTEX *mutex_ptr, CHAR *name_ptr, UINT inherit);
UINT _tx_mutex_delete(TX_MUTEX *mutex_ptr);
UINT _tx_mutex_get(TX_MUTEX *mutex_ptr, ULONG wait_option);
UINT _tx_mutex_put(TX_MUTEX *mutex_ptr);

UINT _tx_event_flags_create(TX_EVENT_FLAGS_GROUP *group_ptr, CHAR *name_ptr);
UINT _tx_event_flags_delete(TX_EVENT_FLAGS_GROUP *group_ptr);
UINT _tx_event_flags_get(TX_EVENT_FLAGS_GROUP *group_ptr, ULONG requested_flags, UINT get_option,
                         ULONG *actual_flags_ptr, ULONG wait_option);
UINT _tx_event_flags_set(TX_EVENT_FLAGS_GROUP *group_ptr, ULONG flags_to_set, UINT set_option);

UINT _tx_semaphore_create(TX_SEMAPHORE *semaphore_ptr, CHAR *name_ptr, ULONG initial_count);
UINT _tx_semaphore_delete(TX_SEMAPHORE *semaphore_ptr);
UINT _tx_semaphore_get(TX_SEMAPHORE *semaphore_ptr, ULONG wait_option);
UINT _tx_semaphore_put(TX_SEMAPHORE *semaphore_ptr);

UINT _tx_timer_create(TX_TIMER *timer_ptr, CHAR *name_ptr, VOID (*expiration_function)(ULONG id),
                      ULONG expiration_input, ULONG initial_ticks, ULONG reschedule_ticks,
                      UINT auto_activate);
UINT _tx_timer_delete(TX_TIMER *timer_ptr);
UINT _tx_timer_activate(TX_TIMER *timer_ptr);
UINT _tx_timer_deactivate(TX_TIMER *timer_ptr);
UINT _tx_timer_change(TX_TIMER *timer_ptr, ULONG initial_ticks, ULONG reschedule_ticks);

ULONG _tx_time_get(VOID);
VOID _tx_time_set(ULONG new_time);

/* ---- error-checking front ends -------------------------------------------------------------- */

UINT _txe_thread_create(TX_THREAD *thread_ptr, CHAR *name_ptr, VOID (*entry_function)(ULONG id),
                        ULONG entry_input, VOID *stack_start, ULONG stack_size, UINT priority,
                        UINT preempt_threshold, ULONG time_slice, UINT auto_start,
                        UINT thread_control_block_size);
UINT _txe_thread_delete(TX_THREAD *thread_ptr);
UINT _txe_thread_terminate(TX_THREAD *thread_ptr);
UINT _txe_thread_resume(TX_THREAD *thread_ptr);
UINT _txe_thread_priority_change(TX_THREAD *thread_ptr, UINT new_priority, UINT *old_priority);
UINT _txe_thread_info_get(TX_THREAD *thread_ptr, CHAR **name, UINT *state, ULONG *run_count,
                          UINT *priority, UINT *preemption_threshold, ULONG *time_slice,
                          TX_THREAD **next_thread, TX_THREAD **next_suspended_thread);
VOID _txe_thread_relinquish(VOID);

UINT _txe_mutex_create(TX_MUTEX *mutex_ptr, CHAR *name_ptr, UINT inherit, UINT mutex_control_block_size);
UINT _txe_mutex_delete(TX_MUTEX *mutex_ptr);
UINT _txe_mutex_get(TX_MUTEX *mutex_ptr, ULONG wait_option);
UINT _txe_mutex_put(TX_MUTEX *mutex_ptr);

UINT _txe_event_flags_create(TX_EVENT_FLAGS_GROUP *group_ptr, CHAR *name_ptr,
                             UINT event_control_block_size);
UINT _txe_event_flags_delete(TX_EVENT_FLAGS_GROUP *group_ptr);
UINT _txe_event_flags_get(TX_EVENT_FLAGS_GROUP *group_ptr, ULONG requested_flags, UINT get_option,
                          ULONG *actual_flags_ptr, ULONG wait_option);
UINT _txe_event_flags_set(TX_EVENT_FLAGS_GROUP *group_ptr, ULONG flags_to_set, UINT set_option);

UINT _txe_semaphore_create(TX_SEMAPHORE *semaphore_ptr, CHAR *name_ptr, ULONG initial_count,
                           UINT semaphore_control_block_size);
UINT _txe_semaphore_delete(TX_SEMAPHORE *semaphore_ptr);
UINT _txe_semaphore_get(TX_SEMAPHORE *semaphore_ptr, ULONG wait_option);
UINT _txe_semaphore_put(TX_SEMAPHORE *semaphore_ptr);

UINT _txe_timer_create(TX_TIMER *timer_ptr, CHAR *name_ptr, VOID (*expiration_function)(ULONG id),
                       ULONG expiration_input, ULONG initial_ticks, ULONG reschedule_ticks,
                       UINT auto_activate, UINT timer_control_block_size);
UINT _txe_timer_delete(TX_TIMER *timer_ptr);
UINT _txe_timer_activate(TX_TIMER *timer_ptr);
UINT _txe_timer_deactivate(TX_TIMER *timer_ptr);
UINT _txe_timer_change(TX_TIMER *timer_ptr, ULONG initial_ticks, ULONG reschedule_ticks);

/* ---- stand-in extras (not ThreadX API) ------------------------------------------------------ */

/* Number of ThreadX objects of each kind currently created (leak checks in tests). */
UINT tx_standin_created_count(ULONG object_id);
/* In a timer's expiration function: the extension pointer of that timer (NULL elsewhere). */
VOID *tx_standin_expired_timer_extension(VOID);

/* ---- public names ----------------------------------------------------------------------------- */

#ifndef TX_SOURCE_CODE
#define tx_kernel_enter _tx_initialize_kernel_enter
#define tx_thread_identify _tx_thread_identify
#define tx_thread_sleep _tx_thread_sleep
#define tx_time_get _tx_time_get
#define tx_time_set _tx_time_set
#ifdef TX_DISABLE_ERROR_CHECKING
#define tx_thread_create _tx_thread_create
#define tx_thread_delete _tx_thread_delete
#define tx_thread_terminate _tx_thread_terminate
#define tx_thread_resume _tx_thread_resume
#define tx_thread_priority_change _tx_thread_priority_change
#define tx_thread_info_get _tx_thread_info_get
#define tx_thread_relinquish _tx_thread_relinquish
#define tx_mutex_create _tx_mutex_create
#define tx_mutex_delete _tx_mutex_delete
#define tx_mutex_get _tx_mutex_get
#define tx_mutex_put _tx_mutex_put
#define tx_event_flags_create _tx_event_flags_create
#define tx_event_flags_delete _tx_event_flags_delete
#define tx_event_flags_get _tx_event_flags_get
#define tx_event_flags_set _tx_event_flags_set
#define tx_semaphore_create _tx_semaphore_create
#define tx_semaphore_delete _tx_semaphore_delete
#define tx_semaphore_get _tx_semaphore_get
#define tx_semaphore_put _tx_semaphore_put
#define tx_timer_create _tx_timer_create
#define tx_timer_delete _tx_timer_delete
#define tx_timer_activate _tx_timer_activate
#define tx_timer_deactivate _tx_timer_deactivate
#define tx_timer_change _tx_timer_change
#else
#define tx_thread_create(t, n, e, i, s, l, p, r, c, a) \
    _txe_thread_create((t), (n), (e), (i), (s), (l), (p), (r), (c), (a), (sizeof(TX_THREAD)))
#define tx_thread_delete _txe_thread_delete
#define tx_thread_terminate _txe_thread_terminate
#define tx_thread_resume _txe_thread_resume
#define tx_thread_priority_change _txe_thread_priority_change
#define tx_thread_info_get _txe_thread_info_get
#define tx_thread_relinquish _txe_thread_relinquish
#define tx_mutex_create(m, n, i) _txe_mutex_create((m), (n), (i), (sizeof(TX_MUTEX)))
#define tx_mutex_delete _txe_mutex_delete
#define tx_mutex_get _txe_mutex_get
#define tx_mutex_put _txe_mutex_put
#define tx_event_flags_create(g, n) _txe_event_flags_create((g), (n), (sizeof(TX_EVENT_FLAGS_GROUP)))
#define tx_event_flags_delete _txe_event_flags_delete
#define tx_event_flags_get _txe_event_flags_get
#define tx_event_flags_set _txe_event_flags_set
#define tx_semaphore_create(s, n, i) _txe_semaphore_create((s), (n), (i), (sizeof(TX_SEMAPHORE)))
#define tx_semaphore_delete _txe_semaphore_delete
#define tx_semaphore_get _txe_semaphore_get
#define tx_semaphore_put _txe_semaphore_put
#define tx_timer_create(t, n, e, i, c, r, a) \
    _txe_timer_create((t), (n), (e), (i), (c), (r), (a), (sizeof(TX_TIMER)))
#define tx_timer_delete _txe_timer_delete
#define tx_timer_activate _txe_timer_activate
#define tx_timer_deactivate _txe_timer_deactivate
#define tx_timer_change _txe_timer_change
#endif
#endif /* TX_SOURCE_CODE */

#ifdef __cplusplus
}
#endif

#endif /* TX_API_H */
