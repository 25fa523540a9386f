"""What an exported document is built from, per page, so an incremental run finds what changed.

One line of text per visible page (of any type: links may point at any page), computed by the
database: translation key, id, type, locale, URL path, live revision, publication dates, alias,
and the translation record with its source's live revision. A document is rebuilt when a line of
its translation group changed (published, unpublished, moved, renamed, expired, made private,
re-translated) or when a group its rich text links to changed. Publishing through Wagtail
always creates a new live revision, so content edits show up here without reading any body;
edits that bypass Wagtail (raw SQL, ``QuerySet.update`` of a body) need ``--full``. An
incremental run reads only the lines of the pages noted as changed (``changes.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import CharField, Count, F, Func, Q, TextField, Value
from django.db.models.functions import Cast, Coalesce
from wagtail.models import Page

from cms.articles.models import ArticlePage

from .directory import Visibility, canonical_key

FIELDS = (
    "id",
    "content_type_id",
    "locale_id",
    "url_path",
    "live_revision_id",
    "first_published_at",
    "last_published_at",
    "alias_of_id",
    "applied_translation__complete",
    "applied_translation__translated",
    "applied_translation__total",
    "applied_translation__source_revision_id",
    # Whether a translation is up to date depends on its source's live revision, also when the
    # source itself is not visible (and so has no line of its own).
    "applied_translation__source_page__live_revision_id",
)


class TabJoined(Func):
    """Expressions as text, tab-separated, NULL as nothing.

    Flat SQL: Django's ``Concat`` nests one level per argument, too deep for SQLite's parser
    with this many columns.
    """

    template = "(%(expressions)s)"
    output_field = TextField()

    def __init__(self, *expressions: Any) -> None:
        super().__init__(
            *(Coalesce(Cast(e, output_field=TextField()), Value("")) for e in expressions)
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, arg_joiner=" || char(9) || ", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, arg_joiner=" || chr(9) || ", **extra_context)


def load_facts(
    visibility: Visibility,
    keys: Iterable[str] | None = None,
    groups_of: Iterable[int] | None = None,
) -> str:
    """The facts of every visible page, one line each, in a stable order (one query).

    ``keys`` and ``groups_of`` limit them to those translation groups and to the groups the
    pages of those ids belong to now (``changes.refresh_facts``).
    """
    pages = Page.objects.filter(visibility.filter())
    if keys is not None or groups_of is not None:
        # One IN over a subquery, not two INs ORed: PostgreSQL plans the OR as a scan of
        # every page, the subquery as two index lookups.
        groups = Page.objects.filter(
            Q(id__in=sorted(groups_of or ())) | Q(translation_key__in=sorted(keys or ()))
        ).values("translation_key")
        pages = pages.filter(translation_key__in=groups)
    facts = (
        pages.annotate(_fact=TabJoined("translation_key", *(F(name) for name in FIELDS)))
        .order_by("id")
        .values_list("_fact", flat=True)
    )
    # Read through a plain cursor: one text column needs none of the ORM's per-row work,
    # which would cost more than the query itself.
    sql, params = facts.query.sql_with_params()
    lines: list[str] = []
    with connections[facts.db].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(2000):
            lines.extend(row[0] for row in rows)
    return "\n".join(lines)


@dataclass(frozen=True)
class FactChanges:
    """Pages whose facts differ between two snapshots: their translation keys and ids."""

    keys: frozenset[str]
    page_ids: frozenset[int]


def compare_facts(old: str, new: str) -> FactChanges:
    """What changed between two ``load_facts`` results (appeared, vanished or altered pages)."""
    if old == new:
        return FactChanges(frozenset(), frozenset())
    old_lines, new_lines = old.split("\n"), new.split("\n")
    if len(old_lines) == len(new_lines):
        # The usual case, pages changed but none appeared or vanished: lines in id order.
        differing = {a for a, b in zip(old_lines, new_lines, strict=True) if a != b}
        differing |= {b for a, b in zip(old_lines, new_lines, strict=True) if a != b}
    else:
        differing = set(old_lines) ^ set(new_lines)
    return changes_in_lines(differing)


def changes_in_lines(differing: Iterable[str]) -> FactChanges:
    """The pages of facts lines found in one snapshot and not the other."""
    keys, ids = set(), set()
    for line in differing:
        if not line:
            continue
        key, page_id, _rest = line.split("\t", 2)
        keys.add(canonical_key(key))
        ids.add(int(page_id))
    return FactChanges(frozenset(keys), frozenset(ids))


def colliding_keys(
    visibility: Visibility, languages: Iterable[str], keys: Iterable[str]
) -> set[str]:
    """``keys`` and the articles that share a slug with one of them, and so on (a query a step).

    Two articles with one slug compete for a path in some locale (a fallback document takes
    the source's slug); which one gets it depends on both, so an incremental run renders all
    of them, in order, when it renders one. Usually one step finds nothing more.
    """
    articles = ArticlePage.objects.filter(visibility.filter()).filter(
        locale__language_code__in=sorted(set(languages))
    )
    known = set(keys)
    frontier = set(known)
    while frontier:
        slugs = articles.filter(translation_key__in=sorted(frontier)).values("slug")
        rows = (
            articles.filter(slug__in=slugs)
            .values_list("slug", Cast("translation_key", output_field=CharField()))
            .order_by()
        )
        keys_by_slug: dict[str, set[str]] = {}
        for slug, key in rows:
            keys_by_slug.setdefault(slug, set()).add(canonical_key(key))
        shared = {key for group in keys_by_slug.values() if len(group) > 1 for key in group}
        frontier = shared - known
        known |= shared
    return known


def contested_slugs(visibility: Visibility, languages: Iterable[str]) -> set[str]:
    """The slugs that several articles have (one query).

    Only their paths can be claimed twice: a rebuild keeps track of who owns those, not of
    every path.
    """
    return set(
        ArticlePage.objects.filter(visibility.filter())
        .filter(locale__language_code__in=sorted(set(languages)))
        .order_by()
        .values("slug")
        .annotate(articles=Count("translation_key", distinct=True))
        .filter(articles__gt=1)
        .values_list("slug", flat=True)
    )


def contested_keys(visibility: Visibility, languages: Iterable[str], slugs: set[str]) -> set[str]:
    """The translation keys of the articles with one of ``slugs`` (one query; none for none)."""
    if not slugs:
        return set()
    rows = (
        ArticlePage.objects.filter(visibility.filter())
        .filter(locale__language_code__in=sorted(set(languages)), slug__in=sorted(slugs))
        .order_by()
        .values_list(Cast("translation_key", output_field=CharField()), flat=True)
        .distinct()
    )
    return {canonical_key(key) for key in rows}
