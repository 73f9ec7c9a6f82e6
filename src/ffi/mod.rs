//! The C ABI: the original's public functions (three names each), the `NXD_MQTT_CLIENT`
//! control block, the constants and return codes, and the one mapping of outcomes to NX codes.
//!
//! * [`types`] — ThreadX/NetX scalar types and `NXD_ADDRESS`.
//! * [`consts`] — every `#define` of the original header (source of the generated header).
//! * [`netx_codes`] — the NetX codes that surface through the API (`NX_PTR_ERROR`, ...).
//! * [`control_block`] — `NXD_MQTT_CLIENT`.
//! * [`overlay`] — the packet-overlay structs of the original header.
//! * [`status`] — outcomes of the client layer → NX return codes (the only place).
//! * [`api`] — the exported functions and their front-end checks.
//! * `core` — the function cores on top of [`crate::client`] and the active port.
//! * `cloud` — NetX port built with `NXD_MQTT_CLOUD_ENABLE`: `_nxd_mqtt_client_cloud_create`.
//! * `middleware` — NetX port: the semi-public functions NetX Duo's Azure IoT middleware
//!   calls on the client (`_nxd_mqtt_client_publish_packet_send`, `_sub_unsub`,
//!   `_connection_end`).
//!
//! The header `include/nxd_mqtt_client.h` is generated from these files by `build.rs`.
#![deny(clippy::undocumented_unsafe_blocks)]
#![allow(non_snake_case)]

pub mod api;
#[cfg(all(
    feature = "netx",
    not(feature = "posix"),
    not(feature = "bare"),
    nxd_mqtt_cloud
))]
pub mod cloud;
pub mod consts;
pub mod control_block;
mod core;
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
pub mod middleware;
#[allow(unused_imports)] // used by the ports' own extension functions (e.g. bare)
pub(crate) use self::core::{client_of, Core, FfiHooks, FfiState, Shared, Slot};
pub mod netx_codes;
pub mod overlay;
pub mod status;
pub mod types;

#[cfg(all(test, feature = "posix"))]
mod tests;
