"""Edit the big JSON files of an export (indexes, manifest, journal) without parsing them.

An incremental run changes a few entries of files that list every article. Parsing and
re-encoding those files would cost more than everything else the run does, so they are edited as
bytes: compact JSON written by ``serialize.dump_json`` has a fixed shape, and a key that starts
every entry (``{"id":"`` in an index, ``{"sequence":`` in the journal) or the end of one
(``},"`` in the manifest's ``files``) cannot occur inside a string value, where every quote is
escaped. Splitting on it gives the entries; sorted lists are then edited with bisection.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from .serialize import encode_json


class SortedEntries:
    """The entries of a JSON array or object, sorted by a key, held as their bytes.

    Each entry is stored without the separator text that surrounds it in the file (``start``
    before, ``end`` after), so a file splits into entries with one ``bytes.split`` and joins
    back with one ``bytes.join``.
    """

    def __init__(self, start: bytes, end: bytes, key: Callable[[bytes], bytes]) -> None:
        self.start = start
        self.end = end
        self.separator = end + b"," + start
        self.key = key
        self.items: list[bytes] = []
        self._keys: list[bytes] | None = None

    def load(self, region: bytes) -> SortedEntries:
        """Read the entries of ``region``, the text between the brackets (already sorted)."""
        if region:
            items = region.split(self.separator)
            items[0] = items[0][len(self.start) :]
            items[-1] = items[-1][: len(items[-1]) - len(self.end)]
            self.items = items
        return self

    def strip(self, encoded: bytes) -> bytes:
        """An entry as stored, from its full encoding."""
        return encoded[len(self.start) : len(encoded) - len(self.end)]

    def get(self, key: bytes) -> bytes | None:
        """The entry with ``key``, or None."""
        index = bisect_left(self.items, key, key=self.key)
        if index < len(self.items) and self.key(self.items[index]) == key:
            return self.items[index]
        return None

    def copy(self) -> SortedEntries:
        twin = SortedEntries(self.start, self.end, self.key)
        twin.items = list(self.items)
        return twin

    def set(self, key: bytes, item: bytes | None) -> None:
        """Replace, add (``item``) or remove (``None``) the entry with ``key``."""
        index = bisect_left(self.items, key, key=self.key)
        found = index < len(self.items) and self.key(self.items[index]) == key
        if item is None:
            if found:
                del self.items[index]
        elif found:
            self.items[index] = item
        else:
            self.items.insert(index, item)

    def render(self) -> bytes:
        if not self.items:
            return b""
        return self.start + self.separator.join(self.items) + self.end


def index_entries() -> SortedEntries:
    """An index's ``articles``: objects that start with their id, sorted by slug."""
    return SortedEntries(b'{"id":"', b"}", _slug)


def _slug(item: bytes) -> bytes:
    start = item.index(b'"slug":"') + 8
    return item[start : item.index(b'"', start)]


def manifest_files() -> SortedEntries:
    """A manifest's ``files``: ``"<path>":{"sha256":…,"size":…}`` members, sorted by path."""
    return SortedEntries(b'"', b"}", _path_member)


def _path_member(item: bytes) -> bytes:
    return item[: item.index(b'"')]


def manifest_member(path: str, sha256: str, size: int) -> bytes:
    """A manifest member as ``manifest_files`` stores it."""
    return encode_json(path)[1:] + f':{{"sha256":"{sha256}","size":{size}'.encode()


def member_file(member: bytes) -> tuple[str, int]:
    """``(sha256, size)`` of a manifest member."""
    start = member.index(b'"sha256":"') + 10
    return member[start : start + 64].decode(), int(member[member.rindex(b":") + 1 :])


def region(data: bytes, opening: bytes, closing: bytes) -> tuple[bytes, bytes, bytes]:
    """Split ``data`` into the text up to ``opening``, the region, and ``closing`` on.

    ``opening`` is the first occurrence (``"articles":[``); ``closing`` is the file's end, which
    a compact document of ours always ends with (``]}\\n``).
    """
    start = data.index(opening) + len(opening)
    if not data.endswith(closing):
        raise ValueError("unexpected end of file")
    return data[:start], data[start : len(data) - len(closing)], data[len(data) - len(closing) :]


class JournalEntries:
    """The journal's entries in sequence order, as bytes, cut and appended in place."""

    START = b'{"sequence":'
    SEPARATOR = b"}," + START

    def __init__(self, region: bytes) -> None:
        self.region = region
        self.cuts: list[tuple[int, int]] = []
        self.appended: list[bytes] = []

    def _bounds(self, position: int) -> tuple[int, int]:
        start = self.region.rfind(self.START, 0, position)
        end = self.region.find(self.SEPARATOR, position)
        return start, (len(self.region) if end < 0 else end + 1)

    def drop_path(self, path: str) -> None:
        """Remove the entry for ``path`` (compaction keeps only the latest per path)."""
        marker = b'"path":' + encode_json(path) + b","
        position = self.region.find(marker)
        if position >= 0:
            self.cuts.append(self._bounds(position))

    def tombstones(self) -> list[tuple[int, str, tuple[int, int]]]:
        """``(sequence, at, bounds)`` of every delete entry."""
        found, position = [], 0
        marker = b'"action":"delete"'
        while (position := self.region.find(marker, position)) >= 0:
            start, end = self._bounds(position)
            entry = self.region[start:end]
            sequence = int(entry[len(self.START) : entry.index(b",")])
            at_start = entry.index(b'"at":"') + 6
            at = entry[at_start : entry.index(b'"', at_start)].decode()
            found.append((sequence, at, (start, end)))
            position = end
        return found

    def cut(self, bounds: tuple[int, int]) -> None:
        self.cuts.append(bounds)

    def append(self, entry: bytes) -> None:
        self.appended.append(entry)

    def render(self) -> bytes:
        pieces, position = [], 0
        for start, end in sorted(set(self.cuts)):
            if start > position:
                pieces.append(self.region[position:start].strip(b","))
            position = max(position, end)
        if position < len(self.region):
            pieces.append(self.region[position:].strip(b","))
        pieces = [piece for piece in pieces if piece]
        return b",".join(pieces + self.appended)
