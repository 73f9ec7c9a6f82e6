//! Replays the saved `decode` fuzz corpus (`fuzz/corpus/decode/`), the saved regression inputs
//! (`fuzz/regressions/decode/`) and any local crash artifacts (`fuzz/artifacts/decode/`)
//! through the same checks the fuzz target runs, so a plain `cargo test` on the stable
//! toolchain keeps every input the fuzzer ever found interesting.

use std::fs;
use std::path::Path;

/// Runs `fuzz_check_decode` on every file in `dir`; returns how many there were.
fn replay(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut count = 0;
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if !path.is_file() {
            continue;
        }
        let data = fs::read(&path).expect("read input");
        let outcome = std::panic::catch_unwind(|| nxd_mqtt::codec::fuzz_check_decode(&data));
        assert!(outcome.is_ok(), "fuzz check failed on {}", path.display());
        count += 1;
    }
    count
}

#[test]
fn decode_corpus_and_regressions() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let corpus = replay(&fuzz.join("corpus/decode"));
    // The corpus is committed (seeded with the byte vectors): missing means a broken checkout.
    assert!(corpus >= 40, "only {corpus} inputs in fuzz/corpus/decode");
    let regressions = replay(&fuzz.join("regressions/decode"));
    let artifacts = replay(&fuzz.join("artifacts/decode"));
    println!("replayed {corpus} corpus, {regressions} regression and {artifacts} artifact inputs");
}
