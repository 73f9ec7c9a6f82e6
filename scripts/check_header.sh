#!/bin/sh
# Header drift check: regenerates include/nxd_mqtt_client.h from the Rust sources (build.rs,
# cbindgen pinned in Cargo.toml) and fails if the committed copy differs.
#   scripts/check_header.sh            check (CI)
#   scripts/check_header.sh --update   regenerate the committed header
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
committed="$root/include/nxd_mqtt_client.h"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fresh="$tmp/nxd_mqtt_client.h"
# The header describes the host (posix) port; generation itself does not depend on features.
(cd "$root" && NXD_MQTT_HEADER_OUT="$fresh" cargo build --quiet --lib)
if [ ! -s "$fresh" ]; then
    echo "check_header: build.rs did not produce $fresh" >&2
    exit 2
fi
if [ "${1:-}" = "--update" ]; then
    cp "$fresh" "$committed"
    echo "check_header: updated $committed"
    exit 0
fi
if ! diff -u "$committed" "$fresh"; then
    echo "check_header: include/nxd_mqtt_client.h is out of date; run scripts/check_header.sh --update" >&2
    exit 1
fi
echo "check_header: include/nxd_mqtt_client.h is up to date"
