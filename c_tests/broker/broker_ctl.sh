#!/usr/bin/env bash
# Starts and stops the private mosquitto brokers used by the C tests (CTest fixture).
#
#   broker_ctl.sh start STATE_DIR [MOSQUITTO [MOSQUITTO_PASSWD]]
#   broker_ctl.sh stop  STATE_DIR
#
# start launches two brokers on free ports:
#   main: anonymous, listeners on 127.0.0.1:PORT and [::1]:PORT6, and two TLS listeners on
#         127.0.0.1: TLS_PORT (server certificate only) and MTLS_PORT (client certificate
#         required, signed by the test CA)
#   auth: allow_anonymous false + password file, listener on 127.0.0.1:AUTH_PORT
# and writes STATE_DIR/broker.env (KEY=VALUE lines read by the tests):
#   PORT, PORT6, AUTH_PORT, AUTH_USER, AUTH_PASS, CLOSED_PORT (a port nothing listens on),
#   TLS_PORT, MTLS_PORT, TLS_SERVER_NAME (the name in the server certificate besides 127.0.0.1)
#   and the paths of the TLS material made at each start in STATE_DIR/tls (openssl CLI):
#   TLS_CA_PEM/_DER (test CA), TLS_WRONG_CA_PEM/_DER (an unrelated CA),
#   TLS_SERVER_CERT_PEM/_DER (subjectAltName IP:127.0.0.1, DNS:localhost; signed by the test CA),
#   TLS_CLIENT_CERT_PEM/_DER + TLS_CLIENT_KEY_PEM/_DER (RSA client, DER key = PKCS#1) and
#   TLS_CLIENT_EC_CERT_PEM/_DER + TLS_CLIENT_EC_KEY_PEM/_DER (P-256 client, DER key = SEC1),
#   both clients signed by the test CA. DER is what the NetX Secure API takes.
# and, in front of the main broker's plain listener, two WebSocket proxies on 127.0.0.1
# (websockify, Debian package 'websockify' / python3-websockify, through ws_proxy.py):
#   WS_PORT (plain WebSocket) and WSS_PORT (WebSocket over TLS with the server certificate
#   above); both relay to PORT and answer the subprotocol "mqtt". Logs: STATE_DIR/ws.log,
#   STATE_DIR/wss.log. A missing websockify fails the start (never skipped).
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
    kill_pidfiles "$state/ws.pid" "$state/wss.pid"
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

# make_tls_material DIR: the test PKI described above (throw-away keys, 10 years).
make_tls_material() {
    local d=$1 log cnf n
    [ -n "$d" ] && [ "$d" != / ] || return 1
    rm -rf "$d"
    mkdir -p "$d"
    log="$d/openssl.log"
    cnf="$d/openssl.cnf"
    cat >"$cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = nxd_mqtt test
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
    ossl() {
        if ! openssl "$@" >>"$log" 2>&1; then
            echo "broker_ctl: FAIL: openssl $* failed; its output:" >&2
            sed 's/^/    /' "$log" >&2
            return 1
        fi
    }
    # ossl_sign NAME SECTION SERIAL: NAME.csr signed by the test CA into NAME.pem
    ossl_sign() {
        ossl x509 -req -in "$d/$1.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -set_serial "$3" -days 3650 \
            -sha256 -extfile "$cnf" -extensions "$2" -out "$d/$1.pem"
    }
    ossl req -config "$cnf" -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -extensions ca \
        -subj "/O=nxd_mqtt tests/CN=nxd_mqtt test CA" -keyout "$d/ca.key" -out "$d/ca.pem" || return 1
    ossl req -config "$cnf" -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -extensions ca \
        -subj "/O=nxd_mqtt tests/CN=nxd_mqtt unrelated CA" -keyout "$d/wrong_ca.key" -out "$d/wrong_ca.pem" || return 1
    ossl req -config "$cnf" -new -newkey rsa:2048 -nodes -subj "/O=nxd_mqtt tests/CN=localhost" \
        -keyout "$d/server.key" -out "$d/server.csr" || return 1
    ossl_sign server server 2 || return 1
    ossl req -config "$cnf" -new -newkey rsa:2048 -nodes -subj "/O=nxd_mqtt tests/CN=nxd-client" \
        -keyout "$d/client.key" -out "$d/client.csr" || return 1
    ossl_sign client client 3 || return 1
    ossl req -config "$cnf" -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -subj "/O=nxd_mqtt tests/CN=nxd-client-ec" -keyout "$d/client_ec.key" -out "$d/client_ec.csr" || return 1
    ossl_sign client_ec client 4 || return 1
    for n in ca wrong_ca server client client_ec; do
        ossl x509 -in "$d/$n.pem" -outform DER -out "$d/$n.der" || return 1
    done
    # Private keys in the DER forms NetX Secure takes: PKCS#1 (RSA), SEC1 (EC).
    if ! openssl rsa -in "$d/client.key" -outform DER -traditional -out "$d/client.key.der" >>"$log" 2>&1; then
        ossl rsa -in "$d/client.key" -outform DER -out "$d/client.key.der" || return 1
    fi
    ossl ec -in "$d/client_ec.key" -outform DER -out "$d/client_ec.key.der" || return 1
    chmod 755 "$d"
    chmod 644 "$d"/*
}

# ws_python: a Python 3 that can import websockify (NXD_WS_PYTHON first, then Debian's).
ws_python() {
    local py
    for py in "${NXD_WS_PYTHON:-}" /usr/bin/python3 "$(command -v python3 || true)"; do
        [ -n "$py" ] && [ -x "$py" ] || continue
        if "$py" -c 'import websockify.websocketproxy' >/dev/null 2>&1; then
            echo "$py"
            return 0
        fi
    done
    return 1
}

# start_ws_proxy NAME [CERT KEY]: a WebSocket proxy (ws_proxy.py) on a free 127.0.0.1 port in
# front of the main broker's plain listener; sets WS_PROXY_PORT. Retries with new ports.
start_ws_proxy() {
    local name=$1 attempt pid i ok port
    shift
    for attempt in 1 2 3 4 5; do
        port=$(free_port) || return 1
        : >"$state/$name.log"
        "$WS_PYTHON" "$(dirname "${BASH_SOURCE[0]}")/ws_proxy.py" "$port" "$PORT" "$(cat "$state/main.pid")" "$@" \
            </dev/null >>"$state/$name.log" 2>&1 &
        pid=$!
        echo "$pid" >"$state/$name.pid"
        ok=0
        for i in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            if port_is_listening 127.0.0.1 "$port"; then
                ok=1
                break
            fi
            sleep 0.1
        done
        if [ "$ok" = 1 ]; then
            WS_PROXY_PORT=$port
            return 0
        fi
        kill_pidfiles "$state/$name.pid"
        echo "broker_ctl: WebSocket proxy $name did not come up (attempt $attempt); its log:" >&2
        sed 's/^/    /' "$state/$name.log" >&2
    done
    return 1
}

conf_main() {
    PORT=$(free_port) || return 1
    PORT6=$(free_port) || return 1
    TLS_PORT=$(free_port) || return 1
    MTLS_PORT=$(free_port) || return 1
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
# TLS: server certificate for 127.0.0.1 / localhost from the test CA
listener $TLS_PORT 127.0.0.1
cafile $rt/tls/ca.pem
certfile $rt/tls/server.pem
keyfile $rt/tls/server.key
# TLS with a client certificate (signed by the test CA) required
listener $MTLS_PORT 127.0.0.1
cafile $rt/tls/ca.pem
certfile $rt/tls/server.pem
keyfile $rt/tls/server.key
require_certificate true
EOF
    chmod 644 "$rt/main.conf"
}
listeners_up_main() {
    port_is_listening 127.0.0.1 "$PORT" && port_is_listening ::1 "$PORT6" &&
        port_is_listening 127.0.0.1 "$TLS_PORT" && port_is_listening 127.0.0.1 "$MTLS_PORT"
}

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
    if ! command -v openssl >/dev/null 2>&1; then
        echo "broker_ctl: FAIL: openssl not found (install the 'openssl' package); it makes the test certificates" >&2
        exit 1
    fi
    if ! grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null; then
        echo "broker_ctl: FAIL: no IPv6 loopback (::1) on this machine; the IPv6 listener is required" >&2
        exit 1
    fi
    if ! WS_PYTHON=$(ws_python); then
        echo "broker_ctl: FAIL: websockify not found (install the 'websockify' package, or set" \
            "NXD_WS_PYTHON to a python3 that can import websockify); the WebSocket tests need it" >&2
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
    tls="$state/tls"
    if ! make_tls_material "$tls"; then
        stop_all
        echo "broker_ctl: FAIL: could not make the TLS test certificates" >&2
        exit 1
    fi
    # mosquitto's copies, reachable by the user it drops to (as the password file)
    mkdir -p "$rt/tls"
    cp "$tls/ca.pem" "$tls/server.pem" "$tls/server.key" "$rt/tls/"
    chmod 755 "$rt/tls"
    chmod 644 "$rt/tls"/*

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
    if ! start_ws_proxy ws; then
        stop_all
        echo "broker_ctl: FAIL: could not start the WebSocket proxy (websockify)" >&2
        exit 1
    fi
    WS_PORT=$WS_PROXY_PORT
    if ! start_ws_proxy wss "$tls/server.pem" "$tls/server.key"; then
        stop_all
        echo "broker_ctl: FAIL: could not start the WebSocket TLS proxy (websockify)" >&2
        exit 1
    fi
    WSS_PORT=$WS_PROXY_PORT
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
TLS_PORT=$TLS_PORT
MTLS_PORT=$MTLS_PORT
TLS_SERVER_NAME=localhost
TLS_CA_PEM=$tls/ca.pem
TLS_CA_DER=$tls/ca.der
TLS_WRONG_CA_PEM=$tls/wrong_ca.pem
TLS_WRONG_CA_DER=$tls/wrong_ca.der
TLS_SERVER_CERT_PEM=$tls/server.pem
TLS_SERVER_CERT_DER=$tls/server.der
TLS_CLIENT_CERT_PEM=$tls/client.pem
TLS_CLIENT_CERT_DER=$tls/client.der
TLS_CLIENT_KEY_PEM=$tls/client.key
TLS_CLIENT_KEY_DER=$tls/client.key.der
TLS_CLIENT_EC_CERT_PEM=$tls/client_ec.pem
TLS_CLIENT_EC_CERT_DER=$tls/client_ec.der
TLS_CLIENT_EC_KEY_PEM=$tls/client_ec.key
TLS_CLIENT_EC_KEY_DER=$tls/client_ec.key.der
WS_PORT=$WS_PORT
WSS_PORT=$WSS_PORT
EOF
    mv "$state/broker.env.tmp" "$state/broker.env"
    echo "broker_ctl: main broker pid $main_pid on 127.0.0.1:$PORT and [::1]:$PORT6," \
        "TLS on 127.0.0.1:$TLS_PORT, mutual TLS on 127.0.0.1:$MTLS_PORT"
    echo "broker_ctl: WebSocket proxies (websockify) on 127.0.0.1:$WS_PORT and, TLS, 127.0.0.1:$WSS_PORT"
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
