"""Editing published indexes, manifests and journals as bytes gives what encoding them would."""

import json
import random

import pytest

from cms.publishing.serialize import dump_json, encode_json
from cms.publishing.splice import (
    INDEX,
    MEMBERS,
    JournalEntries,
    SortedEntries,
    SortedRegion,
    manifest_member,
    region,
)


def index_file(slugs):
    entries = [{"id": f"k-{slug}", "slug": slug, "title": '}{"id":"', "n": 1} for slug in slugs]
    return dump_json({"schema_version": 1, "locale": "ko", "articles": entries})


def entry(slug, title="new"):
    return encode_json({"id": f"k-{slug}", "slug": slug, "title": title, "n": 2})


def edited_index(data, edits):
    low, high = region(data, b'"articles":[', b"]}\n")
    entries = SortedRegion(INDEX, data, low, high)
    for slug, new in edits.items():
        entries.set(slug.encode(), new)
    return b"".join([data[:low], *entries.render(), data[high:]])


@pytest.mark.parametrize("seed", range(40))
def test_random_edits_of_an_index_equal_encoding_the_edited_list(seed):
    rng = random.Random(seed)
    slugs = sorted({f"s{rng.randrange(50)}" for _ in range(rng.randrange(0, 12))})
    data = index_file(slugs)  # titles hold what looks like an entry start, escaped
    expected = dict.fromkeys(slugs)
    edits = {}
    for _ in range(rng.randrange(1, 6)):
        slug = f"s{rng.randrange(50)}"
        edits[slug] = None if rng.random() < 0.4 else entry(slug)
    result = json.loads(edited_index(data, edits))["articles"]
    for slug, new in edits.items():
        if new is None:
            expected.pop(slug, None)
        else:
            expected[slug] = json.loads(new)
    original = {item["slug"]: item for item in json.loads(data)["articles"]}
    want = [original[slug] if new is None else new for slug, new in sorted(expected.items())]
    assert result == want


def test_a_manifest_member_is_found_and_replaced_in_place():
    members = [manifest_member(f"ko/articles/{slug}.json", "a" * 64, 10) for slug in "abc"]
    data = b'{"files":{' + SortedEntries(MEMBERS, members).render() + b"}}\n"
    low, high = region(data, b'"files":{', b"}}\n")
    files = SortedRegion(MEMBERS, data, low, high)
    assert files.get(b"ko/articles/b.json") == members[1]
    assert files.get(b"ko/articles/bb.json") is None
    files.set(b"ko/articles/b.json", manifest_member("ko/articles/b.json", "b" * 64, 11))
    files.set(b"ko/articles/a-z.json", manifest_member("ko/articles/a-z.json", "c" * 64, 12))
    result = json.loads(b'{"files":{' + b"".join(files.render()) + b"}}")["files"]
    assert list(result) == sorted(result) and len(result) == 4
    assert result["ko/articles/b.json"] == {"sha256": "b" * 64, "size": 11}


def journal(entries):
    return dump_json({"schema_version": 1, "sequence": 9, "entries": entries})


@pytest.mark.parametrize("count", [6, 40])  # a few paths are searched, many are one pass
def test_journal_entries_for_paths_are_cut_and_tombstones_found(count):
    entries = [
        {"sequence": n, "action": "delete" if n % 3 == 0 else "upsert", "path": f"p{n}.json",
         "at": f"2025-{n // 28 + 1:02d}-{n % 28 + 1:02d}T00:00:00Z"}
        for n in range(1, count + 1)
    ]  # fmt: skip
    data = journal(entries)
    low, high = region(data, b'"entries":[', b"]}\n")
    journal_entries = JournalEntries(data, low, high)
    dropped = [f"p{n}.json" for n in range(1, count + 1, 2)]
    journal_entries.drop_paths(dropped)
    deletes = [entry for entry in entries if entry["action"] == "delete"]
    tombstones = journal_entries.tombstones(before="9999")
    assert [sequence for sequence, _at, _bounds in tombstones] == [
        entry["sequence"] for entry in deletes
    ]
    # Only those older than the cutoff, found without reading past the first recent one.
    expired = journal_entries.tombstones(before=deletes[1]["at"])
    assert [sequence for sequence, _at, _bounds in expired] == [deletes[0]["sequence"]]
    journal_entries.append(b'{"sequence":99}')
    result = json.loads(b"[" + b"".join(journal_entries.render()) + b"]")
    kept = [entry for entry in entries if entry["path"] not in dropped]
    assert result == [*kept, {"sequence": 99}]


@pytest.mark.parametrize("count", [0, 1, 7, 40])
def test_tombstones_are_those_older_than_the_cutoff_wherever_it_falls(count):
    entries = [
        {"sequence": n, "action": "delete" if n % 2 else "upsert", "path": f"p{n}.json",
         "at": f"2025-01-{n // 2 + 1:02d}T00:00:00Z"}
        for n in range(1, count + 1)
    ]  # fmt: skip
    data = journal(entries)
    low, high = region(data, b'"entries":[', b"]}\n")
    cutoffs = ["0000", "9999", *(entry["at"] for entry in entries), "2025-01-01T12:00:00Z"]
    for cutoff in cutoffs:
        found = JournalEntries(data, low, high).tombstones(before=cutoff)
        expected = [e["sequence"] for e in entries if e["action"] == "delete" and e["at"] < cutoff]
        assert [sequence for sequence, _at, _bounds in found] == expected
