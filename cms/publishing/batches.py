"""Stream the exportable articles in batches of translation groups, in one database query.

A translation group is every visible page of one article (one translation key) in the languages
an export needs. Pages arrive ordered by translation key from a single streaming query that also
joins the translation record (``AppliedTranslation``) and its source page's live revision, so
neither translation status nor up-to-dateness costs a query per page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import F

from cms.articles.models import ArticlePage

from .directory import PageDirectory


@dataclass(frozen=True, slots=True)
class TranslationRecord:
    """What the translation pipeline recorded about a translated page."""

    complete: bool
    up_to_date: bool
    translated: int
    total: int


@dataclass
class ArticleGroup:
    """The visible pages of one article, by language code."""

    translation_key: str
    pages: dict[str, ArticlePage] = field(default_factory=dict)


def iter_article_batches(
    directory: PageDirectory, languages: Iterable[str], batch_size: int
) -> Iterator[list[ArticleGroup]]:
    """Yield lists of about ``batch_size`` pages, never splitting a translation group.

    Each page carries ``translation_record`` (a ``TranslationRecord`` or None when no catalog
    was ever applied to it, as for source pages and hand-made translations).
    """
    pages = (
        ArticlePage.objects.filter(directory.visible_filter())
        .filter(locale__language_code__in=sorted(set(languages)))
        .select_related("locale")
        .annotate(
            _record_id=F("applied_translation__id"),
            _record_complete=F("applied_translation__complete"),
            _record_translated=F("applied_translation__translated"),
            _record_total=F("applied_translation__total"),
            _record_source_revision=F("applied_translation__source_revision_id"),
            _source_live_revision=F("applied_translation__source_page__live_revision_id"),
        )
        .order_by("translation_key", "locale__language_code")
    )
    batch: list[ArticleGroup] = []
    size = 0
    stream = pages.iterator(chunk_size=max(batch_size, 100))
    for key, members in groupby(stream, key=lambda page: page.translation_key):
        group = ArticleGroup(str(key))
        for page in members:
            page.translation_record = _record(page)
            group.pages[page.locale.language_code] = page
        batch.append(group)
        size += len(group.pages)
        if size >= batch_size:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _record(page: ArticlePage) -> TranslationRecord | None:
    if page._record_id is None:
        return None
    return TranslationRecord(
        complete=page._record_complete,
        # The translation reflects the source only if it was built from the source's live
        # revision; a source that is no longer live makes every translation stale.
        up_to_date=(
            page._source_live_revision is not None
            and page._record_source_revision == page._source_live_revision
        ),
        translated=page._record_translated,
        total=page._record_total,
    )
