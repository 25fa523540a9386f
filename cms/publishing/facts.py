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

from django.db.models import CharField, Count
from django.db.models.functions import Cast

from cms.articles.models import ArticlePage

from . import sql
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


# Each field's column, under the aliases of ``_FACTS_FROM``: the page (p), its translation
# record (t) and the record's source page (s).
_FACT_COLUMNS = (
    "p.translation_key",
    "p.id",
    "p.content_type_id",
    "p.locale_id",
    "p.url_path",
    "p.live_revision_id",
    "p.first_published_at",
    "p.last_published_at",
    "p.alias_of_id",
    "t.complete",
    "t.translated",
    "t.total",
    "t.source_revision_id",
    "s.live_revision_id",
)
_FACTS_FROM = (
    "FROM wagtailcore_page p"
    " LEFT OUTER JOIN translation_appliedtranslation t ON p.id = t.page_id"
    " LEFT OUTER JOIN wagtailcore_page s ON t.source_page_id = s.id"
)


def load_facts(
    visibility: Visibility,
    keys: Iterable[str] | None = None,
    groups_of: Iterable[int] | None = None,
) -> str:
    """The facts of every visible page, one line each, in a stable order (one query).

    ``keys`` and ``groups_of`` limit them to those translation groups and to the groups the
    pages of those ids belong to now (``changes.refresh_facts``).

    A line is the translation key and ``FIELDS``, each as the database's text (NULL as
    nothing), tab-separated: the SQL the ORM would build for it (a flat ``||`` of casts),
    written out because building it took longer than running it. The text, not the values,
    is what runs compare, so both databases' own renderings are kept as they are.
    """
    where, params = sql.visible("p", visibility.now, visibility.restricted_paths)
    if keys is not None or groups_of is not None:
        groups, group_params = sql.in_groups("p", keys or (), groups_of or ())
        where, params = f"{where} AND {groups}", params + group_params
    separator = f" || {sql.tab()} || "
    fact = separator.join(f"COALESCE(CAST({column} AS text), '')" for column in _FACT_COLUMNS)
    query = f"SELECT {fact} {_FACTS_FROM} WHERE {where} ORDER BY p.id"
    if keys is not None or groups_of is not None:  # a few groups (an incremental run)
        return "\n".join(line for (line,) in sql.fetch_all(query, params, prepared=True))
    lines: list[str] = []
    with sql.connection().cursor() as cursor:
        cursor.execute(query, params)
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
    codes = sorted(set(languages))
    known = set(keys)
    frontier = set(known)
    while frontier:
        keys_by_slug: dict[str, set[str]] = {}
        for slug, key in _articles_sharing_slugs(visibility, codes, frontier):
            keys_by_slug.setdefault(slug, set()).add(canonical_key(key))
        shared = {key for group in keys_by_slug.values() if len(group) > 1 for key in group}
        frontier = shared - known
        known |= shared
    return known


def _visible_articles(alias: str, visibility: Visibility, codes: list[str]) -> tuple[str, list]:
    """FROM and WHERE of the visible articles in languages ``codes``, pages under ``alias``."""
    where, params = sql.visible(alias, visibility.now, visibility.restricted_paths)
    in_codes, code_params = sql.in_list(f"{alias}_l.language_code", codes)
    # "+" keeps SQLite (which plans without statistics) from reading every page of the
    # locales through the locale index: the pages are found by slug or key, their locale then.
    source = (
        f"FROM wagtailcore_page {alias}"
        f" INNER JOIN articles_articlepage {alias}_a ON {alias}_a.page_ptr_id = {alias}.id"
        f" INNER JOIN wagtailcore_locale {alias}_l ON {alias}_l.id = +{alias}.locale_id"
    )
    return f"{source} WHERE {where} AND {in_codes}", params + code_params


def _articles_sharing_slugs(
    visibility: Visibility, codes: list[str], keys: set[str]
) -> list[tuple[str, str]]:
    """``(slug, translation key as text)`` of the articles with the slug of one of ``keys``."""
    outer, outer_params = _visible_articles("p", visibility, codes)
    inner, inner_params = _visible_articles("q", visibility, codes)
    in_keys, key_params = sql.in_list("q.translation_key", map(sql.uuid_param, sorted(keys)))
    query = (
        f"SELECT p.slug, CAST(p.translation_key AS text) {outer}"
        f" AND p.slug IN (SELECT q.slug {inner} AND {in_keys})"
    )
    return sql.fetch_all(query, outer_params + inner_params + key_params, prepared=True)


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
