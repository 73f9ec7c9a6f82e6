#!/usr/bin/env bash
# Builds and runs the nxd_mqtt host demo (examples/demo.c) against a private mosquitto broker.
#
#   scripts/run_demo.sh            from a fresh clone; exits with the demo's status
#
# Steps: install what is missing (Debian/Ubuntu: cmake, a C compiler, mosquitto,
# libmosquitto-dev; cargo must already be installed, see https://rustup.rs), start mosquitto on
# a free 127.0.0.1 port, configure and build the demo with CMake (build dir: build/demo, or
# $NXD_DEMO_BUILD_DIR), run it, stop the broker (also on failure or Ctrl-C).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${NXD_DEMO_BUILD_DIR:-$ROOT/build/demo}
export PATH="$PATH:/usr/sbin:/usr/local/sbin"

say() { printf '==> %s\n' "$*"; }
die() { printf 'run_demo: %s\n' "$*" >&2; exit 1; }

# ---- 1. tools ---------------------------------------------------------------------------------
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=()
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v cc >/dev/null 2>&1 || missing+=(gcc)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v mosquitto >/dev/null 2>&1 || missing+=(mosquitto)
# The CMake project also configures the C tests when the examples are built; they need these.
command -v mosquitto_passwd >/dev/null 2>&1 || missing+=(mosquitto)
[ -e /usr/include/mosquitto.h ] || missing+=(libmosquitto-dev)
if [ "${#missing[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get: install them yourself"
    say "installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v mosquitto >/dev/null 2>&1 || die "mosquitto is still missing"
if ! command -v cargo >/dev/null 2>&1; then
    [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
fi
command -v cargo >/dev/null 2>&1 || die "cargo is required to build the library: install Rust from https://rustup.rs"

# ---- 2. broker ----------------------------------------------------------------------------------
RT=$(mktemp -d "${TMPDIR:-/tmp}/nxd-demo-broker.XXXXXX")
chmod 755 "$RT"
BROKER_PID=""
cleanup() {
    if [ -n "$BROKER_PID" ] && kill -0 "$BROKER_PID" 2>/dev/null; then
        kill "$BROKER_PID" 2>/dev/null || true
        wait "$BROKER_PID" 2>/dev/null || true
    fi
    rm -rf "$RT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=""
for attempt in 1 2 3 4 5; do
    for _ in $(seq 1 50); do
        p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
        listening "$p" || { PORT=$p; break; }
    done
    [ -n "$PORT" ] || die "no free port found"
    cat >"$RT/mosquitto.conf" <<EOF
listener $PORT 127.0.0.1
allow_anonymous true
persistence false
log_dest stderr
connection_messages true
EOF
    chmod 644 "$RT/mosquitto.conf"
    mosquitto -c "$RT/mosquitto.conf" </dev/null >"$RT/broker.log" 2>&1 &
    BROKER_PID=$!
    for _ in $(seq 1 100); do
        kill -0 "$BROKER_PID" 2>/dev/null || break
        listening "$PORT" && break
        sleep 0.1
    done
    if kill -0 "$BROKER_PID" 2>/dev/null && listening "$PORT"; then
        break
    fi
    kill "$BROKER_PID" 2>/dev/null || true
    wait "$BROKER_PID" 2>/dev/null || true
    BROKER_PID=""
    PORT=""
done
[ -n "$BROKER_PID" ] || { cat "$RT/broker.log" >&2 || true; die "mosquitto did not start"; }
say "mosquitto (pid $BROKER_PID) listening on 127.0.0.1:$PORT"

# ---- 3. build -----------------------------------------------------------------------------------
say "configuring ($BUILD)"
cmake -S "$ROOT" -B "$BUILD" -DBUILD_TESTING=ON -DNXD_MQTT_QEMU_TESTS=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null
say "building the library and the demo"
cmake --build "$BUILD" --target nxd_mqtt_demo -j"$(nproc 2>/dev/null || echo 2)"
DEMO=$(find "$BUILD" -type f -name nxd_mqtt_demo -perm -u+x | head -n 1)
[ -n "$DEMO" ] || die "the demo binary was not built"

# ---- 4. run -------------------------------------------------------------------------------------
say "running $DEMO 127.0.0.1 $PORT"
set +e
"$DEMO" 127.0.0.1 "$PORT"
status=$?
set -e
if [ "$status" -ne 0 ]; then
    echo "---- broker log ----" >&2
    cat "$RT/broker.log" >&2 || true
fi
say "demo exit status $status"
exit "$status"
