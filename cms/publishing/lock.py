"""One export at a time, across processes and hosts: the lock lives in the database.

PostgreSQL: a session-level advisory lock on the run's own connection, released when the run
ends or its process dies (the server drops the session). SQLite serves one host: an exclusive
``flock`` on a file beside the database, released by the kernel when the process dies.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from .errors import ExportLocked

# One number for "the export" among any other advisory locks of the database.
ADVISORY_KEY = zlib.crc32(b"cms.publishing.export")
BUSY = (
    "another export is running (started by another process or host); try again when it "
    "has finished, or pass --wait to queue behind it"
)


@contextmanager
def export_lock(*, wait: bool = False) -> Iterator[None]:
    """Hold the export lock for the block; ``ExportLocked`` if it is taken and not ``wait``."""
    if connection.vendor == "postgresql":
        with _advisory_lock(wait):
            yield
    else:
        with _file_lock(_lock_file(), wait):
            yield


@contextmanager
def _advisory_lock(wait: bool) -> Iterator[None]:
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_KEY])
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
            if not cursor.fetchone()[0]:
                raise ExportLocked(BUSY)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])


def _lock_file() -> Path:
    name = str(connection.settings_dict["NAME"])
    if name in ("", ":memory:") or name.startswith("file:"):
        # An in-memory database (the tests) is private to its process: one lock per process
        # would do, but a file still lets a test's subprocess queue behind it.
        return Path(tempfile.gettempdir()) / f"export-lock-{os.getpid()}"
    return Path(f"{name}.export-lock")


@contextmanager
def _file_lock(path: Path, wait: bool) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
                break
            except BlockingIOError:
                raise ExportLocked(BUSY) from None
            except InterruptedError:
                time.sleep(0.01)
        yield
    finally:
        os.close(handle)  # closing releases the lock
