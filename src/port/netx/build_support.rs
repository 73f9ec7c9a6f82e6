//! Build step of the NetX port (included by `build.rs` with the `netx` feature): compiles the C
//! glue (`glue.c`) and generates Rust bindings (`glue.h` and the control blocks it needs) with
//! the application's ThreadX / NetX Duo headers and configuration.
//!
//! Environment (read by cargo; changing any of them rebuilds):
//!
//! | Variable | Meaning |
//! |---|---|
//! | `NXD_MQTT_THREADX_INCLUDE` | directories with `tx_api.h`, `tx_port.h` (and `tx_user.h`), path-list syntax (`:`) |
//! | `NXD_MQTT_NETX_INCLUDE` | directories with `nx_api.h`, `nx_port.h` (and `nx_user.h`) |
//! | `NXD_MQTT_USER_DEFINES` | the application's configuration macros, separated by spaces or `;`: `NAME` or `NAME=VALUE` (e.g. `TX_INCLUDE_USER_DEFINE_FILE NX_ENABLE_EXTENDED_NOTIFY_SUPPORT NXD_MQTT_KEEPALIVE_TIMER_RATE=50`) |
//! | `NXD_MQTT_NETX_CFLAGS` | extra compiler flags for the glue and for bindgen (space separated) |
//! | `NXD_MQTT_NETX_SYSROOT_INCLUDE` | C library headers for bare-metal targets (default `/usr/lib/arm-none-eabi/include`) |
//!
//! Both include variables are required: the library must be built against the same headers
//! and macros as the application, or the control blocks it embeds would not match.
use std::env;
use std::path::{Path, PathBuf};

const VARS: &[&str] = &[
    "NXD_MQTT_THREADX_INCLUDE",
    "NXD_MQTT_NETX_INCLUDE",
    "NXD_MQTT_USER_DEFINES",
    "NXD_MQTT_NETX_CFLAGS",
    "NXD_MQTT_NETX_SYSROOT_INCLUDE",
];

fn include_dirs(var: &str) -> Vec<PathBuf> {
    let Some(value) = env::var_os(var) else {
        panic!(
            "the `netx` feature needs {var}: the directories of the application's ThreadX / NetX \
             Duo headers (see src/port/netx/build_support.rs)"
        );
    };
    let dirs: Vec<PathBuf> = env::split_paths(&value)
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    assert!(!dirs.is_empty(), "{var} is empty");
    for d in &dirs {
        assert!(d.is_dir(), "{var}: {} is not a directory", d.display());
    }
    dirs
}

fn defines() -> Vec<(String, Option<String>)> {
    let text = env::var("NXD_MQTT_USER_DEFINES").unwrap_or_default();
    text.split(|c: char| c.is_whitespace() || c == ';')
        .filter(|s| !s.is_empty())
        .map(|d| {
            let d = d.strip_prefix("-D").unwrap_or(d);
            match d.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (d.to_string(), None),
            }
        })
        .collect()
}

/// Runs the NetX build step.
pub fn run() {
    for v in VARS {
        println!("cargo:rerun-if-env-changed={v}");
    }
    let here = Path::new("src/port/netx");
    for f in ["glue.c", "glue.h", "build_support.rs"] {
        println!("cargo:rerun-if-changed={}", here.join(f).display());
    }

    let mut includes = include_dirs("NXD_MQTT_THREADX_INCLUDE");
    includes.extend(include_dirs("NXD_MQTT_NETX_INCLUDE"));
    includes.push(here.to_path_buf());
    let defines = defines();
    // Cloud-helper build: the client runs as a module of a NetX cloud helper (`mod.rs`).
    if defines.iter().any(|(n, _)| n == "NXD_MQTT_CLOUD_ENABLE") {
        println!("cargo::rustc-cfg=nxd_mqtt_cloud");
    }
    // TLS build: the application's NetX Secure (`NX_SECURE_ENABLE`), through `transport.rs`.
    if defines.iter().any(|(n, _)| n == "NX_SECURE_ENABLE") {
        println!("cargo::rustc-cfg=nxd_mqtt_tls");
    }
    // WebSocket build: NetX Duo's WebSocket client (`NXD_MQTT_OVER_WEBSOCKET`).
    if defines.iter().any(|(n, _)| n == "NXD_MQTT_OVER_WEBSOCKET") {
        println!("cargo::rustc-cfg=nxd_mqtt_websocket");
    }
    let extra: Vec<String> = env::var("NXD_MQTT_NETX_CFLAGS")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let target = env::var("TARGET").expect("TARGET");
    let bare_metal = target.ends_with("-none-eabi") || target.ends_with("-none-eabihf");

    // The glue, compiled with the application's headers and macros.
    let mut cc = cc::Build::new();
    cc.file(here.join("glue.c")).warnings(true);
    for i in &includes {
        cc.include(i);
    }
    for (n, v) in &defines {
        cc.define(n, v.as_deref());
    }
    for f in &extra {
        cc.flag(f);
    }
    cc.compile("nxd_mqtt_netx_glue");

    // Bindings: the glue's functions and the sizes of the control blocks the port embeds
    // (opaque: only size and alignment matter to Rust).
    let mut args: Vec<String> = Vec::new();
    for i in &includes {
        args.push(format!("-I{}", i.display()));
    }
    for (n, v) in &defines {
        args.push(match v {
            Some(v) => format!("-D{n}={v}"),
            None => format!("-D{n}"),
        });
    }
    if bare_metal {
        let sysroot = env::var("NXD_MQTT_NETX_SYSROOT_INCLUDE")
            .unwrap_or_else(|_| "/usr/lib/arm-none-eabi/include".to_string());
        args.push(format!("--target={target}"));
        args.push("-ffreestanding".to_string());
        args.push(format!("-I{sysroot}"));
    }
    args.extend(extra.iter().cloned());

    let bindings = bindgen::Builder::default()
        .header(here.join("glue.h").display().to_string())
        .clang_args(&args)
        .use_core()
        .ctypes_prefix("core::ffi")
        .allowlist_function("nxd_mqtt_netx_.*")
        .allowlist_type("NXD_MQTT_NETX_CONFIG")
        .allowlist_type("TX_THREAD|TX_MUTEX|TX_EVENT_FLAGS_GROUP|NX_TCP_SOCKET")
        .allowlist_type("NXD_MQTT_NETX_CLOUD|NX_CLOUD|NX_CLOUD_MODULE|TX_TIMER")
        .opaque_type(
            "TX_THREAD|TX_MUTEX|TX_EVENT_FLAGS_GROUP|NX_TCP_SOCKET|NX_IP|NX_PACKET|NX_PACKET_POOL",
        )
        .opaque_type("NXD_MQTT_NETX_CLOUD|NXD_MQTT_NETX_CLOUD_STRUCT|NX_CLOUD|NX_CLOUD_STRUCT")
        .opaque_type("NX_CLOUD_MODULE|NX_CLOUD_MODULE_STRUCT|TX_TIMER|TX_TIMER_STRUCT")
        .allowlist_type("NX_SECURE_TLS_SESSION|NX_SECURE_X509_CERT|NX_WEBSOCKET_CLIENT")
        .opaque_type("NX_WEBSOCKET_CLIENT|NX_WEBSOCKET_CLIENT_STRUCT")
        .opaque_type("NX_SECURE_TLS_SESSION|NX_SECURE_TLS_SESSION_STRUCT")
        .opaque_type("NX_SECURE_X509_CERT|NX_SECURE_X509_CERT_STRUCT")
        .opaque_type(
            "TX_THREAD_STRUCT|TX_MUTEX_STRUCT|TX_EVENT_FLAGS_GROUP_STRUCT|NX_TCP_SOCKET_STRUCT",
        )
        .opaque_type("NX_IP_STRUCT|NX_PACKET_STRUCT|NX_PACKET_POOL_STRUCT")
        .layout_tests(false)
        .derive_debug(false)
        .derive_default(false)
        .derive_copy(false)
        .generate_comments(false)
        .generate()
        .expect("bindgen: cannot read the ThreadX / NetX Duo headers through src/port/netx/glue.h");
    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR")).join("netx_sys.rs");
    bindings
        .write_to_file(&out)
        .unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
}
