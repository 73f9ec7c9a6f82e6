/* Host stand-in for NetX Secure's X.509 API (nx_secure_x509.h), test support only.
 *
 * Written for the nxd_mqtt tests: the names, return codes (same values), key-type constants and
 * the public-name mapping (_nxe_ front ends unless NX_SECURE_DISABLE_ERROR_CHECKING) are NetX
 * Secure's; NX_SECURE_X509_DNS_NAME has NetX Secure's members; NX_SECURE_X509_CERT keeps the
 * members applications touch under their real names (raw data buffer, private key, identity
 * flag, list link), the rest of its layout is ours. Certificates are parsed with OpenSSL by
 * src/nx_secure_standin.c; a certificate structure never owns heap memory (it points at the
 * application's buffers, as in NetX Secure).
 */
#ifndef SRC_NX_SECURE_X509_H_
#define SRC_NX_SECURE_X509_H_

#include "nx_api.h"
#include "nx_crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Return values for X.509 errors (NetX Secure's values). */
#define NX_SECURE_X509_SUCCESS 0
#define NX_SECURE_X509_MULTIBYTE_TAG_UNSUPPORTED 0x181
#define NX_SECURE_X509_ASN1_LENGTH_TOO_LONG 0x182
#define NX_SECURE_X509_FOUND_NON_ZERO_PADDING 0x183
#define NX_SECURE_X509_MISSING_PUBLIC_KEY 0x184
#define NX_SECURE_X509_INVALID_PUBLIC_KEY 0x185
#define NX_SECURE_X509_INVALID_CERTIFICATE_SEQUENCE 0x186
#define NX_SECURE_X509_MISSING_SIGNATURE_ALGORITHM 0x187
#define NX_SECURE_X509_INVALID_CERTIFICATE_DATA 0x188
#define NX_SECURE_X509_UNEXPECTED_ASN1_TAG 0x189
#define NX_SECURE_PKCS1_INVALID_PRIVATE_KEY 0x18A
#define NX_SECURE_X509_CHAIN_TOO_SHORT 0x18B
#define NX_SECURE_X509_CHAIN_VERIFY_FAILURE 0x18C
#define NX_SECURE_X509_PKCS7_PARSING_FAILED 0x18D
#define NX_SECURE_X509_CERTIFICATE_NOT_FOUND 0x18E
#define NX_SECURE_X509_INVALID_VERSION 0x18F
#define NX_SECURE_X509_INVALID_TAG_CLASS 0x190
#define NX_SECURE_X509_INVALID_EXTENSIONS 0x191
#define NX_SECURE_X509_INVALID_EXTENSION_SEQUENCE 0x192
#define NX_SECURE_X509_CERTIFICATE_EXPIRED 0x193
#define NX_SECURE_X509_CERTIFICATE_NOT_YET_VALID 0x194
#define NX_SECURE_X509_CERTIFICATE_DNS_MISMATCH 0x195
#define NX_SECURE_X509_INVALID_DATE_FORMAT 0x196
#define NX_SECURE_X509_CRL_ISSUER_MISMATCH 0x197
#define NX_SECURE_X509_CRL_SIGNATURE_CHECK_FAILED 0x198
#define NX_SECURE_X509_CRL_CERTIFICATE_REVOKED 0x199
#define NX_SECURE_X509_WRONG_SIGNATURE_METHOD 0x19A
#define NX_SECURE_X509_EXTENSION_NOT_FOUND 0x19B
#define NX_SECURE_X509_ALT_NAME_NOT_FOUND 0x19C
#define NX_SECURE_X509_INVALID_PRIVATE_KEY_TYPE 0x19D
#define NX_SECURE_X509_NAME_STRING_TOO_LONG 0x19E
#define NX_SECURE_X509_EXT_KEY_USAGE_NOT_FOUND 0x19F
#define NX_SECURE_X509_KEY_USAGE_ERROR 0x1A0
#define NX_SECURE_X509_UNSUPPORTED_PUBLIC_CIPHER 0x1A1
#define NX_SECURE_X509_INVALID_CERTIFICATE 0x1A2
#define NX_SECURE_X509_UNKNOWN_CERT_SIG_ALGORITHM 0x1A3
#define NX_SECURE_X509_CERTIFICATE_SIG_CHECK_FAILED 0x1A4
#define NX_SECURE_X509_INVALID_SELF_SIGNED_CERT 0x1A5
#define NX_SECURE_X509_ISSUER_CERTIFICATE_NOT_FOUND 0x1A6
#define NX_SECURE_X509_NO_CERT_SPACE_ALLOCATED 0x1A7
#define NX_SECURE_X509_INSUFFICIENT_CERT_SPACE 0x1A8
#define NX_SECURE_X509_CERT_ID_DUPLICATE 0x1A9
#define NX_SECURE_X509_MISSING_CRYPTO_ROUTINE 0x1AA

/* Private key types for nx_secure_x509_certificate_initialize. */
#define NX_SECURE_X509_KEY_TYPE_USER_DEFINED_MASK (0xFFFF0000)
#define NX_SECURE_X509_KEY_TYPE_NONE 0x00000000
#define NX_SECURE_X509_KEY_TYPE_RSA_PKCS1_DER 0x00000001
#define NX_SECURE_X509_KEY_TYPE_EC_DER 0x00000002
#define NX_SECURE_X509_KEY_TYPE_HARDWARE 0x00000003

/* Where a certificate lives in a session's store. */
#define NX_SECURE_X509_CERT_LOCATION_NONE 0
#define NX_SECURE_X509_CERT_LOCATION_LOCAL 1
#define NX_SECURE_X509_CERT_LOCATION_REMOTE 2
#define NX_SECURE_X509_CERT_LOCATION_TRUSTED 3
#define NX_SECURE_X509_CERT_LOCATION_EXCEPTIONS 4
#define NX_SECURE_X509_CERT_LOCATION_FREE 5

/* A DNS name (NetX Secure's members). */
#define NX_SECURE_X509_DNS_NAME_MAX (100)
typedef struct NX_SECURE_X509_DNS_NAME_STRUCT {
    UCHAR nx_secure_x509_dns_name[NX_SECURE_X509_DNS_NAME_MAX];
    USHORT nx_secure_x509_dns_name_length;
    struct NX_SECURE_X509_DNS_NAME_STRUCT *nx_secure_x509_dns_name_next;
} NX_SECURE_X509_DNS_NAME;

/* An X.509 certificate. The DER bytes stay in the application's buffers (or, for a remote
   certificate, in the buffer given to nx_secure_tls_remote_certificate_allocate or the session's
   packet buffer). */
typedef struct NX_SECURE_X509_CERT_STRUCT {
    UINT nx_secure_x509_certificate_is_identity_cert; /* a private key was given */
    USHORT nx_secure_x509_version;
    UINT nx_secure_x509_cert_identifier;
    UCHAR *nx_secure_x509_certificate_raw_data; /* DER */
    UINT nx_secure_x509_certificate_raw_buffer_size;
    UINT nx_secure_x509_certificate_raw_data_length;
    struct NX_SECURE_X509_CERT_STRUCT *nx_secure_x509_next_certificate; /* store lists */
    UINT nx_secure_x509_private_key_type;
    struct {
        struct {
            const UCHAR *key_data; /* DER of the private key, as given */
            ULONG key_length;
        } user_key;
    } nx_secure_x509_private_key;
    UINT nx_secure_x509_user_allocated_cert;
    UINT nx_secure_x509_standin_location; /* NX_SECURE_X509_CERT_LOCATION_* while in a store */
} NX_SECURE_X509_CERT;

/* A session's certificate lists (NetX Secure's members). */
typedef struct NX_SECURE_X509_CERTIFICATE_STORE_STRUCT {
    NX_SECURE_X509_CERT *nx_secure_x509_local_certificates;
    NX_SECURE_X509_CERT *nx_secure_x509_remote_certificates;
    NX_SECURE_X509_CERT *nx_secure_x509_free_certificates;
    NX_SECURE_X509_CERT *nx_secure_x509_trusted_certificates;
    NX_SECURE_X509_CERT *nx_secure_x509_certificate_exceptions;
} NX_SECURE_X509_CERTIFICATE_STORE;

/* Cores. */
UINT _nx_secure_x509_certificate_initialize(NX_SECURE_X509_CERT *certificate,
                                            UCHAR *certificate_data, USHORT length,
                                            UCHAR *raw_data_buffer, USHORT buffer_size,
                                            const UCHAR *private_key, USHORT priv_len,
                                            UINT private_key_type);
UINT _nx_secure_x509_dns_name_initialize(NX_SECURE_X509_DNS_NAME *dns_name,
                                         const UCHAR *name_string, USHORT length);
UINT _nx_secure_x509_common_name_dns_check(NX_SECURE_X509_CERT *certificate,
                                           const UCHAR *dns_tld, UINT dns_tld_length);

/* Error-checking front ends. */
UINT _nxe_secure_x509_certificate_initialize(NX_SECURE_X509_CERT *certificate,
                                             UCHAR *certificate_data, USHORT length,
                                             UCHAR *raw_data_buffer, USHORT buffer_size,
                                             const UCHAR *private_key, USHORT priv_len,
                                             UINT private_key_type);
UINT _nxe_secure_x509_dns_name_initialize(NX_SECURE_X509_DNS_NAME *dns_name,
                                          const UCHAR *name_string, USHORT length);
UINT _nxe_secure_x509_common_name_dns_check(NX_SECURE_X509_CERT *certificate,
                                            const UCHAR *dns_tld, UINT dns_tld_length);

#ifndef NX_SECURE_SOURCE_CODE
#ifdef NX_SECURE_DISABLE_ERROR_CHECKING
#define nx_secure_x509_certificate_initialize _nx_secure_x509_certificate_initialize
#define nx_secure_x509_common_name_dns_check _nx_secure_x509_common_name_dns_check
#define nx_secure_x509_dns_name_initialize _nx_secure_x509_dns_name_initialize
#else
#define nx_secure_x509_certificate_initialize _nxe_secure_x509_certificate_initialize
#define nx_secure_x509_common_name_dns_check _nxe_secure_x509_common_name_dns_check
#define nx_secure_x509_dns_name_initialize _nxe_secure_x509_dns_name_initialize
#endif
#endif /* NX_SECURE_SOURCE_CODE */

#ifdef __cplusplus
}
#endif

#endif /* SRC_NX_SECURE_X509_H_ */
