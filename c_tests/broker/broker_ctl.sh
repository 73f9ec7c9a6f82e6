#!/usr/bin/env bash
# Starts and stops the private mosquitto brokers used by the C tests (CTest fixture).
#
#   broker_ctl.sh start STATE_DIR [MOSQUITTO [MOSQUITTO_PASSWD]]
#   broker_ctl.sh stop  STATE_DIR
#
# start launches two brokers on free ports:
#   main: anonymous, listeners on 127.0.0.1:PORT and [::1]:PORT6
#   auth: allow_anonymous false + password file, listener on 127.0.0.1:AUTH_PORT
# and writes STATE_DIR/broker.env (KEY=VALUE lines read by the tests):
#   PORT, PORT6, AUTH_PORT, AUTH_USER, AUTH_PASS, CLOSED_PORT (a port nothing listens on)
# The brokers' logs go to STATE_DIR/main.log and STATE_DIR/auth.log.
# A watchdog kills the brokers after NXD_BROKER_MAX_LIFETIME seconds (default 1200) in case
# the cleanup step never runs (interrupted ctest). A new start first stops a stale pair.
# Any failure is loud: non-zero exit status and the broker log on stderr.
set -euo pipefail

cmd=${1:-}
state=${2:-}
MOSQUITTO=${3:-${MOSQUITTO:-}}
MOSQUITTO_PASSWD=${4:-${MOSQUITTO_PASSWD:-}}
[ -n "$cmd" ] && [ -n "$state" ] || { echo "usage: $0 start|stop STATE_DIR [mosquitto [mosquitto_passwd]]" >&2; exit 2; }

PATH="$PATH:/usr/sbin:/usr/local/sbin"
[ -n "$MOSQUITTO" ] || MOSQUITTO=$(command -v mosquitto || true)
[ -n "$MOSQUITTO_PASSWD" ] || MOSQUITTO_PASSWD=$(command -v mosquitto_passwd || true)

AUTH_USER=nxduser
AUTH_PASS=nxd-secret-42

kill_pidfiles() { # kill_pidfiles FILE...: stop the processes whose pids are in FILEs and wait for them
    local f pid pids=() i alive
    for f in "$@"; do
        [ -f "$f" ] || continue
        pid=$(cat "$f" 2>/dev/null || true)
        rm -f "$f"
        [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && pids+=("$pid")
    done
    [ "${#pids[@]}" -gt 0 ] || return 0
    kill "${pids[@]}" 2>/dev/null || true
    for i in $(seq 1 100); do
        alive=0
        for pid in "${pids[@]}"; do
            kill -0 "$pid" 2>/dev/null && alive=1
        done
        [ "$alive" = 0 ] && return 0
        sleep 0.1
    done
    kill -9 "${pids[@]}" 2>/dev/null || true
}

stop_all() {
    kill_pidfiles "$state/watchdog.pid" "$state/main.pid" "$state/auth.pid"
    if [ -f "$state/runtime_dir" ]; then
        rm -rf "$(cat "$state/runtime_dir")"
        rm -f "$state/runtime_dir"
    fi
}

port_is_listening() { # port_is_listening HOST PORT
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

random_port() { echo $(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 )); }

free_port() { # a port on which nothing answers on 127.0.0.1 nor ::1
    local p i
    for i in $(seq 1 100); do
        p=$(random_port)
        if ! port_is_listening 127.0.0.1 "$p" && ! port_is_listening ::1 "$p"; then
            echo "$p"
            return 0
        fi
    done
    echo "broker_ctl: no free port found" >&2
    return 1
}

# start_broker NAME CONF_TEMPLATE_FUNC: picks ports, writes the config, starts mosquitto and
# waits until every listener answers. Retries with new ports when a bind fails.
start_broker() {
    local name=$1 conf_fn=$2 attempt pid i ok
    for attempt in 1 2 3 4 5; do
        "$conf_fn" || return 1
        : >"$state/$name.log"
        "$MOSQUITTO" -c "$rt/$name.conf" </dev/null >>"$state/$name.log" 2>&1 &
        pid=$!
        echo "$pid" >"$state/$name.pid"
        ok=0
        for i in $(seq 1 100); do
            if ! kill -0 "$pid" 2>/dev/null; then
                break
            fi
            if listeners_up_"$name"; then
                ok=1
                break
            fi
            sleep 0.1
        done
        if [ "$ok" = 1 ]; then
            return 0
        fi
        kill_pidfiles "$state/$name.pid"
        echo "broker_ctl: $name broker did not come up (attempt $attempt); its log:" >&2
        sed 's/^/    /' "$state/$name.log" >&2
    done
    return 1
}

conf_main() {
    PORT=$(free_port) || return 1
    PORT6=$(free_port) || return 1
    cat >"$rt/main.conf" <<EOF
# nxd_mqtt C tests: main broker (anonymous)
listener $PORT 127.0.0.1
listener $PORT6 ::1
allow_anonymous true
persistence false
# mosquitto defaults except the queue for slow subscribers (volume tests): in particular
# max_inflight_messages stays 20, as on a stock broker.
max_queued_messages 100000
log_dest stderr
log_type error
log_type warning
log_type notice
log_type information
log_type subscribe
log_type unsubscribe
connection_messages true
EOF
    chmod 644 "$rt/main.conf"
}
listeners_up_main() { port_is_listening 127.0.0.1 "$PORT" && port_is_listening ::1 "$PORT6"; }

conf_auth() {
    AUTH_PORT=$(free_port) || return 1
    cat >"$rt/auth.conf" <<EOF
# nxd_mqtt C tests: broker that refuses anonymous clients and wrong passwords
listener $AUTH_PORT 127.0.0.1
allow_anonymous false
password_file $rt/passwd
persistence false
log_dest stderr
log_type error
log_type warning
log_type notice
log_type information
connection_messages true
EOF
    chmod 644 "$rt/auth.conf"
}
listeners_up_auth() { port_is_listening 127.0.0.1 "$AUTH_PORT"; }

case "$cmd" in
start)
    if [ -z "$MOSQUITTO" ] || [ ! -x "$MOSQUITTO" ]; then
        echo "broker_ctl: FAIL: mosquitto not found (install the 'mosquitto' package)" >&2
        exit 1
    fi
    if [ -z "$MOSQUITTO_PASSWD" ] || [ ! -x "$MOSQUITTO_PASSWD" ]; then
        echo "broker_ctl: FAIL: mosquitto_passwd not found (install the 'mosquitto' package)" >&2
        exit 1
    fi
    if ! grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null; then
        echo "broker_ctl: FAIL: no IPv6 loopback (::1) on this machine; the IPv6 listener is required" >&2
        exit 1
    fi
    mkdir -p "$state"
    stop_all
    rm -f "$state/broker.env"
    # Started as root, mosquitto drops to user 'mosquitto': everything it reads after that
    # (the password file) must be reachable by that user, whatever the build dir's modes are.
    rt=$(mktemp -d "${TMPDIR:-/tmp}/nxd-ctest-broker.XXXXXX")
    chmod 755 "$rt"
    echo "$rt" >"$state/runtime_dir"
    "$MOSQUITTO_PASSWD" -c -b "$rt/passwd" "$AUTH_USER" "$AUTH_PASS" >/dev/null
    chmod 644 "$rt/passwd"

    if ! start_broker main conf_main; then
        stop_all
        echo "broker_ctl: FAIL: could not start the main broker" >&2
        exit 1
    fi
    if ! start_broker auth conf_auth; then
        stop_all
        echo "broker_ctl: FAIL: could not start the auth broker" >&2
        exit 1
    fi
    CLOSED_PORT=$(free_port)

    # Safety net: never leave brokers behind for long, even if the cleanup test never runs.
    lifetime=${NXD_BROKER_MAX_LIFETIME:-1200}
    main_pid=$(cat "$state/main.pid")
    auth_pid=$(cat "$state/auth.pid")
    (
        sleep "$lifetime" &
        sleeper=$!
        trap 'kill $sleeper 2>/dev/null; exit 0' TERM
        wait $sleeper
        kill "$main_pid" "$auth_pid" 2>/dev/null || true
    ) </dev/null >/dev/null 2>&1 &
    echo $! >"$state/watchdog.pid"

    cat >"$state/broker.env.tmp" <<EOF
PORT=$PORT
PORT6=$PORT6
AUTH_PORT=$AUTH_PORT
AUTH_USER=$AUTH_USER
AUTH_PASS=$AUTH_PASS
CLOSED_PORT=$CLOSED_PORT
EOF
    mv "$state/broker.env.tmp" "$state/broker.env"
    echo "broker_ctl: main broker pid $main_pid on 127.0.0.1:$PORT and [::1]:$PORT6"
    echo "broker_ctl: auth broker pid $auth_pid on 127.0.0.1:$AUTH_PORT (user $AUTH_USER)"
    ;;
stop)
    [ -d "$state" ] || { echo "broker_ctl: nothing to stop in $state"; exit 0; }
    stop_all
    rm -f "$state/broker.env"
    echo "broker_ctl: brokers stopped"
    ;;
*)
    echo "usage: $0 start|stop STATE_DIR" >&2
    exit 2
    ;;
esac
