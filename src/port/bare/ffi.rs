//! The bare-metal port's extensions of the C API (declared in `nxd_mqtt_client.h` under
//! `NXD_MQTT_PORT_BARE`; build.rs reads this file with cbindgen).
//!
//! * [`NXD_MQTT_TRANSPORT`]: the application's link to the broker and tick clock.
//! * `nxd_mqtt_client_transport_set(client, &transport)`: installs them (copied).
//! * `nxd_mqtt_client_process(client)`: the main-loop step.
//!
//! Every item carries `#[cfg(feature = "bare")]` so that the header guards it with
//! `#if defined(NXD_MQTT_PORT_BARE)`; the two functions exist only when `bare` is the active
//! port (a host build with `posix` and `bare` compiles this port for its tests only).
#![allow(non_camel_case_types)]

use core::ffi::c_int;

use crate::ffi::types::{NXD_ADDRESS, UCHAR, UINT, ULONG, VOID};
#[cfg(all(feature = "bare", not(feature = "posix")))]
use {
    super::TransportSetError,
    crate::ffi::consts::{NXD_MQTT_ALREADY_CONNECTED, NXD_MQTT_CONNECTING, NXD_MQTT_SUCCESS},
    crate::ffi::control_block::NXD_MQTT_CLIENT,
    crate::ffi::netx_codes::NX_PTR_ERROR,
    crate::ffi::status,
    crate::session::State,
};

/// Transport connect callback: `(context, server_ip, server_port)` → `NX_SUCCESS`,
/// `NX_IN_PROGRESS` or a failure code (see [`NXD_MQTT_TRANSPORT_STRUCT`]).
#[cfg(feature = "bare")]
pub type NxdMqttTransportConnect =
    Option<unsafe extern "C" fn(*mut VOID, *const NXD_ADDRESS, UINT) -> UINT>;
/// Transport send callback: `(context, data, length)` → bytes taken (0: no room now) or a
/// negative value (link broken).
#[cfg(feature = "bare")]
pub type NxdMqttTransportSend =
    Option<unsafe extern "C" fn(*mut VOID, *const UCHAR, UINT) -> c_int>;
/// Transport receive callback: `(context, buffer, size)` → bytes stored (0: nothing arrived)
/// or a negative value (link closed or broken).
#[cfg(feature = "bare")]
pub type NxdMqttTransportReceive =
    Option<unsafe extern "C" fn(*mut VOID, *mut UCHAR, UINT) -> c_int>;
/// Transport close callback: `(context)`.
#[cfg(feature = "bare")]
pub type NxdMqttTransportClose = Option<unsafe extern "C" fn(*mut VOID)>;
/// Tick callback: `(context)` → the current tick (`NX_IP_PERIODIC_RATE` per second).
#[cfg(feature = "bare")]
pub type NxdMqttTransportTickGet = Option<unsafe extern "C" fn(*mut VOID) -> ULONG>;

/// EXTENSION (bare-metal port, no RTOS): the link to the broker and the tick clock, supplied
/// by the application (typedef `NXD_MQTT_TRANSPORT`) and installed with
/// `nxd_mqtt_client_transport_set`, which copies it.
///
/// Every callback gets `nxd_mqtt_transport_context` as its first argument, runs in the
/// context that called the API or `nxd_mqtt_client_process` (never in an interrupt), and
/// must return without waiting: the library calls again later. Blocking API calls (connect
/// with a timeout, publish waiting for room) call them in a loop until done or timed out.
#[cfg(feature = "bare")]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct NXD_MQTT_TRANSPORT_STRUCT {
    /// Passed unchanged to every callback.
    pub nxd_mqtt_transport_context: *mut VOID,
    /// Optional. Opens the link to `server_ip`:`server_port` (the arguments of
    /// `nxd_mqtt_client_connect`). Returns `NX_SUCCESS` when the link is up, `NX_IN_PROGRESS`
    /// while it is still being set up (the library calls it again with the same arguments until
    /// it returns something else; the connect timeout applies), any other value when it failed
    /// (connect then returns `NXD_MQTT_CONNECT_FAILURE`). NULL: the link is always up (a
    /// serial line, a connection the application opened itself).
    pub nxd_mqtt_transport_connect: NxdMqttTransportConnect,
    /// Required. Takes up to `length` bytes for sending and returns how many it took (0: no
    /// room now), or a negative value when the link is broken (the connection ends).
    pub nxd_mqtt_transport_send: NxdMqttTransportSend,
    /// Required. Stores up to `size` received bytes in `buffer` and returns how many (0:
    /// nothing has arrived), or a negative value when the link was closed or broke (the
    /// connection ends).
    pub nxd_mqtt_transport_receive: NxdMqttTransportReceive,
    /// Optional. Closes the link; called once for every connect attempt that called the
    /// connect callback (after a disconnect, a broken link or a failed connect). A link that
    /// cannot be opened again makes its connect callback fail afterwards.
    pub nxd_mqtt_transport_close: NxdMqttTransportClose,
    /// Required. The current time in ticks, `NX_IP_PERIODIC_RATE` (100) per second; wraps
    /// around. Timeouts, keep-alive (PINGREQ) and the ping timeout run on it.
    pub nxd_mqtt_transport_tick_get: NxdMqttTransportTickGet,
}

/// `NXD_MQTT_TRANSPORT` (typedef of the struct tag).
#[cfg(feature = "bare")]
pub type NXD_MQTT_TRANSPORT = NXD_MQTT_TRANSPORT_STRUCT;

impl NXD_MQTT_TRANSPORT_STRUCT {
    /// True when the required callbacks (send, receive, tick) are present.
    pub fn is_complete(&self) -> bool {
        self.nxd_mqtt_transport_send.is_some()
            && self.nxd_mqtt_transport_receive.is_some()
            && self.nxd_mqtt_transport_tick_get.is_some()
    }
}

/// `NXD_MQTT_CLIENT_OPAQUE_WORDS` of the bare-metal port for the default capacities on 32-bit
/// targets: the header's default (a library built with other `NXD_MQTT_BARE_*` capacities
/// reports its own value in `nxd_mqtt_client_opaque_words`). A compile-time assertion keeps
/// it equal to the real size for default builds.
#[cfg(feature = "bare")]
pub const NXD_MQTT_BARE_CLIENT_OPAQUE_WORDS: usize = 4267;

/// True when no capacity was changed at build time.
#[cfg(all(feature = "bare", not(feature = "posix")))]
const DEFAULT_CAPACITIES: bool = option_env!("NXD_MQTT_BARE_RX").is_none()
    && option_env!("NXD_MQTT_BARE_QUEUE").is_none()
    && option_env!("NXD_MQTT_BARE_STORE").is_none()
    && option_env!("NXD_MQTT_BARE_TX").is_none()
    && option_env!("NXD_MQTT_BARE_INFLIGHT").is_none()
    && option_env!("NXD_MQTT_BARE_IO").is_none();

#[cfg(all(feature = "bare", not(feature = "posix"), target_pointer_width = "32"))]
const _: () = assert!(
    !DEFAULT_CAPACITIES
        || crate::ffi::control_block::NXD_MQTT_CLIENT_OPAQUE_WORDS
            == NXD_MQTT_BARE_CLIENT_OPAQUE_WORDS,
    "the bare port's client changed size: set NXD_MQTT_BARE_CLIENT_OPAQUE_WORDS in \
     src/port/bare/ffi.rs to the new word count and run scripts/check_header.sh --update"
);

/// EXTENSION (bare-metal port): `NXD_MQTT_CLIENT_OPAQUE_WORDS` of this library, i.e. the
/// `uintptr_t` words of client state inside `NXD_MQTT_CLIENT` for the capacities it was built
/// with. The header's value must be the same (`sizeof(NXD_MQTT_CLIENT)` would be wrong
/// otherwise); firmware can check `nxd_mqtt_client_opaque_words == NXD_MQTT_CLIENT_OPAQUE_WORDS`
/// at start-up.
#[cfg(all(feature = "bare", not(feature = "posix")))]
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static nxd_mqtt_client_opaque_words: UINT =
    crate::ffi::control_block::NXD_MQTT_CLIENT_OPAQUE_WORDS as UINT;

/// EXTENSION (bare-metal port): installs the application's transport and tick clock for this
/// client (a copy of `*transport_ptr` is kept; the struct need not outlive the call). Call it
/// after `nxd_mqtt_client_create` and before `nxd_mqtt_client_connect`; it may be called
/// again while the client is not connected (e.g. to use another link for the next connect).
///
/// Returns `NXD_MQTT_SUCCESS`, `NX_PTR_ERROR` (NULL client or transport, or the send,
/// receive or tick callback missing), `NXD_MQTT_ALREADY_CONNECTED` / `NXD_MQTT_CONNECTING`
/// (a connection is using the current transport), `NXD_MQTT_MUTEX_FAILURE` (not a created
/// client).
///
/// # Safety
/// `client_ptr` is NULL or a control block; `transport_ptr` is NULL or points to an
/// `NXD_MQTT_TRANSPORT` whose callbacks may be called with its context while the client
/// exists.
#[cfg(all(feature = "bare", not(feature = "posix")))]
#[no_mangle]
pub unsafe extern "C" fn nxd_mqtt_client_transport_set(
    client_ptr: *mut NXD_MQTT_CLIENT,
    transport_ptr: *const NXD_MQTT_TRANSPORT,
) -> UINT {
    if client_ptr.is_null() || transport_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: non-NULL; the caller guarantees it points to an NXD_MQTT_TRANSPORT. It is
    // copied (read unaligned: the application may pack it anywhere).
    let transport = unsafe { transport_ptr.read_unaligned() };
    if !transport.is_complete() {
        return NX_PTR_ERROR;
    }
    // SAFETY: non-NULL control block per the contract.
    let Some(shared) = (unsafe { crate::ffi::client_of(client_ptr) }) else {
        return status::NOT_CREATED_LOCK;
    };
    match shared.set_transport(&transport) {
        Ok(()) => NXD_MQTT_SUCCESS,
        Err(TransportSetError::Incomplete) => NX_PTR_ERROR,
        Err(TransportSetError::InUse(State::Connecting)) => NXD_MQTT_CONNECTING,
        Err(TransportSetError::InUse(_)) => NXD_MQTT_ALREADY_CONNECTED,
    }
}

/// EXTENSION (bare-metal port): the main-loop step. Reads what the transport has received,
/// processes it (acknowledgements, the receive queue), sends what is pending, runs the
/// keep-alive and ping timeout, drives a non-blocking connect, and calls the callbacks
/// (receive, connect, disconnect, ack notify) from inside this call. Never waits. Call it
/// from the main loop, often enough for the traffic and at least a few times per keep-alive
/// period; never from an interrupt handler or a callback of the same client.
///
/// Returns `NXD_MQTT_SUCCESS`, `NX_PTR_ERROR` (NULL client), `NXD_MQTT_MUTEX_FAILURE` (not a
/// created client).
///
/// # Safety
/// `client_ptr` is NULL or a control block.
#[cfg(all(feature = "bare", not(feature = "posix")))]
#[no_mangle]
pub unsafe extern "C" fn nxd_mqtt_client_process(client_ptr: *mut NXD_MQTT_CLIENT) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: non-NULL control block per the contract.
    let Some(shared) = (unsafe { crate::ffi::client_of(client_ptr) }) else {
        return status::NOT_CREATED_LOCK;
    };
    shared.process();
    NXD_MQTT_SUCCESS
}
