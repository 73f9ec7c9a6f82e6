//! Bindings generated at build time (`build_support.rs`) from `glue.h` and the application's
//! ThreadX / NetX Duo headers: the C glue's functions, its configuration record and the
//! control blocks the port embeds (opaque: Rust only relies on their size and alignment).
#![allow(
    non_camel_case_types,
    non_snake_case,
    non_upper_case_globals,
    dead_code,
    missing_docs,
    unreachable_pub,
    clippy::all,
    clippy::pedantic,
    clippy::undocumented_unsafe_blocks
)]

include!(concat!(env!("OUT_DIR"), "/netx_sys.rs"));
