/* Host stand-in for NetX Secure TLS (nx_secure_tls.h), test support only.
 *
 * Written for the nxd_mqtt tests. Names, constants, return codes (same values), prototypes and
 * the TLS session type are NetX Secure's; the members of NX_SECURE_TLS_SESSION that keep NetX
 * Secure's names hold what they hold there (socket, packet pool, packet buffer, protocol
 * version, handshake state, received alert, callbacks, certificate store); members named
 * *_standin_* are ours and the layout is ours. TLS runs over OpenSSL (memory BIOs pumped through
 * the stand-in's NetX TCP calls) in src/nx_secure_standin.c; see README.md.
 *
 * Applications include nx_secure_tls_api.h, which brings this header in.
 */
#ifndef SRC_NX_SECURE_TLS_H_
#define SRC_NX_SECURE_TLS_H_

#include "tx_api.h"
#include "nx_api.h"
#include "nx_crypto.h"

/* Enable ECC by default (as NetX Secure does). */
#ifndef NX_SECURE_DISABLE_ECC_CIPHERSUITE
#ifndef NX_SECURE_ENABLE_ECC_CIPHERSUITE
#define NX_SECURE_ENABLE_ECC_CIPHERSUITE
#endif
#else
#undef NX_SECURE_ENABLE_ECC_CIPHERSUITE
#endif

#include "nx_secure_x509.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NX_SECURE_TLS_ID ((ULONG)0x544c5320)

#define AZURE_RTOS_NETX_SECURE
#define NETX_SECURE_MAJOR_VERSION 6
#define NETX_SECURE_MINOR_VERSION 4
#define NETX_SECURE_PATCH_VERSION 2

/* ---- return values (NetX Secure's values) ------------------------------------------------- */

#define NX_SECURE_TLS_SUCCESS 0x00
#define NX_SECURE_TLS_SESSION_UNINITIALIZED 0x101
#define NX_SECURE_TLS_UNRECOGNIZED_MESSAGE_TYPE 0x102
#define NX_SECURE_TLS_INVALID_STATE 0x103
#define NX_SECURE_TLS_INVALID_PACKET 0x104
#define NX_SECURE_TLS_UNKNOWN_CIPHERSUITE 0x105
#define NX_SECURE_TLS_UNSUPPORTED_CIPHER 0x106
#define NX_SECURE_TLS_HANDSHAKE_FAILURE 0x107
#define NX_SECURE_TLS_HASH_MAC_VERIFY_FAILURE 0x108
#define NX_SECURE_TLS_TCP_SEND_FAILED 0x109
#define NX_SECURE_TLS_INCORRECT_MESSAGE_LENGTH 0x10A
#define NX_SECURE_TLS_BAD_CIPHERSPEC 0x10B
#define NX_SECURE_TLS_INVALID_SERVER_CERT 0x10C
#define NX_SECURE_TLS_UNSUPPORTED_PUBLIC_CIPHER 0x10D
#define NX_SECURE_TLS_NO_SUPPORTED_CIPHERS 0x10E
#define NX_SECURE_TLS_UNKNOWN_TLS_VERSION 0x10F
#define NX_SECURE_TLS_UNSUPPORTED_TLS_VERSION 0x110
#define NX_SECURE_TLS_ALLOCATE_PACKET_FAILED 0x111
#define NX_SECURE_TLS_INVALID_CERTIFICATE 0x112
#define NX_SECURE_TLS_NO_CLOSE_RESPONSE 0x113
#define NX_SECURE_TLS_ALERT_RECEIVED 0x114
#define NX_SECURE_TLS_FINISHED_HASH_FAILURE 0x115
#define NX_SECURE_TLS_UNKNOWN_CERT_SIG_ALGORITHM 0x116
#define NX_SECURE_TLS_CERTIFICATE_SIG_CHECK_FAILED 0x117
#define NX_SECURE_TLS_BAD_COMPRESSION_METHOD 0x118
#define NX_SECURE_TLS_CERTIFICATE_NOT_FOUND 0x119
#define NX_SECURE_TLS_INVALID_SELF_SIGNED_CERT 0x11A
#define NX_SECURE_TLS_ISSUER_CERTIFICATE_NOT_FOUND 0x11B
#define NX_SECURE_TLS_OUT_OF_ORDER_MESSAGE 0x11C
#define NX_SECURE_TLS_INVALID_REMOTE_HOST 0x11D
#define NX_SECURE_TLS_INVALID_EPOCH 0x11E
#define NX_SECURE_TLS_REPEAT_MESSAGE_RECEIVED 0x11F
#define NX_SECURE_TLS_NEED_DTLS_SESSION 0x120
#define NX_SECURE_TLS_NEED_TLS_SESSION 0x121
#define NX_SECURE_TLS_SEND_ADDRESS_MISMATCH 0x122
#define NX_SECURE_TLS_NO_FREE_DTLS_SESSIONS 0x123
#define NX_SECURE_TLS_NO_MORE_PSK_SPACE 0x125
#define NX_SECURE_TLS_NO_MATCHING_PSK 0x126
#define NX_SECURE_TLS_CLOSE_NOTIFY_RECEIVED 0x127
#define NX_SECURE_TLS_NO_AVAILABLE_SESSIONS 0x128
#define NX_SECURE_TLS_NO_CERT_SPACE_ALLOCATED 0x129
#define NX_SECURE_TLS_PADDING_CHECK_FAILED 0x12A
#define NX_SECURE_TLS_UNSUPPORTED_CERT_SIGN_TYPE 0x12B
#define NX_SECURE_TLS_UNSUPPORTED_CERT_SIGN_ALG 0x12C
#define NX_SECURE_TLS_INSUFFICIENT_CERT_SPACE 0x12D
#define NX_SECURE_TLS_PROTOCOL_VERSION_CHANGED 0x12E
#define NX_SECURE_TLS_NO_RENEGOTIATION_ERROR 0x12F
#define NX_SECURE_TLS_UNSUPPORTED_FEATURE 0x130
#define NX_SECURE_TLS_CERTIFICATE_VERIFY_FAILURE 0x131
#define NX_SECURE_TLS_EMPTY_REMOTE_CERTIFICATE_RECEIVED 0x132
#define NX_SECURE_TLS_RENEGOTIATION_EXTENSION_ERROR 0x133
#define NX_SECURE_TLS_RENEGOTIATION_SESSION_INACTIVE 0x134
#define NX_SECURE_TLS_PACKET_BUFFER_TOO_SMALL 0x135
#define NX_SECURE_TLS_EXTENSION_NOT_FOUND 0x136
#define NX_SECURE_TLS_SNI_EXTENSION_INVALID 0x137
#define NX_SECURE_TLS_CERT_ID_INVALID 0x138
#define NX_SECURE_TLS_CERT_ID_DUPLICATE 0x139
#define NX_SECURE_TLS_RENEGOTIATION_FAILURE 0x13A
#define NX_SECURE_TLS_MISSING_CRYPTO_ROUTINE 0x13B
#define NX_SECURE_TLS_EMPTY_EC_GROUP 0x13C
#define NX_SECURE_TLS_EMPTY_EC_POINT_FORMAT 0x13D
#define NX_SECURE_TLS_BAD_SERVERHELLO_KEYSHARE 0x13E
#define NX_SECURE_TLS_INSUFFICIENT_METADATA_SPACE 0x13F
#define NX_SECURE_TLS_POST_HANDSHAKE_RECEIVED 0x140
#define NX_SECURE_TLS_BAD_CLIENTHELLO_KEYSHARE 0x141
#define NX_SECURE_TLS_INVALID_SESSION_TICKET 0x143
#define NX_SECURE_TLS_MISSING_EXTENSION 0x144
#define NX_SECURE_TLS_CERTIFICATE_REQUIRED 0x145
#define NX_SECURE_TLS_UNEXPECTED_CLIENTHELLO 0x146
#define NX_SECURE_TLS_INAPPROPRIATE_FALLBACK 0x147
#define NX_SECURE_TLS_BAD_CLIENTHELLO_PSK_EXTENSION 0x148
#define NX_SECURE_TLS_PSK_BINDER_MISMATCH 0x149
#define NX_SECURE_TLS_CRYPTO_KEYS_TOO_LARGE 0x14A
#define NX_SECURE_TLS_UNSUPPORTED_ECC_CURVE 0x14B
#define NX_SECURE_TLS_UNSUPPORTED_ECC_FORMAT 0x14C
#define NX_SECURE_TLS_UNSUPPORTED_SIGNATURE_ALGORITHM 0x14D
#define NX_SECURE_TLS_SIGNATURE_VERIFICATION_ERROR 0x14E
#define NX_SECURE_TLS_UNEXPECTED_MESSAGE 0x14F
#define NX_SECURE_TLS_AEAD_DECRYPT_FAIL 0x150
#define NX_SECURE_TLS_RECORD_OVERFLOW 0x151
#define NX_SECURE_TLS_HANDSHAKE_FRAGMENT_RECEIVED 0x152
#define NX_SECURE_TLS_TRANSMIT_LOCKED 0x153
#define NX_SECURE_TLS_DOWNGRADE_DETECTED 0x154

/* ---- session types, handshake states, alerts, versions ------------------------------------- */

#define NX_SECURE_TLS 0
#define NX_SECURE_DTLS 1

#define NX_SECURE_TLS_SESSION_TYPE_NONE 0
#define NX_SECURE_TLS_SESSION_TYPE_CLIENT 1
#define NX_SECURE_TLS_SESSION_TYPE_SERVER 2

typedef USHORT NX_SECURE_TLS_STATE;
typedef USHORT NX_SECURE_TLS_SERVER_STATE;
typedef USHORT NX_SECURE_TLS_CLIENT_STATE;

#define NX_SECURE_TLS_SERVER_STATE_IDLE 0
#define NX_SECURE_TLS_SERVER_STATE_ERROR 1
#define NX_SECURE_TLS_SERVER_STATE_HANDSHAKE_FINISHED 10

#define NX_SECURE_TLS_CLIENT_STATE_IDLE 0
#define NX_SECURE_TLS_CLIENT_STATE_ERROR 1
#define NX_SECURE_TLS_CLIENT_STATE_ALERT_SENT 2
#define NX_SECURE_TLS_CLIENT_STATE_HELLO_REQUEST 3
#define NX_SECURE_TLS_CLIENT_STATE_HELLO_VERIFY 4
#define NX_SECURE_TLS_CLIENT_STATE_SERVERHELLO 5
#define NX_SECURE_TLS_CLIENT_STATE_SERVER_CERTIFICATE 6
#define NX_SECURE_TLS_CLIENT_STATE_SERVER_KEY_EXCHANGE 7
#define NX_SECURE_TLS_CLIENT_STATE_CERTIFICATE_REQUEST 8
#define NX_SECURE_TLS_CLIENT_STATE_SERVERHELLO_DONE 9
#define NX_SECURE_TLS_CLIENT_STATE_HANDSHAKE_FINISHED 10
#define NX_SECURE_TLS_CLIENT_STATE_RENEGOTIATING 11
#define NX_SECURE_TLS_CLIENT_STATE_ENCRYPTED_EXTENSIONS 12
#define NX_SECURE_TLS_CLIENT_STATE_HELLO_RETRY 13

/* Record content types. */
#define NX_SECURE_TLS_CHANGE_CIPHER_SPEC 20
#define NX_SECURE_TLS_ALERT 21
#define NX_SECURE_TLS_HANDSHAKE 22
#define NX_SECURE_TLS_APPLICATION_DATA 23

/* Alert descriptions (RFC 5246 / 8446) and levels. */
#define NX_SECURE_TLS_ALERT_CLOSE_NOTIFY 0
#define NX_SECURE_TLS_ALERT_UNEXPECTED_MESSAGE 10
#define NX_SECURE_TLS_ALERT_BAD_RECORD_MAC 20
#define NX_SECURE_TLS_ALERT_DECRYPTION_FAILED_RESERVED 21
#define NX_SECURE_TLS_ALERT_RECORD_OVERFLOW 22
#define NX_SECURE_TLS_ALERT_DECOMPRESSION_FAILURE 30
#define NX_SECURE_TLS_ALERT_HANDSHAKE_FAILURE 40
#define NX_SECURE_TLS_ALERT_NO_CERTIFICATE_RESERVED 41
#define NX_SECURE_TLS_ALERT_BAD_CERTIFICATE 42
#define NX_SECURE_TLS_ALERT_UNSUPPORTED_CERTIFICATE 43
#define NX_SECURE_TLS_ALERT_CERTIFICATE_REVOKED 44
#define NX_SECURE_TLS_ALERT_CERTIFICATE_EXPIRED 45
#define NX_SECURE_TLS_ALERT_CERTIFICATE_UNKNOWN 46
#define NX_SECURE_TLS_ALERT_ILLEGAL_PARAMETER 47
#define NX_SECURE_TLS_ALERT_UNKNOWN_CA 48
#define NX_SECURE_TLS_ALERT_ACCESS_DENIED 49
#define NX_SECURE_TLS_ALERT_DECODE_ERROR 50
#define NX_SECURE_TLS_ALERT_DECRYPT_ERROR 51
#define NX_SECURE_TLS_ALERT_EXPORT_RESTRICTION_RESERVED 60
#define NX_SECURE_TLS_ALERT_PROTOCOL_VERSION 70
#define NX_SECURE_TLS_ALERT_INSUFFICIENT_SECURITY 71
#define NX_SECURE_TLS_ALERT_INTERNAL_ERROR 80
#define NX_SECURE_TLS_ALERT_INAPPROPRIATE_FALLBACK 86
#define NX_SECURE_TLS_ALERT_USER_CANCELED 90
#define NX_SECURE_TLS_ALERT_NO_RENEGOTIATION 100
#define NX_SECURE_TLS_ALERT_MISSING_EXTENSION 109
#define NX_SECURE_TLS_ALERT_UNSUPPORTED_EXTENSION 110
#define NX_SECURE_TLS_ALERT_UNKNOWN_PSK_IDENTITY 115
#define NX_SECURE_TLS_ALERT_CERTIFICATE_REQUIRED 116
#define NX_SECURE_TLS_ALERT_LEVEL_WARNING 0x1
#define NX_SECURE_TLS_ALERT_LEVEL_FATAL 0x2

#define NX_SECURE_TLS_VERSION_MAJOR_3 0x3
#define NX_SECURE_SSL_VERSION_MINOR_3_0 0x0
#define NX_SECURE_TLS_VERSION_MINOR_1_0 0x1
#define NX_SECURE_TLS_VERSION_MINOR_1_1 0x2
#define NX_SECURE_TLS_VERSION_MINOR_1_2 0x3
#define NX_SECURE_TLS_VERSION_MINOR_1_3 0x4
#define NX_SECURE_TLS_VERSION_SSL_3_0 ((NX_SECURE_TLS_VERSION_MAJOR_3 << 8) | NX_SECURE_SSL_VERSION_MINOR_3_0)
#define NX_SECURE_TLS_VERSION_TLS_1_0 ((NX_SECURE_TLS_VERSION_MAJOR_3 << 8) | NX_SECURE_TLS_VERSION_MINOR_1_0)
#define NX_SECURE_TLS_VERSION_TLS_1_1 ((NX_SECURE_TLS_VERSION_MAJOR_3 << 8) | NX_SECURE_TLS_VERSION_MINOR_1_1)
#define NX_SECURE_TLS_VERSION_TLS_1_2 ((NX_SECURE_TLS_VERSION_MAJOR_3 << 8) | NX_SECURE_TLS_VERSION_MINOR_1_2)
#define NX_SECURE_TLS_VERSION_TLS_1_3 ((NX_SECURE_TLS_VERSION_MAJOR_3 << 8) | NX_SECURE_TLS_VERSION_MINOR_1_3)

/* Configuration macros as NetX Secure spells them. The stand-in library negotiates TLS 1.2 and
   TLS 1.3 whatever these say (see README.md); they exist for applications' own #if's. */
#ifndef NX_SECURE_TLS_TLS_1_2_ENABLED
#define NX_SECURE_TLS_TLS_1_2_ENABLED (1)
#endif
#ifdef NX_SECURE_TLS_ENABLE_TLS_1_3
#define NX_SECURE_TLS_TLS_1_3_ENABLED (1)
#endif
#ifndef NX_SECURE_TLS_TLS_1_3_ENABLED
#define NX_SECURE_TLS_TLS_1_3_ENABLED (0)
#endif

#define NX_SECURE_TLS_RECORD_HEADER_SIZE (5)
#define NX_SECURE_TLS_HANDSHAKE_HEADER_SIZE (4)
#define NX_SECURE_TLS_MAX_CIPHERTEXT_LENGTH (18432)
#define NX_SECURE_TLS_MAX_PLAINTEXT_LENGTH (16384)
#ifndef NX_SECURE_TLS_MINIMUM_MESSAGE_BUFFER_SIZE
#define NX_SECURE_TLS_MINIMUM_MESSAGE_BUFFER_SIZE (4000)
#endif
#define NX_SECURE_TLS_MINIMUM_CERTIFICATE_SIZE (256)

#define NX_SECURE_TLS_EXTENSION_SERVER_NAME_INDICATION (0x0000)
#define NX_SECURE_TLS_SNI_NAME_TYPE_DNS (0x0)

/* A few IANA ciphersuite identifiers (NetX Secure's symbols). */
#define TLS_RSA_WITH_AES_128_CBC_SHA256 0x003C
#define TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 0xC02F
#define TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 0xC02B
#define TLS_AES_128_GCM_SHA256 0x1301
#define TLS_AES_256_GCM_SHA384 0x1302

/* ---- types --------------------------------------------------------------------------------------- */

/* The crypto table given to nx_secure_tls_session_create (nx_crypto_tls_ciphers & co). The
   stand-in's cryptography is OpenSSL's: the table only identifies itself. */
typedef struct NX_SECURE_TLS_CRYPTO_STRUCT {
    const CHAR *nx_secure_tls_standin_name;
    UINT nx_secure_tls_standin_ecc; /* the table with ECC ciphersuites */
} NX_SECURE_TLS_CRYPTO;

typedef struct NX_SECURE_TLS_CREDENTIALS_STRUCT {
    NX_SECURE_X509_CERTIFICATE_STORE nx_secure_tls_certificate_store;
    NX_SECURE_X509_CERT *nx_secure_tls_active_certificate;
} NX_SECURE_TLS_CREDENTIALS;

typedef struct NX_SECURE_TLS_HELLO_EXTENSION_STRUCT {
    USHORT nx_secure_tls_extension_id;
    USHORT nx_secure_tls_extension_data_length;
    const UCHAR *nx_secure_tls_extension_data;
} NX_SECURE_TLS_HELLO_EXTENSION;

typedef struct NX_SECURE_TLS_SESSION_STRUCT {
    ULONG nx_secure_tls_id;
    NX_TCP_SOCKET *nx_secure_tls_tcp_socket;
    NX_PACKET_POOL *nx_secure_tls_packet_pool; /* for the stand-in's own packets */
    UCHAR *nx_secure_tls_packet_buffer;
    ULONG nx_secure_tls_packet_buffer_size;
    UINT nx_secure_tls_socket_type;
    USHORT nx_secure_tls_protocol_version; /* negotiated, 0 until the handshake is done */
    USHORT nx_secure_tls_protocol_version_override;
    UCHAR nx_secure_tls_1_3; /* the session runs TLS 1.3 */
    UCHAR nx_secure_tls_remote_session_active;
    UCHAR nx_secure_tls_local_session_active;
    NX_SECURE_TLS_CRYPTO *nx_secure_tls_crypto_table;
    NX_SECURE_TLS_CREDENTIALS nx_secure_tls_credentials;
    USHORT nx_secure_tls_received_remote_credentials;
    NX_SECURE_TLS_SERVER_STATE nx_secure_tls_server_state;
    NX_SECURE_TLS_CLIENT_STATE nx_secure_tls_client_state;
    struct NX_SECURE_TLS_SESSION_STRUCT *nx_secure_tls_created_previous, *nx_secure_tls_created_next;
    ULONG (*nx_secure_tls_session_time_function)(void);
    ULONG (*nx_secure_tls_session_certificate_callback)(struct NX_SECURE_TLS_SESSION_STRUCT *session,
                                                        NX_SECURE_X509_CERT *certificate);
    NX_SECURE_X509_DNS_NAME *nx_secure_tls_sni_extension_server_name;
    UINT nx_secure_tls_received_alert_level;
    UINT nx_secure_tls_received_alert_value;
    /* stand-in internals */
    VOID *nx_secure_tls_standin_metadata_area;
    ULONG nx_secure_tls_standin_metadata_size;
    VOID *nx_secure_tls_standin_ssl;  /* OpenSSL SSL (NULL outside a started session) */
    VOID *nx_secure_tls_standin_rbio; /* memory BIO: bytes received from TCP */
    VOID *nx_secure_tls_standin_wbio; /* memory BIO: bytes to send on TCP */
    UINT nx_secure_tls_standin_verify_status; /* NetX Secure code of a failed verification */
    UINT nx_secure_tls_standin_alert_seen;    /* an alert arrived during the current call */
    ULONG nx_secure_tls_standin_generation;   /* bumped by every reset */
    pthread_mutex_t nx_secure_tls_standin_lock; /* recursive; not held while waiting for TCP data */
} NX_SECURE_TLS_SESSION;

/* ---- cores --------------------------------------------------------------------------------------- */

VOID _nx_secure_tls_initialize(VOID);
UINT _nx_secure_tls_shutdown(VOID);
UINT _nx_secure_tls_session_create(NX_SECURE_TLS_SESSION *session_ptr,
                                   const NX_SECURE_TLS_CRYPTO *cipher_table, VOID *metadata_area,
                                   ULONG metadata_size);
UINT _nx_secure_tls_session_create_ext(NX_SECURE_TLS_SESSION *tls_session,
                                       const NX_CRYPTO_METHOD **crypto_array, UINT crypto_array_size,
                                       const NX_CRYPTO_CIPHERSUITE **cipher_map, UINT cipher_map_size,
                                       VOID *metadata_buffer, ULONG metadata_size);
UINT _nx_secure_tls_session_delete(NX_SECURE_TLS_SESSION *tls_session);
UINT _nx_secure_tls_session_start(NX_SECURE_TLS_SESSION *tls_session, NX_TCP_SOCKET *tcp_socket,
                                  UINT wait_option);
UINT _nx_secure_tls_handshake_process(NX_SECURE_TLS_SESSION *tls_session, UINT wait_option);
UINT _nx_secure_tls_session_end(NX_SECURE_TLS_SESSION *tls_session, UINT wait_option);
UINT _nx_secure_tls_session_reset(NX_SECURE_TLS_SESSION *tls_session);
UINT _nx_secure_tls_session_send(NX_SECURE_TLS_SESSION *tls_session, NX_PACKET *packet_ptr,
                                 ULONG wait_option);
UINT _nx_secure_tls_session_receive(NX_SECURE_TLS_SESSION *tls_session, NX_PACKET **packet_ptr_ptr,
                                    ULONG wait_option);
UINT _nx_secure_tls_packet_allocate(NX_SECURE_TLS_SESSION *tls_session, NX_PACKET_POOL *pool_ptr,
                                    NX_PACKET **packet_ptr, ULONG wait_option);
UINT _nx_secure_tls_session_packet_buffer_set(NX_SECURE_TLS_SESSION *session_ptr,
                                              UCHAR *buffer_ptr, ULONG buffer_size);
UINT _nx_secure_tls_session_packet_pool_set(NX_SECURE_TLS_SESSION *tls_session,
                                            NX_PACKET_POOL *packet_pool);
UINT _nx_secure_tls_session_protocol_version_override(NX_SECURE_TLS_SESSION *tls_session,
                                                      USHORT protocol_version);
UINT _nx_secure_tls_session_sni_extension_set(NX_SECURE_TLS_SESSION *tls_session,
                                              NX_SECURE_X509_DNS_NAME *dns_name);
UINT _nx_secure_tls_session_time_function_set(NX_SECURE_TLS_SESSION *tls_session,
                                              ULONG (*time_func_ptr)(void));
UINT _nx_secure_tls_session_certificate_callback_set(NX_SECURE_TLS_SESSION *tls_session,
                                                     ULONG (*func_ptr)(NX_SECURE_TLS_SESSION *session,
                                                                       NX_SECURE_X509_CERT *certificate));
UINT _nx_secure_tls_session_alert_value_get(NX_SECURE_TLS_SESSION *tls_session,
                                            UINT *alert_level, UINT *alert_value);
UINT _nx_secure_tls_trusted_certificate_add(NX_SECURE_TLS_SESSION *tls_session,
                                            NX_SECURE_X509_CERT *certificate);
UINT _nx_secure_tls_local_certificate_add(NX_SECURE_TLS_SESSION *tls_session,
                                          NX_SECURE_X509_CERT *certificate);
UINT _nx_secure_tls_remote_certificate_allocate(NX_SECURE_TLS_SESSION *tls_session,
                                                NX_SECURE_X509_CERT *certificate,
                                                UCHAR *raw_certificate_buffer, UINT buffer_size);
UINT _nx_secure_tls_remote_certificate_free_all(NX_SECURE_TLS_SESSION *tls_session);
UINT _nx_secure_tls_metadata_size_calculate(const NX_SECURE_TLS_CRYPTO *crypto_table,
                                            ULONG *metadata_size);
#ifdef NX_SECURE_ENABLE_ECC_CIPHERSUITE
UINT _nx_secure_tls_ecc_initialize(NX_SECURE_TLS_SESSION *tls_session,
                                   const USHORT *supported_groups, USHORT supported_group_count,
                                   const NX_CRYPTO_METHOD **curves);
#endif

/* ---- error-checking front ends --------------------------------------------------------------------- */

UINT _nxe_secure_tls_session_create(NX_SECURE_TLS_SESSION *session_ptr,
                                    const NX_SECURE_TLS_CRYPTO *cipher_table, VOID *metadata_area,
                                    ULONG metadata_size);
UINT _nxe_secure_tls_session_delete(NX_SECURE_TLS_SESSION *tls_session);
UINT _nxe_secure_tls_session_start(NX_SECURE_TLS_SESSION *tls_session, NX_TCP_SOCKET *tcp_socket,
                                   UINT wait_option);
UINT _nxe_secure_tls_session_end(NX_SECURE_TLS_SESSION *tls_session, UINT wait_option);
UINT _nxe_secure_tls_session_reset(NX_SECURE_TLS_SESSION *tls_session);
UINT _nxe_secure_tls_session_send(NX_SECURE_TLS_SESSION *tls_session, NX_PACKET *packet_ptr,
                                  ULONG wait_option);
UINT _nxe_secure_tls_session_receive(NX_SECURE_TLS_SESSION *tls_session, NX_PACKET **packet_ptr_ptr,
                                     ULONG wait_option);
UINT _nxe_secure_tls_packet_allocate(NX_SECURE_TLS_SESSION *tls_session, NX_PACKET_POOL *pool_ptr,
                                     NX_PACKET **packet_ptr, ULONG wait_option);
UINT _nxe_secure_tls_session_packet_buffer_set(NX_SECURE_TLS_SESSION *session_ptr,
                                               UCHAR *buffer_ptr, ULONG buffer_size);
UINT _nxe_secure_tls_session_packet_pool_set(NX_SECURE_TLS_SESSION *tls_session,
                                             NX_PACKET_POOL *packet_pool);
UINT _nxe_secure_tls_session_protocol_version_override(NX_SECURE_TLS_SESSION *tls_session,
                                                       USHORT protocol_version);
UINT _nxe_secure_tls_session_sni_extension_set(NX_SECURE_TLS_SESSION *tls_session,
                                               NX_SECURE_X509_DNS_NAME *dns_name);
UINT _nxe_secure_tls_session_time_function_set(NX_SECURE_TLS_SESSION *tls_session,
                                               ULONG (*time_func_ptr)(void));
UINT _nxe_secure_tls_session_certificate_callback_set(NX_SECURE_TLS_SESSION *tls_session,
                                                      ULONG (*func_ptr)(NX_SECURE_TLS_SESSION *session,
                                                                        NX_SECURE_X509_CERT *certificate));
UINT _nxe_secure_tls_session_alert_value_get(NX_SECURE_TLS_SESSION *tls_session,
                                             UINT *alert_level, UINT *alert_value);
UINT _nxe_secure_tls_trusted_certificate_add(NX_SECURE_TLS_SESSION *tls_session,
                                             NX_SECURE_X509_CERT *certificate);
UINT _nxe_secure_tls_local_certificate_add(NX_SECURE_TLS_SESSION *tls_session,
                                           NX_SECURE_X509_CERT *certificate);
UINT _nxe_secure_tls_remote_certificate_allocate(NX_SECURE_TLS_SESSION *tls_session,
                                                 NX_SECURE_X509_CERT *certificate,
                                                 UCHAR *raw_certificate_buffer, UINT buffer_size);
UINT _nxe_secure_tls_remote_certificate_free_all(NX_SECURE_TLS_SESSION *tls_session);
UINT _nxe_secure_tls_metadata_size_calculate(const NX_SECURE_TLS_CRYPTO *crypto_table,
                                             ULONG *metadata_size);

/* ---- stand-in extras (not NetX Secure API) ------------------------------------------------------------ */

/* Whether a DNS name given with nx_secure_tls_session_sni_extension_set is also checked against
 * the server certificate (subjectAltName DNS / IP, else common name) during the handshake; a
 * mismatch fails it with NX_SECURE_X509_CERTIFICATE_DNS_MISMATCH. NX_TRUE by default. (NetX
 * Secure itself only sends the name; applications check it in their certificate callback with
 * nx_secure_x509_common_name_dns_check.) Applies to later handshakes. */
VOID nx_secure_tls_standin_sni_check_set(UINT enable);
/* Number of sessions created and not deleted (leak checks in tests). */
ULONG nx_secure_tls_standin_session_count(VOID);

#ifdef __cplusplus
}
#endif

#endif /* SRC_NX_SECURE_TLS_H_ */
