//! A session fed arbitrary broker bytes interleaved with API calls and clock ticks (the input
//! is decoded as a little program). The checks are `nxd_mqtt::session::fuzz_check_session`,
//! also run on the saved corpus by `tests/session_fuzz_replay.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    nxd_mqtt::session::fuzz_check_session(data);
});
