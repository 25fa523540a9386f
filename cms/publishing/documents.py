"""Article documents and index entries: a page, as one channel receives it, as plain data.

``blocks`` mirrors the Wagtail API v2 body (``StreamBlock.get_api_representation``: a list of
``{type, value, id}``, struct values as objects, list blocks as arrays) with two differences:
the channel's block types only, and rich text in the channel's delivery shape.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from wagtail import blocks

from cms.articles.models import ArticlePage

from .channels import Channel
from .directory import PageDirectory
from .plan import FALLBACK, PlannedDocument
from .richtext import LinkResolver, link_resolver, to_html, to_text

SCHEMA_VERSION = 1


def timestamp(value: datetime | None) -> str | None:
    """UTC, to the second, ``Z``-suffixed: the one date format of every export file."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def article_document(
    document: PlannedDocument,
    channel: Channel,
    directory: PageDirectory,
    alternates: list[dict[str, str]],
    source_language: str,
) -> dict[str, Any]:
    """The JSON-ready document of one planned article (schema: ``schema/article.schema.json``)."""
    page = document.page
    fallback = None
    if document.status == FALLBACK:
        fallback = {"from_locale": source_language, "reason": document.fallback_reason}
    resolve = link_resolver(
        lambda page_id: directory.localized_link(page_id, document.language, channel.base_url),
        channel.base_url,
    )
    return {
        "schema_version": SCHEMA_VERSION,
        "id": document.translation_key,
        "locale": document.language,
        "slug": page.slug,
        "title": page.title,
        "summary": page.search_description,
        "url": directory.absolute_url(page.pk, channel.base_url),
        "alternates": alternates,
        "first_published_at": timestamp(page.first_published_at),
        "last_published_at": timestamp(page.last_published_at),
        "revision": page.live_revision_id,
        "translation": {
            "status": document.status,
            "source_locale": source_language,
            "up_to_date": document.up_to_date,
        },
        "fallback": fallback,
        "blocks": body_blocks(page, channel, resolve),
    }


def alternate(document: PlannedDocument, channel: Channel, directory: PageDirectory) -> dict:
    """How other locales' documents point at this one."""
    return {
        "locale": document.language,
        "url": directory.absolute_url(document.page.pk, channel.base_url),
        "path": document.path,
    }


def index_entry(article: dict[str, Any], path: str, sha256: str) -> dict[str, Any]:
    """One line of a locale's ``index.json``: enough to list and to decide what to fetch."""
    return {
        "id": article["id"],
        "slug": article["slug"],
        "title": article["title"],
        "summary": article["summary"],
        "url": article["url"],
        "path": path,
        "sha256": sha256,
        "last_published_at": article["last_published_at"],
        "revision": article["revision"],
        "translation": article["translation"],
        "fallback": article["fallback"],
    }


def body_blocks(page: ArticlePage, channel: Channel, resolve: LinkResolver) -> list[dict]:
    """The page body as the API v2 shape, restricted to the channel's block types."""
    render = to_html if channel.rich_text == "html" else to_text
    taken = set(channel.block_types)
    return [
        {
            "type": child.block_type,
            "value": _api_value(child.block, child.value, render, resolve),
            "id": child.id,
        }
        for child in page.body
        if child.block_type in taken
    ]


def _api_value(block: blocks.Block, value: Any, render, resolve: LinkResolver) -> Any:
    """``block.get_api_representation(value)``, except that rich text goes through ``render``."""
    if isinstance(block, blocks.RichTextBlock):
        return render(value.source if value is not None else "", resolve)
    if isinstance(block, blocks.StructBlock):
        return {
            name: _api_value(block.child_blocks[name], child, render, resolve)
            for name, child in value.items()
        }
    if isinstance(block, blocks.ListBlock):
        return [_api_value(block.child_block, item, render, resolve) for item in value]
    if isinstance(block, blocks.StreamBlock):
        return [
            {
                "type": c.block_type,
                "value": _api_value(c.block, c.value, render, resolve),
                "id": c.id,
            }
            for c in value
        ]
    return block.get_api_representation(value)
