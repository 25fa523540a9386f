"""Delivery work on the task queue: the ``exports`` backend and queue, beside the exports.

Whatever runs the export worker (``manage.py run_worker``, or ``db_worker --backend exports
--queue-name exports``) delivers too. Network calls never run in the export or in a request.
"""

from __future__ import annotations

from datetime import datetime

from django.tasks import task

from .cdn import purge_short_lived
from .sending import deliver

DELIVERY_BACKEND = "exports"
DELIVERY_QUEUE = "exports"


@task(backend=DELIVERY_BACKEND, queue_name=DELIVERY_QUEUE)
def deliver_webhook(delivery_id: int) -> str:
    """POST one webhook delivery; a failure queues the next attempt after a growing delay."""
    return deliver(delivery_id, schedule_retry)


def schedule_retry(delivery_id: int, when: datetime) -> None:
    deliver_webhook.using(run_after=when).enqueue(delivery_id)


@task(backend=DELIVERY_BACKEND, queue_name=DELIVERY_QUEUE)
def purge_cdn(urls: list[str]) -> int:
    """Purge an export's short-lived URLs from the configured CDNs; return how many."""
    purge_short_lived(urls)
    return len(urls)
