"""Build a large benchmark corpus of articles quickly.

Creating pages through Wagtail's tree API runs at about 20 pages/s (each ``add_child`` locks
and renumbers the tree, validates, writes a revision and the reference index). A corpus of
thousands of articles is built here with a few bulk inserts instead: Korean source pages and
their English translations, each with one live revision, exactly as ``seed_demo`` and
``apply_translations`` would leave them (paths, url paths, translation keys, locales, revisions
and ``AppliedTranslation`` rows), minus the search and reference indexes, which no measured
path reads.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Page, Revision

from cms.articles.models import ArticlePage
from cms.articles.seeding import SOURCE_LANGUAGE, SeedArticle, load_seed_articles, seed_demo
from cms.home.models import HomePage
from cms.translation.models import AppliedTranslation

BENCH_NAMESPACE = uuid.UUID("3b0f2a5e-8d0c-4a55-b1e7-6f3a0d2c9e41")
BENCH_SLUG_PREFIX = "bench-"
BATCH_SIZE = 200


@dataclass(frozen=True)
class CorpusSize:
    """How many benchmark articles exist per locale."""

    articles: int
    locales: tuple[str, ...]


def _relabel_ids(value: Any, article_number: int) -> Any:
    """Give every block and list item a new uuid per article, stable across runs."""
    if isinstance(value, dict):
        relabelled = {key: _relabel_ids(child, article_number) for key, child in value.items()}
        if ("id" in value and "type" in value) or set(value) == {"id", "value"}:
            relabelled["id"] = str(uuid.uuid5(BENCH_NAMESPACE, f"{article_number}:{value['id']}"))
        return relabelled
    if isinstance(value, list):
        return [_relabel_ids(child, article_number) for child in value]
    return value


def _number_text(value: Any, article_number: int) -> Any:
    """Make each article's text distinct, so no cache or dedup flatters the measurements."""
    if isinstance(value, dict) and set(value) == {"ko", "en"}:
        return {
            "ko": value["ko"].replace("</p>", f" ({article_number})</p>", 1)
            if value["ko"]
            else value["ko"],
            "en": value["en"].replace("</p>", f" ({article_number})</p>", 1)
            if value["en"]
            else value["en"],
        }
    if isinstance(value, dict):
        return {key: _number_text(child, article_number) for key, child in value.items()}
    if isinstance(value, list):
        return [_number_text(child, article_number) for child in value]
    return value


def bench_article(template: SeedArticle, article_number: int) -> SeedArticle:
    """A seed article turned into benchmark article number ``article_number``."""
    body = _number_text(_relabel_ids(copy.deepcopy(template.body), article_number), article_number)
    return SeedArticle(
        path=template.path,
        slug=f"{BENCH_SLUG_PREFIX}{article_number:05d}",
        translation_key=str(uuid.uuid5(BENCH_NAMESPACE, f"article:{article_number}")),
        title={lang: f"{text} #{article_number}" for lang, text in template.title.items()},
        summary=template.summary,
        body=body,
    )


def existing_bench_articles() -> int:
    """How many benchmark articles the source locale already has."""
    return ArticlePage.objects.filter(
        slug__startswith=BENCH_SLUG_PREFIX, locale__language_code=SOURCE_LANGUAGE
    ).count()


def _batches(start: int, stop: int) -> Iterator[range]:
    for batch_start in range(start, stop, BATCH_SIZE):
        yield range(batch_start, min(batch_start + BATCH_SIZE, stop))


def grow_corpus(target_articles: int) -> CorpusSize:
    """Add benchmark articles (Korean source + English translation) until there are ``target``.

    Idempotent and incremental: articles that exist are kept, so a run can grow a corpus from
    1,000 to 4,000 articles without rebuilding it.
    """
    seed_demo()
    templates = load_seed_articles()
    homes = {home.locale.language_code: home for home in HomePage.objects.select_related("locale")}
    start = existing_bench_articles()
    for numbers in _batches(start, target_articles):
        with transaction.atomic():
            _insert_batch(templates, homes, numbers)
    return CorpusSize(articles=max(start, target_articles), locales=tuple(sorted(homes)))


def settle_database() -> None:
    """Leave the database as one maintained in production is after a bulk load, before paths
    are measured on it (outside a transaction: the benchmark's steps run in autocommit).

    PostgreSQL: ANALYZE gives the planner statistics of the grown tables (until autovacuum
    comes by, at a moment of its choosing, every path would run on plans made for a few rows);
    VACUUM sets the hint bits and visibility map the first readers would otherwise write; and
    CHECKPOINT writes the load's dirty pages now, not during a measured run. SQLite:
    the write-ahead log is folded into the database file and truncated. Both the API v2 and
    the export are measured on the settled database.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")  # the benchmark's role is the server's superuser
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _insert_batch(templates: list[SeedArticle], homes: dict[str, HomePage], numbers: range) -> None:
    now = timezone.now()
    articles = [bench_article(templates[n % len(templates)], n) for n in numbers]
    source_pages = _insert_pages(homes[SOURCE_LANGUAGE], articles, SOURCE_LANGUAGE, now)
    for language, home in homes.items():
        if language == SOURCE_LANGUAGE:
            continue
        target_pages = _insert_pages(home, articles, language, now)
        AppliedTranslation.objects.bulk_create(
            AppliedTranslation(
                page_id=target.pk,
                source_page_id=source.pk,
                source_revision_id=source.live_revision_id,
                catalog_path=f"locale/{language}/LC_MESSAGES/articles/{article.slug}.po",
                total=1,
                translated=1,
                complete=True,
            )
            for article, source, target in zip(articles, source_pages, target_pages, strict=True)
        )


def _insert_pages(
    home: HomePage, articles: list[SeedArticle], language: str, now
) -> list[ArticlePage]:
    """Insert one locale's pages below ``home``: tree rows, article rows, live revisions."""
    home.refresh_from_db(fields=["numchild", "path", "url_path"])
    article_type = ContentType.objects.get_for_model(ArticlePage)
    page_type = ContentType.objects.get_for_model(Page)
    pages = []
    for offset, article in enumerate(articles, start=home.numchild + 1):
        pages.append(
            ArticlePage(
                title=article.title[language],
                draft_title=article.title[language],
                slug=article.slug,
                search_description=article.summary[language],
                body=article.body_in(language),
                content_type=article_type,
                locale_id=home.locale_id,
                translation_key=article.translation_key,
                path=home.path + Page._int2str(offset).rjust(Page.steplen, "0"),
                depth=home.depth + 1,
                numchild=0,
                url_path=f"{home.url_path}{article.slug}/",
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
            )
        )
    # Multi-table inheritance: the tree rows go in through Page, the body rows through the
    # article table, both as single multi-row INSERTs.
    created = Page.objects.bulk_create([Page(**_page_fields(page)) for page in pages])
    for page, base in zip(pages, created, strict=True):
        page.pk = page.page_ptr_id = base.pk
    ArticlePage.objects._insert(
        pages,
        fields=[ArticlePage._meta.get_field("page_ptr"), ArticlePage._meta.get_field("body")],
    )
    revisions = Revision.objects.bulk_create(
        Revision(
            content_type=article_type,
            base_content_type=page_type,
            object_id=str(page.pk),
            created_at=now,
            object_str=page.title,
            content=page.serializable_data(),
        )
        for page in pages
    )
    for page, revision in zip(pages, revisions, strict=True):
        page.live_revision_id = page.latest_revision_id = revision.pk
    Page.objects.bulk_update(
        [
            Page(pk=page.pk, live_revision_id=revision.pk, latest_revision_id=revision.pk)
            for page, revision in zip(pages, revisions, strict=True)
        ],
        ["live_revision_id", "latest_revision_id"],
    )
    Page.objects.filter(pk=home.pk).update(numchild=home.numchild + len(pages))
    return pages


def _page_fields(page: ArticlePage) -> dict[str, Any]:
    return {
        field.attname: getattr(page, field.attname)
        for field in Page._meta.concrete_fields
        if field.attname != "id"
    }
