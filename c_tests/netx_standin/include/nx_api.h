/* Host stand-in for the NetX Duo services used by the nxd_mqtt NetX port (test support only).
 *
 * Written for the nxd_mqtt tests: names, types, constants, return codes and the members of
 * NX_PACKET / NX_PACKET_POOL / NX_TCP_SOCKET that applications touch are those of NetX Duo's
 * public API (nx_api.h); the implementation is ours. Packets come from fixed-size pools and
 * chain like NetX packets; TCP runs over real host sockets (loopback), with a per-socket
 * receiver thread standing in for the IP thread that queues received segments and calls the
 * receive and disconnect notifies. See README.md for what is and is not emulated.
 *
 * As in NetX Duo, the public names map to the error-checking front ends (_nxe_*, _nxde_*)
 * unless NX_DISABLE_ERROR_CHECKING is defined, then to the cores (_nx_*, _nxd_*).
 */
#ifndef NX_API_H
#define NX_API_H

#include "tx_api.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef NX_DISABLE_IPV6
#define FEATURE_NX_IPV6
#endif

#ifndef NX_IP_PERIODIC_RATE
#define NX_IP_PERIODIC_RATE TX_TIMER_TICKS_PER_SECOND
#endif

/* A ULONG (32 bits here) cannot carry a pointer on a 64-bit host: as NetX Duo's ports for
   64-bit targets do, a timer's control block travels in the timer's extension pointer. On
   32-bit targets the expiration input carries it, as NetX Duo's defaults do. */
#include <stdint.h>
#if UINTPTR_MAX > 0xFFFFFFFFu
#ifndef NX_TIMER_EXTENSION_PTR_SET
#define NX_TIMER_EXTENSION_PTR_SET(a, b) { ((TX_TIMER *)(a))->tx_standin_extension_ptr = (VOID *)(b); }
#endif
#ifndef NX_TIMER_EXTENSION_PTR_GET
#define NX_TIMER_EXTENSION_PTR_GET(a, b, c)                   \
    {                                                         \
        (void)(c);                                            \
        (a) = (b *)tx_standin_expired_timer_extension();      \
        if ((a) == NX_NULL)                                   \
            return;                                           \
    }
#endif
#else
#ifndef NX_TIMER_EXTENSION_PTR_SET
#define NX_TIMER_EXTENSION_PTR_SET(a, b)
#endif
#ifndef NX_TIMER_EXTENSION_PTR_GET
#define NX_TIMER_EXTENSION_PTR_GET(a, b, c) { (a) = (b *)(ALIGN_TYPE)(c); }
#endif
#endif

/* ---- constants ------------------------------------------------------------------------------- */

#define NX_NO_WAIT 0
#define NX_WAIT_FOREVER ((ULONG)0xFFFFFFFF)
#define NX_TRUE 1
#define NX_FALSE 0
#define NX_NULL 0
#define NX_ANY_PORT 0
#define NX_SEARCH_PORT_START 0xC000
#define NX_PACKET_ALIGNMENT sizeof(ULONG)

#define NX_PHYSICAL_HEADER 16
#define NX_IPv4_PACKET (NX_PHYSICAL_HEADER + 20)
#define NX_IPv4_TCP_PACKET (NX_IPv4_PACKET + 20)
#define NX_IPv6_PACKET (NX_PHYSICAL_HEADER + 40)
#define NX_IPv6_TCP_PACKET (NX_IPv6_PACKET + 20)
#define NX_RECEIVE_PACKET 0
#ifdef FEATURE_NX_IPV6
#define NX_IP_PACKET NX_IPv6_PACKET
#define NX_TCP_PACKET NX_IPv6_TCP_PACKET
#else
#define NX_IP_PACKET NX_IPv4_PACKET
#define NX_TCP_PACKET NX_IPv4_TCP_PACKET
#endif

#define NX_FRAGMENT_OKAY ((ULONG)0x00000000)
#define NX_DONT_FRAGMENT ((ULONG)0x00004000)
#define NX_IP_NORMAL ((ULONG)0x00000000)
#define NX_IP_TIME_TO_LIVE ((ULONG)0x00000080)
#define NX_IP_VERSION_V4 0x4
#define NX_IP_VERSION_V6 0x6

#define NX_TCP_CLOSED 1
#define NX_TCP_LISTEN_STATE 2
#define NX_TCP_SYN_SENT 3
#define NX_TCP_SYN_RECEIVED 4
#define NX_TCP_ESTABLISHED 5
#define NX_TCP_CLOSE_WAIT 6
#define NX_TCP_FIN_WAIT_1 7
#define NX_TCP_FIN_WAIT_2 8
#define NX_TCP_CLOSING 9
#define NX_TCP_TIMED_WAIT 10
#define NX_TCP_LAST_ACK 11

/* Return codes. */
#define NX_SUCCESS 0x00
#define NX_NO_PACKET 0x01
#define NX_UNDERFLOW 0x02
#define NX_OVERFLOW 0x03
#define NX_NO_MAPPING 0x04
#define NX_DELETED 0x05
#define NX_POOL_ERROR 0x06
#define NX_PTR_ERROR 0x07
#define NX_WAIT_ERROR 0x08
#define NX_SIZE_ERROR 0x09
#define NX_OPTION_ERROR 0x0a
#define NX_DELETE_ERROR 0x10
#define NX_CALLER_ERROR 0x11
#define NX_INVALID_PACKET 0x12
#define NX_INVALID_SOCKET 0x13
#define NX_NOT_ENABLED 0x14
#define NX_ALREADY_ENABLED 0x15
#define NX_ENTRY_NOT_FOUND 0x16
#define NX_NO_MORE_ENTRIES 0x17
#define NX_WAIT_ABORTED 0x1A
#define NX_IP_ADDRESS_ERROR 0x21
#define NX_ALREADY_BOUND 0x22
#define NX_PORT_UNAVAILABLE 0x23
#define NX_NOT_BOUND 0x24
#define NX_NOT_CREATED 0x27
#define NX_SOCKETS_BOUND 0x28
#define NX_NO_RESPONSE 0x29
#define NX_NOT_CLOSED 0x35
#define NX_NOT_LISTEN_STATE 0x36
#define NX_IN_PROGRESS 0x37
#define NX_NOT_CONNECTED 0x38
#define NX_WINDOW_OVERFLOW 0x39
#define NX_ALREADY_SUSPENDED 0x40
#define NX_DISCONNECT_FAILED 0x41
#define NX_STILL_BOUND 0x42
#define NX_NOT_SUCCESSFUL 0x43
#define NX_NO_FREE_PORTS 0x45
#define NX_INVALID_PORT 0x46
#define NX_TX_QUEUE_DEPTH 0x49
#define NX_NOT_IMPLEMENTED 0x4A
#define NX_NOT_SUPPORTED 0x4B
#define NX_INVALID_INTERFACE 0x4C
#define NX_INVALID_PARAMETERS 0x4D
#define NX_NOT_FOUND 0x4E
#define NX_NO_INTERFACE_ADDRESS 0x50
#define NX_PACKET_OFFSET_ERROR 0x53
#define NX_OPTION_HEADER_ERROR 0x54
#define NX_CONTINUE 0x55

/* Object ids and packet markers. */
#define NX_IP_ID ((ULONG)0x49502020)
#define NX_PACKET_POOL_ID ((ULONG)0x5041434B)
#define NX_TCP_ID ((ULONG)0x54435020)
#define NX_PACKET_FREE ((ALIGN_TYPE)0xFFFFFFFF)
#define NX_PACKET_ALLOCATED ((ALIGN_TYPE)0xAAAAAAAA)
#define NX_PACKET_ENQUEUED ((ALIGN_TYPE)0xEEEEEEEE)

/* ---- addresses ---------------------------------------------------------------------------------- */

typedef struct NXD_ADDRESS_STRUCT {
    ULONG nxd_ip_version;
    union {
        ULONG v4;
#ifdef FEATURE_NX_IPV6
        ULONG v6[4];
#endif
    } nxd_ip_address;
} NXD_ADDRESS;

#define IP_ADDRESS(a, b, c, d) \
    ((((ULONG)(a)) << 24) | (((ULONG)(b)) << 16) | (((ULONG)(c)) << 8) | ((ULONG)(d)))

/* ---- packets ------------------------------------------------------------------------------------ */

struct NX_PACKET_POOL_STRUCT;

typedef struct NX_PACKET_STRUCT {
    struct NX_PACKET_POOL_STRUCT *nx_packet_pool_owner;
    struct NX_PACKET_STRUCT *nx_packet_next; /* next buffer of this packet's chain */
    UCHAR *nx_packet_prepend_ptr;            /* first data byte of this buffer */
    UCHAR *nx_packet_append_ptr;             /* one past the last data byte of this buffer */
    UCHAR *nx_packet_data_start;             /* buffer bounds */
    UCHAR *nx_packet_data_end;
    struct NX_PACKET_STRUCT *nx_packet_last;       /* head only: last buffer of the chain */
    struct NX_PACKET_STRUCT *nx_packet_queue_next; /* link for queues of whole packets */
    union {
        struct NX_PACKET_STRUCT *nx_packet_tcp_queue_next; /* NX_PACKET_ALLOCATED while owned */
    } nx_packet_union_next;
    ULONG nx_packet_length; /* head only: bytes in the whole chain */
} NX_PACKET;

typedef struct NX_PACKET_POOL_STRUCT {
    ULONG nx_packet_pool_id;
    CHAR *nx_packet_pool_name;
    ULONG nx_packet_pool_available;
    ULONG nx_packet_pool_total;
    ULONG nx_packet_pool_empty_requests;
    ULONG nx_packet_pool_empty_suspensions;
    ULONG nx_packet_pool_invalid_releases;
    NX_PACKET *nx_packet_pool_available_list;
    CHAR *nx_packet_pool_start;
    ULONG nx_packet_pool_size;
    ULONG nx_packet_pool_payload_size;
    ULONG nx_packet_pool_suspended_count;
    pthread_mutex_t nx_standin_lock;
    pthread_cond_t nx_standin_cond;
} NX_PACKET_POOL;

/* ---- IP instance ----------------------------------------------------------------------------------- */

typedef struct NX_IP_STRUCT {
    ULONG nx_ip_id;
    CHAR *nx_ip_name;
    NX_PACKET_POOL *nx_ip_default_packet_pool; /* receive buffers come from here */
    void (*nx_ip_tcp_packet_receive)(struct NX_IP_STRUCT *, NX_PACKET *); /* set by nx_tcp_enable */
    ULONG nx_ip_address;
    ULONG nx_ip_network_mask;
    struct NX_TCP_SOCKET_STRUCT *nx_ip_tcp_created_sockets_ptr;
    ULONG nx_ip_tcp_created_sockets_count;
    pthread_mutex_t nx_standin_lock;
} NX_IP;

/* ---- TCP socket ------------------------------------------------------------------------------------- */

typedef struct NX_TCP_SOCKET_STRUCT {
    ULONG nx_tcp_socket_id;
    CHAR *nx_tcp_socket_name;
    UINT nx_tcp_socket_port; /* local port once bound (0 until the connect picks one) */
    NXD_ADDRESS nx_tcp_socket_connect_ip;
    UINT nx_tcp_socket_connect_port;
    UINT nx_tcp_socket_state;
    ULONG nx_tcp_socket_rx_window_default;
    ULONG nx_tcp_socket_type_of_service;
    ULONG nx_tcp_socket_fragment_enable;
    ULONG nx_tcp_socket_time_to_live;
    NX_IP *nx_tcp_socket_ip_ptr;
    ULONG nx_tcp_socket_receive_queue_count;
    NX_PACKET *nx_tcp_socket_receive_queue_head;
    NX_PACKET *nx_tcp_socket_receive_queue_tail;
    struct NX_TCP_SOCKET_STRUCT *nx_tcp_socket_created_next;
    VOID (*nx_tcp_urgent_data_callback)(struct NX_TCP_SOCKET_STRUCT *socket_ptr);
#ifdef NX_ENABLE_EXTENDED_NOTIFY_SUPPORT
    VOID (*nx_tcp_establish_notify)(struct NX_TCP_SOCKET_STRUCT *socket_ptr);
    VOID (*nx_tcp_disconnect_complete_notify)(struct NX_TCP_SOCKET_STRUCT *socket_ptr);
#endif
    VOID (*nx_tcp_disconnect_callback)(struct NX_TCP_SOCKET_STRUCT *socket_ptr);
    VOID (*nx_tcp_receive_callback)(struct NX_TCP_SOCKET_STRUCT *socket_ptr);
    void *nx_tcp_socket_reserved_ptr; /* for the application */
    /* stand-in internals */
    int nx_standin_fd;
    int nx_standin_bound;
    int nx_standin_stop;           /* receiver thread must end */
    int nx_standin_thread_running; /* receiver / connector thread exists (joinable) */
    pthread_t nx_standin_thread;
    pthread_mutex_t nx_standin_send_lock; /* one packet goes out whole; guards the descriptor */
    pthread_mutex_t nx_standin_lock;
    pthread_cond_t nx_standin_cond;
} NX_TCP_SOCKET;

/* ---- core services ------------------------------------------------------------------------------------ */

VOID _nx_system_initialize(VOID);

UINT _nx_ip_create(NX_IP *ip_ptr, CHAR *name, ULONG ip_address, ULONG network_mask,
                   NX_PACKET_POOL *default_pool, VOID (*ip_link_driver)(VOID *),
                   VOID *memory_ptr, ULONG memory_size, UINT priority);
UINT _nx_ip_delete(NX_IP *ip_ptr);
UINT _nx_tcp_enable(NX_IP *ip_ptr);

UINT _nx_packet_pool_create(NX_PACKET_POOL *pool_ptr, CHAR *name, ULONG payload_size,
                            VOID *memory_ptr, ULONG memory_size);
UINT _nx_packet_pool_delete(NX_PACKET_POOL *pool_ptr);
UINT _nx_packet_allocate(NX_PACKET_POOL *pool_ptr, NX_PACKET **packet_ptr, ULONG packet_type,
                         ULONG wait_option);
UINT _nx_packet_release(NX_PACKET *packet_ptr);
UINT _nx_packet_data_append(NX_PACKET *packet_ptr, VOID *data_start, ULONG data_size,
                            NX_PACKET_POOL *pool_ptr, ULONG wait_option);
UINT _nx_packet_data_extract_offset(NX_PACKET *packet_ptr, ULONG offset, VOID *buffer_start,
                                    ULONG buffer_length, ULONG *bytes_copied);
UINT _nx_packet_data_retrieve(NX_PACKET *packet_ptr, VOID *buffer_start, ULONG *bytes_copied);
UINT _nx_packet_copy(NX_PACKET *packet_ptr, NX_PACKET **new_packet_ptr, NX_PACKET_POOL *pool_ptr,
                     ULONG wait_option);
UINT _nx_packet_length_get(NX_PACKET *packet_ptr, ULONG *length);

UINT _nx_tcp_socket_create(NX_IP *ip_ptr, NX_TCP_SOCKET *socket_ptr, CHAR *name,
                           ULONG type_of_service, ULONG fragment, UINT time_to_live,
                           ULONG window_size, VOID (*urgent_data_callback)(NX_TCP_SOCKET *socket_ptr),
                           VOID (*disconnect_callback)(NX_TCP_SOCKET *socket_ptr));
UINT _nx_tcp_socket_delete(NX_TCP_SOCKET *socket_ptr);
UINT _nx_tcp_client_socket_bind(NX_TCP_SOCKET *socket_ptr, UINT port, ULONG wait_option);
UINT _nx_tcp_client_socket_unbind(NX_TCP_SOCKET *socket_ptr);
UINT _nxd_tcp_client_socket_connect(NX_TCP_SOCKET *socket_ptr, NXD_ADDRESS *server_ip,
                                    UINT server_port, ULONG wait_option);
UINT _nx_tcp_client_socket_connect(NX_TCP_SOCKET *socket_ptr, ULONG server_ip, UINT server_port,
                                   ULONG wait_option);
UINT _nx_tcp_socket_send(NX_TCP_SOCKET *socket_ptr, NX_PACKET *packet_ptr, ULONG wait_option);
UINT _nx_tcp_socket_receive(NX_TCP_SOCKET *socket_ptr, NX_PACKET **packet_ptr, ULONG wait_option);
UINT _nx_tcp_socket_disconnect(NX_TCP_SOCKET *socket_ptr, ULONG wait_option);
UINT _nx_tcp_socket_receive_notify(NX_TCP_SOCKET *socket_ptr,
                                   VOID (*tcp_receive_notify)(NX_TCP_SOCKET *socket_ptr));
UINT _nx_tcp_socket_establish_notify(NX_TCP_SOCKET *socket_ptr,
                                     VOID (*tcp_establish_notify)(NX_TCP_SOCKET *socket_ptr));
UINT _nx_tcp_socket_disconnect_complete_notify(NX_TCP_SOCKET *socket_ptr,
                                               VOID (*tcp_disconnect_complete_notify)(NX_TCP_SOCKET *socket_ptr));

/* ---- error-checking front ends ------------------------------------------------------------------------- */

UINT _nxe_ip_create(NX_IP *ip_ptr, CHAR *name, ULONG ip_address, ULONG network_mask,
                    NX_PACKET_POOL *default_pool, VOID (*ip_link_driver)(VOID *),
                    VOID *memory_ptr, ULONG memory_size, UINT priority, UINT ip_control_block_size);
UINT _nxe_ip_delete(NX_IP *ip_ptr);
UINT _nxe_tcp_enable(NX_IP *ip_ptr);
UINT _nxe_packet_pool_create(NX_PACKET_POOL *pool_ptr, CHAR *name, ULONG payload_size,
                             VOID *memory_ptr, ULONG memory_size, UINT pool_control_block_size);
UINT _nxe_packet_pool_delete(NX_PACKET_POOL *pool_ptr);
UINT _nxe_packet_allocate(NX_PACKET_POOL *pool_ptr, NX_PACKET **packet_ptr, ULONG packet_type,
                          ULONG wait_option);
UINT _nxe_packet_release(NX_PACKET **packet_ptr_ptr);
UINT _nxe_packet_data_append(NX_PACKET *packet_ptr, VOID *data_start, ULONG data_size,
                             NX_PACKET_POOL *pool_ptr, ULONG wait_option);
UINT _nxe_packet_data_extract_offset(NX_PACKET *packet_ptr, ULONG offset, VOID *buffer_start,
                                     ULONG buffer_length, ULONG *bytes_copied);
UINT _nxe_packet_data_retrieve(NX_PACKET *packet_ptr, VOID *buffer_start, ULONG *bytes_copied);
UINT _nxe_packet_copy(NX_PACKET *packet_ptr, NX_PACKET **new_packet_ptr, NX_PACKET_POOL *pool_ptr,
                      ULONG wait_option);
UINT _nxe_packet_length_get(NX_PACKET *packet_ptr, ULONG *length);
UINT _nxe_tcp_socket_create(NX_IP *ip_ptr, NX_TCP_SOCKET *socket_ptr, CHAR *name,
                            ULONG type_of_service, ULONG fragment, UINT time_to_live,
                            ULONG window_size, VOID (*urgent_data_callback)(NX_TCP_SOCKET *socket_ptr),
                            VOID (*disconnect_callback)(NX_TCP_SOCKET *socket_ptr),
                            UINT tcp_socket_size);
UINT _nxe_tcp_socket_delete(NX_TCP_SOCKET *socket_ptr);
UINT _nxe_tcp_client_socket_bind(NX_TCP_SOCKET *socket_ptr, UINT port, ULONG wait_option);
UINT _nxe_tcp_client_socket_unbind(NX_TCP_SOCKET *socket_ptr);
UINT _nxde_tcp_client_socket_connect(NX_TCP_SOCKET *socket_ptr, NXD_ADDRESS *server_ip,
                                     UINT server_port, ULONG wait_option);
UINT _nxe_tcp_client_socket_connect(NX_TCP_SOCKET *socket_ptr, ULONG server_ip, UINT server_port,
                                    ULONG wait_option);
UINT _nxe_tcp_socket_send(NX_TCP_SOCKET *socket_ptr, NX_PACKET **packet_ptr_ptr, ULONG wait_option);
UINT _nxe_tcp_socket_receive(NX_TCP_SOCKET *socket_ptr, NX_PACKET **packet_ptr, ULONG wait_option);
UINT _nxe_tcp_socket_disconnect(NX_TCP_SOCKET *socket_ptr, ULONG wait_option);
UINT _nxe_tcp_socket_receive_notify(NX_TCP_SOCKET *socket_ptr,
                                    VOID (*tcp_receive_notify)(NX_TCP_SOCKET *socket_ptr));
UINT _nxe_tcp_socket_establish_notify(NX_TCP_SOCKET *socket_ptr,
                                      VOID (*tcp_establish_notify)(NX_TCP_SOCKET *socket_ptr));
UINT _nxe_tcp_socket_disconnect_complete_notify(NX_TCP_SOCKET *socket_ptr,
                                                VOID (*tcp_disconnect_complete_notify)(NX_TCP_SOCKET *socket_ptr));

/* ---- stand-in extras (not NetX API) --------------------------------------------------------------------- */

/* Largest number of bytes one received segment carries (default 1460, like an Ethernet MSS).
 * Tests set 1 to see every byte arrive in its own packet. Applies to later receptions. */
VOID nx_standin_tcp_max_segment_set(ULONG bytes);

/* ---- public names ---------------------------------------------------------------------------------------- */

#ifndef NX_SOURCE_CODE
#define nx_system_initialize _nx_system_initialize
#ifdef NX_DISABLE_ERROR_CHECKING
#define nx_ip_create _nx_ip_create
#define nx_ip_delete _nx_ip_delete
#define nx_tcp_enable _nx_tcp_enable
#define nx_packet_pool_create _nx_packet_pool_create
#define nx_packet_pool_delete _nx_packet_pool_delete
#define nx_packet_allocate _nx_packet_allocate
#define nx_packet_release _nx_packet_release
#define nx_packet_data_append _nx_packet_data_append
#define nx_packet_data_extract_offset _nx_packet_data_extract_offset
#define nx_packet_data_retrieve _nx_packet_data_retrieve
#define nx_packet_copy _nx_packet_copy
#define nx_packet_length_get _nx_packet_length_get
#define nx_tcp_socket_create _nx_tcp_socket_create
#define nx_tcp_socket_delete _nx_tcp_socket_delete
#define nx_tcp_client_socket_bind _nx_tcp_client_socket_bind
#define nx_tcp_client_socket_unbind _nx_tcp_client_socket_unbind
#define nxd_tcp_client_socket_connect _nxd_tcp_client_socket_connect
#define nx_tcp_client_socket_connect _nx_tcp_client_socket_connect
#define nx_tcp_socket_send _nx_tcp_socket_send
#define nx_tcp_socket_receive _nx_tcp_socket_receive
#define nx_tcp_socket_disconnect _nx_tcp_socket_disconnect
#define nx_tcp_socket_receive_notify _nx_tcp_socket_receive_notify
#define nx_tcp_socket_establish_notify _nx_tcp_socket_establish_notify
#define nx_tcp_socket_disconnect_complete_notify _nx_tcp_socket_disconnect_complete_notify
#else
#define nx_ip_create(i, n, a, m, d, l, p, s, y) _nxe_ip_create(i, n, a, m, d, l, p, s, y, sizeof(NX_IP))
#define nx_ip_delete _nxe_ip_delete
#define nx_tcp_enable _nxe_tcp_enable
#define nx_packet_pool_create(p, n, l, m, s) _nxe_packet_pool_create(p, n, l, m, s, sizeof(NX_PACKET_POOL))
#define nx_packet_pool_delete _nxe_packet_pool_delete
#define nx_packet_allocate _nxe_packet_allocate
#define nx_packet_release(p) _nxe_packet_release(&p)
#define nx_packet_data_append _nxe_packet_data_append
#define nx_packet_data_extract_offset _nxe_packet_data_extract_offset
#define nx_packet_data_retrieve _nxe_packet_data_retrieve
#define nx_packet_copy _nxe_packet_copy
#define nx_packet_length_get _nxe_packet_length_get
#define nx_tcp_socket_create(i, s, n, t, f, l, w, u, d) \
    _nxe_tcp_socket_create(i, s, n, t, f, l, w, u, d, sizeof(NX_TCP_SOCKET))
#define nx_tcp_socket_delete _nxe_tcp_socket_delete
#define nx_tcp_client_socket_bind _nxe_tcp_client_socket_bind
#define nx_tcp_client_socket_unbind _nxe_tcp_client_socket_unbind
#define nxd_tcp_client_socket_connect _nxde_tcp_client_socket_connect
#define nx_tcp_client_socket_connect _nxe_tcp_client_socket_connect
#define nx_tcp_socket_send(s, p, t) _nxe_tcp_socket_send(s, &p, t)
#define nx_tcp_socket_receive _nxe_tcp_socket_receive
#define nx_tcp_socket_disconnect _nxe_tcp_socket_disconnect
#define nx_tcp_socket_receive_notify _nxe_tcp_socket_receive_notify
#define nx_tcp_socket_establish_notify _nxe_tcp_socket_establish_notify
#define nx_tcp_socket_disconnect_complete_notify _nxe_tcp_socket_disconnect_complete_notify
#endif
#endif /* NX_SOURCE_CODE */

#ifdef __cplusplus
}
#endif

#endif /* NX_API_H */
