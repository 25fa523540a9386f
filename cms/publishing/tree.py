"""Export trees on disk: the lock, the published tree, staging aside and the atomic switch.

Layout inside ``EXPORT_ROOT``::

    .lock                        flock'ed by the running export
    .trees/web.k3x9q1/           one complete export per run
    web -> .trees/web.k3x9q1     the public path: a symlink, swapped with os.replace
    .web.previous -> .trees/…    the tree published before it, kept for readers still on it
    .state/web.k3x9q1            what that tree was built from (``state.py``), never served
    .trash/web.8d0c2e            trees no longer kept, being deleted

Each run publishes a new tree: unchanged files keep the inode (and mtime) they had in the
current tree, changed ones get a file of their own, and the manifest is written last; then the
symlink is replaced in one rename. Readers resolve the symlink once and see either the old tree
or the new one, whole. A process killed at any moment leaves the symlink on the previous,
complete tree; what it left half-built is removed by the next run.

Rather than hard-linking thousands of unchanged files into an empty folder, a run recycles the
tree published before the current one (the *spare*): it is renamed, then only the files that
differ from the current tree are replaced or removed. The spare is two runs old, so no reader
is promised it any more, and renaming it first means nobody reads it half-updated under its
old name. A file the spare must change is written over where it is when it is the spare's
alone and no process has it open (a reader that opened it earlier keeps its bytes); otherwise
it is replaced by a new file. ``<tree>.spare`` in ``.state`` records which paths of the spare
differ from the tree (written once they are known); without it, a run starts from an empty
folder.

A tree no longer kept is not deleted where the run is: it is renamed into ``.trash`` (one
rename), and deleted while a later run works, by another process (``TrashRemoval``) during a run
that renders everything, a few files at a time by incremental runs.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .errors import ExportError, ExportLocked
from .splice import region, size_of
from .state import STATE_DIR, ExportState, read_state
from .writeback import start_writeback

LOCK_FILE = ".lock"
FSYNC_ONE_BY_ONE = 256  # files and folders a flush syncs one by one; above, it syncs all
TREES_DIR = ".trees"
TRASH_DIR = ".trash"
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
        (root / TRASH_DIR).mkdir(exist_ok=True)
    except OSError as exc:
        raise ExportError(f"export folder {root} cannot be created: {exc.strerror}") from exc
    if not os.access(root, os.W_OK | os.X_OK):
        raise ExportError(f"export folder {root} is not writable")


@dataclass(frozen=True)
class Spare:
    """The tree before the current one, and the paths where it differs from the current one."""

    path: Path
    differs: frozenset[str]


@dataclass
class PublishedTree:
    """The tree a channel's public path points to now; empty before the first export."""

    path: Path | None = None
    state: ExportState | None = None
    spare: Spare | None = None
    problem: str | None = None  # why an existing tree could not be used as a base
    sequence: int = 0  # the manifest's
    _manifest: bytes | None = None
    _journal: bytes | None = None

    @property
    def manifest_bytes(self) -> bytes:
        if self._manifest is None:
            self._manifest = b"" if self.path is None else (self.path / MANIFEST).read_bytes()
        return self._manifest

    @property
    def journal_bytes(self) -> bytes:
        if self._journal is None:
            self._journal = b"" if self.path is None else (self.path / CHANGES).read_bytes()
        return self._journal

    def release(self) -> None:
        """Let go of manifest and journal; they are read again if needed (a rebuild's memory)."""
        self._manifest = self._journal = None

    @property
    def name(self) -> str | None:
        return None if self.path is None else self.path.name

    def members(self) -> Iterator[bytes]:
        """The manifest's ``files`` members as bytes (``"<path>":{"sha256":…,"size":…}``).

        One at a time: a rebuild keeps only a digest of each.
        """
        data = self.manifest_bytes
        if not data:
            return
        low, high = region(data, b'"files":{', b"}}\n")
        for match in _MEMBER.finditer(data, low, high):
            yield match[0]


def read_published(root: Path, channel: str, facts: dict[str, str] | None = None) -> PublishedTree:
    """The current tree of ``channel`` with its state and spare (nothing if never exported).

    ``facts`` caches the states' facts files across channels (see ``state.read_state``).
    """
    link = root / channel
    if not link.is_symlink():
        if link.exists():
            raise ExportError(
                f"{link} is not a link made by export_channels; move it away and run again"
            )
        return PublishedTree()
    path = link.resolve()
    try:
        manifest = (path / MANIFEST).read_bytes()
        match = re.search(rb'"sequence":(\d+)', manifest[:500])
        tree = PublishedTree(path=path, sequence=int(match[1]) if match else 0)
        tree._manifest = manifest
        state = read_state(root, channel, path.name, facts)
        if state is None:
            # No record of how the tree was built (an older exporter, a lost state): make sure
            # manifest and journal are whole before building on them.
            json.loads(manifest), json.loads(tree.journal_bytes)
        elif (
            not manifest.endswith(b"}}\n")
            or _listed_size(manifest, CHANGES) != os.stat(path / CHANGES).st_size
        ):
            # The journal is read only by a run that publishes: check it is whole for now.
            raise ValueError("truncated manifest or journal")
    except (OSError, ValueError) as exc:
        # A damaged tree is not a base for an incremental run; rebuild from scratch.
        return PublishedTree(problem=f"previous export {path} is unreadable ({exc}); rebuilt")
    tree.state = state
    tree.spare = _read_spare(root, channel, path.name)
    return tree


_MEMBER = re.compile(rb'"[^"]+":\{"sha256":"[0-9a-f]{64}","size":\d+\}')


def _listed_size(manifest: bytes, path: str) -> int | None:
    match = re.search(
        rb'"' + re.escape(path.encode()) + rb'":\{"sha256":"[0-9a-f]+","size":(\d+)', manifest
    )
    return int(match[1]) if match else None


def _spare_path(root: Path, tree: str) -> Path:
    return root / STATE_DIR / f"{tree}.spare"


def _read_spare_record(root: Path, tree: str) -> dict[str, Any]:
    try:
        record = json.loads(_spare_path(root, tree).read_bytes())
        return record if isinstance(record, dict) else {}
    except (OSError, ValueError):
        return {}


def _read_spare(root: Path, channel: str, tree: str) -> Spare | None:
    record = _read_spare_record(root, tree)
    try:
        spare = root / TREES_DIR / record["spare"]
        if spare.name == tree or not spare.is_dir():
            return None
        return Spare(spare, frozenset(record["differs"]))
    except (KeyError, TypeError):
        return None


def write_spare(root: Path, tree: str, spare: Path, differs: Iterable[str]) -> None:
    """Record which paths of ``spare`` differ from ``tree``, so the next run can recycle it."""
    record = {"spare": spare.name, "differs": sorted(differs)}
    temporary = root / STATE_DIR / f".{tree}.spare.tmp"
    temporary.write_text(json.dumps(record), encoding="utf-8")
    os.replace(temporary, _spare_path(root, tree))


class StagingTree:
    """The next tree, built beside the published one; created on first use.

    ``write`` gives a path new content (a file of its own), ``keep`` gives it the current tree's
    file (the same inode), ``remove`` takes it away. With a spare, paths outside ``differs`` already
    hold the current tree's file and need nothing.
    """

    def __init__(
        self, root: Path, channel: str, *, fsync: bool, current: Path | None, spare: Spare | None
    ) -> None:
        self.root = root
        self.channel = channel
        self.fsync = fsync
        self.current = current
        self._spare = spare if current is not None else None
        self.path: Path | None = None
        self._base = ""  # str(self.path) + "/": files are addressed as strings, thousands a run
        self._directories: set[str] = set()  # folders known to exist, relative to the tree
        self.flushed = False  # on disk as it will be published
        # What changed since the last flush, while few enough to fsync one by one.
        self._dirty_files: list[str] | None = []
        self._dirty_folders: set[str] = set()

    @property
    def recycled(self) -> bool:
        """Whether the tree is (or will be) the spare; False for a tree built from nothing."""
        return self._spare is not None

    @property
    def differs(self) -> frozenset[str] | None:
        """Paths where the tree does not hold the current tree's file (None: every path)."""
        return self._spare.differs if self._spare is not None else None

    def create(self) -> Path:
        if self.path is not None:
            return self.path
        trees = self.root / TREES_DIR
        if self._spare is not None:
            # "." cannot occur in channel names, so "web." never matches another channel's trees.
            self.path = trees / f"{self.channel}.{secrets.token_hex(6)}"
            os.replace(self._spare.path, self.path)  # an entry of .trees changed, not the tree's
        else:
            self.path = Path(tempfile.mkdtemp(prefix=f"{self.channel}.", dir=trees))
            # mkdtemp's 0700 would hide the tree from a web server running as another user.
            os.chmod(self.path, 0o755)  # noqa: S103 - public export files, readable by design
            self._dirty_folders.add(str(self.path))
        self._base = f"{self.path}/"
        self._directories.add("")
        self._dirty_folders.add(str(trees))
        return self.path

    def write(self, relative: str, data: bytes | list | BinaryIO) -> None:
        """Give ``relative`` the content ``data`` (bytes, chunks or a file) in a file of its own.

        That is a new inode, or the spare's own file at that path written over where no one
        else has it (``_open_unshared``): unlinking a file of megabytes and allocating another
        cost three times as long as rewriting it (an index, the manifest).
        """
        target = self._target(relative)
        fd = None
        if self.recycled:
            if relative in self._spare.differs:
                fd = _open_unshared(target)  # the spare's own file: rewritten where it is
            # Rewritten in place, the file's folder lists what it did: only the file is synced.
            self._changed(target, file=True, entry=fd is None)
            if fd is None:
                with suppress(FileNotFoundError):
                    os.unlink(target)  # the current tree's file too, or someone reads it
        else:
            self._changed(target, file=True)
        in_place = fd is not None
        if not in_place:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            size = 0
            for chunk in _chunks_of(data):
                _write_all(fd, chunk)
                size += len(chunk)
            if in_place:  # a new file needs neither: a full export writes ten thousand
                os.ftruncate(fd, size)
                _release_lease(fd)
            if self.fsync and self._dirty_files is not None:
                # It will be synced on its own (few files changed): let the disk start now.
                start_writeback(fd)
        finally:
            os.close(fd)

    def holds(self, relative: str, data: bytes | list | BinaryIO) -> bool:
        """Whether the file ``keep`` would give ``relative`` has exactly the bytes ``data``.

        A manifest says what was published; this reads what is on disk now. ``--full`` asks
        it before keeping a file, so a file changed behind the exporter's back (edited in
        place, replaced, truncated) is written anew rather than kept.
        """
        if self.recycled and relative not in self._spare.differs:
            base = self._base if self.path is not None else f"{self._spare.path}/"
            source = base + relative
        else:
            source = f"{self.current}/{relative}"
        try:
            fd = os.open(source, os.O_RDONLY)
        except OSError:
            return False
        try:  # descriptors, not file objects: a full run asks this of every file
            if os.fstat(fd).st_size != size_of(data):
                return False
            for chunk in _chunks_of(data):
                if _read_all(fd, len(chunk)) != chunk:
                    return False
            return not os.read(fd, 1)
        except OSError:
            return False
        finally:
            os.close(fd)

    def keep(self, relative: str, size: int) -> bool:
        """Give ``relative`` the current tree's file; False if that file is not as recorded."""
        if self.recycled and relative not in self._spare.differs:
            return True
        source = f"{self.current}/{relative}"
        target = self._target(relative)
        try:
            if os.stat(source).st_size != size:
                return False  # the old file was tampered with
            if self.recycled:
                with suppress(FileNotFoundError):
                    os.unlink(target)
            self._changed(target)
            os.link(source, target)
        except OSError:
            return False
        return True

    def remove(self, relative: str) -> None:
        """Make sure ``relative`` is not in the tree (only a recycled tree can have it)."""
        if self.recycled:
            self.create()
            self._changed(self._base + relative)
            with suppress(FileNotFoundError):
                os.unlink(self._base + relative)

    def switch(self) -> None:
        """Point the channel's public path at this tree, atomically.

        The tree it pointed at is remembered as ``.<channel>.previous`` first, so the clean-up
        of later runs spares it for readers that are still on it.
        """
        path = self.create()
        link = self.root / self.channel
        if self.fsync and not self.flushed:
            flush([self])
        if link.is_symlink():
            _point(self.root / f".{self.channel}.previous", os.readlink(link))
        _point(link, os.path.relpath(path, self.root))
        if self.fsync:
            _fsync_directory(self.root)

    def _changed(self, target: str, *, file: bool = False, entry: bool = True) -> None:
        """Note a file written (``file``) or an entry of its folder changed (``entry``: made,
        linked, removed) for the next flush."""
        self.flushed = False
        if self._dirty_files is None:
            return  # too many: the flush syncs everything
        if len(self._dirty_files) + len(self._dirty_folders) >= FSYNC_ONE_BY_ONE:
            self._dirty_files, self._dirty_folders = None, set()
            return
        if file:
            self._dirty_files.append(target)
        if entry:
            self._dirty_folders.add(os.path.dirname(target))

    def take_pending(self) -> tuple[list[str], list[str]] | None:
        """Files and folders changed since the last flush (None: too many), forgotten here.

        For the flush; a worker process hands them to the parent, whose flush covers them.
        """
        pending = None
        if self._dirty_files is not None:
            pending = (self._dirty_files, sorted(self._dirty_folders))
        self._dirty_files, self._dirty_folders = [], set()
        return pending

    def add_pending(self, pending: tuple[list[str], list[str]] | None) -> None:
        """Note what another process changed in this tree (``take_pending``) for the next flush."""
        self.flushed = False
        if pending is None or self._dirty_files is None:
            self._dirty_files, self._dirty_folders = None, set()
            return
        files, folders = pending
        for path in files:
            self._changed(path, file=True)
        for folder in folders:
            self._changed(os.path.join(folder, ""))  # notes the folder itself

    def discard(self) -> None:
        if self.path is not None:
            move_to_trash(self.root, self.path)

    def _target(self, relative: str) -> str:
        if self.path is None:
            self.create()
        folder = relative.rpartition("/")[0]
        if folder not in self._directories:
            if not os.path.isdir(self._base + folder):
                os.makedirs(self._base + folder, exist_ok=True)  # other processes may too
                # New folders are entries of the folders above them, up to the tree.
                parts = folder.split("/")
                for depth in range(len(parts)):
                    self._changed(self._base + "/".join(parts[: depth + 1]))
            self._directories.add(folder)
        return self._base + relative


_LEASES = hasattr(fcntl, "F_SETLEASE")


def _open_unshared(path: str) -> int | None:
    """``path`` opened for writing if no one else has it: its only link, and no process has it
    open (a write lease is granted only then, and makes any opening wait until it is let go).
    None otherwise, or where leases do not exist: write a new file instead.
    """
    if not _LEASES:
        return None
    try:
        fd = os.open(path, os.O_WRONLY)
    except OSError:
        return None
    try:
        if os.fstat(fd).st_nlink == 1:
            fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_WRLCK)
            return fd
    except OSError:
        pass  # EAGAIN: open elsewhere; EACCES: another user's file; EINVAL: not supported
    os.close(fd)
    return None


def _release_lease(fd: int) -> None:
    if _LEASES:
        with suppress(OSError):
            fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)


def flush(trees: Iterable[StagingTree]) -> None:
    """Put everything written so far on disk, before ``trees`` are switched to.

    A tree must be on disk before the link points at it. A run that changed a few files
    fsyncs them and their folders; past ``FSYNC_ONE_BY_ONE`` (thousands of fsyncs cost
    seconds) it syncs everything at once. A run flushes once for all its channels.
    """
    trees = list(trees)
    pending = [tree.take_pending() for tree in trees if not tree.flushed]
    if any(paths is None for paths in pending):
        os.sync()
    else:
        files = dict.fromkeys(path for written, _folders in pending for path in written)
        folders = dict.fromkeys(path for _written, changed in pending for path in changed)
        for path in files:  # files first, then what lists them
            _fsync_path(path, data_only=True)
        for path in folders:
            if path not in files:
                _fsync_path(path)
    for tree in trees:
        tree.take_pending()
        tree.flushed = True


def _fsync_path(path: str, *, data_only: bool = False) -> None:
    """Sync a file or folder; ``data_only``, a file's content and size but not its times
    (``fdatasync``), all a reader of the published tree needs after a crash."""
    fd = os.open(path, os.O_RDONLY)
    try:
        if data_only and hasattr(os, "fdatasync"):
            os.fdatasync(fd)
        else:
            os.fsync(fd)
    finally:
        os.close(fd)


def _chunks_of(data: bytes | list | BinaryIO) -> Iterator[bytes | memoryview]:
    if isinstance(data, bytes):
        yield data
    elif isinstance(data, list):
        yield from data
    else:
        data.seek(0)
        while chunk := data.read(1 << 20):
            yield chunk


def _read_all(fd: int, size: int) -> bytes:
    data = os.read(fd, size)
    while len(data) < size and (more := os.read(fd, size - len(data))):
        data += more
    return data


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def mirror(root: Path, channel: str, tree: Path) -> Path:
    """A new, unpublished tree holding ``tree``'s files (hard links: the same inodes).

    After a first export there is no tree before it to recycle: without a spare, the next
    run would have to link every unchanged file into an empty folder. A mirror costs one link
    per file now and lets the next run change only what changed.
    """
    target = tempfile.mkdtemp(prefix=f"{channel}.", dir=root / TREES_DIR)
    os.chmod(target, 0o755)  # noqa: S103 - public export files, readable by design
    source = str(tree)
    for folder, folders, files in os.walk(source):
        copy = target + folder[len(source) :]
        for name in folders:
            os.mkdir(os.path.join(copy, name), 0o755)
        for name in files:
            os.link(os.path.join(folder, name), os.path.join(copy, name))
    return Path(target)


def remove_old_trees(root: Path, channel: str, budget: int | None = None) -> None:
    """Move this channel's trees but the current, the previous and the spare one to the trash.

    The previous tree is kept for readers still on it; the spare is the next run's starting
    point. Also takes away what runs killed half-way left behind, and states of trees that are
    gone. With a ``budget`` (an incremental run, which should not pay for freeing a whole
    tree), deletes that many files from the trash; without, the trash is left to the
    ``TrashRemoval`` of the next run that renders everything. Call it holding the lock.
    """
    keep = set()
    for name in (channel, f".{channel}.previous"):
        with suppress(OSError):
            keep.add(os.path.basename(os.readlink(root / name)))
    current = root / channel
    if current.is_symlink():
        spare = _read_spare(root, channel, os.path.basename(os.readlink(current)))
        if spare is not None:
            keep.add(spare.path.name)
    prefix = f"{channel}."
    for name in sorted(os.listdir(root / TREES_DIR)):
        if name.startswith(prefix) and name not in keep:
            move_to_trash(root, root / TREES_DIR / name)
    with suppress(FileNotFoundError):
        for name in os.listdir(root / STATE_DIR):
            if name.startswith(prefix) and name.removesuffix(".spare") not in keep:
                os.unlink(root / STATE_DIR / name)
            elif name.startswith(f".{prefix}") and name.endswith(".tmp"):
                os.unlink(root / STATE_DIR / name)  # left by a run killed while writing
    if budget:
        with suppress(FileNotFoundError):
            for name in sorted(os.listdir(root / TRASH_DIR)):
                budget = _delete_some(root / TRASH_DIR / name, budget)
                if budget <= 0:
                    break


def move_to_trash(root: Path, tree: Path) -> None:
    """Take ``tree`` out of ``.trees`` in one rename; it is deleted later (see ``TrashRemoval``)."""
    trash = root / TRASH_DIR
    try:
        trash.mkdir(exist_ok=True)
        os.replace(tree, trash / f"{tree.name}.{secrets.token_hex(4)}")
    except FileNotFoundError:
        pass  # already gone
    except OSError:
        shutil.rmtree(tree, ignore_errors=True)  # cannot be moved (another file system?)


class TrashRemoval:
    """Deletes what the trash holds now, in another process, while the run goes on.

    Deleting a tree is tens of thousands of unlink calls: done in the run, it would be a third
    of a full export's time, on one core while the other waits. ``rm`` deletes it on the other
    core while the run renders; ``wait`` is called before the lock is released, so one run's
    deletion never outlives it. What a run adds to the trash waits for the next one.
    """

    def __init__(self, root: Path) -> None:
        try:
            names = sorted(os.listdir(root / TRASH_DIR))
        except FileNotFoundError:
            names = []
        self._paths = [str(root / TRASH_DIR / name) for name in names]
        self._process: subprocess.Popen | None = None
        rm = shutil.which("rm")
        if self._paths and rm is not None:  # without rm, wait() deletes them itself
            with suppress(OSError):
                self._process = subprocess.Popen(  # noqa: S603 - our own paths, no shell
                    [rm, "-rf", "--", *self._paths],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )

    def wait(self) -> None:
        """Wait for the deletion to finish (or do it here when ``rm`` could not be started)."""
        if self._process is not None:
            self._process.wait()
        for path in self._paths:
            if os.path.lexists(path):
                shutil.rmtree(path, ignore_errors=True)


def _delete_some(folder: str | Path, budget: int) -> int:
    """Delete up to ``budget`` files below ``folder`` (and the folders emptied); return the rest.

    Reads directories lazily, so a few deletions in a folder of thousands read only a few
    entries.
    """
    with os.scandir(folder) as entries:
        for entry in entries:
            if budget <= 0:
                return 0
            if entry.is_dir(follow_symlinks=False):
                budget = _delete_some(entry.path, budget)
            else:
                with suppress(FileNotFoundError):
                    os.unlink(entry.path)
                budget -= 1
    if budget > 0:
        with suppress(OSError):
            os.rmdir(folder)
    return budget


def _point(link: Path, target: str) -> None:
    """Make ``link`` a symlink to ``target`` in one rename, whatever was there before."""
    temporary = link.with_name(f".{link.name.lstrip('.')}.switch")
    with suppress(FileNotFoundError):
        temporary.unlink()  # left by a run killed between the next two lines
    os.symlink(target, temporary)
    os.replace(temporary, link)


def _fsync_directory(path: Path) -> None:
    _fsync_path(str(path))
