//! The NetX Duo / ThreadX scalar types and the few NetX structures that appear in the API.
//!
//! On a NetX build these come from the application's `tx_port.h` / `nx_api.h`; on the host
//! the generated header defines them itself (see `include/parts/prelude.h`). The Rust
//! definitions here must match both: they follow ThreadX's Linux port, where `ULONG` is
//! `unsigned int` on x86_64 and `unsigned long` elsewhere (32 bits on every Cortex-M port).
#![allow(non_camel_case_types)]

use core::ffi::{c_char, c_uchar, c_uint, c_ushort, c_void};

/// ThreadX `UINT`: `unsigned int`.
pub type UINT = c_uint;
/// ThreadX `ULONG`: `unsigned int` on x86_64 (ThreadX Linux port), `unsigned long` elsewhere.
#[cfg(target_arch = "x86_64")]
pub type ULONG = c_uint;
/// ThreadX `ULONG`: `unsigned int` on x86_64 (ThreadX Linux port), `unsigned long` elsewhere.
#[cfg(not(target_arch = "x86_64"))]
pub type ULONG = core::ffi::c_ulong;
/// ThreadX `USHORT`: `unsigned short`.
pub type USHORT = c_ushort;
/// ThreadX `UCHAR`: `unsigned char`.
pub type UCHAR = c_uchar;
/// ThreadX `CHAR`: `char`.
pub type CHAR = c_char;
/// ThreadX `VOID`: `void`.
pub type VOID = c_void;

/// NetX IP instance. Opaque to this library: only checked for NULL and passed to the port.
#[repr(C)]
pub struct NX_IP {
    _opaque: [u8; 0],
}

/// NetX packet pool. Opaque to this library: only checked for NULL and passed to the port.
#[repr(C)]
pub struct NX_PACKET_POOL {
    _opaque: [u8; 0],
}

/// ThreadX mutex. Opaque to this library (the NetX port's control block points to one).
#[repr(C)]
pub struct TX_MUTEX {
    _opaque: [u8; 0],
}

/// NetX Secure's TLS session and X.509 certificate (NetX port built with `NX_SECURE_ENABLE`):
/// the application's own types, bound from its headers (size and alignment only).
#[cfg(all(
    feature = "netx",
    not(feature = "posix"),
    not(feature = "bare"),
    nxd_mqtt_tls
))]
pub use crate::port::netx::{NX_SECURE_TLS_SESSION, NX_SECURE_X509_CERT};

/// NetX Duo's WebSocket client (NetX port built with `NXD_MQTT_OVER_WEBSOCKET`): the
/// application's own type, bound from its headers (size and alignment only).
#[cfg(all(
    feature = "netx",
    not(feature = "posix"),
    not(feature = "bare"),
    nxd_mqtt_websocket
))]
pub use crate::port::netx::NX_WEBSOCKET_CLIENT;

/// NetX packet. Opaque; the ack notify receives NULL for it on ports without packet pools.
#[repr(C)]
pub struct NX_PACKET {
    _opaque: [u8; 0],
}

/// The address union of [`NXD_ADDRESS`].
#[repr(C)]
#[derive(Clone, Copy)]
pub union NxdIpAddress {
    /// IPv4 address in host byte order (`IP_ADDRESS(a,b,c,d)`).
    pub v4: ULONG,
    /// IPv6 address as four 32-bit words, each in host byte order, most significant first.
    pub v6: [ULONG; 4],
}

/// NetX Duo `NXD_ADDRESS`: IP version (4 or 6) and address.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct NXD_ADDRESS {
    /// 4 (`NX_IP_VERSION_V4`) or 6 (`NX_IP_VERSION_V6`).
    pub nxd_ip_version: ULONG,
    /// The address; which member is valid depends on `nxd_ip_version`.
    pub nxd_ip_address: NxdIpAddress,
}
