"""The export's signal, and the handlers that queue an export when an article goes live or leaves.

``export_published`` is sent once per channel after each run that published a new export, when
the new manifest is in storage and the run's state is committed. Receivers (webhooks, CDN
purges) get keyword arguments:

- ``channel``: the channel name;
- ``sequence``: the new export's sequence number;
- ``manifest_sha256``: the hash of the new ``manifest.json``;
- ``upserted``: the article paths written (new or changed), sorted;
- ``tombstones``: the article paths removed, sorted.

A receiver that raises is logged and does not fail the export (``send_robust``).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import Signal
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from wagtail.signals import page_published, page_unpublished

from cms.articles.models import ArticlePage

logger = logging.getLogger(__name__)

export_published = Signal()


def send_export_published(
    channel: str,
    sequence: int,
    manifest_sha256: str,
    upserted: list[str],
    tombstones: list[str],
) -> None:
    """Tell receivers a channel published; their errors are logged, never raised."""
    results = export_published.send_robust(
        sender=ArticlePage,
        channel=channel,
        sequence=sequence,
        manifest_sha256=manifest_sha256,
        upserted=sorted(upserted),
        tombstones=sorted(tombstones),
    )
    for receiver, outcome in results:
        if isinstance(outcome, Exception):
            logger.error(
                "export_published receiver %r failed for %s: %s",
                receiver,
                channel,
                outcome,
                exc_info=outcome,
            )


def _enqueue_unless_pending(reason: str) -> None:
    from .tasks import export_after_publish

    # An export that is queued but not started yet will see this change when it runs, so a
    # burst of publishes (apply_translations publishing hundreds of pages) queues one export,
    # not hundreds. A running export may have read the pages already: then we do queue.
    if isinstance(export_after_publish.get_backend(), DatabaseBackend):
        pending = DBTaskResult.objects.ready().filter(task_path=export_after_publish.module_path)
        if pending.exists():
            return
    export_after_publish.enqueue(reason)


def _queue_export(reason: str) -> None:
    # After commit: the worker must see the published revision, and a rolled-back publish
    # must not trigger an export at all.
    transaction.on_commit(lambda: _enqueue_unless_pending(reason))


def _on_published(sender, instance, **kwargs) -> None:
    _queue_export(f"published {instance.locale_id}:{instance.slug}")


def _on_unpublished(sender, instance, **kwargs) -> None:
    _queue_export(f"unpublished {instance.locale_id}:{instance.slug}")


def _on_deleted(sender, instance, **kwargs) -> None:
    if instance.live:
        _queue_export(f"deleted {instance.locale_id}:{instance.slug}")


def connect() -> None:
    """Connect the handlers (called once, from the app config)."""
    page_published.connect(_on_published, sender=ArticlePage, dispatch_uid="export-published")
    page_unpublished.connect(_on_unpublished, sender=ArticlePage, dispatch_uid="export-unpublished")
    post_delete.connect(_on_deleted, sender=ArticlePage, dispatch_uid="export-deleted")
