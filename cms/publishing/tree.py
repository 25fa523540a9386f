"""Export trees on disk: the lock, the published tree, staging aside and the atomic switch.

Layout inside ``EXPORT_ROOT``::

    .lock                 flock'ed by the running export
    .trees/web.k3x9q1/    one complete, immutable export per run
    web -> .trees/web.k3x9q1   the public path: a symlink, swapped with os.replace

A run builds a new tree under ``.trees`` (unchanged files hard-linked from the current tree,
so they keep their inode and mtime), writes the manifest last and then replaces the symlink in
one rename. Readers resolve the symlink once and see either the old tree or the new one, whole.
A process killed at any moment leaves the symlink pointing at the previous, complete tree; its
half-built sibling is removed by the next successful run.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ExportError, ExportLocked

LOCK_FILE = ".lock"
TREES_DIR = ".trees"
MANIFEST = "manifest.json"
CHANGES = "changes.json"


@contextmanager
def export_lock(root: Path, *, wait: bool = False, read_only: bool = False) -> Iterator[None]:
    """Hold the export folder's lock; raise ``ExportLocked`` if another run has it.

    ``read_only`` (a dry run) creates nothing: it takes a shared lock if the folder has a lock
    file, so it never reads a tree that a running export is about to clean up.
    """
    lock_path = root / LOCK_FILE
    if read_only and not lock_path.exists():
        yield
        return
    if not read_only:
        prepare_root(root)
    try:
        fd = os.open(lock_path, os.O_RDONLY if read_only else os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ExportError(f"export folder {root} is not writable: {exc.strerror}") from exc
    mode = fcntl.LOCK_SH if read_only else fcntl.LOCK_EX
    try:
        try:
            fcntl.flock(fd, mode if wait else mode | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ExportLocked(
                f"another export_channels run is writing to {root} (it holds {lock_path}); "
                "try again when it has finished, or pass --wait to queue behind it"
            ) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def prepare_root(root: Path) -> None:
    """Create the export folder and check that this process may write there."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        (root / TREES_DIR).mkdir(exist_ok=True)
    except OSError as exc:
        raise ExportError(f"export folder {root} cannot be created: {exc.strerror}") from exc
    if not os.access(root, os.W_OK | os.X_OK):
        raise ExportError(f"export folder {root} is not writable")


@dataclass
class PublishedTree:
    """The tree a channel's public path points to now; empty before the first export."""

    path: Path | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    journal: dict[str, Any] | None = None
    problem: str | None = None  # why an existing tree could not be used as a base

    @property
    def files(self) -> dict[str, dict[str, Any]]:
        return self.manifest.get("files", {})

    @property
    def sequence(self) -> int:
        return int(self.manifest.get("sequence", 0))


def read_published(root: Path, channel: str) -> PublishedTree:
    """Load the current manifest and journal of ``channel`` (nothing if never exported)."""
    link = root / channel
    if not link.is_symlink():
        if link.exists():
            raise ExportError(
                f"{link} is not a link made by export_channels; move it away and run again"
            )
        return PublishedTree()
    path = link.resolve()
    try:
        manifest = json.loads((path / MANIFEST).read_bytes())
        journal = json.loads((path / CHANGES).read_bytes())
    except (OSError, ValueError) as exc:
        # A damaged tree is not a base for an incremental run; rebuild from scratch.
        return PublishedTree(problem=f"previous export {path} is unreadable ({exc}); rebuilt")
    return PublishedTree(path=path, manifest=manifest, journal=journal)


class StagingTree:
    """A new export tree being built beside the published one."""

    def __init__(self, root: Path, channel: str, *, fsync: bool) -> None:
        self.root = root
        self.channel = channel
        self.fsync = fsync
        # "." cannot occur in channel names, so "web." never matches another channel's trees.
        self.path = Path(tempfile.mkdtemp(prefix=f"{channel}.", dir=root / TREES_DIR))
        # mkdtemp's 0700 would hide the tree from a web server running as another user.
        os.chmod(self.path, 0o755)  # noqa: S103 - public export files, readable by design
        self._directories: set[Path] = {self.path}

    def write(self, relative: str, data: bytes) -> None:
        """Write a new file (a fresh inode)."""
        fd = os.open(self._target(relative), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)

    def link(self, relative: str, previous: Path, size: int) -> bool:
        """Hard-link an unchanged file from the previous tree; False if that is not possible."""
        source = previous / relative
        try:
            if source.stat().st_size != size:
                return False  # the old file was tampered with: write it afresh
            os.link(source, self._target(relative))
        except OSError:
            return False
        return True

    def switch(self) -> None:
        """Point the channel's public path at this tree, atomically.

        The tree it pointed at is remembered as ``.<channel>.previous`` first, so the clean-up
        of later runs spares it for readers that are still on it.
        """
        link = self.root / self.channel
        if self.fsync:
            # One flush of everything written, rather than an fsync per file: the tree must be
            # on disk before the link points at it, and thousands of fsyncs cost seconds.
            os.sync()
        if link.is_symlink():
            _point(self.root / f".{self.channel}.previous", os.readlink(link))
        _point(link, os.path.relpath(self.path, self.root))
        if self.fsync:
            _fsync_directory(self.root)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def _target(self, relative: str) -> Path:
        target = self.path / relative
        parent = target.parent
        if parent not in self._directories:
            parent.mkdir(parents=True, exist_ok=True)
            self._directories.add(parent)
        return target


def remove_old_trees(root: Path, channel: str) -> None:
    """Delete this channel's trees but the current and the previous one (readers may be on it).

    Also removes what runs killed half-way left behind. Call it holding the lock.
    """
    keep = {
        (root / name).resolve()
        for name in (channel, f".{channel}.previous")
        if (root / name).is_symlink()
    }
    for tree in (root / TREES_DIR).glob(f"{channel}.*"):
        if tree.resolve() not in keep:
            shutil.rmtree(tree, ignore_errors=True)


def _point(link: Path, target: str) -> None:
    """Make ``link`` a symlink to ``target`` in one rename, whatever was there before."""
    temporary = link.with_name(f".{link.name.lstrip('.')}.switch")
    with suppress(FileNotFoundError):
        temporary.unlink()  # left by a run killed between the next two lines
    os.symlink(target, temporary)
    os.replace(temporary, link)


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
