"""One channel's export run: rendered documents in, a new published tree (or a dry run) out.

A run is a *rebuild* (every translation group rendered; indexes, manifest and journal encoded
from what was rendered) or *incremental* (only the groups whose inputs changed are rendered, and
the published indexes, manifest and journal are edited, see ``splice``). Incremental needs the
current tree's state (``state.py``) built from the same static inputs, and no ``--full``.
Either way a file whose bytes did not change keeps the current tree's inode (``--full`` reads
the file on disk to know, not only the manifest), and nothing is staged before the run knows it
will publish (so a run that changes nothing touches nothing).
"""

from __future__ import annotations

import hashlib
import re
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from .batches import ArticleGroup
from .channels import Channel
from .directory import PageDirectory
from .documents import SCHEMA_VERSION, GroupRenderer, alternate, index_entry, timestamp
from .errors import ExportError
from .facts import FactChanges
from .journal import (
    DELETE,
    UPSERT,
    Change,
    Compaction,
    encode_journal,
    next_journal,
    splice_journal,
)
from .plan import Skip, plan_group
from .schema import channel_schemas
from .serialize import dump_json, encode_json, sha256_hex
from .spill import FILES, Spill
from .splice import (
    INDEX,
    MEMBERS,
    Chunks,
    SortedEntries,
    SortedRegion,
    manifest_member,
    member_file,
    region,
    size_of,
)
from .state import FACTS_TIME_FORMAT, SLUG_TAKEN, ExportState, GroupRecord, SkipRecord, write_state
from .tree import (
    CHANGES,
    MANIFEST,
    PublishedTree,
    StagingTree,
    mirror,
    move_to_trash,
    read_published,
    remove_old_trees,
    write_spare,
)

# A state whose facts are older than this is rewritten even when they did not change.
FACTS_REFRESH = timedelta(days=1)
ARTICLE_PATH = re.compile(r"^(?P<locale>[^/]+)/articles/(?P<slug>[^/]+)\.json$")
_MEMBER_PATH = re.compile(rb'"([^"]+)":\{"sha256":')
Files = SortedEntries | SortedRegion  # the manifest's members
FileEntry = tuple[str, int]  # sha256, size


@dataclass
class ChannelReport:
    """What a run did (or, dry, would do) to one channel."""

    channel: str
    sequence: int = 0
    published: bool = False
    written: list[str] = field(default_factory=list)  # new or changed article documents
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    other_files: list[str] = field(default_factory=list)  # indexes, schemas that changed
    notes: list[str] = field(default_factory=list)
    # Skips found by this run, and the state's lines for the groups it did not render: an
    # incremental run reports those too, but reads them only if someone asks.
    new_skips: list[Skip] = field(default_factory=list, repr=False)
    carried_skips: list[str] = field(default_factory=list, repr=False)

    @property
    def skipped(self) -> list[Skip]:
        """Every article left out of the channel, by locale and slug."""
        skips = self.new_skips + [
            Skip(record.language, record.slug, record.reason)
            for record in map(SkipRecord.parse, self.carried_skips)
        ]
        return sorted(skips, key=lambda skip: (skip.language, skip.slug, skip.reason))


@dataclass
class RenderedPart:
    """What a worker process rendered for one channel, for the parent to merge (``workers.py``).

    The documents themselves are already in the staging tree; this is what finishing the run
    needs to know about them.
    """

    # Index entries and manifest members, in the worker's result file (``Spill.export``).
    spilled: dict[str, tuple[list[str], array, int]]
    groups: list[GroupRecord]
    skips: list[SkipRecord]
    new_skips: list[Skip]
    changes: list[Change]
    written: list[str]  # the report's: new or changed documents
    staged: list[str]  # paths given new content
    unchanged: int
    pending: tuple[list[str], list[str]] | None  # to flush (``StagingTree.take_pending``)


@dataclass(frozen=True, slots=True)
class _Document:
    """What finishing a run needs of one rendered document (its bytes are already staged)."""

    path: str
    locale: str
    slug: str
    member: bytes  # its manifest member
    entry: bytes  # its index entry, encoded


class ChannelExport:
    """Collects one channel's documents during a run and publishes them at the end."""

    def __init__(
        self,
        channel: Channel,
        root: Path,
        *,
        floor: int,
        source_language: str,
        full: bool,
        dry_run: bool,
        fsync: bool,
        now: datetime,
        compaction: Compaction,
        static: str | None,
        facts: str,
        facts_digest: str,
        facts_cache: dict[str, str] | None = None,
        previous: PublishedTree | None = None,
    ) -> None:
        self.channel = channel
        self.root = root
        self.floor = floor
        self.source_language = source_language
        self.full = full
        self.now = now
        self.compaction = compaction
        self.static = static
        self.facts = facts
        self.facts_digest = facts_digest
        if previous is None:
            previous = read_published(root, channel.name, facts_cache)
        self.previous: PublishedTree = previous
        state = self.previous.state
        # No static digest (a gate without a fingerprint) means no run can be incremental.
        self.incremental = (
            not full and static is not None and state is not None and state.static == static
        )
        # A rebuild compares with the current tree's manifest by digests of its members, and
        # reads what else it needs of the current tree again at the end: memory for files it
        # does not use while rendering would grow with the number of articles.
        self._previous_set: DigestSet | None = None
        if not self.incremental:
            self._previous_set = DigestSet(self.previous.members())
            self.previous.release()
            if state is not None:  # rebuilt from scratch
                state.groups, state.links, state.skips, state.facts = [], [], [], ""
        # A rebuild keeps its index entries in a file until the end, not in memory: an index
        # lists every article.
        self._spill = None if self.incremental else Spill()
        self.stale: set[str] | None = None  # the groups an incremental run renders
        self.staging = None
        if not dry_run:
            self.staging = StagingTree(
                root,
                channel.name,
                fsync=fsync,
                current=self.previous.path,
                spare=self.previous.spare,
            )
        self.documents: list[_Document] = []
        self.groups: list[GroupRecord] = []
        self.skips: list[SkipRecord] = []
        self.owners: dict[str, str] = {}  # contested article path → translation key
        self.contested: set[str] | None = None  # slugs several articles have (None: all)
        self.changes: list[Change] = []
        self.written: set[str] = set()  # paths given new content in the staging tree
        self.report = ChannelReport(channel.name, sequence=self.previous.sequence)
        if self.previous.problem:
            self.report.notes.append(self.previous.problem)
        self.prefixes: dict[str, str | None] = {}  # URL prefixes the run used, for the state
        self.routing = ""  # digest of what they were computed from
        self._previous_members: SortedRegion | None = None
        self._paths: list[str] | None = None  # the current tree's, once a rebuild needs them
        self._mirror: Path | None = None  # made ahead of publishing (``make_mirror``)

    # Deciding what to render

    def stale_keys(self, changes: FactChanges) -> set[str] | None:
        """The translation groups this run must render for the channel; None for all of them.

        A group is stale when one of its pages changed, when a page it links to changed, or
        when it lost a path to another article last time (the collision may be over). The
        caller adds the articles that share a slug with a stale one (``add_stale``).
        """
        state = self.previous.state
        if not self.incremental or state is None:
            return None
        stale = set(changes.keys) | {skip.key for skip in state.collided()}
        for key in changes.keys:
            stale.update(state.dependents(f"k:{key}"))
        for page_id in changes.page_ids:
            stale.update(state.dependents(f"p:{page_id}"))
        self.stale = stale
        return stale

    def add_stale(self, keys: set[str]) -> None:
        if self.stale is not None:
            self.stale |= keys

    def wants(self, key: str) -> bool:
        """Whether the group with translation key ``key`` is rendered for this channel."""
        return self.stale is None or key in self.stale

    # Rendering

    def add(
        self,
        group: ArticleGroup,
        renderer: GroupRenderer,
        directory: PageDirectory,
        blocked: dict[int, list[str]],
    ) -> None:
        """Render and stage the documents of one translation group."""
        planned, skipped = plan_group(
            group,
            self.channel,
            self.source_language,
            blocked,
            lambda page_id: directory.relative_url(page_id) is not None,
        )
        kept = []
        for document in planned:
            owner = document.translation_key
            if self.contested is None or document.page.slug in self.contested:
                owner = self.owners.setdefault(document.path, document.translation_key)
            if owner != document.translation_key:
                skipped.append(Skip(document.language, document.page.slug, SLUG_TAKEN + owner))
            else:
                kept.append(document)
        links = [alternate(document, self.channel, directory) for document in kept]
        for document in kept:
            others = [link for link in links if link["locale"] != document.language]
            data, header = renderer.document(document, self.channel, others)
            self._add_article(document.path, data, header)
        key = group.translation_key
        self.report.new_skips.extend(skipped)
        self.skips.extend(SkipRecord(key, s.language, s.slug, s.reason) for s in skipped)
        if kept or skipped:
            depends_on = {
                f"k:{directory.key_of(page_id)}" if directory.key_of(page_id) else f"p:{page_id}"
                for page_id in renderer.linked
            }
            paths = tuple(document.path for document in kept)
            self.groups.append(GroupRecord(key, paths, tuple(sorted(depends_on))))

    # Rendering in several processes (a rebuild only, see workers.py)

    def start_part(self) -> None:
        """In a worker process: collect from here on what the parent must merge.

        The spill's temporary files are the parent's too (inherited descriptors): the worker
        gets its own.
        """
        if self._spill is None:
            raise ExportError("only a rebuild is rendered in several processes")
        self._spill = Spill()
        self.groups, self.skips, self.changes, self.written = [], [], [], set()
        self.report = ChannelReport(self.channel.name)
        if self.staging is not None:
            self.staging.take_pending()

    def take_part(self, result: BinaryIO) -> RenderedPart:
        """In a worker process: what it rendered, for ``merge_part`` in the parent.

        Index entries and manifest members go to the file ``result``.
        """
        return RenderedPart(
            spilled=self._spill.export(result),
            groups=self.groups,
            skips=self.skips,
            new_skips=self.report.new_skips,
            changes=self.changes,
            written=self.report.written,
            staged=sorted(self.written),
            unchanged=self.report.unchanged,
            pending=None if self.staging is None else self.staging.take_pending(),
        )

    def merge_part(self, part: RenderedPart, result: int) -> None:
        """Take in what a worker process rendered, as if this process had rendered it.

        ``result`` is the descriptor of the file the worker wrote its part to.
        """
        self._spill.absorb(part.spilled, result)
        self.groups.extend(part.groups)
        self.skips.extend(part.skips)
        self.report.new_skips.extend(part.new_skips)
        self.changes.extend(part.changes)
        self.report.written.extend(part.written)
        self.written.update(part.staged)
        self.report.unchanged += part.unchanged
        if self.staging is not None:
            self.staging.add_pending(part.pending)

    def _add_article(self, path: str, data: bytes, header: dict[str, Any]) -> None:
        sha256, size = sha256_hex(data), len(data)
        same = self._stage(path, data, (sha256, size))
        entry = encode_json(index_entry(header, path, sha256))
        if self._spill is not None:
            self._spill.add(header["locale"], header["slug"], entry)
        else:
            member = manifest_member(path, sha256, size)
            self.documents.append(_Document(path, header["locale"], header["slug"], member, entry))
        if same:
            self.report.unchanged += 1
            return
        self.report.written.append(path)
        self.changes.append(
            Change(UPSERT, path, header["id"], header["locale"], header["slug"], sha256)
        )

    def _stage(self, path: str, data: bytes | Chunks | BinaryIO, entry: FileEntry) -> bool:
        """Stage a file; return whether the current tree's manifest lists the same bytes."""
        if self._previous_set is None:
            same = self._previous_entry(path) == entry
        else:
            member = manifest_member(path, *entry)
            same = member in self._previous_set
            if not self._spill.closed:  # the journal, staged last, goes straight in the manifest
                self._spill.add(FILES, path, member)
        if self.staging is None:
            return same
        # --full believes the disk, not the manifest: a file changed behind the exporter's
        # back is written again (its readers already know its published bytes: no change).
        if not same or (self.full and not self.staging.holds(path, data)):
            self.staging.write(path, data)
            self.written.add(path)
        return same

    def _previous_entry(self, path: str) -> FileEntry | None:
        """``(sha256, size)`` of ``path`` in the current tree, or None (incremental runs)."""
        if self.previous.path is None:
            return None
        member = self._previous_manifest().get(path.encode())
        return None if member is None else member_file(member)

    def _previous_manifest(self) -> SortedRegion:
        """The current tree's manifest members, read in place (an incremental run)."""
        if self._previous_members is None:
            data = self.previous.manifest_bytes
            low, high = region(data, b'"files":{', b"}}\n") if data else (0, 0)
            self._previous_members = SortedRegion(MEMBERS, data, low, high)
        return self._previous_members

    # Publishing

    def stage(self) -> bool:
        """Complete the new tree (indexes, schemas, journal, manifest last) beside the current one.

        Returns whether there is a tree to switch to: not for a dry run, nor when nothing changed.
        """
        if self.incremental:
            files, journal, history_changed = self._splice()
        else:
            files, journal, history_changed = self._rebuild()
        self.report.written.sort()
        unchanged = (
            self.previous.path is not None
            and not self.full
            and not self.changes
            and not self.report.other_files
            and not history_changed
        )
        if unchanged:
            self.abort()
            if self.staging is not None:
                # The current tree is what this run would publish: record that it was built
                # from today's facts, or the next runs would render the same groups again.
                self._refresh_state()
                self._clean_up()  # what killed runs left behind
            return False
        files.set(CHANGES.encode(), self._put(CHANGES, journal))
        sequence = _journal_sequence(journal)
        self.report.sequence = sequence
        if self.staging is None:
            return False  # a dry run stops before anything is published
        self._complete(files)
        self.staging.write(MANIFEST, self._manifest(files, sequence))  # last: the tree is whole
        self.written.add(MANIFEST)
        write_state(self.root, self._state(sequence), remember=self.incremental)
        # What is left is switching: let go of what every channel's run listed.
        self.documents, self.groups, self.skips, self._paths = [], [], [], None
        return True

    def publish(self) -> None:
        """Switch the channel to the staged tree and prepare the next run's starting point."""
        self.staging.switch()
        self.report.published = True
        self._prepare_spare()
        self._clean_up()

    def _clean_up(self) -> None:
        budget = None
        if self.incremental:
            # As many files as this run wrote: old trees go at the pace of changes.
            budget = len(self.report.written) + len(self.report.deleted)
        remove_old_trees(self.root, self.channel.name, budget)

    def abort(self) -> None:
        """Throw away the staged tree; the published one was never touched."""
        if self._spill is not None:
            self._spill.close()
        if self.staging is not None:
            self.staging.discard()
        if self._mirror is not None:
            move_to_trash(self.root, self._mirror)
            self._mirror = None

    @property
    def needs_mirror(self) -> bool:
        """Whether publishing will mirror the new tree for the next run (see ``_prepare_spare``)."""
        return self.staging is not None and self.previous.path is None

    def make_mirror(self) -> None:
        """Mirror the staged tree now, for ``publish`` to record as the next run's spare.

        Call it once ``stage`` has returned True (the tree is whole and will not change); it
        only makes links, so it may run in another thread while other channels stage and the
        run syncs. ``abort`` throws the mirror away if the tree is never published.
        """
        self._mirror = mirror(self.root, self.channel.name, self.staging.path)

    def _rebuild(self) -> tuple[SortedEntries, bytes | Chunks, bool]:
        """Indexes, schemas, journal and manifest from what was rendered."""
        for locale in self.channel.locales:
            head, *_entries, tail = self._index(locale, [])
            with self._spill.sorted_file(locale, head, tail) as index:
                self._put(f"{locale}/index.json", index)
        for name, schema in channel_schemas(self.channel).items():
            self._put(f"schema/{name}", dump_json(schema))
        produced = self._spill.keys(FILES)
        gone = sorted(
            path
            for path in self._previous_paths()
            if ARTICLE_PATH.match(path) and path not in produced
        )
        del produced
        for path in gone:
            self._tombstone(path, self._previous_identity(path))
        if self.previous.path is None:
            journal = next_journal(
                self.channel.name, None, self.floor, self.changes, self.now, self.compaction
            )
            return self._files(), encode_journal(journal), True
        journal, changed = self._splice_journal(always=True)
        return self._files(), journal, changed

    def _files(self) -> SortedEntries:
        members = [bytes(member) for member in self._spill.entries(FILES, separate=False)]
        self._spill.close()
        return SortedEntries(MEMBERS, members)

    def _previous_paths(self) -> list[str]:
        """Every path the current tree's manifest lists (a rebuild reads it again to know)."""
        if self._paths is None:
            self._paths = [
                path.decode() for path in _MEMBER_PATH.findall(self.previous.manifest_bytes)
            ]
            self.previous.release()
        return self._paths

    def _previous_identity(self, path: str) -> str:
        """The translation key of a document of the current tree (for its tombstone)."""
        head = self._read_previous(path)[:200]
        match = re.match(rb'\{"schema_version":\d+,"id":"([^"]*)"', head)
        return match[1].decode() if match else ""

    def _splice(self) -> tuple[SortedRegion, bytes, bool]:
        """The published indexes, journal and manifest, edited where documents changed."""
        state = self.previous.state
        previous = self._previous_manifest()
        files = SortedRegion(MEMBERS, previous.data, previous.low, previous.high)
        owners: dict[str, str] = {}  # old article path → translation key
        for key in self.stale:
            record = state.group(key)
            if record is not None:
                owners.update(dict.fromkeys(record.paths, key))
        produced = {document.path for document in self.documents}
        self.report.unchanged += state.documents - len(owners)
        stale = self.stale
        self.report.carried_skips = [
            line for line in state.skips if line.partition("\t")[0] not in stale
        ]
        gone = sorted(set(owners) - produced)
        # A document with the same bytes has the same index entry and manifest member: only
        # the written and the gone ones change the indexes and the manifest.
        written = set(self.report.written)
        changed = [document for document in self.documents if document.path in written]
        for locale in self.channel.locales:
            removed = [path for path in gone if path.startswith(f"{locale}/")]
            added = [document for document in changed if document.locale == locale]
            if not removed and not added:
                continue
            path = f"{locale}/index.json"
            data = self._read_previous(path)
            low, high = region(data, b'"articles":[', b"]}\n")
            entries = SortedRegion(INDEX, data, low, high)
            for old in removed:
                entries.set(ARTICLE_PATH.match(old)["slug"].encode(), None)
            for document in added:
                entries.set(document.slug.encode(), document.entry)
            view = memoryview(data)
            index = [view[:low], *entries.render(), view[high:]]
            files.set(path.encode(), self._put(path, index))
        for path in gone:
            files.set(path.encode(), None)
            self._tombstone(path, owners[path])
        for document in changed:
            files.set(document.path.encode(), document.member)
        journal, changed = self._splice_journal()
        return files, journal, changed

    def _splice_journal(self, *, always: bool = False) -> tuple[Chunks, bool]:
        """The current journal with this run's changes (see ``journal.splice_journal``)."""
        return splice_journal(
            self.channel.name,
            self.previous.journal_bytes,
            self.floor,
            self.changes,
            self.now,
            self.compaction,
            always=always,
        )

    def _tombstone(self, path: str, identity: str) -> None:
        match = ARTICLE_PATH.match(path)
        self.changes.append(Change(DELETE, path, identity, match["locale"], match["slug"]))
        self.report.deleted.append(path)

    def _index(self, locale: str, entries: Chunks) -> Chunks:
        head = {
            "schema_version": SCHEMA_VERSION,
            "channel": self.channel.name,
            "locale": locale,
            "articles": [],
        }
        return [encode_json(head)[:-2], *entries, b"]}\n"]

    def _manifest(self, files: Files, sequence: int) -> Chunks:
        head = {
            "schema_version": SCHEMA_VERSION,
            "channel": self.channel.name,
            "sequence": sequence,
            "generated_at": timestamp(self.now),
            "locales": list(self.channel.locales),
            "files": {},
        }
        rendered = files.render()
        return [
            encode_json(head)[:-2],
            *([rendered] if isinstance(rendered, bytes) else rendered),
            b"}}\n",
        ]

    def _put(self, path: str, data: bytes | Chunks | BinaryIO) -> bytes:
        """Stage a file other than an article; return its manifest member."""
        entry = (sha256_hex(data), size_of(data))
        if not self._stage(path, data, entry) and path != CHANGES:
            self.report.other_files.append(path)
        return manifest_member(path, *entry)

    def _complete(self, files: Files) -> None:
        """Give every path of the new tree that was not written the current tree's file.

        A recycled tree already holds the current tree's file except at the paths recorded as
        differing, and holds files the new tree must not have (deleted documents, and the
        paths that differed). A tree built from nothing needs every unchanged file linked.
        """
        staging = self.staging
        if staging.recycled:
            candidates = set(staging.differs) | set(self.report.deleted)
            if not self.incremental:
                candidates |= set(self._previous_paths())
        else:
            candidates = {key.decode() for key in files.all_keys()}
        for path in sorted(candidates - self.written - {MANIFEST}):
            member = files.get(path.encode())
            if member is None:
                staging.remove(path)
            elif not staging.keep(path, member_file(member)[1]):
                raise ExportError(
                    f"{self.previous.path / path} was changed or removed outside "
                    "export_channels; run export_channels --full to rewrite every file"
                )

    def _refresh_state(self) -> None:
        """Rewrite the current tree's state when this run found it built from older inputs."""
        state = self.previous.state
        if self.previous.path is None:
            return
        inputs = (self.static or "", self.facts_digest, self.routing, self.prefixes)
        recorded = (
            (state.static, state.facts_digest, state.routing, state.prefixes) if state else ()
        )
        # The same facts, read lately enough that the next run's change notes start near now.
        if recorded == inputs and state.facts_at >= _iso(self.now - FACTS_REFRESH):
            return
        state = self._state(self.previous.sequence, tree=self.previous.path.name)
        write_state(self.root, state, remember=self.incremental)

    def _state(self, sequence: int, tree: str | None = None) -> ExportState:
        previous = self.previous.state
        new = ExportState(
            channel=self.channel.name,
            tree=tree or self.staging.create().name,
            static=self.static or "",
            sequence=sequence,
            documents=self.report.unchanged + len(self.report.written),
            prefixes=self.prefixes,
            routing=self.routing,
            facts=self.facts,
            facts_digest=self.facts_digest,
            facts_at=_iso(self.now),
        )
        if self.incremental and previous is not None:
            previous.replace_groups(self.stale, self.groups, self.skips)
            new.groups, new.links, new.skips = previous.groups, previous.links, previous.skips
        else:
            new.groups = sorted(record.line() for record in self.groups)
            new.links = sorted(f"{d}\t{r.key}" for r in self.groups for d in r.depends_on)
            new.skips = sorted(record.line() for record in self.skips)
        return new

    def _prepare_spare(self) -> None:
        """Record the tree the next run starts from, and where it differs from the new one.

        That is the tree just replaced, which differs where this run wrote or deleted; after
        a first export (nothing was replaced), a mirror of the new tree.
        """
        tree = self.staging.path
        previous = self.previous.path
        if previous is None:
            if self._mirror is None:
                self.make_mirror()
            spare, differs = self._mirror, set()
        else:
            spare, differs = previous, self.written | set(self.report.deleted)
        write_spare(self.root, tree.name, spare, differs)

    def _read_previous(self, path: str) -> bytes:
        if self.previous.path is None:
            return b""
        try:
            return (self.previous.path / path).read_bytes()
        except OSError:
            return b""


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(FACTS_TIME_FORMAT)  # fixed width: compares as text


def _journal_sequence(journal: bytes | Chunks) -> int:
    head = bytes(journal if isinstance(journal, bytes) else journal[0])
    marker = b'"sequence":'
    start = head.index(marker) + len(marker)
    return int(head[start : head.index(b",", start)])


_LOW_64 = (1 << 64) - 1


class DigestSet:
    """A set of byte strings by their 128-bit digests, in two sorted arrays: 16 bytes each.

    A rebuild's view of the current tree's manifest: "is this member (path, sha256, size)
    there?" for every document, at a fraction of the memory of the members themselves.
    """

    def __init__(self, items: Iterable[bytes]) -> None:
        # Sorted as one 128-bit number each, then split: sorting ints is twice as fast as
        # sorting pairs, and a rebuild builds one of these per channel before it can start.
        digests = sorted(map(self._digest, items))
        self._high = array("Q", [digest >> 64 for digest in digests])
        self._low = array("Q", [digest & _LOW_64 for digest in digests])

    @staticmethod
    def _digest(item: bytes) -> int:
        return int.from_bytes(hashlib.blake2b(item, digest_size=16).digest())

    def __contains__(self, item: bytes) -> bool:
        digest = self._digest(item)
        high, low = digest >> 64, digest & _LOW_64
        index = bisect_left(self._high, high)
        while index < len(self._high) and self._high[index] == high:
            if self._low[index] == low:
                return True
            index += 1
        return False
