"""Real servers on loopback for the routes tests: an SMTP server (aiosmtpd) that keeps what it receives,
and an HTTP server that records webhook calls and answers with the statuses it is told to."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

WEBHOOK_SECRET = "test-webhook-secret-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Poll ``condition`` until it is truthy (the courier sends in the background); its last value."""
    deadline = time.monotonic() + timeout
    value = condition()
    while not value and time.monotonic() < deadline:
        time.sleep(0.05)
        value = condition()
    return value


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """aiosmtpd on 127.0.0.1, keeping every message it is given."""
    controller_mod = pytest.importorskip("aiosmtpd.controller", reason="pip install 'finarchive[test]' (aiosmtpd)")
    server = SmtpServer("127.0.0.1", free_port())

    class Handler:
        async def handle_DATA(self, srv: Any, session: Any, envelope: Any) -> str:  # aiosmtpd's name
            server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            server.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    controller = controller_mod.Controller(Handler(), hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@dataclass
class WebhookCall:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookServer:
    url: str
    calls: list[WebhookCall] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answered in turn; 200 once they run out


@pytest.fixture
def webhook_server() -> Iterator[WebhookServer]:
    """http.server on 127.0.0.1: records each POST, answers with the next of ``statuses`` (else 200)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server = WebhookServer(f"http://127.0.0.1:{httpd.server_address[1]}/hooks/finarchive")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                server.calls.append(WebhookCall(self.path, dict(self.headers.items()), body))
                status = server.statuses.pop(0) if server.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return None

    httpd.RequestHandlerClass = Handler
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()


def notify_settings(smtp: SmtpServer | None = None, *, backoff: float = 0.2) -> str:
    """The [notify] table for a test archive."""
    lines = ["[notify]", f'webhook_secret = "{WEBHOOK_SECRET}"', f"backoff_seconds = {backoff}", "attempts = 3",
             "timeout = 5", 'base_url = "http://desk.test"']
    if smtp is not None:
        lines += [f'smtp_host = "{smtp.host}"', f"smtp_port = {smtp.port}", 'mail_from = "archive@test.ru"']
    return "\n".join(lines) + "\n"
