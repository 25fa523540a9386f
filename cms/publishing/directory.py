"""A per-run snapshot of the pages channels may see and link to, loaded in a few bulk queries.

Wagtail answers "what is this page's URL?" one page at a time (and, without a request to cache
on, with a site lookup each time). An export needs the URL of every exported page, of every page
linked from rich text and of every alternate, so it loads the page tree's routing facts once:
every live, public, non-expired page's tree path, URL path, locale and translation key, the
site roots and the view restrictions. URLs are then computed without touching the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from wagtail.models import Page, PageViewRestriction, Site

from cms.articles.models import ArticlePage


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """What routing needs to know about one live page."""

    path: str  # the treebeard materialised path, for ancestry
    url_path: str
    translation_key: str
    language: str
    is_article: bool


def visible_pages_filter(now: datetime, restricted_paths: tuple[str, ...]) -> Q:
    """Live, not expired, and neither the page nor an ancestor has a view restriction."""
    condition = Q(live=True) & (Q(expire_at__isnull=True) | Q(expire_at__gt=now))
    for path in restricted_paths:
        condition &= ~Q(path__startswith=path)
    return condition


class PageDirectory:
    """Every page a channel may see, with URLs computed from the tree instead of queried."""

    def __init__(
        self,
        entries: dict[int, DirectoryEntry],
        site_roots: list[tuple[str, str]],
        restricted_paths: tuple[str, ...],
        now: datetime,
    ) -> None:
        self.entries = entries
        self.restricted_paths = restricted_paths
        self.now = now
        # Most specific root first, so a page below a nested site root gets that site's prefix.
        self._roots = sorted(site_roots, key=lambda root: len(root[0]), reverse=True)
        self._by_key = {(e.translation_key, e.language): pk for pk, e in entries.items()}
        self._relative_urls: dict[int, str | None] = {}

    @classmethod
    def load(cls, now: datetime | None = None) -> PageDirectory:
        """Snapshot the live page tree in three queries, whatever the number of pages.

        (Four when Django's content-type cache is cold.)
        """
        now = now or timezone.now()
        restricted = tuple(
            sorted(set(PageViewRestriction.objects.values_list("page__path", flat=True)))
        )
        article_type = ContentType.objects.get_for_model(ArticlePage).pk
        rows = (
            Page.objects.filter(visible_pages_filter(now, restricted))
            .values_list(
                "id",
                "path",
                "url_path",
                "translation_key",
                "locale__language_code",
                "content_type_id",
            )
            .order_by()
        )
        entries = {
            pk: DirectoryEntry(path, url_path, str(key), language, content_type == article_type)
            for pk, path, url_path, key, language, content_type in rows.iterator(chunk_size=2000)
        }
        return cls(entries, _site_roots(), restricted, now)

    def article_count(self, languages: set[str]) -> int:
        """How many articles (translation keys) have a visible page in one of ``languages``."""
        return len(
            {
                entry.translation_key
                for entry in self.entries.values()
                if entry.is_article and entry.language in languages
            }
        )

    def visible_filter(self) -> Q:
        """The same visibility rule, for queries that load full pages."""
        return visible_pages_filter(self.now, self.restricted_paths)

    def relative_url(self, page_id: int) -> str | None:
        """The page's URL path with its locale prefix (``/en/thread-lifting/``), or None."""
        try:
            return self._relative_urls[page_id]
        except KeyError:
            pass
        entry = self.entries.get(page_id)
        url = None if entry is None else self._route(entry.url_path)
        self._relative_urls[page_id] = url
        return url

    def absolute_url(self, page_id: int, base_url: str) -> str | None:
        relative = self.relative_url(page_id)
        return None if relative is None else base_url + relative

    def localized_link(self, page_id: int, language: str, base_url: str) -> str | None:
        """Where a link to ``page_id`` should point for a reader of ``language``.

        The target's translation in that language if it is visible, else the target itself;
        None if the target is not visible at all (draft, private, expired or deleted), so a
        channel never receives a link that leads nowhere or leaks a private page.
        """
        entry = self.entries.get(page_id)
        if entry is None:
            return None
        target = self._by_key.get((entry.translation_key, language), page_id)
        return self.absolute_url(target, base_url) or self.absolute_url(page_id, base_url)

    def _route(self, url_path: str) -> str | None:
        for root_path, language in self._roots:
            if url_path.startswith(root_path):
                # Wagtail's own rule (Page.get_url_parts): reverse the serve view in the
                # language of the site root the page hangs below, so i18n_patterns adds /en/.
                with translation.override(language):
                    try:
                        return reverse("wagtail_serve", args=(url_path[len(root_path) :],))
                    except NoReverseMatch:
                        return None
        return None


def _site_roots() -> list[tuple[str, str]]:
    """``(url_path, language)`` of every site root page and of each of its translations."""
    root_keys = Site.objects.values("root_page__translation_key")
    return list(
        Page.objects.filter(translation_key__in=root_keys)
        .values_list("url_path", "locale__language_code")
        .order_by("url_path")
    )
