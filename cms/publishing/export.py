"""``export_channels``: publish the live articles to every configured channel in one pass.

One pass renders each translation group once for all selected channels, and each channel
builds its tree aside and switches to it at the end, atomically. A run is incremental when it
can be: the page facts (``facts.py``) are compared with those the current trees were built from,
and only the groups whose inputs changed are read and rendered. The database work does not grow
with the number of pages: a handful of queries whatever the number of articles (sequence
marks, view restrictions and site roots in one; the change notes; facts; slug collisions; the
directory; one streaming query for the articles; raising the sequence marks), plus what the
gates do, in bulk, per batch. They are written out in SQL (``sql.py``), not built by the ORM.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from wagtail.models import Locale

from . import sql
from .batches import ArticleGroup, iter_article_batches
from .builder import ChannelExport, ChannelReport
from .changes import prune_changes, refresh_facts
from .channels import Channel, load_channels
from .directory import RESTRICTED_FROM, SITE_ROOTS_FROM, PageDirectory, Visibility
from .documents import GroupRenderer
from .errors import ExportError
from .facts import (
    FactChanges,
    colliding_keys,
    compare_facts,
    contested_keys,
    contested_slugs,
    load_facts,
)
from .fingerprint import digest, routing_inputs, static_fingerprint
from .gates import Gate, gate_fingerprints, load_gates, run_gates
from .journal import DEFAULT_JOURNAL_MAX_ENTRIES, Compaction
from .richtext import linked_pages
from .serialize import sha256_hex
from .state import CODE_FINGERPRINT, STATE_DIR, ExportState, remove_unused_facts
from .tree import TrashRemoval, export_lock, flush, read_published
from .workers import Advance, KeyRange, Workers, can_fork, plan_shares, process_count

Progress = Callable[[int, int], None]
# Above this many translation keys, an incremental run streams every article and skips the
# unchanged ones rather than listing the keys in its query.
KEY_FILTER_LIMIT = 2000
PROGRESS_STEP = 100  # articles between two progress reports


@dataclass
class ExportReport:
    """The outcome of a run, channel by channel."""

    dry_run: bool
    channels: list[ChannelReport] = field(default_factory=list)
    processes: int = 1  # that rendered the articles (see workers.py)


def select_channels(channels: dict[str, Channel], names: Sequence[str] | None) -> list[Channel]:
    """The channels named (all when none are), or ``ExportError`` naming an unknown one."""
    if not names:
        return list(channels.values())
    unknown = [name for name in names if name not in channels]
    if unknown:
        raise ExportError(
            f"unknown channel {unknown[0]!r}; configured channels: {', '.join(channels)} "
            f"(in {settings.EXPORT_CHANNELS_FILE})"
        )
    return [channels[name] for name in dict.fromkeys(names)]


def export_channels(
    names: Sequence[str] | None = None,
    *,
    full: bool = False,
    dry_run: bool = False,
    wait: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ExportReport:
    """Export the selected channels (all by default) and return what changed.

    Incremental unless ``full``: only the documents whose inputs changed are rendered, and a
    document whose bytes equal the published one keeps its file. ``full`` reads every page and
    renders everything, and rewrites every file whose bytes on disk differ from it.
    ``dry_run`` computes everything and writes nothing. Raises ``ExportError`` (configuration,
    lock, folder) before anything published is touched.
    """
    channels = select_channels(load_channels(), names)
    compaction = journal_compaction()
    gates = load_gates()
    root = Path(settings.EXPORT_ROOT)
    now = now or timezone.now()
    source_language = settings.TRANSLATION_SOURCE_LOCALE
    report = ExportReport(dry_run=dry_run)
    with export_lock(root, wait=wait, read_only=dry_run):
        floors, visibility, site_roots = _starting_point([c.name for c in channels], now)
        facts_cache: dict[str, str] = {}  # the previous runs' facts, by digest
        trees = {c.name: read_published(root, c.name, facts_cache) for c in channels}
        current = _current_facts(visibility, [tree.state for tree in trees.values()], full)
        facts, facts_digest = current.text, current.digest
        routing = routing_inputs(site_roots)
        fingerprints = gate_fingerprints(gates)
        # Beside the states, never served; a dry run writes nothing.
        code_cache = None if dry_run else root / STATE_DIR / CODE_FINGERPRINT
        exports: list[ChannelExport] = []
        trash_removal = None
        try:
            for channel in channels:
                static = None
                if fingerprints is not None:  # gates that may change their minds: no shortcuts
                    static = static_fingerprint(
                        channel, routing, fingerprints, source_language, code_cache
                    )
                exports.append(
                    ChannelExport(
                        channel,
                        root,
                        floor=floors.get(channel.name, 0),
                        source_language=source_language,
                        full=full,
                        dry_run=dry_run,
                        fsync=settings.EXPORT_FSYNC,
                        now=now,
                        compaction=compaction,
                        static=static,
                        facts=facts,
                        facts_digest=facts_digest,
                        previous=trees[channel.name],
                    )
                )
            facts_cache.clear()  # the states that need their facts hold them
            if not dry_run and not all(export.incremental for export in exports):
                # A run that renders everything takes long enough to delete old trees meanwhile.
                trash_removal = TrashRemoval(root)
            languages = {
                source_language,
                *(code for channel in channels for code in channel.locales),
            }
            keys = _stale_keys(exports, visibility, languages, current)
            routing_digest = digest(routing)
            prefixes = {}  # with the same routing inputs, the prefixes the last run found hold
            for export in exports:
                state = export.previous.state
                if state is not None and state.routing == routing_digest:
                    prefixes.update(state.prefixes)
            with _setup_objects_frozen():
                directory, report.processes = _render(
                    exports, gates, visibility, site_roots, prefixes, languages, keys, progress
                )
                for export in exports:
                    export.prefixes, export.routing = directory.prefixes, routing_digest
                    report.channels.append(export.report)
                staged = _stage(exports)  # none for a dry run
                if not dry_run:
                    _publish(staged, root, now)
            taken_at = current.base_taken_at
            first_today = taken_at is None or taken_at.date() != now.date()
            if not dry_run and first_today:
                prune_changes(now)  # notes only grow by a page saved: once a day will do
        finally:
            for export in exports:
                if not export.report.published:
                    export.abort()
            if trash_removal is not None:
                trash_removal.wait()
    return report


def journal_compaction() -> Compaction:
    """The journal's limits from the settings, or ``ExportError`` naming the bad one."""
    days = settings.EXPORT_TOMBSTONE_RETENTION_DAYS
    entries = getattr(settings, "EXPORT_JOURNAL_MAX_ENTRIES", DEFAULT_JOURNAL_MAX_ENTRIES)
    for name, value in (
        ("EXPORT_TOMBSTONE_RETENTION_DAYS", days),
        ("EXPORT_JOURNAL_MAX_ENTRIES", entries),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ExportError(f"settings.{name} must be a whole number, at least 1, not {value!r}")
    return Compaction(timedelta(days=days), entries)


def _stage(exports: list[ChannelExport]) -> list[ChannelExport]:
    """Complete every channel's tree and put it on disk; return those with a tree to switch to.

    An incremental run stages its channels at once, a thread each: a channel's share is mostly
    reading, hashing, writing and syncing a few large files (its indexes, journal and
    manifest), calls that let go of the GIL, so one channel's wait for the disk overlaps
    another's work. A run that rebuilds stages in turn: its work is Python, and its flush
    syncs everything once for all channels.
    """
    fsync = settings.EXPORT_FSYNC
    if len(exports) < 2 or not all(export.incremental for export in exports):
        staged: list[ChannelExport] = []
        # A rebuilt tree is mirrored for the next run (``ChannelExport.make_mirror``): tens of
        # thousands of links, system calls that let go of the GIL. Made in threads as each
        # channel is staged, they overlap the next channel's staging, each other and the sync.
        with ThreadPoolExecutor(len(exports), thread_name_prefix="mirror") as pool:
            mirrors = []
            for export in exports:
                if export.stage():
                    staged.append(export)
                    if export.needs_mirror:
                        mirrors.append(pool.submit(export.make_mirror))
            if staged and fsync:
                flush(export.staging for export in staged)  # one flush for every channel
            for made in mirrors:
                made.result()  # raises a mirror's error, if any
        return staged

    def stage(export: ChannelExport) -> bool:
        if not export.stage():
            return False
        if fsync:
            flush([export.staging])
        return True

    with ThreadPoolExecutor(len(exports), thread_name_prefix="stage") as pool:
        outcomes = list(pool.map(stage, exports))  # raises the first channel's error, if any
    return [export for export, staged in zip(exports, outcomes, strict=True) if staged]


@dataclass(frozen=True)
class CurrentFacts:
    """The page facts of this run, and what is already known of how earlier facts differ."""

    text: str
    digest: str
    known_changes: dict[str, FactChanges]  # by the digest of earlier facts
    base_taken_at: datetime | None = None  # of the facts refreshed from; None: all read now


def _current_facts(
    visibility: Visibility, states: list[ExportState | None], full: bool
) -> CurrentFacts:
    """The page facts now: from the newest previous facts and the change notes when they
    can tell, else read for every page (always for ``full``, which starts over)."""
    if not full:
        known = [state for state in states if state is not None and state.facts_at]
        if known:
            newest = max(known, key=lambda state: state.facts_at)
            # The format is ISO 8601 (state.FACTS_TIME_FORMAT); strptime would cost a few ms
            # in a fresh process, compiling its patterns.
            taken_at = datetime.fromisoformat(newest.facts_at)
            refreshed = refresh_facts(newest.facts, taken_at, visibility)
            if refreshed is not None:
                return CurrentFacts(
                    refreshed.text,
                    sha256_hex(refreshed.text.encode()),
                    {newest.facts_digest: refreshed.changes()},
                    taken_at,
                )
    text = load_facts(visibility)
    return CurrentFacts(text, sha256_hex(text.encode()), {})


@contextmanager
def _setup_objects_frozen() -> Iterator[None]:
    """Keep the cyclic garbage collector off what existed before the run, not off the run.

    A run allocates millions of short-lived objects, and every full collection would walk
    every live object again, the hundreds of thousands that importing Django and Wagtail
    created included: a tenth of the run. Frozen, those are left alone. The collector itself
    must keep running: a page built for the gates holds a reference cycle (Wagtail's stream
    values), and with collections off every decoded body would stay in memory to the end.
    """
    gc.freeze()  # no collection first: walking every object is what this avoids
    try:
        yield
    finally:
        gc.unfreeze()


def _stale_keys(
    exports: list[ChannelExport],
    visibility: Visibility,
    languages: set[str],
    facts: CurrentFacts,
) -> set[str] | None:
    """The translation keys to render for all channels together; None for every article.

    A channel that rebuilds needs every article; the incremental ones still take only theirs.
    """
    incremental = [export for export in exports if export.incremental]
    # Channels exported together share their facts: each earlier snapshot is compared once.
    compared = dict(facts.known_changes)
    compared.setdefault(facts.digest, FactChanges(frozenset(), frozenset()))
    for export in incremental:
        old = export.previous.state
        if old.facts_digest not in compared:
            compared[old.facts_digest] = compare_facts(old.facts, facts.text)
    keys: set[str] = set()
    for export in incremental:
        keys |= export.stale_keys(compared[export.previous.state.facts_digest])
    if keys:
        # Which article gets a contested path depends on all of them: render them together.
        keys = colliding_keys(visibility, languages, keys)
        for export in incremental:
            export.add_stale(keys)
    return keys if len(incremental) == len(exports) else None


def _render(
    exports: list[ChannelExport],
    gates: list[tuple[str, Gate]],
    visibility: Visibility,
    site_roots: list[tuple[str, str]],
    prefixes: dict[str, str | None],
    languages: set[str],
    keys: set[str] | None,
    progress: Progress | None,
) -> tuple[PageDirectory, int]:
    """Render the articles (those of ``keys``, or all) for every channel.

    Returns the page directory and how many processes rendered.
    """
    # Gates see pages in batches; without gates, groups are rendered as they stream in, so the
    # articles being read at any moment are one group, not a batch.
    batch_size = settings.EXPORT_BATCH_SIZE if gates else 1
    if keys is not None and not keys:  # nothing changed: nothing to read
        return PageDirectory({}, site_roots, visibility, prefixes), 1
    if keys is not None and len(keys) * len(languages) <= settings.EXPORT_BATCH_SIZE:
        # A few articles changed: read them first, then load only the part of the page tree
        # they need (their own groups and the pages they link to).
        groups = [
            group
            for batch in iter_article_batches(visibility, languages, batch_size, keys)
            for group in batch
        ]
        linked = {page_id for group in groups for page_id in _links_of(group)}
        directory = PageDirectory.load(
            visibility, keys=keys, page_ids=linked, site_roots=site_roots, prefixes=prefixes
        )
        tally = _Tally(progress, len(groups))
        _render_batches(exports, gates, directory, [groups], tally.advance)
        tally.report(final=True)
        return directory, 1
    directory = PageDirectory.load(visibility, site_roots=site_roots, prefixes=prefixes)
    contested: set[str] = set()
    if keys is None:
        contested = contested_slugs(visibility, languages)
        for export in exports:
            if not export.incremental:
                export.contested = contested
    article_keys = directory.article_keys(languages) if keys is None else keys
    tally = _Tally(progress, len(article_keys))
    shares = [(None, None)]
    if keys is None and can_fork(exports):
        shares = plan_shares(article_keys, process_count())
    if len(shares) == 1:
        listed = keys if keys is not None and len(keys) <= KEY_FILTER_LIMIT else None
        batches = iter_article_batches(visibility, languages, batch_size, listed)
        _render_batches(exports, gates, directory, batches, tally.advance)
        tally.report(final=True)
        return directory, 1

    _render_in_workers(
        exports, gates, visibility, languages, batch_size, directory, contested, shares, tally
    )
    return directory, len(shares)


def _render_in_workers(
    exports: list[ChannelExport],
    gates: list[tuple[str, Gate]],
    visibility: Visibility,
    languages: set[str],
    batch_size: int,
    directory: PageDirectory,
    contested: set[str],
    shares: list[KeyRange],
    tally: _Tally,
) -> None:
    """Render each range of ``shares`` in a worker process, and here the articles with a
    ``contested`` slug, in key order (who gets a contested path depends on the order)."""

    def share_of(key_range: KeyRange) -> Callable[[Advance], None]:
        def render(advance: Advance) -> None:
            batches = iter_article_batches(visibility, languages, batch_size, key_range=key_range)
            uncontested = (
                [group for group in batch if not _has_slug(group, contested)] for batch in batches
            )
            _render_batches(exports, gates, directory, uncontested, advance)

        return render

    workers = Workers(len(shares))
    try:
        workers.start([share_of(share) for share in shares], exports, directory)
        tally.others = workers.done
        # This process renders nothing else, so its memory holds what the run collects and
        # never a batch of pages on top.
        claimed = contested_keys(visibility, languages, contested)
        if claimed:
            batches = iter_article_batches(visibility, languages, batch_size, sorted(claimed))
            _render_batches(exports, gates, directory, batches, tally.advance)
        workers.finish(exports, directory, waiting=tally.report)
        tally.report(final=True)
    finally:
        workers.stop()


class _Tally:
    """Reports progress over the articles rendered, here and in worker processes."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0  # rendered by this process
        self.others: Callable[[], int] = lambda: 0  # by the workers
        self.reported = 0
        if progress is not None:
            progress(0, total)

    def advance(self, count: int) -> None:
        self.done += count
        self.report()

    def report(self, *, final: bool = False) -> None:
        """Report if there is enough news (or anything new, ``final``ly)."""
        if self.progress is None:
            return
        done = min(self.done + self.others(), self.total)
        if done - self.reported >= PROGRESS_STEP or (done > self.reported and final):
            self.progress(done, self.total)
            self.reported = done


def _render_batches(
    exports: list[ChannelExport],
    gates: list[tuple[str, Gate]],
    directory: PageDirectory,
    batches: Iterable[list[ArticleGroup]],
    advance: Advance,
) -> None:
    """Show each batch to the gates, then render its groups for every channel that wants them."""
    source_language = settings.TRANSLATION_SOURCE_LOCALE
    locales: dict[str, Locale] = {}
    for batch in batches:
        batch = [group for group in batch if any(e.wants(group.translation_key) for e in exports)]
        blocked: dict[int, list[str]] = {}
        if gates:
            pages = [page.as_page(locales) for group in batch for page in group.pages.values()]
            blocked = run_gates(gates, pages)
        for group in batch:
            renderer = GroupRenderer(directory, source_language)
            for export in exports:
                if export.wants(group.translation_key):
                    export.add(group, renderer, directory, blocked)
        advance(len(batch))


def _has_slug(group: ArticleGroup, slugs: set[str]) -> bool:
    return bool(slugs) and any(page.slug in slugs for page in group.pages.values())


def _links_of(group: ArticleGroup) -> Iterable[int]:
    for page in group.pages.values():
        yield from _walk_links(page.body_raw)


def _walk_links(value: Any) -> Iterable[int]:
    if isinstance(value, str):
        if "linktype" in value:
            yield from linked_pages(value)
    elif isinstance(value, dict):
        for child in value.values():
            yield from _walk_links(child)
    elif isinstance(value, list):
        for child in value:
            yield from _walk_links(child)


def _starting_point(
    names: list[str], now: datetime
) -> tuple[dict[str, int], Visibility, list[tuple[str, str]]]:
    """The channels' high-water marks (``ChannelState``), the view restrictions (as
    ``Visibility.load``) and the site roots (as ``load_site_roots``), in one query.

    Three questions a run asks first, of unrelated tables: one round trip, and on PostgreSQL
    one plan to make, where a new connection makes each with its catalog caches cold. The
    site roots are numbered in ``url_path`` order, as ``load_site_roots`` sorts them.
    """
    listed, params = sql.in_list("channel", names)
    query = (
        f"SELECT 0, channel, sequence, NULL FROM publishing_channelstate WHERE {listed}"
        f" UNION ALL SELECT 1, p.path, NULL, NULL {RESTRICTED_FROM}"
        " UNION ALL SELECT 2, p.url_path, ROW_NUMBER() OVER (ORDER BY p.url_path),"
        f" l.language_code {SITE_ROOTS_FROM}"
    )
    floors: dict[str, int] = {}
    restricted: list[str] = []
    roots: list[tuple[int, str, str]] = []
    for part, text, number, language in sql.fetch_all(query, params, prepared=True):
        if part == 0:
            floors[text] = number
        elif part == 1:
            restricted.append(text)
        else:
            roots.append((number, text, language))
    site_roots = [(url_path, language) for _number, url_path, language in sorted(roots)]
    return floors, Visibility.of(now, restricted), site_roots


def _publish(staged: list[ChannelExport], root: Path, now: datetime) -> None:
    """Switch the staged channels to their new trees and raise their high-water marks.

    Both at once: switching and tidying up ``.state`` are file-system calls, made in a thread,
    while this one (whose database connection it is) writes the marks. A mark raised for a
    switch that then fails only makes sequence numbers skip, which the contract allows; a mark
    is never lower than what a channel has published for longer than the run.
    """
    if not staged:
        remove_unused_facts(root)  # an unchanged channel may have refreshed its state
        return

    def switch() -> None:
        for export in staged:
            export.publish()
        remove_unused_facts(root)

    with ThreadPoolExecutor(1, thread_name_prefix="publish") as pool:
        switching = pool.submit(switch)
        try:
            _record_sequences([export.report for export in staged], now)
        finally:
            switching.result()  # the switches' error, if any, before the marks'


def _record_sequences(published: list[ChannelReport], now: datetime) -> None:
    """Raise the channels' high-water marks, in one upsert (``ChannelState``).

    Each new sequence was computed above the mark read under the lock, so it only ever rises.
    The statement is the one ``bulk_create(update_conflicts=True)`` builds, written out (see
    ``sql.py``).
    """
    if not published:
        return
    values, params = [], []
    at = sql.datetime_param(now)
    for report in published:
        values.append("(%s, %s, %s)")
        params += [report.channel, report.sequence, at]
    with sql.connection().cursor() as cursor:
        cursor.execute(
            "INSERT INTO publishing_channelstate (channel, sequence, published_at)"
            f" VALUES {', '.join(values)} ON CONFLICT (channel) DO UPDATE"
            " SET sequence = EXCLUDED.sequence, published_at = EXCLUDED.published_at",
            params,
        )
