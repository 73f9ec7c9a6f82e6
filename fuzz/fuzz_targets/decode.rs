//! Arbitrary bytes into `decode_packet`, `decode_inbound` and frame readers fed in arbitrary
//! splits; decoded packets must re-encode to the same bytes. The checks are
//! `nxd_mqtt::codec::fuzz_check_decode`, also run on the saved corpus by
//! `tests/codec_fuzz_replay.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    nxd_mqtt::codec::fuzz_check_decode(data);
});
