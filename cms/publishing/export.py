"""``export_channels``: publish the live articles to every configured channel in one pass.

One streaming query feeds all selected channels at once; each channel builds its tree aside and
switches to it at the end, atomically. The database work does not grow with the number of
pages: a directory snapshot (three queries), one streaming query for the articles, one read and
one upsert of the channels' sequence numbers. Gates do their own (bulk) work per batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .batches import iter_article_batches
from .builder import ChannelExport, ChannelReport
from .channels import Channel, load_channels
from .directory import PageDirectory
from .errors import ExportError
from .gates import Gate, load_gates, run_gates
from .models import ChannelState
from .tree import export_lock

Progress = Callable[[int, int], None]


@dataclass
class ExportReport:
    """The outcome of a run, channel by channel."""

    dry_run: bool
    channels: list[ChannelReport] = field(default_factory=list)


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

    Incremental unless ``full``: a document whose bytes equal the published one is hard-linked,
    not rewritten. ``dry_run`` computes everything and writes nothing. Raises ``ExportError``
    (configuration, lock, folder) before anything published is touched.
    """
    channels = select_channels(load_channels(), names)
    gates = load_gates()
    root = Path(settings.EXPORT_ROOT)
    now = now or timezone.now()
    source_language = settings.TRANSLATION_SOURCE_LOCALE
    report = ExportReport(dry_run=dry_run)
    with export_lock(root, wait=wait, read_only=dry_run):
        floors = dict(
            ChannelState.objects.filter(channel__in=[c.name for c in channels]).values_list(
                "channel", "sequence"
            )
        )
        exports: list[ChannelExport] = []
        try:
            for channel in channels:
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
                        retention=timedelta(days=settings.EXPORT_TOMBSTONE_RETENTION_DAYS),
                    )
                )
            _render(exports, channels, gates, source_language, progress)
            for export in exports:
                report.channels.append(export.finish())
            _record_sequences([c for c in report.channels if c.published], now)
        finally:
            for export in exports:
                if not export.report.published:
                    export.abort()
    return report


def _render(
    exports: list[ChannelExport],
    channels: list[Channel],
    gates: list[tuple[str, Gate]],
    source_language: str,
    progress: Progress | None,
) -> None:
    directory = PageDirectory.load()
    languages = {source_language, *(code for channel in channels for code in channel.locales)}
    total = directory.article_count(languages)
    done = 0
    if progress:
        progress(done, total)
    for batch in iter_article_batches(directory, languages, settings.EXPORT_BATCH_SIZE):
        pages = [page for group in batch for page in group.pages.values()]
        blocked = run_gates(gates, pages)
        for export in exports:
            export.add(batch, directory, blocked)
        done += len(batch)
        if progress:
            progress(done, total)


def _record_sequences(published: list[ChannelReport], now: datetime) -> None:
    """Raise the channels' high-water marks, in one upsert.

    Each new sequence was computed above the mark read under the lock, so it only ever rises.
    """
    if not published:
        return
    ChannelState.objects.bulk_create(
        [ChannelState(channel=r.channel, sequence=r.sequence, published_at=now) for r in published],
        update_conflicts=True,
        unique_fields=["channel"],
        update_fields=["sequence", "published_at"],
    )
