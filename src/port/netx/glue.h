/* nxd_mqtt NetX port: thin C wrappers over the application's ThreadX and NetX Duo services.
 *
 * Compiled (cc) and read (bindgen) with the application's tx_api.h / nx_api.h and its
 * configuration macros, so that every public-name mapping (_txe_ / _tx_ / _txr_, _nxe_ / _nx_)
 * and every structure layout is the application's own. The Rust side only needs the sizes of
 * the control blocks it embeds and these functions.
 */
#ifndef NXD_MQTT_NETX_GLUE_H
#define NXD_MQTT_NETX_GLUE_H

#include "tx_api.h"
#include "nx_api.h"
#ifdef NXD_MQTT_CLOUD_ENABLE
#include "nx_cloud.h"
#endif
#ifdef NX_SECURE_ENABLE
#include "nx_secure_tls_api.h"
#endif
#ifdef NXD_MQTT_OVER_WEBSOCKET
#include "nx_websocket_client.h"
#endif

/* The configuration macros of the original client (spec section 2), as the application's
   build defines them, with the original's defaults. */
typedef struct NXD_MQTT_NETX_CONFIG_STRUCT
{
    ULONG ticks_per_second;         /* NX_IP_PERIODIC_RATE */
    ULONG keepalive_timer_rate;     /* NXD_MQTT_KEEPALIVE_TIMER_RATE */
    ULONG ping_timeout_delay;       /* NXD_MQTT_PING_TIMEOUT_DELAY */
    ULONG socket_timeout;           /* NXD_MQTT_SOCKET_TIMEOUT */
    ULONG window_size;              /* NXD_MQTT_CLIENT_SOCKET_WINDOW_SIZE */
    ULONG time_slice;               /* NXD_MQTT_CLIENT_THREAD_TIME_SLICE */
    ULONG initial_packet_id;        /* NXD_MQTT_INITIAL_PACKET_ID_VALUE */
    ULONG max_transmit_queue_depth; /* NXD_MQTT_MAXIMUM_TRANSMIT_QUEUE_DEPTH, 0 = not defined */
    ULONG extended_notify;          /* 1 with NX_ENABLE_EXTENDED_NOTIFY_SUPPORT */
    ULONG require_tls;              /* 1 with NXD_MQTT_REQUIRE_TLS */
} NXD_MQTT_NETX_CONFIG;

void nxd_mqtt_netx_config(NXD_MQTT_NETX_CONFIG *config);

/* ThreadX */
UINT nxd_mqtt_netx_thread_create(TX_THREAD *thread, CHAR *name, VOID (*entry)(ULONG), ULONG input,
                                 VOID *stack, ULONG stack_size, UINT priority, ULONG time_slice);
UINT nxd_mqtt_netx_thread_resume(TX_THREAD *thread);
UINT nxd_mqtt_netx_thread_terminate(TX_THREAD *thread);
UINT nxd_mqtt_netx_thread_delete(TX_THREAD *thread);
/* TX_COMPLETED, TX_TERMINATED, ... of the thread; 0xFFFFFFFF if it cannot be read. */
UINT nxd_mqtt_netx_thread_state(TX_THREAD *thread);
TX_THREAD *nxd_mqtt_netx_thread_identify(VOID);
VOID nxd_mqtt_netx_thread_sleep(ULONG ticks);
ULONG nxd_mqtt_netx_time_get(VOID);

UINT nxd_mqtt_netx_mutex_create(TX_MUTEX *mutex, CHAR *name);
UINT nxd_mqtt_netx_mutex_delete(TX_MUTEX *mutex);
UINT nxd_mqtt_netx_mutex_get(TX_MUTEX *mutex, ULONG wait_option);
UINT nxd_mqtt_netx_mutex_put(TX_MUTEX *mutex);

UINT nxd_mqtt_netx_events_create(TX_EVENT_FLAGS_GROUP *group, CHAR *name);
UINT nxd_mqtt_netx_events_delete(TX_EVENT_FLAGS_GROUP *group);
UINT nxd_mqtt_netx_events_set(TX_EVENT_FLAGS_GROUP *group, ULONG flags);
UINT nxd_mqtt_netx_events_clear(TX_EVENT_FLAGS_GROUP *group, ULONG flags);
/* Waits for any of `flags`; with `consume` the flags seen are cleared. Returns the flags that
   were set (0 on timeout). */
ULONG nxd_mqtt_netx_events_wait(TX_EVENT_FLAGS_GROUP *group, ULONG flags, UINT consume, ULONG wait_option);

/* Wakes a client's driver: sets `flags` on its event-flag group, or (cloud-helper builds) as
   module events of its cloud-helper module. `target` is the group or the cloud record
   (NXD_MQTT_NETX_CLOUD). */
VOID nxd_mqtt_netx_wake(VOID *target, ULONG flags);

#ifdef NXD_MQTT_CLOUD_ENABLE
/* Cloud-helper build (NXD_MQTT_CLOUD_ENABLE): the client runs as a module of a NetX cloud
   helper (NetX Duo addons/cloud) instead of a thread of its own. The helper is the client's
   own (created by create with the application's stack and priority) or the application's
   (_nxd_mqtt_client_cloud_create). The timer wakes the module at the session's deadlines. */
typedef struct NXD_MQTT_NETX_CLOUD_STRUCT
{
    NX_CLOUD helper;        /* the client's own helper (create) */
    NX_CLOUD_MODULE module; /* the MQTT module (NX_CLOUD_MODULE_MQTT_EVENT) */
    TX_TIMER timer;         /* one-shot: wakes the module at the next deadline */
    NX_CLOUD *cloud;        /* the helper the module is registered on */
} NXD_MQTT_NETX_CLOUD;

/* 1 when `cloud` is a created cloud helper. */
UINT nxd_mqtt_netx_cloud_created(NX_CLOUD *cloud);
/* Attaches the client: creates its own helper when `given` is NULL (named "Cloud Helper", on
   `stack` at `priority`), its timer, and registers the module with `process(context, ...)`.
   Everything created is deleted again on failure. */
UINT nxd_mqtt_netx_cloud_start(NXD_MQTT_NETX_CLOUD *c, NX_CLOUD *given, CHAR *name, VOID *stack,
                               ULONG stack_size, UINT priority,
                               VOID (*process)(VOID *, ULONG, ULONG), VOID *context);
/* Deregisters the module and deletes the timer (the helper stays). */
VOID nxd_mqtt_netx_cloud_detach(NXD_MQTT_NETX_CLOUD *c);
/* 1 when the client runs on a helper of its own (created by create). */
UINT nxd_mqtt_netx_cloud_own(NXD_MQTT_NETX_CLOUD *c);
/* After detach: deletes the client's own helper, if it has one (not from its own thread). */
VOID nxd_mqtt_netx_cloud_end(NXD_MQTT_NETX_CLOUD *c);
TX_MUTEX *nxd_mqtt_netx_cloud_mutex(NXD_MQTT_NETX_CLOUD *c);
TX_THREAD *nxd_mqtt_netx_cloud_thread(NXD_MQTT_NETX_CLOUD *c);
/* Wakes the module after `ticks` (NX_WAIT_FOREVER: never; an earlier wake is cancelled). */
VOID nxd_mqtt_netx_cloud_arm(NXD_MQTT_NETX_CLOUD *c, ULONG ticks);
#endif

#ifdef NX_SECURE_ENABLE
/* TLS through the application's NetX Secure, on the client's TCP socket (NX_SECURE_ENABLE). */
/* Starts the handshake, waiting up to `wait_option` (NX_NO_WAIT: NX_CONTINUE while it goes
   on; NX_SUCCESS when done). */
UINT nxd_mqtt_netx_tls_start(NX_SECURE_TLS_SESSION *session, NX_TCP_SOCKET *socket, ULONG wait_option);
/* Continues it without waiting (same answers). */
UINT nxd_mqtt_netx_tls_continue(NX_SECURE_TLS_SESSION *session);
/* A TLS packet (NetX Secure's allocate, no wait) holding a prefix of `data` (`*used` bytes,
   within one packet); NULL when the pool has none now. */
NX_PACKET *nxd_mqtt_netx_tls_build(NX_SECURE_TLS_SESSION *session, NX_PACKET_POOL *pool, const UCHAR *data,
                                   ULONG size, ULONG *used);
/* Sends it as TLS record(s), waiting up to `wait_option`; on success NetX Secure owns it. */
UINT nxd_mqtt_netx_tls_send(NX_SECURE_TLS_SESSION *session, NX_PACKET *packet, ULONG wait_option);
/* Receives decrypted data without waiting. */
UINT nxd_mqtt_netx_tls_receive(NX_SECURE_TLS_SESSION *session, NX_PACKET **packet);
/* Ends the session (close_notify, waiting up to `wait_option`) when `started`, then deletes
   it. */
VOID nxd_mqtt_netx_tls_end(NX_SECURE_TLS_SESSION *session, UINT started, ULONG wait_option);
#endif

#ifdef NXD_MQTT_OVER_WEBSOCKET
/* MQTT over WebSocket through NetX Duo's WebSocket client (NXD_MQTT_OVER_WEBSOCKET). */
/* Creates the client's WebSocket client (empty name, the client's IP instance and pool). */
UINT nxd_mqtt_netx_ws_create(NX_WEBSOCKET_CLIENT *ws, NX_IP *ip, NX_PACKET_POOL *pool);
UINT nxd_mqtt_netx_ws_delete(NX_WEBSOCKET_CLIENT *ws);
/* Starts the upgrade (sub-protocol "mqtt") on the TCP socket, or through `session` when it is
   not NULL (TLS), waiting up to `wait_option` (NX_NO_WAIT: NX_IN_PROGRESS, see
   nxd_mqtt_netx_ws_progress). */
UINT nxd_mqtt_netx_ws_connect(NX_WEBSOCKET_CLIENT *ws, NX_TCP_SOCKET *socket, VOID *session, const UCHAR *host,
                              UINT host_length, const UCHAR *path, UINT path_length, ULONG wait_option);
/* Continues a non-blocking upgrade: NX_SUCCESS once connected, NX_IN_PROGRESS while it goes
   on, an error otherwise. */
UINT nxd_mqtt_netx_ws_progress(NX_WEBSOCKET_CLIENT *ws);
/* A WebSocket packet (no wait) holding a prefix of `data` (`*used` bytes, within one packet);
   NULL when the pool has none now. */
NX_PACKET *nxd_mqtt_netx_ws_build(NX_WEBSOCKET_CLIENT *ws, NX_PACKET_POOL *pool, const UCHAR *data, ULONG size,
                                  ULONG *used);
/* Sends it as one frame: binary (`first`) or continuation, final or not. */
UINT nxd_mqtt_netx_ws_send(NX_WEBSOCKET_CLIENT *ws, NX_PACKET *packet, UINT first, UINT final, ULONG wait_option);
/* Receives the next data frame's payload without waiting; `*binary` says whether it is MQTT
   data (a binary or continuation frame). */
UINT nxd_mqtt_netx_ws_receive(NX_WEBSOCKET_CLIENT *ws, NX_PACKET **packet, UINT *binary);
/* Ends the WebSocket connection (close frame) when it is connected or connecting. */
VOID nxd_mqtt_netx_ws_end(NX_WEBSOCKET_CLIENT *ws, ULONG wait_option);
#endif

/* NetX packets */
/* Reserves one pool packet for an outbound PUBLISH (the original builds it in pool packets
   before sending): `first` allocates it with TCP/IP headroom for the socket's address family,
   otherwise as a chain buffer (no headroom). Waits up to `wait_option`. On success the packet
   is pushed on the list `*spares` (linked through nx_packet_queue_next) and `*room` says how
   many bytes it holds. */
UINT nxd_mqtt_netx_packet_reserve(NX_PACKET_POOL *pool, NX_TCP_SOCKET *socket, UINT first,
                                  NX_PACKET **spares, ULONG wait_option, ULONG *room);
/* Moves every packet of the list `list` onto the list `*spares`. */
VOID nxd_mqtt_netx_spares_join(NX_PACKET **spares, NX_PACKET *list);
/* Releases up to `count` packets of the list `*spares`; returns how many. */
ULONG nxd_mqtt_netx_spares_release(NX_PACKET **spares, ULONG count);
/* One outbound packet holding a prefix of `data[0..size]` (a chain when one buffer is too
   small): buffers come from the list `*spares` first (their number is added to
   `*used_spares`), then from `pool` without waiting. The head has TCP/IP headroom for the
   socket's address family. NULL when no buffer at all was available; otherwise the packet's
   nx_packet_length says how many bytes it holds. */
NX_PACKET *nxd_mqtt_netx_packet_build(NX_PACKET **spares, NX_PACKET_POOL *pool, NX_TCP_SOCKET *socket,
                                      const UCHAR *data, ULONG size, ULONG *used_spares);
UINT nxd_mqtt_netx_packet_release(NX_PACKET *packet);
UINT nxd_mqtt_netx_packet_extract(NX_PACKET *packet, ULONG offset, VOID *buffer, ULONG size,
                                  ULONG *copied);
ULONG nxd_mqtt_netx_packet_length(NX_PACKET *packet);
/* The semi-public helpers (helpers.rs). A packet of `pool` for an outbound TCP segment: TCP/IP
   headroom for the address family of `socket`'s last connect (IPv6 when `socket` is NULL or
   has not connected over IPv4), waiting up to `wait_option`. *packet is NULL on failure. */
UINT nxd_mqtt_netx_packet_allocate_tcp(NX_PACKET_POOL *pool, NX_TCP_SOCKET *socket, NX_PACKET **packet,
                                       ULONG wait_option);
/* nx_packet_data_append of `data[0..size]` (chains buffers of `pool`, waiting up to
   `wait_option`); NetX's status. */
UINT nxd_mqtt_netx_packet_append(NX_PACKET *packet, const VOID *data, ULONG size, NX_PACKET_POOL *pool,
                                 ULONG wait_option);

/* The receive queue: the control block's intrusive list of PUBLISH packets (head, tail,
   depth), linked through nx_packet_queue_next, each packet positioned at the first byte of a
   PUBLISH fixed header, as the original keeps it. */
/* Bytes the pool could hold now without headroom (available packets x payload size). */
ULONG nxd_mqtt_netx_pool_room(NX_PACKET_POOL *pool, UINT total);
/* Takes packets (no wait, no headroom) onto the list `*spares` until they hold `size` bytes;
   NX_SUCCESS, or the allocation's error (the packets taken stay on the list). */
UINT nxd_mqtt_netx_frame_reserve(NX_PACKET_POOL *pool, NX_PACKET **spares, ULONG size);
/* Copies `data[0..size]` into a packet chain made of the list `*spares` (then the pool, no
   wait) and appends it to the queue. NX_SUCCESS, or NX_NO_PACKET (nothing queued). */
UINT nxd_mqtt_netx_queue_push(NX_PACKET **head, NX_PACKET **tail, UINT *depth, NX_PACKET **spares,
                              NX_PACKET_POOL *pool, const UCHAR *data, ULONG size);
/* The stored PUBLISH copies (kept for resend), a list linked through nx_packet_queue_next:
   appends a copy of `data[0..size]` (its first byte or'ed with `first_bits`) in packets taken
   without waiting (NX_SUCCESS or NX_NO_PACKET, nothing kept); the k-th copy; removes (and
   releases) the k-th copy. */
UINT nxd_mqtt_netx_keep_push(NX_PACKET **head, NX_PACKET **tail, NX_PACKET_POOL *pool, const UCHAR *data,
                             ULONG size, UCHAR first_bits);
NX_PACKET *nxd_mqtt_netx_keep_get(NX_PACKET *head, ULONG k);
VOID nxd_mqtt_netx_keep_remove(NX_PACKET **head, NX_PACKET **tail, ULONG k);
/* Removes the head packet (released) from the queue. */
VOID nxd_mqtt_netx_queue_pop(NX_PACKET **head, NX_PACKET **tail, UINT *depth);
/* Bytes held by the packets of the queue. */
ULONG nxd_mqtt_netx_queue_bytes(NX_PACKET *head);

/* NetX IP instance: 1 if `ip` is a created IP instance (its id is NX_IP_ID). */
UINT nxd_mqtt_netx_ip_created(NX_IP *ip);

/* NetX TCP */
UINT nxd_mqtt_netx_tcp_create(NX_IP *ip, NX_TCP_SOCKET *socket, CHAR *name, ULONG window,
                              VOID (*disconnect)(NX_TCP_SOCKET *), VOID *context);
UINT nxd_mqtt_netx_tcp_delete(NX_TCP_SOCKET *socket);
VOID *nxd_mqtt_netx_tcp_context(NX_TCP_SOCKET *socket);
UINT nxd_mqtt_netx_tcp_notify(NX_TCP_SOCKET *socket, VOID (*receive)(NX_TCP_SOCKET *),
                              VOID (*establish)(NX_TCP_SOCKET *));
UINT nxd_mqtt_netx_tcp_bind(NX_TCP_SOCKET *socket, ULONG wait_option);
UINT nxd_mqtt_netx_tcp_unbind(NX_TCP_SOCKET *socket);
/* version 4: address[0..4], version 6: address[0..16], network byte order. */
UINT nxd_mqtt_netx_tcp_connect(NX_TCP_SOCKET *socket, UINT version, const UCHAR *address, UINT port,
                               ULONG wait_option);
UINT nxd_mqtt_netx_tcp_state(NX_TCP_SOCKET *socket);
/* Received segments queued on the socket. */
ULONG nxd_mqtt_netx_tcp_queued(NX_TCP_SOCKET *socket);
UINT nxd_mqtt_netx_tcp_send(NX_TCP_SOCKET *socket, NX_PACKET *packet, ULONG wait_option);
UINT nxd_mqtt_netx_tcp_receive(NX_TCP_SOCKET *socket, NX_PACKET **packet, ULONG wait_option);
UINT nxd_mqtt_netx_tcp_disconnect(NX_TCP_SOCKET *socket, ULONG wait_option);

#endif /* NXD_MQTT_NETX_GLUE_H */
