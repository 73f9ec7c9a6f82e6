#!/usr/bin/env bash
# Runs one QEMU Cortex-M firmware against a private mosquitto on 127.0.0.1 and returns the
# firmware's exit status (semihosting SYS_EXIT_EXTENDED).
#
# usage: run_qemu_mosquitto.sh --qemu QEMU --mosquitto MOSQUITTO --machine mps2-an385 \
#                              --kernel firmware.elf [--timeout SECONDS] [--expect-broker REGEX]...
#
# The broker listens on a free port of 127.0.0.1 chosen here; QEMU connects UART0 to it as a TCP
# client (-serial tcp:127.0.0.1:PORT), so the TCP connection exists before the firmware starts.
# --expect-broker: a regular expression that must match a line of the broker's verbose log after
# the run (checks the session from the broker's side). The broker is stopped on every exit path.
set -u

qemu="" mosquitto="" machine="" kernel="" timeout_s=60
expects=()
while [ $# -gt 0 ]; do
    case "$1" in
        --qemu) qemu=$2; shift 2 ;;
        --mosquitto) mosquitto=$2; shift 2 ;;
        --machine) machine=$2; shift 2 ;;
        --kernel) kernel=$2; shift 2 ;;
        --timeout) timeout_s=$2; shift 2 ;;
        --expect-broker) expects+=("$2"); shift 2 ;;
        *) echo "run_qemu_mosquitto: unknown argument $1" >&2; exit 2 ;;
    esac
done
for v in qemu mosquitto machine kernel; do
    if [ -z "${!v}" ]; then echo "run_qemu_mosquitto: --$v is required" >&2; exit 2; fi
done
[ -x "$qemu" ] || { echo "run_qemu_mosquitto: QEMU '$qemu' not executable" >&2; exit 2; }
[ -x "$mosquitto" ] || { echo "run_qemu_mosquitto: mosquitto '$mosquitto' not executable" >&2; exit 2; }
[ -f "$kernel" ] || { echo "run_qemu_mosquitto: firmware '$kernel' missing" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/nxd-qemu.XXXXXX")
chmod 755 "$work" # mosquitto drops to its own user when started as root
broker_pid=""
cleanup() {
    if [ -n "$broker_pid" ] && kill -0 "$broker_pid" 2>/dev/null; then
        kill "$broker_pid" 2>/dev/null
        wait "$broker_pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Start the broker on a free port: pick a random port, let mosquitto try to bind it, and retry
# with another one when it fails (port taken by a parallel test or another program).
port=""
for attempt in $(seq 1 30); do
    candidate=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    cat >"$work/mosquitto.conf" <<CONF
listener $candidate 127.0.0.1
allow_anonymous true
persistence false
CONF
    chmod 644 "$work/mosquitto.conf"
    : >"$work/broker.log"
    "$mosquitto" -v -c "$work/mosquitto.conf" >"$work/broker.log" 2>&1 &
    broker_pid=$!
    for _ in $(seq 1 100); do
        if ! kill -0 "$broker_pid" 2>/dev/null; then break; fi
        if grep -q "mosquitto version .* running" "$work/broker.log"; then port=$candidate; break; fi
        sleep 0.05
    done
    if [ -n "$port" ]; then break; fi
    kill "$broker_pid" 2>/dev/null; wait "$broker_pid" 2>/dev/null; broker_pid=""
    echo "run_qemu_mosquitto: port $candidate not usable (attempt $attempt), retrying" >&2
done
if [ -z "$port" ]; then
    echo "run_qemu_mosquitto: could not start mosquitto on 127.0.0.1" >&2
    cat "$work/broker.log" >&2
    exit 3
fi
echo "run_qemu_mosquitto: mosquitto pid $broker_pid on 127.0.0.1:$port; $machine running $(basename "$kernel")"

# The UART0 bridge: QEMU is a TCP client of the broker. No -netdev (no user-mode networking).
start_ns=$(date +%s%N)
timeout --kill-after=5 "$timeout_s" "$qemu" -M "$machine" -nographic -monitor none \
    -semihosting-config enable=on,target=native \
    -serial "tcp:127.0.0.1:$port" \
    -kernel "$kernel" </dev/null
status=$?
end_ns=$(date +%s%N)
echo "run_qemu_mosquitto: firmware exit status $status after $(((end_ns - start_ns) / 1000000)) ms"
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "run_qemu_mosquitto: TIMEOUT after $timeout_s s" >&2
fi

# Give the broker a moment to log the end of the session, then check its side.
sleep 0.2
broker_ok=0
for re in "${expects[@]+"${expects[@]}"}"; do
    if ! grep -Eq -- "$re" "$work/broker.log"; then
        echo "run_qemu_mosquitto: broker log has no line matching: $re" >&2
        broker_ok=1
    fi
done
if [ "$status" -ne 0 ] || [ "$broker_ok" -ne 0 ]; then
    echo "---- broker log" >&2
    cat "$work/broker.log" >&2
    echo "----" >&2
fi
if [ "$status" -ne 0 ]; then exit "$status"; fi
exit "$broker_ok"
