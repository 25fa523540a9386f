"""Which document each channel gets for each article and language, and why not when it gets none.

Pure decisions on already-loaded pages: the translation policy (a missing or incomplete
translation is skipped or sent as source text with an explicit fallback marker, never silently),
the channel's required fields and blocks, and the export gates' verdicts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from .batches import ArticleGroup, PageContent
from .channels import Channel

SOURCE = "source"
TRANSLATED = "translated"
FALLBACK = "fallback"


@dataclass
class PlannedDocument:
    """One article document to export: in ``language``, with the content of ``page``."""

    language: str
    page: PageContent
    status: str  # SOURCE, TRANSLATED or FALLBACK
    up_to_date: bool | None
    fallback_reason: str | None = None  # "missing" or "incomplete" when status is FALLBACK

    @property
    def translation_key(self) -> str:
        return self.page.translation_key

    @cached_property
    def path(self) -> str:
        # One string per document, however many places keep it (a run keeps thousands).
        return article_path(self.language, self.page.slug)


@dataclass(frozen=True)
class Skip:
    """An article left out of one channel locale, with the reason the summary reports."""

    language: str
    slug: str
    reason: str

    def __str__(self) -> str:
        return f"skipped: {self.slug} ({self.language}): {self.reason}"


def article_path(language: str, slug: str) -> str:
    return f"{language}/articles/{slug}.json"


def plan_group(
    group: ArticleGroup,
    channel: Channel,
    source_language: str,
    blocked: Mapping[int, Sequence[str]],
    routable: Callable[[int], bool] = lambda page_id: True,
) -> tuple[list[PlannedDocument], list[Skip]]:
    """Decide the documents of one article for one channel, in the channel's locale order.

    ``blocked`` is the gates' verdict by page id; ``routable`` says whether a page has a URL.
    """
    planned: list[PlannedDocument] = []
    skipped: list[Skip] = []
    source = group.pages.get(source_language)
    for language in channel.locales:
        candidate, skip = _candidate(group, channel, language, source, source_language)
        if candidate is not None:
            skip = _check(candidate, channel, blocked, routable)
        if skip is not None:
            skipped.append(skip)
        elif candidate is not None:
            planned.append(candidate)
    return planned, skipped


def _candidate(
    group: ArticleGroup,
    channel: Channel,
    language: str,
    source: PageContent | None,
    source_language: str,
) -> tuple[PlannedDocument | None, Skip | None]:
    page = group.pages.get(language)
    if language == source_language:
        return (PlannedDocument(language, page, SOURCE, True) if page else None), None
    record = getattr(page, "translation_record", None)
    if page is not None and page.alias_of_id is None and (record is None or record.complete):
        # No record means an editor translated the page by hand: translated, freshness unknown.
        up_to_date = None if record is None else record.up_to_date
        return PlannedDocument(language, page, TRANSLATED, up_to_date), None
    if page is None or page.alias_of_id is not None:
        # An alias is a mirror of the source text, not a translation.
        reason, message = "missing", f"no {language} translation"
    else:
        reason = "incomplete"
        message = (
            f"{language} translation incomplete ({record.translated} of {record.total} strings)"
        )
    if source is None:
        return None, (Skip(language, page.slug, message) if page else None)
    if channel.incomplete_translations == "skip":
        return None, Skip(language, source.slug, f"{message}; channel takes translated text only")
    return PlannedDocument(language, source, FALLBACK, True, fallback_reason=reason), None


def _check(
    document: PlannedDocument,
    channel: Channel,
    blocked: Mapping[int, Sequence[str]],
    routable: Callable[[int], bool],
) -> Skip | None:
    page = document.page
    reasons = list(blocked.get(page.pk, ()))
    if not routable(page.pk):
        # Outside every site, or published after this run took its snapshot of the tree.
        reasons.append("no URL yet (not below a site root); exported once it has one")
    if channel.requires_summary and not page.search_description.strip():
        reasons.append(f"channel {channel.name} requires a summary")
    if channel.required_blocks:
        present = {child["type"] for child in page.body_raw}
        reasons.extend(
            f"channel {channel.name} requires a {name} block"
            for name in channel.required_blocks
            if name not in present
        )
    return Skip(document.language, page.slug, "; ".join(reasons)) if reasons else None
