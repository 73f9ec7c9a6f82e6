//! The NetX port's additions to the C interface (build.rs reads this file for the header):
//! how much memory `nxd_mqtt_client_create` needs to place a client in the application's
//! memory (`memory_ptr` / `memory_size`) instead of the library's client table.
//!
//! The header defines `NXD_MQTT_CLIENT_MEMORY_SIZE` as `sizeof(TX_THREAD) + sizeof(TX_MUTEX) +
//! sizeof(TX_EVENT_FLAGS_GROUP) + sizeof(NX_TCP_SOCKET) + NXD_MQTT_NETX_CLIENT_STATE_SIZE`
//! (`include/parts/trailer.h`): the ThreadX / NetX control blocks come from the application's
//! own headers, the rest is one of the two constants below (32- or 64-bit targets), valid for
//! the default capacities. A compile-time assertion keeps them in step with the library.

use crate::ffi::types::ULONG;

/// `NXD_MQTT_NETX_CLIENT_STATE_SIZE` on 32-bit targets: the bytes of a client's state besides
/// its ThreadX / NetX control blocks (default capacities), with room to align the memory and
/// 24 bytes for padding between control blocks of different alignments.
#[cfg(feature = "netx")]
pub const NXD_MQTT_NETX_CLIENT_STATE_SIZE_32: usize = 5799;

/// `NXD_MQTT_NETX_CLIENT_STATE_SIZE` on 64-bit targets (see the 32-bit value).
#[cfg(feature = "netx")]
pub const NXD_MQTT_NETX_CLIENT_STATE_SIZE_64: usize = 6375;

/// Bytes the header's memory size may exceed the library's need by (included in the constants
/// above): padding the library may
/// need between control blocks when the application's configuration gives them different
/// alignments (none with the ThreadX / NetX Duo port headers measured).
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
const HEADER_STATE: usize = NXD_MQTT_NETX_CLIENT_STATE_SIZE_32;
#[cfg(all(
    feature = "netx",
    not(feature = "posix"),
    not(feature = "bare"),
    target_pointer_width = "64"
))]
const HEADER_STATE: usize = NXD_MQTT_NETX_CLIENT_STATE_SIZE_64;

// The header's NXD_MQTT_CLIENT_MEMORY_SIZE, evaluated with this build's control blocks, is
// enough and at most STATE_MARGIN bytes more than needed (default capacities).
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
const _: () = assert!(
    !DEFAULT_CAPACITIES
        || (super::OBJECTS_BYTES + HEADER_STATE >= MEMORY_BYTES
            && super::OBJECTS_BYTES + HEADER_STATE - MEMORY_BYTES <= STATE_MARGIN),
    "the NetX port's client changed size: set NXD_MQTT_NETX_CLIENT_STATE_SIZE_32/_64 in \
     src/port/netx/ffi.rs to nxd_mqtt_client_memory_size() minus the four control blocks plus \
     STATE_MARGIN (on a 32-bit and a 64-bit build) and run scripts/check_header.sh --update"
);

/// EXTENSION (NetX port): the bytes of memory `nxd_mqtt_client_create` needs to place a
/// client in the application's memory (`memory_ptr` with `memory_size` at least this, any
/// alignment); with NULL or less memory it uses an entry of the library's client table. The
/// header's `NXD_MQTT_CLIENT_MEMORY_SIZE` is at least this for a library built with the
/// default capacities; a library built with other `NXD_MQTT_NETX_*` capacities needs more or
/// less: check `NXD_MQTT_CLIENT_MEMORY_SIZE >= nxd_mqtt_client_memory_size()` at start-up.
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
#[no_mangle]
pub extern "C" fn nxd_mqtt_client_memory_size() -> ULONG {
    ULONG::try_from(MEMORY_BYTES).unwrap_or(ULONG::MAX)
}
