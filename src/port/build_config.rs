//! Build-time capacities of the firmware ports (`bare`, `netx`), read from environment
//! variables by the compiler (`option_env!`); cargo rebuilds when one changes.

/// Parses a positive decimal `usize` at compile time; `default` when the variable is unset.
/// A value that is not a positive decimal number stops the build.
pub(crate) const fn capacity(value: Option<&str>, default: usize) -> usize {
    let n = count(value, default);
    assert!(n > 0, "NXD_MQTT_* capacity: must be positive");
    n
}

/// Parses a decimal `usize` (0 allowed) at compile time; `default` when the variable is unset.
/// A value that is not a decimal number stops the build.
pub(crate) const fn count(value: Option<&str>, default: usize) -> usize {
    let Some(text) = value else { return default };
    let bytes = text.as_bytes();
    assert!(!bytes.is_empty(), "NXD_MQTT_* capacity: empty value");
    let mut n: usize = 0;
    let mut i = 0;
    while i < bytes.len() {
        let d = bytes[i];
        assert!(
            d.is_ascii_digit(),
            "NXD_MQTT_* capacity: not a decimal number"
        );
        n = match n.checked_mul(10) {
            Some(v) => v,
            None => panic!("NXD_MQTT_* capacity: too large"),
        };
        n = match n.checked_add((d - b'0') as usize) {
            Some(v) => v,
            None => panic!("NXD_MQTT_* capacity: too large"),
        };
        i += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::{capacity, count};

    #[test]
    fn parses_decimal_values_and_defaults() {
        assert_eq!(capacity(None, 77), 77);
        assert_eq!(capacity(Some("4096"), 1), 4096);
        assert_eq!(capacity(Some("1"), 9), 1);
        assert_eq!(capacity(None, 5), 5);
        assert_eq!(capacity(Some("2048"), 1), 2048);
        assert_eq!(count(Some("0"), 1), 0);
    }

    #[test]
    #[should_panic(expected = "not a decimal number")]
    fn rejects_non_digits() {
        let _ = capacity(Some("4k"), 1);
    }

    #[test]
    #[should_panic(expected = "not a decimal number")]
    fn rejects_non_digits_2k() {
        let _ = capacity(Some("2k"), 1);
    }

    #[test]
    #[should_panic(expected = "must be positive")]
    fn rejects_zero() {
        let _ = capacity(Some("0"), 1);
    }
}
