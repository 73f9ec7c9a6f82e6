//! Session fuzz invariants (filled in below).

/// Runs one fuzz program against a session (see `fuzz/fuzz_targets/session.rs`).
pub fn fuzz_check_session(_data: &[u8]) {}
