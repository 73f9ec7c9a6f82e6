//! Build-time capacities of the NetX port.
//!
//! The client state (session buffers, in-flight store, staging buffers and the
//! ThreadX / NetX control blocks) lives in the memory the application passes to create
//! (`memory_ptr`, at least `nxd_mqtt_client_memory_size()` bytes) or else in a static table of
//! this library with room for `NXD_MQTT_NETX_MAX_CLIENTS` clients, so that `NXD_MQTT_CLIENT`
//! stays as small as the original's. Each value can be changed when the library is built,
//! through an environment variable read by the compiler (cargo rebuilds when it changes):
//!
//! | Variable | Default | Meaning |
//! |---|---|---|
//! | `NXD_MQTT_NETX_MAX_CLIENTS` | 1 | table entries: clients without memory of their own that can exist at the same time (0: no table) |
//! | `NXD_MQTT_NETX_RX` | 2048 | largest inbound MQTT packet, fixed header included |
//! | `NXD_MQTT_NETX_TX` | 2048 | transmit queue bytes (largest outbound packet) |
//! | `NXD_MQTT_NETX_INFLIGHT` | 32 | in-flight records (QoS 1/2 flows, SUBSCRIBE/UNSUBSCRIBE awaiting ack) |
//! | `NXD_MQTT_NETX_IO` | 512 | staging buffer between NetX packets and the session, each way |

use crate::port::build_config::{capacity, count};

/// Entries of the client table (`NXD_MQTT_NETX_MAX_CLIENTS`): clients that can exist at the
/// same time besides those placed in the application's memory. 0: no table (every create
/// must give memory).
pub const MAX_CLIENTS: usize = count(option_env!("NXD_MQTT_NETX_MAX_CLIENTS"), 1);
/// Largest inbound packet (`NXD_MQTT_NETX_RX`).
pub const RX_CAPACITY: usize = capacity(option_env!("NXD_MQTT_NETX_RX"), 2048);
/// Transmit-queue bytes (`NXD_MQTT_NETX_TX`).
pub const TX_CAPACITY: usize = capacity(option_env!("NXD_MQTT_NETX_TX"), 2048);
/// In-flight records (`NXD_MQTT_NETX_INFLIGHT`).
pub const INFLIGHT_CAPACITY: usize = capacity(option_env!("NXD_MQTT_NETX_INFLIGHT"), 32);
/// Staging buffer between NetX packets and the session, each way (`NXD_MQTT_NETX_IO`).
pub const IO_CAPACITY: usize = capacity(option_env!("NXD_MQTT_NETX_IO"), 512);
