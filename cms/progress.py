"""Progress lines for long management commands: shown on a terminal, silent everywhere else."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.management.base import OutputWrapper

Progress = Callable[[int, int], None]


@contextmanager
def terminal_progress(
    stream: OutputWrapper, label: str, *, quiet: bool
) -> Iterator[Progress | None]:
    """A ``progress(done, total)`` callback that redraws one line of ``stream``, or ``None``.

    ``None`` when ``quiet`` or when the stream is not a terminal, so logs and pipes stay clean.
    The line is erased when the block ends, whether the work succeeded or not.
    """
    if quiet or not stream.isatty():
        yield None
        return

    def progress(done: int, total: int) -> None:
        stream.write(f"\r{label}: {done}/{total}", ending="")
        stream.flush()

    try:
        yield progress
    finally:
        stream.write("\r\033[K", ending="")
        stream.flush()
