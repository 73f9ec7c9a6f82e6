//! The exported C functions, each under three names like the original (spec §4):
//!
//! * `_nxde_mqtt_client_*`: the error-checking front end. Checks run in the original's order
//!   and return its exact codes; then the core runs.
//! * `_nxd_mqtt_client_*`: the core without front-end checks (what `NX_DISABLE_ERROR_CHECKING`
//!   selects). It still never crashes on a NULL pointer: it returns `NX_PTR_ERROR` instead.
//! * `nxd_mqtt_client_*`: a real symbol with the checking behaviour (the header normally maps
//!   these names to `_nxde_`/`_nxd_` with macros, as the original does).
//!
//! The cores live in `ffi/core.rs`; this file only checks arguments.
#![allow(clippy::missing_safety_doc)]

use super::consts::*;
use super::control_block::{NxdMqttConnectNotify, NXD_MQTT_CLIENT};
use super::core;
use super::netx_codes::{NX_INVALID_PORT, NX_IP_VERSION_V4, NX_IP_VERSION_V6, NX_PTR_ERROR};
use super::types::{CHAR, NXD_ADDRESS, NX_IP, NX_PACKET_POOL, UCHAR, UINT, ULONG, VOID};
#[cfg(all(
    feature = "netx",
    not(feature = "posix"),
    not(feature = "bare"),
    nxd_mqtt_tls
))]
use super::types::{NX_SECURE_TLS_SESSION, NX_SECURE_X509_CERT};

/// Receive notify: `(client, number_of_messages)`, called on the MQTT thread with the client
/// lock held each time a message is appended to the receive queue (count = queue depth).
pub type NxdMqttReceiveNotify = Option<unsafe extern "C" fn(*mut NXD_MQTT_CLIENT, UINT)>;
/// Disconnect notify: `(client)`, called when a connected client's connection ends (broker,
/// network, ping timeout, `nxd_mqtt_client_disconnect`, delete).
pub type NxdMqttDisconnectNotify = Option<unsafe extern "C" fn(*mut NXD_MQTT_CLIENT)>;

// ---------------------------------------------------------------------------------------------
// create
// ---------------------------------------------------------------------------------------------

/// Creates the client: initialises the control block and starts the client's MQTT thread.
///
/// `client_id` is stored by pointer and must stay valid while the client exists.
/// `ip_ptr` and `pool_ptr` are required (NULL is `NX_PTR_ERROR`) but only used by the NetX
/// port; on the host they are opaque handles. `stack_ptr`/`stack_size`/`mqtt_thread_priority`
/// configure the MQTT thread on ThreadX; the host port only checks them (the thread gets its
/// own stack). `memory_ptr`/`memory_size` are ignored, as in the original (deprecated): on the
/// NetX port the client's whole state lives inside the control block.
///
/// Returns `NXD_MQTT_SUCCESS`, `NXD_MQTT_INTERNAL_ERROR` (thread or other resources could not
/// be created; NetX port: also when called from a client's own callback for a control block
/// holding that client, or for a block overlapping another client's), `NX_PTR_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_create(
    client_ptr: *mut NXD_MQTT_CLIENT,
    client_name: *mut CHAR,
    client_id: *mut CHAR,
    client_id_length: UINT,
    ip_ptr: *mut NX_IP,
    pool_ptr: *mut NX_PACKET_POOL,
    stack_ptr: *mut VOID,
    stack_size: ULONG,
    mqtt_thread_priority: UINT,
    memory_ptr: *mut VOID,
    memory_size: ULONG,
) -> UINT {
    if client_ptr.is_null()
        || ip_ptr.is_null()
        || stack_ptr.is_null()
        || stack_size == 0
        || pool_ptr.is_null()
    {
        return NX_PTR_ERROR;
    }
    // The NetX port also checks that the IP instance was created (NX_IP_ID), as the original.
    #[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
    // SAFETY: ip_ptr is non-NULL and points to the application's NX_IP (caller's contract).
    if !unsafe { crate::port::netx::ip_created(ip_ptr.cast()) } {
        return NX_PTR_ERROR;
    }
    // SAFETY: same arguments, forwarded unchanged; the caller's contract is the core's.
    unsafe {
        _nxd_mqtt_client_create(
            client_ptr,
            client_name,
            client_id,
            client_id_length,
            ip_ptr,
            pool_ptr,
            stack_ptr,
            stack_size,
            mqtt_thread_priority,
            memory_ptr,
            memory_size,
        )
    }
}

/// Core of `nxd_mqtt_client_create` (no front-end checks; NULL client, IP or pool still
/// give `NX_PTR_ERROR`).
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_create(
    client_ptr: *mut NXD_MQTT_CLIENT,
    client_name: *mut CHAR,
    client_id: *mut CHAR,
    client_id_length: UINT,
    ip_ptr: *mut NX_IP,
    pool_ptr: *mut NX_PACKET_POOL,
    stack_ptr: *mut VOID,
    stack_size: ULONG,
    mqtt_thread_priority: UINT,
    memory_ptr: *mut VOID,
    memory_size: ULONG,
) -> UINT {
    if client_ptr.is_null() || ip_ptr.is_null() || pool_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    let params = core::CreateParams {
        name: client_name,
        client_id,
        client_id_length,
        ip: ip_ptr,
        pool: pool_ptr,
        stack: stack_ptr,
        stack_size,
        priority: mqtt_thread_priority,
        memory: memory_ptr,
        memory_size,
        cloud: ::core::ptr::null_mut(),
    };
    // SAFETY: client_ptr is non-NULL; the caller guarantees it points to writable memory of
    // sizeof(NXD_MQTT_CLIENT) that stays in place while the client exists.
    unsafe { core::create(client_ptr, &params) }
}

/// `nxd_mqtt_client_create` with error checking (same as `_nxde_mqtt_client_create`).
#[no_mangle]
pub unsafe extern "C" fn nxd_mqtt_client_create(
    client_ptr: *mut NXD_MQTT_CLIENT,
    client_name: *mut CHAR,
    client_id: *mut CHAR,
    client_id_length: UINT,
    ip_ptr: *mut NX_IP,
    pool_ptr: *mut NX_PACKET_POOL,
    stack_ptr: *mut VOID,
    stack_size: ULONG,
    mqtt_thread_priority: UINT,
    memory_ptr: *mut VOID,
    memory_size: ULONG,
) -> UINT {
    // SAFETY: forwarded unchanged.
    unsafe {
        _nxde_mqtt_client_create(
            client_ptr,
            client_name,
            client_id,
            client_id_length,
            ip_ptr,
            pool_ptr,
            stack_ptr,
            stack_size,
            mqtt_thread_priority,
            memory_ptr,
            memory_size,
        )
    }
}

// ---------------------------------------------------------------------------------------------
// login_set
// ---------------------------------------------------------------------------------------------

/// Sets user name and password for the next CONNECT (stored by pointer, not copied; cleared by
/// every orderly disconnect, as in the original). A password is only sent with a user name.
///
/// Returns `NX_SUCCESS`, `NXD_MQTT_MUTEX_FAILURE` (client not created),
/// `NXD_MQTT_INVALID_PARAMETER` (NULL client — not `NX_PTR_ERROR`, as in the original — or a
/// NULL string with a non-zero length).
#[cfg(not(feature = "no-login"))]
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_login_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    username: *mut CHAR,
    username_length: UINT,
    password: *mut CHAR,
    password_length: UINT,
) -> UINT {
    if client_ptr.is_null() {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    if (username.is_null() && username_length != 0) || (password.is_null() && password_length != 0)
    {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    // SAFETY: forwarded unchanged.
    unsafe {
        _nxd_mqtt_client_login_set(
            client_ptr,
            username,
            username_length,
            password,
            password_length,
        )
    }
}

/// Core of `nxd_mqtt_client_login_set`.
#[cfg(not(feature = "no-login"))]
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_login_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    username: *mut CHAR,
    username_length: UINT,
    password: *mut CHAR,
    password_length: UINT,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: non-NULL client; the caller guarantees it is a control block.
    unsafe {
        core::login_set(
            client_ptr,
            username,
            username_length,
            password,
            password_length,
        )
    }
}

/// `nxd_mqtt_client_login_set` with error checking.
#[cfg(not(feature = "no-login"))]
#[no_mangle]
pub unsafe extern "C" fn nxd_mqtt_client_login_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    username: *mut CHAR,
    username_length: UINT,
    password: *mut CHAR,
    password_length: UINT,
) -> UINT {
    // SAFETY: forwarded unchanged.
    unsafe {
        _nxde_mqtt_client_login_set(
            client_ptr,
            username,
            username_length,
            password,
            password_length,
        )
    }
}

// ---------------------------------------------------------------------------------------------
// will_message_set
// ---------------------------------------------------------------------------------------------

/// Sets the will for the next CONNECT (stored by pointer; cleared by every orderly
/// disconnect). QoS 0, 1 and 2 are accepted (QoS 2 goes beyond the original). Calling it again
/// replaces retain and QoS (the original OR-ed them; fixed).
///
/// Returns `NX_SUCCESS`, `NXD_MQTT_MUTEX_FAILURE` (client not created),
/// `NXD_MQTT_INVALID_PARAMETER` (NULL client, NULL or empty topic, retain not
/// `NX_TRUE`/`NX_FALSE`, QoS above 2).
#[cfg(not(feature = "no-will"))]
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_will_message_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    will_topic: *const UCHAR,
    will_topic_length: UINT,
    will_message: *const UCHAR,
    will_message_length: UINT,
    will_retain_flag: UINT,
    will_qos: UINT,
) -> UINT {
    if client_ptr.is_null() {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    if will_topic.is_null() || will_topic_length == 0 {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    if will_retain_flag != super::netx_codes::NX_TRUE
        && will_retain_flag != super::netx_codes::NX_FALSE
    {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    if will_qos > 2 {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    // SAFETY: forwarded unchanged.
    unsafe {
        _nxd_mqtt_client_will_message_set(
            client_ptr,
            will_topic,
            will_topic_length,
            will_message,
            will_message_length,
            will_retain_flag,
            will_qos,
        )
    }
}

/// Core of `nxd_mqtt_client_will_message_set` (QoS above 2 gives
/// `NXD_MQTT_INVALID_PARAMETER` here too: it cannot be encoded).
#[cfg(not(feature = "no-will"))]
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_will_message_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    will_topic: *const UCHAR,
    will_topic_length: UINT,
    will_message: *const UCHAR,
    will_message_length: UINT,
    will_retain_flag: UINT,
    will_qos: UINT,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: non-NULL client; the caller guarantees it is a control block.
    unsafe {
        core::will_message_set(
            client_ptr,
            will_topic,
            will_topic_length,
            will_message,
            will_message_length,
            will_retain_flag,
            will_qos,
        )
    }
}

/// `nxd_mqtt_client_will_message_set` with error checking.
#[cfg(not(feature = "no-will"))]
#[no_mangle]
pub unsafe extern "C" fn nxd_mqtt_client_will_message_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    will_topic: *const UCHAR,
    will_topic_length: UINT,
    will_message: *const UCHAR,
    will_message_length: UINT,
    will_retain_flag: UINT,
    will_qos: UINT,
) -> UINT {
    // SAFETY: forwarded unchanged.
    unsafe {
        _nxde_mqtt_client_will_message_set(
            client_ptr,
            will_topic,
            will_topic_length,
            will_message,
            will_message_length,
            will_retain_flag,
            will_qos,
        )
    }
}

// ---------------------------------------------------------------------------------------------
// delete
// ---------------------------------------------------------------------------------------------

/// Deletes the client: ends a connection without sending DISCONNECT (so the broker publishes
/// the will), calls the disconnect notify if it was connected, also tears down a connect in
/// progress (the original hung), frees the receive queue and the in-flight store, and joins
/// the MQTT thread. Must not be called from a callback.
///
/// Returns `NXD_MQTT_SUCCESS`, `NX_PTR_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_delete(client_ptr: *mut NXD_MQTT_CLIENT) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: forwarded unchanged.
    unsafe { _nxd_mqtt_client_delete(client_ptr) }
}

/// Core of `nxd_mqtt_client_delete`.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_delete(client_ptr: *mut NXD_MQTT_CLIENT) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: non-NULL client; the caller guarantees it is a control block.
    unsafe { core::delete(client_ptr) }
}

/// `nxd_mqtt_client_delete` with error checking.
#[no_mangle]
pub unsafe extern "C" fn nxd_mqtt_client_delete(client_ptr: *mut NXD_MQTT_CLIENT) -> UINT {
    // SAFETY: forwarded unchanged.
    unsafe { _nxde_mqtt_client_delete(client_ptr) }
}

// ---------------------------------------------------------------------------------------------
// connect
// ---------------------------------------------------------------------------------------------

/// Connects to the broker at `server_ip`:`server_port` (TCP, IPv4 or IPv6).
///
/// `keepalive` in seconds (0 = off); `clean_session` `NX_TRUE`/`NX_FALSE`; `timeout` in ticks:
/// 0 = non-blocking (returns `NX_IN_PROGRESS`; the result arrives through the connect notify
/// on the MQTT thread), otherwise each step (TCP connect, then CONNACK) may take up to
/// `timeout` ticks (`NX_WAIT_FOREVER`: no limit). The connect notify is also called in
/// blocking mode when the CONNACK arrives.
///
/// Returns `NXD_MQTT_SUCCESS`, `NX_IN_PROGRESS`, `NXD_MQTT_ALREADY_CONNECTED`,
/// `NXD_MQTT_CONNECTING`, `NXD_MQTT_INVALID_STATE` (not created), `NXD_MQTT_CONNECT_FAILURE`
/// (TCP failed), `NXD_MQTT_COMMUNICATION_FAILURE` (no CONNACK), `NXD_MQTT_SERVER_MESSAGE_FAILURE`
/// (invalid CONNACK), 0x10081..0x10085 (refused), `NXD_MQTT_INVALID_PARAMETER` (IP version not
/// 4/6, keep-alive above 65,535), `NX_INVALID_PORT` (port 0), `NX_PTR_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_connect(
    client_ptr: *mut NXD_MQTT_CLIENT,
    server_ip: *mut NXD_ADDRESS,
    server_port: UINT,
    keepalive: UINT,
    clean_session: UINT,
    timeout: ULONG,
) -> UINT {
    if client_ptr.is_null() || server_ip.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: server_ip is non-NULL and the caller guarantees it points to an NXD_ADDRESS.
    let version = unsafe { (*server_ip).nxd_ip_version };
    if version != NX_IP_VERSION_V4 && version != NX_IP_VERSION_V6 {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    if server_port == 0 {
        return NX_INVALID_PORT;
    }
    // SAFETY: forwarded unchanged.
    unsafe {
        _nxd_mqtt_client_connect(
            client_ptr,
            server_ip,
            server_port,
            keepalive,
            clean_session,
            timeout,
        )
    }
}

/// Core of `nxd_mqtt_client_connect` (an IP version other than 4/6 or port 0 gives
/// `NXD_MQTT_CONNECT_FAILURE` here, like a failed TCP connect).
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_connect(
    client_ptr: *mut NXD_MQTT_CLIENT,
    server_ip: *mut NXD_ADDRESS,
    server_port: UINT,
    keepalive: UINT,
    clean_session: UINT,
    wait_option: ULONG,
) -> UINT {
    if client_ptr.is_null() || server_ip.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: both pointers non-NULL; the caller guarantees what they point to.
    unsafe {
        core::connect(
            client_ptr,
            &*server_ip,
            server_port,
            keepalive,
            clean_session,
            wait_option,
        )
    }
}

/// `nxd_mqtt_client_connect` with error checking.
#[no_mangle]
pub unsafe extern "C" fn nxd_mqtt_client_connect(
    client_ptr: *mut NXD_MQTT_CLIENT,
    server_ip: *mut NXD_ADDRESS,
    server_port: UINT,
    keepalive: UINT,
    clean_session: UINT,
    timeout: ULONG,
) -> UINT {
    // SAFETY: forwarded unchanged.
    unsafe {
        _nxde_mqtt_client_connect(
            client_ptr,
            server_ip,
            server_port,
            keepalive,
            clean_session,
            timeout,
        )
    }
}

// ---------------------------------------------------------------------------------------------
// secure_connect (NetX port built with NX_SECURE_ENABLE)
// ---------------------------------------------------------------------------------------------

/// The application's TLS setup callback of `nxd_mqtt_client_secure_connect`:
/// `(client, session, certificate, trusted certificate)`, returning 0 or an error code.
#[cfg(all(
    feature = "netx",
    not(feature = "posix"),
    not(feature = "bare"),
    nxd_mqtt_tls
))]
pub type NxdMqttTlsSetup = Option<
    unsafe extern "C" fn(
        *mut NXD_MQTT_CLIENT,
        *mut NX_SECURE_TLS_SESSION,
        *mut NX_SECURE_X509_CERT,
        *mut NX_SECURE_X509_CERT,
    ) -> UINT,
>;

/// Connects with TLS through the application's NetX Secure (NetX port, `NX_SECURE_ENABLE`).
///
/// State checks first (`NXD_MQTT_ALREADY_CONNECTED`, `NXD_MQTT_CONNECTING`,
/// `NXD_MQTT_MUTEX_FAILURE` when not created), without calling `tls_setup`; then
/// `tls_setup(client, &client->nxd_mqtt_tls_session, &client->nxd_mqtt_tls_certificate,
/// &client->nxd_mqtt_tls_trusted_certificate)` runs in the calling thread and must create and
/// configure the session (crypto table, metadata and packet buffers, trusted CA, optionally a
/// client certificate and the server name); its non-zero result is returned unchanged. Then
/// the connect as `nxd_mqtt_client_connect` (same `timeout` rules), the TLS handshake after
/// TCP. Every connection end ends and deletes the session, and the next plain connect is plain
/// (the original keeps using TLS). A failed handshake: `NXD_MQTT_CONNECT_FAILURE` (blocking),
/// the connect notify with it (non-blocking).
///
/// Returns what connect returns, tls_setup's code, or `NX_PTR_ERROR` (client, server address or
/// `tls_setup` NULL), `NX_INVALID_PORT` (port 0).
#[cfg(all(
    feature = "netx",
    not(feature = "posix"),
    not(feature = "bare"),
    nxd_mqtt_tls
))]
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_secure_connect(
    client_ptr: *mut NXD_MQTT_CLIENT,
    server_ip: *mut NXD_ADDRESS,
    server_port: UINT,
    tls_setup: NxdMqttTlsSetup,
    keepalive: UINT,
    clean_session: UINT,
    timeout: ULONG,
) -> UINT {
    if client_ptr.is_null() || server_ip.is_null() || tls_setup.is_none() {
        return NX_PTR_ERROR;
    }
    if server_port == 0 {
        return NX_INVALID_PORT;
    }
    // SAFETY: forwarded unchanged.
    unsafe {
        _nxd_mqtt_client_secure_connect(
            client_ptr,
            server_ip,
            server_port,
            tls_setup,
            keepalive,
            clean_session,
            timeout,
        )
    }
}

/// Core of `nxd_mqtt_client_secure_connect` (NULL client, address or `tls_setup` still give
/// `NX_PTR_ERROR`; an IP version other than 4/6 or port 0 gives `NXD_MQTT_CONNECT_FAILURE`).
#[cfg(all(
    feature = "netx",
    not(feature = "posix"),
    not(feature = "bare"),
    nxd_mqtt_tls
))]
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_secure_connect(
    client_ptr: *mut NXD_MQTT_CLIENT,
    server_ip: *mut NXD_ADDRESS,
    server_port: UINT,
    tls_setup: NxdMqttTlsSetup,
    keepalive: UINT,
    clean_session: UINT,
    wait_option: ULONG,
) -> UINT {
    let Some(setup) = tls_setup else {
        return NX_PTR_ERROR;
    };
    if client_ptr.is_null() || server_ip.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: both pointers non-NULL; the caller guarantees what they point to.
    unsafe {
        core::secure_connect(
            client_ptr,
            &*server_ip,
            server_port,
            keepalive,
            clean_session,
            wait_option,
            setup,
        )
    }
}

/// `nxd_mqtt_client_secure_connect` with error checking.
#[cfg(all(
    feature = "netx",
    not(feature = "posix"),
    not(feature = "bare"),
    nxd_mqtt_tls
))]
#[no_mangle]
pub unsafe extern "C" fn nxd_mqtt_client_secure_connect(
    client_ptr: *mut NXD_MQTT_CLIENT,
    server_ip: *mut NXD_ADDRESS,
    server_port: UINT,
    tls_setup: NxdMqttTlsSetup,
    keepalive: UINT,
    clean_session: UINT,
    timeout: ULONG,
) -> UINT {
    // SAFETY: forwarded unchanged.
    unsafe {
        _nxde_mqtt_client_secure_connect(
            client_ptr,
            server_ip,
            server_port,
            tls_setup,
            keepalive,
            clean_session,
            timeout,
        )
    }
}

// ---------------------------------------------------------------------------------------------
// websocket_set (NetX port built with NXD_MQTT_OVER_WEBSOCKET)
// ---------------------------------------------------------------------------------------------

/// MQTT over WebSocket through NetX Duo's WebSocket client (NetX port,
/// `NXD_MQTT_OVER_WEBSOCKET`): stores `host` and `uri_path` (by pointer, not copied: they stay
/// valid while the client connects with them) and creates the client's WebSocket client; the
/// following `connect` / `secure_connect` upgrade to WebSocket (sub-protocol `mqtt`, over TLS
/// after `secure_connect`) before CONNECT, and MQTT travels in binary frames (one message per
/// MQTT packet). The application passes the WebSocket port (e.g. 80 or
/// `NXD_MQTT_OVER_WEBSOCKET_TLS_PORT`) to connect.
///
/// Returns `NXD_MQTT_SUCCESS`, the WebSocket client's create error, `NXD_MQTT_MUTEX_FAILURE`
/// (not created), `NX_PTR_ERROR` (any argument NULL or a length 0).
#[cfg(all(
    feature = "netx",
    not(feature = "posix"),
    not(feature = "bare"),
    nxd_mqtt_websocket
))]
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_websocket_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    host: *mut UCHAR,
    host_length: UINT,
    uri_path: *mut UCHAR,
    uri_path_length: UINT,
) -> UINT {
    if client_ptr.is_null()
        || host.is_null()
        || host_length == 0
        || uri_path.is_null()
        || uri_path_length == 0
    {
        return NX_PTR_ERROR;
    }
    // SAFETY: forwarded unchanged.
    unsafe {
        _nxd_mqtt_client_websocket_set(client_ptr, host, host_length, uri_path, uri_path_length)
    }
}

/// Core of `nxd_mqtt_client_websocket_set` (a NULL client still gives `NX_PTR_ERROR`).
#[cfg(all(
    feature = "netx",
    not(feature = "posix"),
    not(feature = "bare"),
    nxd_mqtt_websocket
))]
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_websocket_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    host: *mut UCHAR,
    host_length: UINT,
    uri_path: *mut UCHAR,
    uri_path_length: UINT,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: the caller's contract.
    unsafe { core::websocket_set(client_ptr, host, host_length, uri_path, uri_path_length) }
}

/// `nxd_mqtt_client_websocket_set` with error checking.
#[cfg(all(
    feature = "netx",
    not(feature = "posix"),
    not(feature = "bare"),
    nxd_mqtt_websocket
))]
#[no_mangle]
pub unsafe extern "C" fn nxd_mqtt_client_websocket_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    host: *mut UCHAR,
    host_length: UINT,
    uri_path: *mut UCHAR,
    uri_path_length: UINT,
) -> UINT {
    // SAFETY: forwarded unchanged.
    unsafe {
        _nxde_mqtt_client_websocket_set(client_ptr, host, host_length, uri_path, uri_path_length)
    }
}

// ---------------------------------------------------------------------------------------------
// publish
// ---------------------------------------------------------------------------------------------

/// Publishes `message` on `topic_name` with QoS 0, 1 or 2 (QoS 2 goes beyond the original).
/// Topic and payload are copied during the call. Returns once the PUBLISH is queued for
/// sending (it does not wait for the acknowledgement); if the transmit queue is full it waits
/// up to `timeout` ticks for room. A NULL `message` publishes an empty payload.
///
/// Returns `NXD_MQTT_SUCCESS`, `NXD_MQTT_NOT_CONNECTED`, `NXD_MQTT_PACKET_POOL_FAILURE` (no
/// room within the timeout / in-flight store full), `NXD_MQTT_INTERNAL_ERROR` (packet can never
/// fit), `NXD_MQTT_INVALID_PARAMETER` (NULL or empty topic, message with length 0, QoS above 2),
/// `NX_PTR_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_publish(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_name: *mut CHAR,
    topic_name_length: UINT,
    message: *mut CHAR,
    message_length: UINT,
    retain: UINT,
    qos: UINT,
    timeout: ULONG,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    if topic_name.is_null() || topic_name_length == 0 {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    if !message.is_null() && message_length == 0 {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    if qos > 2 {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    // SAFETY: forwarded unchanged.
    unsafe {
        _nxd_mqtt_client_publish(
            client_ptr,
            topic_name,
            topic_name_length,
            message,
            message_length,
            retain,
            qos,
            timeout,
        )
    }
}

/// Core of `nxd_mqtt_client_publish` (NULL topic, empty topic or QoS above 2 give
/// `NXD_MQTT_INVALID_PARAMETER` here too: they cannot be encoded).
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_publish(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_name: *mut CHAR,
    topic_name_length: UINT,
    message: *mut CHAR,
    message_length: UINT,
    retain: UINT,
    qos: UINT,
    wait_option: ULONG,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: non-NULL client; buffers as guaranteed by the caller (checked for NULL in core).
    unsafe {
        core::publish(
            client_ptr,
            topic_name,
            topic_name_length,
            message,
            message_length,
            retain,
            qos,
            wait_option,
        )
    }
}

/// `nxd_mqtt_client_publish` with error checking.
#[no_mangle]
pub unsafe extern "C" fn nxd_mqtt_client_publish(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_name: *mut CHAR,
    topic_name_length: UINT,
    message: *mut CHAR,
    message_length: UINT,
    retain: UINT,
    qos: UINT,
    timeout: ULONG,
) -> UINT {
    // SAFETY: forwarded unchanged.
    unsafe {
        _nxde_mqtt_client_publish(
            client_ptr,
            topic_name,
            topic_name_length,
            message,
            message_length,
            retain,
            qos,
            timeout,
        )
    }
}

// ---------------------------------------------------------------------------------------------
// subscribe / unsubscribe
// ---------------------------------------------------------------------------------------------

/// Subscribes to one topic filter with QoS 0, 1 or 2 (QoS 2 goes beyond the original). Returns
/// once the SUBSCRIBE is queued; does not wait for the SUBACK (the ack notify reports it).
///
/// Returns `NXD_MQTT_SUCCESS`, `NXD_MQTT_NOT_CONNECTED`, `NXD_MQTT_PACKET_POOL_FAILURE`,
/// `NXD_MQTT_INVALID_PARAMETER` (NULL or empty topic, QoS above 2), `NX_PTR_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_subscribe(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_name: *mut CHAR,
    topic_name_length: UINT,
    qos: UINT,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    if topic_name.is_null() || topic_name_length == 0 {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    if qos > 2 {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    // SAFETY: forwarded unchanged.
    unsafe { _nxd_mqtt_client_subscribe(client_ptr, topic_name, topic_name_length, qos) }
}

/// Core of `nxd_mqtt_client_subscribe`.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_subscribe(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_name: *mut CHAR,
    topic_name_length: UINT,
    qos: UINT,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: non-NULL client; topic as guaranteed by the caller (checked for NULL in core).
    unsafe { core::subscribe(client_ptr, topic_name, topic_name_length, qos) }
}

/// `nxd_mqtt_client_subscribe` with error checking.
#[no_mangle]
pub unsafe extern "C" fn nxd_mqtt_client_subscribe(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_name: *mut CHAR,
    topic_name_length: UINT,
    qos: UINT,
) -> UINT {
    // SAFETY: forwarded unchanged.
    unsafe { _nxde_mqtt_client_subscribe(client_ptr, topic_name, topic_name_length, qos) }
}

/// Unsubscribes from one topic filter. Returns once the UNSUBSCRIBE is queued.
///
/// Returns `NXD_MQTT_SUCCESS`, `NXD_MQTT_NOT_CONNECTED`, `NXD_MQTT_PACKET_POOL_FAILURE`,
/// `NXD_MQTT_INVALID_PARAMETER` (NULL or empty topic), `NX_PTR_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_unsubscribe(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_name: *mut CHAR,
    topic_name_length: UINT,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    if topic_name.is_null() || topic_name_length == 0 {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    // SAFETY: forwarded unchanged.
    unsafe { _nxd_mqtt_client_unsubscribe(client_ptr, topic_name, topic_name_length) }
}

/// Core of `nxd_mqtt_client_unsubscribe`.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_unsubscribe(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_name: *mut CHAR,
    topic_name_length: UINT,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: non-NULL client; topic as guaranteed by the caller (checked for NULL in core).
    unsafe { core::unsubscribe(client_ptr, topic_name, topic_name_length) }
}

/// `nxd_mqtt_client_unsubscribe` with error checking.
#[no_mangle]
pub unsafe extern "C" fn nxd_mqtt_client_unsubscribe(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_name: *mut CHAR,
    topic_name_length: UINT,
) -> UINT {
    // SAFETY: forwarded unchanged.
    unsafe { _nxde_mqtt_client_unsubscribe(client_ptr, topic_name, topic_name_length) }
}

// ---------------------------------------------------------------------------------------------
// disconnect
// ---------------------------------------------------------------------------------------------

/// Disconnects: sends DISCONNECT if connected, closes the connection, calls the disconnect
/// notify (connected) or the connect notify with `NXD_MQTT_CONNECT_FAILURE` (connecting), then
/// frees the receive queue and clears user name, password and will (as the original).
/// Pending QoS 1/2 publishes stay for a non-clean reconnect.
///
/// Returns `NXD_MQTT_SUCCESS` in every state (also when not connected), `NX_PTR_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_disconnect(client_ptr: *mut NXD_MQTT_CLIENT) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: forwarded unchanged.
    unsafe { _nxd_mqtt_client_disconnect(client_ptr) }
}

/// Core of `nxd_mqtt_client_disconnect`.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_disconnect(client_ptr: *mut NXD_MQTT_CLIENT) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: non-NULL client; the caller guarantees it is a control block.
    unsafe { core::disconnect(client_ptr) }
}

/// `nxd_mqtt_client_disconnect` with error checking.
#[no_mangle]
pub unsafe extern "C" fn nxd_mqtt_client_disconnect(client_ptr: *mut NXD_MQTT_CLIENT) -> UINT {
    // SAFETY: forwarded unchanged.
    unsafe { _nxde_mqtt_client_disconnect(client_ptr) }
}

// ---------------------------------------------------------------------------------------------
// receive_notify_set / disconnect_notify_set / connect_notify_set
// ---------------------------------------------------------------------------------------------

/// Installs the receive notify (see [`NxdMqttReceiveNotify`]). The checking front end rejects
/// NULL (as the original); `_nxd_mqtt_client_receive_notify_set(client, NULL)` removes it.
///
/// Returns `NXD_MQTT_SUCCESS`, `NX_PTR_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_receive_notify_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    receive_notify: NxdMqttReceiveNotify,
) -> UINT {
    if client_ptr.is_null() || receive_notify.is_none() {
        return NX_PTR_ERROR;
    }
    // SAFETY: forwarded unchanged.
    unsafe { _nxd_mqtt_client_receive_notify_set(client_ptr, receive_notify) }
}

/// Core of `nxd_mqtt_client_receive_notify_set` (NULL removes the callback).
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_receive_notify_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    receive_notify: NxdMqttReceiveNotify,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: non-NULL client; the caller guarantees it is a control block.
    unsafe { core::receive_notify_set(client_ptr, receive_notify) }
}

/// `nxd_mqtt_client_receive_notify_set` with error checking.
#[no_mangle]
pub unsafe extern "C" fn nxd_mqtt_client_receive_notify_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    receive_notify: NxdMqttReceiveNotify,
) -> UINT {
    // SAFETY: forwarded unchanged.
    unsafe { _nxde_mqtt_client_receive_notify_set(client_ptr, receive_notify) }
}

/// Installs (or with NULL removes) the disconnect notify (see [`NxdMqttDisconnectNotify`]).
///
/// Returns `NXD_MQTT_SUCCESS`, `NX_PTR_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_disconnect_notify_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    disconnect_notify: NxdMqttDisconnectNotify,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: forwarded unchanged.
    unsafe { _nxd_mqtt_client_disconnect_notify_set(client_ptr, disconnect_notify) }
}

/// Core of `nxd_mqtt_client_disconnect_notify_set`.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_disconnect_notify_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    disconnect_notify: NxdMqttDisconnectNotify,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: non-NULL client; the caller guarantees it is a control block.
    unsafe { core::disconnect_notify_set(client_ptr, disconnect_notify) }
}

/// `nxd_mqtt_client_disconnect_notify_set` with error checking.
#[no_mangle]
pub unsafe extern "C" fn nxd_mqtt_client_disconnect_notify_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    disconnect_notify: NxdMqttDisconnectNotify,
) -> UINT {
    // SAFETY: forwarded unchanged.
    unsafe { _nxde_mqtt_client_disconnect_notify_set(client_ptr, disconnect_notify) }
}

/// EXTENSION (not in the original, which has no setter): installs the connect notify and its
/// context under the client lock. Equivalent to assigning `nxd_mqtt_connect_notify` and
/// `nxd_mqtt_connect_context` directly after create (which keeps working). NULL removes it.
///
/// Returns `NXD_MQTT_SUCCESS`, `NX_PTR_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn nxd_mqtt_client_connect_notify_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    connect_notify: NxdMqttConnectNotify,
    context: *mut VOID,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: non-NULL client; the caller guarantees it is a control block.
    unsafe { core::connect_notify_set(client_ptr, connect_notify, context) }
}

// ---------------------------------------------------------------------------------------------
// message_get
// ---------------------------------------------------------------------------------------------

/// Takes the oldest received message: copies its topic and payload (not NUL-terminated) and
/// writes their lengths (exactly a `UINT` each; a NULL length pointer means "don't care").
/// If a buffer is too small, returns `NXD_MQTT_INSUFFICIENT_BUFFER_SPACE` and keeps the message
/// (a second consecutive too-small call on the same message discards it, so the queue cannot
/// stall). May be called from the receive notify.
///
/// Returns `NXD_MQTT_SUCCESS`, `NXD_MQTT_NO_MESSAGE`, `NXD_MQTT_INSUFFICIENT_BUFFER_SPACE`,
/// `NXD_MQTT_INVALID_PARAMETER` (NULL topic or message buffer), `NX_PTR_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_message_get(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_buffer: *mut UCHAR,
    topic_buffer_size: UINT,
    actual_topic_length: *mut UINT,
    message_buffer: *mut UCHAR,
    message_buffer_size: UINT,
    actual_message_length: *mut UINT,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    if message_buffer.is_null() || topic_buffer.is_null() {
        return NXD_MQTT_INVALID_PARAMETER;
    }
    // SAFETY: forwarded unchanged.
    unsafe {
        _nxd_mqtt_client_message_get(
            client_ptr,
            topic_buffer,
            topic_buffer_size,
            actual_topic_length,
            message_buffer,
            message_buffer_size,
            actual_message_length,
        )
    }
}

/// Core of `nxd_mqtt_client_message_get` (a NULL buffer counts as a buffer of size 0).
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_message_get(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_buffer: *mut UCHAR,
    topic_buffer_size: UINT,
    actual_topic_length: *mut UINT,
    message_buffer: *mut UCHAR,
    message_buffer_size: UINT,
    actual_message_length: *mut UINT,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: non-NULL client; buffers as guaranteed by the caller (NULL handled in core).
    unsafe {
        core::message_get(
            client_ptr,
            topic_buffer,
            topic_buffer_size,
            actual_topic_length,
            message_buffer,
            message_buffer_size,
            actual_message_length,
        )
    }
}

/// `nxd_mqtt_client_message_get` with error checking.
#[no_mangle]
pub unsafe extern "C" fn nxd_mqtt_client_message_get(
    client_ptr: *mut NXD_MQTT_CLIENT,
    topic_buffer: *mut UCHAR,
    topic_buffer_size: UINT,
    actual_topic_length: *mut UINT,
    message_buffer: *mut UCHAR,
    message_buffer_size: UINT,
    actual_message_length: *mut UINT,
) -> UINT {
    // SAFETY: forwarded unchanged.
    unsafe {
        _nxde_mqtt_client_message_get(
            client_ptr,
            topic_buffer,
            topic_buffer_size,
            actual_topic_length,
            message_buffer,
            message_buffer_size,
            actual_message_length,
        )
    }
}

/// Unused-import guard: the constants above are used by the checks.
const _: UINT = NXD_MQTT_SUCCESS;

// ---------------------------------------------------------------------------------------------
// release_callback_set (declared but never defined by the original; provided here)
// ---------------------------------------------------------------------------------------------

/// Release callback: `(memory, size)`. Never called: the library hands no memory to the
/// application that it would have to release.
pub type NxdMqttReleaseCallback = Option<unsafe extern "C" fn(*mut CHAR, UINT)>;

/// Stores a release callback (declared by the original header but missing from its library:
/// provided so that programs declaring it link). The callback is never called.
///
/// Returns `NXD_MQTT_SUCCESS`, `NX_PTR_ERROR` (NULL client).
#[no_mangle]
pub unsafe extern "C" fn _nxde_mqtt_client_release_callback_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    release_callback: NxdMqttReleaseCallback,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: forwarded unchanged.
    unsafe { _nxd_mqtt_client_release_callback_set(client_ptr, release_callback) }
}

/// Core of the release callback setter (NULL client: `NX_PTR_ERROR`).
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_release_callback_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    release_callback: NxdMqttReleaseCallback,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: non-NULL client; the caller guarantees it is a control block.
    unsafe { core::release_callback_set(client_ptr, release_callback) }
}
