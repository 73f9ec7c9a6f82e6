#!/usr/bin/env python3
"""WebSocket front of the C tests' main mosquitto (started by broker_ctl.sh, test support).

    ws_proxy.py LISTEN_PORT TARGET_PORT WATCH_PID [CERT KEY]

Listens on 127.0.0.1:LISTEN_PORT (TLS only when CERT and KEY are given) and relays each
WebSocket connection's binary frames to and from 127.0.0.1:TARGET_PORT, with websockify's
proxy (Debian package python3-websockify). Unlike websockify's own launcher, it answers the
subprotocol the client offers among "mqtt" / "mqttv3.1" / "binary" (as an MQTT broker's
WebSocket listener does; websockify alone refuses a client that offers only "mqtt"). It exits
by itself once process WATCH_PID (the broker) is gone, so that it never outlives the fixture.
"""
import os
import sys

try:
    from websockify import websocketproxy, websockifyserver
except ImportError as exc:  # reported by broker_ctl.sh
    sys.stderr.write("ws_proxy: cannot import websockify (%s): install python3-websockify\n" % exc)
    sys.exit(3)

ACCEPTED = ("mqtt", "mqttv3.1", "binary")


class MqttWebSocket(websockifyserver.CompatibleWebSocket):
    def select_subprotocol(self, protocols):
        # websockify checks that the answer is one of the offered list's items, unstripped.
        for wanted in ACCEPTED:
            for offered in protocols:
                if offered.strip() == wanted:
                    return offered
        return ""


class Handler(websocketproxy.ProxyRequestHandler):
    SocketClass = MqttWebSocket


class Proxy(websocketproxy.WebSocketProxy):
    def __init__(self, watch_pid, *args, **kwargs):
        self.watch_pid = watch_pid
        super().__init__(*args, **kwargs)

    def poll(self):
        super().poll()
        try:
            os.kill(self.watch_pid, 0)
        except ProcessLookupError:
            self.msg("ws_proxy: broker %d gone, exiting" % self.watch_pid)
            self.terminate()
        except PermissionError:
            pass


def main(argv):
    if len(argv) not in (4, 6):
        sys.stderr.write("usage: ws_proxy.py LISTEN_PORT TARGET_PORT WATCH_PID [CERT KEY]\n")
        return 2
    listen_port, target_port, watch_pid = int(argv[1]), int(argv[2]), int(argv[3])
    tls = len(argv) == 6
    server = Proxy(
        watch_pid,
        RequestHandlerClass=Handler,
        listen_host="127.0.0.1",
        listen_port=listen_port,
        target_host="127.0.0.1",
        target_port=target_port,
        cert=argv[4] if tls else "",
        key=argv[5] if tls else "",
        ssl_only=tls,
        verbose=True,
    )
    server.start_server()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
