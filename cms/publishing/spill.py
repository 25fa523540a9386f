"""A rebuild's list of every document, kept in a temporary file until the end of the run.

Index entries and manifest members: held in memory until the indexes and the manifest are
written, they would make a run's memory grow with the number of articles. In the file they
cost a sort key and two numbers each.
"""

from __future__ import annotations

import io
import os
import tempfile
from array import array
from typing import Any, BinaryIO

from .splice import Chunks, separated

FILES = "\0files"  # the kind of the manifest's members (never a locale code)


class Spill:
    """Entries of several kinds (a locale's index, the manifest), each sorted by its key.

    One temporary file per kind, so reading a kind back reads nothing else.
    """

    def __init__(self) -> None:
        self._files: dict[str, Any] = {}
        self._keys: dict[str, list[str]] = {}
        self._places: dict[str, array] = {}  # offset, length, offset, length…
        self.closed = False

    def add(self, kind: str, key: str, data: bytes) -> None:
        places = self._places.setdefault(kind, array("q"))
        places.extend((places[-2] + places[-1] if places else 0, len(data)))
        self._file(kind).write(data)
        self._keys.setdefault(kind, []).append(key)

    def _file(self, kind: str) -> BinaryIO:
        spill = self._files.get(kind)
        if spill is None:
            spill = self._files[kind] = tempfile.TemporaryFile()  # noqa: SIM115 - see close()
        return spill

    def _take(self, kind: str) -> tuple[list[str], array, Any]:
        """The keys, places and (flushed) file of ``kind``, no longer the spill's."""
        keys, places = self._keys.pop(kind, []), self._places.pop(kind, array("q"))
        spill = self._files.pop(kind, None)
        if spill is not None:
            spill.flush()
        return keys, places, spill

    def keys(self, kind: str) -> set[str]:
        return set(self._keys.get(kind, ()))

    def entries(self, kind: str, *, separate: bool = True) -> Chunks:
        """The entries of ``kind``, sorted by key; comma-separated unless not ``separate``."""
        keys, places, spill = self._take(kind)
        if not keys:
            return []
        data = memoryview(os.pread(spill.fileno(), places[-2] + places[-1], 0))
        spill.close()
        order = sorted(range(len(keys)), key=keys.__getitem__)
        pieces = [data[places[2 * i] : places[2 * i] + places[2 * i + 1]] for i in order]
        return separated(pieces) if separate else pieces

    def sorted_file(self, kind: str, head: bytes, tail: bytes) -> BinaryIO:
        """A temporary file: ``head``, the entries of ``kind`` sorted and comma-separated, ``tail``.

        For a file as big as an index, rather than ``entries``: a copy on disk, not in memory.
        """
        keys, places, spill = self._take(kind)
        result = tempfile.TemporaryFile()  # noqa: SIM115 - the caller closes it
        with io.BufferedWriter(io.FileIO(os.dup(result.fileno()), "wb"), 1 << 18) as out:
            out.write(head)
            if keys:
                fd = spill.fileno()
                for number, index in enumerate(sorted(range(len(keys)), key=keys.__getitem__)):
                    if number:
                        out.write(b",")
                    out.write(os.pread(fd, places[2 * index + 1], places[2 * index]))
                spill.close()
            out.write(tail)
        result.seek(0)
        return result

    def export(self, into: BinaryIO) -> dict[str, tuple[list[str], array, int]]:
        """Write every kind's entries to ``into``, in the order added; empty the spill.

        Returns, per kind, the keys, the entries' lengths and where in ``into`` they start:
        what ``absorb`` needs to add them to another spill. For a worker process handing what
        it rendered to the parent (``workers.py``), through a file: the entries are never all
        in memory at once, in either process.
        """
        exported = {}
        for kind in list(self._keys):
            keys, places, spill = self._take(kind)
            exported[kind] = (keys, places[1::2], into.tell())
            _copy(spill.fileno(), 0, places[-2] + places[-1], into)
            spill.close()
        into.flush()
        return exported

    def absorb(self, exported: dict[str, tuple[list[str], array, int]], source: int) -> None:
        """Add the entries another spill exported to the file ``source`` (a descriptor)."""
        for kind, (keys, lengths, start) in exported.items():
            places = self._places.setdefault(kind, array("q"))
            offset = places[-2] + places[-1] if places else 0
            for length in lengths:
                places.extend((offset, length))
                offset += length
            _copy(source, start, sum(lengths), self._file(kind))
            self._keys.setdefault(kind, []).extend(keys)

    def close(self) -> None:
        for spill in self._files.values():
            spill.close()
        self._files.clear()
        self.closed = True


def _copy(source: int, start: int, size: int, target: BinaryIO) -> None:
    """Append ``size`` bytes of the file ``source`` from ``start`` to ``target``, in chunks."""
    end = start + size
    while start < end:
        chunk = os.pread(source, min(1 << 20, end - start), start)
        if not chunk:
            raise OSError(f"{size} bytes expected from a spill file, {start} read")
        target.write(chunk)
        start += len(chunk)
