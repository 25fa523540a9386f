"""JSON Schemas (2020-12) of every export document: article, index, manifest, journal.

The article's ``blocks`` are described by walking ``ArticleBodyBlock`` (see ``block_schema``),
so the schema follows the block definitions; the rest restates the document builders' shape.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

from cms.articles.blocks import ArticleBodyBlock

from .block_schema import BlockSchemas, ref
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
        "title": "Translation",
        "type": "object",
        "description": "Where the text comes from. up_to_date: built from the source's live "
        "revision (null: translated by hand, freshness unknown).",
        "required": ["status", "source_locale", "up_to_date", "update_pending"],
        "additionalProperties": False,
        "properties": {
            "status": ref("TranslationStatus"),
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
        "title": "Fallback",
        "type": "object",
        "description": "This locale has no complete translation and the document carries the "
        "source locale's text instead.",
        "required": ["from_locale", "reason"],
        "additionalProperties": False,
        "properties": {
            "from_locale": {"type": "string"},
            "reason": ref("FallbackReason"),
        },
    }


def _status_definitions() -> dict[str, Any]:
    return {
        "Translation": _translation_schema(),
        "TranslationStatus": {
            "title": "TranslationStatus",
            "enum": ["source", "translated", "fallback"],
        },
        "Fallback": _fallback_schema(),
        "FallbackReason": {"title": "FallbackReason", "enum": ["missing", "incomplete"]},
    }


FALLBACK_OR_NULL = {
    "description": "null, or what this document falls back to.",
    "anyOf": [ref("Fallback"), {"type": "null"}],
}


def article_schema(channel: Channel) -> dict[str, Any]:
    """One article in one locale: ``<locale>/articles/<slug>.json``."""
    body = ArticleBodyBlock()
    walker = BlockSchemas(channel.rich_text)
    children = [
        (name, walker.stream_child(name, child))
        for name, child in body.child_blocks.items()
        if name in channel.block_types
    ]
    blocks_schema: dict[str, Any] = {
        "type": "array",
        "description": "The article body in the Wagtail API v2 shape: {type, value, id}.",
        "items": {"oneOf": [child_ref for _name, child_ref in children]},
    }
    refs = dict(children)
    counts = [
        {
            # The block's own type: generators see a named type, not an anonymous fragment.
            "contains": refs[name],
            **({"minContains": count["min_num"]} if count.get("min_num") is not None else {}),
            **({"maxContains": count["max_num"]} if count.get("max_num") is not None else {}),
        }
        for name, count in (body.meta.block_counts or {}).items()
        if name in refs
    ]
    if len(counts) == 1:
        # On the array itself: code generators read an allOf as a model of its own (empty).
        blocks_schema.update(counts[0])
    elif counts:
        blocks_schema["allOf"] = counts
    summary = {"type": "string"}
    if channel.requires_summary:
        summary["minLength"] = 1
    alternate = {
        "title": "Alternate",
        "type": "object",
        "description": "The same article in another locale of this channel.",
        "required": ["locale", "url", "path"],
        "additionalProperties": False,
        "properties": {
            "locale": ref("Locale"),
            "url": {"type": "string", "format": "uri"},
            "path": RELATIVE_PATH,
        },
    }
    return {
        "title": "Article",
        "description": f"One article in one locale, as channel {channel.name!r} receives it.",
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
            "locale": ref("Locale"),
            "slug": {"type": "string", "pattern": SLUG_PATTERN},
            "title": {"type": "string", "minLength": 1},
            "summary": summary,
            "url": {"type": "string", "format": "uri"},
            "alternates": {
                "type": "array",
                "description": "The same article in this channel's other locales.",
                "items": ref("Alternate"),
            },
            "first_published_at": TIMESTAMP,
            "last_published_at": OPTIONAL_TIMESTAMP,
            "revision": {"type": ["integer", "null"]},
            "translation": ref("Translation"),
            "fallback": FALLBACK_OR_NULL,
            "blocks": blocks_schema,
        },
        "$defs": {
            "Locale": _locale_schema(channel),
            "Alternate": alternate,
            **_status_definitions(),
            **walker.definitions,
        },
    }


def _locale_schema(channel: Channel) -> dict[str, Any]:
    return {"title": "Locale", "enum": list(channel.locales)}


def index_schema(channel: Channel) -> dict[str, Any]:
    """Every article of one locale: ``<locale>/index.json``."""
    entry = {
        "title": "IndexEntry",
        "type": "object",
        "description": "One article of the locale; sha256 is its document's.",
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
            "translation": ref("Translation"),
            "fallback": FALLBACK_OR_NULL,
        },
    }
    return {
        "title": "LocaleIndex",
        "description": f"Every article of one locale of channel {channel.name!r}.",
        "type": "object",
        "required": ["schema_version", "channel", "locale", "articles"],
        "additionalProperties": False,
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "channel": {"const": channel.name},
            "locale": ref("Locale"),
            "articles": {
                "type": "array",
                "description": "Sorted by slug.",
                "items": ref("IndexEntry"),
            },
        },
        "$defs": {
            "Locale": _locale_schema(channel),
            "IndexEntry": entry,
            **_status_definitions(),
        },
    }


def manifest_schema(channel: Channel) -> dict[str, Any]:
    """The channel's table of contents: ``manifest.json``."""
    return {
        "title": "Manifest",
        "description": f"The table of contents of channel {channel.name!r}'s export.",
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
            "locales": {"type": "array", "items": ref("Locale")},
            "files": {
                "type": "object",
                "description": "Every file of the export except manifest.json itself, by path.",
                "propertyNames": RELATIVE_PATH,
                "additionalProperties": ref("ManifestFile"),
            },
        },
        "$defs": {
            "Locale": _locale_schema(channel),
            "ManifestFile": {
                "title": "ManifestFile",
                "type": "object",
                "required": ["sha256", "size"],
                "additionalProperties": False,
                "properties": {"sha256": SHA256, "size": {"type": "integer", "minimum": 0}},
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
        "title": "UpsertEntry",
        "type": "object",
        "description": "The document at path is new or changed.",
        "required": ["sequence", "action", "path", "id", "locale", "slug", "sha256", "at"],
        "additionalProperties": False,
        "properties": {**common, "action": {"const": "upsert"}, "sha256": SHA256},
    }
    delete = {
        "title": "DeleteEntry",
        "type": "object",
        "description": "A tombstone: the document at path is gone.",
        "required": ["sequence", "action", "path", "id", "locale", "slug", "at"],
        "additionalProperties": False,
        "properties": {**common, "action": {"const": "delete"}},
    }
    return {
        "title": "ChangeJournal",
        "description": f"The change journal of channel {channel.name!r} (changes.json), and "
        "the delta feed's answer.",
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
                "items": {"oneOf": [ref("UpsertEntry"), ref("DeleteEntry")]},
            },
        },
        "$defs": {"UpsertEntry": upsert, "DeleteEntry": delete},
    }
