//! The NetX port's additions to the C interface (build.rs reads this file for the header):
//! the size of the client's state, which lives inside the control block `NXD_MQTT_CLIENT`.
//!
//! On this port the opaque area of `NXD_MQTT_CLIENT` is two words (the block's address and
//! the client's) followed by the client's whole state: the ThreadX / NetX control blocks and
//! the client with its buffers. The header sizes that area as
//! `NXD_MQTT_CLIENT_MEMORY_SIZE` = `sizeof(TX_THREAD) + sizeof(TX_MUTEX) +
//! sizeof(TX_EVENT_FLAGS_GROUP) + sizeof(NX_TCP_SOCKET) + NXD_MQTT_NETX_CLIENT_STATE_SIZE`
//! bytes (`include/parts/prelude.h`): the control blocks come from the application's own
//! headers, the rest is one of the two constants below (32- or 64-bit targets), valid for the
//! default capacities. The library computes the same value from its bindings of the same
//! headers ([`CLIENT_MEMORY_SIZE`]), so the C and Rust layouts agree; compile-time assertions
//! check that the client fits.

use crate::ffi::types::ULONG;

/// `NXD_MQTT_NETX_CLIENT_STATE_SIZE` on 32-bit targets: the bytes of a client's state besides
/// its ThreadX / NetX control blocks (default capacities), with room to align the state and
/// 24 bytes for padding between control blocks of different alignments.
#[cfg(feature = "netx")]
pub const NXD_MQTT_NETX_CLIENT_STATE_SIZE_32: usize = 5795;

/// `NXD_MQTT_NETX_CLIENT_STATE_SIZE` on 64-bit targets (see the 32-bit value).
#[cfg(feature = "netx")]
pub const NXD_MQTT_NETX_CLIENT_STATE_SIZE_64: usize = 6367;

/// Bytes the header's memory size may exceed the library's need by (included in the constants
/// above): padding the library may need between control blocks when the application's
/// configuration gives them different alignments (none with the ThreadX / NetX Duo port
/// headers measured).
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
const STATE_MARGIN: usize = 24;

/// True when no per-client capacity was changed at build time.
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
const DEFAULT_CAPACITIES: bool = option_env!("NXD_MQTT_NETX_RX").is_none()
    && option_env!("NXD_MQTT_NETX_TX").is_none()
    && option_env!("NXD_MQTT_NETX_INFLIGHT").is_none()
    && option_env!("NXD_MQTT_NETX_IO").is_none();

/// The bytes create needs (see [`super::memory_bytes`]) for the C layer's clients.
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
const MEMORY_BYTES: usize = super::memory_bytes::<crate::ffi::FfiState, crate::ffi::FfiHooks>();

#[cfg(all(
    feature = "netx",
    not(feature = "posix"),
    not(feature = "bare"),
    target_pointer_width = "32"
))]
const DEFAULT_STATE: usize = NXD_MQTT_NETX_CLIENT_STATE_SIZE_32;
#[cfg(all(
    feature = "netx",
    not(feature = "posix"),
    not(feature = "bare"),
    target_pointer_width = "64"
))]
const DEFAULT_STATE: usize = NXD_MQTT_NETX_CLIENT_STATE_SIZE_64;

/// The header's `NXD_MQTT_NETX_CLIENT_STATE_SIZE` for this build: the default constant, or the
/// value of the environment variable `NXD_MQTT_NETX_CLIENT_STATE_SIZE` at build time (needed
/// with larger `NXD_MQTT_NETX_*` capacities; the application then defines the macro
/// `NXD_MQTT_NETX_CLIENT_STATE_SIZE` with the same value).
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
const HEADER_STATE: usize = crate::port::build_config::count(
    option_env!("NXD_MQTT_NETX_CLIENT_STATE_SIZE"),
    DEFAULT_STATE,
);

/// The header's `NXD_MQTT_CLIENT_MEMORY_SIZE` as this build evaluates it (its control blocks
/// bound from the same ThreadX / NetX headers the application compiles with): the bytes of the
/// client's state inside `NXD_MQTT_CLIENT`, after the two slot words.
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
pub(crate) const CLIENT_MEMORY_SIZE: usize =
    super::OBJECTS_BYTES + HEADER_STATE + TLS_STATE + WS_STATE;

/// The header's `NXD_MQTT_NETX_WS_STATE_SIZE`: eight words of WebSocket state in builds with
/// `NXD_MQTT_OVER_WEBSOCKET` (the WebSocket client itself is a member of the control block).
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
const WS_STATE: usize = if cfg!(nxd_mqtt_websocket) {
    8 * core::mem::size_of::<usize>()
} else {
    0
};

/// The header's `NXD_MQTT_NETX_TLS_STATE_SIZE`: two words of TLS state in builds with
/// `NX_SECURE_ENABLE` (the session itself is a member of the control block).
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
const TLS_STATE: usize = if cfg!(nxd_mqtt_tls) {
    2 * core::mem::size_of::<usize>()
} else {
    0
};

// The client create places after the slot words fits in the control block's area (any
// capacities: a build with larger ones needs NXD_MQTT_NETX_CLIENT_STATE_SIZE).
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
const _: () = assert!(
    MEMORY_BYTES <= CLIENT_MEMORY_SIZE,
    "the NetX port's client does not fit in NXD_MQTT_CLIENT: with non-default NXD_MQTT_NETX_* \
     capacities set NXD_MQTT_NETX_CLIENT_STATE_SIZE (environment at cargo build time and macro \
     in the application) to at least the client's size minus its four control blocks"
);

// With the default capacities and state size, the header's value is at most STATE_MARGIN bytes
// more than needed (keeps the constants above current). Checked in the base configuration:
// the cloud-helper, TLS and WebSocket builds add whole words to both sides, upper bounds of
// what their state needs (their fit is checked above).
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
const _: () = assert!(
    !DEFAULT_CAPACITIES
        || cfg!(nxd_mqtt_cloud)
        || cfg!(nxd_mqtt_tls)
        || cfg!(nxd_mqtt_websocket)
        || option_env!("NXD_MQTT_NETX_CLIENT_STATE_SIZE").is_some()
        || CLIENT_MEMORY_SIZE - MEMORY_BYTES <= STATE_MARGIN,
    "the NetX port's client changed size: set NXD_MQTT_NETX_CLIENT_STATE_SIZE_32/_64 in \
     src/port/netx/ffi.rs to the client's size minus the four control blocks plus STATE_MARGIN \
     (on a 32-bit and a 64-bit build) and run scripts/check_header.sh --update"
);

/// EXTENSION (NetX port), informational: the library's `NXD_MQTT_CLIENT_MEMORY_SIZE`, the
/// bytes of the client's state inside `NXD_MQTT_CLIENT` (ThreadX / NetX control blocks and the
/// client with its buffers; nothing is placed elsewhere, `memory_ptr` / `memory_size` of create
/// are ignored). An application can check `NXD_MQTT_CLIENT_MEMORY_SIZE ==
/// nxd_mqtt_client_memory_size()` at start-up: a difference means it was compiled with other
/// ThreadX / NetX configuration or another `NXD_MQTT_NETX_CLIENT_STATE_SIZE` than the library.
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
#[no_mangle]
pub extern "C" fn nxd_mqtt_client_memory_size() -> ULONG {
    ULONG::try_from(CLIENT_MEMORY_SIZE).unwrap_or(ULONG::MAX)
}
