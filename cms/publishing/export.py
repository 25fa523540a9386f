"""``export_channels``: publish the live articles to every configured channel.

One run, under the export lock (``lock.py``):

1. read the page facts (``pages.SiteFacts``) and plan every article's slots per channel
   (``plan.py``); an article is rendered again only when the digest of its inputs differs
   from the one its documents were built from (or everything, for ``--full``, a changed
   channel configuration, schema or exporter code, or an empty storage);
2. render those articles in batches, store each new or changed document as an immutable
   object (and its path-named copy), then record the batch in the database: document rows,
   journal entries and the sequence numbers they took, in one transaction;
3. publish: indexes, journal and schemas as objects, then the manifest, the one switch; then
   delete what the switch made obsolete and send ``export_published``.

The database leads and storage follows: every row names an object stored before the row was
written, so a run killed at any moment leaves the previous manifest (and everything it lists)
in place, and the next run publishes what the database holds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .channels import Channel, load_channels
from .documents import SCHEMA_VERSION, Renderer, index_entry, links_of, prepare_links, timestamp
from .errors import ExportError
from .journal import DELETE, UPSERT, Change, Compaction, journal_compaction
from .lock import export_lock
from .models import ChannelState, ExportedDocument
from .pages import PageUrls, SiteFacts, load_articles
from .plan import Slot, group_inputs, plan_group, requirements, settle_paths
from .publish import publish_channel
from .serialize import sha256_hex
from .store import ChannelStore, export_storage

Progress = Callable[[int, int], None]
BATCH_SIZE = 200  # articles loaded and rendered at once: bounds the run's memory
UPLOAD_THREADS = 8  # stores are network round trips on object storage: overlap them


@dataclass
class ChannelReport:
    """The outcome of a run for one channel."""

    channel: str
    sequence: int = 0
    published: bool = False
    written: list[str] = field(default_factory=list)  # article paths new or changed
    deleted: list[str] = field(default_factory=list)  # article paths removed
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # "skipped: slug (locale): reason"
    failed: list[str] = field(default_factory=list)
    other_files: list[str] = field(default_factory=list)  # indexes, journal, schemas rewritten
    notes: list[str] = field(default_factory=list)


@dataclass
class ExportReport:
    """The outcome of a run, channel by channel."""

    dry_run: bool
    channels: list[ChannelReport] = field(default_factory=list)
    processes: int = 1


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

    Incremental unless ``full``: only articles whose inputs changed are rendered, and only
    documents whose bytes changed are stored. ``full`` renders every article and stores every
    document and copy again (repairing anything changed behind the exporter's back).
    ``dry_run`` computes everything and writes nothing. Raises ``ExportError`` (configuration,
    lock, storage) before anything published is touched.
    """
    channels = select_channels(load_channels(), names)
    compaction = journal_compaction()
    storage = export_storage()
    now = now or timezone.now()
    source_language = settings.TRANSLATION_SOURCE_LOCALE
    report = ExportReport(dry_run=dry_run)
    with export_lock(wait=wait):
        facts = SiteFacts(now)
        runs = [
            ChannelRun(
                channel, ChannelStore(storage, channel.name), facts, full, dry_run, now, compaction
            )
            for channel in channels
        ]
        keys = sorted(set().union(*(run.stale for run in runs)))
        urls = PageUrls()
        if progress is not None:
            progress(0, len(keys))
        with ThreadPoolExecutor(UPLOAD_THREADS, thread_name_prefix="export-upload") as uploads:
            for start in range(0, len(keys), BATCH_SIZE):
                batch = keys[start : start + BATCH_SIZE]
                _render_batch(runs, batch, facts, urls, source_language, uploads)
                if progress is not None:
                    progress(min(start + BATCH_SIZE, len(keys)), len(keys))
        for run in runs:
            run.finish_plan()
            if dry_run:
                run.preview()
            else:
                publish_channel(run, compaction, now)
            report.channels.append(run.report)
    return report


def _render_batch(
    runs: list[ChannelRun],
    batch: list[str],
    facts: SiteFacts,
    urls: PageUrls,
    source_language: str,
    uploads: ThreadPoolExecutor,
) -> None:
    """Load the batch's pages once, render them for every channel that needs them."""
    page_ids = {slot.page.id for run in runs for key in batch for slot in run.slots.get(key, ())}
    pages = load_articles(page_ids)
    links = {page_id: links_of(page) for page_id, page in pages.items()}
    languages = {language for run in runs for language in run.channel.locales}
    prepare_links(facts, urls, set().union(*links.values()), languages)
    renderer = Renderer(facts, urls, source_language, bodies={})
    pending = []
    for run in runs:
        pending.extend(run.render(batch, pages, links, renderer, uploads))
    for stored in pending:
        stored.result()  # an upload's error stops the run before any row names its object
    for run in runs:
        run.record_batch()


class ChannelRun:
    """One channel's part of a run: its plan, the documents rendered, what to record."""

    def __init__(
        self,
        channel: Channel,
        store: ChannelStore,
        facts: SiteFacts,
        full: bool,
        dry_run: bool,
        now: datetime,
        compaction: Compaction,
    ) -> None:
        self.channel = channel
        self.compaction = compaction
        self.store = store
        self.facts = facts
        self.dry_run = dry_run
        self.now = now
        self.report = ChannelReport(channel.name)
        self.state = ChannelState.objects.filter(channel=channel.name).first() or ChannelState(
            channel=channel.name
        )
        self.digest = channel_digest(channel, facts)
        # A new configuration, schema or code, or an export missing from storage: render and
        # publish everything.
        self.must_publish = (
            self.state.config_digest != self.digest
            or not self.state.manifest_sha256
            or not store.exists("manifest.json")
        )
        self.rebuild = full or self.must_publish
        self.full = full
        # key -> locale -> the row's values
        self.previous = _previous_rows(channel.name)
        links_by_key = {
            key: next(iter(rows.values()))["links"] for key, rows in self.previous.items()
        }
        inputs_by_key = {
            key: next(iter(rows.values()))["inputs"] for key, rows in self.previous.items()
        }
        planned = {
            key: plan_group(facts, channel, key, settings.TRANSLATION_SOURCE_LOCALE)
            for key in facts.article_keys()
        }
        settle_paths(planned)
        self.slots: dict[str, list[Slot]] = {}
        self.inputs: dict[str, str] = {}
        self.stale: set[str] = set()
        for key, slots in planned.items():
            inputs = group_inputs(facts, key, slots, links_by_key.get(key, ()), self.digest)
            if self.rebuild or inputs_by_key.get(key) != inputs:
                self.stale.add(key)
                self.slots[key] = slots
                self.inputs[key] = inputs
        self.unchanged_keys = len(planned) - len(self.stale)
        # Articles exported before that have no slot now: every document of theirs goes.
        self.stale.update(set(inputs_by_key) - set(planned))
        # Paths that change hands this run: the new holder's upsert replaces the old one's
        # tombstone (a journal says delete only for a path nobody holds any more).
        self.claimed = {
            slot.path: key
            for key, slots in self.slots.items()
            for slot in slots
            if not slot.withheld
        }
        self._rows: list[ExportedDocument] = []
        self._removed: list[tuple[str, str]] = []  # (key, locale) rows to delete
        self._changes: list[Change] = []
        self.changes_recorded = False

    def render(
        self,
        batch: list[str],
        pages: dict[int, Any],
        links: dict[int, set[int]],
        renderer: Renderer,
        uploads: ThreadPoolExecutor,
    ) -> list:
        """Render this channel's stale articles of ``batch``; returns the pending uploads."""
        pending = []
        channel = self.channel
        for key in batch:
            if key not in self.stale:
                continue
            slots = self.slots.get(key, [])
            group_links = sorted({link for slot in slots for link in links.get(slot.page.id, ())})
            for slot in slots:
                page = pages.get(slot.page.id)
                if page is None:  # unpublished since the facts were read
                    slot.withheld.append("no longer live")
                elif not slot.withheld:
                    slot.withheld.extend(requirements(page, channel))
                    if renderer.url(page, channel) is None:
                        slot.withheld.append(
                            "no URL yet (not below a site root); exported once it has one"
                        )
            live = [slot for slot in slots if not slot.withheld]
            before = self.previous.pop(key, {})
            for slot in slots:
                previous = before.pop(slot.language, None)
                if slot.withheld:
                    self._withhold(key, slot, previous, group_links)
                    continue
                page = pages[slot.page.id]
                alternates = [
                    {
                        "locale": other.language,
                        "url": renderer.url(pages[other.page.id], channel),
                        "path": other.path,
                    }
                    for other in live
                    if other is not slot
                ]
                try:
                    data, header = renderer.document(slot, page, channel, alternates)
                except Exception as exc:  # one broken article must not stop the others
                    self._fail(key, slot, previous, group_links, exc)
                    continue
                sha256 = sha256_hex(data)
                changed = (
                    previous is None
                    or previous["sha256"] != sha256
                    or (previous["path"] != slot.path or previous["state"] != ExportedDocument.LIVE)
                )
                if (changed or self.rebuild) and not self.dry_run:
                    pending.append(uploads.submit(self._store, slot.path, data, sha256))
                if changed:
                    self.report.written.append(slot.path)
                    self._changes.append(
                        Change(UPSERT, slot.path, key, slot.language, page.slug, sha256)
                    )
                    if previous is not None and previous["path"] != slot.path:
                        self._tombstone(key, previous)
                else:
                    self.report.unchanged += 1
                entry = index_entry(header, slot.path, sha256)
                self._rows.append(
                    self._row(key, slot, page.id, page.slug, group_links)
                    | {"sha256": sha256, "size": len(data), "state": ExportedDocument.LIVE}
                    | {"entry": _encode_entry(entry)}
                    | {"sequence": 0 if changed else previous["sequence"]}
                )
            for language, previous in before.items():  # locales the article left
                self._removed.append((key, language))
                self._tombstone(key, previous)
        return pending

    def _store(self, path: str, data: bytes, sha256: str) -> None:
        self.store.put_object(data, path, sha256)
        self.store.put(path, data)

    def _row(self, key: str, slot: Slot, page_id: int | None, slug: str, links) -> dict:
        return {
            "channel": self.channel.name,
            "translation_key": key,
            "locale": slot.language,
            "page_id": page_id,
            "path": slot.path,
            "slug": slug,
            "inputs": self.inputs.get(key, ""),
            "links": links,
            "updated_at": self.now,
        }

    def _withhold(self, key: str, slot: Slot, previous: dict | None, links) -> None:
        reason = "; ".join(slot.withheld)
        self.report.skipped.append(f"skipped: {slot.page.slug} ({slot.language}): {reason}")
        self._tombstone(key, previous)
        self._rows.append(
            self._row(key, slot, slot.page.id, slot.page.slug, links)
            | {"state": ExportedDocument.WITHHELD, "reason": reason, "sha256": "", "entry": ""}
        )

    def _fail(self, key: str, slot: Slot, previous: dict | None, links, exc: Exception) -> None:
        reason = f"rendering failed: {type(exc).__name__}: {exc}"
        self.report.failed.append(f"failed: {slot.page.slug} ({slot.language}): {reason}")
        row = self._row(key, slot, slot.page.id, slot.page.slug, links)
        row |= {"state": ExportedDocument.FAILED, "reason": reason, "inputs": ""}
        if previous is not None and previous["state"] == ExportedDocument.LIVE:
            # The previous version stays published until the article renders again.
            row |= {key_: previous[key_] for key_ in ("path", "slug", "sha256", "size", "sequence")}
            row["entry"] = ExportedDocument.objects.get(
                channel=self.channel.name, translation_key=key, locale=slot.language
            ).entry
        else:
            row |= {"sha256": "", "entry": ""}
        self._rows.append(row)

    def _tombstone(self, key: str, previous: dict | None) -> None:
        if previous is None or previous["state"] != ExportedDocument.LIVE:
            return
        if self.claimed.get(previous["path"], key) != key:
            return
        self.report.deleted.append(previous["path"])
        self._changes.append(
            Change(DELETE, previous["path"], key, previous["locale"], previous["slug"])
        )

    def record_batch(self) -> None:
        """Write the batch's rows, journal entries and sequence numbers in one transaction."""
        if self.dry_run:
            self._rows, self._removed, self._changes = [], [], []
            return
        from .journal import record_changes

        with transaction.atomic():
            state = self.state
            # Every row of a rendered article is replaced; removed ones just go.
            keys = sorted(
                {row["translation_key"] for row in self._rows} | {key for key, _ in self._removed}
            )
            for start in range(0, len(keys), 500):
                ExportedDocument.objects.filter(
                    channel=self.channel.name, translation_key__in=keys[start : start + 500]
                ).delete()
            if self._changes:
                ordered = sorted(self._changes, key=lambda change: (change.path, change.action))
                numbers = {
                    change.path: state.sequence + 1 + offset
                    for offset, change in enumerate(ordered)
                    if change.action == UPSERT
                }
                for row in self._rows:
                    if row["state"] == ExportedDocument.LIVE and row["path"] in numbers:
                        row["sequence"] = numbers[row["path"]]
                state.compacted_through = record_changes(
                    self.channel.name,
                    self._changes,
                    state.sequence + 1,
                    self.now,
                    state.compacted_through,
                    self.compaction,
                )
                state.sequence += len(self._changes)
                self.changes_recorded = True
            ExportedDocument.objects.bulk_create(
                [ExportedDocument(**row) for row in self._rows], batch_size=500
            )
            state.save()
        self._rows, self._removed, self._changes = [], [], []

    def preview(self) -> None:
        """What a real run would publish: its sequence and the files besides documents."""
        changes = self.report.written + self.report.deleted
        if changes or self.rebuild:
            self.report.sequence = self.state.sequence + max(1, len(changes))
            indexes = {f"{path.split('/', 1)[0]}/index.json" for path in changes}
            self.report.other_files = sorted({"changes.json", *indexes})
        else:
            self.report.sequence = self.state.published_sequence

    def finish_plan(self) -> None:
        """Count what the run left as it was (the articles it did not render)."""
        for _key, rows in sorted(self.previous.items()):
            for language, row in sorted(rows.items()):
                if row["state"] == ExportedDocument.LIVE:
                    self.report.unchanged += 1
                elif row["state"] == ExportedDocument.WITHHELD:
                    self.report.skipped.append(
                        f"skipped: {row['slug']} ({language}): {row['reason']}"
                    )
        self.previous = {}
        for listed in (self.report.written, self.report.deleted, self.report.skipped):
            listed.sort()
        self.report.failed.sort()


def _previous_rows(channel: str) -> dict[str, dict[str, dict[str, Any]]]:
    rows = ExportedDocument.objects.filter(channel=channel).values(
        "translation_key",
        "locale",
        "path",
        "slug",
        "sha256",
        "size",
        "state",
        "reason",
        "inputs",
        "links",
        "sequence",
    )
    previous: dict[str, dict[str, dict[str, Any]]] = {}
    for row in rows.iterator(2000):
        previous.setdefault(row["translation_key"], {})[row["locale"]] = row
    return previous


def _encode_entry(entry: dict[str, Any]) -> str:
    from .serialize import encode_json

    return encode_json(entry).decode()


def channel_digest(channel: Channel, facts: SiteFacts) -> str:
    """What every document of a channel depends on besides its article: the channel's
    configuration, the schema version, the exporter's code and the sites' roots."""
    parts = (repr(channel), SCHEMA_VERSION, code_fingerprint(), facts.sites)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@cache
def code_fingerprint() -> str:
    """A digest of the code that shapes documents: this package and the article blocks."""
    package = Path(__file__).parent
    files = [*sorted(package.glob("*.py")), package.parent / "articles" / "blocks.py"]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def extra_files(channel: Channel) -> Iterator[tuple[str, bytes]]:
    """Files other apps add to a channel's export (``settings.EXPORT_FILE_PROVIDERS``: dotted
    paths to ``provider(channel) -> iterable of (path, bytes)``), e.g. image renditions.

    Each is stored as an immutable object and listed in the manifest like a document.
    """
    for index, dotted in enumerate(getattr(settings, "EXPORT_FILE_PROVIDERS", [])):
        try:
            provider = import_string(dotted)
        except ImportError as exc:
            raise ExportError(
                f"settings.EXPORT_FILE_PROVIDERS[{index}]: cannot import {dotted!r}: {exc}"
            ) from exc
        yield from provider(channel)


def chunks(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


__all__ = ["ChannelReport", "ExportReport", "export_channels", "select_channels", "timestamp"]
