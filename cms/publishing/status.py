"""What the export did with each article, for the admin (a status panel) and for monitoring.

Plain functions over ``ExportedDocument`` and ``ChannelState``; nothing here reads storage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from wagtail.models import Page

from .models import ChannelState, ExportedDocument


@dataclass(frozen=True)
class DocumentState:
    """One article in one locale of one channel, as the last run left it."""

    channel: str
    locale: str
    translation_key: str
    page_id: int | None  # the page whose content the document carries (the source, for a fallback)
    path: str
    sha256: str  # "" when nothing is published at ``path``
    sequence: int
    state: str  # "live", "withheld" or "failed"
    reason: str  # why it is withheld or failed; "" when live
    updated_at: datetime
    revision: int | None = None  # the live revision the published document was built from
    fallback: bool = False  # the document carries the source text in place of a translation


def _state_of(row: ExportedDocument) -> DocumentState:
    entry = json.loads(row.entry) if row.entry else {}
    return DocumentState(
        row.channel,
        row.locale,
        row.translation_key,
        row.page_id,
        row.path,
        row.sha256,
        row.sequence,
        row.state,
        row.reason,
        row.updated_at,
        revision=entry.get("revision"),
        fallback=bool(entry.get("fallback")),
    )


def document_states(page: Page) -> list[DocumentState]:
    """Every channel's document of ``page``'s article (all its locales), by channel and locale."""
    rows = ExportedDocument.objects.filter(translation_key=str(page.translation_key))
    return [_state_of(row) for row in rows.order_by("channel", "locale")]


def withheld_documents(channel: str | None = None) -> list[DocumentState]:
    """Every withheld or failed document (of ``channel``, or of all), for an editors' list."""
    rows = ExportedDocument.objects.exclude(state=ExportedDocument.LIVE)
    if channel:
        rows = rows.filter(channel=channel)
    return [_state_of(row) for row in rows.order_by("channel", "locale", "path")]


def last_run_at(channel: str | None = None) -> datetime | None:
    """When an export last finished for ``channel`` (or for any channel): the worker's
    heartbeat. Set by every successful run, whether or not it published anything."""
    states = ChannelState.objects.exclude(last_run_at=None)
    if channel:
        states = states.filter(channel=channel)
    latest = states.order_by("-last_run_at").values_list("last_run_at", flat=True).first()
    return latest


def published_at(channel: str) -> tuple[int, datetime | None]:
    """The channel's current sequence number and when it was published."""
    state = ChannelState.objects.filter(channel=channel).first()
    if state is None:
        return 0, None
    return state.published_sequence, state.published_at
