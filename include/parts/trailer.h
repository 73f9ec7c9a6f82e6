/* ---- hand-written part (include/parts/trailer.h) ---- */

/* Public names, as in the original: macros over the checking front ends (_nxde_) or, with
   NX_DISABLE_ERROR_CHECKING defined in the application, over the cores (_nxd_). The
   nxd_mqtt_client_* names also exist as real symbols with the checking behaviour.
   As in the original, the secure_connect mapping is always defined; the functions exist in the
   NetX port built with NX_SECURE_ENABLE (TLS through the application's NetX Secure). */
/* NetX port built with NXD_MQTT_CLOUD_ENABLE: create a client on a cloud helper the
   application created (NetX Duo's Azure IoT middleware). NX_PTR_ERROR when the client, IP
   instance (or one not created), pool or helper (or one not created) is missing;
   NXD_MQTT_INTERNAL_ERROR when the client's module cannot be registered. */
#if defined(NXD_MQTT_PORT_NETX) && defined(NXD_MQTT_CLOUD_ENABLE) && !defined(NXD_MQTT_PORT_POSIX) && \
    !defined(NXD_MQTT_PORT_BARE)
#ifdef __cplusplus
extern "C" {
#endif
UINT _nxd_mqtt_client_cloud_create(NXD_MQTT_CLIENT *client_ptr, CHAR *client_name, CHAR *client_id,
                                   UINT client_id_length, NX_IP *ip_ptr, NX_PACKET_POOL *pool_ptr,
                                   NX_CLOUD *cloud_ptr);
#ifdef __cplusplus
}
#endif
#endif

#ifndef NXD_MQTT_CLIENT_SOURCE_CODE
#ifdef NX_DISABLE_ERROR_CHECKING
#define nxd_mqtt_client_create _nxd_mqtt_client_create
#define nxd_mqtt_client_login_set _nxd_mqtt_client_login_set
#define nxd_mqtt_client_will_message_set _nxd_mqtt_client_will_message_set
#define nxd_mqtt_client_delete _nxd_mqtt_client_delete
#define nxd_mqtt_client_connect _nxd_mqtt_client_connect
#define nxd_mqtt_client_secure_connect _nxd_mqtt_client_secure_connect
#define nxd_mqtt_client_publish _nxd_mqtt_client_publish
#define nxd_mqtt_client_subscribe _nxd_mqtt_client_subscribe
#define nxd_mqtt_client_unsubscribe _nxd_mqtt_client_unsubscribe
#define nxd_mqtt_client_disconnect _nxd_mqtt_client_disconnect
#define nxd_mqtt_client_receive_notify_set _nxd_mqtt_client_receive_notify_set
#define nxd_mqtt_client_message_get _nxd_mqtt_client_message_get
#define nxd_mqtt_client_disconnect_notify_set _nxd_mqtt_client_disconnect_notify_set
#define nxd_mqtt_client_websocket_set _nxd_mqtt_client_websocket_set
#else
#define nxd_mqtt_client_create _nxde_mqtt_client_create
#define nxd_mqtt_client_login_set _nxde_mqtt_client_login_set
#define nxd_mqtt_client_will_message_set _nxde_mqtt_client_will_message_set
#define nxd_mqtt_client_delete _nxde_mqtt_client_delete
#define nxd_mqtt_client_connect _nxde_mqtt_client_connect
#define nxd_mqtt_client_secure_connect _nxde_mqtt_client_secure_connect
#define nxd_mqtt_client_publish _nxde_mqtt_client_publish
#define nxd_mqtt_client_subscribe _nxde_mqtt_client_subscribe
#define nxd_mqtt_client_unsubscribe _nxde_mqtt_client_unsubscribe
#define nxd_mqtt_client_disconnect _nxde_mqtt_client_disconnect
#define nxd_mqtt_client_receive_notify_set _nxde_mqtt_client_receive_notify_set
#define nxd_mqtt_client_message_get _nxde_mqtt_client_message_get
#define nxd_mqtt_client_disconnect_notify_set _nxde_mqtt_client_disconnect_notify_set
#define nxd_mqtt_client_websocket_set _nxde_mqtt_client_websocket_set
#endif /* NX_DISABLE_ERROR_CHECKING */
#endif /* NXD_MQTT_CLIENT_SOURCE_CODE */
