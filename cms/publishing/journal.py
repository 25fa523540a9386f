"""The change journal (``changes.json``): upserts and tombstones with sequence numbers.

Kept in the database (``JournalEntry``) and published as a file with every export. Every entry
has its own sequence number, strictly increasing across runs. Compacted on every run: only the
latest entry per path is kept (replaying the entries after a cursor still reaches the current
state), tombstones older than the retention period are dropped, and past ``max_entries`` the
oldest entries too. Each drop raises ``compacted_through``; a cursor below it may have missed
a change, so the client pulls ``index.json`` again.

Why a cap: upserts never expire, so without one the journal would hold an entry for every
document ever published and be as large as the indexes; every poll downloads it.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from .documents import SCHEMA_VERSION, timestamp
from .errors import ExportError
from .models import JournalEntry
from .serialize import dump_json

DEFAULT_JOURNAL_MAX_ENTRIES = 1000
UPSERT = "upsert"
DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Change:
    """One article document written or removed by a run."""

    action: str  # UPSERT or DELETE
    path: str
    id: str
    locale: str
    slug: str
    sha256: str = ""


@dataclass(frozen=True)
class Compaction:
    """How much history the journal keeps (``EXPORT_TOMBSTONE_RETENTION_DAYS``,
    ``EXPORT_JOURNAL_MAX_ENTRIES``)."""

    retention: timedelta
    max_entries: int


def journal_compaction() -> Compaction:
    """The configured compaction; ``ExportError`` naming the setting if it is not usable."""
    days = settings.EXPORT_TOMBSTONE_RETENTION_DAYS
    limit = getattr(settings, "EXPORT_JOURNAL_MAX_ENTRIES", DEFAULT_JOURNAL_MAX_ENTRIES)
    if type(limit) is not int or limit < 1:
        raise ExportError(
            f"settings.EXPORT_JOURNAL_MAX_ENTRIES must be a whole number of at least 1, not "
            f"{limit!r}"
        )
    if type(days) not in (int, float) or days < 0:
        raise ExportError(
            f"settings.EXPORT_TOMBSTONE_RETENTION_DAYS must be a non-negative number, not {days!r}"
        )
    return Compaction(timedelta(days=days), limit)


def record_changes(
    channel: str,
    changes: list[Change],
    first_sequence: int,
    now: datetime,
    compacted_through: int,
    compaction: Compaction,
) -> int:
    """Append ``changes`` (numbered from ``first_sequence``) and compact; returns the new
    ``compacted_through``. Runs inside the run's transaction."""
    at = timestamp(now)
    ordered = sorted(changes, key=lambda change: (change.path, change.action))
    entries = JournalEntry.objects.filter(channel=channel)
    # Only the latest entry per path is kept.
    paths = [change.path for change in ordered]
    for start in range(0, len(paths), 500):
        entries.filter(path__in=paths[start : start + 500]).delete()
    JournalEntry.objects.bulk_create(
        [
            JournalEntry(
                channel=channel,
                sequence=first_sequence + offset,
                action=change.action,
                path=change.path,
                translation_key=change.id,
                locale=change.locale,
                slug=change.slug,
                sha256=change.sha256 if change.action == UPSERT else "",
                at=at,
            )
            for offset, change in enumerate(ordered)
        ],
        batch_size=500,
    )
    expired = entries.filter(action=DELETE, at__lt=timestamp(now - compaction.retention))
    last = expired.order_by("-sequence").values_list("sequence", flat=True).first()
    if last is not None:
        compacted_through = max(compacted_through, last)
        expired.delete()
    cut = (
        entries.order_by("-sequence")
        .values_list("sequence", flat=True)[compaction.max_entries : compaction.max_entries + 1]
        .first()
    )
    if cut is not None:
        compacted_through = max(compacted_through, cut)
        entries.filter(sequence__lte=cut).delete()
    return compacted_through


def journal_document(channel: str, sequence: int, compacted_through: int) -> bytes:
    """``changes.json`` as published: the channel's entries, ascending by sequence."""
    entries = []
    for entry in JournalEntry.objects.filter(channel=channel).order_by("sequence"):
        item: dict[str, Any] = {
            "sequence": entry.sequence,
            "action": entry.action,
            "path": entry.path,
            "id": entry.translation_key,
            "locale": entry.locale,
            "slug": entry.slug,
        }
        if entry.action == UPSERT:
            item["sha256"] = entry.sha256
        item["at"] = entry.at
        entries.append(item)
    return dump_json(
        {
            "schema_version": SCHEMA_VERSION,
            "channel": channel,
            "sequence": sequence,
            "compacted_through": compacted_through,
            "entries": entries,
        }
    )


class CursorTooOld(Exception):
    """A ``since`` cursor the journal can no longer answer for."""


def entries_since(journal: dict[str, Any], since: int) -> list[dict[str, Any]]:
    """The entries after cursor ``since``; ``CursorTooOld`` if the journal cannot tell.

    A cursor below ``compacted_through`` may have missed a dropped tombstone; a cursor above
    ``sequence`` comes from an export this one does not descend from.
    """
    if since < journal["compacted_through"] or since > journal["sequence"]:
        raise CursorTooOld(since)
    entries = journal["entries"]
    sequences = [entry["sequence"] for entry in entries]
    return entries[bisect_right(sequences, since) :]
