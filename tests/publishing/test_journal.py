"""The change journal: compaction by path, by age and by size, spliced or built whole."""

import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from cms.publishing.journal import (
    DELETE,
    UPSERT,
    Change,
    Compaction,
    encode_journal,
    next_journal,
    splice_journal,
)
from cms.publishing.splice import JournalEntries, region

START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def change(rng: random.Random) -> Change:
    number = rng.randrange(12)
    action = rng.choice([UPSERT, UPSERT, DELETE])
    sha = f"{rng.randrange(16**8):08x}" * 8 if action == UPSERT else None
    return Change(action, f"ko/articles/a{number}.json", f"id-{number}", "ko", f"a{number}", sha)


@pytest.mark.parametrize("seed", range(12))
def test_splicing_the_published_bytes_gives_the_journal_built_whole(seed):
    """``splice_journal`` edits bytes for speed; ``next_journal`` is the plain definition."""
    rng = random.Random(seed)
    compaction = Compaction(timedelta(days=rng.choice([1, 3, 30])), rng.choice([1, 4, 9, 1000]))
    built = next_journal("web", None, 0, [change(rng) for _ in range(6)], START, compaction)
    spliced = encode_journal(built)
    for run in range(1, 10):
        now = START + timedelta(days=run)
        changes = list({c.path: c for c in (change(rng) for _ in range(rng.randrange(5)))}.values())
        floor = built["sequence"] + (5 if run == 7 else 0)  # once, a floor above the journal
        built = next_journal("web", built, floor, changes, now, compaction)
        chunks, _changed = splice_journal("web", spliced, floor, changes, now, compaction, True)
        spliced = b"".join(bytes(chunk) for chunk in chunks)
        assert json.loads(spliced) == built
        assert len(built["entries"]) <= compaction.max_entries


def entries_data(count):
    entries = [{"sequence": n, "path": f"p{n}.json", "at": "2025"} for n in range(1, count + 1)]
    data = json.dumps({"entries": entries}, separators=(",", ":")).encode() + b"\n"
    return JournalEntries(data, *region(data, b'"entries":[', b"]}\n"))


def test_the_oldest_entries_left_are_cut_past_those_cut_already():
    entries = entries_data(6)
    entries.drop_paths(["p2.json", "p5.json"])
    assert entries.count() == 4

    assert entries.cut_oldest(2) == [1, 3]

    assert entries.count() == 2
    assert json.loads(b"[" + b"".join(entries.render()) + b"]") == [
        {"sequence": 4, "path": "p4.json", "at": "2025"},
        {"sequence": 6, "path": "p6.json", "at": "2025"},
    ]
    assert entries.cut_oldest(5) == [4, 6]  # asked for more than is left: all of it
    assert entries.count() == 0
