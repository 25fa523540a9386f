"""From a source page to the strings translators get: leaves, split into segments.

Reads only the page row (the published content of a live page), so extracting any number of
articles costs the one query that loads them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from cms.articles.models import ArticlePage
from cms.translation.paths import SEPARATOR, iter_leaves, unit_context
from cms.translation.richtext import RichTextDocument
from cms.translation.segments import Leaf, LeafKind, Segment, SourceArticle


def body_block():
    """The StreamBlock of ``ArticlePage.body``: the block definitions every walk follows."""
    return ArticlePage._meta.get_field("body").stream_block


def segments_for_leaf(leaf: Leaf) -> list[Segment]:
    """A plain-text leaf is one segment; rich text is one per paragraph or list item."""
    optional = "" if leaf.required else " (optional)"
    if leaf.kind is LeafKind.TEXT:
        return [
            Segment(
                leaf.path,
                leaf.value,
                leaf.path,
                leaf.required,
                leaf.description + optional,
                leaf.anchor,
            )
        ]
    return [
        Segment(
            context=unit_context(leaf.path, unit.number),
            source=unit.text,
            field=leaf.path,
            required=leaf.required,
            description=f"{leaf.description}{SEPARATOR}{unit.kind}{optional}",
            anchor=leaf.anchor,
        )
        for unit in RichTextDocument(leaf.value).units()
    ]


def page_fields(page: ArticlePage) -> dict[str, str]:
    """The page attributes that carry text, by attribute name."""
    return {
        "title": page.title,
        "seo_title": page.seo_title,
        "search_description": page.search_description,
    }


def source_article(
    *, slug: str, translation_key: str, fields: dict[str, str], body: list[dict[str, Any]]
) -> SourceArticle:
    """The catalog source of an article given as plain data (a page, or a seed file)."""
    segments: list[Segment] = []
    for leaf in iter_leaves(fields, body, body_block()):
        segments.extend(segments_for_leaf(leaf))
    return SourceArticle(slug, str(translation_key), tuple(segments))


def source_article_for_page(page: ArticlePage) -> SourceArticle:
    """The catalog source of a live source page, read from its published content."""
    return source_article(
        slug=page.slug,
        translation_key=str(page.translation_key),
        fields=page_fields(page),
        body=list(page.body.get_prep_value()),
    )


def live_source_pages(slug: str | None = None) -> QuerySet[ArticlePage]:
    """The published source-language articles (one query), optionally only ``slug``."""
    pages = ArticlePage.objects.live().filter(
        locale__language_code=settings.TRANSLATION_SOURCE_LOCALE
    )
    if slug:
        pages = pages.filter(slug=slug)
    return pages.order_by("slug")


def source_keys_by_slug() -> dict[str, str]:
    """The translation key of every published source article by slug (one query).

    Names the catalogs whose ``X-Translation-Key`` header a tool dropped.
    """
    return {
        slug: str(key) for slug, key in live_source_pages().values_list("slug", "translation_key")
    }
