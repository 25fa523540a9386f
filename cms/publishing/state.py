"""What a published tree was built from, kept beside it so the next run renders only changes.

``exports/.state/<tree>`` (never served) records, for the tree ``exports/.trees/<tree>``:

- ``static``: a digest of everything every document depends on at once (channel
  configuration, schema version, exporter code, site roots, gate fingerprints). When it changes,
  the next run rebuilds every document. ``prefixes``: the URL prefix of each language, which
  the next run reuses rather than loading the URL configuration, as long as what they were
  computed from (``routing``) is the same.
- ``facts``: the page facts the documents were built from (``facts.load_facts``), by digest:
  channels exported together share one ``.state/_facts.<digest>`` file; ``facts_at``: when
  they were read, from which the next run reads the change notes (``changes.py``).
- ``groups``: per translation group with documents or skips in the channel, its document paths
  and the pages its rich text links to; ``links``: the same dependencies, by linked page.
- ``skips``: the articles left out and why, so an incremental run still reports them.

``.state/.code-fingerprint`` keeps the digest of the exporter's code with what it was computed
from (``fingerprint.code_fingerprint``), so a fresh process need not read every source file.

The state is a cache: a missing, damaged or mismatched one only makes the next run rebuild.
It is written before the switch and needs no flush: a tree published without its state is
still whole, and the next run notices.

Layout: a JSON header line with the sections' lengths, then the sections, each a list of
tab-separated lines (no field holds a tab or newline).
"""

from __future__ import annotations

import json
import os
from bisect import bisect_left, bisect_right
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

STATE_DIR = ".state"
FORMAT = 2
SECTIONS = ("groups", "links", "skips")
# The exporter code's digest, kept between processes (``fingerprint.code_fingerprint``); the
# dot keeps it out of what ``remove_unused_facts`` and ``tree.remove_old_trees`` look at.
CODE_FINGERPRINT = ".code-fingerprint"
FACTS_PREFIX = "_facts."  # "_" cannot start a channel name: no tree or state is called so
SLUG_TAKEN = "slug taken by "
FACTS_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # UTC, fixed width
# A process that exports again and again (the task worker) reads back the state each channel's
# incremental run wrote the run before: it keeps the last one per channel as written, with the
# file's identity (a state is replaced, never rewritten in place: a new one has a new inode).
# Rebuilds remember nothing: their states grow with the site, and they run rarely.
_remembered: dict[tuple[str, str], tuple[Path, tuple[int, int, int], ExportState]] = {}
# The facts digest each file of ``.state`` names, by path, with the file's identity.
_named_facts: dict[str, tuple[tuple[int, int, int], str | None]] = {}


def clean_field(text: str) -> str:
    """A value that cannot break the line format."""
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")


@dataclass(frozen=True, slots=True)
class GroupRecord:
    """One translation group's share of a channel's export."""

    key: str
    paths: tuple[str, ...]  # article documents, "<locale>/articles/<slug>.json"
    depends_on: tuple[str, ...]  # "k:<translation key>" of linked pages, "p:<id>" if hidden

    def line(self) -> str:
        return f"{self.key}\t{' '.join(self.paths)}\t{' '.join(self.depends_on)}"

    @classmethod
    def parse(cls, line: str) -> GroupRecord:
        key, paths, depends_on = line.split("\t")
        return cls(key, tuple(paths.split()), tuple(depends_on.split()))


@dataclass(frozen=True, slots=True)
class SkipRecord:
    """An article left out of one channel locale."""

    key: str
    language: str
    slug: str
    reason: str

    def line(self) -> str:
        return f"{self.key}\t{self.language}\t{self.slug}\t{clean_field(self.reason)}"

    @classmethod
    def parse(cls, line: str) -> SkipRecord:
        return cls(*line.split("\t", 3))


@dataclass
class ExportState:
    """The state of one tree: header fields and sorted line sections."""

    channel: str
    tree: str
    static: str
    sequence: int
    documents: int
    prefixes: dict[str, str | None] = field(default_factory=dict)  # URL prefix per language
    routing: str = ""  # digest of what the prefixes were computed from
    facts: str = ""
    facts_digest: str = ""
    facts_at: str = ""  # when the facts were read (ISO 8601): where the change notes start
    groups: list[str] = field(default_factory=list)  # GroupRecord lines, sorted by key
    links: list[str] = field(default_factory=list)  # "<dependency>\t<key>", sorted
    skips: list[str] = field(default_factory=list)  # SkipRecord lines, sorted by key

    def group(self, key: str) -> GroupRecord | None:
        index = bisect_left(self.groups, key + "\t")
        if index < len(self.groups) and self.groups[index].startswith(key + "\t"):
            return GroupRecord.parse(self.groups[index])
        return None

    def dependents(self, dependency: str) -> list[str]:
        """The keys of the groups whose documents link to ``dependency``."""
        start = bisect_left(self.links, dependency + "\t")
        stop = bisect_right(self.links, dependency + "\t\uffff")
        return [line.split("\t", 1)[1] for line in self.links[start:stop]]

    def collided(self) -> list[SkipRecord]:
        """Documents left out because another article has their path (a slug collision)."""
        return [SkipRecord.parse(line) for line in self.skips if SLUG_TAKEN in line]

    def replace_groups(
        self, keys: set[str], groups: list[GroupRecord], skips: list[SkipRecord]
    ) -> None:
        """Swap the records of ``keys`` for new ones (the groups an incremental run rebuilt)."""
        self.groups = _replace(self.groups, keys, [g.line() for g in groups])
        self.skips = _replace(self.skips, keys, [s.line() for s in skips])
        links = [line for line in self.links if line.rsplit("\t", 1)[1] not in keys]
        links += [f"{dep}\t{g.key}" for g in groups for dep in g.depends_on]
        self.links = sorted(links)

    def copy(self) -> ExportState:
        """A copy whose line lists can be changed without changing this one's."""
        return replace(
            self,
            prefixes=dict(self.prefixes),
            groups=list(self.groups),
            links=list(self.links),
            skips=list(self.skips),
        )

    def encode(self) -> bytes:
        sections = [
            "\n".join(lines).encode("utf-8") for lines in (self.groups, self.links, self.skips)
        ]
        header = {
            "format": FORMAT,
            "channel": self.channel,
            "tree": self.tree,
            "static": self.static,
            "sequence": self.sequence,
            "documents": self.documents,
            "prefixes": self.prefixes,
            "routing": self.routing,
            "facts": self.facts_digest,
            "facts_at": self.facts_at,
            "sections": [len(section) for section in sections],
        }
        return json.dumps(header).encode("ascii") + b"\n" + b"".join(sections)


def _replace(lines: list[str], keys: set[str], new: list[str]) -> list[str]:
    """Drop the lines of ``keys`` (lines start with "<key>\\t"), add ``new``, keep it sorted."""
    if len(keys) * 8 < len(lines):
        # Few keys: cut their ranges out of the sorted list instead of scanning every line.
        kept = list(lines)
        for key in sorted(keys, reverse=True):
            start = bisect_left(kept, key + "\t")
            stop = bisect_right(kept, key + "\t\uffff")
            del kept[start:stop]
    else:
        kept = [line for line in lines if line.split("\t", 1)[0] not in keys]
    for line in new:
        kept.insert(bisect_right(kept, line), line)
    return kept


def state_path(root: Path, tree: str) -> Path:
    return root / STATE_DIR / tree


def read_state(
    root: Path, channel: str, tree: str, facts: dict[str, str] | None = None
) -> ExportState | None:
    """The state of ``tree``, or None if it is missing or does not belong to it.

    ``facts`` caches facts files by digest across the channels of a run.
    """
    facts = {} if facts is None else facts
    path = state_path(root, tree)
    try:
        identity = _identity(path)
    except OSError:
        return None
    remembered = _remembered.get((str(root), channel))
    if remembered is not None and remembered[:2] == (path, identity):
        state = remembered[2]
        facts.setdefault(state.facts_digest, state.facts)
        return state.copy()  # the run changes its lists
    return _read_state(path, channel, tree, facts)


def _identity(path: Path) -> tuple[int, int, int]:
    stat = os.stat(path)
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def _read_state(path: Path, channel: str, tree: str, facts: dict[str, str]) -> ExportState | None:
    root = path.parent.parent
    try:
        data = path.read_bytes()
        end = data.index(b"\n")
        header = json.loads(data[:end])
        if header.get("format") != FORMAT or (header["channel"], header["tree"]) != (channel, tree):
            return None
        sections, offset = [], end + 1
        for length in header["sections"]:
            sections.append(data[offset : offset + length].decode("utf-8"))
            offset += length
        if offset != len(data) or len(sections) != len(SECTIONS):
            return None
        groups, links, skips = sections
        digest = header["facts"]
        if digest not in facts:
            facts[digest] = (root / STATE_DIR / f"{FACTS_PREFIX}{digest}").read_text("utf-8")
        return ExportState(
            channel=channel,
            tree=tree,
            static=header["static"],
            sequence=header["sequence"],
            documents=header["documents"],
            prefixes=header["prefixes"],
            routing=header["routing"],
            facts=facts[digest],
            facts_digest=digest,
            facts_at=header.get("facts_at", ""),
            groups=groups.split("\n") if groups else [],
            links=links.split("\n") if links else [],
            skips=skips.split("\n") if skips else [],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_state(root: Path, state: ExportState, *, remember: bool = False) -> None:
    """Write the state of a tree about to be published (no flush: it is a cache).

    ``remember``: keep it in memory for this process's next run, which reads it back (the
    caller lets go of it: it is not copied).
    """
    directory = root / STATE_DIR
    directory.mkdir(exist_ok=True)
    facts = directory / f"{FACTS_PREFIX}{state.facts_digest}"
    if not facts.exists():
        # Named after the tree too: channels staged at once may write the same facts.
        temporary = directory / f".{FACTS_PREFIX}{state.facts_digest}.{state.tree}.tmp"
        temporary.write_text(state.facts, encoding="utf-8")
        os.replace(temporary, facts)
    temporary = directory / f".{state.tree}.tmp"
    temporary.write_bytes(state.encode())
    path = state_path(root, state.tree)
    os.replace(temporary, path)
    key = (str(root), state.channel)
    if remember:
        _remembered[key] = (path, _identity(path), state)
    else:
        _remembered.pop(key, None)


def _facts_named_in(path: Path) -> str | None:
    """The facts digest a state file's header names (None for a spare record).

    Kept by the file's identity: a state is replaced, never rewritten in place, and every run
    asks about every state, most of which it did not touch.
    """
    identity = _identity(path)
    known = _named_facts.get(str(path))
    if known is not None and known[0] == identity:
        return known[1]
    with open(path, "rb") as handle:
        digest = json.loads(handle.readline()).get("facts")
    _named_facts[str(path)] = (identity, digest)
    return digest


def remove_unused_facts(root: Path) -> None:
    """Delete the facts files no state refers to any more (call it holding the lock)."""
    directory = root / STATE_DIR
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return
    used = set()
    for name in names:
        if name.startswith((".", FACTS_PREFIX)):
            if name.startswith(f".{FACTS_PREFIX}") and name.endswith(".tmp"):
                (directory / name).unlink(missing_ok=True)  # left by a run killed mid-write
            continue
        with suppress(OSError, ValueError, AttributeError):
            used.add(_facts_named_in(directory / name))
    for gone in _named_facts.keys() - {str(directory / name) for name in names}:
        del _named_facts[gone]
    for name in names:
        if name.startswith(FACTS_PREFIX) and name.removeprefix(FACTS_PREFIX) not in used:
            (directory / name).unlink(missing_ok=True)
