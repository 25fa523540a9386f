"""How far each article is translated: for ``translation_status`` and the admin view.

Counts come from the catalogs on disk measured against the source's current published text
(the same rules apply uses: fuzzy, stale and rejected strings are not translated). Whether
the target page is up to date comes from ``AppliedTranslation``. A fixed number of queries,
however many articles and strings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from cms.articles.models import ArticlePage
from cms.translation import catalog as files
from cms.translation.extract import (
    live_source_pages,
    page_fields,
    source_article_for_page,
    source_keys_by_slug,
)
from cms.translation.models import AppliedTranslation
from cms.translation.sync import LanguageCatalogs
from cms.translation.translate import build_translation


@dataclass(frozen=True)
class LocaleStatus:
    """One article in one target language."""

    language: str
    catalog: str
    total: int
    translated: int
    fuzzy: int
    missing: int
    page_id: int | None
    live: bool
    complete: bool | None
    is_up_to_date: bool | None
    applied_at: datetime | None
    has_catalog: bool = True
    error: str = ""
    """Why the catalog could not be read (file and line), if it could not."""
    update_pending: bool = False
    """The page is live as it was while a newer translation waits as a draft (fuzzy, empty or
    refused strings keep it from replacing the live text)."""
    state: str = "no_page"
    """``no_page``, ``draft`` (never published), ``live`` or ``update_pending``."""

    @property
    def out_of_date(self) -> bool:
        """A translated page exists but was built from an older source revision."""
        return self.is_up_to_date is False


@dataclass(frozen=True)
class ArticleTranslationStatus:
    """One source article and its status in every target language."""

    slug: str
    title: str
    translation_key: str
    source_page_id: int
    locales: tuple[LocaleStatus, ...]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready data (dates as ISO 8601)."""
        data = asdict(self)
        for locale in data["locales"]:
            if locale["applied_at"] is not None:
                locale["applied_at"] = locale["applied_at"].isoformat()
        return data


def collect_status(
    root: Path | None = None, *, language: str | None = None
) -> list[ArticleTranslationStatus]:
    """The translation status of every published source article, sorted by slug."""
    root = root or files.catalog_dir()
    languages = files.target_languages(language)
    sources = list(live_source_pages())
    keys_by_slug = source_keys_by_slug()
    catalogs = {code: LanguageCatalogs.load(root, code, keys_by_slug) for code in languages}
    errors = {
        str(error.path): str(error) for loaded in catalogs.values() for error in loaded.errors
    }
    keys = [page.translation_key for page in sources]
    targets = {
        (str(page.translation_key), page.locale.language_code): page
        for page in ArticlePage.objects.filter(
            translation_key__in=keys, locale__language_code__in=languages
        ).select_related("locale")
    }
    records = {
        record.page_id: record
        for record in AppliedTranslation.objects.filter(
            page_id__in=[page.pk for page in targets.values()]
        ).select_related("source_page")
    }
    statuses = []
    for source in sources:
        key = str(source.translation_key)
        fields, body = page_fields(source), list(source.body.get_prep_value())
        locales = []
        for code in languages:
            found = catalogs[code].by_key.get(key)
            target = targets.get((key, code))
            record = records.get(target.pk) if target else None
            expected_path = files.catalog_path(root, code, source.slug)
            if found is not None:
                counted = build_translation(fields, body, found, validate=False)
                counts = (counted.total, counted.translated, counted.fuzzy, counted.missing)
            else:
                total = len(source_article_for_page(source).segments)
                counts = (total, 0, 0, total)
            locales.append(
                LocaleStatus(
                    language=code,
                    catalog=str(found.path if found else expected_path),
                    total=counts[0],
                    translated=counts[1],
                    fuzzy=counts[2],
                    missing=counts[3],
                    page_id=target.pk if target else None,
                    live=bool(target and target.live),
                    complete=record.complete if record else None,
                    is_up_to_date=record.is_up_to_date if record else None,
                    applied_at=record.applied_at if record else None,
                    has_catalog=found is not None,
                    error=errors.get(str(expected_path), ""),
                    update_pending=_pending(target),
                    state=_state(target),
                )
            )
        statuses.append(
            ArticleTranslationStatus(source.slug, source.title, key, source.pk, tuple(locales))
        )
    return statuses


def _pending(target: ArticlePage | None) -> bool:
    return bool(target and target.live and target.has_unpublished_changes)


def _state(target: ArticlePage | None) -> str:
    if target is None:
        return "no_page"
    if not target.live:
        return "draft"
    return "update_pending" if target.has_unpublished_changes else "live"
