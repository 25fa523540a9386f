"""Where an article stands in each channel and locale: live, pending, withheld or failed.

``channel_states(page)`` is the one function the status panel calls for the channel part: the
exporter's record of each document (``cms.publishing.status.document_states``), the page's
live revision, the export tasks' results and the channels file, as ``ChannelState`` values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page

from cms.articles.models import ArticlePage
from cms.publishing.channels import Channel, load_channels
from cms.publishing.status import document_states
from cms.publishing.tasks import EXPORT_BACKEND, EXPORT_QUEUE

LIVE, PENDING, WITHHELD, FAILED, NOT_PUBLISHED = (
    "live",
    "pending",
    "withheld",
    "failed",
    "not_published",
)
AD_REVIEW = "ad_review"


@dataclass(frozen=True)
class ChannelState:
    """One article in one channel and locale."""

    channel: str
    locale: str
    state: str
    reasons: tuple[str, ...] = field(default=())
    revision: int | None = None


def missing_requirements(page: ArticlePage, channel: Channel) -> list[str]:
    """Why ``channel`` will not take ``page``, in the editor's language (empty: it will)."""
    reasons = []
    if AD_REVIEW in channel.required and not (page.ad_review_number and page.ad_review_date):
        reasons.append(
            _(
                "This channel takes only articles that passed the medical advertising prior "
                "review: fill in the review number and date."
            )
        )
    if channel.requires_summary and not (page.search_description or "").strip():
        reasons.append(_("This channel requires a summary."))
    present = {child.block_type for child in page.body}
    for block_type in channel.required_blocks:
        if block_type != AD_REVIEW and block_type not in present:
            reasons.append(_("This channel requires a “%(block)s” block.") % {"block": block_type})
    return reasons


def _latest_export_task() -> str | None:
    """The status of the most recent export task, if exports go through the queue."""
    if not settings.TASKS.get(EXPORT_BACKEND, {}).get("BACKEND", "").startswith("django_tasks_db"):
        return None
    return (
        DBTaskResult.objects.filter(queue_name=EXPORT_QUEUE, backend_name=EXPORT_BACKEND)
        .order_by("-enqueued_at")
        .values_list("status", flat=True)
        .first()
    )


def channel_states(page: Page) -> list[ChannelState]:
    """Every channel and locale the article belongs in, with its state and any reasons.

    Live means the channel's current export carries the page's live revision; pending, that
    the page was published since (the worker has not exported it yet); withheld and failed come
    with the exporter's reason, or the channel's requirement the article does not meet.
    """
    source = page.specific
    translations = {
        p.locale.language_code: p
        for p in ArticlePage.objects.filter(translation_key=source.translation_key).select_related(
            "locale"
        )
    }
    documents = {(d.channel, d.locale): d for d in document_states(source)}
    last_task = _latest_export_task()
    states = []
    for channel in load_channels().values():
        for locale in channel.locales:
            target = translations.get(locale)
            document = documents.get((channel.name, locale))
            if target is None or not target.live:
                if document is not None and document.state == LIVE and document.fallback:
                    reason = _("Served in the source language until a translation is published.")
                    states.append(
                        ChannelState(channel.name, locale, LIVE, (reason,), document.revision)
                    )
                    continue
                reason = (
                    _("Not translated into this language yet.")
                    if target is None
                    else _("Not published in this language.")
                )
                states.append(ChannelState(channel.name, locale, NOT_PUBLISHED, (reason,)))
                continue
            reasons = missing_requirements(target, channel)
            exported = document.revision if document is not None else None
            if (
                document is not None
                and document.state == LIVE
                and not document.fallback
                and (exported == target.live_revision_id)
            ):
                states.append(ChannelState(channel.name, locale, LIVE, (), exported))
            elif reasons or (document is not None and document.state == WITHHELD):
                reasons = reasons or [document.reason]
                states.append(ChannelState(channel.name, locale, WITHHELD, tuple(reasons)))
            elif (document is not None and document.state == FAILED) or last_task == "FAILED":
                states.append(
                    ChannelState(
                        channel.name, locale, FAILED, (_("The last export failed."),), exported
                    )
                )
            else:
                states.append(ChannelState(channel.name, locale, PENDING, (), exported))
    return states
