"""Note pages whose export facts change, and queue a re-export when an article's state does."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from wagtail.models import Locale, Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.articles.models import ArticlePage
from cms.translation.models import AppliedTranslation

from .models import PageChange
from .tasks import export_after_publish

# Sent once per channel after each run that published a new export (manifest in storage, state
# committed), with keyword arguments channel, sequence, manifest_sha256, upserted (article paths
# written, sorted) and tombstones (article paths removed, sorted).
export_published = Signal()


def note_change(page_id: int, *, structural: bool = False) -> None:
    """Record that the facts of ``page_id`` (or, structural, of pages below it) may differ."""
    PageChange.objects.create(page_id=page_id, structural=structural, recorded_at=timezone.now())


def _on_page_saved(sender, instance, raw=False, **kwargs) -> None:
    if isinstance(instance, Page) and not raw:
        # Renaming a page with children rewrites their URL paths without saving them.
        note_change(instance.pk, structural=bool(instance.numchild))


def _on_page_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        note_change(instance.pk, structural=bool(instance.numchild))


def _on_page_moved(sender, instance, **kwargs) -> None:
    note_change(instance.pk, structural=True)  # every page below it moved too


def _on_translation_record(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        note_change(instance.page_id)


def _on_restriction(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        note_change(instance.page_id, structural=True)  # it hides a whole subtree


def _on_locale(sender, instance, raw=False, created=False, **kwargs) -> None:
    # A new locale has no pages yet; a changed one changes the language of all of its pages.
    # (Site changes need no note: site roots are part of every document's static inputs.)
    if not raw and not created:
        note_change(0, structural=True)


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
    """Connect the handlers (called once, from the app config)."""
    # Every page type: links and alternates reach any page, and Wagtail saves specific pages.
    post_save.connect(_on_page_saved, dispatch_uid="facts-page-saved")
    post_delete.connect(_on_page_deleted, dispatch_uid="facts-page-deleted")
    post_page_move.connect(_on_page_moved, dispatch_uid="facts-page-moved")
    post_save.connect(
        _on_translation_record, sender=AppliedTranslation, dispatch_uid="facts-record-saved"
    )
    post_delete.connect(
        _on_translation_record, sender=AppliedTranslation, dispatch_uid="facts-record-gone"
    )
    post_save.connect(_on_restriction, sender=PageViewRestriction, dispatch_uid="facts-vr-saved")
    post_delete.connect(_on_restriction, sender=PageViewRestriction, dispatch_uid="facts-vr-gone")
    post_save.connect(_on_locale, sender=Locale, dispatch_uid="facts-locale-saved")
    page_published.connect(_on_published, sender=ArticlePage, dispatch_uid="export-published")
    page_unpublished.connect(_on_unpublished, sender=ArticlePage, dispatch_uid="export-unpublished")
    post_delete.connect(_on_deleted, sender=ArticlePage, dispatch_uid="export-deleted")
