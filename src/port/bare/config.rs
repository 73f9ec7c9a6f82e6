//! Build-time capacities of the bare-metal port.
//!
//! Every capacity has a default sized for one 4 KiB packet and can be changed when the library
//! is built, through an environment variable read by the compiler (cargo rebuilds when it
//! changes):
//!
//! | Variable | Default | Meaning |
//! |---|---|---|
//! | `NXD_MQTT_BARE_RX` | 4096 | largest inbound packet, fixed header included (frame reader) |
//! | `NXD_MQTT_BARE_QUEUE` | 4096 | receive queue bytes (whole PUBLISH frames awaiting `message_get`) |
//! | `NXD_MQTT_BARE_STORE` | 4096 | in-flight store bytes (QoS 1/2 PUBLISH copies kept for resend) |
//! | `NXD_MQTT_BARE_TX` | 4096 | transmit queue bytes (largest outbound packet) |
//! | `NXD_MQTT_BARE_INFLIGHT` | 8 | in-flight records (QoS 1/2 flows, SUBSCRIBE/UNSUBSCRIBE awaiting ack) |
//! | `NXD_MQTT_BARE_IO` | 128 | staging buffer between the transport callbacks and the session, each way |
//!
//! All of it lives inline in the application's `NXD_MQTT_CLIENT`, so `sizeof(NXD_MQTT_CLIENT)`
//! follows these values: an application built against a library with other capacities must use
//! a header generated for that library (see `ffi::control_block`).

use crate::port::build_config::capacity;

/// Largest inbound packet (`NXD_MQTT_BARE_RX`).
pub const RX_CAPACITY: usize = capacity(option_env!("NXD_MQTT_BARE_RX"), 4096);
/// Receive-queue bytes (`NXD_MQTT_BARE_QUEUE`).
pub const QUEUE_CAPACITY: usize = capacity(option_env!("NXD_MQTT_BARE_QUEUE"), 4096);
/// In-flight store bytes (`NXD_MQTT_BARE_STORE`).
pub const STORE_CAPACITY: usize = capacity(option_env!("NXD_MQTT_BARE_STORE"), 4096);
/// Transmit-queue bytes (`NXD_MQTT_BARE_TX`).
pub const TX_CAPACITY: usize = capacity(option_env!("NXD_MQTT_BARE_TX"), 4096);
/// In-flight records (`NXD_MQTT_BARE_INFLIGHT`).
pub const INFLIGHT_CAPACITY: usize = capacity(option_env!("NXD_MQTT_BARE_INFLIGHT"), 8);
/// Transport staging buffer, each way (`NXD_MQTT_BARE_IO`).
pub const IO_CAPACITY: usize = capacity(option_env!("NXD_MQTT_BARE_IO"), 128);
