/* NetX Duo stand-in: packet pools and TCP over host sockets (test support for the nxd_mqtt
 * NetX port; our own code). Semantics follow NetX Duo's documented behaviour where the port
 * can observe it: packet chaining and headroom, all-or-nothing appends, pool exhaustion and
 * blocking allocation, TCP states, return codes, notify callbacks from another thread.
 */
#define _GNU_SOURCE
#include "nx_api.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SLICE_MS 20
#define MARK(p) ((p)->nx_packet_union_next.nx_packet_tcp_queue_next)
#define AS_PACKET(v) ((NX_PACKET *)(ALIGN_TYPE)(v))

static ULONG max_segment = 1460;

VOID nx_standin_tcp_max_segment_set(ULONG bytes)
{
    __atomic_store_n(&max_segment, bytes == 0 ? 1 : bytes, __ATOMIC_RELAXED);
}

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* 0 = forever; only for wait options other than NX_NO_WAIT. */
static uint64_t deadline_for(ULONG wait_option)
{
    if (wait_option == NX_WAIT_FOREVER)
        return 0;
    return mono_ms() + ((uint64_t)wait_option * 1000u + NX_IP_PERIODIC_RATE - 1) / NX_IP_PERIODIC_RATE;
}

static void cond_init(pthread_cond_t *c)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
}

/* Waits at most one slice or until the deadline; returns ETIMEDOUT once the deadline passed. */
static int slice_wait(pthread_cond_t *cond, pthread_mutex_t *lock, uint64_t deadline_ms)
{
    uint64_t now = mono_ms();
    if (deadline_ms != 0 && now >= deadline_ms)
        return ETIMEDOUT;
    uint64_t until = now + SLICE_MS;
    if (deadline_ms != 0 && deadline_ms < until)
        until = deadline_ms;
    struct timespec ts = {(time_t)(until / 1000u), (long)(until % 1000u) * 1000000L};
    pthread_cond_timedwait(cond, lock, &ts);
    return 0;
}

VOID _nx_system_initialize(VOID)
{
}

/* ---- IP instance ------------------------------------------------------------------------------- */

static void tcp_enabled_marker(NX_IP *ip, NX_PACKET *p)
{
    (void)ip;
    (void)p;
}

UINT _nx_ip_create(NX_IP *ip_ptr, CHAR *name, ULONG ip_address, ULONG network_mask,
                   NX_PACKET_POOL *default_pool, VOID (*ip_link_driver)(VOID *),
                   VOID *memory_ptr, ULONG memory_size, UINT priority)
{
    (void)ip_link_driver;
    (void)memory_ptr;
    (void)memory_size;
    (void)priority;
    memset(ip_ptr, 0, sizeof(*ip_ptr));
    ip_ptr->nx_ip_name = name;
    ip_ptr->nx_ip_address = ip_address;
    ip_ptr->nx_ip_network_mask = network_mask;
    ip_ptr->nx_ip_default_packet_pool = default_pool;
    pthread_mutex_init(&ip_ptr->nx_standin_lock, NULL);
    ip_ptr->nx_ip_id = NX_IP_ID;
    return NX_SUCCESS;
}

UINT _nx_ip_delete(NX_IP *ip_ptr)
{
    if (ip_ptr->nx_ip_tcp_created_sockets_count != 0)
        return NX_SOCKETS_BOUND;
    ip_ptr->nx_ip_id = 0;
    pthread_mutex_destroy(&ip_ptr->nx_standin_lock);
    return NX_SUCCESS;
}

UINT _nx_tcp_enable(NX_IP *ip_ptr)
{
    if (ip_ptr->nx_ip_tcp_packet_receive)
        return NX_ALREADY_ENABLED;
    ip_ptr->nx_ip_tcp_packet_receive = tcp_enabled_marker;
    return NX_SUCCESS;
}

/* ---- packet pools -------------------------------------------------------------------------------- */

#define ALIGN_UP(x, a) (((x) + (a) - 1) / (a) * (a))

UINT _nx_packet_pool_create(NX_PACKET_POOL *pool_ptr, CHAR *name, ULONG payload_size,
                            VOID *memory_ptr, ULONG memory_size)
{
    memset(pool_ptr, 0, sizeof(*pool_ptr));
    size_t header = ALIGN_UP(sizeof(NX_PACKET), sizeof(ALIGN_TYPE));
    size_t payload = ALIGN_UP((size_t)payload_size, sizeof(ALIGN_TYPE));
    size_t unit = header + payload;
    UCHAR *start = (UCHAR *)ALIGN_UP((uintptr_t)memory_ptr, sizeof(ALIGN_TYPE));
    size_t usable = memory_size - (size_t)(start - (UCHAR *)memory_ptr);
    size_t count = usable / unit;
    if (count == 0)
        return NX_SIZE_ERROR;
    pool_ptr->nx_packet_pool_name = name;
    pool_ptr->nx_packet_pool_start = (CHAR *)start;
    pool_ptr->nx_packet_pool_size = (ULONG)usable;
    pool_ptr->nx_packet_pool_payload_size = (ULONG)payload;
    NX_PACKET *list = NULL;
    for (size_t i = count; i-- > 0;) {
        NX_PACKET *p = (NX_PACKET *)(start + i * unit);
        memset(p, 0, sizeof(*p));
        p->nx_packet_pool_owner = pool_ptr;
        p->nx_packet_data_start = (UCHAR *)p + header;
        p->nx_packet_data_end = p->nx_packet_data_start + payload;
        MARK(p) = AS_PACKET(NX_PACKET_FREE);
        p->nx_packet_queue_next = list;
        list = p;
    }
    pool_ptr->nx_packet_pool_available_list = list;
    pool_ptr->nx_packet_pool_available = (ULONG)count;
    pool_ptr->nx_packet_pool_total = (ULONG)count;
    pthread_mutex_init(&pool_ptr->nx_standin_lock, NULL);
    cond_init(&pool_ptr->nx_standin_cond);
    pool_ptr->nx_packet_pool_id = NX_PACKET_POOL_ID;
    return NX_SUCCESS;
}

UINT _nx_packet_pool_delete(NX_PACKET_POOL *pool_ptr)
{
    pthread_mutex_lock(&pool_ptr->nx_standin_lock);
    pool_ptr->nx_packet_pool_id = 0;
    pthread_cond_broadcast(&pool_ptr->nx_standin_cond);
    while (pool_ptr->nx_packet_pool_suspended_count != 0) {
        pthread_mutex_unlock(&pool_ptr->nx_standin_lock);
        sched_yield();
        pthread_mutex_lock(&pool_ptr->nx_standin_lock);
    }
    pthread_mutex_unlock(&pool_ptr->nx_standin_lock);
    pthread_cond_destroy(&pool_ptr->nx_standin_cond);
    pthread_mutex_destroy(&pool_ptr->nx_standin_lock);
    return NX_SUCCESS;
}

/* Allocation with an optional stop flag (receiver threads must be able to give up). */
static UINT allocate(NX_PACKET_POOL *pool_ptr, NX_PACKET **packet_ptr, ULONG packet_type,
                     ULONG wait_option, const int *stop)
{
    if (pool_ptr->nx_packet_pool_payload_size < packet_type)
        return NX_INVALID_PARAMETERS;
    UINT status = NX_SUCCESS;
    pthread_mutex_lock(&pool_ptr->nx_standin_lock);
    if (pool_ptr->nx_packet_pool_available_list == NULL) {
        pool_ptr->nx_packet_pool_empty_requests++;
        if (wait_option == NX_NO_WAIT) {
            status = NX_NO_PACKET;
        } else {
            uint64_t deadline = deadline_for(wait_option);
            pool_ptr->nx_packet_pool_empty_suspensions++;
            pool_ptr->nx_packet_pool_suspended_count++;
            while (pool_ptr->nx_packet_pool_available_list == NULL) {
                if (pool_ptr->nx_packet_pool_id != NX_PACKET_POOL_ID) {
                    status = NX_DELETED;
                    break;
                }
                if ((stop && __atomic_load_n(stop, __ATOMIC_ACQUIRE)) ||
                    slice_wait(&pool_ptr->nx_standin_cond, &pool_ptr->nx_standin_lock, deadline) != 0) {
                    status = NX_NO_PACKET;
                    break;
                }
            }
            pool_ptr->nx_packet_pool_suspended_count--;
        }
    }
    if (status == NX_SUCCESS) {
        NX_PACKET *p = pool_ptr->nx_packet_pool_available_list;
        pool_ptr->nx_packet_pool_available_list = p->nx_packet_queue_next;
        pool_ptr->nx_packet_pool_available--;
        p->nx_packet_queue_next = NULL;
        p->nx_packet_next = NULL;
        p->nx_packet_last = NULL;
        p->nx_packet_length = 0;
        p->nx_packet_prepend_ptr = p->nx_packet_data_start + packet_type;
        p->nx_packet_append_ptr = p->nx_packet_prepend_ptr;
        MARK(p) = AS_PACKET(NX_PACKET_ALLOCATED);
        *packet_ptr = p;
    }
    pthread_mutex_unlock(&pool_ptr->nx_standin_lock);
    return status;
}

UINT _nx_packet_allocate(NX_PACKET_POOL *pool_ptr, NX_PACKET **packet_ptr, ULONG packet_type,
                         ULONG wait_option)
{
    return allocate(pool_ptr, packet_ptr, packet_type, wait_option, NULL);
}

UINT _nx_packet_release(NX_PACKET *packet_ptr)
{
    while (packet_ptr) {
        NX_PACKET_POOL *pool = packet_ptr->nx_packet_pool_owner;
        if (MARK(packet_ptr) != AS_PACKET(NX_PACKET_ALLOCATED)) {
            if (pool && pool->nx_packet_pool_id == NX_PACKET_POOL_ID) {
                pthread_mutex_lock(&pool->nx_standin_lock);
                pool->nx_packet_pool_invalid_releases++;
                pthread_mutex_unlock(&pool->nx_standin_lock);
            }
            return NX_PTR_ERROR;
        }
        NX_PACKET *next = packet_ptr->nx_packet_next;
        pthread_mutex_lock(&pool->nx_standin_lock);
        MARK(packet_ptr) = AS_PACKET(NX_PACKET_FREE);
        packet_ptr->nx_packet_next = NULL;
        packet_ptr->nx_packet_last = NULL;
        packet_ptr->nx_packet_queue_next = pool->nx_packet_pool_available_list;
        pool->nx_packet_pool_available_list = packet_ptr;
        pool->nx_packet_pool_available++;
        pthread_cond_signal(&pool->nx_standin_cond);
        pthread_mutex_unlock(&pool->nx_standin_lock);
        packet_ptr = next;
    }
    return NX_SUCCESS;
}

static NX_PACKET *last_buffer(NX_PACKET *packet_ptr)
{
    return packet_ptr->nx_packet_last ? packet_ptr->nx_packet_last : packet_ptr;
}

/* Append with an optional stop flag for chained allocations. */
static UINT append(NX_PACKET *packet_ptr, const void *data_start, ULONG data_size,
                   NX_PACKET_POOL *pool_ptr, ULONG wait_option, const int *stop)
{
    NX_PACKET *last = last_buffer(packet_ptr);
    ULONG room = 0;
    for (NX_PACKET *w = last; w; w = w->nx_packet_next)
        room += (ULONG)(w->nx_packet_data_end - w->nx_packet_append_ptr);
    /* Allocate every extra buffer first, so that a failure leaves the packet unchanged. */
    NX_PACKET *extra = NULL, *extra_tail = NULL;
    while (room < data_size) {
        NX_PACKET *w;
        UINT status = allocate(pool_ptr, &w, 0, wait_option, stop);
        if (status != NX_SUCCESS) {
            if (extra)
                _nx_packet_release(extra);
            return status;
        }
        if (extra_tail)
            extra_tail->nx_packet_next = w;
        else
            extra = w;
        extra_tail = w;
        room += (ULONG)(w->nx_packet_data_end - w->nx_packet_append_ptr);
    }
    if (extra) {
        NX_PACKET *end = last;
        while (end->nx_packet_next)
            end = end->nx_packet_next;
        end->nx_packet_next = extra;
    }
    const UCHAR *src = data_start;
    ULONG left = data_size;
    NX_PACKET *w = last;
    packet_ptr->nx_packet_length += data_size;
    while (left) {
        ULONG space = (ULONG)(w->nx_packet_data_end - w->nx_packet_append_ptr);
        ULONG n = left < space ? left : space;
        memcpy(w->nx_packet_append_ptr, src, n);
        w->nx_packet_append_ptr += n;
        src += n;
        left -= n;
        if (left) {
            w = w->nx_packet_next;
            packet_ptr->nx_packet_last = w;
        }
    }
    return NX_SUCCESS;
}

UINT _nx_packet_data_append(NX_PACKET *packet_ptr, VOID *data_start, ULONG data_size,
                            NX_PACKET_POOL *pool_ptr, ULONG wait_option)
{
    return append(packet_ptr, data_start, data_size, pool_ptr, wait_option, NULL);
}

UINT _nx_packet_data_extract_offset(NX_PACKET *packet_ptr, ULONG offset, VOID *buffer_start,
                                    ULONG buffer_length, ULONG *bytes_copied)
{
    if (offset >= packet_ptr->nx_packet_length) {
        if (offset == 0) {
            *bytes_copied = 0;
            return NX_SUCCESS;
        }
        return NX_PACKET_OFFSET_ERROR;
    }
    NX_PACKET *w = packet_ptr;
    ULONG skip = offset;
    while (w) {
        ULONG len = (ULONG)(w->nx_packet_append_ptr - w->nx_packet_prepend_ptr);
        if (len > skip)
            break;
        skip -= len;
        w = w->nx_packet_next;
    }
    if (w == NULL)
        return NX_PACKET_OFFSET_ERROR;
    ULONG want = packet_ptr->nx_packet_length - offset;
    if (want > buffer_length)
        want = buffer_length;
    UCHAR *dst = buffer_start;
    ULONG copied = 0;
    const UCHAR *src = w->nx_packet_prepend_ptr + skip;
    while (w && copied < want) {
        ULONG n = (ULONG)(w->nx_packet_append_ptr - src);
        if (n > want - copied)
            n = want - copied;
        memcpy(dst + copied, src, n);
        copied += n;
        w = w->nx_packet_next;
        if (w)
            src = w->nx_packet_prepend_ptr;
    }
    *bytes_copied = copied;
    return NX_SUCCESS;
}

UINT _nx_packet_data_retrieve(NX_PACKET *packet_ptr, VOID *buffer_start, ULONG *bytes_copied)
{
    ULONG copied = 0;
    UCHAR *dst = buffer_start;
    for (NX_PACKET *w = packet_ptr; w && copied < packet_ptr->nx_packet_length; w = w->nx_packet_next) {
        ULONG n = (ULONG)(w->nx_packet_append_ptr - w->nx_packet_prepend_ptr);
        memcpy(dst + copied, w->nx_packet_prepend_ptr, n);
        copied += n;
    }
    *bytes_copied = copied;
    return NX_SUCCESS;
}

UINT _nx_packet_copy(NX_PACKET *packet_ptr, NX_PACKET **new_packet_ptr, NX_PACKET_POOL *pool_ptr,
                     ULONG wait_option)
{
    if (packet_ptr->nx_packet_length == 0)
        return NX_INVALID_PACKET;
    ULONG headroom = (ULONG)(packet_ptr->nx_packet_prepend_ptr - packet_ptr->nx_packet_data_start);
    NX_PACKET *copy;
    UINT status = allocate(pool_ptr, &copy, 0, wait_option, NULL);
    if (status != NX_SUCCESS)
        return status;
    if (headroom > pool_ptr->nx_packet_pool_payload_size) {
        _nx_packet_release(copy);
        return NX_INVALID_PACKET;
    }
    copy->nx_packet_prepend_ptr = copy->nx_packet_data_start + headroom;
    copy->nx_packet_append_ptr = copy->nx_packet_prepend_ptr;
    for (NX_PACKET *w = packet_ptr; w; w = w->nx_packet_next) {
        status = append(copy, w->nx_packet_prepend_ptr,
                        (ULONG)(w->nx_packet_append_ptr - w->nx_packet_prepend_ptr), pool_ptr,
                        wait_option, NULL);
        if (status != NX_SUCCESS) {
            _nx_packet_release(copy);
            return status;
        }
    }
    if (copy->nx_packet_length != packet_ptr->nx_packet_length) {
        _nx_packet_release(copy);
        return NX_INVALID_PACKET;
    }
    *new_packet_ptr = copy;
    return NX_SUCCESS;
}

UINT _nx_packet_length_get(NX_PACKET *packet_ptr, ULONG *length)
{
    *length = packet_ptr->nx_packet_length;
    return NX_SUCCESS;
}

/* ---- TCP ------------------------------------------------------------------------------------------ */

UINT _nx_tcp_socket_create(NX_IP *ip_ptr, NX_TCP_SOCKET *socket_ptr, CHAR *name,
                           ULONG type_of_service, ULONG fragment, UINT time_to_live,
                           ULONG window_size, VOID (*urgent_data_callback)(NX_TCP_SOCKET *socket_ptr),
                           VOID (*disconnect_callback)(NX_TCP_SOCKET *socket_ptr))
{
    memset(socket_ptr, 0, sizeof(*socket_ptr));
    socket_ptr->nx_tcp_socket_name = name;
    socket_ptr->nx_tcp_socket_ip_ptr = ip_ptr;
    socket_ptr->nx_tcp_socket_type_of_service = type_of_service;
    socket_ptr->nx_tcp_socket_fragment_enable = fragment;
    socket_ptr->nx_tcp_socket_time_to_live = time_to_live;
    socket_ptr->nx_tcp_socket_rx_window_default = window_size;
    socket_ptr->nx_tcp_urgent_data_callback = urgent_data_callback;
    socket_ptr->nx_tcp_disconnect_callback = disconnect_callback;
    socket_ptr->nx_tcp_socket_state = NX_TCP_CLOSED;
    socket_ptr->nx_standin_fd = -1;
    pthread_mutex_init(&socket_ptr->nx_standin_lock, NULL);
    pthread_mutex_init(&socket_ptr->nx_standin_send_lock, NULL);
    cond_init(&socket_ptr->nx_standin_cond);
    pthread_mutex_lock(&ip_ptr->nx_standin_lock);
    socket_ptr->nx_tcp_socket_created_next = ip_ptr->nx_ip_tcp_created_sockets_ptr;
    ip_ptr->nx_ip_tcp_created_sockets_ptr = socket_ptr;
    ip_ptr->nx_ip_tcp_created_sockets_count++;
    pthread_mutex_unlock(&ip_ptr->nx_standin_lock);
    socket_ptr->nx_tcp_socket_id = NX_TCP_ID;
    return NX_SUCCESS;
}

static void flush_receive_queue(NX_TCP_SOCKET *s)
{
    /* lock held */
    NX_PACKET *p = s->nx_tcp_socket_receive_queue_head;
    s->nx_tcp_socket_receive_queue_head = NULL;
    s->nx_tcp_socket_receive_queue_tail = NULL;
    s->nx_tcp_socket_receive_queue_count = 0;
    while (p) {
        NX_PACKET *next = p->nx_packet_queue_next;
        p->nx_packet_queue_next = NULL;
        _nx_packet_release(p);
        p = next;
    }
}

UINT _nx_tcp_socket_delete(NX_TCP_SOCKET *socket_ptr)
{
    if (socket_ptr->nx_tcp_socket_id != NX_TCP_ID)
        return NX_NOT_CREATED;
    if (socket_ptr->nx_standin_bound || socket_ptr->nx_tcp_socket_state != NX_TCP_CLOSED)
        return NX_STILL_BOUND;
    NX_IP *ip = socket_ptr->nx_tcp_socket_ip_ptr;
    pthread_mutex_lock(&ip->nx_standin_lock);
    for (NX_TCP_SOCKET **p = &ip->nx_ip_tcp_created_sockets_ptr; *p; p = &(*p)->nx_tcp_socket_created_next) {
        if (*p == socket_ptr) {
            *p = socket_ptr->nx_tcp_socket_created_next;
            break;
        }
    }
    ip->nx_ip_tcp_created_sockets_count--;
    pthread_mutex_unlock(&ip->nx_standin_lock);
    socket_ptr->nx_tcp_socket_id = 0;
    pthread_cond_destroy(&socket_ptr->nx_standin_cond);
    pthread_mutex_destroy(&socket_ptr->nx_standin_send_lock);
    pthread_mutex_destroy(&socket_ptr->nx_standin_lock);
    return NX_SUCCESS;
}

UINT _nx_tcp_client_socket_bind(NX_TCP_SOCKET *socket_ptr, UINT port, ULONG wait_option)
{
    (void)wait_option;
    UINT status = NX_SUCCESS;
    pthread_mutex_lock(&socket_ptr->nx_standin_lock);
    if (socket_ptr->nx_standin_bound) {
        status = NX_ALREADY_BOUND;
    } else {
        socket_ptr->nx_standin_bound = 1;
        socket_ptr->nx_tcp_socket_port = port; /* 0: the connect picks an ephemeral port */
    }
    pthread_mutex_unlock(&socket_ptr->nx_standin_lock);
    return status;
}

/* Stops and joins the socket's thread (lock NOT held). */
static void stop_thread(NX_TCP_SOCKET *s)
{
    pthread_mutex_lock(&s->nx_standin_lock);
    int running = s->nx_standin_thread_running;
    pthread_t t = s->nx_standin_thread;
    s->nx_standin_thread_running = 0;
    __atomic_store_n(&s->nx_standin_stop, 1, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&s->nx_standin_cond);
    pthread_mutex_unlock(&s->nx_standin_lock);
    if (!running)
        return;
    if (pthread_equal(t, pthread_self()))
        pthread_detach(t); /* called from a notify on the socket's own thread */
    else
        pthread_join(t, NULL);
}

static void close_fd(NX_TCP_SOCKET *s, int reset)
{
    pthread_mutex_lock(&s->nx_standin_send_lock);
    if (s->nx_standin_fd >= 0) {
        if (reset) {
            struct linger lg = {1, 0};
            setsockopt(s->nx_standin_fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        }
        close(s->nx_standin_fd);
        s->nx_standin_fd = -1;
    }
    pthread_mutex_unlock(&s->nx_standin_send_lock);
}

UINT _nx_tcp_client_socket_unbind(NX_TCP_SOCKET *socket_ptr)
{
    UINT status = NX_SUCCESS;
    pthread_mutex_lock(&socket_ptr->nx_standin_lock);
    if (socket_ptr->nx_tcp_socket_state != NX_TCP_CLOSED)
        status = NX_NOT_CLOSED;
    else if (!socket_ptr->nx_standin_bound)
        status = NX_NOT_BOUND;
    pthread_mutex_unlock(&socket_ptr->nx_standin_lock);
    if (status != NX_SUCCESS)
        return status;
    stop_thread(socket_ptr);
    pthread_mutex_lock(&socket_ptr->nx_standin_lock);
    close_fd(socket_ptr, 0);
    flush_receive_queue(socket_ptr);
    socket_ptr->nx_standin_bound = 0;
    socket_ptr->nx_tcp_socket_port = 0;
    pthread_mutex_unlock(&socket_ptr->nx_standin_lock);
    return NX_SUCCESS;
}

static void call(VOID (*fn)(NX_TCP_SOCKET *), NX_TCP_SOCKET *s)
{
    if (fn)
        fn(s);
}

/* Receives one segment (up to the stand-in MSS) into packets of the IP's default pool. */
static int receive_segment(NX_TCP_SOCKET *s)
{
    static __thread UCHAR buf[65536];
    ULONG mss = __atomic_load_n(&max_segment, __ATOMIC_RELAXED);
    if (mss > sizeof(buf))
        mss = sizeof(buf);
    ssize_t n = recv(s->nx_standin_fd, buf, mss, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 1;
    if (n <= 0)
        return n == 0 ? 0 : -1;
    NX_PACKET_POOL *pool = s->nx_tcp_socket_ip_ptr->nx_ip_default_packet_pool;
    ULONG headroom = pool->nx_packet_pool_payload_size >= 2 * NX_TCP_PACKET ? NX_TCP_PACKET : 0;
    NX_PACKET *p;
    /* Waiting for buffers here is what a receiver with an exhausted pool does: the peer's
     * data stays in flight (in NetX it would be dropped and retransmitted). */
    if (allocate(pool, &p, headroom, NX_WAIT_FOREVER, &s->nx_standin_stop) != NX_SUCCESS)
        return -2;
    if (append(p, buf, (ULONG)n, pool, NX_WAIT_FOREVER, &s->nx_standin_stop) != NX_SUCCESS) {
        _nx_packet_release(p);
        return -2;
    }
    pthread_mutex_lock(&s->nx_standin_lock);
    MARK(p) = AS_PACKET(NX_PACKET_ALLOCATED);
    p->nx_packet_queue_next = NULL;
    if (s->nx_tcp_socket_receive_queue_tail)
        s->nx_tcp_socket_receive_queue_tail->nx_packet_queue_next = p;
    else
        s->nx_tcp_socket_receive_queue_head = p;
    s->nx_tcp_socket_receive_queue_tail = p;
    s->nx_tcp_socket_receive_queue_count++;
    pthread_cond_broadcast(&s->nx_standin_cond);
    VOID (*notify)(NX_TCP_SOCKET *) = s->nx_tcp_receive_callback;
    pthread_mutex_unlock(&s->nx_standin_lock);
    call(notify, s);
    return 1;
}

/* The socket's thread: finishes a connect in progress, then receives until the connection or
 * the socket ends (NetX's IP thread does this work for a real socket). */
static void *socket_thread(void *arg)
{
    NX_TCP_SOCKET *s = arg;
    int fd = s->nx_standin_fd;

    if (__atomic_load_n(&s->nx_tcp_socket_state, __ATOMIC_ACQUIRE) == NX_TCP_SYN_SENT) {
        int done = 0, err = 0;
        while (!done && !__atomic_load_n(&s->nx_standin_stop, __ATOMIC_ACQUIRE)) {
            struct pollfd pfd = {fd, POLLOUT, 0};
            if (poll(&pfd, 1, SLICE_MS) > 0) {
                socklen_t len = sizeof(err);
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
                done = 1;
            }
        }
        if (!done)
            return NULL;
        pthread_mutex_lock(&s->nx_standin_lock);
        if (s->nx_tcp_socket_state != NX_TCP_SYN_SENT) { /* disconnected meanwhile */
            pthread_mutex_unlock(&s->nx_standin_lock);
            return NULL;
        }
        if (err != 0) {
            /* Reset while connecting: no disconnect callback (NetX calls it only for
             * established connections). */
            s->nx_tcp_socket_state = NX_TCP_CLOSED;
            pthread_cond_broadcast(&s->nx_standin_cond);
            pthread_mutex_unlock(&s->nx_standin_lock);
            return NULL;
        }
        struct sockaddr_storage local;
        socklen_t llen = sizeof(local);
        if (getsockname(fd, (struct sockaddr *)&local, &llen) == 0)
            s->nx_tcp_socket_port = ntohs(((struct sockaddr_in *)&local)->sin_port);
        s->nx_tcp_socket_state = NX_TCP_ESTABLISHED;
        pthread_cond_broadcast(&s->nx_standin_cond);
#ifdef NX_ENABLE_EXTENDED_NOTIFY_SUPPORT
        VOID (*established)(NX_TCP_SOCKET *) = s->nx_tcp_establish_notify;
#else
        VOID (*established)(NX_TCP_SOCKET *) = NULL;
#endif
        pthread_mutex_unlock(&s->nx_standin_lock);
        call(established, s);
    }

    while (!__atomic_load_n(&s->nx_standin_stop, __ATOMIC_ACQUIRE)) {
        struct pollfd pfd = {fd, POLLIN, 0};
        int r = poll(&pfd, 1, SLICE_MS);
        if (r <= 0)
            continue;
        int rc = receive_segment(s);
        if (rc > 0)
            continue;
        if (rc == -2) /* stopped while waiting for buffers */
            break;
        pthread_mutex_lock(&s->nx_standin_lock);
        UINT state = s->nx_tcp_socket_state;
        VOID (*notify)(NX_TCP_SOCKET *) = NULL;
        if (rc == 0) { /* FIN from the peer */
            if (state == NX_TCP_ESTABLISHED) {
                s->nx_tcp_socket_state = NX_TCP_CLOSE_WAIT;
                notify = s->nx_tcp_disconnect_callback;
            } else if (state == NX_TCP_FIN_WAIT_1 || state == NX_TCP_FIN_WAIT_2 || state == NX_TCP_LAST_ACK) {
                s->nx_tcp_socket_state = NX_TCP_CLOSED; /* our close completed */
            }
        } else { /* reset */
            if (state == NX_TCP_ESTABLISHED)
                notify = s->nx_tcp_disconnect_callback;
            if (state != NX_TCP_CLOSED)
                s->nx_tcp_socket_state = NX_TCP_CLOSED;
        }
        pthread_cond_broadcast(&s->nx_standin_cond);
        pthread_mutex_unlock(&s->nx_standin_lock);
        call(notify, s);
        break;
    }
    return NULL;
}

static UINT start_connect(NX_TCP_SOCKET *s, NXD_ADDRESS *server_ip, UINT server_port)
{
    struct sockaddr_storage ss;
    socklen_t len;
    memset(&ss, 0, sizeof(ss));
    if (server_ip->nxd_ip_version == NX_IP_VERSION_V4) {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;
        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t)server_port);
        in->sin_addr.s_addr = htonl(server_ip->nxd_ip_address.v4);
        len = sizeof(*in);
#ifdef FEATURE_NX_IPV6
    } else if (server_ip->nxd_ip_version == NX_IP_VERSION_V6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)server_port);
        for (int i = 0; i < 4; i++) {
            uint32_t w = htonl(server_ip->nxd_ip_address.v6[i]);
            memcpy(&in6->sin6_addr.s6_addr[4 * i], &w, 4);
        }
        len = sizeof(*in6);
#endif
    } else {
        return NX_IP_ADDRESS_ERROR;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return NX_NOT_CONNECTED;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (s->nx_tcp_socket_port != 0) {
        struct sockaddr_storage local;
        memset(&local, 0, sizeof(local));
        local.ss_family = ss.ss_family;
        if (ss.ss_family == AF_INET)
            ((struct sockaddr_in *)&local)->sin_port = htons((uint16_t)s->nx_tcp_socket_port);
        else
            ((struct sockaddr_in6 *)&local)->sin6_port = htons((uint16_t)s->nx_tcp_socket_port);
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, (struct sockaddr *)&local, len) != 0) {
            close(fd);
            return NX_PORT_UNAVAILABLE;
        }
    }
    if (connect(fd, (struct sockaddr *)&ss, len) != 0 && errno != EINPROGRESS) {
        close(fd);
        return NX_NOT_CONNECTED;
    }
    s->nx_standin_fd = fd;
    s->nx_tcp_socket_connect_ip = *server_ip;
    s->nx_tcp_socket_connect_port = server_port;
    s->nx_tcp_socket_state = NX_TCP_SYN_SENT;
    __atomic_store_n(&s->nx_standin_stop, 0, __ATOMIC_RELEASE);
    if (pthread_create(&s->nx_standin_thread, NULL, socket_thread, s) != 0) {
        close_fd(s, 1);
        s->nx_tcp_socket_state = NX_TCP_CLOSED;
        return NX_NOT_CONNECTED;
    }
    s->nx_standin_thread_running = 1;
    return NX_SUCCESS;
}

UINT _nxd_tcp_client_socket_connect(NX_TCP_SOCKET *socket_ptr, NXD_ADDRESS *server_ip,
                                    UINT server_port, ULONG wait_option)
{
    if (server_ip->nxd_ip_version != NX_IP_VERSION_V4
#ifdef FEATURE_NX_IPV6
        && server_ip->nxd_ip_version != NX_IP_VERSION_V6
#endif
    )
        return NX_IP_ADDRESS_ERROR;
    pthread_mutex_lock(&socket_ptr->nx_standin_lock);
    if (!socket_ptr->nx_standin_bound) {
        pthread_mutex_unlock(&socket_ptr->nx_standin_lock);
        return NX_NOT_BOUND;
    }
    if (socket_ptr->nx_tcp_socket_state != NX_TCP_CLOSED) {
        pthread_mutex_unlock(&socket_ptr->nx_standin_lock);
        return NX_NOT_CLOSED;
    }
    pthread_mutex_unlock(&socket_ptr->nx_standin_lock);
    stop_thread(socket_ptr); /* a finished thread of the previous connection */
    pthread_mutex_lock(&socket_ptr->nx_standin_lock);
    close_fd(socket_ptr, 0);
    UINT status = start_connect(socket_ptr, server_ip, server_port);
    if (status != NX_SUCCESS) {
        pthread_mutex_unlock(&socket_ptr->nx_standin_lock);
        return status;
    }
    if (wait_option == NX_NO_WAIT) {
        pthread_mutex_unlock(&socket_ptr->nx_standin_lock);
        return NX_IN_PROGRESS;
    }
    uint64_t deadline = deadline_for(wait_option);
    while (socket_ptr->nx_tcp_socket_state == NX_TCP_SYN_SENT) {
        if (slice_wait(&socket_ptr->nx_standin_cond, &socket_ptr->nx_standin_lock, deadline) != 0)
            break;
    }
    UINT state = socket_ptr->nx_tcp_socket_state;
    if (state == NX_TCP_SYN_SENT)
        socket_ptr->nx_tcp_socket_state = NX_TCP_CLOSED; /* timed out: give up the attempt */
    pthread_mutex_unlock(&socket_ptr->nx_standin_lock);
    if (state == NX_TCP_ESTABLISHED || state == NX_TCP_CLOSE_WAIT)
        return NX_SUCCESS;
    stop_thread(socket_ptr);
    pthread_mutex_lock(&socket_ptr->nx_standin_lock);
    close_fd(socket_ptr, 1);
    socket_ptr->nx_tcp_socket_state = NX_TCP_CLOSED;
    pthread_mutex_unlock(&socket_ptr->nx_standin_lock);
    return NX_NOT_CONNECTED;
}

UINT _nx_tcp_client_socket_connect(NX_TCP_SOCKET *socket_ptr, ULONG server_ip, UINT server_port,
                                   ULONG wait_option)
{
    NXD_ADDRESS a;
    memset(&a, 0, sizeof(a));
    a.nxd_ip_version = NX_IP_VERSION_V4;
    a.nxd_ip_address.v4 = server_ip;
    return _nxd_tcp_client_socket_connect(socket_ptr, &a, server_port, wait_option);
}

UINT _nx_tcp_socket_send(NX_TCP_SOCKET *socket_ptr, NX_PACKET *packet_ptr, ULONG wait_option)
{
    pthread_mutex_lock(&socket_ptr->nx_standin_lock);
    UINT state = socket_ptr->nx_tcp_socket_state;
    pthread_mutex_unlock(&socket_ptr->nx_standin_lock);
    if (!socket_ptr->nx_standin_bound)
        return NX_NOT_BOUND;
    if (state != NX_TCP_ESTABLISHED && state != NX_TCP_CLOSE_WAIT)
        return NX_NOT_CONNECTED;
    ULONG total = 0;
    for (NX_PACKET *w = packet_ptr; w; w = w->nx_packet_next)
        total += (ULONG)(w->nx_packet_append_ptr - w->nx_packet_prepend_ptr);
    if (total != packet_ptr->nx_packet_length)
        return NX_INVALID_PACKET;
    /* One packet goes out whole: sends on a socket do not interleave. */
    pthread_mutex_lock(&socket_ptr->nx_standin_send_lock);
    int fd = socket_ptr->nx_standin_fd;
    uint64_t deadline = wait_option == NX_NO_WAIT ? mono_ms() + 1000 : deadline_for(wait_option);
    UINT status = NX_SUCCESS;
    ULONG sent = 0;
    for (NX_PACKET *w = packet_ptr; w && status == NX_SUCCESS; w = w->nx_packet_next) {
        const UCHAR *p = w->nx_packet_prepend_ptr;
        size_t left = (size_t)(w->nx_packet_append_ptr - w->nx_packet_prepend_ptr);
        while (left) {
            ssize_t n = send(fd, p, left, MSG_NOSIGNAL);
            if (n > 0) {
                p += n;
                left -= (size_t)n;
                sent += (ULONG)n;
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
                if (deadline != 0 && mono_ms() >= deadline) {
                    status = NX_WINDOW_OVERFLOW;
                    break;
                }
                struct pollfd pfd = {fd, POLLOUT, 0};
                poll(&pfd, 1, SLICE_MS);
                continue;
            }
            status = NX_NOT_CONNECTED;
            break;
        }
    }
    pthread_mutex_unlock(&socket_ptr->nx_standin_send_lock);
    if (status == NX_SUCCESS) {
        _nx_packet_release(packet_ptr);
        return status;
    }
    /* As NetX: the bytes that went out before the failure are trimmed from the packet that is
       handed back (its length says what is left). */
    packet_ptr->nx_packet_length -= sent;
    for (NX_PACKET *w = packet_ptr; w && sent; w = w->nx_packet_next) {
        ULONG in_buffer = (ULONG)(w->nx_packet_append_ptr - w->nx_packet_prepend_ptr);
        ULONG k = sent < in_buffer ? sent : in_buffer;
        w->nx_packet_prepend_ptr += k;
        sent -= k;
    }
    return status;
}

UINT _nx_tcp_socket_receive(NX_TCP_SOCKET *socket_ptr, NX_PACKET **packet_ptr, ULONG wait_option)
{
    UINT status = NX_SUCCESS;
    *packet_ptr = NULL;
    pthread_mutex_lock(&socket_ptr->nx_standin_lock);
    if (!socket_ptr->nx_standin_bound) {
        pthread_mutex_unlock(&socket_ptr->nx_standin_lock);
        return NX_NOT_BOUND;
    }
    uint64_t deadline = wait_option == NX_NO_WAIT ? 1 : deadline_for(wait_option);
    for (;;) {
        NX_PACKET *p = socket_ptr->nx_tcp_socket_receive_queue_head;
        if (p) {
            socket_ptr->nx_tcp_socket_receive_queue_head = p->nx_packet_queue_next;
            if (socket_ptr->nx_tcp_socket_receive_queue_head == NULL)
                socket_ptr->nx_tcp_socket_receive_queue_tail = NULL;
            socket_ptr->nx_tcp_socket_receive_queue_count--;
            p->nx_packet_queue_next = NULL;
            *packet_ptr = p;
            break;
        }
        UINT state = socket_ptr->nx_tcp_socket_state;
        if (state < NX_TCP_SYN_SENT || state == NX_TCP_CLOSE_WAIT || state >= NX_TCP_CLOSING) {
            status = NX_NOT_CONNECTED;
            break;
        }
        if (slice_wait(&socket_ptr->nx_standin_cond, &socket_ptr->nx_standin_lock, deadline) != 0) {
            status = NX_NO_PACKET;
            break;
        }
    }
    pthread_mutex_unlock(&socket_ptr->nx_standin_lock);
    return status;
}

UINT _nx_tcp_socket_disconnect(NX_TCP_SOCKET *socket_ptr, ULONG wait_option)
{
    pthread_mutex_lock(&socket_ptr->nx_standin_lock);
    UINT state = socket_ptr->nx_tcp_socket_state;
    if (state != NX_TCP_ESTABLISHED && state != NX_TCP_SYN_SENT && state != NX_TCP_SYN_RECEIVED &&
        state != NX_TCP_CLOSE_WAIT) {
        pthread_mutex_unlock(&socket_ptr->nx_standin_lock);
        return NX_NOT_CONNECTED;
    }
    UINT status = NX_SUCCESS;
    int reset = 1;
    if (state == NX_TCP_SYN_SENT || state == NX_TCP_SYN_RECEIVED) {
        socket_ptr->nx_tcp_socket_state = NX_TCP_CLOSED;
    } else if (wait_option == NX_NO_WAIT) {
        socket_ptr->nx_tcp_socket_state = NX_TCP_CLOSED; /* reset, as NetX does without waiting */
        status = NX_IN_PROGRESS;
    } else {
        /* Orderly close: FIN, then wait for the peer's FIN (already seen in CLOSE_WAIT). */
        socket_ptr->nx_tcp_socket_state = state == NX_TCP_CLOSE_WAIT ? NX_TCP_LAST_ACK : NX_TCP_FIN_WAIT_1;
        shutdown(socket_ptr->nx_standin_fd, SHUT_WR);
        if (state != NX_TCP_CLOSE_WAIT) {
            uint64_t deadline = deadline_for(wait_option);
            while (socket_ptr->nx_tcp_socket_state != NX_TCP_CLOSED) {
                if (slice_wait(&socket_ptr->nx_standin_cond, &socket_ptr->nx_standin_lock, deadline) != 0) {
                    status = NX_DISCONNECT_FAILED;
                    break;
                }
            }
            reset = status != NX_SUCCESS;
        } else {
            reset = 0;
        }
        socket_ptr->nx_tcp_socket_state = NX_TCP_CLOSED;
    }
    pthread_cond_broadcast(&socket_ptr->nx_standin_cond);
    pthread_mutex_unlock(&socket_ptr->nx_standin_lock);
    stop_thread(socket_ptr);
    pthread_mutex_lock(&socket_ptr->nx_standin_lock);
    close_fd(socket_ptr, reset);
    flush_receive_queue(socket_ptr);
    pthread_mutex_unlock(&socket_ptr->nx_standin_lock);
    return status;
}

UINT _nx_tcp_socket_receive_notify(NX_TCP_SOCKET *socket_ptr,
                                   VOID (*tcp_receive_notify)(NX_TCP_SOCKET *socket_ptr))
{
    pthread_mutex_lock(&socket_ptr->nx_standin_lock);
    socket_ptr->nx_tcp_receive_callback = tcp_receive_notify;
    pthread_mutex_unlock(&socket_ptr->nx_standin_lock);
    return NX_SUCCESS;
}

UINT _nx_tcp_socket_establish_notify(NX_TCP_SOCKET *socket_ptr,
                                     VOID (*tcp_establish_notify)(NX_TCP_SOCKET *socket_ptr))
{
#ifdef NX_ENABLE_EXTENDED_NOTIFY_SUPPORT
    pthread_mutex_lock(&socket_ptr->nx_standin_lock);
    socket_ptr->nx_tcp_establish_notify = tcp_establish_notify;
    pthread_mutex_unlock(&socket_ptr->nx_standin_lock);
    return NX_SUCCESS;
#else
    (void)socket_ptr;
    (void)tcp_establish_notify;
    return NX_NOT_SUPPORTED;
#endif
}

UINT _nx_tcp_socket_disconnect_complete_notify(NX_TCP_SOCKET *socket_ptr,
                                               VOID (*tcp_disconnect_complete_notify)(NX_TCP_SOCKET *socket_ptr))
{
#ifdef NX_ENABLE_EXTENDED_NOTIFY_SUPPORT
    socket_ptr->nx_tcp_disconnect_complete_notify = tcp_disconnect_complete_notify;
    return NX_SUCCESS;
#else
    (void)socket_ptr;
    (void)tcp_disconnect_complete_notify;
    return NX_NOT_SUPPORTED;
#endif
}

/* ---- error-checking front ends ----------------------------------------------------------------------- */

#define CHECK_POOL(p) \
    if ((p) == NULL || (p)->nx_packet_pool_id != NX_PACKET_POOL_ID) return NX_PTR_ERROR
#define CHECK_SOCKET(s) \
    if ((s) == NULL || (s)->nx_tcp_socket_id != NX_TCP_ID) return NX_PTR_ERROR
#define CHECK_PACKET(p) \
    if ((p) == NULL || MARK(p) != AS_PACKET(NX_PACKET_ALLOCATED)) return NX_INVALID_PACKET

UINT _nxe_ip_create(NX_IP *ip_ptr, CHAR *name, ULONG ip_address, ULONG network_mask,
                    NX_PACKET_POOL *default_pool, VOID (*ip_link_driver)(VOID *),
                    VOID *memory_ptr, ULONG memory_size, UINT priority, UINT ip_control_block_size)
{
    if (ip_ptr == NULL || ip_control_block_size != sizeof(NX_IP) || ip_ptr->nx_ip_id == NX_IP_ID)
        return NX_PTR_ERROR;
    CHECK_POOL(default_pool);
    return _nx_ip_create(ip_ptr, name, ip_address, network_mask, default_pool, ip_link_driver,
                         memory_ptr, memory_size, priority);
}

UINT _nxe_ip_delete(NX_IP *ip_ptr)
{
    if (ip_ptr == NULL || ip_ptr->nx_ip_id != NX_IP_ID)
        return NX_PTR_ERROR;
    return _nx_ip_delete(ip_ptr);
}

UINT _nxe_tcp_enable(NX_IP *ip_ptr)
{
    if (ip_ptr == NULL || ip_ptr->nx_ip_id != NX_IP_ID)
        return NX_PTR_ERROR;
    return _nx_tcp_enable(ip_ptr);
}

UINT _nxe_packet_pool_create(NX_PACKET_POOL *pool_ptr, CHAR *name, ULONG payload_size,
                             VOID *memory_ptr, ULONG memory_size, UINT pool_control_block_size)
{
    if (pool_ptr == NULL || memory_ptr == NULL || pool_control_block_size != sizeof(NX_PACKET_POOL) ||
        pool_ptr->nx_packet_pool_id == NX_PACKET_POOL_ID)
        return NX_PTR_ERROR;
    return _nx_packet_pool_create(pool_ptr, name, payload_size, memory_ptr, memory_size);
}

UINT _nxe_packet_pool_delete(NX_PACKET_POOL *pool_ptr)
{
    CHECK_POOL(pool_ptr);
    return _nx_packet_pool_delete(pool_ptr);
}

UINT _nxe_packet_allocate(NX_PACKET_POOL *pool_ptr, NX_PACKET **packet_ptr, ULONG packet_type,
                          ULONG wait_option)
{
    CHECK_POOL(pool_ptr);
    if (packet_ptr == NULL)
        return NX_PTR_ERROR;
    if (packet_type % sizeof(ULONG) != 0)
        return NX_OPTION_ERROR;
    return _nx_packet_allocate(pool_ptr, packet_ptr, packet_type, wait_option);
}

UINT _nxe_packet_release(NX_PACKET **packet_ptr_ptr)
{
    if (packet_ptr_ptr == NULL || *packet_ptr_ptr == NULL)
        return NX_PTR_ERROR;
    UINT status = _nx_packet_release(*packet_ptr_ptr);
    if (status == NX_SUCCESS)
        *packet_ptr_ptr = NULL;
    return status;
}

UINT _nxe_packet_data_append(NX_PACKET *packet_ptr, VOID *data_start, ULONG data_size,
                             NX_PACKET_POOL *pool_ptr, ULONG wait_option)
{
    CHECK_POOL(pool_ptr);
    if (packet_ptr == NULL || data_start == NULL)
        return NX_PTR_ERROR;
    if (data_size == 0)
        return NX_SIZE_ERROR;
    return _nx_packet_data_append(packet_ptr, data_start, data_size, pool_ptr, wait_option);
}

UINT _nxe_packet_data_extract_offset(NX_PACKET *packet_ptr, ULONG offset, VOID *buffer_start,
                                     ULONG buffer_length, ULONG *bytes_copied)
{
    if (packet_ptr == NULL || buffer_start == NULL || bytes_copied == NULL)
        return NX_PTR_ERROR;
    return _nx_packet_data_extract_offset(packet_ptr, offset, buffer_start, buffer_length, bytes_copied);
}

UINT _nxe_packet_data_retrieve(NX_PACKET *packet_ptr, VOID *buffer_start, ULONG *bytes_copied)
{
    if (packet_ptr == NULL || buffer_start == NULL || bytes_copied == NULL)
        return NX_PTR_ERROR;
    return _nx_packet_data_retrieve(packet_ptr, buffer_start, bytes_copied);
}

UINT _nxe_packet_copy(NX_PACKET *packet_ptr, NX_PACKET **new_packet_ptr, NX_PACKET_POOL *pool_ptr,
                      ULONG wait_option)
{
    CHECK_POOL(pool_ptr);
    if (packet_ptr == NULL || new_packet_ptr == NULL)
        return NX_PTR_ERROR;
    return _nx_packet_copy(packet_ptr, new_packet_ptr, pool_ptr, wait_option);
}

UINT _nxe_packet_length_get(NX_PACKET *packet_ptr, ULONG *length)
{
    if (packet_ptr == NULL || length == NULL)
        return NX_PTR_ERROR;
    return _nx_packet_length_get(packet_ptr, length);
}

UINT _nxe_tcp_socket_create(NX_IP *ip_ptr, NX_TCP_SOCKET *socket_ptr, CHAR *name,
                            ULONG type_of_service, ULONG fragment, UINT time_to_live,
                            ULONG window_size, VOID (*urgent_data_callback)(NX_TCP_SOCKET *socket_ptr),
                            VOID (*disconnect_callback)(NX_TCP_SOCKET *socket_ptr),
                            UINT tcp_socket_size)
{
    if (ip_ptr == NULL || ip_ptr->nx_ip_id != NX_IP_ID || socket_ptr == NULL ||
        tcp_socket_size != sizeof(NX_TCP_SOCKET) || socket_ptr->nx_tcp_socket_id == NX_TCP_ID)
        return NX_PTR_ERROR;
    if (!ip_ptr->nx_ip_tcp_packet_receive)
        return NX_NOT_ENABLED;
    if (window_size == 0)
        return NX_OPTION_ERROR;
    return _nx_tcp_socket_create(ip_ptr, socket_ptr, name, type_of_service, fragment, time_to_live,
                                 window_size, urgent_data_callback, disconnect_callback);
}

UINT _nxe_tcp_socket_delete(NX_TCP_SOCKET *socket_ptr)
{
    if (socket_ptr == NULL)
        return NX_PTR_ERROR;
    return _nx_tcp_socket_delete(socket_ptr);
}

UINT _nxe_tcp_client_socket_bind(NX_TCP_SOCKET *socket_ptr, UINT port, ULONG wait_option)
{
    CHECK_SOCKET(socket_ptr);
    if (port > 0xFFFF)
        return NX_INVALID_PORT;
    return _nx_tcp_client_socket_bind(socket_ptr, port, wait_option);
}

UINT _nxe_tcp_client_socket_unbind(NX_TCP_SOCKET *socket_ptr)
{
    CHECK_SOCKET(socket_ptr);
    return _nx_tcp_client_socket_unbind(socket_ptr);
}

UINT _nxde_tcp_client_socket_connect(NX_TCP_SOCKET *socket_ptr, NXD_ADDRESS *server_ip,
                                     UINT server_port, ULONG wait_option)
{
    CHECK_SOCKET(socket_ptr);
    if (server_ip == NULL)
        return NX_PTR_ERROR;
    if (server_port == 0 || server_port > 0xFFFF)
        return NX_INVALID_PORT;
    return _nxd_tcp_client_socket_connect(socket_ptr, server_ip, server_port, wait_option);
}

UINT _nxe_tcp_client_socket_connect(NX_TCP_SOCKET *socket_ptr, ULONG server_ip, UINT server_port,
                                    ULONG wait_option)
{
    CHECK_SOCKET(socket_ptr);
    if (server_ip == 0)
        return NX_IP_ADDRESS_ERROR;
    if (server_port == 0 || server_port > 0xFFFF)
        return NX_INVALID_PORT;
    return _nx_tcp_client_socket_connect(socket_ptr, server_ip, server_port, wait_option);
}

UINT _nxe_tcp_socket_send(NX_TCP_SOCKET *socket_ptr, NX_PACKET **packet_ptr_ptr, ULONG wait_option)
{
    CHECK_SOCKET(socket_ptr);
    if (packet_ptr_ptr == NULL)
        return NX_PTR_ERROR;
    NX_PACKET *p = *packet_ptr_ptr;
    CHECK_PACKET(p);
    if (!socket_ptr->nx_tcp_socket_ip_ptr->nx_ip_tcp_packet_receive)
        return NX_NOT_ENABLED;
    ULONG ip_header;
    if (socket_ptr->nx_tcp_socket_connect_ip.nxd_ip_version == NX_IP_VERSION_V4)
        ip_header = 20;
    else if (socket_ptr->nx_tcp_socket_connect_ip.nxd_ip_version == NX_IP_VERSION_V6)
        ip_header = 40;
    else
        return NX_NOT_CONNECTED;
    if ((LONG)(p->nx_packet_prepend_ptr - p->nx_packet_data_start) < (LONG)(ip_header + 20))
        return NX_UNDERFLOW;
    if (p->nx_packet_append_ptr > p->nx_packet_data_end)
        return NX_OVERFLOW;
    UINT status = _nx_tcp_socket_send(socket_ptr, p, wait_option);
    if (status == NX_SUCCESS)
        *packet_ptr_ptr = NULL;
    return status;
}

UINT _nxe_tcp_socket_receive(NX_TCP_SOCKET *socket_ptr, NX_PACKET **packet_ptr, ULONG wait_option)
{
    CHECK_SOCKET(socket_ptr);
    if (packet_ptr == NULL)
        return NX_PTR_ERROR;
    return _nx_tcp_socket_receive(socket_ptr, packet_ptr, wait_option);
}

UINT _nxe_tcp_socket_disconnect(NX_TCP_SOCKET *socket_ptr, ULONG wait_option)
{
    CHECK_SOCKET(socket_ptr);
    return _nx_tcp_socket_disconnect(socket_ptr, wait_option);
}

UINT _nxe_tcp_socket_receive_notify(NX_TCP_SOCKET *socket_ptr,
                                    VOID (*tcp_receive_notify)(NX_TCP_SOCKET *socket_ptr))
{
    CHECK_SOCKET(socket_ptr);
    return _nx_tcp_socket_receive_notify(socket_ptr, tcp_receive_notify);
}

UINT _nxe_tcp_socket_establish_notify(NX_TCP_SOCKET *socket_ptr,
                                      VOID (*tcp_establish_notify)(NX_TCP_SOCKET *socket_ptr))
{
    CHECK_SOCKET(socket_ptr);
    return _nx_tcp_socket_establish_notify(socket_ptr, tcp_establish_notify);
}

UINT _nxe_tcp_socket_disconnect_complete_notify(NX_TCP_SOCKET *socket_ptr,
                                                VOID (*tcp_disconnect_complete_notify)(NX_TCP_SOCKET *socket_ptr))
{
    CHECK_SOCKET(socket_ptr);
    return _nx_tcp_socket_disconnect_complete_notify(socket_ptr, tcp_disconnect_complete_notify);
}
