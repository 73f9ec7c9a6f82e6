/* ---- hand-written part (include/parts/prelude.h), placed before the generated items ---- */

/* Port selection: the layout of NXD_MQTT_CLIENT depends on the port the library was built
   for. The CMake target defines the right macro. Without it, as in a NetX Duo application's
   own build (CMake, Makefile or IDE project), the NetX port is selected when NetX Duo is
   there: nx_api.h included before this header, or tx_api.h and nx_api.h on the include path
   (whatever the include order); anything else selects the host (POSIX) port. */
#if !defined(NXD_MQTT_PORT_POSIX) && !defined(NXD_MQTT_PORT_BARE) && !defined(NXD_MQTT_PORT_NETX)
#if defined(NX_API_H)
#define NXD_MQTT_PORT_NETX
#elif defined(__has_include)
#if __has_include("nx_api.h") && __has_include("tx_api.h")
#define NXD_MQTT_PORT_NETX
#else
#define NXD_MQTT_PORT_POSIX
#endif
#else
#define NXD_MQTT_PORT_POSIX
#endif
#endif

/* NetX port: the application's ThreadX and NetX Duo headers, included here as the original
   header includes them (ULONG, NX_IP, NX_PACKET_POOL, NXD_ADDRESS, NX_* values are theirs). */
#if defined(NXD_MQTT_PORT_NETX) && !defined(NXD_MQTT_PORT_POSIX) && !defined(NXD_MQTT_PORT_BARE)
#include "tx_api.h"
#include "nx_api.h"
/* As the original header: code built with these options (NetX Duo's Azure IoT middleware) gets
   the NetX Secure, cloud-helper and WebSocket client types through this header. */
#ifdef NX_SECURE_ENABLE
#include "nx_secure_tls_api.h"
#endif
#ifdef NXD_MQTT_CLOUD_ENABLE
#include "nx_cloud.h"
#endif
#ifdef NXD_MQTT_OVER_WEBSOCKET
#include "nx_websocket_client.h"
#endif
#endif

/* ThreadX scalar types. With ThreadX headers included (tx_port.h) theirs are used. Otherwise
   they are defined here exactly as ThreadX's Linux port defines them: ULONG is unsigned int on
   x86_64 and unsigned long elsewhere (32 bits on Cortex-M). */
#if !defined(TX_PORT_H) && !defined(NXD_MQTT_THREADX_TYPES_DEFINED)
#define NXD_MQTT_THREADX_TYPES_DEFINED
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
#endif

/* The ThreadX mutex (the NetX port's control block points to the client's). */
#ifndef TX_API_H
typedef struct TX_MUTEX_STRUCT TX_MUTEX;
#endif

/* NetX Duo types and values used by the API. With NetX Duo headers included (nx_api.h) theirs
   are used; otherwise NX_IP, NX_PACKET_POOL and NX_PACKET are opaque handles and the values
   below are NetX Duo's. */
#ifndef NX_API_H
typedef struct NX_IP_STRUCT NX_IP;
typedef struct NX_PACKET_POOL_STRUCT NX_PACKET_POOL;
typedef struct NX_PACKET_STRUCT NX_PACKET;

/* NetX Duo address: nxd_ip_version 4 or 6; v4 in host byte order (IP_ADDRESS()), v6 as four
   32-bit words in host byte order, most significant word first. */
typedef struct NXD_ADDRESS_STRUCT
{
    ULONG nxd_ip_version;
    union
    {
        ULONG v4;
        ULONG v6[4];
    } nxd_ip_address;
} NXD_ADDRESS;

#define NX_SUCCESS 0x00
#define NX_PTR_ERROR 0x07
#define NX_IN_PROGRESS 0x37
#define NX_INVALID_PORT 0x46
#define NX_NO_WAIT 0
#define NX_WAIT_FOREVER ((ULONG)0xFFFFFFFF)
#define NX_TRUE 1
#define NX_FALSE 0
#define NX_NULL 0
#define NX_IP_VERSION_V4 0x4
#define NX_IP_VERSION_V6 0x6
#ifndef NX_IP_PERIODIC_RATE
#define NX_IP_PERIODIC_RATE 100
#endif
#define IP_ADDRESS(a, b, c, d) ((ULONG)(((ULONG)(a) << 24) | ((ULONG)(b) << 16) | ((ULONG)(c) << 8) | (ULONG)(d)))
#endif /* NX_API_H */

/* Configuration macros of the original (spec section 2), with its defaults. They are
   informational for the application: the library was compiled with these defaults (ticks per
   second 100, keep-alive timer and ping timeout 1 s, first packet id 1), and redefining them
   in the application does not change the library. */
#ifndef NXD_MQTT_CLIENT_SOCKET_WINDOW_SIZE
#define NXD_MQTT_CLIENT_SOCKET_WINDOW_SIZE 8192
#endif
#ifndef NXD_MQTT_CLIENT_THREAD_TIME_SLICE
#define NXD_MQTT_CLIENT_THREAD_TIME_SLICE 2
#endif
#ifndef NXD_MQTT_KEEPALIVE_TIMER_RATE
#define NXD_MQTT_KEEPALIVE_TIMER_RATE (NX_IP_PERIODIC_RATE)
#endif
#ifndef NXD_MQTT_PING_TIMEOUT_DELAY
#define NXD_MQTT_PING_TIMEOUT_DELAY (NX_IP_PERIODIC_RATE)
#endif
#ifndef NXD_MQTT_MAX_TOPIC_NAME_LENGTH
#define NXD_MQTT_MAX_TOPIC_NAME_LENGTH 12
#endif
#ifndef NXD_MQTT_MAX_MESSAGE_LENGTH
#define NXD_MQTT_MAX_MESSAGE_LENGTH 32
#endif
#ifndef NXD_MQTT_INITIAL_PACKET_ID_VALUE
#define NXD_MQTT_INITIAL_PACKET_ID_VALUE 1
#endif
#ifndef NXD_MQTT_SOCKET_TIMEOUT
#define NXD_MQTT_SOCKET_TIMEOUT NX_WAIT_FOREVER
#endif
#ifndef NXD_MQTT_SECURE_MEMCPY
#define NXD_MQTT_SECURE_MEMCPY memcpy
#endif
#ifndef NXD_MQTT_SECURE_MEMCMP
#define NXD_MQTT_SECURE_MEMCMP memcmp
#endif
#ifndef NXD_MQTT_SECURE_MEMSET
#define NXD_MQTT_SECURE_MEMSET memset
#endif
#ifndef NXD_MQTT_SECURE_MEMMOVE
#define NXD_MQTT_SECURE_MEMMOVE memmove
#endif
#define NXD_MQTT_OVER_WEBSOCKET_PROTOCOL "mqtt"

/* Bare-metal port: the whole client lives in NXD_MQTT_CLIENT, so its size follows the
   capacities the library was built with (NXD_MQTT_BARE_* at cargo build time). The default
   is NXD_MQTT_BARE_CLIENT_OPAQUE_WORDS (default capacities, 32-bit targets; defined below); a
   library built with other capacities needs -DNXD_MQTT_CLIENT_OPAQUE_WORDS=<n> in the
   application, n being the library's exported nxd_mqtt_client_opaque_words (compare the two
   at start-up). */
#if defined(NXD_MQTT_PORT_BARE) && !defined(NXD_MQTT_PORT_POSIX) && !defined(NXD_MQTT_CLIENT_OPAQUE_WORDS)
#define NXD_MQTT_CLIENT_OPAQUE_WORDS NXD_MQTT_BARE_CLIENT_OPAQUE_WORDS
#endif

/* NetX port: the client's whole state (ThreadX / NetX control blocks, buffers) lives inside
   NXD_MQTT_CLIENT, after two words of the library's: NXD_MQTT_CLIENT_MEMORY_SIZE bytes, from
   the application's own control-block sizes (its ThreadX / NetX configuration) and
   NXD_MQTT_NETX_CLIENT_STATE_SIZE (the rest; defined below for 32- and 64-bit targets and a
   library built with the default capacities). A library built with larger NXD_MQTT_NETX_*
   capacities is built with NXD_MQTT_NETX_CLIENT_STATE_SIZE set, and the application defines
   the macro with the same value. Start-up check:
   NXD_MQTT_CLIENT_MEMORY_SIZE == nxd_mqtt_client_memory_size(). create's memory_ptr /
   memory_size are ignored, as by the original. */
#if defined(NXD_MQTT_PORT_NETX) && !defined(NXD_MQTT_PORT_POSIX) && !defined(NXD_MQTT_PORT_BARE)
#ifndef NXD_MQTT_NETX_CLIENT_STATE_SIZE
#if UINTPTR_MAX > 0xFFFFFFFFu
#define NXD_MQTT_NETX_CLIENT_STATE_SIZE NXD_MQTT_NETX_CLIENT_STATE_SIZE_64
#else
#define NXD_MQTT_NETX_CLIENT_STATE_SIZE NXD_MQTT_NETX_CLIENT_STATE_SIZE_32
#endif
#endif
/* TLS builds (NX_SECURE_ENABLE): two words of TLS state. */
#ifdef NX_SECURE_ENABLE
#define NXD_MQTT_NETX_TLS_STATE_SIZE (2 * sizeof(VOID *))
#else
#define NXD_MQTT_NETX_TLS_STATE_SIZE 0
#endif
/* WebSocket builds (NXD_MQTT_OVER_WEBSOCKET): eight words of WebSocket state. */
#ifdef NXD_MQTT_OVER_WEBSOCKET
#define NXD_MQTT_NETX_WS_STATE_SIZE (8 * sizeof(VOID *))
#else
#define NXD_MQTT_NETX_WS_STATE_SIZE 0
#endif
#ifdef NXD_MQTT_CLOUD_ENABLE
/* Cloud-helper build: no thread or mutex of the client's own; a cloud helper (the client's
   own, or the application's with _nxd_mqtt_client_cloud_create), its module and a timer, and
   two words for the cloud driver's state. */
#define NXD_MQTT_CLIENT_MEMORY_SIZE                                                            \
    (sizeof(NX_CLOUD) + sizeof(NX_CLOUD_MODULE) + sizeof(TX_TIMER) + 3 * sizeof(NX_CLOUD *) +   \
     sizeof(TX_EVENT_FLAGS_GROUP) + sizeof(NX_TCP_SOCKET) + (NXD_MQTT_NETX_CLIENT_STATE_SIZE) +  \
     NXD_MQTT_NETX_TLS_STATE_SIZE + NXD_MQTT_NETX_WS_STATE_SIZE)
#else
#define NXD_MQTT_CLIENT_MEMORY_SIZE                                                            \
    (sizeof(TX_THREAD) + sizeof(TX_MUTEX) + sizeof(TX_EVENT_FLAGS_GROUP) + sizeof(NX_TCP_SOCKET) + \
     (NXD_MQTT_NETX_CLIENT_STATE_SIZE) + NXD_MQTT_NETX_TLS_STATE_SIZE + NXD_MQTT_NETX_WS_STATE_SIZE)
#endif
#define NXD_MQTT_CLIENT_OPAQUE_WORDS                                                           \
    (2 + (NXD_MQTT_CLIENT_MEMORY_SIZE + sizeof(uintptr_t) - 1) / sizeof(uintptr_t))
#endif

/* Struct tags as in the original: typedef X names struct X_STRUCT. */
typedef struct NXD_MQTT_CLIENT_STRUCT NXD_MQTT_CLIENT;
typedef struct MQTT_PACKET_CONNACK_STRUCT MQTT_PACKET_CONNACK;
typedef struct MQTT_PACKET_PUBLISH_STRUCT MQTT_PACKET_PUBLISH;
typedef struct MQTT_PACKET_PUBLISH_RESPONSE_STRUCT MQTT_PACKET_PUBLISH_RESPONSE;
typedef struct MQTT_PACKET_SUBSCRIBE_STRUCT MQTT_PACKET_SUBSCRIBE;
typedef struct MQTT_PACKET_PING_STRUCT MQTT_PACKET_PING;
typedef struct MQTT_PACKET_DISCONNECT_STRUCT MQTT_PACKET_DISCONNECT;

/* ---- generated part (cbindgen, from src/ffi/) ---- */
