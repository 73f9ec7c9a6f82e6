//! # nxd_mqtt
//!
//! A memory-safe replacement for the NetX Duo MQTT client (`nxd_mqtt_client.c`): C firmware
//! links `libnxd_mqtt.a` instead of the original file and keeps its sources.
//!
//! Layers, each knowing only the one below it:
//! * [`codec`]: MQTT 3.1.1 wire format and an incremental frame reader (pure, no I/O).
//! * [`session`]: the client state machine, sans-IO (bytes, ticks and commands in; bytes,
//!   events and timeouts out).
//! * `client`: drives one session over a port (thread or poll loop, blocking waits, callbacks).
//! * `port`: platforms (`posix` host sockets and threads, `bare` application callbacks,
//!   `netx` ThreadX + NetX Duo).
//! * `ffi`: the `extern "C"` surface with the original names, the control block and the
//!   NX return codes.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

pub mod codec;
pub mod session;

#[cfg(any(feature = "posix", feature = "bare", feature = "netx"))]
pub mod client;
#[cfg(any(feature = "posix", feature = "bare", feature = "netx"))]
pub mod ffi;
#[cfg(any(feature = "posix", feature = "bare", feature = "netx"))]
pub mod port;

/// Firmware builds abort on panic (the core never panics on input; this is the last resort).
#[cfg(all(target_os = "none", not(test)))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    loop {
        core::hint::spin_loop();
    }
}
