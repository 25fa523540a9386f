"""The change journal (``changes.json``): upserts and tombstones with sequence numbers.

Every entry gets its own sequence number, strictly increasing across runs (and across a wiped
export folder, through ``ChannelState``). Every published tree has a sequence number above all
before it. The journal is compacted on every run: only the latest entry per path is kept (a
client replaying entries after its cursor still reaches the current state), tombstones older
than the retention period are dropped, and past ``Compaction.max_entries`` the oldest entries
are dropped too. Each raises ``compacted_through``; a cursor below it may have missed a change,
so the client must pull ``index.json`` again.

Why a cap: upserts never expire, so without one the journal would hold an entry for every
document ever published (the first export journals them all) and be as large as the indexes.
Every poll downloads it and every run rewrites it; a client thousands of changes behind is
better served by the index, which it can compare with what it has by hash.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .documents import SCHEMA_VERSION, timestamp
from .serialize import encode_json
from .splice import Chunks, JournalEntries, region

# A client further behind than this many changes pulls index.json again (see Compaction).
DEFAULT_JOURNAL_MAX_ENTRIES = 1000
UPSERT = "upsert"
DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Change:
    """One article document written or removed by this run."""

    action: str  # UPSERT or DELETE
    path: str
    id: str
    locale: str
    slug: str
    sha256: str | None = None

    def entry(self, sequence: int, at: str) -> dict[str, Any]:
        entry = {
            "sequence": sequence,
            "action": self.action,
            "path": self.path,
            "id": self.id,
            "locale": self.locale,
            "slug": self.slug,
        }
        if self.action == UPSERT:
            entry["sha256"] = self.sha256
        entry["at"] = at
        return entry


@dataclass(frozen=True)
class Compaction:
    """How much history the journal keeps (settings ``EXPORT_TOMBSTONE_RETENTION_DAYS`` and
    ``EXPORT_JOURNAL_MAX_ENTRIES``)."""

    retention: timedelta  # tombstones older than this are dropped
    max_entries: int  # past this many entries, the oldest are dropped


class CursorTooOld(Exception):
    """A ``since`` cursor the journal can no longer answer for."""


def next_journal(
    channel: str,
    previous: dict[str, Any] | None,
    floor: int,
    changes: list[Change],
    now: datetime,
    compaction: Compaction,
) -> dict[str, Any]:
    """The journal after this run: the previous one, these changes appended, compacted.

    ``floor`` is the highest sequence ever published for the channel (``ChannelState``). The
    returned ``sequence`` is the new tree's number: above the previous tree's and the floor,
    even when no article changed (a schema change, a ``--full`` rebuild).
    """
    entries = list(previous["entries"]) if previous else []
    previous_sequence = int(previous["sequence"]) if previous else 0
    compacted_through = int(previous["compacted_through"]) if previous else 0
    if floor > previous_sequence:
        # The folder is older than what channels may have seen (lost or restored from a
        # backup): no cursor from before this point can be answered reliably.
        compacted_through = floor
    start = max(previous_sequence, floor)
    at = timestamp(now)
    ordered = sorted(changes, key=lambda change: (change.path, change.action))
    entries.extend(change.entry(start + offset, at) for offset, change in enumerate(ordered, 1))
    entries, compacted_through = compact(entries, compacted_through, now, compaction)
    return {
        "schema_version": SCHEMA_VERSION,
        "channel": channel,
        "sequence": start + max(1, len(ordered)),
        "compacted_through": compacted_through,
        "entries": entries,
    }


def encode_journal(journal: dict[str, Any]) -> bytes:
    """``changes.json`` as published."""
    return encode_json(journal) + b"\n"


def splice_journal(
    channel: str,
    previous: bytes,
    floor: int,
    changes: list[Change],
    now: datetime,
    compaction: Compaction,
    always: bool = False,
) -> tuple[Chunks, bool]:
    """``next_journal`` on the published journal's bytes: its encoding, and whether it changed.

    The entries for the changed paths and the expired tombstones are cut out of the previous
    file and the new entries appended, without decoding the others (nor holding them as
    objects: a journal has an entry per document). Without changes, and unless ``always``,
    there is no new journal to encode.
    """
    low, high = region(previous, b'"entries":[', b"]}\n")
    header = json.loads(previous[:low] + b"]}")
    previous_sequence = int(header["sequence"])
    compacted_through = int(header["compacted_through"])
    if floor > previous_sequence:
        compacted_through = floor
    start = max(previous_sequence, floor)
    at = timestamp(now)
    entries = JournalEntries(previous, low, high)
    ordered = sorted(changes, key=lambda change: (change.path, change.action))
    entries.drop_paths([change.path for change in ordered])
    superseded = set(entries.cuts)
    cutoff = timestamp(now - compaction.retention)
    for sequence, _at, bounds in entries.tombstones(before=cutoff):
        if bounds not in superseded:
            entries.cut(bounds)
            compacted_through = max(compacted_through, sequence)
    new = [encode_json(change.entry(start + n, at)) for n, change in enumerate(ordered, 1)]
    excess = entries.count() + len(new) - compaction.max_entries
    if excess > 0:
        for sequence in entries.cut_oldest(excess):
            compacted_through = max(compacted_through, sequence)
        excess = max(0, len(new) - compaction.max_entries)
        if excess:  # this run alone changed more: its own oldest entries go too
            compacted_through = max(compacted_through, start + excess)
            new = new[excess:]
    changed = bool(ordered or entries.cuts) or (
        compacted_through != int(header["compacted_through"])
    )
    if not changed and not always:
        return [], False  # nothing to publish: the caller keeps the current journal
    for entry in new:
        entries.append(entry)
    head = {
        "schema_version": SCHEMA_VERSION,
        "channel": channel,
        "sequence": start + max(1, len(ordered)),
        "compacted_through": compacted_through,
        "entries": [],
    }
    return [encode_json(head)[:-2], *entries.render(), b"]}\n"], changed


def compact(
    entries: list[dict[str, Any]], compacted_through: int, now: datetime, compaction: Compaction
) -> tuple[list[dict[str, Any]], int]:
    """Keep the latest entry per path; drop expired tombstones, then the oldest entries past
    the limit. Returns the entries kept and the new ``compacted_through``."""
    latest: dict[str, dict[str, Any]] = {}
    for entry in entries:
        latest[entry["path"]] = entry  # entries are in sequence order: later wins
    cutoff = timestamp(now - compaction.retention)
    kept = []
    for entry in sorted(latest.values(), key=lambda entry: entry["sequence"]):
        if entry["action"] == DELETE and entry["at"] < cutoff:
            compacted_through = max(compacted_through, entry["sequence"])
        else:
            kept.append(entry)
    excess = len(kept) - compaction.max_entries
    if excess > 0:
        compacted_through = max(compacted_through, kept[excess - 1]["sequence"])
        kept = kept[excess:]
    return kept, compacted_through


def same_history(a: dict[str, Any] | None, b: dict[str, Any]) -> bool:
    """Whether two journals hold the same entries and floor (sequence aside)."""
    return (
        a is not None
        and a.get("entries") == b["entries"]
        and a.get("compacted_through") == b["compacted_through"]
    )


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
