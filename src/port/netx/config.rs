//! Build-time capacities of the NetX port.
//!
//! The client state (session buffers, in-flight store, staging buffers and the
//! ThreadX / NetX control blocks) lives inside the application's `NXD_MQTT_CLIENT`, whose size
//! therefore follows these capacities. Each value can be changed when the library is built,
//! through an environment variable read by the compiler (cargo rebuilds when it changes); with
//! larger values than the defaults, also set `NXD_MQTT_NETX_CLIENT_STATE_SIZE` (at build time
//! and as a macro in the application, see `ffi.rs`: the build stops when it is too small):
//!
//! | Variable | Default | Meaning |
//! |---|---|---|
//! //! | `NXD_MQTT_NETX_RX` | 2048 | largest inbound MQTT packet, fixed header included |
//! | `NXD_MQTT_NETX_TX` | 2048 | transmit queue bytes (largest outbound packet) |
//! | `NXD_MQTT_NETX_INFLIGHT` | 32 | in-flight records (QoS 1/2 flows, SUBSCRIBE/UNSUBSCRIBE awaiting ack) |
//! | `NXD_MQTT_NETX_IO` | 512 | staging buffer between NetX packets and the session, each way |

use crate::port::build_config::capacity;

/// Largest inbound packet (`NXD_MQTT_NETX_RX`).
pub const RX_CAPACITY: usize = capacity(option_env!("NXD_MQTT_NETX_RX"), 2048);
/// Transmit-queue bytes (`NXD_MQTT_NETX_TX`).
pub const TX_CAPACITY: usize = capacity(option_env!("NXD_MQTT_NETX_TX"), 2048);
/// In-flight records (`NXD_MQTT_NETX_INFLIGHT`).
pub const INFLIGHT_CAPACITY: usize = capacity(option_env!("NXD_MQTT_NETX_INFLIGHT"), 32);
/// Staging buffer between NetX packets and the session, each way (`NXD_MQTT_NETX_IO`).
pub const IO_CAPACITY: usize = capacity(option_env!("NXD_MQTT_NETX_IO"), 512);
