"""One attempt at a webhook delivery, and what follows it: done, another try later, or failed."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .config import WebhookConfigError, secrets_for
from .models import WebhookAttempt, WebhookDelivery
from .signing import signature_headers

USER_AGENT = "clinic-content-pipeline-webhooks/1"
# Enough of a failing endpoint's answer to tell an operator what went wrong.
RESPONSE_EXCERPT_CHARS = 300

Status = WebhookDelivery.Status
Schedule = Callable[[int, "timezone.datetime"], None]


def deliver(delivery_id: int, schedule_retry: Schedule) -> str:
    """POST delivery ``delivery_id`` once; record the attempt; schedule a retry if it failed.

    ``schedule_retry(delivery_id, when)`` queues the next attempt (the task does it through
    the task queue). A delivery that is already delivered or failed is left alone, so a
    duplicate task run sends nothing. Returns the delivery's status afterwards.
    """
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    if delivery.status in (Status.DELIVERED, Status.FAILED):
        return delivery.status
    number = delivery.attempts + 1
    started_at = timezone.now()
    clock = time.monotonic()
    status_code, error = post(delivery)
    attempt = WebhookAttempt(
        delivery=delivery,
        number=number,
        started_at=started_at,
        duration_ms=round((time.monotonic() - clock) * 1000),
        status_code=status_code,
        error=error,
    )
    delivery.attempts = number
    delivery.last_status_code = status_code
    delivery.last_error = error
    delays = settings.WEBHOOK_RETRY_DELAYS
    if attempt.succeeded:
        delivery.status = Status.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    elif number <= len(delays):
        delivery.status = Status.RETRYING
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=delays[number - 1])
    else:
        delivery.status = Status.FAILED
        delivery.next_attempt_at = None
    with transaction.atomic():
        attempt.save()
        delivery.save()
        if delivery.status == Status.RETRYING:
            when = delivery.next_attempt_at
            transaction.on_commit(lambda: schedule_retry(delivery_id, when))
    return delivery.status


def post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """Send the delivery's body, signed; return the HTTP status (if any) and an error text."""
    body = delivery.payload.encode()
    try:
        secrets = secrets_for(delivery.secret_env)
    except WebhookConfigError as exc:
        return None, str(exc)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **signature_headers(secrets, str(delivery.event_id), body),
    }
    try:
        # Redirects are not followed: a signed body goes only where it was configured to go.
        with (
            httpx.Client(timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as client,
            client.stream("POST", delivery.endpoint_url, content=body, headers=headers) as r,
        ):
            if 200 <= r.status_code < 300:
                return r.status_code, ""
            return r.status_code, f"HTTP {r.status_code} {r.reason_phrase}{_excerpt(r)}"
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _excerpt(response: httpx.Response) -> str:
    # Read only the start of the answer: a misbehaving endpoint may send anything.
    for chunk in response.iter_text():
        text = " ".join(chunk[:RESPONSE_EXCERPT_CHARS].split())
        return f": {text}" if text else ""
    return ""
