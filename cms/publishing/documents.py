"""Render: an article's documents and index entries, as one channel receives them, as bytes.

``blocks`` mirrors the Wagtail API v2 body (``StreamBlock.get_api_representation``: a list of
``{type, value, id}``), limited to the channel's block types, with rich text in the channel's
shape (``richtext.py``). URLs come from Wagtail's routing (``pages.PageUrls``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from typing import Any

from cms.articles.models import ArticlePage

from .body import BodyRenderer
from .channels import Channel
from .pages import PageUrls, SiteFacts
from .plan import FALLBACK, Slot
from .richtext import link_resolver, linked_pages, to_html, to_text
from .serialize import dump_json

SCHEMA_VERSION = 1


@cache
def body_renderer() -> BodyRenderer:
    """The article body's block definitions, compiled once per process."""
    return BodyRenderer(ArticlePage._meta.get_field("body").stream_block)


def timestamp(value: datetime | None) -> str | None:
    """UTC, to the second, ``Z``-suffixed: the one date format of every export file."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def raw_body(page: ArticlePage) -> list[dict[str, Any]]:
    return list(page.body.raw_data)


def links_of(page: ArticlePage) -> set[int]:
    """The ids of the pages ``page``'s rich text links to."""
    found: set[int] = set()
    _walk_links(raw_body(page), found)
    return found


def _walk_links(value: Any, found: set[int]) -> None:
    if isinstance(value, str):
        if "linktype" in value:
            found |= linked_pages(value)
    elif isinstance(value, dict):
        for child in value.values():
            _walk_links(child, found)
    elif isinstance(value, list):
        for child in value:
            _walk_links(child, found)


def localized_target(facts: SiteFacts, page_id: int, language: str) -> int | None:
    """The page a link to ``page_id`` leads a reader of ``language`` to: its live translation,
    else the page itself if live, else nothing (the link is dropped, its text kept)."""
    translations = facts.translations_of(page_id)
    for page in translations:
        if page.language == language and page.visible:
            return page.id
    target = facts.by_id.get(page_id)
    return page_id if target is not None and target.visible else None


def prepare_links(facts: SiteFacts, urls: PageUrls, links: Iterable[int], languages) -> None:
    """Route every page the given links may lead to, in bulk, before rendering."""
    targets = set()
    for page_id in links:
        for language in languages:
            target = localized_target(facts, page_id, language)
            if target is not None:
                targets.add(target)
    urls.load(targets)


class Renderer:
    """Renders documents for one channel; the rendered bodies are shared between channels of
    the same rich-text shape, language and base URL through ``bodies``."""

    def __init__(
        self,
        facts: SiteFacts,
        urls: PageUrls,
        source_language: str,
        bodies: dict[tuple, list[dict[str, Any]]],
    ) -> None:
        self.facts = facts
        self.urls = urls
        self.source_language = source_language
        self.bodies = bodies

    def url(self, page: ArticlePage, channel: Channel) -> str | None:
        path = self.urls.path(page)
        return None if path is None else channel.base_url + path

    def document(
        self,
        slot: Slot,
        page: ArticlePage,
        channel: Channel,
        alternates: list[dict[str, str]],
    ) -> tuple[bytes, dict[str, Any]]:
        """The document's bytes, and its fields but ``blocks`` (for its index entry)."""
        fallback = None
        if slot.status == FALLBACK:
            fallback = {"from_locale": self.source_language, "reason": slot.fallback_reason}
        header = {
            "schema_version": SCHEMA_VERSION,
            "id": str(page.translation_key),
            "locale": slot.language,
            "slug": page.slug,
            "title": page.title,
            "summary": page.search_description,
            "url": self.url(page, channel),
            "alternates": alternates,
            "first_published_at": timestamp(page.first_published_at),
            "last_published_at": timestamp(page.last_published_at),
            "revision": page.live_revision_id,
            "translation": {
                "status": slot.status,
                "source_locale": self.source_language,
                "up_to_date": slot.up_to_date,
                "update_pending": slot.update_pending,
            },
            "fallback": fallback,
        }
        blocks = self.blocks(page, channel, slot.language)
        return dump_json({**header, "blocks": blocks}), header

    def blocks(self, page: ArticlePage, channel: Channel, language: str) -> list[dict[str, Any]]:
        key = (page.id, channel.rich_text, language, channel.base_url)
        rendered = self.bodies.get(key)
        if rendered is None:
            body = body_renderer()
            rendered = body.blocks(raw_body(page), self._rich_text(channel, language), body.types)
            self.bodies[key] = rendered
        taken = channel.block_types
        return [block for block in rendered if block["type"] in taken]

    def _rich_text(self, channel: Channel, language: str):
        facts, urls, base_url = self.facts, self.urls, channel.base_url

        def page_url(page_id: int) -> str | None:
            target = localized_target(facts, page_id, language)
            path = None if target is None else urls.known(target)
            return None if path is None else base_url + path

        resolve = link_resolver(page_url, base_url)
        convert = to_html if channel.rich_text == "html" else to_text
        return lambda source: convert(source, resolve)


def index_entry(header: dict[str, Any], path: str, sha256: str) -> dict[str, Any]:
    """One line of a locale's ``index.json``: enough to list and to decide what to fetch."""
    return {
        "id": header["id"],
        "slug": header["slug"],
        "title": header["title"],
        "summary": header["summary"],
        "url": header["url"],
        "path": path,
        "sha256": sha256,
        "last_published_at": header["last_published_at"],
        "revision": header["revision"],
        "translation": header["translation"],
        "fallback": header["fallback"],
    }
