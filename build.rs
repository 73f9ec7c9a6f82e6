//! Build script: generates the C header (added by the C-ABI work).
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
}
