"""Webhook endpoints from the channel configuration file (``settings.EXPORT_CHANNELS_FILE``).

A channel may list endpoints to notify after each published export::

    "webhooks": [{"url": "https://app.example/hooks/clinic", "secret_env": "APP_WEBHOOK_SECRET"}]

The secret itself never sits in the file: ``secret_env`` names the environment variable that
holds it (several secrets separated by spaces while a secret is being rotated: each one signs).
This module reads the raw file, so it does not depend on how the exporter parses the rest.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator

# The JSON Schema of a channel's "webhooks" field; the channel file's own schema embeds it.
WEBHOOKS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "description": "Endpoints POSTed a signed summary after each published export.",
    "items": {
        "type": "object",
        "required": ["url", "secret_env"],
        "additionalProperties": False,
        "properties": {
            "url": {"type": "string", "pattern": r"^https?://[^/?#\s]+(/[^#\s]*)?$"},
            "secret_env": {"type": "string", "pattern": r"^[A-Z_][A-Z0-9_]*$"},
            "description": {"type": "string"},
        },
    },
}


class WebhookConfigError(Exception):
    """The webhook part of the channel file is wrong; the message names the file and field."""


@dataclass(frozen=True)
class Endpoint:
    channel: str
    url: str
    secret_env: str
    field: str  # where it is configured, for messages: "channels.web.webhooks[0]"


@dataclass(frozen=True)
class ChannelTargets:
    """What delivery needs to know about one channel: its endpoints and public address."""

    name: str
    base_url: str
    locales: tuple[str, ...]
    endpoints: tuple[Endpoint, ...]

    @property
    def export_url(self) -> str:
        return f"{self.base_url}/exports/{self.name}/"


def load_targets(path: Path | str | None = None) -> dict[str, ChannelTargets]:
    """Every channel's endpoints, checked; raise ``WebhookConfigError`` naming file and field."""
    path = Path(path or settings.EXPORT_CHANNELS_FILE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise WebhookConfigError(f"{path}: cannot read the channel configuration: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise WebhookConfigError(
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
        ) from exc
    channels = data.get("channels") if isinstance(data, dict) else None
    if not isinstance(channels, dict):
        raise WebhookConfigError(f"{path}: channels: expected an object of channels")
    problems = []
    validator = Draft202012Validator(WEBHOOKS_SCHEMA)
    for name, spec in channels.items():
        if not isinstance(spec, dict) or "webhooks" not in spec:
            continue
        for error in validator.iter_errors(spec["webhooks"]):
            problems.append(f"{_field(name, error.absolute_path)}: {error.message}")
        if isinstance(spec["webhooks"], list):
            urls = [hook.get("url") for hook in spec["webhooks"] if isinstance(hook, dict)]
            for index, url in enumerate(urls):
                if url in urls[:index]:
                    problems.append(
                        f"channels.{name}.webhooks[{index}].url: {url!r} is listed twice"
                    )
    if problems:
        raise WebhookConfigError(
            "invalid webhook configuration:\n  " + "\n  ".join(f"{path}: {p}" for p in problems)
        )
    base_url = settings.WAGTAILADMIN_BASE_URL
    return {
        name: ChannelTargets(
            name=name,
            base_url=str(spec.get("base_url") or base_url).rstrip("/"),
            locales=tuple(spec.get("locales", ())),
            endpoints=tuple(
                Endpoint(name, hook["url"], hook["secret_env"], f"channels.{name}.webhooks[{i}]")
                for i, hook in enumerate(spec.get("webhooks", ()))
            ),
        )
        for name, spec in channels.items()
        if isinstance(spec, dict)
    }


def secrets_for(secret_env: str, field: str = "") -> list[bytes]:
    """The signing secrets in the environment variable ``secret_env``; error if there are none."""
    secrets = os.environ.get(secret_env, "").split()
    if not secrets:
        where = f" ({settings.EXPORT_CHANNELS_FILE}: {field}.secret_env)" if field else ""
        raise WebhookConfigError(f"environment variable {secret_env} is not set{where}")
    return [secret.encode() for secret in secrets]


def _field(channel: str, parts) -> str:
    text = f"channels.{channel}.webhooks"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text
