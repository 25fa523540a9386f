"""Edit the big JSON files of an export (indexes, manifest, journal) without parsing them.

An incremental run changes a few entries of files that list every article. Decoding and
re-encoding those files would cost more than everything else the run does, so they are edited
as bytes. Compact JSON written by ``serialize.dump_json`` has a fixed shape, and the text between
two entries (``},{"id":"`` in an index, ``},"`` between manifest members, ``},{"sequence":`` in
the journal) cannot occur inside a string value, where every quote is escaped: searching for it
finds entry boundaries, and sorted entries are found by bisecting byte offsets.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from .serialize import encode_json

Key = Callable[[bytes, int], bytes]  # the sort key of the entry starting at an offset
# A file's content as pieces to write one after the other: untouched runs of a published file
# are memoryviews into it, so an edit copies only what it changes.
Chunks = list[bytes | memoryview]


def separated(pieces: list[bytes | memoryview], separator: bytes = b",") -> Chunks:
    """``pieces`` with ``separator`` between them, as chunks (no copy)."""
    chunks: Chunks = []
    for piece in pieces:
        if len(piece):
            if chunks:
                chunks.append(separator)
            chunks.append(piece)
    return chunks


def size_of(content: bytes | Chunks | BinaryIO) -> int:
    if isinstance(content, bytes):
        return len(content)
    if isinstance(content, list):
        return sum(len(chunk) for chunk in content)
    return os.fstat(content.fileno()).st_size


@dataclass(frozen=True)
class Shape:
    """How the entries of one kind of list look: what starts and ends each, and its sort key."""

    start: bytes
    end: bytes
    key: Key

    @property
    def separator(self) -> bytes:
        return self.end + b"," + self.start


def _slug_at(data: bytes, offset: int) -> bytes:
    start = data.index(b'"slug":"', offset) + 8
    return data[start : data.index(b'"', start)]


def _path_at(data: bytes, offset: int) -> bytes:
    return data[offset + 1 : data.index(b'"', offset + 1)]


INDEX = Shape(b'{"id":"', b"}", _slug_at)  # an index's "articles", sorted by slug
MEMBERS = Shape(b'"', b"}", _path_at)  # a manifest's "files" members, sorted by path


class SortedEntries:
    """Entries built from scratch (a rebuild): sorted once, joined once."""

    def __init__(self, shape: Shape, entries: list[bytes]) -> None:
        self.shape = shape
        self.entries = sorted(entries, key=lambda entry: shape.key(entry, 0))
        self._keys = [shape.key(entry, 0) for entry in self.entries]

    def get(self, key: bytes) -> bytes | None:
        index = bisect_left(self._keys, key)
        return self.entries[index] if index < len(self._keys) and self._keys[index] == key else None

    def set(self, key: bytes, entry: bytes | None) -> None:
        """Replace, add (``entry``) or remove (``None``) the entry with ``key``."""
        index = bisect_left(self._keys, key)
        found = index < len(self._keys) and self._keys[index] == key
        if entry is None:
            if found:
                del self.entries[index], self._keys[index]
        elif found:
            self.entries[index] = entry
        else:
            self.entries.insert(index, entry)
            self._keys.insert(index, key)

    def all_keys(self) -> list[bytes]:
        return list(self._keys)

    def render(self) -> bytes:
        return b",".join(self.entries)


class SortedRegion:
    """The sorted entries of a published file, edited in place (an incremental run).

    ``data[low:high]`` holds the entries separated by commas. Lookups bisect byte offsets;
    ``set`` records an edit, and ``render`` copies the untouched runs of entries around them.
    """

    def __init__(self, shape: Shape, data: bytes, low: int, high: int) -> None:
        self.shape = shape
        self.data = data
        self.low = low
        self.high = high
        self.edits: dict[bytes, bytes | None] = {}

    def _start_from(self, offset: int) -> int | None:
        """The start of the first entry at or after ``offset``."""
        if offset <= self.low:
            return self.low if self.low < self.high else None
        gap = len(self.shape.end) + 1
        found = self.data.find(self.shape.separator, offset - gap, self.high)
        return None if found < 0 else found + gap

    def _end(self, start: int) -> int:
        found = self.data.find(self.shape.separator, start, self.high)
        return self.high if found < 0 else found + len(self.shape.end)

    def _find(self, key: bytes) -> tuple[int, bool]:
        """Where the entry with ``key`` starts (or would), and whether it is there."""
        low, high = self.low, self.high
        while low < high:
            middle = (low + high) // 2
            start = self._start_from(middle)
            if start is None or self.shape.key(self.data, start) >= key:
                high = middle
            else:
                low = middle + 1
        start = self._start_from(low)
        if start is None:
            return self.high, False
        return start, self.shape.key(self.data, start) == key

    def get(self, key: bytes) -> bytes | None:
        """The entry with ``key`` as it is now (edits included), or None."""
        if key in self.edits:
            return self.edits[key]
        start, found = self._find(key)
        return self.data[start : self._end(start)] if found else None

    def set(self, key: bytes, entry: bytes | None) -> None:
        """Replace, add (``entry``) or remove (``None``) the entry with ``key``."""
        self.edits[key] = entry

    def all_keys(self) -> list[bytes]:
        """Every key, edits included (reads every entry: for the rare runs that need all)."""
        keys, start = set(), self._start_from(self.low)
        while start is not None and start < self.high:
            keys.add(self.shape.key(self.data, start))
            start = self._start_from(self._end(start) + 1)
        keys.update(key for key, entry in self.edits.items() if entry is not None)
        keys.difference_update(key for key, entry in self.edits.items() if entry is None)
        return sorted(keys)

    def render(self) -> Chunks:
        """The entries with the edits applied, comma-separated."""
        operations = []
        for key, entry in self.edits.items():
            start, found = self._find(key)
            operations.append((start, self._end(start) if found else start, key, entry))
        operations.sort()
        pieces, cursor = [], self.low
        for start, end, _key, entry in operations:
            if start > cursor:
                pieces.append(_without_commas(self.data, cursor, start))
            if entry is not None:
                pieces.append(entry)
            cursor = max(cursor, end)
        if cursor < self.high:
            pieces.append(_without_commas(self.data, cursor, self.high))
        return separated(pieces)


def region(data: bytes, opening: bytes, closing: bytes) -> tuple[int, int]:
    """The offsets of what lies between ``opening`` (first occurrence) and the file's end.

    A compact document of ours always ends with the same text (``]}\\n``, ``}}\\n``).
    """
    if not data.endswith(closing):
        raise ValueError("unexpected end of file")
    return data.index(opening) + len(opening), len(data) - len(closing)


def manifest_member(path: str, sha256: str, size: int) -> bytes:
    """One member of a manifest's ``files``: ``"<path>":{"sha256":"…","size":…}``."""
    return encode_json(path) + f':{{"sha256":"{sha256}","size":{size}}}'.encode()


_SIZE = re.compile(rb'"size":(\d+)')


def member_file(member: bytes) -> tuple[str, int]:
    """``(sha256, size)`` of a manifest member."""
    start = member.index(b'"sha256":"') + 10
    return member[start : start + 64].decode(), int(_SIZE.search(member, start)[1])


class JournalEntries:
    """The journal's entries in sequence order, cut and appended in place."""

    START = b'{"sequence":'
    SEPARATOR = b"}," + START

    def __init__(self, data: bytes, low: int, high: int) -> None:
        self.data = data
        self.low = low
        self.high = high
        self.cuts: list[tuple[int, int]] = []
        self.appended: list[bytes] = []

    def _bounds(self, position: int) -> tuple[int, int]:
        start = self.data.rfind(self.START, self.low, position)
        end = self.data.find(self.SEPARATOR, position, self.high)
        return start, (self.high if end < 0 else end + 1)

    def drop_paths(self, paths: list[str]) -> None:
        """Remove the entries for ``paths`` (compaction keeps only the latest per path)."""
        if len(paths) <= 32:
            for path in paths:  # a few: search for each
                marker = b'"path":' + encode_json(path) + b","
                # From the end: a path has one entry, and the paths changed again are mostly
                # those changed lately.
                position = self.data.rfind(marker, self.low, self.high)
                if position >= 0:
                    self.cuts.append(self._bounds(position))
            return
        wanted = {encode_json(path) for path in paths}  # many: one pass over every entry
        marker, start = b'"path":', self.low
        while start < self.high:
            end = self.data.find(self.SEPARATOR, start, self.high)
            end = self.high if end < 0 else end + 1
            at = self.data.find(marker, start, end) + len(marker)
            if self.data[at : self.data.index(b'",', at) + 1] in wanted:
                self.cuts.append((start, end))
            start = end + 1

    def tombstones(self, before: str) -> list[tuple[int, str, tuple[int, int]]]:
        """``(sequence, at, bounds)`` of the delete entries older than ``before``.

        Entries are in sequence order, which is the order of their times: the search stops
        at the first tombstone that is recent enough, so a run reads only the expired ones.
        (Were a clock to go back, a tombstone would be kept longer than asked, never dropped
        early.)
        """
        found, position = [], self.low
        marker = b'"action":"delete"'
        # Only the entries older than ``before`` can hold one: they come first, and where
        # they end is found by bisecting, not by reading every entry.
        older = self._first_at_or_after(before.encode())
        while (position := self.data.find(marker, position, older)) >= 0:
            start, end = self._bounds(position)
            entry = self.data[start:end]
            at_start = entry.index(b'"at":"') + 6
            at = entry[at_start : entry.index(b'"', at_start)].decode()
            if at >= before:
                break
            sequence = int(entry[len(self.START) : entry.index(b",")])
            found.append((sequence, at, (start, end)))
            position = end
        return found

    def _first_at_or_after(self, moment: bytes) -> int:
        """Where the first entry made at or after ``moment`` starts (the end if none).

        Entries are in sequence order, which is the order of their times (see ``tombstones``).
        """
        low, high = self.low, self.high
        while low < high:
            middle = (low + high) // 2
            start = self._start_from(middle)
            if start is None or self._at(start) >= moment:
                high = middle
            else:
                low = middle + 1
        start = self._start_from(low)
        return self.high if start is None else start

    def _start_from(self, offset: int) -> int | None:
        """The start of the first entry at or after ``offset``."""
        if offset <= self.low:
            return self.low if self.low < self.high else None
        found = self.data.find(self.SEPARATOR, offset - 2, self.high)  # "}," then the entry
        return None if found < 0 else found + 2

    def _at(self, start: int) -> bytes:
        """The ``at`` of the entry starting at ``start`` (no string value holds ``"at":"``)."""
        at = self.data.index(b'"at":"', start) + 6
        return self.data[at : self.data.index(b'"', at)]

    def cut(self, bounds: tuple[int, int]) -> None:
        self.cuts.append(bounds)

    def count(self) -> int:
        """How many of the journal's entries are left (those appended not counted)."""
        return self.data.count(self.START, self.low, self.high) - len(set(self.cuts))

    def cut_oldest(self, count: int) -> list[int]:
        """Cut the ``count`` oldest entries left; return their sequence numbers.

        Entries are in sequence order: these are the first ones not cut already.
        """
        cut, sequences, start = set(self.cuts), [], self.low
        while len(sequences) < count and start < self.high:
            end = self.data.find(self.SEPARATOR, start, self.high)
            end = self.high if end < 0 else end + 1
            if (start, end) not in cut:
                self.cuts.append((start, end))
                number = self.data[start + len(self.START) : self.data.index(b",", start)]
                sequences.append(int(number))
            start = end + 1
        return sequences

    def append(self, entry: bytes) -> None:
        self.appended.append(entry)

    def render(self) -> Chunks:
        pieces, position = [], self.low
        for start, end in sorted(set(self.cuts)):
            if start > position:
                pieces.append(_without_commas(self.data, position, start))
            position = max(position, end)
        if position < self.high:
            pieces.append(_without_commas(self.data, position, self.high))
        return separated(pieces + self.appended)


def _without_commas(data: bytes, start: int, end: int) -> memoryview:
    """``data[start:end]`` without the separating commas at its ends, not copied."""
    while start < end and data[start] == 44:  # ","
        start += 1
    while end > start and data[end - 1] == 44:
        end -= 1
    return memoryview(data)[start:end]
