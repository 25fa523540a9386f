"""The body of a webhook: a small summary of one published run of one channel."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from .config import ChannelTargets

EVENT_SCHEMA_VERSION = 1
PUBLISHED = "export.published"


def published_event(
    event_id: str,
    target: ChannelTargets,
    sequence: int,
    upserted: list[str],
    deleted: list[str],
) -> str:
    """The JSON body announcing that ``target``'s export reached ``sequence``.

    Paths are relative to the channel folder, sorted. A run that changed more than
    ``WEBHOOK_MAX_PATHS`` documents lists none of them and says ``truncated``: the receiver
    follows the delta feed instead, which it must be able to do anyway.
    """
    limit = settings.WEBHOOK_MAX_PATHS
    truncated = len(upserted) + len(deleted) > limit
    body: dict[str, Any] = {
        "schema_version": EVENT_SCHEMA_VERSION,
        "event": PUBLISHED,
        "id": event_id,
        "channel": target.name,
        "sequence": sequence,
        "manifest_url": f"{target.export_url}manifest.json",
        "changes_url": f"{target.export_url}changes",
        "upserted": [] if truncated else sorted(upserted),
        "deleted": [] if truncated else sorted(deleted),
        "truncated": truncated,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))
