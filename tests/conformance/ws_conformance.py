#!/usr/bin/env python3
"""WebSocket conformance of crystal-rl's monitor, checked by an independent client (wsproto).

Usage: ws_conformance.py PATH/TO/crystal-rl
Starts `crystal-rl run` on a free port, then: fragmented messages, a control frame between
fragments, the close handshake, invalid UTF-8 (1007), reserved bits (1002) and an unmasked client
frame (1002). Exit 0 pass, 1 fail, 77 skipped.
"""
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

try:
    from wsproto import ConnectionType, WSConnection
    from wsproto.events import AcceptConnection, CloseConnection, Ping, Pong, Request, TextMessage
except ImportError:
    print("SKIP: python3-wsproto is not installed (make test installs it)")
    sys.exit(77)


def start_server(binary):
    run_dir = os.path.join(tempfile.mkdtemp(prefix="crystal-rl-ws-"), "run")
    process = subprocess.Popen([binary, "run", "--quiet", "--speed", "1", "--port", "0", "--run-dir", run_dir],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 15
    output = ""
    while time.time() < deadline:
        line = process.stdout.readline()
        output += line
        match = re.search(r"dashboard at http://([^:]+):(\d+)", line)
        if match:
            return process, match.group(1), int(match.group(2))
    process.kill()
    raise RuntimeError("crystal-rl printed no dashboard address:\n" + output)


class Client:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=5)
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.sock.sendall(self.ws.send(Request(host=f"{host}:{port}", target="/ws")))
        self.pending = []
        if not any(isinstance(e, AcceptConnection) for e in self.events_until(AcceptConnection)):
            raise RuntimeError("handshake failed")

    def events_until(self, kind, predicate=lambda e: True, timeout=5):
        seen = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            while self.pending:
                event = self.pending.pop(0)
                seen.append(event)
                if isinstance(event, kind) and predicate(event):
                    return seen
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                self.ws.receive_data(None)
                self.pending.extend(self.ws.events())
                if not self.pending:
                    return seen
                continue
            self.ws.receive_data(data)
            self.pending.extend(self.ws.events())
        return seen

    def text_of_type(self, kind):
        def is_kind(event):
            try:
                return json.loads(event.data).get("type") == kind
            except ValueError:
                return False
        events = self.events_until(TextMessage, is_kind)
        return events and isinstance(events[-1], TextMessage) and is_kind(events[-1])

    def close_code(self):
        events = self.events_until(CloseConnection)
        closes = [e for e in events if isinstance(e, CloseConnection)]
        return closes[-1].code if closes else None

    def raw(self, first_byte, payload, masked=True):
        """Writes one hand-made frame: what a conforming library would never send."""
        length = len(payload)
        header = bytes([first_byte, (0x80 if masked else 0) | length])
        if masked:
            key = b"\x11\x22\x33\x44"
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
            header += key
        self.sock.sendall(header + payload)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    process, host, port = start_server(sys.argv[1])
    results = []

    def check(name, ok, detail=""):
        results.append(ok)
        print(("ok   " if ok else "FAIL ") + name + (f" ({detail})" if detail else ""))

    try:
        client = Client(host, port)
        for part, last in (('{"type":', False), ('"pi', False), ('ng"}', True)):
            client.sock.sendall(client.ws.send(TextMessage(data=part, message_finished=last)))
        check("a message in three fragments is one message", client.text_of_type("pong"))

        client.sock.sendall(client.ws.send(TextMessage(data='{"type":', message_finished=False)))
        client.sock.sendall(client.ws.send(Ping(payload=b"between")))
        pongs = [e for e in client.events_until(Pong) if isinstance(e, Pong)]
        check("a ping between fragments is answered at once", bool(pongs) and pongs[-1].payload == b"between")
        client.sock.sendall(client.ws.send(TextMessage(data='"ping"}', message_finished=True)))
        check("and the fragmented message still completes", client.text_of_type("pong"))

        client.sock.sendall(client.ws.send(CloseConnection(code=1000, reason="bye")))
        check("close handshake: the server answers 1000", client.close_code() == 1000)

        client = Client(host, port)
        client.raw(0x81, b"\xff\xfe\xfd")
        code = client.close_code()
        check("invalid UTF-8 in a text message closes with 1007", code == 1007, f"got {code}")

        client = Client(host, port)
        client.raw(0xC1, b'{"type":"ping"}')  # FIN + RSV1 + text, no extension agreed
        code = client.close_code()
        check("reserved bits set close with 1002", code == 1002, f"got {code}")

        client = Client(host, port)
        client.raw(0x81, b'{"type":"ping"}', masked=False)
        code = client.close_code()
        check("an unmasked client frame closes with 1002", code == 1002, f"got {code}")

        client = Client(host, port)
        client.sock.sendall(client.ws.send(TextMessage(data="not json")))
        check("bad JSON gets an error and the connection stays", client.text_of_type("error"))
        client.sock.sendall(client.ws.send(TextMessage(data='{"type":"ping"}')))
        check("... and still answers", client.text_of_type("pong"))
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()

    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
