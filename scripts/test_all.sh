#!/usr/bin/env bash
# Runs every test of nxd_mqtt on a fresh Debian machine: installs what is missing, then
# format and lint checks, Rust tests (fuzz corpora replayed), Cortex-M builds, the header drift
# check, and the CTest suite (host, NetX stand-in and QEMU firmware against private brokers).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export PATH="$PATH:/usr/sbin"

step() { printf '\n==== %s\n' "$*"; }

step "dependencies"
scripts/install_deps.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (host, all targets)"
cargo clippy --all-targets -- -D warnings

step "cargo test"
cargo test

step "Cortex-M builds of the protocol core (no port)"
for t in thumbv7m-none-eabi thumbv7em-none-eabihf; do
    cargo build --release --lib --no-default-features --target "$t"
done

if [ -d src/port/bare ]; then
    step "Cortex-M builds with the bare-metal port"
    for t in thumbv7m-none-eabi thumbv7em-none-eabihf; do
        cargo clippy --lib --no-default-features --features bare --target "$t" -- -D warnings
    done
    step "minimal firmware build (opt-out features) and its session tests"
    cargo clippy --lib --no-default-features --features bare,no-qos2,no-will,no-login,no-topic-check \
        --target thumbv7em-none-eabihf -- -D warnings
    cargo test --test session_options --features no-qos2,no-topic-check
fi

if [ -d src/port/netx ]; then
    step "clippy with the NetX port (host, ThreadX / NetX Duo stand-in headers)"
    standin="$ROOT/c_tests/netx_standin/include"
    NXD_MQTT_THREADX_INCLUDE="$standin" NXD_MQTT_NETX_INCLUDE="$standin" \
        NXD_MQTT_USER_DEFINES="NX_ENABLE_EXTENDED_NOTIFY_SUPPORT" \
        cargo clippy --all-targets --no-default-features --features netx,std -- -D warnings
    step "clippy with the NetX port built for NetX Duo's cloud helper (NXD_MQTT_CLOUD_ENABLE)"
    NXD_MQTT_THREADX_INCLUDE="$standin" NXD_MQTT_NETX_INCLUDE="$standin" \
        NXD_MQTT_USER_DEFINES="NX_ENABLE_EXTENDED_NOTIFY_SUPPORT NXD_MQTT_CLOUD_ENABLE" \
        cargo clippy --all-targets --no-default-features --features netx,std -- -D warnings
    step "clippy with the NetX port built with TLS, WebSocket and the cloud helper (Azure IoT's configuration)"
    NXD_MQTT_THREADX_INCLUDE="$standin" NXD_MQTT_NETX_INCLUDE="$standin" \
        NXD_MQTT_USER_DEFINES="NX_ENABLE_EXTENDED_NOTIFY_SUPPORT NXD_MQTT_CLOUD_ENABLE NX_SECURE_ENABLE NXD_MQTT_OVER_WEBSOCKET" \
        cargo clippy --all-targets --no-default-features --features netx,std -- -D warnings
fi

if [ -x scripts/check_header.sh ]; then
    step "generated header drift check"
    scripts/check_header.sh
fi

step "CTest"
BUILD="$ROOT/build/ci"
rm -rf "$BUILD"
cmake -S "$ROOT" -B "$BUILD" -DBUILD_TESTING=ON -DCMAKE_BUILD_TYPE=Debug
cmake --build "$BUILD" -j"$(nproc)"
ctest --test-dir "$BUILD" --output-on-failure --timeout 300
