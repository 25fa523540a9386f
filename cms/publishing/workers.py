"""Render a rebuild's translation groups in worker processes, a core each.

A rebuild renders every article, and rendering is CPU work for one Python process: on a
machine with several cores the others would wait. So a rebuild of a large site forks once
everything the run shares is loaded (the channels, the current trees, the page directory,
the staging trees). The translation keys are cut into ranges of about as many articles each,
one per worker; every worker streams its range from the database over its own connection,
runs the gates on it and writes its documents into the same staging trees, then hands the
parent what finishing the run needs (``builder.RenderedPart``: index entries and manifest
members through a temporary file, group and skip records, journal changes). The parent
merges. It renders no range itself, so its memory holds what the run collects and never a
batch of pages on top.

The result is byte for byte what one process writes: everything the run publishes is sorted,
and who gets a path that several articles claim depends on the order they are rendered in,
so the articles with a contested slug are all rendered by the parent, in key order.

Only ``--full`` runs and first exports fork: an incremental run renders a few groups, and
any other rebuild (the exporter's code changed, say) may find nothing to publish, so it
creates its recycled staging tree only once it knows it will (a fork needs the tree first).
A process that runs threads, or sits inside a database transaction that a new connection
would not see, renders alone.
"""

from __future__ import annotations

import mmap
import os
import pickle
import select
import signal
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.conf import settings
from django.db import connections

from .builder import ChannelExport, RenderedPart
from .directory import PageDirectory
from .errors import ExportError

KeyRange = tuple[str | None, str | None]  # first key (included), last (excluded); None: open
Advance = Callable[[int], None]  # "this many more articles rendered"
# Fewer articles than this per process, and starting a worker costs more than it saves.
PROCESS_MIN_ARTICLES = 250
POLL_SECONDS = 0.25  # how often the parent reports progress while it waits for its workers

# Database connections a worker inherited: never used, never closed (closing a socket shared
# with the parent would end the parent's session), dropped only by os._exit.
_inherited: list[Any] = []


def process_count() -> int:
    """How many processes a rebuild may use: ``EXPORT_PROCESSES``, else the cores this
    process may run on."""
    configured = getattr(settings, "EXPORT_PROCESSES", None)
    if configured:
        return max(1, int(configured))
    if hasattr(os, "sched_getaffinity"):  # what taskset or a container's cpuset allows
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def plan_shares(keys: Iterable[str], processes: int) -> list[KeyRange]:
    """Cut the sorted translation ``keys`` into up to ``processes`` ranges of about as many
    articles each (``PROCESS_MIN_ARTICLES`` at least), one per worker; one open range means
    no workers: the run renders in one process."""
    ordered = sorted(set(keys))
    count = min(processes, len(ordered) // PROCESS_MIN_ARTICLES)
    if count < 2:
        return [(None, None)]
    cuts = [ordered[len(ordered) * index // count] for index in range(1, count)]
    return list(zip([None, *cuts], [*cuts, None], strict=True))


def can_fork(exports: Sequence[ChannelExport]) -> bool:
    """Whether this run may render in worker processes (see the module's docstring)."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return False
    for export in exports:
        # A recycled tree is renamed into place before the fork, which only a run that will
        # publish whatever it renders may do: ``--full``.
        recycled = export.staging is not None and export.staging.recycled
        if export.incremental or (recycled and not export.full):
            return False
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block and not _private_copy(connection):
            return False
    return True


def _private_copy(connection: Any) -> bool:
    """An in-memory SQLite database: a forked process has its own copy of it, as it was."""
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


@dataclass
class _Worker:
    pid: int
    reader: int  # a pipe: where in ``result`` the worker's report is, once it is done
    result: BinaryIO  # a temporary file the worker writes what it rendered to


class Workers:
    """Worker processes rendering ranges of a rebuild; the parent merges what they send."""

    def __init__(self, count: int) -> None:
        # One counter per worker, in memory shared with it: articles rendered so far.
        self._count = count
        self._counters = mmap.mmap(-1, 8 * max(count, 1))
        self._workers: list[_Worker] = []

    def start(
        self,
        jobs: Sequence[Callable[[Advance], None]],
        exports: Sequence[ChannelExport],
        directory: PageDirectory,
    ) -> None:
        """Fork one worker per job; ``job(advance)`` renders the worker's range."""
        for staging in (export.staging for export in exports if export.staging is not None):
            staging.create()  # one tree per channel, shared: created before the fork
        for index, job in enumerate(jobs):
            result = tempfile.TemporaryFile()  # noqa: SIM115 - closed when the worker is done
            reader, writer = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker: never returns
                os.close(reader)
                _work(job, index, self._counters, exports, directory, result, writer)
            os.close(writer)
            self._workers.append(_Worker(pid, reader, result))

    def done(self) -> int:
        """Articles the workers have rendered so far."""
        return sum(
            int.from_bytes(self._counters[8 * i : 8 * i + 8], "little") for i in range(self._count)
        )

    def finish(
        self,
        exports: Sequence[ChannelExport],
        directory: PageDirectory,
        waiting: Callable[[], None] = lambda: None,
    ) -> None:
        """Wait for every worker and merge what it rendered; ``waiting()`` runs meanwhile.

        Raises ``ExportError`` naming what failed in a worker.
        """
        while self._workers:
            worker = self._workers[0]
            report = self._receive(worker, waiting)
            if report[0] == "error":
                _kind, message = report
                raise ExportError(message)
            _kind, parts, prefixes = report
            for export, part in zip(exports, parts, strict=True):
                export.merge_part(part, worker.result.fileno())
            directory.prefixes.update(prefixes)
            worker.result.close()
            self._workers.remove(worker)

    def stop(self) -> None:
        """End the workers still running (the run failed) and reap them all."""
        for worker in self._workers:
            worker.result.close()
            if worker.reader < 0:
                continue  # reaped
            os.close(worker.reader)
            try:
                os.kill(worker.pid, signal.SIGKILL)
                os.waitpid(worker.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        self._workers = []
        self._counters.close()

    def _receive(self, worker: _Worker, waiting: Callable[[], None]) -> tuple:
        """Wait for the worker to end; return its report (``("ok", …)`` or ``("error", …)``)."""
        received = b""
        while True:
            ready, _, _ = select.select([worker.reader], [], [], POLL_SECONDS)
            if not ready:
                waiting()
                continue
            chunk = os.read(worker.reader, 4096)
            if not chunk:
                break
            received += chunk
        os.close(worker.reader)
        worker.reader = -1
        _pid, status = os.waitpid(worker.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        where = received.split()
        if code != 0 or len(where) != 2:
            return ("error", f"an export worker process ended with status {code}")
        start, size = map(int, where)
        report = os.pread(worker.result.fileno(), size, start)
        return pickle.loads(report)  # noqa: S301 - written by our own child


def _work(
    job: Callable[[Advance], None],
    index: int,
    counters: mmap.mmap,
    exports: Sequence[ChannelExport],
    directory: PageDirectory,
    result: BinaryIO,
    writer: int,
) -> None:
    """The worker process: render, write its report to ``result`` and where it is to
    ``writer``, then exit without running the parent's exit handlers."""
    code = 0
    try:
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            done += count
            counters[8 * index : 8 * index + 8] = done.to_bytes(8, "little")

        _use_own_connections()
        for export in exports:
            export.start_part()
        job(advance)
        parts: list[RenderedPart] = [export.take_part(result) for export in exports]
        payload = pickle.dumps(("ok", parts, directory.prefixes), pickle.HIGHEST_PROTOCOL)
    except BaseException as exc:  # reported to the parent, which raises
        if isinstance(exc, ExportError):
            message = str(exc)
        else:
            message = "an export worker process failed:\n" + "".join(
                traceback.format_exception(exc)
            )
        payload = pickle.dumps(("error", message))
    try:
        start = result.seek(0, os.SEEK_END)
        result.write(payload)
        result.flush()
        os.write(writer, f"{start} {len(payload)}".encode())
        os.close(writer)
        connections.close_all()  # the worker's own connections
    except BaseException:  # nothing left to tell the parent with
        code = 1
    finally:
        os._exit(code)


def _use_own_connections() -> None:
    """Leave the parent's database connections to the parent; open new ones when needed."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is None or _private_copy(connection):
            continue
        _inherited.append(connection.connection)
        connection.connection = None
