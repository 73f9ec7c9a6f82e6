/* nxd_mqtt NetX port: C wrappers over the application's ThreadX and NetX Duo services (see
 * glue.h). Every call goes through the public API names, mapped by the application's headers
 * and configuration (error-checking front ends unless TX_DISABLE_ERROR_CHECKING /
 * NX_DISABLE_ERROR_CHECKING are defined). Only the members named in NetX Duo's documentation
 * are touched. */
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

/* ---- NetX packets -------------------------------------------------------------------------- */

UINT nxd_mqtt_netx_packet_allocate(NX_PACKET_POOL *pool, NX_TCP_SOCKET *socket, NX_PACKET **packet,
                                   ULONG wait_option)
{
    ULONG type = NX_IPv6_TCP_PACKET;
    if (socket->nx_tcp_socket_connect_ip.nxd_ip_version == NX_IP_VERSION_V4)
        type = NX_IPv4_TCP_PACKET;
    return nx_packet_allocate(pool, packet, type, wait_option);
}

UINT nxd_mqtt_netx_packet_release(NX_PACKET *packet)
{
    return nx_packet_release(packet);
}

UINT nxd_mqtt_netx_packet_append(NX_PACKET *packet, const VOID *data, ULONG size, NX_PACKET_POOL *pool,
                                 ULONG wait_option)
{
    return nx_packet_data_append(packet, (VOID *)data, size, pool, wait_option);
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

ULONG nxd_mqtt_netx_packet_room(NX_PACKET *packet)
{
    NX_PACKET *last = packet;
#ifndef NX_DISABLE_PACKET_CHAIN
    if (packet->nx_packet_last)
        last = packet->nx_packet_last;
#endif
    return (ULONG)(last->nx_packet_data_end - last->nx_packet_append_ptr);
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

UINT nxd_mqtt_netx_tcp_disconnect(NX_TCP_SOCKET *socket, ULONG wait_option)
{
    return nx_tcp_socket_disconnect(socket, wait_option);
}
