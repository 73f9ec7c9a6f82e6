#!/usr/bin/env bash
# Installs what building and testing nxd_mqtt needs on a Debian/Ubuntu machine. Idempotent:
# it installs only what is missing. Run as root (or with sudo available).
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need_pkgs=()
want() { # want <command-or-file> <debian-package>
    if [ "${1#/}" != "$1" ]; then
        [ -e "$1" ] || need_pkgs+=("$2")
    else
        command -v "$1" >/dev/null 2>&1 || need_pkgs+=("$2")
    fi
}
want cmake cmake
want cc gcc
want arm-none-eabi-gcc gcc-arm-none-eabi
want /usr/lib/arm-none-eabi/include/stdint.h libnewlib-arm-none-eabi
want qemu-system-arm qemu-system-arm
want mosquitto mosquitto
want mosquitto_pub mosquitto-clients
want /usr/include/mosquitto.h libmosquitto-dev
want openssl openssl
want /usr/include/openssl/ssl.h libssl-dev
# websockify: the WebSocket proxies of the C tests' broker fixture (python3-websockify)
want /usr/lib/python3/dist-packages/websockify/websocketproxy.py websockify
want clang clang
want /usr/lib/llvm-14/lib/libclang.so libclang-dev

if [ "${#need_pkgs[@]}" -gt 0 ]; then
    echo "install_deps: installing ${need_pkgs[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# mosquitto lives in /usr/sbin on Debian.
case ":$PATH:" in *":/usr/sbin:"*) ;; *) export PATH="$PATH:/usr/sbin" ;; esac
command -v mosquitto >/dev/null || { echo "install_deps: mosquitto still missing" >&2; exit 1; }

if ! command -v cargo >/dev/null 2>&1; then
    echo "install_deps: cargo (rustup) is required: https://rustup.rs" >&2
    exit 1
fi
installed_targets=$(rustup target list --installed 2>/dev/null || true)
for t in thumbv7m-none-eabi thumbv7em-none-eabihf; do
    echo "$installed_targets" | grep -qx "$t" || rustup target add "$t"
done
installed_components=$(rustup component list --installed 2>/dev/null || true)
for c in rustfmt clippy; do
    echo "$installed_components" | grep -q "^$c" || rustup component add "$c"
done
echo "install_deps: ok"
