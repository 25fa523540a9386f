"""A webhook receiver on 127.0.0.1 that answers as scripted, and the worker that delivers."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker

SECRET = "test-webhook-secret"


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each request with the next scripted status (then 200s); records every request."""

    url: str
    statuses: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    def _handle(self) -> None:
        receiver: Receiver = self.server.receiver  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        receiver.requests.append(Received(self.command, self.path, dict(self.headers), body))
        status = receiver.statuses.pop(0) if receiver.statuses else 200
        answer = json.dumps({"status": status}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_POST = _handle
    do_PURGE = _handle

    def log_message(self, format, *args) -> None:
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.receiver = Receiver(url=f"http://127.0.0.1:{server.server_port}/hooks/clinic")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def channels_file(tmp_path, settings):
    """Write a channel file (with webhooks) and point the settings at it."""

    def write(channels: dict) -> None:
        path = tmp_path / "channels.json"
        path.write_text(json.dumps({"channels": channels}), encoding="utf-8")
        settings.EXPORT_CHANNELS_FILE = path

    return write


@pytest.fixture
def webhook_channel(channels_file, receiver, monkeypatch, settings):
    """The ``web`` channel with one endpoint (the receiver) and its secret in the environment."""
    monkeypatch.setenv("WEB_WEBHOOK_SECRET", SECRET)
    settings.WEBHOOK_RETRY_DELAYS = [0, 0]
    settings.WAGTAILADMIN_BASE_URL = "https://clinic.example"
    channels_file(
        {
            "web": {
                "locales": ["ko", "en"],
                "block_types": ["intro", "disclaimer"],
                "rich_text": "html",
                "incomplete_translations": "fallback",
                "webhooks": [{"url": receiver.url, "secret_env": "WEB_WEBHOOK_SECRET"}],
            }
        }
    )
    return receiver


@pytest.fixture
def run_deliveries(monkeypatch, django_capture_on_commit_callbacks):
    """Run the real db_worker over the deliveries queue until nothing more is due.

    Inside the test's transaction, what the tasks queue on commit (retries) is queued when
    the worker's batch ends; then the worker runs again.
    """
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    command = ["db_worker", "--backend", "exports", "--queue-name", "exports", "--batch"]

    def run() -> None:
        while True:
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                call_command(*command, "--no-startup-delay", verbosity=0)
            if not callbacks:
                return

    return run
