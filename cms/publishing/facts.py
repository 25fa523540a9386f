"""What an exported document is built from, per page, so an incremental run finds what changed.

One line of text per visible page (of any type: links may point at any page), computed by the
database: translation key, id, type, locale, URL path, live revision, publication dates, alias,
and the translation record with its source's live revision. A document is rebuilt when a line of
its translation group changed (published, unpublished, moved, renamed, expired, made private,
re-translated) or when a group its rich text links to changed. Publishing through Wagtail
always creates a new live revision, so content edits show up here without reading any body;
edits that bypass Wagtail (raw SQL, ``QuerySet.update`` of a body) need ``--full``.
"""

from __future__ import annotations

from dataclasses import dataclass

from collections.abc import Iterable
from typing import Any

from django.db import connections
from django.db.models import CharField, F, Func, TextField, Value
from django.db.models.functions import Cast, Coalesce
from wagtail.models import Page

from cms.articles.models import ArticlePage

from .directory import Visibility, canonical_key

FIELDS = (
    "id",
    "content_type_id",
    "locale__language_code",
    "url_path",
    "live_revision_id",
    "first_published_at",
    "last_published_at",
    "alias_of_id",
    "applied_translation__complete",
    "applied_translation__translated",
    "applied_translation__total",
    "applied_translation__source_revision_id",
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


def load_facts(visibility: Visibility) -> str:
    """The facts of every visible page, one line each, in a stable order (one query)."""
    facts = (
        Page.objects.filter(visibility.filter())
        .annotate(_fact=TabJoined("translation_key", *(F(name) for name in FIELDS)))
        .order_by("id")
        .values_list("_fact", flat=True)
    )
    # Read through a plain cursor: one text column needs none of the ORM's per-row work,
    # which would cost more than the query itself.
    sql, params = facts.query.sql_with_params()
    with connections[facts.db].cursor() as cursor:
        cursor.execute(sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@dataclass(frozen=True)
class FactChanges:
    """Pages whose facts differ between two snapshots: their keys, ids and slugs."""

    keys: frozenset[str]
    page_ids: frozenset[int]
    slugs: frozenset[str]


def compare_facts(old: str, new: str) -> FactChanges:
    """What changed between two ``load_facts`` results (appeared, vanished or altered pages)."""
    if old == new:
        return FactChanges(frozenset(), frozenset(), frozenset())
    differing = set(old.split("\n")) ^ set(new.split("\n"))
    differing.discard("")
    keys, ids, slugs = set(), set(), set()
    for line in differing:
        key, page_id, _type, _language, url_path, _rest = line.split("\t", 5)
        keys.add(canonical_key(key))
        ids.add(int(page_id))
        slugs.add(url_path.rstrip("/").rsplit("/", 1)[-1])
    return FactChanges(frozenset(keys), frozenset(ids), frozenset(slugs))


def colliding_keys(visibility: Visibility, languages: Iterable[str], slugs: Iterable[str]) -> set[str]:
    """Translation keys of the articles that share one of ``slugs`` with another (one query).

    Two articles with one slug compete for a path in some locale; which one gets it depends on
    both, so an incremental run renders all of them when one of them changed. Only the slugs of
    changed pages can start a collision; ending one is remembered by the loser's skip record.
    """
    slugs = sorted(set(slugs))
    if not slugs:
        return set()
    rows = (
        ArticlePage.objects.filter(visibility.filter())
        .filter(locale__language_code__in=sorted(set(languages)), slug__in=slugs)
        .values_list("slug", Cast("translation_key", output_field=CharField()))
        .order_by()
    )
    keys_by_slug: dict[str, set[str]] = {}
    for slug, key in rows:
        keys_by_slug.setdefault(slug, set()).add(canonical_key(key))
    return {key for keys in keys_by_slug.values() if len(keys) > 1 for key in keys}
