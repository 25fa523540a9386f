"""Whether a task worker is exporting: without one, a published article never reaches channels.

Read from the task results that ``django_tasks_db`` keeps (its public model), so no worker
needs to report anything itself: a queued export nobody picked up is the symptom.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cms.publishing.tasks import EXPORT_BACKEND, EXPORT_QUEUE

# How long a queued export may wait before the admin says no worker is running. A worker
# polls every second; a minute is far beyond any honest delay.
DEFAULT_GRACE = timedelta(seconds=60)


@dataclass(frozen=True)
class WorkerHealth:
    """What the task results say about the export worker."""

    uses_queue: bool
    last_finished_at: datetime | None
    oldest_waiting_since: datetime | None
    waiting: int
    failed_recently: int

    @property
    def stalled(self) -> bool:
        """An export has waited longer than the grace period: no worker is taking them."""
        if not self.uses_queue or self.oldest_waiting_since is None:
            return False
        return timezone.now() - self.oldest_waiting_since > grace_period()


def grace_period() -> timedelta:
    seconds = getattr(settings, "EDITORIAL_WORKER_GRACE_SECONDS", None)
    return timedelta(seconds=seconds) if seconds is not None else DEFAULT_GRACE


def export_queue_in_use() -> bool:
    """Whether exports go through the database queue (the immediate backend needs no worker)."""
    backend = settings.TASKS.get(EXPORT_BACKEND, {}).get("BACKEND", "")
    return backend.startswith("django_tasks_db")


def worker_health(now: datetime | None = None) -> WorkerHealth:
    """The export queue's state in three small queries."""
    if not export_queue_in_use():
        return WorkerHealth(False, None, None, 0, 0)
    now = now or timezone.now()
    results = DBTaskResult.objects.filter(queue_name=EXPORT_QUEUE, backend_name=EXPORT_BACKEND)
    waiting = results.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    last = results.finished().order_by("-finished_at").values_list("finished_at", flat=True).first()
    failed = results.failed().filter(finished_at__gte=now - timedelta(hours=24)).count()
    return WorkerHealth(True, last, oldest, waiting.count(), failed)
