"""Article documents and index entries: a page, as one channel receives it, as JSON bytes.

``blocks`` mirrors the Wagtail API v2 body (``StreamBlock.get_api_representation``: a list of
``{type, value, id}``, struct values as objects, list blocks as arrays) with two differences:
the channel's block types only, and rich text in the channel's delivery shape.

A page's body is rendered once per rich-text shape, language and base URL (its links depend on
them), and encoded once per set of block types: channels that share them (``web`` and
``partner`` both take HTML) share the work.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any

from cms.articles.models import ArticlePage

from .batches import PageContent
from .body import BodyRenderer
from .channels import Channel
from .directory import PageDirectory
from .plan import FALLBACK, PlannedDocument
from .richtext import link_resolver, to_html, to_text
from .serialize import encode_json

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


class GroupRenderer:
    """Renders the documents of one translation group, for any number of channels.

    ``linked`` collects the ids of the pages the group's rich text links to: their URLs are part
    of the documents, so an incremental run rebuilds the group when one of them changes.
    """

    def __init__(self, directory: PageDirectory, source_language: str) -> None:
        self.directory = directory
        self.source_language = source_language
        self.linked: set[int] = set()
        self._blocks: dict[tuple[int, str, str, str], list[dict[str, Any]]] = {}
        self._encoded: dict[tuple[int, str, str, str, tuple[str, ...]], bytes] = {}
        self._times: dict[int, tuple[str | None, str | None]] = {}

    def document(
        self, document: PlannedDocument, channel: Channel, alternates: list[dict[str, str]]
    ) -> tuple[bytes, dict[str, Any]]:
        """The document's bytes and its fields but ``blocks`` (for the index entry)."""
        header = self.header(document, channel, alternates)
        blocks = self.blocks(document.page, channel, document.language)
        data = b"".join((encode_json(header)[:-1], b',"blocks":', blocks, b"}\n"))
        return data, header

    def header(
        self, document: PlannedDocument, channel: Channel, alternates: list[dict[str, str]]
    ) -> dict[str, Any]:
        """Every field of the document (``schema/article.schema.json``) but ``blocks``."""
        page = document.page
        fallback = None
        if document.status == FALLBACK:
            fallback = {"from_locale": self.source_language, "reason": document.fallback_reason}
        times = self._times.get(page.pk)
        if times is None:
            times = (timestamp(page.first_published_at), timestamp(page.last_published_at))
            self._times[page.pk] = times
        return {
            "schema_version": SCHEMA_VERSION,
            "id": document.translation_key,
            "locale": document.language,
            "slug": page.slug,
            "title": page.title,
            "summary": page.search_description,
            "url": self.directory.absolute_url(page.pk, channel.base_url),
            "alternates": alternates,
            "first_published_at": times[0],
            "last_published_at": times[1],
            "revision": page.live_revision_id,
            "translation": {
                "status": document.status,
                "source_locale": self.source_language,
                "up_to_date": document.up_to_date,
            },
            "fallback": fallback,
        }

    def blocks(self, page: PageContent, channel: Channel, language: str) -> bytes:
        """The encoded body blocks (a JSON array) of ``page`` for ``channel``, in ``language``."""
        rendered_key = (page.pk, channel.rich_text, language, channel.base_url)
        encoded_key = (*rendered_key, channel.block_types)
        encoded = self._encoded.get(encoded_key)
        if encoded is None:
            rendered = self._blocks.get(rendered_key)
            if rendered is None:
                render = self._rich_text(channel.rich_text, language, channel.base_url)
                body = body_renderer()
                rendered = self._blocks[rendered_key] = body.blocks(
                    page.body_raw, render, body.types
                )
            taken = channel.block_types
            encoded = self._encoded[encoded_key] = encode_json(
                [block for block in rendered if block["type"] in taken]
            )
        return encoded

    def _rich_text(self, shape: str, language: str, base_url: str) -> Callable[[str], Any]:
        directory, linked = self.directory, self.linked

        def page_url(page_id: int) -> str | None:
            linked.add(page_id)
            return directory.localized_link(page_id, language, base_url)

        resolve = link_resolver(page_url, base_url)
        convert = to_html if shape == "html" else to_text
        return lambda source: convert(source, resolve)


def alternate(document: PlannedDocument, channel: Channel, directory: PageDirectory) -> dict:
    """How other locales' documents point at this one."""
    return {
        "locale": document.language,
        "url": directory.absolute_url(document.page.pk, channel.base_url),
        "path": document.path,
    }


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
