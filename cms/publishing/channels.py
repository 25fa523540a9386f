"""Channel configuration: which locales, blocks and rich-text shape each channel takes.

Channels are data (``settings.EXPORT_CHANNELS_FILE``, JSON), not code. The file is validated
against a JSON Schema built here from the block definitions and the content languages, so a typo
is reported with the file name and the field path before anything is exported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator

from cms.articles.blocks import ArticleBodyBlock
from cms.delivery.config import WEBHOOKS_SCHEMA

from .errors import ChannelConfigError

# Channel names become folder names and URL segments: keep them boring and never hidden.
CHANNEL_NAME_PATTERN = r"^[a-z][a-z0-9_-]{0,39}$"
RICH_TEXT_FORMATS = ("html", "text")
TRANSLATION_POLICIES = ("skip", "fallback")
REQUIRABLE_FIELDS = ("summary", "ad_review")


@dataclass(frozen=True)
class Channel:
    """One customer of the exports, as configured."""

    name: str
    description: str
    locales: tuple[str, ...]
    block_types: tuple[str, ...]
    rich_text: str  # "html" or "text"
    incomplete_translations: str  # "skip" or "fallback"
    required: tuple[str, ...]
    base_url: str

    @property
    def requires_summary(self) -> bool:
        return "summary" in self.required

    @property
    def required_blocks(self) -> tuple[str, ...]:
        return tuple(name for name in self.required if name not in REQUIRABLE_FIELDS)


def body_block_types() -> list[str]:
    """The block type names of an article body, in their declared order."""
    return list(ArticleBodyBlock().child_blocks)


def content_languages() -> list[str]:
    return [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]


def config_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) a channel configuration file must satisfy."""
    block_types = body_block_types()
    channel = {
        "type": "object",
        "required": ["locales", "block_types", "rich_text", "incomplete_translations"],
        "additionalProperties": False,
        "properties": {
            "description": {"type": "string"},
            "locales": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"enum": content_languages()},
            },
            "block_types": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"enum": block_types},
            },
            "rich_text": {"enum": list(RICH_TEXT_FORMATS)},
            "incomplete_translations": {"enum": list(TRANSLATION_POLICIES)},
            "required": {
                "type": "array",
                "uniqueItems": True,
                "items": {"enum": [*REQUIRABLE_FIELDS, *block_types]},
            },
            "base_url": {"type": "string", "pattern": r"^https?://[^/?#\s]+(/[^?#\s]*)?$"},
            # Read by cms.delivery (webhooks after each published run), checked here too.
            "webhooks": WEBHOOKS_SCHEMA,
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["channels"],
        "additionalProperties": False,
        "properties": {
            "channels": {
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"pattern": CHANNEL_NAME_PATTERN},
                "additionalProperties": channel,
            }
        },
    }


def load_channels(path: Path | str | None = None) -> dict[str, Channel]:
    """Read and validate the channel configuration; raise ``ChannelConfigError`` if it is bad.

    ``path`` defaults to ``settings.EXPORT_CHANNELS_FILE``. Channels keep the file's order.
    """
    path = Path(path or settings.EXPORT_CHANNELS_FILE)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ChannelConfigError(f"{path}: cannot read the channel configuration: {exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ChannelConfigError(
            f"{path}:{line}:{column}: not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file "
            "as UTF-8"
        ) from exc
    data = _validated(str(path), text)
    base_url = settings.WAGTAILADMIN_BASE_URL
    return {
        name: Channel(
            name=name,
            description=spec.get("description", ""),
            locales=tuple(spec["locales"]),
            block_types=tuple(spec["block_types"]),
            rich_text=spec["rich_text"],
            incomplete_translations=spec["incomplete_translations"],
            required=tuple(spec.get("required", ())),
            base_url=spec.get("base_url", base_url).rstrip("/"),
        )
        for name, spec in data["channels"].items()
    }


@lru_cache(maxsize=8)
def _validated(path: str, text: str) -> dict[str, Any]:
    """The configuration in ``text``, checked; remembered, as the task worker exports often.

    Only valid text is remembered (an error is raised again each time). The result is shared:
    read it, never change it.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ChannelConfigError(
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
        ) from exc
    errors = sorted(
        Draft202012Validator(config_schema()).iter_errors(data),
        key=lambda error: [str(part) for part in error.absolute_path],
    )
    problems = [(field_path(error.absolute_path), error.message) for error in errors]
    if not problems:
        problems = _cross_field_problems(data)
    if problems:
        lines = [f"{path}: {where or '(top level)'}: {message}" for where, message in problems]
        raise ChannelConfigError("invalid channel configuration:\n  " + "\n  ".join(lines))
    return data


def _cross_field_problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Rules JSON Schema cannot say: a required block must be one the channel takes."""
    problems = []
    for name, spec in data["channels"].items():
        for index, required in enumerate(spec.get("required", ())):
            if required not in REQUIRABLE_FIELDS and required not in spec["block_types"]:
                problems.append(
                    (
                        f"channels.{name}.required[{index}]",
                        f"{required!r} is required but not in this channel's block_types",
                    )
                )
    return problems


def field_path(parts) -> str:
    """``channels.web.locales[1]`` from a jsonschema error path."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
