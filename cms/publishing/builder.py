"""One channel's export run: planned documents in, a new published tree (or a dry run) out."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .batches import ArticleGroup
from .channels import Channel
from .directory import PageDirectory
from .documents import SCHEMA_VERSION, alternate, article_document, index_entry, timestamp
from .journal import DELETE, UPSERT, Change, next_journal, same_history
from .plan import Skip, plan_group
from .schema import channel_schemas
from .serialize import dump_json, sha256_hex
from .tree import CHANGES, MANIFEST, PublishedTree, StagingTree, read_published, remove_old_trees

ARTICLE_PATH = re.compile(r"^(?P<locale>[^/]+)/articles/(?P<slug>[^/]+)\.json$")


@dataclass
class ChannelReport:
    """What a run did (or, dry, would do) to one channel."""

    channel: str
    sequence: int = 0
    published: bool = False
    written: list[str] = field(default_factory=list)  # new or changed article documents
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    other_files: list[str] = field(default_factory=list)  # indexes, schemas that changed
    notes: list[str] = field(default_factory=list)


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
        retention: timedelta,
    ) -> None:
        self.channel = channel
        self.root = root
        self.floor = floor
        self.source_language = source_language
        self.full = full
        self.now = now
        self.retention = retention
        self.previous: PublishedTree = read_published(root, channel.name)
        self.staging = None if dry_run else StagingTree(root, channel.name, fsync=fsync)
        self.files: dict[str, dict[str, Any]] = {}
        self.index: dict[str, list[dict[str, Any]]] = {code: [] for code in channel.locales}
        self.owners: dict[str, str] = {}  # article path → translation key
        self.changes: list[Change] = []
        self.report = ChannelReport(channel.name, sequence=self.previous.sequence)
        if self.previous.problem:
            self.report.notes.append(self.previous.problem)

    def add(
        self,
        groups: Sequence[ArticleGroup],
        directory: PageDirectory,
        blocked: Mapping[int, Sequence[str]],
    ) -> None:
        """Render and stage the documents of a batch of articles."""
        for group in groups:
            planned, skipped = plan_group(
                group,
                self.channel,
                self.source_language,
                blocked,
                lambda page_id: directory.relative_url(page_id) is not None,
            )
            self.report.skipped.extend(skipped)
            kept = []
            for document in planned:
                owner = self.owners.setdefault(document.path, document.translation_key)
                if owner != document.translation_key:
                    self.report.skipped.append(
                        Skip(document.language, document.page.slug, f"slug taken by {owner}")
                    )
                else:
                    kept.append(document)
            links = [alternate(document, self.channel, directory) for document in kept]
            for document in kept:
                others = [link for link in links if link["locale"] != document.language]
                article = article_document(
                    document, self.channel, directory, others, self.source_language
                )
                self._add_article(document.path, article)

    def finish(self) -> ChannelReport:
        """Write indexes, schemas, journal and manifest; switch to the new tree if it differs."""
        self.report.skipped.sort(key=lambda skip: (skip.language, skip.slug))
        self.report.written.sort()
        for locale, entries in self.index.items():
            entries.sort(key=lambda entry: entry["slug"])
            index = {
                "schema_version": SCHEMA_VERSION,
                "channel": self.channel.name,
                "locale": locale,
                "articles": entries,
            }
            self._put(f"{locale}/index.json", dump_json(index))
        for name, schema in channel_schemas(self.channel).items():
            self._put(f"schema/{name}", dump_json(schema))
        self._record_deletions()
        journal = next_journal(
            self.channel.name,
            self.previous.journal,
            self.floor,
            self.changes,
            self.now,
            self.retention,
        )
        previous_files = dict(self.previous.files)
        previous_files.pop(CHANGES, None)
        unchanged = (
            self.previous.path is not None
            and not self.full
            and not self.changes
            and previous_files == self.files
            and same_history(self.previous.journal, journal)
        )
        if unchanged:
            self.abort()
            if self.staging is not None:
                remove_old_trees(self.root, self.channel.name)
            return self.report
        self._put(CHANGES, dump_json(journal))
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "channel": self.channel.name,
            "sequence": journal["sequence"],
            "generated_at": timestamp(self.now),
            "locales": list(self.channel.locales),
            "files": dict(sorted(self.files.items())),
        }
        self.report.sequence = journal["sequence"]
        if self.staging is None:
            return self.report  # a dry run stops before anything is published
        self.staging.write(MANIFEST, dump_json(manifest))  # last: a tree with a manifest is whole
        self.staging.switch()
        self.report.published = True
        remove_old_trees(self.root, self.channel.name)
        return self.report

    def abort(self) -> None:
        """Throw away the staged tree; the published one was never touched."""
        if self.staging is not None:
            self.staging.discard()

    def _add_article(self, path: str, article: dict[str, Any]) -> None:
        data = dump_json(article)
        sha256, same = self._put(path, data)
        self.index[article["locale"]].append(index_entry(article, path, sha256))
        if same:
            self.report.unchanged += 1
            return
        self.report.written.append(path)
        self.changes.append(
            Change(UPSERT, path, article["id"], article["locale"], article["slug"], sha256)
        )

    def _put(self, path: str, data: bytes) -> tuple[str, bool]:
        """Stage one file; return its sha256 and whether the published tree has the same bytes."""
        sha256 = sha256_hex(data)
        entry = {"sha256": sha256, "size": len(data)}
        self.files[path] = entry
        same = self.previous.files.get(path) == entry
        if not same and not ARTICLE_PATH.match(path) and path != CHANGES:
            self.report.other_files.append(path)
        if self.staging is not None:
            reuse = same and not self.full and self.previous.path is not None
            if not (reuse and self.staging.link(path, self.previous.path, len(data))):
                self.staging.write(path, data)
        return sha256, same

    def _record_deletions(self) -> None:
        """Tombstones for the previous tree's articles this run did not produce."""
        latest = {}
        for entry in (self.previous.journal or {}).get("entries", ()):
            latest[entry["path"]] = entry
        for path in sorted(self.previous.files):
            match = ARTICLE_PATH.match(path)
            if not match or path in self.files:
                continue
            known = latest.get(path) or self._read_previous(path)
            identity = known.get("id", "")
            self.changes.append(Change(DELETE, path, identity, match["locale"], match["slug"]))
            self.report.deleted.append(path)

    def _read_previous(self, path: str) -> dict[str, Any]:
        try:
            return json.loads((self.previous.path / path).read_bytes())
        except (OSError, ValueError, TypeError):
            return {}
