"""Start writing a file's data to disk as soon as it is written, without waiting for it.

A run must sync what it wrote before switching a channel to the new tree, and an incremental
run's few files are megabytes (indexes, journal, manifest): synced only then, the disk starts
when the run has nothing left to do but wait. Linux's ``sync_file_range`` with
``SYNC_FILE_RANGE_WRITE`` queues the writeback at once and returns, so the disk works while
the run splices the next file; the ``fsync`` that follows finds most of it done. Where the call
does not exist (another system, no C library), nothing is started early and ``fsync`` does it
all, as before.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable

SYNC_FILE_RANGE_WRITE = 2  # <linux/fs.h>: start writeback of dirty pages, do not wait


def _load() -> Callable[[int, int, int, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        # The running program's symbols, the C library's among them (find_library would
        # start a subprocess to look for it).
        call = ctypes.CDLL(None).sync_file_range
    except (OSError, AttributeError):
        return None
    call.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    call.restype = ctypes.c_int
    return call


_sync_file_range = _load()


def start_writeback(fd: int) -> bool:
    """Queue the writeback of everything written to ``fd``; False if it could not be queued.

    A hint: durability still comes from ``fsync``, so a failure here is not an error.
    """
    if _sync_file_range is None:
        return False
    return _sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE) == 0
