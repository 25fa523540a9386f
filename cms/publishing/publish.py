"""Store: the end of a run for one channel: indexes, journal, schemas, the manifest switch.

Order matters, and is what makes a kill at any moment harmless:

1. every file of the new export is stored as its immutable object (documents already were,
   while rendering);
2. the manifest is stored as an object too, then written at ``<channel>/manifest.json``: that
   one write is the switch;
3. the database records the new manifest (the HTTP views resolve paths through it), then the
   path-named copies of indexes, journal and schemas are replaced, and copies of paths the
   export no longer has are deleted, with the objects that no manifest of the last two runs
   lists; then ``export_published`` is sent.
"""

from __future__ import annotations

import heapq
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction

from .documents import SCHEMA_VERSION, timestamp
from .journal import Compaction, journal_document
from .models import ChannelState, ExportedDocument
from .schema import channel_schemas
from .serialize import dump_json, encode_json, sha256_hex
from .signals import send_export_published
from .store import CHANGES, MANIFEST, ChannelStore, object_name

if TYPE_CHECKING:
    from .export import ChannelRun


def index_document(channel: str, locale: str) -> bytes:
    """``<locale>/index.json``: every live article of the locale, by slug, from the rows."""
    entries = (
        ExportedDocument.objects.filter(channel=channel, locale=locale)
        .exclude(entry="")
        .order_by("slug", "translation_key")
        .values_list("entry", flat=True)
    )
    head = encode_json(
        {"schema_version": SCHEMA_VERSION, "channel": channel, "locale": locale, "articles": []}
    )[:-2]
    body = ",".join(entries.iterator(2000)).encode()
    return b"".join((head, body, b"]}\n"))


def document_files(channel: str):
    """``(path, sha256, size)`` of every published document, by path."""
    return (
        ExportedDocument.objects.filter(channel=channel)
        .exclude(sha256="")
        .order_by("path")
        .values_list("path", "sha256", "size")
        .iterator(2000)
    )


def manifest_document(
    channel: str, sequence: int, now: datetime, locales, others: dict[str, tuple[str, int]]
) -> bytes:
    """``manifest.json``: every file but itself, by path, with its sha256 and size."""
    head = encode_json(
        {
            "schema_version": SCHEMA_VERSION,
            "channel": channel,
            "sequence": sequence,
            "generated_at": timestamp(now),
            "locales": list(locales),
            "files": {},
        }
    )[:-2]
    listed = heapq.merge(
        document_files(channel),
        sorted((path, sha, size) for path, (sha, size) in others.items()),
    )
    members = (
        encode_json(path) + b":" + encode_json({"sha256": sha, "size": size})
        for path, sha, size in listed
    )
    return b"".join((head, b",".join(members), b"}}\n"))


def read_manifest(store: ChannelStore, sha256: str) -> dict[str, Any] | None:
    """A published manifest by its hash, or None if it is gone."""
    if not sha256:
        return None
    try:
        return json.loads(store.read_object(sha256, MANIFEST))
    except (FileNotFoundError, OSError, ValueError):
        return None


def publish_channel(run: ChannelRun, compaction: Compaction, now: datetime) -> None:
    """Publish ``run``'s channel if anything changed; record the run either way."""
    channel, store, report = run.channel, run.store, run.report
    state = ChannelState.objects.get_or_create(channel=channel.name)[0]
    others = {
        f"{locale}/index.json": index_document(channel.name, locale) for locale in channel.locales
    }
    for name, schema in channel_schemas(channel).items():
        others[f"schema/{name}"] = dump_json(schema)
    from .export import extra_files

    for path, data in extra_files(channel):
        others[path] = data
    hashes = {path: sha256_hex(data) for path, data in others.items()}
    changed = sorted(
        path for path, sha in hashes.items() if state.files.get(path, [None])[0] != sha
    )
    if not (changed or run.rebuild or state.published_sequence != state.sequence):
        report.sequence = state.published_sequence
        ChannelState.objects.filter(pk=state.pk).update(last_run_at=now)
        return
    if state.published_sequence == state.sequence:
        # Nothing journaled, yet the export changed (an index, a schema): a new number,
        # committed before the switch, so a failed switch makes numbers skip, never repeat.
        state.sequence += 1
        ChannelState.objects.filter(pk=state.pk).update(sequence=state.sequence)
    sequence = state.sequence
    others[CHANGES] = journal_document(channel.name, sequence, state.compacted_through)
    hashes[CHANGES] = sha256_hex(others[CHANGES])
    if state.files.get(CHANGES, [None])[0] != hashes[CHANGES]:
        changed.append(CHANGES)
    for path, data in others.items():
        store.put_object(data, path, hashes[path])
    listed = {path: (hashes[path], len(data)) for path, data in others.items()}
    manifest = manifest_document(channel.name, sequence, now, channel.locales, listed)
    manifest_sha256 = sha256_hex(manifest)
    store.put_object(manifest, MANIFEST, manifest_sha256)
    previous = read_manifest(store, state.manifest_sha256)
    sync = getattr(store.storage, "sync", None)  # storages that buffer writes (the disk)
    if sync is not None:
        sync()
    store.put(MANIFEST, manifest)  # the switch

    new_files = json.loads(manifest)["files"]
    referenced = {object_name(entry["sha256"], path) for path, entry in new_files.items()}
    referenced.add(object_name(manifest_sha256, MANIFEST))
    old_files = previous["files"] if previous else {}
    retired = sorted(
        {object_name(entry["sha256"], path) for path, entry in old_files.items()}
        | ({object_name(state.manifest_sha256, MANIFEST)} if state.manifest_sha256 else set())
        - referenced
    )
    obsolete = sorted(
        ({path for path in old_files if path not in new_files} | set(state.dropped))
        | ({name for name in state.retired if name not in referenced})
    )
    with transaction.atomic():
        ChannelState.objects.filter(pk=state.pk).update(
            published_sequence=sequence,
            published_at=now,
            last_run_at=now,
            manifest_sha256=manifest_sha256,
            config_digest=run.digest,
            files={path: [hashes[path], len(others[path])] for path in others},
            retired=retired,
            dropped=obsolete,
        )
    for path in others if run.rebuild else changed:
        store.put(path, others[path])
    for path in obsolete:
        if path not in new_files:
            store.delete(path)
    ChannelState.objects.filter(pk=state.pk).update(dropped=[])
    report.published = True
    report.sequence = sequence
    report.other_files = sorted(changed)
    send_export_published(channel.name, sequence, manifest_sha256, report.written, report.deleted)
