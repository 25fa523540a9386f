"""JSON Schemas (2020-12) of every export document: article, index, manifest, journal.

The article's ``blocks`` are described by walking ``ArticleBodyBlock`` (see ``block_schema``),
so the schema follows the block definitions; the rest restates the document builders' shape.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

from cms.articles.blocks import ArticleBodyBlock

from .block_schema import BlockSchemas
from .channels import Channel
from .documents import SCHEMA_VERSION

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SLUG_PATTERN = r"^[^/\\\x00]+$"
SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
TIMESTAMP = {"type": "string", "format": "date-time"}
OPTIONAL_TIMESTAMP = {"type": ["string", "null"], "format": "date-time"}
RELATIVE_PATH = {"type": "string", "pattern": r"^[^/.][^\x00\\]*$"}


def channel_schemas(channel: Channel) -> dict[str, dict[str, Any]]:
    """File name → schema, for a channel's ``schema/`` folder."""
    base = f"{channel.base_url}/exports/{channel.name}/schema/"
    # Labels and help texts are lazy translations: English, whoever runs the export.
    with translation.override("en"):
        schemas = {
            "article.schema.json": article_schema(channel),
            "index.schema.json": index_schema(channel),
            "manifest.schema.json": manifest_schema(channel),
            "changes.schema.json": changes_schema(channel),
        }
    return {
        name: {"$schema": DIALECT, "$id": base + name, **schema} for name, schema in schemas.items()
    }


def _translation_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "Where the text comes from. up_to_date: built from the source's live "
        "revision (null: translated by hand, freshness unknown).",
        "required": ["status", "source_locale", "up_to_date", "update_pending"],
        "additionalProperties": False,
        "properties": {
            "status": {"enum": ["source", "translated", "fallback"]},
            "source_locale": {"type": "string"},
            "up_to_date": {"type": ["boolean", "null"]},
            "update_pending": {
                "type": "boolean",
                "description": "A newer draft or catalog of this locale waits for review; "
                "this document is what is live.",
            },
        },
    }


def _fallback_schema() -> dict[str, Any]:
    return {
        "description": "null, or: this locale has no complete translation and the document "
        "carries the source locale's text instead.",
        "oneOf": [
            {"type": "null"},
            {
                "type": "object",
                "required": ["from_locale", "reason"],
                "additionalProperties": False,
                "properties": {
                    "from_locale": {"type": "string"},
                    "reason": {"enum": ["missing", "incomplete"]},
                },
            },
        ],
    }


def article_schema(channel: Channel) -> dict[str, Any]:
    """One article in one locale: ``<locale>/articles/<slug>.json``."""
    body = ArticleBodyBlock()
    walker = BlockSchemas(channel.rich_text)
    definitions = {
        f"block.{name}": walker.stream_child(name, child)
        for name, child in body.child_blocks.items()
        if name in channel.block_types
    }
    blocks_schema: dict[str, Any] = {
        "type": "array",
        "description": "The article body in the Wagtail API v2 shape: {type, value, id}.",
        "items": {"oneOf": [{"$ref": f"#/$defs/{name}"} for name in definitions]},
    }
    counts = [
        {
            "contains": {"properties": {"type": {"const": name}}, "required": ["type"]},
            **({"minContains": count["min_num"]} if count.get("min_num") is not None else {}),
            **({"maxContains": count["max_num"]} if count.get("max_num") is not None else {}),
        }
        for name, count in (body.meta.block_counts or {}).items()
        if name in channel.block_types
    ]
    if counts:
        blocks_schema["allOf"] = counts
    definitions.update(walker.shared_definitions())
    summary = {"type": "string"}
    if channel.requires_summary:
        summary["minLength"] = 1
    return {
        "title": f"Article ({channel.name})",
        "type": "object",
        "additionalProperties": False,
        "required": [
            "schema_version",
            "id",
            "locale",
            "slug",
            "title",
            "summary",
            "url",
            "alternates",
            "first_published_at",
            "last_published_at",
            "revision",
            "translation",
            "fallback",
            "blocks",
        ],
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "id": {
                "type": "string",
                "format": "uuid",
                "description": "The translation key: the same in every locale of the article.",
            },
            "locale": {"enum": list(channel.locales)},
            "slug": {"type": "string", "pattern": SLUG_PATTERN},
            "title": {"type": "string", "minLength": 1},
            "summary": summary,
            "url": {"type": "string", "format": "uri"},
            "alternates": {
                "type": "array",
                "description": "The same article in this channel's other locales.",
                "items": {
                    "type": "object",
                    "required": ["locale", "url", "path"],
                    "additionalProperties": False,
                    "properties": {
                        "locale": {"enum": list(channel.locales)},
                        "url": {"type": "string", "format": "uri"},
                        "path": RELATIVE_PATH,
                    },
                },
            },
            "first_published_at": TIMESTAMP,
            "last_published_at": OPTIONAL_TIMESTAMP,
            "revision": {"type": ["integer", "null"]},
            "translation": _translation_schema(),
            "fallback": _fallback_schema(),
            "blocks": blocks_schema,
        },
        "$defs": definitions,
    }


def index_schema(channel: Channel) -> dict[str, Any]:
    """Every article of one locale: ``<locale>/index.json``."""
    return {
        "title": f"Locale index ({channel.name})",
        "type": "object",
        "required": ["schema_version", "channel", "locale", "articles"],
        "additionalProperties": False,
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "channel": {"const": channel.name},
            "locale": {"enum": list(channel.locales)},
            "articles": {
                "type": "array",
                "description": "Sorted by slug.",
                "items": {
                    "type": "object",
                    "required": [
                        "id",
                        "slug",
                        "title",
                        "summary",
                        "url",
                        "path",
                        "sha256",
                        "last_published_at",
                        "revision",
                        "translation",
                        "fallback",
                    ],
                    "additionalProperties": False,
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "slug": {"type": "string", "pattern": SLUG_PATTERN},
                        "title": {"type": "string"},
                        "summary": {"type": "string"},
                        "url": {"type": "string", "format": "uri"},
                        "path": RELATIVE_PATH,
                        "sha256": SHA256,
                        "last_published_at": OPTIONAL_TIMESTAMP,
                        "revision": {"type": ["integer", "null"]},
                        "translation": _translation_schema(),
                        "fallback": _fallback_schema(),
                    },
                },
            },
        },
    }


def manifest_schema(channel: Channel) -> dict[str, Any]:
    """The channel's table of contents: ``manifest.json``."""
    return {
        "title": f"Manifest ({channel.name})",
        "type": "object",
        "required": [
            "schema_version",
            "channel",
            "sequence",
            "generated_at",
            "locales",
            "files",
        ],
        "additionalProperties": False,
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "channel": {"const": channel.name},
            "sequence": {"type": "integer", "minimum": 1},
            "generated_at": TIMESTAMP,
            "locales": {"type": "array", "items": {"enum": list(channel.locales)}},
            "files": {
                "type": "object",
                "description": "Every file of the export except manifest.json itself.",
                "propertyNames": RELATIVE_PATH,
                "additionalProperties": {
                    "type": "object",
                    "required": ["sha256", "size"],
                    "additionalProperties": False,
                    "properties": {"sha256": SHA256, "size": {"type": "integer", "minimum": 0}},
                },
            },
        },
    }


def changes_schema(channel: Channel) -> dict[str, Any]:
    """The change journal, ``changes.json``, and the ``changes?since=`` answer."""
    common = {
        "sequence": {"type": "integer", "minimum": 1},
        "path": RELATIVE_PATH,
        "id": {"type": "string", "format": "uuid"},
        "locale": {"type": "string"},
        "slug": {"type": "string"},
        "at": TIMESTAMP,
    }
    upsert = {
        "type": "object",
        "required": ["sequence", "action", "path", "id", "locale", "slug", "sha256", "at"],
        "additionalProperties": False,
        "properties": {**common, "action": {"const": "upsert"}, "sha256": SHA256},
    }
    delete = {
        "type": "object",
        "description": "A tombstone: the document at path is gone.",
        "required": ["sequence", "action", "path", "id", "locale", "slug", "at"],
        "additionalProperties": False,
        "properties": {**common, "action": {"const": "delete"}},
    }
    return {
        "title": f"Change journal ({channel.name})",
        "type": "object",
        "required": ["schema_version", "channel", "sequence", "compacted_through", "entries"],
        "additionalProperties": False,
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "channel": {"const": channel.name},
            "sequence": {"type": "integer", "minimum": 0},
            "compacted_through": {
                "type": "integer",
                "minimum": 0,
                "description": "Cursors below this are too old: pull index.json again.",
            },
            "since": {"type": "integer", "minimum": 0},
            "next": {
                "type": ["string", "null"],
                "description": "Delta feed only: the URL of the next page of entries, or null.",
            },
            "entries": {
                "type": "array",
                "description": "Ascending by sequence; only the latest entry per path.",
                "items": {"oneOf": [upsert, delete]},
            },
        },
    }
