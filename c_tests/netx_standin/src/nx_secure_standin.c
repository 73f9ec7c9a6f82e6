/* NetX Secure stand-in: TLS client sessions over OpenSSL (test support for the nxd_mqtt NetX
 * port; our own code).
 *
 * A session owns, between nx_secure_tls_session_start and its end / reset / delete, one OpenSSL
 * SSL object whose input and output are memory BIOs. The stand-in moves the bytes itself with
 * the stand-in's NetX TCP services: what OpenSSL writes leaves in packets of the session's pool
 * through _nx_tcp_socket_send; what arrives is taken with _nx_tcp_socket_receive (the caller's
 * wait option, in ticks) and fed to OpenSSL, the packets released at once. Application data is
 * returned in packets of the session's pool. The return codes are NetX Secure's for the same
 * situations (see README.md for the mapping); certificates are checked against the trusted
 * certificates added to the session only.
 */
#define _GNU_SOURCE
#define NX_SECURE_SOURCE_CODE
#include "nx_secure_tls_api.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- crypto tables applications name (identification only) -------------------------------- */

NX_SECURE_TLS_CRYPTO nx_crypto_tls_ciphers = {"nx_crypto_tls_ciphers (stand-in: OpenSSL)", 0};
const NX_SECURE_TLS_CRYPTO nx_crypto_tls_ciphers_ecc = {"nx_crypto_tls_ciphers_ecc (stand-in: OpenSSL)", 1};

NX_CRYPTO_METHOD crypto_method_ec_secp256 = {NX_CRYPTO_EC_SECP256R1, 256, 0, 0, 0, 0, NX_NULL, NX_NULL,
                                             "secp256r1 (stand-in)"};
NX_CRYPTO_METHOD crypto_method_ec_secp384 = {NX_CRYPTO_EC_SECP384R1, 384, 0, 0, 0, 0, NX_NULL, NX_NULL,
                                             "secp384r1 (stand-in)"};
NX_CRYPTO_METHOD crypto_method_ec_secp521 = {NX_CRYPTO_EC_SECP521R1, 521, 0, 0, 0, 0, NX_NULL, NX_NULL,
                                             "secp521r1 (stand-in)"};
const USHORT nx_crypto_ecc_supported_groups[] = {(USHORT)NX_CRYPTO_EC_SECP256R1, (USHORT)NX_CRYPTO_EC_SECP384R1,
                                                 (USHORT)NX_CRYPTO_EC_SECP521R1};
const NX_CRYPTO_METHOD *nx_crypto_ecc_curves[] = {&crypto_method_ec_secp256, &crypto_method_ec_secp384,
                                                  &crypto_method_ec_secp521};
const UINT nx_crypto_ecc_supported_groups_size = sizeof(nx_crypto_ecc_supported_groups) / sizeof(USHORT);

UINT _nx_crypto_initialize(VOID)
{
    return NX_CRYPTO_SUCCESS;
}

/* ---- globals ------------------------------------------------------------------------------------ */

#define STANDIN_METADATA_SIZE 8192u

static pthread_mutex_t created_lock = PTHREAD_MUTEX_INITIALIZER;
static NX_SECURE_TLS_SESSION *created_ptr;
static ULONG created_count;
static UINT sni_check = NX_TRUE;

VOID nx_secure_tls_standin_sni_check_set(UINT enable)
{
    __atomic_store_n(&sni_check, enable ? NX_TRUE : NX_FALSE, __ATOMIC_RELAXED);
}

ULONG nx_secure_tls_standin_session_count(VOID)
{
    pthread_mutex_lock(&created_lock);
    ULONG n = created_count;
    pthread_mutex_unlock(&created_lock);
    return n;
}

VOID _nx_secure_tls_initialize(VOID)
{
    OPENSSL_init_ssl(0, NULL);
}

UINT _nx_secure_tls_shutdown(VOID)
{
    return NX_SUCCESS;
}

#define SSLP(s) ((SSL *)(s)->nx_secure_tls_standin_ssl)
#define RBIO(s) ((BIO *)(s)->nx_secure_tls_standin_rbio)
#define WBIO(s) ((BIO *)(s)->nx_secure_tls_standin_wbio)

static void lock(NX_SECURE_TLS_SESSION *s)
{
    pthread_mutex_lock(&s->nx_secure_tls_standin_lock);
}

static void unlock(NX_SECURE_TLS_SESSION *s)
{
    pthread_mutex_unlock(&s->nx_secure_tls_standin_lock);
}

/* The cores too refuse a session that is not created (NetX Secure's cores assume one): a call
   after delete must not touch a destroyed lock. */
#define REQUIRE_CREATED(s, code)                       \
    do {                                               \
        if ((s)->nx_secure_tls_id != NX_SECURE_TLS_ID) \
            return code;                               \
    } while (0)

static int established(const NX_SECURE_TLS_SESSION *s)
{
    return s->nx_secure_tls_standin_ssl != NULL &&
           s->nx_secure_tls_client_state == NX_SECURE_TLS_CLIENT_STATE_HANDSHAKE_FINISHED;
}

/* ---- wait options: one deadline per call, in ticks ----------------------------------------------- */

typedef struct {
    ULONG wait;
    ULONG deadline;
} waiter;

static waiter wait_begin(ULONG wait_option)
{
    waiter w = {wait_option, 0};
    if (wait_option != NX_NO_WAIT && wait_option != NX_WAIT_FOREVER)
        w.deadline = tx_time_get() + wait_option;
    return w;
}

static ULONG wait_left(const waiter *w)
{
    if (w->wait == NX_NO_WAIT || w->wait == NX_WAIT_FOREVER)
        return w->wait;
    LONG left = (LONG)(w->deadline - tx_time_get());
    return left > 0 ? (ULONG)left : NX_NO_WAIT;
}

/* ---- certificate lists --------------------------------------------------------------------------- */

static int list_contains(NX_SECURE_X509_CERT *head, const NX_SECURE_X509_CERT *c)
{
    for (; head; head = head->nx_secure_x509_next_certificate)
        if (head == c)
            return 1;
    return 0;
}

static void list_append(NX_SECURE_X509_CERT **head, NX_SECURE_X509_CERT *c, UINT location)
{
    c->nx_secure_x509_next_certificate = NX_NULL;
    c->nx_secure_x509_standin_location = location;
    while (*head)
        head = &(*head)->nx_secure_x509_next_certificate;
    *head = c;
}

static NX_SECURE_X509_CERT *list_take_first(NX_SECURE_X509_CERT **head)
{
    NX_SECURE_X509_CERT *c = *head;
    if (c) {
        *head = c->nx_secure_x509_next_certificate;
        c->nx_secure_x509_next_certificate = NX_NULL;
    }
    return c;
}

/* Remote certificates go back: the application's to the free list, those carved from the packet
   buffer are forgotten. */
static void remote_certificates_free(NX_SECURE_TLS_SESSION *s)
{
    NX_SECURE_X509_CERTIFICATE_STORE *st = &s->nx_secure_tls_credentials.nx_secure_tls_certificate_store;
    NX_SECURE_X509_CERT *c;
    while ((c = list_take_first(&st->nx_secure_x509_remote_certificates)) != NX_NULL) {
        if (c->nx_secure_x509_user_allocated_cert) {
            c->nx_secure_x509_certificate_raw_data_length = 0;
            list_append(&st->nx_secure_x509_free_certificates, c, NX_SECURE_X509_CERT_LOCATION_FREE);
        } else {
            c->nx_secure_x509_standin_location = NX_SECURE_X509_CERT_LOCATION_NONE;
        }
    }
}

/* ---- session state ---------------------------------------------------------------------------------- */

/* Back to the state after create (certificates, callbacks, buffers and pool kept), as NetX
   Secure's reset. Lock held. */
static void session_clear(NX_SECURE_TLS_SESSION *s)
{
    if (s->nx_secure_tls_standin_ssl)
        SSL_free(SSLP(s)); /* frees both memory BIOs and the context reference */
    s->nx_secure_tls_standin_ssl = NX_NULL;
    s->nx_secure_tls_standin_rbio = NX_NULL;
    s->nx_secure_tls_standin_wbio = NX_NULL;
    s->nx_secure_tls_socket_type = NX_SECURE_TLS_SESSION_TYPE_NONE;
    s->nx_secure_tls_protocol_version = 0;
    s->nx_secure_tls_1_3 = NX_FALSE;
    s->nx_secure_tls_local_session_active = 0;
    s->nx_secure_tls_remote_session_active = 0;
    s->nx_secure_tls_received_remote_credentials = NX_FALSE;
    s->nx_secure_tls_credentials.nx_secure_tls_active_certificate = NX_NULL;
    if (s->nx_secure_tls_client_state != NX_SECURE_TLS_CLIENT_STATE_ERROR)
        s->nx_secure_tls_client_state = NX_SECURE_TLS_CLIENT_STATE_IDLE;
    s->nx_secure_tls_standin_verify_status = 0;
    s->nx_secure_tls_standin_alert_seen = 0;
    remote_certificates_free(s);
    s->nx_secure_tls_standin_generation++;
    ERR_clear_error();
}

static ULONG tcp_headroom(const NX_SECURE_TLS_SESSION *s)
{
    const NX_TCP_SOCKET *t = s->nx_secure_tls_tcp_socket;
    if (t && t->nx_tcp_socket_connect_ip.nxd_ip_version == NX_IP_VERSION_V4)
        return NX_IPv4_TCP_PACKET;
    return NX_IPv6_TCP_PACKET;
}

/* Sends what OpenSSL wrote to the output BIO, in one pool packet (chained as needed). Lock held
   (records leave in order). On failure the bytes are dropped: the session is unusable anyway. */
static UINT flush_output(NX_SECURE_TLS_SESSION *s, ULONG wait_option)
{
    BIO *wbio = WBIO(s);
    if (wbio == NULL || BIO_ctrl_pending(wbio) == 0)
        return NX_SUCCESS;
    NX_PACKET_POOL *pool = s->nx_secure_tls_packet_pool;
    NX_PACKET *p = NX_NULL;
    UINT status = _nx_packet_allocate(pool, &p, tcp_headroom(s), wait_option);
    UCHAR chunk[2048];
    int n;
    while ((n = BIO_read(wbio, chunk, (int)sizeof(chunk))) > 0) {
        if (status == NX_SUCCESS)
            status = _nx_packet_data_append(p, chunk, (ULONG)n, pool, wait_option);
    }
    if (status == NX_SUCCESS)
        status = _nx_tcp_socket_send(s->nx_secure_tls_tcp_socket, p, wait_option);
    if (status != NX_SUCCESS && p != NX_NULL)
        _nx_packet_release(p);
    return status;
}

/* Waits for the next TCP segment (without the session lock), feeds it to OpenSSL and releases
   the packet. Lock held on entry and return. */
static UINT receive_input(NX_SECURE_TLS_SESSION *s, ULONG wait_option)
{
    NX_TCP_SOCKET *t = s->nx_secure_tls_tcp_socket;
    ULONG generation = s->nx_secure_tls_standin_generation;
    NX_PACKET *p = NX_NULL;
    unlock(s);
    UINT status = _nx_tcp_socket_receive(t, &p, wait_option);
    lock(s);
    if (status != NX_SUCCESS)
        return status;
    if (generation != s->nx_secure_tls_standin_generation || RBIO(s) == NULL) {
        _nx_packet_release(p); /* the session was ended meanwhile */
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    }
    for (NX_PACKET *w = p; w; w = w->nx_packet_next) {
        int len = (int)(w->nx_packet_append_ptr - w->nx_packet_prepend_ptr);
        if (len > 0)
            BIO_write(RBIO(s), w->nx_packet_prepend_ptr, len);
    }
    _nx_packet_release(p);
    return NX_SUCCESS;
}

/* A failure that ends the session (NetX Secure resets the session on these): what OpenSSL queued
   (an alert) still goes out, then the session is cleared. Lock held. */
static UINT fail(NX_SECURE_TLS_SESSION *s, UINT status)
{
    flush_output(s, NX_NO_WAIT);
    s->nx_secure_tls_client_state = NX_SECURE_TLS_CLIENT_STATE_ERROR;
    session_clear(s);
    return status;
}

/* ---- error mapping ------------------------------------------------------------------------------------- */

static UINT map_x509_error(int err)
{
    switch (err) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        return NX_SECURE_X509_ISSUER_CERTIFICATE_NOT_FOUND;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        return NX_SECURE_X509_INVALID_SELF_SIGNED_CERT;
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return NX_SECURE_X509_CERTIFICATE_EXPIRED;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return NX_SECURE_X509_CERTIFICATE_NOT_YET_VALID;
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
        return NX_SECURE_X509_INVALID_DATE_FORMAT;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return NX_SECURE_X509_CERTIFICATE_DNS_MISMATCH;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
        return NX_SECURE_X509_CERTIFICATE_SIG_CHECK_FAILED;
    default:
        return NX_SECURE_X509_CHAIN_VERIFY_FAILURE;
    }
}

/* The NetX Secure code for an OpenSSL failure of the current call. Lock held. */
static UINT map_ssl_failure(NX_SECURE_TLS_SESSION *s, int in_handshake)
{
    UINT status;
    if (s->nx_secure_tls_standin_verify_status != 0) {
        status = s->nx_secure_tls_standin_verify_status;
    } else if (s->nx_secure_tls_standin_alert_seen) {
        status = NX_SECURE_TLS_ALERT_RECEIVED;
    } else {
        unsigned long e = ERR_peek_last_error();
        int reason = ERR_GET_LIB(e) == ERR_LIB_SSL ? ERR_GET_REASON(e) : 0;
        switch (reason) {
        case SSL_R_UNSUPPORTED_PROTOCOL:
        case SSL_R_VERSION_TOO_LOW:
        case SSL_R_VERSION_TOO_HIGH:
        case SSL_R_NO_PROTOCOLS_AVAILABLE:
        case SSL_R_WRONG_SSL_VERSION:
            status = NX_SECURE_TLS_UNSUPPORTED_TLS_VERSION;
            break;
        case SSL_R_WRONG_VERSION_NUMBER:
        case SSL_R_PACKET_LENGTH_TOO_LONG:
            status = NX_SECURE_TLS_UNKNOWN_TLS_VERSION;
            break;
        case SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC:
            status = s->nx_secure_tls_1_3 ? NX_SECURE_TLS_AEAD_DECRYPT_FAIL : NX_SECURE_TLS_HASH_MAC_VERIFY_FAILURE;
            break;
        case SSL_R_NO_SHARED_CIPHER:
        case SSL_R_NO_CIPHERS_AVAILABLE:
            status = NX_SECURE_TLS_NO_SUPPORTED_CIPHERS;
            break;
        case SSL_R_CERTIFICATE_VERIFY_FAILED:
            status = NX_SECURE_X509_CHAIN_VERIFY_FAILURE;
            break;
        case SSL_R_UNEXPECTED_MESSAGE:
        case SSL_R_UNEXPECTED_RECORD:
            status = NX_SECURE_TLS_UNEXPECTED_MESSAGE;
            break;
        case SSL_R_DATA_LENGTH_TOO_LONG:
        case SSL_R_ENCRYPTED_LENGTH_TOO_LONG:
            status = NX_SECURE_TLS_RECORD_OVERFLOW;
            break;
        default:
            status = in_handshake ? NX_SECURE_TLS_HANDSHAKE_FAILURE : NX_SECURE_TLS_INVALID_PACKET;
            break;
        }
    }
    ERR_clear_error();
    return status;
}

/* ---- OpenSSL callbacks -------------------------------------------------------------------------------- */

static void info_callback(const SSL *ssl, int where, int ret)
{
    if ((where & SSL_CB_READ_ALERT) == 0)
        return;
    NX_SECURE_TLS_SESSION *s = SSL_get_app_data(ssl);
    if (s == NULL)
        return;
    s->nx_secure_tls_received_alert_level = (UINT)((ret >> 8) & 0xFF);
    s->nx_secure_tls_received_alert_value = (UINT)(ret & 0xFF);
    s->nx_secure_tls_standin_alert_seen = 1;
}

/* Keeps the server's certificate (the end entity) for the application, as NetX Secure does: in
   a certificate given with nx_secure_tls_remote_certificate_allocate, else in the session's
   packet buffer. */
static UINT keep_remote_certificate(NX_SECURE_TLS_SESSION *s, X509 *leaf, ULONG used_in_buffer)
{
    NX_SECURE_X509_CERTIFICATE_STORE *st = &s->nx_secure_tls_credentials.nx_secure_tls_certificate_store;
    int len = i2d_X509(leaf, NULL);
    if (len <= 0)
        return NX_SECURE_TLS_INVALID_CERTIFICATE;
    NX_SECURE_X509_CERT *c = st->nx_secure_x509_free_certificates;
    UCHAR *der;
    if (c != NX_NULL) {
        if (c->nx_secure_x509_certificate_raw_buffer_size < (UINT)len)
            return NX_SECURE_TLS_INSUFFICIENT_CERT_SPACE;
        list_take_first(&st->nx_secure_x509_free_certificates);
        der = c->nx_secure_x509_certificate_raw_data;
    } else {
        UCHAR *buf = s->nx_secure_tls_packet_buffer;
        ULONG size = s->nx_secure_tls_packet_buffer_size;
        if (buf == NX_NULL || size < sizeof(NX_SECURE_X509_CERT) + sizeof(ALIGN_TYPE) + (ULONG)len + used_in_buffer)
            return NX_SECURE_TLS_INSUFFICIENT_CERT_SPACE;
        uintptr_t at = ((uintptr_t)(buf + size) - sizeof(NX_SECURE_X509_CERT)) & ~(uintptr_t)(sizeof(ALIGN_TYPE) - 1);
        c = (NX_SECURE_X509_CERT *)at;
        memset(c, 0, sizeof(*c));
        der = (UCHAR *)at - len;
        c->nx_secure_x509_certificate_raw_data = der;
        c->nx_secure_x509_certificate_raw_buffer_size = (UINT)len;
        c->nx_secure_x509_user_allocated_cert = NX_FALSE;
    }
    UCHAR *w = der;
    i2d_X509(leaf, &w);
    c->nx_secure_x509_certificate_raw_data_length = (UINT)len;
    c->nx_secure_x509_version = (USHORT)(X509_get_version(leaf) + 1);
    list_append(&st->nx_secure_x509_remote_certificates, c, NX_SECURE_X509_CERT_LOCATION_REMOTE);
    return NX_SUCCESS;
}

/* Replaces OpenSSL's chain verification: the size limits of the packet buffer, the chain against
   the trusted certificates (dates only with a time function, the SNI name when set), then the
   application's certificate callback. */
static int verify_callback(X509_STORE_CTX *ctx, void *arg)
{
    NX_SECURE_TLS_SESSION *s = arg;
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_untrusted(ctx);
    X509 *leaf = X509_STORE_CTX_get0_cert(ctx);
    UINT tls13 = SSLP(s) && SSL_version(SSLP(s)) == TLS1_3_VERSION;

    /* The Certificate message must fit in the packet buffer, as in NetX Secure. */
    ULONG message = NX_SECURE_TLS_HANDSHAKE_HEADER_SIZE + 3 + (tls13 ? 1 : 0);
    for (int i = 0; chain && i < sk_X509_num(chain); i++) {
        int len = i2d_X509(sk_X509_value(chain, i), NULL);
        message += 3 + (ULONG)(len > 0 ? len : 0) + (tls13 ? 2 : 0);
    }
    if (message > s->nx_secure_tls_packet_buffer_size) {
        s->nx_secure_tls_standin_verify_status = NX_SECURE_TLS_PACKET_BUFFER_TOO_SMALL;
        X509_STORE_CTX_set_error(ctx, X509_V_ERR_APPLICATION_VERIFICATION);
        return 0;
    }

    ULONG now = s->nx_secure_tls_session_time_function ? s->nx_secure_tls_session_time_function() : 0;
    if (now != 0)
        X509_STORE_CTX_set_time(ctx, 0, (time_t)now);
    else
        X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_NO_CHECK_TIME);
    if (X509_verify_cert(ctx) <= 0) {
        s->nx_secure_tls_standin_verify_status = map_x509_error(X509_STORE_CTX_get_error(ctx));
        return 0;
    }

    UINT status = keep_remote_certificate(s, leaf, message);
    if (status == NX_SUCCESS && s->nx_secure_tls_session_certificate_callback != NX_NULL) {
        NX_SECURE_X509_CERT *remote =
            s->nx_secure_tls_credentials.nx_secure_tls_certificate_store.nx_secure_x509_remote_certificates;
        while (remote && remote->nx_secure_x509_next_certificate)
            remote = remote->nx_secure_x509_next_certificate;
        status = (UINT)s->nx_secure_tls_session_certificate_callback(s, remote);
    }
    if (status != NX_SUCCESS) {
        s->nx_secure_tls_standin_verify_status = status;
        X509_STORE_CTX_set_error(ctx, X509_V_ERR_APPLICATION_VERIFICATION);
        return 0;
    }
    s->nx_secure_tls_received_remote_credentials = NX_TRUE;
    return 1;
}

/* ---- session setup ------------------------------------------------------------------------------------ */

static X509 *parse_certificate(const NX_SECURE_X509_CERT *c)
{
    const unsigned char *p = c->nx_secure_x509_certificate_raw_data;
    if (p == NULL || c->nx_secure_x509_certificate_raw_data_length == 0)
        return NULL;
    return d2i_X509(NULL, &p, (long)c->nx_secure_x509_certificate_raw_data_length);
}

static EVP_PKEY *parse_private_key(UINT type, const UCHAR *key, ULONG len)
{
    const unsigned char *p = key;
    if (type == NX_SECURE_X509_KEY_TYPE_RSA_PKCS1_DER)
        return d2i_PrivateKey(EVP_PKEY_RSA, NULL, &p, (long)len);
    if (type == NX_SECURE_X509_KEY_TYPE_EC_DER)
        return d2i_PrivateKey(EVP_PKEY_EC, NULL, &p, (long)len);
    return NULL;
}

/* The identity (first local certificate with a private key) and the other local certificates as
   its chain. */
static UINT use_local_certificates(NX_SECURE_TLS_SESSION *s, SSL *ssl)
{
    NX_SECURE_X509_CERTIFICATE_STORE *st = &s->nx_secure_tls_credentials.nx_secure_tls_certificate_store;
    NX_SECURE_X509_CERT *identity = s->nx_secure_tls_credentials.nx_secure_tls_active_certificate;
    for (NX_SECURE_X509_CERT *c = st->nx_secure_x509_local_certificates; identity == NX_NULL && c;
         c = c->nx_secure_x509_next_certificate)
        if (c->nx_secure_x509_certificate_is_identity_cert)
            identity = c;
    if (identity == NX_NULL)
        return NX_SUCCESS;
    X509 *x = parse_certificate(identity);
    if (x == NULL)
        return NX_SECURE_X509_INVALID_CERTIFICATE;
    UINT type = identity->nx_secure_x509_private_key_type;
    if (type != NX_SECURE_X509_KEY_TYPE_RSA_PKCS1_DER && type != NX_SECURE_X509_KEY_TYPE_EC_DER) {
        X509_free(x);
        return NX_SECURE_TLS_UNSUPPORTED_FEATURE; /* hardware / user-defined keys */
    }
    EVP_PKEY *k = parse_private_key(type, identity->nx_secure_x509_private_key.user_key.key_data,
                                    identity->nx_secure_x509_private_key.user_key.key_length);
    UINT status = NX_SUCCESS;
    if (k == NULL)
        status = NX_SECURE_X509_INVALID_PRIVATE_KEY_TYPE;
    else if (SSL_use_certificate(ssl, x) != 1 || SSL_use_PrivateKey(ssl, k) != 1 || SSL_check_private_key(ssl) != 1)
        status = NX_SECURE_X509_INVALID_PRIVATE_KEY_TYPE;
    X509_free(x);
    EVP_PKEY_free(k);
    for (NX_SECURE_X509_CERT *c = st->nx_secure_x509_local_certificates; status == NX_SUCCESS && c;
         c = c->nx_secure_x509_next_certificate) {
        if (c == identity)
            continue;
        X509 *extra = parse_certificate(c);
        if (extra == NULL) {
            status = NX_SECURE_X509_INVALID_CERTIFICATE;
            break;
        }
        SSL_add1_chain_cert(ssl, extra);
        X509_free(extra);
    }
    ERR_clear_error();
    return status;
}

/* A new SSL object for this session's settings. Lock held. */
static UINT build_ssl(NX_SECURE_TLS_SESSION *s)
{
    OPENSSL_init_ssl(0, NULL);
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL)
        return NX_NOT_SUCCESSFUL;
    int min = TLS1_2_VERSION, max = TLS1_3_VERSION;
    switch (s->nx_secure_tls_protocol_version_override) {
    case NX_SECURE_TLS_VERSION_TLS_1_0:
        min = max = TLS1_VERSION;
        break;
    case NX_SECURE_TLS_VERSION_TLS_1_1:
        min = max = TLS1_1_VERSION;
        break;
    case NX_SECURE_TLS_VERSION_TLS_1_2:
        max = TLS1_2_VERSION;
        break;
    default:
        break;
    }
    SSL_CTX_set_min_proto_version(ctx, min);
    SSL_CTX_set_max_proto_version(ctx, max);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_cert_verify_callback(ctx, verify_callback, s);
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    UINT status = NX_SUCCESS;
    for (NX_SECURE_X509_CERT *c =
             s->nx_secure_tls_credentials.nx_secure_tls_certificate_store.nx_secure_x509_trusted_certificates;
         c; c = c->nx_secure_x509_next_certificate) {
        X509 *x = parse_certificate(c);
        if (x == NULL) {
            status = NX_SECURE_X509_INVALID_CERTIFICATE;
            break;
        }
        X509_STORE_add_cert(store, x);
        X509_free(x);
    }
    SSL *ssl = status == NX_SUCCESS ? SSL_new(ctx) : NULL;
    SSL_CTX_free(ctx); /* the SSL object keeps its reference */
    if (status != NX_SUCCESS)
        return status;
    if (ssl == NULL)
        return NX_NOT_SUCCESSFUL;
    SSL_set_app_data(ssl, s);
    SSL_set_info_callback(ssl, info_callback);
    status = use_local_certificates(s, ssl);
    NX_SECURE_X509_DNS_NAME *dns = s->nx_secure_tls_sni_extension_server_name;
    if (status == NX_SUCCESS && dns != NX_NULL && dns->nx_secure_x509_dns_name_length > 0) {
        char name[NX_SECURE_X509_DNS_NAME_MAX + 1];
        size_t n = dns->nx_secure_x509_dns_name_length;
        if (n > NX_SECURE_X509_DNS_NAME_MAX)
            n = NX_SECURE_X509_DNS_NAME_MAX;
        memcpy(name, dns->nx_secure_x509_dns_name, n);
        name[n] = '\0';
        SSL_set_tlsext_host_name(ssl, name);
        if (__atomic_load_n(&sni_check, __ATOMIC_RELAXED)) {
            X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
            unsigned char ip[16];
            if (inet_pton(AF_INET, name, ip) == 1 || inet_pton(AF_INET6, name, ip) == 1)
                X509_VERIFY_PARAM_set1_ip_asc(param, name);
            else
                X509_VERIFY_PARAM_set1_host(param, name, n);
        }
    }
    BIO *rbio = BIO_new(BIO_s_mem());
    BIO *wbio = BIO_new(BIO_s_mem());
    if (status == NX_SUCCESS && (rbio == NULL || wbio == NULL))
        status = NX_NOT_SUCCESSFUL;
    if (status != NX_SUCCESS) {
        BIO_free(rbio);
        BIO_free(wbio);
        SSL_free(ssl);
        ERR_clear_error();
        return status;
    }
    BIO_set_mem_eof_return(rbio, -1);
    BIO_set_mem_eof_return(wbio, -1);
    SSL_set_bio(ssl, rbio, wbio);
    SSL_set_connect_state(ssl);
    s->nx_secure_tls_standin_ssl = ssl;
    s->nx_secure_tls_standin_rbio = rbio;
    s->nx_secure_tls_standin_wbio = wbio;
    return NX_SUCCESS;
}

/* Runs the handshake as far as the data at hand (and the wait) allow. NX_SUCCESS when done,
   NX_CONTINUE (no wait) or NX_NO_PACKET (wait expired) when more data is needed, else a failure
   that cleared the session. first_flight: send the ClientHello and stop (NX_CONTINUE). Lock
   held. */
static UINT pump_handshake(NX_SECURE_TLS_SESSION *s, ULONG wait_option, int first_flight)
{
    waiter w = wait_begin(wait_option);
    for (;;) {
        SSL *ssl = SSLP(s);
        if (ssl == NULL)
            return NX_SECURE_TLS_SESSION_UNINITIALIZED;
        ERR_clear_error();
        s->nx_secure_tls_standin_alert_seen = 0;
        int r = SSL_do_handshake(ssl);
        int err = r == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl, r);
        if (err != SSL_ERROR_NONE && err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
            return fail(s, map_ssl_failure(s, 1));
        UINT status = flush_output(s, wait_left(&w));
        if (status != NX_SUCCESS)
            return fail(s, status);
        if (r == 1) {
            s->nx_secure_tls_protocol_version = (USHORT)SSL_version(ssl);
            s->nx_secure_tls_1_3 = SSL_version(ssl) == TLS1_3_VERSION;
            s->nx_secure_tls_local_session_active = 1;
            s->nx_secure_tls_remote_session_active = 1;
            s->nx_secure_tls_client_state = NX_SECURE_TLS_CLIENT_STATE_HANDSHAKE_FINISHED;
            return NX_SUCCESS;
        }
        if (err == SSL_ERROR_WANT_WRITE)
            continue;
        if (first_flight)
            return NX_CONTINUE;
        status = receive_input(s, wait_left(&w));
        if (status == NX_NO_PACKET)
            return wait_option == NX_NO_WAIT ? NX_CONTINUE : NX_NO_PACKET;
        if (status != NX_SUCCESS)
            return SSLP(s) ? fail(s, status) : status;
        /* NetX Secure assembles every handshake record in the session's packet buffer. */
        if (s->nx_secure_tls_packet_buffer == NX_NULL || s->nx_secure_tls_packet_buffer_size == 0)
            return fail(s, NX_SECURE_TLS_PACKET_BUFFER_TOO_SMALL);
    }
}

/* ---- cores: session life ------------------------------------------------------------------------------ */

static UINT session_init(NX_SECURE_TLS_SESSION *s, const NX_SECURE_TLS_CRYPTO *table, VOID *metadata_buffer,
                         ULONG metadata_size)
{
    memset(s, 0, sizeof(*s));
    s->nx_secure_tls_crypto_table = (NX_SECURE_TLS_CRYPTO *)(ALIGN_TYPE)table;
    s->nx_secure_tls_standin_metadata_area = metadata_buffer;
    s->nx_secure_tls_standin_metadata_size = metadata_size;
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&s->nx_secure_tls_standin_lock, &a);
    pthread_mutexattr_destroy(&a);
    OPENSSL_init_ssl(0, NULL);
    pthread_mutex_lock(&created_lock);
    s->nx_secure_tls_created_next = created_ptr;
    if (created_ptr)
        created_ptr->nx_secure_tls_created_previous = s;
    created_ptr = s;
    created_count++;
    s->nx_secure_tls_id = NX_SECURE_TLS_ID;
    pthread_mutex_unlock(&created_lock);
    return NX_SUCCESS;
}

UINT _nx_secure_tls_session_create_ext(NX_SECURE_TLS_SESSION *tls_session,
                                       const NX_CRYPTO_METHOD **crypto_array, UINT crypto_array_size,
                                       const NX_CRYPTO_CIPHERSUITE **cipher_map, UINT cipher_map_size,
                                       VOID *metadata_buffer, ULONG metadata_size)
{
    /* OpenSSL does the cryptography: the methods and ciphersuites are accepted and ignored. */
    (void)crypto_array;
    (void)crypto_array_size;
    (void)cipher_map;
    (void)cipher_map_size;
    return session_init(tls_session, NX_NULL, metadata_buffer, metadata_size);
}

UINT _nx_secure_tls_session_create(NX_SECURE_TLS_SESSION *session_ptr,
                                   const NX_SECURE_TLS_CRYPTO *cipher_table, VOID *metadata_area,
                                   ULONG metadata_size)
{
    return session_init(session_ptr, cipher_table, metadata_area, metadata_size);
}

UINT _nx_secure_tls_session_delete(NX_SECURE_TLS_SESSION *tls_session)
{
    REQUIRE_CREATED(tls_session, NX_PTR_ERROR);
    lock(tls_session);
    session_clear(tls_session);
    unlock(tls_session);
    pthread_mutex_lock(&created_lock);
    NX_SECURE_TLS_SESSION *prev = tls_session->nx_secure_tls_created_previous;
    NX_SECURE_TLS_SESSION *next = tls_session->nx_secure_tls_created_next;
    if (prev)
        prev->nx_secure_tls_created_next = next;
    else if (created_ptr == tls_session)
        created_ptr = next;
    if (next)
        next->nx_secure_tls_created_previous = prev;
    tls_session->nx_secure_tls_created_next = tls_session->nx_secure_tls_created_previous = NX_NULL;
    if (created_count > 0)
        created_count--;
    tls_session->nx_secure_tls_id = 0;
    pthread_mutex_unlock(&created_lock);
    pthread_mutex_destroy(&tls_session->nx_secure_tls_standin_lock);
    return NX_SUCCESS;
}

UINT _nx_secure_tls_session_reset(NX_SECURE_TLS_SESSION *tls_session)
{
    REQUIRE_CREATED(tls_session, NX_SECURE_TLS_SESSION_UNINITIALIZED);
    lock(tls_session);
    session_clear(tls_session);
    tls_session->nx_secure_tls_client_state = NX_SECURE_TLS_CLIENT_STATE_IDLE;
    unlock(tls_session);
    return NX_SUCCESS;
}

UINT _nx_secure_tls_session_start(NX_SECURE_TLS_SESSION *tls_session, NX_TCP_SOCKET *tcp_socket,
                                  UINT wait_option)
{
    NX_SECURE_TLS_SESSION *s = tls_session;
    REQUIRE_CREATED(s, NX_SECURE_TLS_SESSION_UNINITIALIZED);
    lock(s);
    if (s->nx_secure_tls_standin_ssl)
        session_clear(s);
    if (s->nx_secure_tls_packet_pool == NX_NULL)
        s->nx_secure_tls_packet_pool = tcp_socket->nx_tcp_socket_ip_ptr->nx_ip_default_packet_pool;
    s->nx_secure_tls_tcp_socket = tcp_socket;
    s->nx_secure_tls_received_alert_level = 0;
    s->nx_secure_tls_received_alert_value = 0;
    s->nx_secure_tls_client_state = NX_SECURE_TLS_CLIENT_STATE_IDLE;
    s->nx_secure_tls_socket_type = NX_SECURE_TLS_SESSION_TYPE_CLIENT; /* stand-in sockets are clients */
    UINT status = build_ssl(s);
    if (status != NX_SUCCESS) {
        session_clear(s);
        unlock(s);
        return status;
    }
    /* Without a wait, only the ClientHello goes out: the answer is processed by
       _nx_secure_tls_handshake_process (on a device it cannot be there yet; on loopback it
       could, and the caller must still see NX_CONTINUE). */
    status = pump_handshake(s, wait_option, wait_option == NX_NO_WAIT);
    if (status != NX_SUCCESS && status != NX_CONTINUE && s->nx_secure_tls_standin_ssl)
        session_clear(s); /* timed out: NetX Secure resets the session */
    unlock(s);
    return status;
}

UINT _nx_secure_tls_handshake_process(NX_SECURE_TLS_SESSION *tls_session, UINT wait_option)
{
    NX_SECURE_TLS_SESSION *s = tls_session;
    REQUIRE_CREATED(s, NX_SECURE_TLS_SESSION_UNINITIALIZED);
    lock(s);
    UINT status;
    /* As NetX Secure: nothing to process once finished, or without a started client session. */
    if (s->nx_secure_tls_socket_type != NX_SECURE_TLS_SESSION_TYPE_CLIENT || s->nx_secure_tls_standin_ssl == NX_NULL ||
        s->nx_secure_tls_client_state == NX_SECURE_TLS_CLIENT_STATE_HANDSHAKE_FINISHED)
        status = NX_NOT_SUCCESSFUL;
    else
        status = pump_handshake(s, wait_option, 0);
    unlock(s);
    return status;
}

UINT _nx_secure_tls_session_end(NX_SECURE_TLS_SESSION *tls_session, UINT wait_option)
{
    NX_SECURE_TLS_SESSION *s = tls_session;
    REQUIRE_CREATED(s, NX_SECURE_TLS_SESSION_UNINITIALIZED);
    UINT status = NX_SUCCESS;
    lock(s);
    if (established(s)) {
        ERR_clear_error();
        SSL_shutdown(SSLP(s)); /* queues close_notify; the peer's answer is not awaited */
        status = flush_output(s, wait_option);
    }
    session_clear(s);
    s->nx_secure_tls_client_state = NX_SECURE_TLS_CLIENT_STATE_IDLE;
    unlock(s);
    return status;
}

/* ---- cores: data -------------------------------------------------------------------------------------- */

UINT _nx_secure_tls_packet_allocate(NX_SECURE_TLS_SESSION *tls_session, NX_PACKET_POOL *pool_ptr,
                                    NX_PACKET **packet_ptr, ULONG wait_option)
{
    UINT status = _nx_packet_allocate(pool_ptr, packet_ptr, tcp_headroom(tls_session), wait_option);
    if (status != NX_SUCCESS)
        return status;
    NX_PACKET *p = *packet_ptr;
    if ((ULONG)(p->nx_packet_data_end - p->nx_packet_prepend_ptr) < NX_SECURE_TLS_RECORD_HEADER_SIZE + 2u) {
        _nx_packet_release(p);
        *packet_ptr = NX_NULL;
        return NX_SECURE_TLS_PACKET_BUFFER_TOO_SMALL;
    }
    p->nx_packet_prepend_ptr += NX_SECURE_TLS_RECORD_HEADER_SIZE; /* room for the record header */
    p->nx_packet_append_ptr = p->nx_packet_prepend_ptr;
    p->nx_packet_length = 0;
    return NX_SUCCESS;
}

/* Puts bytes[0..n) into packet p in place of its data, starting hdr bytes before it: its buffers
   are reused, unused ones released, missing ones chained from its pool. */
static UINT packet_rewrite(NX_PACKET *p, ULONG hdr, const UCHAR *bytes, ULONG n, ULONG wait_option)
{
    p->nx_packet_prepend_ptr -= hdr;
    ULONG off = 0;
    NX_PACKET *w = p, *last = p;
    while (w != NX_NULL && off < n) {
        if (w != p)
            w->nx_packet_prepend_ptr = w->nx_packet_data_start;
        ULONG room = (ULONG)(w->nx_packet_data_end - w->nx_packet_prepend_ptr);
        ULONG k = n - off < room ? n - off : room;
        memcpy(w->nx_packet_prepend_ptr, bytes + off, k);
        w->nx_packet_append_ptr = w->nx_packet_prepend_ptr + k;
        off += k;
        last = w;
        w = w->nx_packet_next;
    }
    if (last->nx_packet_next != NX_NULL) {
        NX_PACKET *rest = last->nx_packet_next;
        last->nx_packet_next = NX_NULL;
        _nx_packet_release(rest);
    }
    p->nx_packet_length = off;
    p->nx_packet_last = last == p ? NX_NULL : last;
    if (off < n)
        return _nx_packet_data_append(p, (VOID *)(ALIGN_TYPE)(bytes + off), n - off, p->nx_packet_pool_owner,
                                      wait_option);
    return NX_SUCCESS;
}

UINT _nx_secure_tls_session_send(NX_SECURE_TLS_SESSION *tls_session, NX_PACKET *packet_ptr, ULONG wait_option)
{
    static __thread UCHAR plain[NX_SECURE_TLS_MAX_PLAINTEXT_LENGTH];
    NX_SECURE_TLS_SESSION *s = tls_session;
    ULONG len = packet_ptr->nx_packet_length;
    REQUIRE_CREATED(s, NX_SECURE_TLS_SESSION_UNINITIALIZED);
    if (len == 0)
        return NX_INVALID_PACKET;
    if (len > NX_SECURE_TLS_MAX_PLAINTEXT_LENGTH)
        return NX_SECURE_TLS_RECORD_OVERFLOW;
    if ((ULONG)(packet_ptr->nx_packet_prepend_ptr - packet_ptr->nx_packet_data_start) < NX_SECURE_TLS_RECORD_HEADER_SIZE)
        return NX_SECURE_TLS_INVALID_PACKET;
    ULONG copied = 0;
    if (_nx_packet_data_extract_offset(packet_ptr, 0, plain, len, &copied) != NX_SUCCESS || copied != len)
        return NX_SECURE_TLS_INVALID_PACKET;
    lock(s);
    if (!established(s)) {
        unlock(s);
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    }
    UINT status = flush_output(s, wait_option);
    if (status != NX_SUCCESS) {
        status = fail(s, status);
        unlock(s);
        return status;
    }
    ERR_clear_error();
    s->nx_secure_tls_standin_alert_seen = 0;
    int r = SSL_write(SSLP(s), plain, (int)len);
    if (r <= 0) {
        status = fail(s, map_ssl_failure(s, 0));
        unlock(s);
        return status;
    }
    size_t pending = BIO_ctrl_pending(WBIO(s));
    UCHAR *record = malloc(pending ? pending : 1);
    if (record == NULL) {
        status = fail(s, NX_NOT_SUCCESSFUL);
        unlock(s);
        return status;
    }
    int n = BIO_read(WBIO(s), record, (int)pending);
    /* The caller's packet carries the record (NetX Secure encrypts it in place). */
    status = packet_rewrite(packet_ptr, NX_SECURE_TLS_RECORD_HEADER_SIZE, record, n > 0 ? (ULONG)n : 0, wait_option);
    free(record);
    if (status == NX_SUCCESS)
        status = _nx_tcp_socket_send(s->nx_secure_tls_tcp_socket, packet_ptr, wait_option);
    if (status != NX_SUCCESS)
        status = fail(s, status); /* the packet stays the caller's */
    unlock(s);
    return status;
}

UINT _nx_secure_tls_session_receive(NX_SECURE_TLS_SESSION *tls_session, NX_PACKET **packet_ptr_ptr,
                                    ULONG wait_option)
{
    static __thread UCHAR plain[NX_SECURE_TLS_MAX_PLAINTEXT_LENGTH];
    NX_SECURE_TLS_SESSION *s = tls_session;
    *packet_ptr_ptr = NX_NULL;
    REQUIRE_CREATED(s, NX_SECURE_TLS_SESSION_UNINITIALIZED);
    waiter w = wait_begin(wait_option);
    lock(s);
    UINT status;
    for (;;) {
        if (!established(s)) {
            status = NX_SECURE_TLS_SESSION_UNINITIALIZED;
            break;
        }
        SSL *ssl = SSLP(s);
        ERR_clear_error();
        s->nx_secure_tls_standin_alert_seen = 0;
        int n = SSL_peek(ssl, plain, (int)sizeof(plain));
        if (n > 0) {
            /* One record's data (at most) in a packet of the session's pool; consumed from
               OpenSSL only once the packet holds it. */
            NX_PACKET_POOL *pool = s->nx_secure_tls_packet_pool;
            NX_PACKET *p = NX_NULL;
            status = _nx_packet_allocate(pool, &p, NX_RECEIVE_PACKET, wait_left(&w));
            if (status == NX_SUCCESS) {
                status = _nx_packet_data_append(p, plain, (ULONG)n, pool, wait_left(&w));
                if (status != NX_SUCCESS)
                    _nx_packet_release(p);
            }
            if (status == NX_SUCCESS) {
                SSL_read(ssl, plain, n);
                *packet_ptr_ptr = p;
                flush_output(s, NX_NO_WAIT); /* answers to post-handshake messages, if any */
            }
            break;
        }
        int err = SSL_get_error(ssl, n);
        if (err == SSL_ERROR_WANT_READ) {
            status = flush_output(s, wait_left(&w));
            if (status != NX_SUCCESS) {
                status = fail(s, status);
                break;
            }
            status = receive_input(s, wait_left(&w));
            if (status != NX_SUCCESS)
                break; /* NX_NO_PACKET, NX_NOT_CONNECTED, ...: the TCP status, as NetX Secure */
            continue;
        }
        if (err == SSL_ERROR_ZERO_RETURN) { /* close_notify */
            ERR_clear_error();
            status = fail(s, NX_SECURE_TLS_ALERT_RECEIVED);
        } else {
            status = fail(s, map_ssl_failure(s, 0));
        }
        break;
    }
    unlock(s);
    return status;
}

/* ---- cores: configuration ---------------------------------------------------------------------------- */

UINT _nx_secure_tls_session_packet_buffer_set(NX_SECURE_TLS_SESSION *session_ptr, UCHAR *buffer_ptr,
                                              ULONG buffer_size)
{
    REQUIRE_CREATED(session_ptr, NX_SECURE_TLS_SESSION_UNINITIALIZED);
    lock(session_ptr);
    session_ptr->nx_secure_tls_packet_buffer = buffer_ptr;
    session_ptr->nx_secure_tls_packet_buffer_size = buffer_size;
    unlock(session_ptr);
    return NX_SUCCESS;
}

UINT _nx_secure_tls_session_packet_pool_set(NX_SECURE_TLS_SESSION *tls_session, NX_PACKET_POOL *packet_pool)
{
    REQUIRE_CREATED(tls_session, NX_SECURE_TLS_SESSION_UNINITIALIZED);
    lock(tls_session);
    tls_session->nx_secure_tls_packet_pool = packet_pool;
    unlock(tls_session);
    return NX_SUCCESS;
}

UINT _nx_secure_tls_session_protocol_version_override(NX_SECURE_TLS_SESSION *tls_session,
                                                      USHORT protocol_version)
{
    REQUIRE_CREATED(tls_session, NX_SECURE_TLS_SESSION_UNINITIALIZED);
    lock(tls_session);
    tls_session->nx_secure_tls_protocol_version_override = protocol_version;
    unlock(tls_session);
    return NX_SUCCESS;
}

UINT _nx_secure_tls_session_sni_extension_set(NX_SECURE_TLS_SESSION *tls_session, NX_SECURE_X509_DNS_NAME *dns_name)
{
    REQUIRE_CREATED(tls_session, NX_SECURE_TLS_SESSION_UNINITIALIZED);
    lock(tls_session);
    tls_session->nx_secure_tls_sni_extension_server_name = dns_name;
    unlock(tls_session);
    return NX_SUCCESS;
}

UINT _nx_secure_tls_session_time_function_set(NX_SECURE_TLS_SESSION *tls_session, ULONG (*time_func_ptr)(void))
{
    REQUIRE_CREATED(tls_session, NX_SECURE_TLS_SESSION_UNINITIALIZED);
    lock(tls_session);
    tls_session->nx_secure_tls_session_time_function = time_func_ptr;
    unlock(tls_session);
    return NX_SUCCESS;
}

UINT _nx_secure_tls_session_certificate_callback_set(NX_SECURE_TLS_SESSION *tls_session,
                                                     ULONG (*func_ptr)(NX_SECURE_TLS_SESSION *session,
                                                                       NX_SECURE_X509_CERT *certificate))
{
    REQUIRE_CREATED(tls_session, NX_SECURE_TLS_SESSION_UNINITIALIZED);
    lock(tls_session);
    tls_session->nx_secure_tls_session_certificate_callback = func_ptr;
    unlock(tls_session);
    return NX_SUCCESS;
}

UINT _nx_secure_tls_session_alert_value_get(NX_SECURE_TLS_SESSION *tls_session, UINT *alert_level,
                                            UINT *alert_value)
{
    REQUIRE_CREATED(tls_session, NX_SECURE_TLS_SESSION_UNINITIALIZED);
    lock(tls_session);
    *alert_level = tls_session->nx_secure_tls_received_alert_level;
    *alert_value = tls_session->nx_secure_tls_received_alert_value;
    unlock(tls_session);
    return NX_SUCCESS;
}

static UINT store_add(NX_SECURE_TLS_SESSION *s, NX_SECURE_X509_CERT *c, UINT location)
{
    REQUIRE_CREATED(s, NX_SECURE_TLS_SESSION_UNINITIALIZED);
    NX_SECURE_X509_CERTIFICATE_STORE *st = &s->nx_secure_tls_credentials.nx_secure_tls_certificate_store;
    NX_SECURE_X509_CERT **list = location == NX_SECURE_X509_CERT_LOCATION_LOCAL ? &st->nx_secure_x509_local_certificates
                                 : location == NX_SECURE_X509_CERT_LOCATION_TRUSTED
                                     ? &st->nx_secure_x509_trusted_certificates
                                     : &st->nx_secure_x509_free_certificates;
    lock(s);
    UINT status = NX_SUCCESS;
    if (list_contains(*list, c))
        status = NX_SECURE_TLS_CERT_ID_DUPLICATE;
    else
        list_append(list, c, location);
    unlock(s);
    return status;
}

UINT _nx_secure_tls_trusted_certificate_add(NX_SECURE_TLS_SESSION *tls_session, NX_SECURE_X509_CERT *certificate)
{
    return store_add(tls_session, certificate, NX_SECURE_X509_CERT_LOCATION_TRUSTED);
}

UINT _nx_secure_tls_local_certificate_add(NX_SECURE_TLS_SESSION *tls_session, NX_SECURE_X509_CERT *certificate)
{
    return store_add(tls_session, certificate, NX_SECURE_X509_CERT_LOCATION_LOCAL);
}

UINT _nx_secure_tls_remote_certificate_allocate(NX_SECURE_TLS_SESSION *tls_session, NX_SECURE_X509_CERT *certificate,
                                                UCHAR *raw_certificate_buffer, UINT buffer_size)
{
    REQUIRE_CREATED(tls_session, NX_SECURE_TLS_SESSION_UNINITIALIZED);
    memset(certificate, 0, sizeof(*certificate));
    certificate->nx_secure_x509_certificate_raw_data = raw_certificate_buffer;
    certificate->nx_secure_x509_certificate_raw_buffer_size = buffer_size;
    certificate->nx_secure_x509_user_allocated_cert = NX_TRUE;
    return store_add(tls_session, certificate, NX_SECURE_X509_CERT_LOCATION_FREE);
}

UINT _nx_secure_tls_remote_certificate_free_all(NX_SECURE_TLS_SESSION *tls_session)
{
    REQUIRE_CREATED(tls_session, NX_SECURE_TLS_SESSION_UNINITIALIZED);
    lock(tls_session);
    remote_certificates_free(tls_session);
    unlock(tls_session);
    return NX_SUCCESS;
}

UINT _nx_secure_tls_metadata_size_calculate(const NX_SECURE_TLS_CRYPTO *crypto_table, ULONG *metadata_size)
{
    (void)crypto_table;
    *metadata_size = STANDIN_METADATA_SIZE;
    return NX_SUCCESS;
}

UINT _nx_secure_tls_ecc_initialize(NX_SECURE_TLS_SESSION *tls_session, const USHORT *supported_groups,
                                   USHORT supported_group_count, const NX_CRYPTO_METHOD **curves)
{
    /* OpenSSL chooses the groups itself: accepted and ignored. */
    (void)supported_groups;
    (void)supported_group_count;
    (void)curves;
    return tls_session == NX_NULL ? NX_PTR_ERROR : NX_SUCCESS;
}

/* ---- X.509 ----------------------------------------------------------------------------------------------- */

UINT _nx_secure_x509_certificate_initialize(NX_SECURE_X509_CERT *certificate, UCHAR *certificate_data, USHORT length,
                                            UCHAR *raw_data_buffer, USHORT buffer_size, const UCHAR *private_key,
                                            USHORT priv_len, UINT private_key_type)
{
    memset(certificate, 0, sizeof(*certificate));
    certificate->nx_secure_x509_certificate_raw_data_length = length;
    if (raw_data_buffer == NX_NULL) {
        certificate->nx_secure_x509_certificate_raw_data = certificate_data;
        certificate->nx_secure_x509_certificate_raw_buffer_size = length;
    } else {
        if (length > buffer_size)
            return NX_SECURE_X509_INSUFFICIENT_CERT_SPACE;
        memcpy(raw_data_buffer, certificate_data, length);
        certificate->nx_secure_x509_certificate_raw_data = raw_data_buffer;
        certificate->nx_secure_x509_certificate_raw_buffer_size = buffer_size;
    }
    X509 *x = parse_certificate(certificate);
    if (x == NULL) {
        ERR_clear_error();
        return NX_SECURE_X509_INVALID_CERTIFICATE;
    }
    certificate->nx_secure_x509_version = (USHORT)(X509_get_version(x) + 1);
    X509_free(x);
    if (private_key != NX_NULL && priv_len > 0) {
        certificate->nx_secure_x509_private_key_type = private_key_type;
        if ((private_key_type & NX_SECURE_X509_KEY_TYPE_USER_DEFINED_MASK) == 0 &&
            private_key_type != NX_SECURE_X509_KEY_TYPE_HARDWARE) {
            if (private_key_type != NX_SECURE_X509_KEY_TYPE_RSA_PKCS1_DER &&
                private_key_type != NX_SECURE_X509_KEY_TYPE_EC_DER)
                return NX_SECURE_X509_INVALID_PRIVATE_KEY_TYPE;
            EVP_PKEY *k = parse_private_key(private_key_type, private_key, priv_len);
            ERR_clear_error();
            if (k == NULL)
                return private_key_type == NX_SECURE_X509_KEY_TYPE_RSA_PKCS1_DER ? NX_SECURE_PKCS1_INVALID_PRIVATE_KEY
                                                                                  : NX_SECURE_X509_UNEXPECTED_ASN1_TAG;
            EVP_PKEY_free(k);
        }
        certificate->nx_secure_x509_private_key.user_key.key_data = private_key;
        certificate->nx_secure_x509_private_key.user_key.key_length = priv_len;
        certificate->nx_secure_x509_certificate_is_identity_cert = NX_TRUE;
    }
    return NX_SECURE_X509_SUCCESS;
}

UINT _nx_secure_x509_dns_name_initialize(NX_SECURE_X509_DNS_NAME *dns_name, const UCHAR *name_string, USHORT length)
{
    if (length > NX_SECURE_X509_DNS_NAME_MAX)
        length = NX_SECURE_X509_DNS_NAME_MAX;
    memcpy(dns_name->nx_secure_x509_dns_name, name_string, length);
    dns_name->nx_secure_x509_dns_name_length = length;
    return NX_SECURE_X509_SUCCESS;
}

UINT _nx_secure_x509_common_name_dns_check(NX_SECURE_X509_CERT *certificate, const UCHAR *dns_tld, UINT dns_tld_length)
{
    X509 *x = parse_certificate(certificate);
    if (x == NULL) {
        ERR_clear_error();
        return NX_SECURE_X509_INVALID_CERTIFICATE;
    }
    /* The common name and the subjectAltName DNS entries, as NetX Secure checks both. */
    int ok = X509_check_host(x, (const char *)dns_tld, dns_tld_length, X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT, NULL);
    X509_free(x);
    ERR_clear_error();
    return ok == 1 ? NX_SECURE_X509_SUCCESS : NX_SECURE_X509_CERTIFICATE_DNS_MISMATCH;
}

/* ---- error-checking front ends (NetX Secure's checks and codes) ---------------------------------------- */

static int is_session(const NX_SECURE_TLS_SESSION *s)
{
    return s->nx_secure_tls_id == NX_SECURE_TLS_ID;
}

UINT _nxe_secure_tls_session_create(NX_SECURE_TLS_SESSION *session_ptr, const NX_SECURE_TLS_CRYPTO *cipher_table,
                                    VOID *metadata_area, ULONG metadata_size)
{
    if (session_ptr == NX_NULL || cipher_table == NX_NULL || metadata_area == NX_NULL)
        return NX_PTR_ERROR;
    pthread_mutex_lock(&created_lock);
    int duplicate = 0;
    for (NX_SECURE_TLS_SESSION *c = created_ptr; c; c = c->nx_secure_tls_created_next)
        if (c == session_ptr)
            duplicate = 1;
    pthread_mutex_unlock(&created_lock);
    if (duplicate)
        return NX_PTR_ERROR;
    return _nx_secure_tls_session_create(session_ptr, cipher_table, metadata_area, metadata_size);
}

UINT _nxe_secure_tls_session_delete(NX_SECURE_TLS_SESSION *tls_session)
{
    if (tls_session == NX_NULL)
        return NX_PTR_ERROR;
    pthread_mutex_lock(&created_lock);
    int found = 0;
    for (NX_SECURE_TLS_SESSION *c = created_ptr; c; c = c->nx_secure_tls_created_next)
        if (c == tls_session)
            found = 1;
    pthread_mutex_unlock(&created_lock);
    if (!found)
        return NX_PTR_ERROR;
    return _nx_secure_tls_session_delete(tls_session);
}

UINT _nxe_secure_tls_session_start(NX_SECURE_TLS_SESSION *tls_session, NX_TCP_SOCKET *tcp_socket, UINT wait_option)
{
    if (tls_session == NX_NULL || tcp_socket == NX_NULL)
        return NX_PTR_ERROR;
    if (!is_session(tls_session))
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    return _nx_secure_tls_session_start(tls_session, tcp_socket, wait_option);
}

UINT _nxe_secure_tls_session_end(NX_SECURE_TLS_SESSION *tls_session, UINT wait_option)
{
    if (tls_session == NX_NULL)
        return NX_PTR_ERROR;
    if (!is_session(tls_session))
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    return _nx_secure_tls_session_end(tls_session, wait_option);
}

UINT _nxe_secure_tls_session_reset(NX_SECURE_TLS_SESSION *tls_session)
{
    if (tls_session == NX_NULL)
        return NX_PTR_ERROR;
    if (!is_session(tls_session))
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    return _nx_secure_tls_session_reset(tls_session);
}

UINT _nxe_secure_tls_session_send(NX_SECURE_TLS_SESSION *tls_session, NX_PACKET *packet_ptr, ULONG wait_option)
{
    if (tls_session == NX_NULL || packet_ptr == NX_NULL)
        return NX_PTR_ERROR;
    if (packet_ptr->nx_packet_length == 0)
        return NX_INVALID_PACKET;
    if (tls_session->nx_secure_tls_tcp_socket == NX_NULL || !is_session(tls_session))
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    if (packet_ptr->nx_packet_length > NX_SECURE_TLS_MAX_PLAINTEXT_LENGTH)
        return NX_SECURE_TLS_RECORD_OVERFLOW;
    return _nx_secure_tls_session_send(tls_session, packet_ptr, wait_option);
}

UINT _nxe_secure_tls_session_receive(NX_SECURE_TLS_SESSION *tls_session, NX_PACKET **packet_ptr_ptr, ULONG wait_option)
{
    if (tls_session == NX_NULL || packet_ptr_ptr == NX_NULL)
        return NX_PTR_ERROR;
    if (!is_session(tls_session) || tls_session->nx_secure_tls_tcp_socket == NX_NULL)
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    return _nx_secure_tls_session_receive(tls_session, packet_ptr_ptr, wait_option);
}

UINT _nxe_secure_tls_packet_allocate(NX_SECURE_TLS_SESSION *tls_session, NX_PACKET_POOL *pool_ptr,
                                     NX_PACKET **packet_ptr, ULONG wait_option)
{
    if (tls_session == NX_NULL || pool_ptr == NX_NULL || packet_ptr == NX_NULL)
        return NX_PTR_ERROR;
    if (!is_session(tls_session))
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    NX_TCP_SOCKET *t = tls_session->nx_secure_tls_tcp_socket;
    if (t == NX_NULL)
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    if (t->nx_tcp_socket_connect_ip.nxd_ip_version != NX_IP_VERSION_V4 &&
        t->nx_tcp_socket_connect_ip.nxd_ip_version != NX_IP_VERSION_V6)
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    pthread_mutex_lock(&t->nx_standin_lock); /* the socket's thread changes the state */
    UINT state = t->nx_tcp_socket_state;
    pthread_mutex_unlock(&t->nx_standin_lock);
    if (state != NX_TCP_ESTABLISHED)
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    return _nx_secure_tls_packet_allocate(tls_session, pool_ptr, packet_ptr, wait_option);
}

UINT _nxe_secure_tls_session_packet_buffer_set(NX_SECURE_TLS_SESSION *session_ptr, UCHAR *buffer_ptr, ULONG buffer_size)
{
    if (session_ptr == NX_NULL || buffer_ptr == NX_NULL)
        return NX_PTR_ERROR;
    if (buffer_size < NX_SECURE_TLS_MINIMUM_MESSAGE_BUFFER_SIZE)
        return NX_INVALID_PARAMETERS;
    if (!is_session(session_ptr))
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    return _nx_secure_tls_session_packet_buffer_set(session_ptr, buffer_ptr, buffer_size);
}

UINT _nxe_secure_tls_session_packet_pool_set(NX_SECURE_TLS_SESSION *tls_session, NX_PACKET_POOL *packet_pool)
{
    if (tls_session == NX_NULL)
        return NX_PTR_ERROR;
    if (!is_session(tls_session))
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    return _nx_secure_tls_session_packet_pool_set(tls_session, packet_pool);
}

UINT _nxe_secure_tls_session_protocol_version_override(NX_SECURE_TLS_SESSION *tls_session, USHORT protocol_version)
{
    if (tls_session == NX_NULL)
        return NX_PTR_ERROR;
    switch (protocol_version) {
    case NX_SECURE_TLS_VERSION_TLS_1_0:
    case NX_SECURE_TLS_VERSION_TLS_1_1:
    case NX_SECURE_TLS_VERSION_TLS_1_2:
    case NX_SECURE_TLS_VERSION_TLS_1_3:
        break;
    case NX_SECURE_TLS_VERSION_SSL_3_0:
        return NX_SECURE_TLS_UNSUPPORTED_TLS_VERSION;
    default:
        return NX_SECURE_TLS_UNKNOWN_TLS_VERSION;
    }
    if (!is_session(tls_session))
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    return _nx_secure_tls_session_protocol_version_override(tls_session, protocol_version);
}

UINT _nxe_secure_tls_session_sni_extension_set(NX_SECURE_TLS_SESSION *tls_session, NX_SECURE_X509_DNS_NAME *dns_name)
{
    if (tls_session == NX_NULL || dns_name == NX_NULL)
        return NX_PTR_ERROR;
    if (!is_session(tls_session))
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    return _nx_secure_tls_session_sni_extension_set(tls_session, dns_name);
}

UINT _nxe_secure_tls_session_time_function_set(NX_SECURE_TLS_SESSION *tls_session, ULONG (*time_func_ptr)(void))
{
    if (tls_session == NX_NULL || time_func_ptr == NX_NULL)
        return NX_PTR_ERROR;
    if (!is_session(tls_session))
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    return _nx_secure_tls_session_time_function_set(tls_session, time_func_ptr);
}

UINT _nxe_secure_tls_session_certificate_callback_set(NX_SECURE_TLS_SESSION *tls_session,
                                                      ULONG (*func_ptr)(NX_SECURE_TLS_SESSION *session,
                                                                        NX_SECURE_X509_CERT *certificate))
{
    if (tls_session == NX_NULL || func_ptr == NX_NULL)
        return NX_PTR_ERROR;
    if (!is_session(tls_session))
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    return _nx_secure_tls_session_certificate_callback_set(tls_session, func_ptr);
}

UINT _nxe_secure_tls_session_alert_value_get(NX_SECURE_TLS_SESSION *tls_session, UINT *alert_level, UINT *alert_value)
{
    if (tls_session == NX_NULL || alert_level == NX_NULL || alert_value == NX_NULL)
        return NX_PTR_ERROR;
    if (!is_session(tls_session))
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    return _nx_secure_tls_session_alert_value_get(tls_session, alert_level, alert_value);
}

UINT _nxe_secure_tls_trusted_certificate_add(NX_SECURE_TLS_SESSION *tls_session, NX_SECURE_X509_CERT *certificate)
{
    if (tls_session == NX_NULL || certificate == NX_NULL)
        return NX_PTR_ERROR;
    if (!is_session(tls_session))
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    return _nx_secure_tls_trusted_certificate_add(tls_session, certificate);
}

UINT _nxe_secure_tls_local_certificate_add(NX_SECURE_TLS_SESSION *tls_session, NX_SECURE_X509_CERT *certificate)
{
    if (tls_session == NX_NULL || certificate == NX_NULL)
        return NX_PTR_ERROR;
    if (!is_session(tls_session))
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    return _nx_secure_tls_local_certificate_add(tls_session, certificate);
}

UINT _nxe_secure_tls_remote_certificate_allocate(NX_SECURE_TLS_SESSION *tls_session, NX_SECURE_X509_CERT *certificate,
                                                 UCHAR *raw_certificate_buffer, UINT buffer_size)
{
    if (tls_session == NX_NULL || certificate == NX_NULL || raw_certificate_buffer == NX_NULL)
        return NX_PTR_ERROR;
    if (!is_session(tls_session))
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    if (buffer_size == 0)
        return NX_SECURE_TLS_INSUFFICIENT_CERT_SPACE;
    return _nx_secure_tls_remote_certificate_allocate(tls_session, certificate, raw_certificate_buffer, buffer_size);
}

UINT _nxe_secure_tls_remote_certificate_free_all(NX_SECURE_TLS_SESSION *tls_session)
{
    if (tls_session == NX_NULL)
        return NX_PTR_ERROR;
    if (!is_session(tls_session))
        return NX_SECURE_TLS_SESSION_UNINITIALIZED;
    return _nx_secure_tls_remote_certificate_free_all(tls_session);
}

UINT _nxe_secure_tls_metadata_size_calculate(const NX_SECURE_TLS_CRYPTO *crypto_table, ULONG *metadata_size)
{
    if (crypto_table == NX_NULL || metadata_size == NX_NULL)
        return NX_PTR_ERROR;
    return _nx_secure_tls_metadata_size_calculate(crypto_table, metadata_size);
}

UINT _nxe_secure_x509_certificate_initialize(NX_SECURE_X509_CERT *certificate, UCHAR *certificate_data, USHORT length,
                                             UCHAR *raw_data_buffer, USHORT buffer_size, const UCHAR *private_key,
                                             USHORT priv_len, UINT private_key_type)
{
    if (certificate == NX_NULL || certificate_data == NX_NULL || length == 0)
        return NX_PTR_ERROR;
    return _nx_secure_x509_certificate_initialize(certificate, certificate_data, length, raw_data_buffer, buffer_size,
                                                  private_key, priv_len, private_key_type);
}

UINT _nxe_secure_x509_dns_name_initialize(NX_SECURE_X509_DNS_NAME *dns_name, const UCHAR *name_string, USHORT length)
{
    if (dns_name == NX_NULL)
        return NX_PTR_ERROR;
    if (length > NX_SECURE_X509_DNS_NAME_MAX)
        return NX_SECURE_X509_NAME_STRING_TOO_LONG;
    return _nx_secure_x509_dns_name_initialize(dns_name, name_string, length);
}

UINT _nxe_secure_x509_common_name_dns_check(NX_SECURE_X509_CERT *certificate, const UCHAR *dns_tld,
                                            UINT dns_tld_length)
{
    if (certificate == NX_NULL || dns_tld == NX_NULL || dns_tld_length == 0)
        return NX_PTR_ERROR;
    return _nx_secure_x509_common_name_dns_check(certificate, dns_tld, dns_tld_length);
}
