"""Local receivers the notice tests start in a thread: an HTTP server standing in for a WeCom
group robot or an SMS gateway, and a small SMTP server standing in for the mail server. Each
keeps what it received, so a test asserts what arrived, as the people at the other end would."""

import email
import email.policy
import json
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

OK = (200, {"errcode": 0, "errmsg": "ok"})


class HttpReceiver:
    """Answers each POST with the next of `answers` (the last one repeats): (status, JSON), or
    "hang" to answer nothing for `hang_seconds` (longer than the portal's read timeout)."""

    def __init__(self, answers=(OK,), hang_seconds=3.0):
        self.answers = list(answers)
        self.hang_seconds = hang_seconds
        self.received = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with receiver._lock:
                    receiver.received.append(
                        {"path": self.path, "headers": dict(self.headers), "json": body}
                    )
                    index = min(len(receiver.received), len(receiver.answers)) - 1
                    answer = receiver.answers[index]
                if answer == "hang":
                    time.sleep(receiver.hang_seconds)
                    return
                status, payload = answer
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class SmtpReceiver:
    """Enough of SMTP for Django's smtp backend: keeps each message, parsed."""

    def __init__(self):
        self.messages = []
        receiver = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line):
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self):
                self.reply("220 localhost test receiver")
                while line := self.rfile.readline():
                    command = line.decode(errors="replace").strip().upper()
                    if command.startswith("DATA"):
                        self.reply("354 go ahead")
                        data = []
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                        receiver.messages.append(
                            email.message_from_bytes(b"".join(data), policy=email.policy.default)
                        )
                        self.reply("250 queued")
                    elif command.startswith("QUIT"):
                        self.reply("221 bye")
                        return
                    else:  # EHLO, HELO, MAIL, RCPT, RSET, NOOP
                        self.reply("250 ok")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def smtp_receiver():
    receiver = SmtpReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def http_receivers():
    """Start receivers with `http_receivers(answers...)`; all are closed after the test."""
    started = []

    def start(*answers, hang_seconds=3.0):
        receiver = HttpReceiver(answers or (OK,), hang_seconds=hang_seconds)
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.close()


def wait_for(condition, timeout=60.0):
    """Poll until `condition()` is true (or give up after `timeout` seconds); its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    return condition()
