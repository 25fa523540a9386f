"""Where an article stands in each channel and locale: live, pending, withheld or failed.

THE SEAM: ``channel_states(page)`` is the one function the status panel calls for the channel
part. It reads what the current exporter leaves behind (the documents in ``EXPORT_ROOT``, the
export tasks' results, the compliance verdicts) and the channels file. When the exporter on
storage lands, its ``document_states(page)`` answers the same question; this function then
becomes a translation of that answer into ``ChannelState`` values, and the panel stays as is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page

from cms.articles.models import ArticlePage
from cms.compliance.models import ComplianceVerdict
from cms.publishing.channels import Channel, load_channels
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


def _exported_revision(channel: str, locale: str, slug: str) -> int | None:
    path = Path(settings.EXPORT_ROOT) / channel / locale / "articles" / f"{slug}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("revision")
    except (OSError, ValueError):
        return None


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
    """Every channel and locale the article belongs in, with its state and any reasons."""
    source = page.specific
    translations = {
        p.locale.language_code: p
        for p in ArticlePage.objects.filter(translation_key=source.translation_key).select_related(
            "locale"
        )
    }
    verdicts = dict(
        ComplianceVerdict.objects.filter(
            page_id__in=[p.pk for p in translations.values()]
        ).values_list("page_id", "errors")
    )
    last_task = _latest_export_task()
    states = []
    for channel in load_channels().values():
        for locale in channel.locales:
            target = translations.get(locale)
            if target is None or not target.live:
                reason = (
                    _("Not translated into this language yet.")
                    if target is None
                    else _("Not published in this language.")
                )
                states.append(ChannelState(channel.name, locale, NOT_PUBLISHED, (reason,)))
                continue
            exported = _exported_revision(channel.name, locale, target.slug)
            reasons = missing_requirements(target, channel)
            if verdicts.get(target.pk):
                reasons.append(_("The published text breaks the medical advertising rules."))
            if exported is not None and exported == target.live_revision_id:
                states.append(ChannelState(channel.name, locale, LIVE, (), exported))
            elif reasons:
                states.append(ChannelState(channel.name, locale, WITHHELD, tuple(reasons)))
            elif last_task == "FAILED":
                states.append(
                    ChannelState(
                        channel.name, locale, FAILED, (_("The last export failed."),), exported
                    )
                )
            else:
                states.append(ChannelState(channel.name, locale, PENDING, (), exported))
    return states
