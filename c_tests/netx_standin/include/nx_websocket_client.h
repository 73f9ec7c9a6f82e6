/* Host stand-in for NetX Duo's WebSocket client (addons/websocket, nx_websocket_client.h), test
 * support only.
 *
 * Written for the nxd_mqtt tests: the service names, prototypes, constants (values), return
 * codes, client states and the NX_WEBSOCKET_CLIENT members applications and the MQTT client
 * touch (nx_websocket_client_state, ..._socket_ptr, ..._use_tls, ..._tls_session_ptr,
 * ..._connection_status_callback, ...) are NetX Duo's; the implementation
 * (src/nx_websocket_standin.c, RFC 6455 over the stand-in's NetX TCP socket or NetX Secure TLS
 * session) and the rest of the layout are ours. Members named *_standin_* are ours.
 *
 * As in NetX Duo, the public names map to the error-checking front ends (_nxe_websocket_*)
 * unless NX_DISABLE_ERROR_CHECKING is defined, then to the cores (_nx_websocket_*);
 * nx_websocket_client_secure_connect exists when the includer defines NX_SECURE_ENABLE (the
 * stand-in library always has it). The layout does not depend on NX_SECURE_ENABLE.
 * See README.md for what is and is not emulated.
 */
#ifndef NX_WEBSOCKET_CLIENT_H
#define NX_WEBSOCKET_CLIENT_H

#include "nx_api.h"

#ifdef NX_SECURE_ENABLE
#include "nx_secure_tls_api.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#ifdef NX_DISABLE_PACKET_CHAIN
#error "NX_DISABLE_PACKET_CHAIN must not be defined"
#endif

#define NX_WEBSOCKET_CLIENT_ID 0x57454253UL
#define NX_WEBSOCKET_CLIENT_GUID_SIZE 16
#define NX_WEBSOCKET_CLIENT_KEY_SIZE 26

/* Frame header fields. */
#define NX_WEBSOCKET_FIN 0x80
#define NX_WEBSOCKET_FIN_MASK 0x80
#define NX_WEBSOCKET_OPCODE_CONTINUATION_FRAME 0x00
#define NX_WEBSOCKET_OPCODE_TEXT_FRAME 0x01
#define NX_WEBSOCKET_OPCODE_BINARY_FRAME 0x02
#define NX_WEBSOCKET_OPCODE_CONNECTION_CLOSE 0x08
#define NX_WEBSOCKET_OPCODE_PING 0x09
#define NX_WEBSOCKET_OPCODE_PONG 0x0A
#define NX_WEBSOCKET_OPCODE_MASK 0x0F
#define NX_WEBSOCKET_MASK 0x80
#define NX_WEBSOCKET_MASK_MASK 0x80
#define NX_WEBSOCKET_PAYLOAD_LEN_MASK 0x7F
#define NX_WEBSOCKET_PAYLOAD_LEN_16BITS 0x7E
#define NX_WEBSOCKET_PAYLOAD_LEN_64BITS 0x7F
#define NX_WEBSOCKET_EXTENDED_PAYLOAD_16BITS_SIZE 2
#define NX_WEBSOCKET_EXTENDED_PAYLOAD_64BITS_SIZE 8
#define NX_WEBSOCKET_MASKING_KEY_SIZE 4
/* Header of a client frame with a 7-bit length (2 + mask) and with a 16-bit length (the
   largest the client sends): the room nx_websocket_client_packet_allocate leaves. */
#define NX_WEBSOCKET_HEADER_NORMAL_SIZE 6
#define NX_WEBSOCKET_HEADER_SIZE 8

/* Client states. */
#define NX_WEBSOCKET_CLIENT_STATE_INITIALIZE 0
#define NX_WEBSOCKET_CLIENT_STATE_IDLE 1
#define NX_WEBSOCKET_CLIENT_STATE_CONNECTING 2
#define NX_WEBSOCKET_CLIENT_STATE_CONNECTED 3
#define NX_WEBSOCKET_CLIENT_STATE_DISCONNECT_SENT 4
#define NX_WEBSOCKET_CLIENT_STATE_DISCONNECT_RECEIVED 5

/* Return codes. */
#define NX_WEBSOCKET_SUCCESS 0x0
#define NX_WEBSOCKET_ERROR 0x30001
#define NX_WEBSOCKET_CONNECTING 0x30002
#define NX_WEBSOCKET_ALREADY_CONNECTED 0x30003
#define NX_WEBSOCKET_NOT_CONNECTED 0x30004
#define NX_WEBSOCKET_DATA_APPEND_FAILURE 0x30005
#define NX_WEBSOCKET_INVALID_STATE 0x30006
#define NX_WEBSOCKET_INVALID_PACKET 0x30007
#define NX_WEBSOCKET_INVALID_STATUS_CODE 0x30008
#define NX_WEBSOCKET_DISCONNECTED 0x30009

typedef struct NX_WEBSOCKET_CLIENT_STRUCT {
    ULONG nx_websocket_client_id;
    UCHAR *nx_websocket_client_name;
    NX_IP *nx_websocket_client_ip_ptr;
    NX_PACKET_POOL *nx_websocket_client_packet_pool_ptr;
    UINT nx_websocket_client_state;
    NX_TCP_SOCKET *nx_websocket_client_socket_ptr;
#ifdef NX_SECURE_ENABLE
    UINT nx_websocket_client_use_tls;
    NX_SECURE_TLS_SESSION *nx_websocket_client_tls_session_ptr;
#else
    /* Same layout without NX_SECURE_ENABLE (the stand-in library is built with it). */
    UINT nx_websocket_client_standin_use_tls;
    VOID *nx_websocket_client_standin_tls_session_ptr;
#endif
    /* NetX Duo keeps pending received data in a pool packet here; the stand-in keeps it in
       nx_websocket_client_standin_rx (heap) and leaves this NX_NULL. */
    NX_PACKET *nx_websocket_client_processing_packet;
    UCHAR nx_websocket_client_guid[NX_WEBSOCKET_CLIENT_GUID_SIZE]; /* random key bytes */
    UCHAR *nx_websocket_client_subprotocol;
    UINT nx_websocket_client_subprotocol_length;
    UINT nx_websocket_client_key_size;
    UCHAR nx_websocket_client_key[NX_WEBSOCKET_CLIENT_KEY_SIZE]; /* Sec-WebSocket-Key (base64) */
    /* Frame being received. */
    UCHAR nx_websocket_client_frame_header_found;
    UCHAR nx_websocket_client_frame_fragmented;
    UCHAR nx_websocket_client_frame_opcode;
    UCHAR nx_websocket_client_frame_masked;
    UCHAR nx_websocket_client_frame_masking_key[4];
    ULONG nx_websocket_client_frame_data_length;
    ULONG nx_websocket_client_frame_data_received;
    VOID (*nx_websocket_client_connection_status_callback)(struct NX_WEBSOCKET_CLIENT_STRUCT *, VOID *, UINT);
    VOID *nx_websocket_client_connection_context;
    /* stand-in internals */
    pthread_mutex_t nx_websocket_client_standin_lock;    /* state (recursive: callbacks may send) */
    pthread_mutex_t nx_websocket_client_standin_rx_lock; /* one receiver at a time */
    UCHAR *nx_websocket_client_standin_rx;               /* received bytes not yet consumed */
    ULONG nx_websocket_client_standin_rx_length;
    ULONG nx_websocket_client_standin_rx_capacity;
    UCHAR nx_websocket_client_standin_frame_current_opcode; /* opcode of the frame in progress */
    UCHAR nx_websocket_client_standin_close_answered;       /* the server's CLOSE was answered */
} NX_WEBSOCKET_CLIENT;

/* ---- cores ------------------------------------------------------------------------------------ */

UINT _nx_websocket_client_create(NX_WEBSOCKET_CLIENT *client_ptr, UCHAR *client_name, NX_IP *ip_ptr,
                                 NX_PACKET_POOL *pool_ptr);
UINT _nx_websocket_client_delete(NX_WEBSOCKET_CLIENT *client_ptr);
UINT _nx_websocket_client_packet_allocate(NX_WEBSOCKET_CLIENT *client_ptr, NX_PACKET **packet_ptr,
                                          ULONG wait_option);
UINT _nx_websocket_client_connect(NX_WEBSOCKET_CLIENT *client_ptr, NX_TCP_SOCKET *socket_ptr, UCHAR *host,
                                  UINT host_length, UCHAR *uri_path, UINT uri_path_length, UCHAR *protocol,
                                  UINT protocol_length, UINT wait_option);
#ifdef NX_SECURE_ENABLE
UINT _nx_websocket_client_secure_connect(NX_WEBSOCKET_CLIENT *client_ptr, NX_SECURE_TLS_SESSION *tls_session,
                                         UCHAR *host, UINT host_length, UCHAR *uri_path, UINT uri_path_length,
                                         UCHAR *protocol, UINT protocol_length, UINT wait_option);
#endif
UINT _nx_websocket_client_disconnect(NX_WEBSOCKET_CLIENT *client_ptr, UINT wait_option);
UINT _nx_websocket_client_send(NX_WEBSOCKET_CLIENT *client_ptr, NX_PACKET *packet_ptr, UINT code, UINT is_final,
                               UINT wait_option);
UINT _nx_websocket_client_receive(NX_WEBSOCKET_CLIENT *client_ptr, NX_PACKET **packet_ptr, UINT *code,
                                  UINT wait_option);
UINT _nx_websocket_client_connection_status_callback_set(
    NX_WEBSOCKET_CLIENT *client_ptr, VOID *context,
    VOID (*connection_status_callback)(NX_WEBSOCKET_CLIENT *, VOID *, UINT));

/* ---- error-checking front ends ------------------------------------------------------------------ */

UINT _nxe_websocket_client_create(NX_WEBSOCKET_CLIENT *client_ptr, UCHAR *client_name, NX_IP *ip_ptr,
                                  NX_PACKET_POOL *pool_ptr);
UINT _nxe_websocket_client_delete(NX_WEBSOCKET_CLIENT *client_ptr);
UINT _nxe_websocket_client_packet_allocate(NX_WEBSOCKET_CLIENT *client_ptr, NX_PACKET **packet_ptr,
                                           ULONG wait_option);
UINT _nxe_websocket_client_connect(NX_WEBSOCKET_CLIENT *client_ptr, NX_TCP_SOCKET *socket_ptr, UCHAR *host,
                                   UINT host_length, UCHAR *uri_path, UINT uri_path_length, UCHAR *protocol,
                                   UINT protocol_length, UINT wait_option);
#ifdef NX_SECURE_ENABLE
UINT _nxe_websocket_client_secure_connect(NX_WEBSOCKET_CLIENT *client_ptr, NX_SECURE_TLS_SESSION *tls_session,
                                          UCHAR *host, UINT host_length, UCHAR *uri_path, UINT uri_path_length,
                                          UCHAR *protocol, UINT protocol_length, UINT wait_option);
#endif
UINT _nxe_websocket_client_disconnect(NX_WEBSOCKET_CLIENT *client_ptr, UINT wait_option);
UINT _nxe_websocket_client_send(NX_WEBSOCKET_CLIENT *client_ptr, NX_PACKET *packet_ptr, UINT code, UINT is_final,
                                UINT wait_option);
UINT _nxe_websocket_client_receive(NX_WEBSOCKET_CLIENT *client_ptr, NX_PACKET **packet_ptr, UINT *code,
                                   UINT wait_option);
UINT _nxe_websocket_client_connection_status_callback_set(
    NX_WEBSOCKET_CLIENT *client_ptr, VOID *context,
    VOID (*connection_status_callback)(NX_WEBSOCKET_CLIENT *, VOID *, UINT));

/* ---- public names ------------------------------------------------------------------------------- */

#ifndef NX_WEBSOCKET_CLIENT_SOURCE_CODE
#ifdef NX_DISABLE_ERROR_CHECKING
#define nx_websocket_client_create _nx_websocket_client_create
#define nx_websocket_client_delete _nx_websocket_client_delete
#define nx_websocket_client_connect _nx_websocket_client_connect
#ifdef NX_SECURE_ENABLE
#define nx_websocket_client_secure_connect _nx_websocket_client_secure_connect
#endif
#define nx_websocket_client_disconnect _nx_websocket_client_disconnect
#define nx_websocket_client_packet_allocate _nx_websocket_client_packet_allocate
#define nx_websocket_client_send _nx_websocket_client_send
#define nx_websocket_client_receive _nx_websocket_client_receive
#define nx_websocket_client_connection_status_callback_set _nx_websocket_client_connection_status_callback_set
#else
#define nx_websocket_client_create _nxe_websocket_client_create
#define nx_websocket_client_delete _nxe_websocket_client_delete
#define nx_websocket_client_connect _nxe_websocket_client_connect
#ifdef NX_SECURE_ENABLE
#define nx_websocket_client_secure_connect _nxe_websocket_client_secure_connect
#endif
#define nx_websocket_client_disconnect _nxe_websocket_client_disconnect
#define nx_websocket_client_packet_allocate _nxe_websocket_client_packet_allocate
#define nx_websocket_client_send _nxe_websocket_client_send
#define nx_websocket_client_receive _nxe_websocket_client_receive
#define nx_websocket_client_connection_status_callback_set _nxe_websocket_client_connection_status_callback_set
#endif /* NX_DISABLE_ERROR_CHECKING */
#endif /* NX_WEBSOCKET_CLIENT_SOURCE_CODE */

#ifdef __cplusplus
}
#endif

#endif /* NX_WEBSOCKET_CLIENT_H */
