/* Shared by the NetX port's TLS and WebSocket tests (test_netx_tls.c, test_netx_websocket.c):
 * a tls_setup callback written as NetX Duo's MQTT sample writes one, configured by tu_tls, and
 * a client with counting callbacks. */
#ifndef TU_NETX_TLS_H
#define TU_NETX_TLS_H

#include "tx_api.h"
#include "nx_api.h"
#include "nx_secure_tls_api.h"
#include "nxd_mqtt_client.h"
#include "tu.h"

/* Options of the next tu_tls_setup call. */
typedef struct tu_tls_options {
    int wrong_ca;           /* trust the fixture's unrelated CA */
    const char *sni;        /* server name to check (NULL: none) */
    int client_certificate; /* present the fixture's RSA client certificate */
    UINT fail_with;         /* return this instead of configuring */
    volatile unsigned calls;
} tu_tls_options;

extern tu_tls_options tu_tls;

/* Reads the fixture's DER files; tu_tls_free releases them. */
void tu_tls_load(const tu_broker *b);
void tu_tls_free(void);

/* The tls_setup callback: session with the application's buffers, remote certificate
   storage, the trusted CA, then what tu_tls asks for. */
UINT tu_tls_setup(NXD_MQTT_CLIENT *client, NX_SECURE_TLS_SESSION *session, NX_SECURE_X509_CERT *certificate,
                  NX_SECURE_X509_CERT *trusted);

/* A client with counting receive, disconnect and connect notifies (mqtt first). */
typedef struct tu_netx_client {
    NXD_MQTT_CLIENT mqtt;
    ULONG stack[16384 / sizeof(ULONG)];
    char id[96];
    volatile unsigned notifies, disconnects, connect_notifies;
    volatile UINT connect_status;
} tu_netx_client;

/* Creates cl (id tu_name(suffix)) on ip / pool at priority 7 and sets its notifies. */
void tu_netx_client_create(tu_netx_client *cl, const char *suffix, NX_IP *ip, NX_PACKET_POOL *pool);

#endif
