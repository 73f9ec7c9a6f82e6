//! The client control block `NXD_MQTT_CLIENT` that the application allocates (static, global
//! or on the stack) and passes to every call.
//!
//! Layout: the members applications and middleware read or assign directly are real, named
//! members (same names and types as the original); everything else is an opaque area whose
//! size is the real state of the selected port ([`NXD_MQTT_CLIENT_OPAQUE_WORDS`] machine
//! words). A compile-time assertion below keeps that constant equal to the port's state, so
//! the header cannot drift from the library.
//!
//! Rules inherited from the original: `nxd_mqtt_client_create` initialises the whole block
//! (anything written before is lost); the block must not be moved or copied while created
//! (this library detects a moved or copied block and refuses to use it:
//! `NXD_MQTT_MUTEX_FAILURE` / `NXD_MQTT_NOT_CONNECTED`).
#![allow(non_camel_case_types)]

use super::types::{CHAR, NX_PACKET, UINT, USHORT, VOID};
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
use super::types::{NX_IP, NX_PACKET_POOL, TX_MUTEX};
#[cfg(all(
    feature = "netx",
    not(feature = "posix"),
    not(feature = "bare"),
    nxd_mqtt_tls
))]
use super::types::{NX_SECURE_TLS_SESSION, NX_SECURE_X509_CERT};
#[cfg(all(
    feature = "netx",
    not(feature = "posix"),
    not(feature = "bare"),
    nxd_mqtt_websocket
))]
use super::types::{NX_WEBSOCKET_CLIENT, UCHAR};

/// Machine words (`uintptr_t`) of port state inside [`NXD_MQTT_CLIENT_STRUCT`] (host port:
/// a handle to the client's heap state and the block's own address).
#[cfg(feature = "posix")]
pub const NXD_MQTT_CLIENT_OPAQUE_WORDS: usize = 2;

/// Machine words of port state on the bare-metal port: the whole client, inline (its size
/// follows the build-time capacities of `port::bare::config`). Computed, so it always matches;
/// the header cannot compute it and gives the value for the default capacities on 32-bit
/// targets (`include/parts/prelude.h`); the library exports the real value as
/// `nxd_mqtt_client_opaque_words` for a start-up check.
#[cfg(all(feature = "bare", not(feature = "posix")))]
pub const NXD_MQTT_CLIENT_OPAQUE_WORDS: usize =
    core::mem::size_of::<super::core::Slot>().div_ceil(core::mem::size_of::<usize>());

/// Machine words of port state on the NetX port: the block's own address, the client's
/// address, then the client's whole state (its ThreadX / NetX control blocks and the client
/// with its buffers: `NXD_MQTT_CLIENT_MEMORY_SIZE` bytes, rounded up to words). The header
/// computes the same value from the application's `sizeof(TX_THREAD)` etc.
/// (`include/parts/prelude.h`); this one uses the bindings of the same headers.
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
pub const NXD_MQTT_CLIENT_OPAQUE_WORDS: usize =
    2 + crate::port::netx::ffi::CLIENT_MEMORY_SIZE.div_ceil(core::mem::size_of::<usize>());

/// Connect notify: `(client, status, context)`. Called with the result of every CONNACK
/// (`NXD_MQTT_SUCCESS`, `NXD_MQTT_SERVER_MESSAGE_FAILURE`, 0x10081..0x10085) in blocking and
/// non-blocking connects, with `NXD_MQTT_CONNECT_FAILURE` when a non-blocking connect fails
/// or a connecting client is torn down.
pub type NxdMqttConnectNotify = Option<unsafe extern "C" fn(*mut NXD_MQTT_CLIENT, UINT, *mut VOID)>;

/// Ack notify: `(client, packet type, packet id, transmit packet, context)`. Types: 4 PUBACK
/// (outbound QoS 1 done), 7 PUBCOMP (outbound QoS 2 done), 6 PUBREL (inbound QoS 2 done), 9
/// SUBACK, 11 UNSUBACK. The transmit packet pointer is NULL on ports without packet pools.
pub type NxdMqttAckNotify =
    Option<unsafe extern "C" fn(*mut NXD_MQTT_CLIENT, UINT, USHORT, *mut NX_PACKET, *mut VOID)>;

/// Raw packet-receive hook (NetX port): `(client, packet, context)` → `NX_TRUE` when it took
/// the packet.
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
pub type NxdMqttPacketReceiveNotify =
    Option<unsafe extern "C" fn(*mut NXD_MQTT_CLIENT, *mut NX_PACKET, *mut VOID) -> UINT>;

/// The client control block (typedef `NXD_MQTT_CLIENT`). Allocated by the application,
/// initialised by `nxd_mqtt_client_create`, released by `nxd_mqtt_client_delete`.
#[repr(C)]
pub struct NXD_MQTT_CLIENT_STRUCT {
    /// Client identifier given to create (stored by pointer, not copied; must stay valid
    /// while the client exists). Read-only for the application.
    pub nxd_mqtt_client_id: *mut CHAR,
    /// Length of the client identifier. Read-only for the application.
    pub nxd_mqtt_client_id_length: UINT,
    /// `NXD_MQTT_CLIENT_STATE_*`, kept current by the library. Read-only for the application.
    pub nxd_mqtt_client_state: UINT,
    /// Next packet identifier for a QoS > 0 PUBLISH, SUBSCRIBE or UNSUBSCRIBE. The library
    /// mirrors its counter here; an application may write another value (e.g. 0xFFFF), which
    /// the library takes over before the next command (ids still in flight are skipped).
    pub nxd_mqtt_client_packet_identifier: UINT,
    /// `NX_TRUE` between a PINGREQ and its PINGRESP, else `NX_FALSE`. Read-only.
    pub nxd_mqtt_ping_not_responded: UINT,
    /// Connect notify, assigned directly by the application after create (or with the
    /// extension `nxd_mqtt_client_connect_notify_set`).
    pub nxd_mqtt_connect_notify: NxdMqttConnectNotify,
    /// Context passed to the connect notify.
    pub nxd_mqtt_connect_context: *mut VOID,
    /// Ack notify, assigned directly by the application after create.
    pub nxd_mqtt_ack_receive_notify: NxdMqttAckNotify,
    /// Context passed to the ack notify.
    pub nxd_mqtt_ack_receive_context: *mut VOID,
    /// NetX port: the client's ThreadX mutex, as in the original. Code that works on the
    /// client from outside (NetX Duo's Azure IoT middleware) takes it to serialise with the MQTT
    /// thread; it is recursive for its owner, so the API may be called while holding it.
    #[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
    pub nxd_mqtt_client_mutex_ptr: *mut TX_MUTEX,
    /// NetX port: the IP instance given to create. Read-only.
    #[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
    pub nxd_mqtt_client_ip_ptr: *mut NX_IP,
    /// NetX port: the packet pool given to create. Read-only.
    #[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
    pub nxd_mqtt_client_packet_pool_ptr: *mut NX_PACKET_POOL,
    /// NetX port: oldest received PUBLISH not yet taken, as in the original: a packet of the
    /// client's pool positioned at the PUBLISH fixed header (a chain for large messages); the
    /// next one through its `nx_packet_queue_next`. Code that takes messages itself (inside
    /// the receive notify, with the client mutex held) unlinks and releases the packets and
    /// updates head, tail and depth; `message_get` does the same for one message.
    #[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
    pub message_receive_queue_head: *mut NX_PACKET,
    /// NetX port: newest received PUBLISH (see `message_receive_queue_head`).
    #[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
    pub message_receive_queue_tail: *mut NX_PACKET,
    /// NetX port: number of messages in the receive queue.
    #[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
    pub message_receive_queue_depth: UINT,
    /// NetX port: raw packet-receive hook, assigned directly by the application (no setter, as
    /// in the original): called on the MQTT thread, with the client mutex held, with each
    /// segment received from the socket before the library reads it; returning `NX_TRUE`
    /// means the hook took the packet (and releases it), anything else lets the library
    /// process it. The hook may call the API. (The original calls it with its partial packet
    /// joined to the segment; this library hands over the segment as received.)
    #[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
    pub nxd_mqtt_packet_receive_notify: NxdMqttPacketReceiveNotify,
    /// NetX port: context passed to the packet-receive hook.
    #[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
    pub nxd_mqtt_packet_receive_context: *mut VOID,
    /// NetX port built with `NX_SECURE_ENABLE`: the client's NetX Secure TLS session, as in
    /// the original. `nxd_mqtt_client_secure_connect` passes its address to the application's
    /// `tls_setup`, which creates and configures it; the library runs the handshake and the
    /// records through it and ends and deletes it at every connection end.
    #[cfg(all(
        feature = "netx",
        not(feature = "posix"),
        not(feature = "bare"),
        nxd_mqtt_tls
    ))]
    pub nxd_mqtt_tls_session: NX_SECURE_TLS_SESSION,
    /// NetX port with `NX_SECURE_ENABLE`: a certificate object for `tls_setup` (the client's
    /// own certificate, for mutual TLS); not used by the library.
    #[cfg(all(
        feature = "netx",
        not(feature = "posix"),
        not(feature = "bare"),
        nxd_mqtt_tls
    ))]
    pub nxd_mqtt_tls_certificate: NX_SECURE_X509_CERT,
    /// NetX port with `NX_SECURE_ENABLE`: a certificate object for `tls_setup` (the trusted
    /// CA); not used by the library.
    #[cfg(all(
        feature = "netx",
        not(feature = "posix"),
        not(feature = "bare"),
        nxd_mqtt_tls
    ))]
    pub nxd_mqtt_tls_trusted_certificate: NX_SECURE_X509_CERT,
    /// NetX port built with `NXD_MQTT_OVER_WEBSOCKET`: `NX_TRUE` once
    /// `nxd_mqtt_client_websocket_set` created the WebSocket client (connects then run MQTT
    /// over WebSocket), as in the original (NetX Duo's Azure IoT middleware reads it).
    /// Read-only.
    #[cfg(all(
        feature = "netx",
        not(feature = "posix"),
        not(feature = "bare"),
        nxd_mqtt_websocket
    ))]
    pub nxd_mqtt_client_use_websocket: UINT,
    /// NetX port with `NXD_MQTT_OVER_WEBSOCKET`: the host given to `websocket_set` (stored by
    /// pointer, not copied).
    #[cfg(all(
        feature = "netx",
        not(feature = "posix"),
        not(feature = "bare"),
        nxd_mqtt_websocket
    ))]
    pub nxd_mqtt_client_websocket_host: *mut UCHAR,
    /// NetX port with `NXD_MQTT_OVER_WEBSOCKET`: its length.
    #[cfg(all(
        feature = "netx",
        not(feature = "posix"),
        not(feature = "bare"),
        nxd_mqtt_websocket
    ))]
    pub nxd_mqtt_client_websocket_host_length: UINT,
    /// NetX port with `NXD_MQTT_OVER_WEBSOCKET`: the URI path given to `websocket_set`
    /// (stored by pointer, not copied).
    #[cfg(all(
        feature = "netx",
        not(feature = "posix"),
        not(feature = "bare"),
        nxd_mqtt_websocket
    ))]
    pub nxd_mqtt_client_websocket_uri_path: *mut UCHAR,
    /// NetX port with `NXD_MQTT_OVER_WEBSOCKET`: its length.
    #[cfg(all(
        feature = "netx",
        not(feature = "posix"),
        not(feature = "bare"),
        nxd_mqtt_websocket
    ))]
    pub nxd_mqtt_client_websocket_uri_path_length: UINT,
    /// NetX port with `NXD_MQTT_OVER_WEBSOCKET`: the client's NetX Duo WebSocket client.
    #[cfg(all(
        feature = "netx",
        not(feature = "posix"),
        not(feature = "bare"),
        nxd_mqtt_websocket
    ))]
    pub nxd_mqtt_client_websocket: NX_WEBSOCKET_CLIENT,
    /// Library state; do not touch.
    pub nxd_mqtt_client_opaque: [usize; NXD_MQTT_CLIENT_OPAQUE_WORDS],
}

/// `NXD_MQTT_CLIENT` (the header declares it as a typedef of the struct tag).
pub type NXD_MQTT_CLIENT = NXD_MQTT_CLIENT_STRUCT;
