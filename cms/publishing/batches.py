"""Stream the articles to render in batches of translation groups, in one database query.

A translation group is every visible page of one article (one translation key) in the languages
an export needs. Pages arrive ordered by translation key from a single streaming query that also
joins the translation record (``AppliedTranslation``) and its source page's live revision, so
neither translation status nor up-to-dateness costs a query per page. Rows are read as values,
not model instances: an export needs a dozen columns and the stored body JSON, and building an
``ArticlePage`` per row would cost more than rendering it. Gates, which expect pages, get
``ArticlePage`` instances built from the same row (``PageContent.as_page``).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import Any

import orjson
from django.db import DEFAULT_DB_ALIAS
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from wagtail.models import Locale

from cms.articles.models import ArticlePage

from . import sql
from .directory import Visibility, canonical_key

# Rows read at a time: their bodies, as text, wait in memory beside the batch being decoded.
ROWS_PER_FETCH = 100
# The columns of a row, in order (``_content`` reads them by position), under the aliases of
# ``_ROWS_FROM``: the article (a), its page (p), locale (l), translation record (t) and the
# record's source page (s). Key and body as text: building uuid and StreamValue objects costs
# more than the rest of the row; the body's JSON is decoded below, once. The body is the column
# itself, not a cast: PostgreSQL would convert every body to text before sorting the rows (tens
# of megabytes, spilled to disk, before the first row arrives); uncast, it sorts narrow rows
# and converts each body as it sends it, and Django's driver set-up hands jsonb over as text.
COLUMNS = (
    "p.id",
    "CAST(p.translation_key AS text)",
    "l.language_code",
    "p.locale_id",
    "p.title",
    "p.slug",
    "p.search_description",
    "p.live_revision_id",
    "p.first_published_at",
    "p.last_published_at",
    "p.alias_of_id",
    "a.body",
    "t.id",
    "t.complete",
    "t.translated",
    "t.total",
    "t.source_revision_id",
    "s.live_revision_id",
)
_ROWS_FROM = (
    "FROM articles_articlepage a"
    " INNER JOIN wagtailcore_page p ON a.page_ptr_id = p.id"
    " INNER JOIN wagtailcore_locale l ON p.locale_id = l.id"
    " LEFT OUTER JOIN translation_appliedtranslation t ON p.id = t.page_id"
    " LEFT OUTER JOIN wagtailcore_page s ON t.source_page_id = s.id"
)


@dataclass(frozen=True, slots=True)
class TranslationRecord:
    """What the translation pipeline recorded about a translated page."""

    complete: bool
    up_to_date: bool
    translated: int
    total: int


@dataclass(slots=True)
class PageContent:
    """One visible article page, as an export reads it."""

    pk: int
    translation_key: str
    language: str
    locale_id: int
    title: str
    slug: str
    search_description: str
    live_revision_id: int | None
    first_published_at: datetime | None
    last_published_at: datetime | None
    alias_of_id: int | None
    body_raw: list[dict[str, Any]]  # the body as stored: [{type, value, id}]
    translation_record: TranslationRecord | None

    def as_page(self, locales: dict[str, Locale]) -> ArticlePage:
        """An ``ArticlePage`` with this row's fields loaded and the others deferred."""
        values = self._field_values()
        if _plain_construction():
            page = _loaded_page(values)
        else:
            fields = ArticlePage._meta.concrete_fields
            concrete = [field.attname for field in fields if field.attname in values]
            page = ArticlePage.from_db(
                DEFAULT_DB_ALIAS, concrete, [values[name] for name in concrete]
            )
        locale = locales.get(self.language)
        if locale is None:
            locale = locales[self.language] = Locale(pk=self.locale_id, language_code=self.language)
        page.locale = locale
        return page

    def _field_values(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "page_ptr_id": self.pk,
            "translation_key": self.translation_key,
            "locale_id": self.locale_id,
            "title": self.title,
            "slug": self.slug,
            "search_description": self.search_description,
            "live_revision_id": self.live_revision_id,
            "first_published_at": self.first_published_at,
            "last_published_at": self.last_published_at,
            "alias_of_id": self.alias_of_id,
            "body": ArticlePage._meta.get_field("body").to_python(self.body_raw),
        }


def _plain_construction() -> bool:
    """Whether a page can be built without ``Model.__init__``: nothing listens to its signals.

    ``from_db`` runs the model's constructor, which goes over each of the page's 40 fields
    (setting the deferred ones aside) for every page a rebuild hands the gates: 2 to 4% of a
    full export. What it leaves is the row's values and a ``_state``; built here, so is the
    page. A model with an init listener (an image field, say) is built by its constructor.
    """
    return not (pre_init.has_listeners(ArticlePage) or post_init.has_listeners(ArticlePage))


def _loaded_page(values: dict[str, Any]) -> ArticlePage:
    """What ``ArticlePage.from_db`` returns for ``values`` (the fields not in it deferred)."""
    page = ArticlePage.__new__(ArticlePage)
    state = page._state = ModelState()
    state.adding, state.db = False, DEFAULT_DB_ALIAS
    page.__dict__.update(values)
    return page


@dataclass
class ArticleGroup:
    """The visible pages of one article, by language code."""

    translation_key: str
    pages: dict[str, PageContent] = field(default_factory=dict)


def iter_article_batches(
    visibility: Visibility,
    languages: Iterable[str],
    batch_size: int,
    keys: Collection[str] | None = None,
    key_range: tuple[str | None, str | None] = (None, None),
) -> Iterator[list[ArticleGroup]]:
    """Yield lists of about ``batch_size`` pages, never splitting a translation group.

    ``keys`` limits the query to those translation keys (an incremental run), ``key_range`` to
    the keys from its first (included) to its second (excluded), None being open-ended (one
    worker process's share of a rebuild). Groups arrive in translation-key order.
    """
    wanted = set(languages)
    # Languages are picked below, not in SQL: filtering by locale makes databases sort the
    # bodies, where translation-key order can come straight from the (key, locale) index.
    where, params = sql.visible("p", visibility.now, visibility.restricted_paths)
    if keys is not None:
        listed, key_params = sql.in_list("p.translation_key", map(sql.uuid_param, sorted(keys)))
        where, params = f"{where} AND {listed}", params + key_params
    low, high = key_range
    if low is not None:
        where, params = f"{where} AND p.translation_key >= %s", [*params, sql.uuid_param(low)]
    if high is not None:
        where, params = f"{where} AND p.translation_key < %s", [*params, sql.uuid_param(high)]
    query = _RowsQuery(where, params)
    batch: list[ArticleGroup] = []
    size = 0
    if sql.connection().vendor == "sqlite":
        stream = _in_pages(query, ROWS_PER_FETCH)
    elif keys is not None and len(keys) * len(wanted) <= ROWS_PER_FETCH:
        # A few articles (an incremental run): one round trip, not a server-side cursor's
        # three (declare, fetch, close).
        stream = iter(sql.fetch_all(*query.sql(), prepared=True))
    else:
        stream = sql.stream(*query.sql(), ROWS_PER_FETCH)
    for key, members in groupby(stream, key=lambda row: row[1]):
        group = ArticleGroup(canonical_key(key))
        for row in members:
            if row[2] in wanted:
                page = _content(row, group.translation_key)
                group.pages[page.language] = page
        if not group.pages:
            continue
        batch.append(group)
        size += len(group.pages)
        if size >= batch_size:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


@dataclass(frozen=True)
class _RowsQuery:
    """The query for the rows of the articles to render (``COLUMNS``), in translation-key order.

    Written out rather than built by the ORM, which took longer to build it than the database
    to run it (``sql.py``).
    """

    where: str
    params: list[Any]

    def sql(self, start: str | None = None, limit: int | None = None) -> tuple[str, list[Any]]:
        """The query, from translation key ``start`` on, ``limit`` rows at most."""
        where, params = self.where, list(self.params)
        if start is not None:
            where += " AND p.translation_key >= %s"
            params.append(sql.uuid_param(start))
        query = (
            f"SELECT {', '.join(COLUMNS)} {_ROWS_FROM} WHERE {where}"
            " ORDER BY p.translation_key, p.locale_id"
        )
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        return query, params

    def page(self, start: str | None, limit: int) -> list[tuple]:
        return sql.fetch_all(*self.sql(start, limit))


def _in_pages(query: _RowsQuery, page_size: int) -> Iterator[tuple]:
    """The rows of ``query`` (ordered by translation key), one query per ``page_size`` rows.

    SQLite keeps a read transaction open on a connection for as long as a query is being read,
    and a connection in a read transaction cannot write once another connection has: a gate
    that records its verdicts (the compliance gate) would fail with "database is locked" while
    another process (an export worker, the task worker) writes too. Read page by page, the
    gates run between two queries. A page ends before its last translation key, whose rows
    start the next page, so no group is split.
    """
    start = None
    more = True
    while more:
        page = query.page(start, page_size)
        more = len(page) == page_size
        if more:
            last = page[-1][1]
            held_back = len(page)
            while held_back and page[held_back - 1][1] == last:
                held_back -= 1
            if not held_back:  # one group fills the page: take a bigger one
                page_size *= 2
                continue
            del page[held_back:]  # read again, whole, by the next query
            start = canonical_key(last)
        # Handed over one by one and let go of: a body is held once, decoded, not twice.
        page.reverse()
        while page:
            yield page.pop()


def _content(row: tuple, key: str) -> PageContent:
    """A ``PageContent`` from a row of ``COLUMNS``."""
    pk, _key, language, locale_id = row[:4]
    body_text, record_id, complete, translated, total, source_revision, source_live = row[11:]
    record = None
    if record_id is not None:
        record = TranslationRecord(
            complete=complete,
            # The translation reflects the source only if it was built from the source's live
            # revision; a source that is no longer live makes every translation stale.
            up_to_date=source_live is not None and source_revision == source_live,
            translated=translated,
            total=total,
        )
    title, slug, description, live_revision_id, first_published, last_published, alias = row[4:11]
    return PageContent(
        pk,
        key,
        language,
        locale_id,
        title,
        slug,
        description,
        live_revision_id,
        sql.aware(first_published),
        sql.aware(last_published),
        alias,
        _decode_body(body_text),
        record,
    )


def _decode_body(text: str | None) -> list[dict[str, Any]]:
    """The stored body's children, as ``StreamField`` would read them (bad JSON: empty)."""
    try:
        children = orjson.loads(text) if text else []
    except orjson.JSONDecodeError:
        try:  # what orjson refuses and json takes (NaN, huge integers, lone surrogates)
            children = json.loads(text)
        except ValueError:
            return []
    # As StreamBlock.to_python: the JSON representation is a list of dicts (it looks at the
    # first); anything else is not a stream Wagtail would read from the database.
    if isinstance(children, list) and (not children or isinstance(children[0], dict)):
        return children
    return []
