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

/// Parses a decimal `usize` at compile time; `default` when the variable is not set. A value
/// that is not a positive decimal number stops the build.
const fn capacity(value: Option<&str>, default: usize) -> usize {
    let Some(text) = value else { return default };
    let bytes = text.as_bytes();
    assert!(!bytes.is_empty(), "NXD_MQTT_BARE_* capacity: empty value");
    let mut n: usize = 0;
    let mut i = 0;
    while i < bytes.len() {
        let d = bytes[i];
        assert!(
            d.is_ascii_digit(),
            "NXD_MQTT_BARE_* capacity: not a decimal number"
        );
        n = match n.checked_mul(10) {
            Some(v) => v,
            None => panic!("NXD_MQTT_BARE_* capacity: too large"),
        };
        n = match n.checked_add((d - b'0') as usize) {
            Some(v) => v,
            None => panic!("NXD_MQTT_BARE_* capacity: too large"),
        };
        i += 1;
    }
    assert!(n > 0, "NXD_MQTT_BARE_* capacity: must be positive");
    n
}

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

#[cfg(test)]
mod tests {
    use super::capacity;

    #[test]
    fn parses_decimal_values_and_defaults() {
        assert_eq!(capacity(None, 77), 77);
        assert_eq!(capacity(Some("4096"), 1), 4096);
        assert_eq!(capacity(Some("1"), 9), 1);
    }

    #[test]
    #[should_panic(expected = "not a decimal number")]
    fn rejects_non_digits() {
        let _ = capacity(Some("4k"), 1);
    }

    #[test]
    #[should_panic(expected = "must be positive")]
    fn rejects_zero() {
        let _ = capacity(Some("0"), 1);
    }
}
