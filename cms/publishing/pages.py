"""What the exporter reads from the database, all through the ORM and Wagtail's public API.

``SiteFacts`` is one row per page (every page type: rich text links to any page) in a handful
of ``values_list`` queries: enough to decide which documents exist, where, and whether an
article's inputs changed since the last run, without loading a body. ``load_articles`` then
loads the pages a run renders, as model instances, in batches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Locale, Page, PageViewRestriction, Site

from cms.articles.models import ArticlePage
from cms.translation.models import AppliedTranslation


@dataclass(frozen=True, slots=True)
class PageFact:
    """What the export needs to know of one page without loading it."""

    id: int
    translation_key: str
    language: str
    slug: str
    url_path: str
    visible: bool  # live, not expired, no view restriction on it or above it
    is_article: bool
    alias_of_id: int | None
    live_revision_id: int | None
    has_unpublished_changes: bool
    first_published_at: datetime | None
    last_published_at: datetime | None

    def digest_part(self) -> tuple:
        return (
            self.id,
            self.language,
            self.slug,
            self.url_path,
            self.visible,
            self.alias_of_id,
            self.live_revision_id,
            self.has_unpublished_changes,
            str(self.first_published_at),
            str(self.last_published_at),
        )


@dataclass(frozen=True, slots=True)
class TranslationRecord:
    """What ``apply_translations`` last did to a target-locale page (``AppliedTranslation``)."""

    source_revision_id: int | None
    complete: bool


class SiteFacts:
    """Every page's facts, the translation records and the site roots, read once per run."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        languages = dict(Locale.objects.values_list("id", "language_code"))
        article_type = ContentType.objects.get_for_model(ArticlePage).id
        restricted = list(PageViewRestriction.objects.values_list("page__path", flat=True))
        self.by_id: dict[int, PageFact] = {}
        self.groups: dict[str, list[PageFact]] = defaultdict(list)
        rows = Page.objects.values_list(
            "id",
            "translation_key",
            "locale_id",
            "slug",
            "url_path",
            "path",
            "live",
            "expired",
            "expire_at",
            "content_type_id",
            "alias_of_id",
            "live_revision_id",
            "has_unpublished_changes",
            "first_published_at",
            "last_published_at",
        ).order_by("id")
        for (
            page_id,
            key,
            locale_id,
            slug,
            url_path,
            tree_path,
            live,
            expired,
            expire_at,
            content_type,
            alias_of,
            live_revision,
            unpublished_changes,
            first_published,
            last_published,
        ) in rows.iterator(chunk_size=5000):
            visible = (
                live
                and not expired
                and (expire_at is None or expire_at > now)
                and not any(tree_path.startswith(prefix) for prefix in restricted)
            )
            fact = PageFact(
                page_id,
                str(key),
                languages.get(locale_id, ""),
                slug,
                url_path,
                visible,
                content_type == article_type,
                alias_of,
                live_revision,
                unpublished_changes,
                first_published,
                last_published,
            )
            self.by_id[page_id] = fact
            self.groups[fact.translation_key].append(fact)
        self.records = {
            page_id: TranslationRecord(revision, complete)
            for page_id, revision, complete in AppliedTranslation.objects.values_list(
                "page_id", "source_revision_id", "complete"
            )
        }
        self.sites = sorted(
            Site.objects.values_list("hostname", "port", "is_default_site", "root_page__url_path")
        )

    def article_keys(self) -> list[str]:
        """Every translation key with at least one visible article page, sorted."""
        return sorted(
            key
            for key, pages in self.groups.items()
            if any(page.visible and page.is_article for page in pages)
        )

    def visible_page(self, translation_key: str, language: str) -> PageFact | None:
        """The group's visible page in ``language``, if any."""
        for page in self.groups.get(translation_key, ()):
            if page.language == language and page.visible and page.is_article:
                return page
        return None

    def translations_of(self, page_id: int) -> list[PageFact]:
        """Every page sharing ``page_id``'s translation key (any type), itself included."""
        fact = self.by_id.get(page_id)
        return self.groups[fact.translation_key] if fact is not None else []


def load_articles(page_ids: Iterable[int]) -> dict[int, ArticlePage]:
    """The article pages ``page_ids`` as model instances (with their locale), by id."""
    pages = ArticlePage.objects.filter(id__in=list(page_ids)).select_related("locale")
    return {page.id: page for page in pages}


class PageUrls:
    """Page paths from Wagtail's own routing (``get_url_parts``, so overrides count), cached.

    One ``cache_object`` for the whole run: Wagtail keeps the site root paths on it instead of
    asking the cache for them on every page.
    """

    def __init__(self) -> None:
        self._paths: dict[int, str | None] = {}
        self._cache_object = SimpleNamespace()

    def path(self, page: Page) -> str | None:
        """The page's URL path below its site root (``/en/thread-lifting/``), None if unrouted."""
        if page.id not in self._paths:
            parts = page.get_url_parts(request=self._cache_object)
            self._paths[page.id] = parts[2] if parts and parts[2] is not None else None
        return self._paths[page.id]

    def load(self, page_ids: Iterable[int]) -> None:
        """Route the pages ``page_ids`` (link targets of any type), in one query per type."""
        missing = [page_id for page_id in page_ids if page_id not in self._paths]
        if not missing:
            return
        for page in Page.objects.filter(id__in=missing).select_related("locale").specific():
            self.path(page)
        for page_id in missing:
            self._paths.setdefault(page_id, None)

    def known(self, page_id: int) -> str | None:
        return self._paths.get(page_id)
