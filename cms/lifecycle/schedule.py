"""Time-based states: scheduled go-live and expiry, run by the task worker every minute.

Wagtail stores them (``go_live_at`` becomes a revision's ``approved_go_live_at``; ``expire_at``
stays on the page) and leaves running them to its ``publish_scheduled`` command, which nothing
here would run. This is that command's work, one object at a time, so that a revision the
compliance gate refuses is reported and taken off the schedule (instead of stopping the run and
being retried, and refused, every minute) and every other one still goes live.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Revision

from .gate import PublishRefused, finding_summary, record_refusal

logger = logging.getLogger(__name__)
ROUTE = "schedule"


@dataclass
class ScheduleReport:
    """What one run did: pages unpublished on expiry, revisions published or refused."""

    expired: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.expired or self.published or self.refused)


def _describe(page: Page) -> str:
    return f"{page.locale.language_code}:{page.slug} (page {page.pk})"


def expire_pages(report: ScheduleReport) -> None:
    """Unpublish every live page whose ``expire_at`` has passed."""
    now = timezone.now()
    for page in list(Page.objects.live().filter(expire_at__lt=now).specific()):
        with transaction.atomic():
            page.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
        report.expired.append(_describe(page))
        logger.info("expired: %s", _describe(page))


def publish_due_revisions(report: ScheduleReport) -> None:
    """Publish every revision whose approved go-live time has passed, through the gate."""
    due = Revision.objects.filter(approved_go_live_at__lt=timezone.now()).order_by(
        "approved_go_live_at", "pk"
    )
    for revision in list(due):
        try:
            with transaction.atomic():
                revision.publish(log_action="wagtail.publish.scheduled")
        except PublishRefused as refusal:
            # Off the schedule: the editor fixes the article and schedules it again.
            Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=None)
            record_refusal(refusal, route=ROUTE)
            described = f"{refusal.page.slug} (revision {revision.pk})"
            report.refused.append(described)
            logger.warning(
                "scheduled publication refused: %s: %s",
                described,
                "; ".join(finding_summary(finding) for finding in refusal.errors),
            )
        else:
            report.published.append(f"{revision.object_str} (revision {revision.pk})")
            logger.info("published on schedule: revision %s", revision.pk)


def run_schedule() -> ScheduleReport:
    """Expire what has expired, then publish what is due. Safe to run at any moment, twice."""
    report = ScheduleReport()
    expire_pages(report)
    publish_due_revisions(report)
    return report
