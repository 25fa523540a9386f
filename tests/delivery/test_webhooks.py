"""After a published run: signed POSTs to each endpoint, retried with backoff, recorded."""

import json
import time

import pytest

from cms.delivery.models import WebhookDelivery
from cms.delivery.receivers import EXPORT_PUBLISHED
from cms.delivery.signing import verify

from .conftest import SECRET

pytestmark = pytest.mark.django_db

Status = WebhookDelivery.Status


def publish(sequence=7, upserted=("en/articles/thread-lifting.json",), tombstones=()):
    """Announce a published run of ``web`` as the exporter does (commit callbacks run)."""
    EXPORT_PUBLISHED.send(
        sender=None,
        channel="web",
        sequence=sequence,
        upserted=list(upserted),
        tombstones=list(tombstones),
    )


def test_a_published_run_posts_a_signed_summary_to_the_channels_endpoint(
    webhook_channel, run_deliveries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(
            sequence=7,
            upserted=["ko/articles/b.json", {"path": "en/articles/a.json", "sha256": "0" * 64}],
            tombstones=[{"path": "ko/articles/old.json", "action": "delete"}],
        )
    assert webhook_channel.requests == []  # nothing is sent inside the export run
    run_deliveries()
    [request] = webhook_channel.requests
    assert request.method == "POST"
    assert request.path == "/hooks/clinic"
    assert request.headers["Content-Type"] == "application/json"
    assert verify(SECRET.encode(), request.headers, request.body)
    assert not verify(b"another secret", request.headers, request.body)
    delivery = WebhookDelivery.objects.get()
    assert json.loads(request.body) == {
        "schema_version": 1,
        "event": "export.published",
        "id": str(delivery.event_id),
        "channel": "web",
        "sequence": 7,
        "manifest_url": "https://clinic.example/exports/web/manifest.json",
        "changes_url": "https://clinic.example/exports/web/changes",
        "upserted": ["en/articles/a.json", "ko/articles/b.json"],
        "deleted": ["ko/articles/old.json"],
        "truncated": False,
    }
    assert request.headers["Webhook-Id"] == str(delivery.event_id)
    assert abs(int(request.headers["Webhook-Timestamp"]) - time.time()) < 60
    assert delivery.status == Status.DELIVERED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200
    assert delivery.delivered_at is not None


def test_failed_posts_are_retried_with_the_same_id_and_fresh_signatures(
    webhook_channel, run_deliveries, django_capture_on_commit_callbacks
):
    webhook_channel.statuses = [500, 503]
    with django_capture_on_commit_callbacks(execute=True):
        publish()
    run_deliveries()
    assert len(webhook_channel.requests) == 3
    ids = {request.headers["Webhook-Id"] for request in webhook_channel.requests}
    assert len(ids) == 1
    assert len({request.body for request in webhook_channel.requests}) == 1
    for request in webhook_channel.requests:
        assert verify(SECRET.encode(), request.headers, request.body)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.DELIVERED
    assert [(a.number, a.status_code) for a in delivery.attempt_log.all()] == [
        (1, 500),
        (2, 503),
        (3, 200),
    ]
    assert delivery.attempt_log.all()[0].error == 'HTTP 500 Internal Server Error: {"status": 500}'


def test_a_delivery_that_keeps_failing_is_marked_failed_after_the_last_retry(
    webhook_channel, run_deliveries, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_RETRY_DELAYS = [0, 0, 0]
    webhook_channel.statuses = [500, 500, 404, 410, 200]
    with django_capture_on_commit_callbacks(execute=True):
        publish()
    run_deliveries()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.FAILED
    assert delivery.attempts == 4
    assert delivery.last_status_code == 410
    assert delivery.last_error.startswith("HTTP 410 Gone")
    assert len(webhook_channel.requests) == 4


def test_retries_wait_longer_each_time(
    webhook_channel, run_deliveries, django_capture_on_commit_callbacks, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.WEBHOOK_RETRY_DELAYS = [30, 600]
    webhook_channel.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        publish()
    before = time.time()
    run_deliveries()  # the first attempt; the retry is not due yet
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.RETRYING
    assert len(webhook_channel.requests) == 1
    assert not DBTaskResult.objects.ready().exists()  # queued, but not due
    retry = DBTaskResult.objects.order_by("-enqueued_at", "-pk").first()
    assert retry.status == "READY"
    assert 29 <= retry.run_after.timestamp() - before <= 40
    assert abs(delivery.next_attempt_at.timestamp() - retry.run_after.timestamp()) < 1


def test_an_unreachable_endpoint_and_a_missing_secret_are_recorded_as_errors(
    webhook_channel, channels_file, run_deliveries, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_RETRY_DELAYS = []
    channels_file(
        {
            "web": {
                "locales": ["ko"],
                "block_types": ["intro"],
                "rich_text": "html",
                "webhooks": [
                    # Port 9 on 127.0.0.1: nothing listens there, the connection is refused.
                    {"url": "http://127.0.0.1:9/hook", "secret_env": "WEB_WEBHOOK_SECRET"},
                    {"url": webhook_channel.url, "secret_env": "UNSET_WEBHOOK_SECRET"},
                ],
            }
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish()
    run_deliveries()
    deliveries = {d.secret_env: d for d in WebhookDelivery.objects.all()}
    refused, unsigned = deliveries["WEB_WEBHOOK_SECRET"], deliveries["UNSET_WEBHOOK_SECRET"]
    assert refused.status == unsigned.status == Status.FAILED
    assert refused.last_error.startswith("ConnectError")
    assert refused.last_status_code is None
    assert unsigned.last_error.startswith("environment variable UNSET_WEBHOOK_SECRET is not set")
    assert webhook_channel.requests == []  # never sent unsigned


def test_the_same_run_announced_twice_is_delivered_once(
    webhook_channel, run_deliveries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(sequence=9)
        publish(sequence=9)
        publish(sequence=10)
    run_deliveries()
    assert sorted(WebhookDelivery.objects.values_list("sequence", flat=True)) == [9, 10]
    assert len(webhook_channel.requests) == 2


def test_a_large_run_lists_no_paths_and_says_truncated(
    webhook_channel, run_deliveries, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_MAX_PATHS = 2
    with django_capture_on_commit_callbacks(execute=True):
        publish(upserted=["a.json", "b.json"], tombstones=["c.json"])
    run_deliveries()
    body = json.loads(webhook_channel.requests[0].body)
    assert body["truncated"] is True
    assert body["upserted"] == body["deleted"] == []


def test_channels_without_endpoints_and_unknown_channels_send_nothing(
    channels_file, run_deliveries, django_capture_on_commit_callbacks
):
    channels_file({"web": {"locales": ["ko"], "block_types": ["intro"], "rich_text": "html"}})
    with django_capture_on_commit_callbacks(execute=True):
        publish()
        EXPORT_PUBLISHED.send(sender=None, channel="gone", sequence=3, upserted=[], tombstones=[])
    assert not WebhookDelivery.objects.exists()


def test_a_broken_webhook_configuration_never_breaks_the_published_run(
    channels_file, caplog, django_capture_on_commit_callbacks
):
    channels_file({"web": {"locales": ["ko"], "webhooks": [{"url": "nope"}]}})
    with django_capture_on_commit_callbacks(execute=True):
        publish(sequence=4)
    assert not WebhookDelivery.objects.exists()
    assert "webhooks not sent for web #4" in caplog.text
    assert "channels.web.webhooks[0]" in caplog.text


def test_finished_deliveries_are_forgotten_after_the_retention_period(
    webhook_channel, run_deliveries, django_capture_on_commit_callbacks, settings
):
    from datetime import timedelta

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        publish(sequence=1)
    run_deliveries()
    WebhookDelivery.objects.update(created_at=timezone.now() - timedelta(days=31))
    with django_capture_on_commit_callbacks(execute=True):
        publish(sequence=2)
    assert list(WebhookDelivery.objects.values_list("sequence", flat=True)) == [2]


def test_the_operators_worker_delivers(
    webhook_channel, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    with django_capture_on_commit_callbacks(execute=True):
        publish(sequence=12)
    call_command("run_worker", "--batch", "--quiet")
    assert len(webhook_channel.requests) == 1
    assert WebhookDelivery.objects.get().status == Status.DELIVERED
