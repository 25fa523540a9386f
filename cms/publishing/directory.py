"""A per-run snapshot of the pages channels may see and link to, loaded in a few bulk queries.

Wagtail answers "what is this page's URL?" one page at a time (and, without a request to cache
on, with a site lookup each time). An export needs the URL of every exported page, of every page
linked from rich text and of every alternate, so it loads the page tree's routing facts once:
every live, public, non-expired page's URL path, locale and translation key, the site roots and
the view restrictions. URLs are then computed without touching the database.

A full run loads every visible page; an incremental run loads only the translation groups it
renders and the groups its rich text links to (``PageDirectory.load(..., keys=, page_ids=)``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from cms.articles.models import ArticlePage

from . import sql

# URL paths made of ASCII slug segments ("thread-lifting/"), which reverse() leaves as they are.
PLAIN_PATH = re.compile(r"(?:[A-Za-z0-9_-]+/)*")


def canonical_key(raw: str) -> str:
    """A translation key as text: SQLite stores uuids as 32 hex digits, the rest with dashes."""
    if len(raw) == 32:
        raw = f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"
    return raw.lower()


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """What routing needs to know about one live page."""

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


@dataclass(frozen=True)
class Visibility:
    """Which pages a channel may see at one instant: the rule, with the restrictions loaded."""

    now: datetime
    restricted_paths: tuple[str, ...]

    @classmethod
    def load(cls, now: datetime | None = None) -> Visibility:
        """The view restrictions as they are now (one query)."""
        restricted = sql.fetch_all(f"SELECT p.path {RESTRICTED_FROM}")
        return cls.of(now or timezone.now(), [path for (path,) in restricted])

    @classmethod
    def of(cls, now: datetime, restricted_paths: Iterable[str]) -> Visibility:
        """The rule at ``now`` with these view restrictions' paths (as ``load`` reads them)."""
        return cls(now, tuple(sorted(set(restricted_paths))))

    def filter(self) -> Q:
        return visible_pages_filter(self.now, self.restricted_paths)


class PageDirectory:
    """Every page a channel may see, with URLs computed from the tree instead of queried."""

    def __init__(
        self,
        entries: dict[int, DirectoryEntry],
        site_roots: list[tuple[str, str]],
        visibility: Visibility,
        prefixes: dict[str, str | None] | None = None,
    ) -> None:
        self.entries = entries
        self.visibility = visibility
        # Most specific root first, so a page below a nested site root gets that site's prefix.
        self._roots = sorted(site_roots, key=lambda root: len(root[0]), reverse=True)
        self.site_roots = sorted(site_roots)
        self._by_key = {(e.translation_key, e.language): pk for pk, e in entries.items()}
        self._relative_urls: dict[int, str | None] = {}
        # The URL prefix of each site root language, from reverse(), or as an earlier run found.
        self.prefixes: dict[str, str | None] = dict(prefixes or {})

    @classmethod
    def load(
        cls,
        visibility: Visibility | None = None,
        *,
        keys: Collection[str] | None = None,
        page_ids: Collection[int] | None = None,
        site_roots: list[tuple[str, str]] | None = None,
        prefixes: dict[str, str | None] | None = None,
    ) -> PageDirectory:
        """Snapshot the live page tree: every visible page, or only some translation groups.

        With ``keys`` or ``page_ids``, only the groups of those translation keys and of those
        pages are loaded (the pages an incremental run renders or links to). One query (two
        without ``site_roots``), whatever the number of pages.
        """
        visibility = visibility or Visibility.load()
        where, params = sql.visible("p", visibility.now, visibility.restricted_paths)
        partial = keys is not None or page_ids is not None
        if partial:
            groups, group_params = sql.in_groups("p", keys or (), page_ids or ())
            where, params = f"{where} AND {groups}", params + group_params
        # Whether a page is an article, by its content type's natural key: no query for the
        # type's id first. Key as text: uuid objects cost more to build than the rest of the row.
        query = (
            "SELECT p.id, p.url_path, CAST(p.translation_key AS text), l.language_code,"
            " CASE WHEN c.app_label = %s AND c.model = %s THEN 1 ELSE 0 END"
            " FROM wagtailcore_page p"
            " INNER JOIN wagtailcore_locale l ON p.locale_id = l.id"
            " INNER JOIN django_content_type c ON p.content_type_id = c.id"
            f" WHERE {where}"
        )
        article = ArticlePage._meta
        params = [article.app_label, article.model_name, *params]
        # A few groups are read at once; every page through a server-side cursor, where the
        # database has one, a chunk at a time.
        if partial:
            rows = sql.fetch_all(query, params, prepared=True)
        else:
            rows = sql.stream(query, params, 2000)
        # One string per key and language however many pages share it: the snapshot of a
        # large site is most of a run's memory.
        shared: dict[str, str] = {}
        entries = {
            pk: DirectoryEntry(
                url_path,
                shared.setdefault(key, canonical_key(key)),
                shared.setdefault(language, language),
                bool(is_article),
            )
            for pk, url_path, key, language, is_article in rows
        }
        roots = site_roots if site_roots is not None else load_site_roots()
        return cls(entries, roots, visibility, prefixes)

    def article_keys(self, languages: set[str]) -> set[str]:
        """The translation keys of the articles with a visible page in one of ``languages``."""
        return {
            entry.translation_key
            for entry in self.entries.values()
            if entry.is_article and entry.language in languages
        }

    def key_of(self, page_id: int) -> str | None:
        """The translation key of a visible page, or None."""
        entry = self.entries.get(page_id)
        return None if entry is None else entry.translation_key

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
                path = url_path[len(root_path) :]
                if PLAIN_PATH.fullmatch(path):
                    # What reverse() returns for such a path: the prefix, then the path as is
                    # (nothing to quote). Reversing costs more than the rest of a document.
                    if language not in self.prefixes:
                        self.prefixes[language] = _reverse_serve("", language)
                    prefix = self.prefixes[language]
                    return None if prefix is None else prefix + path
                return _reverse_serve(path, language)
        return None


def _reverse_serve(path: str, language: str) -> str | None:
    # Wagtail's own rule (Page.get_url_parts): reverse the serve view in the language of the
    # site root the page hangs below, so i18n_patterns adds /en/.
    with translation.override(language):
        try:
            return reverse("wagtail_serve", args=(path,))
        except NoReverseMatch:
            return None


# The pages with a view restriction (their path: the restriction covers what lies below).
RESTRICTED_FROM = (
    "FROM wagtailcore_pageviewrestriction r INNER JOIN wagtailcore_page p ON r.page_id = p.id"
)
# Every site root page and each of its translations, with its language as ``l``.
SITE_ROOTS_FROM = (
    "FROM wagtailcore_page p INNER JOIN wagtailcore_locale l ON p.locale_id = l.id"
    " WHERE p.translation_key IN (SELECT r.translation_key FROM wagtailcore_site w"
    " INNER JOIN wagtailcore_page r ON w.root_page_id = r.id)"
)


def load_site_roots() -> list[tuple[str, str]]:
    """``(url_path, language)`` of every site root page and of each of its translations."""
    query = f"SELECT p.url_path, l.language_code {SITE_ROOTS_FROM} ORDER BY p.url_path"
    return [(url_path, language) for url_path, language in sql.fetch_all(query)]
