"""Which document each channel gets for each article and locale, or why it gets none.

Decided from the page facts (``pages.SiteFacts``), before anything is loaded: channels mirror
what is live. A live translation is exported as it is live, even while a newer catalog or
draft waits (``update_pending``); the source text is sent in its place (marked ``fallback``)
only when the locale has no live translation at all, and only to channels that take
fallbacks. A document can still be withheld for the channel's own requirements (summary,
blocks, advertising pre-review), checked on the loaded page (``requirements``); every
withheld document has a reason an editor can read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .channels import Channel
from .pages import PageFact, SiteFacts

SOURCE = "source"
TRANSLATED = "translated"
FALLBACK = "fallback"
AD_REVIEW_FIELDS = ("ad_review_number", "ad_review_date")


@dataclass
class Slot:
    """One article in one locale of one channel: a document to render, or a withheld one."""

    language: str
    path: str
    page: PageFact  # the page whose content the document carries
    status: str  # SOURCE, TRANSLATED or FALLBACK
    up_to_date: bool | None = True
    update_pending: bool = False
    fallback_reason: str | None = None
    withheld: list[str] = field(default_factory=list)


def article_path(language: str, slug: str) -> str:
    return f"{language}/articles/{slug}.json"


def plan_group(facts: SiteFacts, channel: Channel, key: str, source_language: str) -> list[Slot]:
    """The slots of article ``key`` in ``channel``, in the channel's locale order."""
    source = facts.visible_page(key, source_language)
    slots = []
    for language in channel.locales:
        slot = _slot(facts, channel, key, language, source, source_language)
        if slot is not None:
            slots.append(slot)
    return slots


def _slot(
    facts: SiteFacts,
    channel: Channel,
    key: str,
    language: str,
    source: PageFact | None,
    source_language: str,
) -> Slot | None:
    if language == source_language:
        if source is None:
            return None
        return Slot(
            language,
            article_path(language, source.slug),
            source,
            SOURCE,
            update_pending=source.has_unpublished_changes,
        )
    page = facts.visible_page(key, language)
    if page is not None and page.alias_of_id is None:
        # Live is live: what was published passed every check when it went live, so a newer
        # catalog that is incomplete (saved as a draft) leaves it as it is, marked pending.
        record = facts.records.get(page.id)
        up_to_date = None
        if record is not None and source is not None:
            up_to_date = record.source_revision_id == source.live_revision_id
        pending = page.has_unpublished_changes or (record is not None and not record.complete)
        return Slot(
            language,
            article_path(language, page.slug),
            page,
            TRANSLATED,
            up_to_date=up_to_date,
            update_pending=pending,
        )
    if source is None:
        return None
    slot = Slot(
        language,
        article_path(language, source.slug),
        source,
        FALLBACK,
        fallback_reason="missing",
    )
    if channel.incomplete_translations == "skip":
        slot.withheld.append(f"no live {language} translation; channel takes translated text only")
    return slot


def settle_paths(slots_by_key: dict[str, list[Slot]]) -> None:
    """Give each contested path to one document; withhold the others, saying who has it.

    A live page in its own locale comes before a fallback, then the oldest page (lowest id):
    the same answer whichever articles a run renders. Withheld slots claim nothing.
    """
    claims: dict[str, list[tuple[tuple[int, int], str, Slot]]] = {}
    for key, slots in slots_by_key.items():
        for slot in slots:
            if not slot.withheld:
                rank = (1 if slot.status == FALLBACK else 0, slot.page.id)
                claims.setdefault(slot.path, []).append((rank, key, slot))
    for path, contenders in claims.items():
        if len(contenders) < 2:
            continue
        contenders.sort(key=lambda contender: contender[:2])
        winner = contenders[0][2]
        for _rank, _key, slot in contenders[1:]:
            slot.withheld.append(
                f"path {path} is taken by page {winner.page.id} ({winner.page.slug}); "
                "give one of them another slug"
            )


def requirements(page: Any, channel: Channel) -> list[str]:
    """Why ``page`` (a loaded ArticlePage) does not meet ``channel``'s requirements, if so."""
    reasons = []
    if "summary" in channel.required and not (page.search_description or "").strip():
        reasons.append(f"channel {channel.name} requires a summary")
    if "ad_review" in channel.required:
        missing = [name for name in AD_REVIEW_FIELDS if not getattr(page, name, None)]
        if missing:
            reasons.append(
                f"channel {channel.name} requires an advertising pre-review approval "
                f"({' and '.join(missing)} missing)"
            )
    if channel.required_blocks:
        present = {child["type"] for child in page.body.raw_data}
        reasons.extend(
            f"channel {channel.name} requires a {name} block"
            for name in channel.required_blocks
            if name not in present
        )
    return reasons


def group_inputs(
    facts: SiteFacts, key: str, slots: list[Slot], links: Iterable[int], channel_digest: str
) -> str:
    """A digest of everything the article's documents in a channel are built from.

    Its pages' facts (live revision, slug, URL path, visibility, dates, drafts waiting), their
    translation records, where each slot goes and why it is withheld, and the facts of every
    page its rich text links to and of their translations (a link is localized, and removed
    when its target is not live). Same digest, same documents: the run skips the article.
    """
    parts: list[Any] = [channel_digest]
    for page in facts.groups.get(key, ()):
        if page.is_article:
            record = facts.records.get(page.id)
            parts.append((page.digest_part(), record))
    for slot in slots:
        parts.append((slot.language, slot.path, slot.page.id, slot.status, tuple(slot.withheld)))
    for page_id in sorted(set(links)):
        translations = facts.translations_of(page_id)
        parts.append(
            (page_id, tuple((p.id, p.language, p.url_path, p.visible) for p in translations))
        )
    return hashlib.sha256(repr(parts).encode()).hexdigest()
