/* See tu_netx_tls.h. */
#include "tu_netx_tls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const NX_SECURE_TLS_CRYPTO nx_crypto_tls_ciphers;

tu_tls_options tu_tls;

static UCHAR tls_metadata[16 * 1024];
static UCHAR tls_packet_buffer[16 * 1024];
static NX_SECURE_X509_CERT remote_certificates[3];
static UCHAR remote_certificate_buffers[3][4096];
static NX_SECURE_X509_DNS_NAME dns_name;
static unsigned char *ca_der, *wrong_ca_der, *client_cert_der, *client_key_der;
static size_t ca_len, wrong_ca_len, client_cert_len, client_key_len;

void tu_tls_load(const tu_broker *b)
{
    ca_der = tu_read_file(b->tls_ca_der, &ca_len);
    wrong_ca_der = tu_read_file(b->tls_wrong_ca_der, &wrong_ca_len);
    client_cert_der = tu_read_file(b->tls_client_cert_der, &client_cert_len);
    client_key_der = tu_read_file(b->tls_client_key_der, &client_key_len);
    nx_secure_tls_initialize();
}

void tu_tls_free(void)
{
    free(ca_der);
    free(wrong_ca_der);
    free(client_cert_der);
    free(client_key_der);
}

UINT tu_tls_setup(NXD_MQTT_CLIENT *client, NX_SECURE_TLS_SESSION *session, NX_SECURE_X509_CERT *certificate,
                  NX_SECURE_X509_CERT *trusted)
{
    (void)client;
    tu_tls.calls++;
    if (tu_tls.fail_with)
        return tu_tls.fail_with;
    UINT s = nx_secure_tls_session_create(session, &nx_crypto_tls_ciphers, tls_metadata, sizeof tls_metadata);
    if (s == NX_SUCCESS)
        s = nx_secure_tls_session_packet_buffer_set(session, tls_packet_buffer, sizeof tls_packet_buffer);
    for (int i = 0; s == NX_SUCCESS && i < 3; i++)
        s = nx_secure_tls_remote_certificate_allocate(session, &remote_certificates[i], remote_certificate_buffers[i],
                                                      sizeof remote_certificate_buffers[i]);
    if (s == NX_SUCCESS)
        s = nx_secure_x509_certificate_initialize(trusted, tu_tls.wrong_ca ? wrong_ca_der : ca_der,
                                                  (USHORT)(tu_tls.wrong_ca ? wrong_ca_len : ca_len), NX_NULL, 0,
                                                  NX_NULL, 0, NX_SECURE_X509_KEY_TYPE_NONE);
    if (s == NX_SUCCESS)
        s = nx_secure_tls_trusted_certificate_add(session, trusted);
    if (s == NX_SUCCESS && tu_tls.sni) {
        s = nx_secure_x509_dns_name_initialize(&dns_name, (const UCHAR *)tu_tls.sni, (USHORT)strlen(tu_tls.sni));
        if (s == NX_SUCCESS)
            s = nx_secure_tls_session_sni_extension_set(session, &dns_name);
    }
    if (s == NX_SUCCESS && tu_tls.client_certificate) {
        s = nx_secure_x509_certificate_initialize(certificate, client_cert_der, (USHORT)client_cert_len, NX_NULL, 0,
                                                  client_key_der, (USHORT)client_key_len,
                                                  NX_SECURE_X509_KEY_TYPE_RSA_PKCS1_DER);
        if (s == NX_SUCCESS)
            s = nx_secure_tls_local_certificate_add(session, certificate);
    }
    return s;
}

static tu_netx_client *client_of(NXD_MQTT_CLIENT *m)
{
    return (tu_netx_client *)(void *)m; /* mqtt is the first member */
}

static void on_receive(NXD_MQTT_CLIENT *m, UINT count)
{
    (void)count;
    __atomic_add_fetch(&client_of(m)->notifies, 1, __ATOMIC_SEQ_CST);
}

static void on_disconnect(NXD_MQTT_CLIENT *m)
{
    __atomic_add_fetch(&client_of(m)->disconnects, 1, __ATOMIC_SEQ_CST);
}

static VOID on_connect(NXD_MQTT_CLIENT *m, UINT status, VOID *context)
{
    (void)context;
    client_of(m)->connect_status = status;
    __atomic_add_fetch(&client_of(m)->connect_notifies, 1, __ATOMIC_SEQ_CST);
}

void tu_netx_client_create(tu_netx_client *cl, const char *suffix, NX_IP *ip, NX_PACKET_POOL *pool)
{
    memset(cl, 0, sizeof *cl);
    snprintf(cl->id, sizeof cl->id, "%s", tu_name(suffix));
    TU_REQUIRE_EQ(nxd_mqtt_client_create(&cl->mqtt, "test client", cl->id, (UINT)strlen(cl->id), ip, pool, cl->stack,
                                         sizeof cl->stack, 7, NX_NULL, 0),
                  NXD_MQTT_SUCCESS, "create");
    nxd_mqtt_client_receive_notify_set(&cl->mqtt, on_receive);
    nxd_mqtt_client_disconnect_notify_set(&cl->mqtt, on_disconnect);
    cl->mqtt.nxd_mqtt_connect_notify = on_connect;
}
