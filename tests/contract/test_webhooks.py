"""Webhooks as a channel receives them: signed, retried, and pointing at what the feed brings.

Like test_client.py, this imports nothing from cms: the channel file says where to POST, the
exporter runs through its command and the task worker through its own.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker
from wagtail.models import Page

from .client import WebhookInbox
from .test_client import connect, export

pytestmark = pytest.mark.django_db

SECRET = "contract-webhook-secret"


@pytest.fixture
def inbox():
    """A channel's webhook endpoint on 127.0.0.1; its first answer is a 503."""
    inbox = WebhookInbox(SECRET.encode())
    failures = [503]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = failures.pop() if failures else inbox.receive(dict(self.headers), body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    inbox.url = f"http://127.0.0.1:{server.server_port}/clinic-hook"
    yield inbox
    server.shutdown()
    server.server_close()


@pytest.fixture
def channel_with_webhook(inbox, tmp_path, settings, monkeypatch, export_root):
    config = json.loads(settings.EXPORT_CHANNELS_FILE.read_text(encoding="utf-8"))
    config["channels"]["app"]["webhooks"] = [{"url": inbox.url, "secret_env": "APP_WEBHOOK_SECRET"}]
    path = tmp_path / "channels.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    settings.EXPORT_CHANNELS_FILE = path
    settings.WEBHOOK_RETRY_DELAYS = [0]
    monkeypatch.setenv("APP_WEBHOOK_SECRET", SECRET)
    return inbox


@pytest.fixture
def run_worker(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        while True:
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                call_command(
                    "db_worker",
                    "--backend",
                    "exports",
                    "--queue-name",
                    "exports",
                    "--batch",
                    "--no-startup-delay",
                    verbosity=0,
                )
            if not callbacks:
                return

    return run


def test_a_webhook_announces_what_the_feed_then_brings(
    channel_with_webhook, app_server, run_worker, django_capture_on_commit_callbacks
):
    inbox = channel_with_webhook
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)
        export()
    run_worker()
    [first] = inbox.events
    client = connect(app_server, "app")
    client.pull()
    assert first["channel"] == "app"
    assert first["sequence"] == client.replica.sequence

    page = Page.objects.get(slug="thread-lifting", locale__language_code="ko").specific
    page.title = "실 리프팅: 웹훅"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
        export()
    run_worker()
    second = inbox.events[-1]
    assert second["sequence"] > first["sequence"]
    applied = client.sync()
    assert sorted(e["path"] for e in applied if e["action"] == "upsert") == second["upserted"]
    assert sorted(e["path"] for e in applied if e["action"] == "delete") == second["deleted"]
    assert client.replica.sequence == second["sequence"]
