/* nxd_mqtt NetX port: C wrappers over the application's ThreadX and NetX Duo services (see
 * glue.h). Every call goes through the public API names, mapped by the application's headers
 * and configuration (error-checking front ends unless TX_DISABLE_ERROR_CHECKING /
 * NX_DISABLE_ERROR_CHECKING are defined). Only the members named in NetX Duo's documentation
 * are touched; the packet builder sets the chain members of packets it owns the way
 * nx_packet_data_append does, and links reserved packets through nx_packet_queue_next (unused
 * while a packet is allocated and not queued by NetX). */
#include "glue.h"

#include <string.h>

#ifndef NXD_MQTT_KEEPALIVE_TIMER_RATE
#define NXD_MQTT_KEEPALIVE_TIMER_RATE (NX_IP_PERIODIC_RATE)
#endif
#ifndef NXD_MQTT_PING_TIMEOUT_DELAY
#define NXD_MQTT_PING_TIMEOUT_DELAY (NX_IP_PERIODIC_RATE)
#endif
#ifndef NXD_MQTT_SOCKET_TIMEOUT
#define NXD_MQTT_SOCKET_TIMEOUT NX_WAIT_FOREVER
#endif
#ifndef NXD_MQTT_CLIENT_SOCKET_WINDOW_SIZE
#define NXD_MQTT_CLIENT_SOCKET_WINDOW_SIZE 8192
#endif
#ifndef NXD_MQTT_CLIENT_THREAD_TIME_SLICE
#define NXD_MQTT_CLIENT_THREAD_TIME_SLICE 2
#endif
#ifndef NXD_MQTT_INITIAL_PACKET_ID_VALUE
#define NXD_MQTT_INITIAL_PACKET_ID_VALUE 1
#endif

void nxd_mqtt_netx_config(NXD_MQTT_NETX_CONFIG *config)
{
    config->ticks_per_second = (ULONG)(NX_IP_PERIODIC_RATE);
    config->keepalive_timer_rate = (ULONG)(NXD_MQTT_KEEPALIVE_TIMER_RATE);
    config->ping_timeout_delay = (ULONG)(NXD_MQTT_PING_TIMEOUT_DELAY);
    config->socket_timeout = (ULONG)(NXD_MQTT_SOCKET_TIMEOUT);
    config->window_size = (ULONG)(NXD_MQTT_CLIENT_SOCKET_WINDOW_SIZE);
    config->time_slice = (ULONG)(NXD_MQTT_CLIENT_THREAD_TIME_SLICE);
    config->initial_packet_id = (ULONG)(NXD_MQTT_INITIAL_PACKET_ID_VALUE);
#ifdef NXD_MQTT_MAXIMUM_TRANSMIT_QUEUE_DEPTH
    config->max_transmit_queue_depth = (ULONG)(NXD_MQTT_MAXIMUM_TRANSMIT_QUEUE_DEPTH);
#else
    config->max_transmit_queue_depth = 0;
#endif
#ifdef NXD_MQTT_REQUIRE_TLS
    config->require_tls = 1;
#else
    config->require_tls = 0;
#endif
#ifdef NX_ENABLE_EXTENDED_NOTIFY_SUPPORT
    config->extended_notify = 1;
#else
    config->extended_notify = 0;
#endif
}

/* ---- ThreadX ---------------------------------------------------------------------------- */

UINT nxd_mqtt_netx_thread_create(TX_THREAD *thread, CHAR *name, VOID (*entry)(ULONG), ULONG input,
                                 VOID *stack, ULONG stack_size, UINT priority, ULONG time_slice)
{
    /* Preemption threshold = priority, created suspended (resumed when everything is ready),
       as the original does. */
    return tx_thread_create(thread, name, entry, input, stack, stack_size, priority, priority,
                            time_slice, TX_DONT_START);
}

UINT nxd_mqtt_netx_thread_resume(TX_THREAD *thread)
{
    return tx_thread_resume(thread);
}

UINT nxd_mqtt_netx_thread_terminate(TX_THREAD *thread)
{
    return tx_thread_terminate(thread);
}

UINT nxd_mqtt_netx_thread_delete(TX_THREAD *thread)
{
    return tx_thread_delete(thread);
}

UINT nxd_mqtt_netx_thread_state(TX_THREAD *thread)
{
    CHAR *name;
    UINT state, priority, threshold;
    ULONG run_count, time_slice;
    TX_THREAD *next, *next_suspended;
    if (tx_thread_info_get(thread, &name, &state, &run_count, &priority, &threshold, &time_slice,
                           &next, &next_suspended) != TX_SUCCESS)
        return 0xFFFFFFFFu;
    return state;
}

TX_THREAD *nxd_mqtt_netx_thread_identify(VOID)
{
    return tx_thread_identify();
}

VOID nxd_mqtt_netx_thread_sleep(ULONG ticks)
{
    tx_thread_sleep(ticks);
}

ULONG nxd_mqtt_netx_time_get(VOID)
{
    return tx_time_get();
}

UINT nxd_mqtt_netx_mutex_create(TX_MUTEX *mutex, CHAR *name)
{
    return tx_mutex_create(mutex, name, TX_NO_INHERIT);
}

UINT nxd_mqtt_netx_mutex_delete(TX_MUTEX *mutex)
{
    return tx_mutex_delete(mutex);
}

UINT nxd_mqtt_netx_mutex_get(TX_MUTEX *mutex, ULONG wait_option)
{
    return tx_mutex_get(mutex, wait_option);
}

UINT nxd_mqtt_netx_mutex_put(TX_MUTEX *mutex)
{
    return tx_mutex_put(mutex);
}

UINT nxd_mqtt_netx_events_create(TX_EVENT_FLAGS_GROUP *group, CHAR *name)
{
    return tx_event_flags_create(group, name);
}

UINT nxd_mqtt_netx_events_delete(TX_EVENT_FLAGS_GROUP *group)
{
    return tx_event_flags_delete(group);
}

UINT nxd_mqtt_netx_events_set(TX_EVENT_FLAGS_GROUP *group, ULONG flags)
{
    return tx_event_flags_set(group, flags, TX_OR);
}

UINT nxd_mqtt_netx_events_clear(TX_EVENT_FLAGS_GROUP *group, ULONG flags)
{
    return tx_event_flags_set(group, ~flags, TX_AND);
}

ULONG nxd_mqtt_netx_events_wait(TX_EVENT_FLAGS_GROUP *group, ULONG flags, UINT consume, ULONG wait_option)
{
    ULONG actual = 0;
    if (tx_event_flags_get(group, flags, consume ? TX_OR_CLEAR : TX_OR, &actual, wait_option) != TX_SUCCESS)
        return 0;
    return actual & flags;
}

VOID nxd_mqtt_netx_wake(VOID *target, ULONG flags)
{
#ifdef NXD_MQTT_CLOUD_ENABLE
    nx_cloud_module_event_set(&((NXD_MQTT_NETX_CLOUD *)target)->module, flags);
#else
    tx_event_flags_set((TX_EVENT_FLAGS_GROUP *)target, flags, TX_OR);
#endif
}

#ifdef NXD_MQTT_CLOUD_ENABLE
/* ---- NetX cloud helper ---------------------------------------------------------------------- */

/* Module event the timer raises (one of the port's own event bits, see mod.rs). */
#define NXD_MQTT_NETX_EV_TIMER ((ULONG)0x100)

UINT nxd_mqtt_netx_cloud_created(NX_CLOUD *cloud)
{
    return cloud->nx_cloud_id == NX_CLOUD_ID;
}

static VOID cloud_timer_expired(ULONG input)
{
    NX_CLOUD_MODULE *module;
    NX_TIMER_EXTENSION_PTR_GET(module, NX_CLOUD_MODULE, input)
    nx_cloud_module_event_set(module, NXD_MQTT_NETX_EV_TIMER);
}

UINT nxd_mqtt_netx_cloud_start(NXD_MQTT_NETX_CLOUD *c, NX_CLOUD *given, CHAR *name, VOID *stack,
                               ULONG stack_size, UINT priority,
                               VOID (*process)(VOID *, ULONG, ULONG), VOID *context)
{
    UINT status;
    if (given == NX_NULL)
    {
        if (nx_cloud_create(&c->helper, "Cloud Helper", stack, stack_size, priority) != NX_SUCCESS)
            return NX_NOT_SUCCESSFUL;
        c->cloud = &c->helper;
    }
    else
        c->cloud = given;
    status = tx_timer_create(&c->timer, name, cloud_timer_expired, (ULONG)(ALIGN_TYPE)&c->module,
                             1, 0, TX_NO_ACTIVATE);
    if (status == TX_SUCCESS)
    {
        NX_TIMER_EXTENSION_PTR_SET(&c->timer, &c->module)
        status = nx_cloud_module_register(c->cloud, &c->module, name, NX_CLOUD_MODULE_MQTT_EVENT,
                                          process, context);
        if (status != NX_SUCCESS)
            tx_timer_delete(&c->timer);
    }
    if (status != NX_SUCCESS)
    {
        if (given == NX_NULL)
            nx_cloud_delete(&c->helper);
        c->cloud = NX_NULL;
        return NX_NOT_SUCCESSFUL;
    }
    return NX_SUCCESS;
}

VOID nxd_mqtt_netx_cloud_detach(NXD_MQTT_NETX_CLOUD *c)
{
    if (c->cloud == NX_NULL)
        return;
    tx_timer_deactivate(&c->timer);
    tx_timer_delete(&c->timer);
    nx_cloud_module_deregister(c->cloud, &c->module);
}

UINT nxd_mqtt_netx_cloud_own(NXD_MQTT_NETX_CLOUD *c)
{
    return c->cloud == &c->helper;
}

VOID nxd_mqtt_netx_cloud_end(NXD_MQTT_NETX_CLOUD *c)
{
    if (c->cloud == &c->helper)
        nx_cloud_delete(&c->helper);
    c->cloud = NX_NULL;
}

TX_MUTEX *nxd_mqtt_netx_cloud_mutex(NXD_MQTT_NETX_CLOUD *c)
{
    return &c->cloud->nx_cloud_mutex;
}

TX_THREAD *nxd_mqtt_netx_cloud_thread(NXD_MQTT_NETX_CLOUD *c)
{
    return &c->cloud->nx_cloud_thread;
}

VOID nxd_mqtt_netx_cloud_arm(NXD_MQTT_NETX_CLOUD *c, ULONG ticks)
{
    tx_timer_deactivate(&c->timer);
    if (ticks == NX_WAIT_FOREVER)
        return;
    tx_timer_change(&c->timer, ticks ? ticks : 1, 0);
    tx_timer_activate(&c->timer);
}
#endif /* NXD_MQTT_CLOUD_ENABLE */

#ifdef NX_SECURE_ENABLE
/* ---- NetX Secure TLS ------------------------------------------------------------------------ */

/* Room kept free at a TLS packet's end for what NetX Secure adds to a record (MAC or tag,
   padding). */
#define NXD_MQTT_NETX_TLS_TRAILER 64

UINT nxd_mqtt_netx_tls_start(NX_SECURE_TLS_SESSION *session, NX_TCP_SOCKET *socket, ULONG wait_option)
{
    return nx_secure_tls_session_start(session, socket, wait_option);
}

UINT nxd_mqtt_netx_tls_continue(NX_SECURE_TLS_SESSION *session)
{
    return _nx_secure_tls_handshake_process(session, NX_NO_WAIT);
}

NX_PACKET *nxd_mqtt_netx_tls_build(NX_SECURE_TLS_SESSION *session, NX_PACKET_POOL *pool, const UCHAR *data,
                                   ULONG size, ULONG *used)
{
    NX_PACKET *packet = NX_NULL;
    ULONG room;
    *used = 0;
    if (nx_secure_tls_packet_allocate(session, pool, &packet, NX_NO_WAIT) != NX_SUCCESS || packet == NX_NULL)
        return NX_NULL;
    room = (ULONG)(packet->nx_packet_data_end - packet->nx_packet_append_ptr);
    room = room > NXD_MQTT_NETX_TLS_TRAILER ? room - NXD_MQTT_NETX_TLS_TRAILER : 0;
    if (size > room)
        size = room;
    if (size == 0 || nx_packet_data_append(packet, (VOID *)data, size, pool, NX_NO_WAIT) != NX_SUCCESS)
    {
        nx_packet_release(packet);
        return NX_NULL;
    }
    *used = size;
    return packet;
}

UINT nxd_mqtt_netx_tls_send(NX_SECURE_TLS_SESSION *session, NX_PACKET *packet, ULONG wait_option)
{
    return nx_secure_tls_session_send(session, packet, wait_option);
}

UINT nxd_mqtt_netx_tls_receive(NX_SECURE_TLS_SESSION *session, NX_PACKET **packet)
{
    return nx_secure_tls_session_receive(session, packet, NX_NO_WAIT);
}

VOID nxd_mqtt_netx_tls_end(NX_SECURE_TLS_SESSION *session, UINT started, ULONG wait_option)
{
    if (started)
        nx_secure_tls_session_end(session, wait_option);
    nx_secure_tls_session_delete(session);
}
#endif /* NX_SECURE_ENABLE */

#ifdef NXD_MQTT_OVER_WEBSOCKET
/* ---- NetX Duo WebSocket client ------------------------------------------------------------ */

#define NXD_MQTT_NETX_WS_PROTOCOL "mqtt"

UINT nxd_mqtt_netx_ws_create(NX_WEBSOCKET_CLIENT *ws, NX_IP *ip, NX_PACKET_POOL *pool)
{
    return nx_websocket_client_create(ws, (UCHAR *)"", ip, pool);
}

UINT nxd_mqtt_netx_ws_delete(NX_WEBSOCKET_CLIENT *ws)
{
    return nx_websocket_client_delete(ws);
}

UINT nxd_mqtt_netx_ws_connect(NX_WEBSOCKET_CLIENT *ws, NX_TCP_SOCKET *socket, VOID *session, const UCHAR *host,
                              UINT host_length, const UCHAR *path, UINT path_length, ULONG wait_option)
{
#ifdef NX_SECURE_ENABLE
    if (session != NX_NULL)
        return nx_websocket_client_secure_connect(ws, (NX_SECURE_TLS_SESSION *)session, (UCHAR *)host, host_length,
                                                  (UCHAR *)path, path_length, (UCHAR *)NXD_MQTT_NETX_WS_PROTOCOL,
                                                  sizeof(NXD_MQTT_NETX_WS_PROTOCOL) - 1, (UINT)wait_option);
#else
    (void)session;
#endif
    return nx_websocket_client_connect(ws, socket, (UCHAR *)host, host_length, (UCHAR *)path, path_length,
                                       (UCHAR *)NXD_MQTT_NETX_WS_PROTOCOL, sizeof(NXD_MQTT_NETX_WS_PROTOCOL) - 1,
                                       (UINT)wait_option);
}

UINT nxd_mqtt_netx_ws_progress(NX_WEBSOCKET_CLIENT *ws)
{
    NX_PACKET *packet = NX_NULL;
    UINT code = 0;
    UINT status;
    if (ws->nx_websocket_client_state == NX_WEBSOCKET_CLIENT_STATE_CONNECTED)
        return NX_SUCCESS;
    /* The response is processed by a receive in the connecting state. On anything but
       NX_SUCCESS the packet pointer may still name a packet the WebSocket client keeps (a
       partial response): only a returned data packet is ours. */
    status = nx_websocket_client_receive(ws, &packet, &code, NX_NO_WAIT);
    if (status == NX_SUCCESS && packet != NX_NULL)
        nx_packet_release(packet); /* no MQTT data can come before CONNECT */
    if (ws->nx_websocket_client_state == NX_WEBSOCKET_CLIENT_STATE_CONNECTED)
        return NX_SUCCESS;
    if (ws->nx_websocket_client_state == NX_WEBSOCKET_CLIENT_STATE_CONNECTING &&
        (status == NX_SUCCESS || status == NX_NO_PACKET || status == NX_IN_PROGRESS || status == NX_CONTINUE))
        return NX_IN_PROGRESS;
    return status == NX_SUCCESS ? NX_NOT_SUCCESSFUL : status;
}

NX_PACKET *nxd_mqtt_netx_ws_build(NX_WEBSOCKET_CLIENT *ws, NX_PACKET_POOL *pool, const UCHAR *data, ULONG size,
                                  ULONG *used)
{
    NX_PACKET *packet = NX_NULL;
    ULONG room;
    *used = 0;
    if (nx_websocket_client_packet_allocate(ws, &packet, NX_NO_WAIT) != NX_SUCCESS || packet == NX_NULL)
        return NX_NULL;
    room = (ULONG)(packet->nx_packet_data_end - packet->nx_packet_append_ptr);
#ifdef NX_SECURE_ENABLE
    /* Over TLS the record's trailer comes after the frame. */
    room = room > NXD_MQTT_NETX_TLS_TRAILER ? room - NXD_MQTT_NETX_TLS_TRAILER : 0;
#endif
    if (size > room)
        size = room;
    if (size == 0 || nx_packet_data_append(packet, (VOID *)data, size, pool, NX_NO_WAIT) != NX_SUCCESS)
    {
        nx_packet_release(packet);
        return NX_NULL;
    }
    *used = size;
    return packet;
}

UINT nxd_mqtt_netx_ws_send(NX_WEBSOCKET_CLIENT *ws, NX_PACKET *packet, UINT first, UINT final, ULONG wait_option)
{
    return nx_websocket_client_send(ws, packet,
                                    first ? NX_WEBSOCKET_OPCODE_BINARY_FRAME : NX_WEBSOCKET_OPCODE_CONTINUATION_FRAME,
                                    final ? NX_TRUE : NX_FALSE, (UINT)wait_option);
}

UINT nxd_mqtt_netx_ws_receive(NX_WEBSOCKET_CLIENT *ws, NX_PACKET **packet, UINT *binary)
{
    UINT code = 0;
    UINT status = nx_websocket_client_receive(ws, packet, &code, NX_NO_WAIT);
    if (status != NX_SUCCESS)
        *packet = NX_NULL; /* not ours (see nxd_mqtt_netx_ws_progress) */
    *binary = (code == NX_WEBSOCKET_OPCODE_BINARY_FRAME || code == NX_WEBSOCKET_OPCODE_CONTINUATION_FRAME);
    return status;
}

VOID nxd_mqtt_netx_ws_end(NX_WEBSOCKET_CLIENT *ws, ULONG wait_option)
{
    if (ws->nx_websocket_client_state == NX_WEBSOCKET_CLIENT_STATE_CONNECTED ||
        ws->nx_websocket_client_state == NX_WEBSOCKET_CLIENT_STATE_CONNECTING)
        nx_websocket_client_disconnect(ws, (UINT)wait_option);
}
#endif /* NXD_MQTT_OVER_WEBSOCKET */

/* ---- NetX packets -------------------------------------------------------------------------- */

/* TCP/IP headroom of an outbound packet for the socket's address family (IPv6 until the
   socket has connected over IPv4, as the original's packet allocation). */
static ULONG headroom(NX_TCP_SOCKET *socket)
{
    if (socket->nx_tcp_socket_connect_ip.nxd_ip_version == NX_IP_VERSION_V4)
        return NX_IPv4_TCP_PACKET;
    return NX_IPv6_TCP_PACKET;
}

UINT nxd_mqtt_netx_packet_reserve(NX_PACKET_POOL *pool, NX_TCP_SOCKET *socket, UINT first,
                                  NX_PACKET **spares, ULONG wait_option, ULONG *room)
{
    NX_PACKET *packet = NX_NULL;
    ULONG offset = 0;
    UINT status;
#ifdef NX_DISABLE_PACKET_CHAIN
    first = 1; /* every buffer is a packet of its own */
#endif
    if (first)
        offset = headroom(socket);
    *room = 0;
    status = nx_packet_allocate(pool, &packet, offset, wait_option);
    if (status != NX_SUCCESS)
        return status;
    *room = (ULONG)(packet->nx_packet_data_end - packet->nx_packet_append_ptr);
    packet->nx_packet_queue_next = *spares;
    *spares = packet;
    return NX_SUCCESS;
}

VOID nxd_mqtt_netx_spares_join(NX_PACKET **spares, NX_PACKET *list)
{
    NX_PACKET *last = list;
    if (list == NX_NULL)
        return;
    while (last->nx_packet_queue_next != NX_NULL)
        last = last->nx_packet_queue_next;
    last->nx_packet_queue_next = *spares;
    *spares = list;
}

ULONG nxd_mqtt_netx_spares_release(NX_PACKET **spares, ULONG count)
{
    ULONG released = 0;
    while (*spares != NX_NULL && released < count) {
        NX_PACKET *packet = *spares;
        *spares = packet->nx_packet_queue_next;
        packet->nx_packet_queue_next = NX_NULL;
        nx_packet_release(packet);
        released++;
    }
    return released;
}

/* One empty buffer whose data starts `offset` bytes into it: a spare if there is one, else a
   packet from the pool (no wait). NULL when neither is available. */
static NX_PACKET *buffer(NX_PACKET **spares, NX_PACKET_POOL *pool, ULONG offset, ULONG *used_spares)
{
    NX_PACKET *packet = *spares;
    if (packet != NX_NULL) {
        ULONG size = (ULONG)(packet->nx_packet_data_end - packet->nx_packet_data_start);
        *spares = packet->nx_packet_queue_next;
        packet->nx_packet_queue_next = NX_NULL;
        if (offset > size)
            offset = size;
        packet->nx_packet_prepend_ptr = packet->nx_packet_data_start + offset;
        packet->nx_packet_append_ptr = packet->nx_packet_prepend_ptr;
        packet->nx_packet_length = 0;
#ifndef NX_DISABLE_PACKET_CHAIN
        packet->nx_packet_next = NX_NULL;
        packet->nx_packet_last = NX_NULL;
#endif
        (*used_spares)++;
        return packet;
    }
    if (nx_packet_allocate(pool, &packet, offset, NX_NO_WAIT) != NX_SUCCESS)
        return NX_NULL;
    return packet;
}

/* A chain of buffers (the list `*spares` first, then the pool without waiting; the head's data
   `offset` bytes into it) holding a prefix of `data[0..size]` (all of it unless the buffers ran
   out; nx_packet_length says how much). NULL when no buffer at all was available. */
static NX_PACKET *chain_fill(NX_PACKET **spares, NX_PACKET_POOL *pool, ULONG offset, const UCHAR *data,
                             ULONG size, ULONG *used_spares)
{
    NX_PACKET *head, *last;
    ULONG done = 0;
    head = buffer(spares, pool, offset, used_spares);
    if (head == NX_NULL)
        return NX_NULL;
    last = head;
    for (;;) {
        ULONG room = (ULONG)(last->nx_packet_data_end - last->nx_packet_append_ptr);
        ULONG n = size - done < room ? size - done : room;
        memcpy(last->nx_packet_append_ptr, data + done, n);
        last->nx_packet_append_ptr += n;
        done += n;
        if (done == size)
            break;
#ifdef NX_DISABLE_PACKET_CHAIN
        break;
#else
        {
            NX_PACKET *next = buffer(spares, pool, 0, used_spares);
            if (next == NX_NULL)
                break;
            last->nx_packet_next = next;
            head->nx_packet_last = next;
            last = next;
        }
#endif
    }
    head->nx_packet_length = done;
    return head;
}

NX_PACKET *nxd_mqtt_netx_packet_build(NX_PACKET **spares, NX_PACKET_POOL *pool, NX_TCP_SOCKET *socket,
                                      const UCHAR *data, ULONG size, ULONG *used_spares)
{
    NX_PACKET *head = chain_fill(spares, pool, headroom(socket), data, size, used_spares);
    if (head != NX_NULL && head->nx_packet_length == 0) {
        nx_packet_release(head);
        return NX_NULL;
    }
    return head;
}

UINT nxd_mqtt_netx_packet_release(NX_PACKET *packet)
{
    return nx_packet_release(packet);
}

UINT nxd_mqtt_netx_packet_extract(NX_PACKET *packet, ULONG offset, VOID *buffer, ULONG size,
                                  ULONG *copied)
{
    *copied = 0;
    return nx_packet_data_extract_offset(packet, offset, buffer, size, copied);
}

ULONG nxd_mqtt_netx_packet_length(NX_PACKET *packet)
{
    return packet->nx_packet_length;
}

UINT nxd_mqtt_netx_packet_allocate_tcp(NX_PACKET_POOL *pool, NX_TCP_SOCKET *socket, NX_PACKET **packet,
                                       ULONG wait_option)
{
    ULONG offset = socket != NX_NULL ? headroom(socket) : NX_IPv6_TCP_PACKET;
    UINT status;
    *packet = NX_NULL;
    status = nx_packet_allocate(pool, packet, offset, wait_option);
    if (status != NX_SUCCESS)
        *packet = NX_NULL;
    return status;
}

UINT nxd_mqtt_netx_packet_append(NX_PACKET *packet, const VOID *data, ULONG size, NX_PACKET_POOL *pool,
                                 ULONG wait_option)
{
    /* nx_packet_data_append only reads the data; its prototype is not const. */
    return nx_packet_data_append(packet, (VOID *)data, size, pool, wait_option);
}

/* ---- the receive queue ----------------------------------------------------------------------- */

ULONG nxd_mqtt_netx_pool_room(NX_PACKET_POOL *pool, UINT total)
{
    ULONG packets = total ? pool->nx_packet_pool_total : pool->nx_packet_pool_available;
#ifdef NX_DISABLE_PACKET_CHAIN
    if (packets > 1)
        packets = 1; /* a frame must fit one packet */
#endif
    return packets * pool->nx_packet_pool_payload_size;
}

UINT nxd_mqtt_netx_frame_reserve(NX_PACKET_POOL *pool, NX_PACKET **spares, ULONG size)
{
    ULONG held = 0;
    NX_PACKET *p;
    for (p = *spares; p != NX_NULL; p = p->nx_packet_queue_next)
        held += (ULONG)(p->nx_packet_data_end - p->nx_packet_data_start);
    while (held < size) {
        NX_PACKET *packet = NX_NULL;
        UINT status = nx_packet_allocate(pool, &packet, 0, NX_NO_WAIT);
        if (status != NX_SUCCESS)
            return status;
        held += (ULONG)(packet->nx_packet_data_end - packet->nx_packet_data_start);
        packet->nx_packet_queue_next = *spares;
        *spares = packet;
    }
    return NX_SUCCESS;
}

/* A chain of buffers (the list `*spares` first, then the pool without waiting) holding
   `data[0..size]`, its first byte or'ed with `first_bits`; NULL when the buffers ran out. */
static NX_PACKET *chain_copy(NX_PACKET **spares, NX_PACKET_POOL *pool, const UCHAR *data, ULONG size,
                             UCHAR first_bits)
{
    ULONG used = 0;
    NX_PACKET *first = chain_fill(spares, pool, 0, data, size, &used);
    if (first == NX_NULL)
        return NX_NULL;
    if (first->nx_packet_length != size) {
        nx_packet_release(first);
        return NX_NULL;
    }
    if (size > 0)
        first->nx_packet_prepend_ptr[0] |= first_bits;
    first->nx_packet_queue_next = NX_NULL;
    return first;
}

/* Appends `packet` to the list head/tail (linked through nx_packet_queue_next). */
static VOID list_append(NX_PACKET **head, NX_PACKET **tail, NX_PACKET *packet)
{
    if (*head == NX_NULL)
        *head = packet;
    else
        (*tail)->nx_packet_queue_next = packet;
    *tail = packet;
}

UINT nxd_mqtt_netx_queue_push(NX_PACKET **head, NX_PACKET **tail, UINT *depth, NX_PACKET **spares,
                              NX_PACKET_POOL *pool, const UCHAR *data, ULONG size)
{
    NX_PACKET *packet = chain_copy(spares, pool, data, size, 0);
    if (packet == NX_NULL)
        return NX_NO_PACKET;
    list_append(head, tail, packet);
    (*depth)++;
    return NX_SUCCESS;
}

UINT nxd_mqtt_netx_keep_push(NX_PACKET **head, NX_PACKET **tail, NX_PACKET_POOL *pool, const UCHAR *data,
                             ULONG size, UCHAR first_bits)
{
    NX_PACKET *spares = NX_NULL;
    NX_PACKET *packet = chain_copy(&spares, pool, data, size, first_bits);
    if (packet == NX_NULL)
        return NX_NO_PACKET;
    list_append(head, tail, packet);
    return NX_SUCCESS;
}

NX_PACKET *nxd_mqtt_netx_keep_get(NX_PACKET *head, ULONG k)
{
    while (head != NX_NULL && k-- > 0)
        head = head->nx_packet_queue_next;
    return head;
}

VOID nxd_mqtt_netx_keep_remove(NX_PACKET **head, NX_PACKET **tail, ULONG k)
{
    NX_PACKET *prev = NX_NULL;
    NX_PACKET *packet = *head;
    while (packet != NX_NULL && k-- > 0) {
        prev = packet;
        packet = packet->nx_packet_queue_next;
    }
    if (packet == NX_NULL)
        return;
    if (prev == NX_NULL)
        *head = packet->nx_packet_queue_next;
    else
        prev->nx_packet_queue_next = packet->nx_packet_queue_next;
    if (*tail == packet)
        *tail = prev;
    packet->nx_packet_queue_next = NX_NULL;
    nx_packet_release(packet);
}

VOID nxd_mqtt_netx_queue_pop(NX_PACKET **head, NX_PACKET **tail, UINT *depth)
{
    NX_PACKET *packet = *head;
    if (packet == NX_NULL)
        return;
    *head = packet->nx_packet_queue_next;
    if (*head == NX_NULL)
        *tail = NX_NULL;
    if (*depth > 0)
        (*depth)--;
    packet->nx_packet_queue_next = NX_NULL;
    nx_packet_release(packet);
}

ULONG nxd_mqtt_netx_queue_bytes(NX_PACKET *head)
{
    ULONG bytes = 0;
    for (; head != NX_NULL; head = head->nx_packet_queue_next)
        bytes += head->nx_packet_length;
    return bytes;
}

/* ---- NetX IP instance ------------------------------------------------------------------------ */

#ifndef NX_IP_ID
#define NX_IP_ID ((ULONG)0x49502020) /* nx_ip.h */
#endif

UINT nxd_mqtt_netx_ip_created(NX_IP *ip)
{
    return ip->nx_ip_id == NX_IP_ID;
}

/* ---- NetX TCP --------------------------------------------------------------------------------- */

UINT nxd_mqtt_netx_tcp_create(NX_IP *ip, NX_TCP_SOCKET *socket, CHAR *name, ULONG window,
                              VOID (*disconnect)(NX_TCP_SOCKET *), VOID *context)
{
    UINT status = nx_tcp_socket_create(ip, socket, name, NX_IP_NORMAL, NX_DONT_FRAGMENT,
                                       NX_IP_TIME_TO_LIVE, window, NX_NULL, disconnect);
    if (status == NX_SUCCESS)
        socket->nx_tcp_socket_reserved_ptr = context;
    return status;
}

UINT nxd_mqtt_netx_tcp_delete(NX_TCP_SOCKET *socket)
{
    return nx_tcp_socket_delete(socket);
}

VOID *nxd_mqtt_netx_tcp_context(NX_TCP_SOCKET *socket)
{
    return socket->nx_tcp_socket_reserved_ptr;
}

UINT nxd_mqtt_netx_tcp_notify(NX_TCP_SOCKET *socket, VOID (*receive)(NX_TCP_SOCKET *),
                              VOID (*establish)(NX_TCP_SOCKET *))
{
    UINT status = nx_tcp_socket_receive_notify(socket, receive);
#ifdef NX_ENABLE_EXTENDED_NOTIFY_SUPPORT
    if (status == NX_SUCCESS)
        status = nx_tcp_socket_establish_notify(socket, establish);
#else
    (void)establish;
#endif
    return status;
}

UINT nxd_mqtt_netx_tcp_bind(NX_TCP_SOCKET *socket, ULONG wait_option)
{
    return nx_tcp_client_socket_bind(socket, NX_ANY_PORT, wait_option);
}

UINT nxd_mqtt_netx_tcp_unbind(NX_TCP_SOCKET *socket)
{
    return nx_tcp_client_socket_unbind(socket);
}

UINT nxd_mqtt_netx_tcp_connect(NX_TCP_SOCKET *socket, UINT version, const UCHAR *address, UINT port,
                               ULONG wait_option)
{
    NXD_ADDRESS server;
    memset(&server, 0, sizeof(server));
    if (version == 4) {
#ifndef NX_DISABLE_IPV4
        server.nxd_ip_version = NX_IP_VERSION_V4;
        server.nxd_ip_address.v4 = ((ULONG)address[0] << 24) | ((ULONG)address[1] << 16) |
                                   ((ULONG)address[2] << 8) | (ULONG)address[3];
#else
        return NX_NOT_SUPPORTED;
#endif
    } else {
#ifdef FEATURE_NX_IPV6
        UINT i;
        server.nxd_ip_version = NX_IP_VERSION_V6;
        for (i = 0; i < 4; i++)
            server.nxd_ip_address.v6[i] = ((ULONG)address[4 * i] << 24) | ((ULONG)address[4 * i + 1] << 16) |
                                          ((ULONG)address[4 * i + 2] << 8) | (ULONG)address[4 * i + 3];
#else
        return NX_NOT_SUPPORTED;
#endif
    }
    return nxd_tcp_client_socket_connect(socket, &server, port, wait_option);
}

UINT nxd_mqtt_netx_tcp_state(NX_TCP_SOCKET *socket)
{
    return socket->nx_tcp_socket_state;
}

UINT nxd_mqtt_netx_tcp_send(NX_TCP_SOCKET *socket, NX_PACKET *packet, ULONG wait_option)
{
    return nx_tcp_socket_send(socket, packet, wait_option);
}

UINT nxd_mqtt_netx_tcp_receive(NX_TCP_SOCKET *socket, NX_PACKET **packet, ULONG wait_option)
{
    return nx_tcp_socket_receive(socket, packet, wait_option);
}

ULONG nxd_mqtt_netx_tcp_queued(NX_TCP_SOCKET *socket)
{
    return socket->nx_tcp_socket_receive_queue_count;
}

UINT nxd_mqtt_netx_tcp_disconnect(NX_TCP_SOCKET *socket, ULONG wait_option)
{
    return nx_tcp_socket_disconnect(socket, wait_option);
}
