/* Host stand-in for the parts of NetX Crypto's nx_crypto.h that NetX Secure applications name
 * (test support only).
 *
 * Written for the nxd_mqtt tests. The stand-in's TLS (nx_secure_tls_api.h, implemented over
 * OpenSSL) does its cryptography itself: crypto methods and ciphersuite tables exist so that
 * applications' TLS setup code compiles and links (type names, the leading members of
 * NX_CRYPTO_METHOD, a few algorithm identifiers with NetX Crypto's values); they carry no
 * implementation.
 */
#ifndef NX_CRYPTO_H
#define NX_CRYPTO_H

#include "nx_api.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef UINT NX_CRYPTO_KEY_SIZE;

#define NX_CRYPTO_NULL ((void *)0)
#define NX_CRYPTO_TRUE 1
#define NX_CRYPTO_FALSE 0

#define NX_CRYPTO_SUCCESS 0x0
#define NX_CRYPTO_NOT_SUCCESSFUL 0x20009

/* Algorithm identifiers (values of NetX Crypto's nx_crypto_const.h). */
#define NX_CRYPTO_AUTHENTICATION_HMAC_SHA2_256 0x0001000C
#define NX_CRYPTO_HASH_SHA256 0x00030005
#define NX_CRYPTO_EC_SECP256R1 0x00060017
#define NX_CRYPTO_EC_SECP384R1 0x00060018
#define NX_CRYPTO_EC_SECP521R1 0x00060019
#define NX_CRYPTO_EC_X25519 0x0006001D
#define NX_CRYPTO_EC_X448 0x0006001E

/* A crypto method: the leading members have NetX Crypto's names; the operations are not
   provided by the stand-in (its objects have NULL function pointers). */
typedef struct NX_CRYPTO_METHOD_STRUCT {
    UINT nx_crypto_algorithm;
    NX_CRYPTO_KEY_SIZE nx_crypto_key_size_in_bits;
    USHORT nx_crypto_IV_size_in_bits;
    USHORT nx_crypto_ICV_size_in_bits;
    ULONG nx_crypto_block_size_in_bytes;
    ULONG nx_crypto_metadata_area_size;
    UINT (*nx_crypto_init)(struct NX_CRYPTO_METHOD_STRUCT *method, UCHAR *key,
                           NX_CRYPTO_KEY_SIZE key_size_in_bits, VOID **handler,
                           VOID *crypto_metadata, ULONG crypto_metadata_size);
    UINT (*nx_crypto_cleanup)(VOID *crypto_metadata);
    const CHAR *nx_crypto_standin_name;
} NX_CRYPTO_METHOD;

/* A ciphersuite description (for _nx_secure_tls_session_create_ext): IANA identifier first,
   the rest is the stand-in's. */
typedef struct NX_CRYPTO_CIPHERSUITE_STRUCT {
    USHORT nx_crypto_ciphersuite_id;
    USHORT nx_crypto_internal_id;
    UINT nx_crypto_symmetric_key_size;
    UINT nx_crypto_version;
} NX_CRYPTO_CIPHERSUITE;

#define nx_crypto_initialize _nx_crypto_initialize
UINT _nx_crypto_initialize(VOID);

#ifdef __cplusplus
}
#endif

#endif /* NX_CRYPTO_H */
