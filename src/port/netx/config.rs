//! Build-time capacities of the NetX port.
//!
//! The client state (session buffers, in-flight store, receive queue, staging buffers and the
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
//! | `NXD_MQTT_NETX_QUEUE` | 2048 | receive queue bytes (whole PUBLISH packets awaiting `message_get`) |
//! | `NXD_MQTT_NETX_STORE` | 2048 | in-flight store bytes (QoS 1/2 PUBLISH copies kept for resend) |
//! | `NXD_MQTT_NETX_TX` | 2048 | transmit queue bytes (largest outbound packet) |
//! | `NXD_MQTT_NETX_INFLIGHT` | 8 | in-flight records (QoS 1/2 flows, SUBSCRIBE/UNSUBSCRIBE awaiting ack) |
//! | `NXD_MQTT_NETX_IO` | 512 | staging buffer between NetX packets and the session, each way |

/// Parses a positive decimal `usize` at compile time; `default` when the variable is unset.
const fn capacity(value: Option<&str>, default: usize) -> usize {
    let n = count(value, default);
    assert!(n > 0, "NXD_MQTT_NETX_* capacity: must be positive");
    n
}

/// Parses a decimal `usize` (0 allowed) at compile time; `default` when the variable is unset.
const fn count(value: Option<&str>, default: usize) -> usize {
    let Some(text) = value else { return default };
    let bytes = text.as_bytes();
    assert!(!bytes.is_empty(), "NXD_MQTT_NETX_* capacity: empty value");
    let mut n: usize = 0;
    let mut i = 0;
    while i < bytes.len() {
        let d = bytes[i];
        assert!(
            d.is_ascii_digit(),
            "NXD_MQTT_NETX_* capacity: not a decimal number"
        );
        n = match n.checked_mul(10) {
            Some(v) => v,
            None => panic!("NXD_MQTT_NETX_* capacity: too large"),
        };
        n = match n.checked_add((d - b'0') as usize) {
            Some(v) => v,
            None => panic!("NXD_MQTT_NETX_* capacity: too large"),
        };
        i += 1;
    }
    n
}

/// Entries of the client table (`NXD_MQTT_NETX_MAX_CLIENTS`): clients that can exist at the
/// same time besides those placed in the application's memory. 0: no table (every create
/// must give memory).
pub const MAX_CLIENTS: usize = count(option_env!("NXD_MQTT_NETX_MAX_CLIENTS"), 1);
/// Largest inbound packet (`NXD_MQTT_NETX_RX`).
pub const RX_CAPACITY: usize = capacity(option_env!("NXD_MQTT_NETX_RX"), 2048);
/// Receive-queue bytes (`NXD_MQTT_NETX_QUEUE`).
pub const QUEUE_CAPACITY: usize = capacity(option_env!("NXD_MQTT_NETX_QUEUE"), 2048);
/// In-flight store bytes (`NXD_MQTT_NETX_STORE`).
pub const STORE_CAPACITY: usize = capacity(option_env!("NXD_MQTT_NETX_STORE"), 2048);
/// Transmit-queue bytes (`NXD_MQTT_NETX_TX`).
pub const TX_CAPACITY: usize = capacity(option_env!("NXD_MQTT_NETX_TX"), 2048);
/// In-flight records (`NXD_MQTT_NETX_INFLIGHT`).
pub const INFLIGHT_CAPACITY: usize = capacity(option_env!("NXD_MQTT_NETX_INFLIGHT"), 8);
/// Staging buffer between NetX packets and the session, each way (`NXD_MQTT_NETX_IO`).
pub const IO_CAPACITY: usize = capacity(option_env!("NXD_MQTT_NETX_IO"), 512);

#[cfg(test)]
mod tests {
    use super::capacity;

    #[test]
    fn parses_decimal_values_and_defaults() {
        assert_eq!(capacity(None, 5), 5);
        assert_eq!(capacity(Some("2048"), 1), 2048);
        assert_eq!(super::count(Some("0"), 1), 0);
    }

    #[test]
    #[should_panic(expected = "must be positive")]
    fn capacities_are_positive() {
        let _ = capacity(Some("0"), 1);
    }

    #[test]
    #[should_panic(expected = "not a decimal number")]
    fn rejects_non_digits() {
        let _ = capacity(Some("2k"), 1);
    }
}
