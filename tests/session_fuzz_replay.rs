//! Replays the saved `session` fuzz corpus (`fuzz/corpus/session/`), the regression inputs
//! (`fuzz/regressions/session/`) and any local crash artifacts (`fuzz/artifacts/session/`)
//! through the checks the fuzz target runs; plus pseudo-random programs, so the invariants
//! are exercised by a plain `cargo test` on stable.

use std::fs;
use std::path::Path;

fn replay(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut count = 0;
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if !path.is_file() || path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let data = fs::read(&path).expect("read input");
        let outcome = std::panic::catch_unwind(|| nxd_mqtt::session::fuzz_check_session(&data));
        assert!(outcome.is_ok(), "fuzz check failed on {}", path.display());
        count += 1;
    }
    count
}

#[test]
fn session_corpus_and_regressions() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let corpus = replay(&fuzz.join("corpus/session"));
    assert!(corpus >= 10, "only {corpus} inputs in fuzz/corpus/session");
    let regressions = replay(&fuzz.join("regressions/session"));
    let artifacts = replay(&fuzz.join("artifacts/session"));
    println!("replayed {corpus} corpus, {regressions} regression and {artifacts} artifact inputs");
}

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Random programs biased towards a connected session (connect + CONNACK first).
#[test]
fn random_programs() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..3000 {
        let len = (rng.next() % 400) as usize;
        let mut prog: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        if round % 2 == 0 && prog.len() > 8 {
            // config, initial id, clock, connect(flags), broker CONNACK accepted
            let head = [prog[0], 0, 1, 0, 0, 0, (prog[1] & 0x0E) | 0x01, 2, 0, 0, 0];
            prog.splice(0..0, head);
        }
        let outcome = std::panic::catch_unwind(|| nxd_mqtt::session::fuzz_check_session(&prog));
        assert!(outcome.is_ok(), "round {round}: program {prog:02X?}");
    }
}
