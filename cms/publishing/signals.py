"""Queue a re-export whenever an article's public state changes."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from wagtail.signals import page_published, page_unpublished

from cms.articles.models import ArticlePage

from .tasks import export_after_publish


def _enqueue_unless_pending(reason: str) -> None:
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
    """Connect the handlers for article pages (called once, from the app config)."""
    page_published.connect(_on_published, sender=ArticlePage, dispatch_uid="export-published")
    page_unpublished.connect(_on_unpublished, sender=ArticlePage, dispatch_uid="export-unpublished")
    post_delete.connect(_on_deleted, sender=ArticlePage, dispatch_uid="export-deleted")
