"""The schedule as a task that queues its own next run: the export worker runs it every minute."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from .schedule import run_schedule

BACKEND = "exports"
QUEUE = "exports"


def interval() -> timedelta:
    return timedelta(seconds=settings.SCHEDULE_INTERVAL_SECONDS)


@task(backend=BACKEND, queue_name=QUEUE)
def run_schedule_task() -> dict[str, list[str]]:
    """Expire and publish what is due, then queue the next run (even when this one failed)."""
    try:
        report = run_schedule()
    finally:
        queue_next_run()
    return {"expired": report.expired, "published": report.published, "refused": report.refused}


def _waiting_runs():
    # Queued, whenever they are due (``ready()`` would leave out the ones not due yet).
    return DBTaskResult.objects.filter(
        task_path=run_schedule_task.module_path, status=TaskResultStatus.READY
    )


def queue_next_run(*, delay: timedelta | None = None) -> bool:
    """Queue the next run unless one is already waiting; True when one was queued.

    With a non-database backend (the tests' immediate backend) a run would start at once and
    queue the next one forever: nothing is chained there.
    """
    if not isinstance(run_schedule_task.get_backend(), DatabaseBackend):
        return False
    if _waiting_runs().exists():
        return False
    when = timezone.now() + (interval() if delay is None else delay)
    run_schedule_task.using(run_after=when).enqueue()
    return True
