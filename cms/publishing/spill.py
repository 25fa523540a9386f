"""A rebuild's list of every document, kept in a temporary file until the end of the run.

Index entries and manifest members: held in memory until the indexes and the manifest are
written, they would make a run's memory grow with the number of articles. In the file they
cost a sort key and two numbers each.
"""

from __future__ import annotations

import os
import tempfile
from array import array

from .splice import Chunks, separated

FILES = "\0files"  # the kind of the manifest's members (never a locale code)


class Spill:
    """Entries of several kinds (a locale's index, the manifest), each sorted by its key."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self._size = 0
        self._keys: dict[str, list[str]] = {}
        self._places: dict[str, array] = {}  # offset, length, offset, length…

    def add(self, kind: str, key: str, data: bytes) -> None:
        self._file.write(data)
        self._keys.setdefault(kind, []).append(key)
        self._places.setdefault(kind, array("q")).extend((self._size, len(data)))
        self._size += len(data)

    def keys(self, kind: str) -> set[str]:
        return set(self._keys.get(kind, ()))

    def entries(self, kind: str, *, separate: bool = True) -> Chunks:
        """The entries of ``kind``, sorted by key; comma-separated unless not ``separate``."""
        keys, places = self._keys.pop(kind, []), self._places.pop(kind, array("q"))
        if not keys:
            return []
        self._file.flush()
        data = memoryview(os.pread(self._file.fileno(), self._size, 0))
        order = sorted(range(len(keys)), key=keys.__getitem__)
        pieces = [data[places[2 * i] : places[2 * i] + places[2 * i + 1]] for i in order]
        return separated(pieces) if separate else pieces

    @property
    def closed(self) -> bool:
        return self._file.closed

    def close(self) -> None:
        self._file.close()
