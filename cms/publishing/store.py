"""Where exports live: any Django storage, the filesystem by default, S3-compatible at scale.

Per channel, every published file is stored twice:

- as an immutable, content-addressed object, ``<channel>/objects/<sha[:2]>/<sha256><ext>``,
  never rewritten, deleted only after no manifest of the last two runs lists it;
- at its path (``<channel>/en/articles/<slug>.json``, ``<channel>/en/index.json``…), a copy for
  clients that fetch plain paths, replaced after the switch.

``<channel>/manifest.json`` is the switch: one write (a single PUT on object storage, a
temporary file renamed over it on disk) replaces the whole export. Its ``files`` name every
file's sha256, hence its object. The exporter knows ``Storage``, not S3 or the disk: the two
classes below only make a write replace a file whole and set the headers a CDN needs.

``settings.EXPORT_STORAGE`` (or the environment variable of the same name) chooses the
storage; see ``storage_config``.
"""

from __future__ import annotations

import json
import os
import posixpath
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from .errors import ExportError
from .serialize import sha256_hex

MANIFEST = "manifest.json"
CHANGES = "changes.json"
OBJECTS = "objects"
JSON_TYPE = "application/json; charset=utf-8"
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT_LIVED = "public, max-age=60, must-revalidate"
POLLED = "no-cache"


def cache_control(name: str) -> str:
    """The Cache-Control of a stored file, by its place in a channel's folder."""
    parts = name.split("/")
    if len(parts) > 1 and parts[1] == OBJECTS:
        return IMMUTABLE
    if parts[-1] in (MANIFEST, CHANGES):
        return POLLED
    return SHORT_LIVED


class ExportFileSystemStorage(FileSystemStorage):
    """The filesystem under ``EXPORT_ROOT``: every save replaces the file whole.

    Written to a temporary file beside the target and renamed over it, so a reader (or a kill
    at any moment) sees the old bytes or the new, never a part. With ``fsync``, the manifest
    (the switch) is flushed with its folder as it is written, and ``sync()``, called before the
    switch, flushes everything written before it in one call: a power cut then leaves the old
    export or the new one, complete. (A flush per file costs milliseconds each, and a full
    export writes tens of thousands.)
    """

    def __init__(self, location: str | os.PathLike | None = None, fsync: bool = True, **kwargs):
        super().__init__(location=location, allow_overwrite=True, **kwargs)
        self.fsync = fsync

    def _save(self, name: str, content) -> str:
        target = Path(self.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            durable = self.fsync and target.name == MANIFEST
            with os.fdopen(handle, "wb") as file:
                for chunk in content.chunks():
                    file.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                if durable:
                    file.flush()
                    os.fdatasync(file.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        if durable:
            folder = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        return name

    def sync(self) -> None:
        """Flush every file written so far to disk (before the switch)."""
        if self.fsync:
            os.sync()


def _s3_class():
    from storages.backends.s3 import S3Storage

    class ExportS3Storage(S3Storage):
        """S3-compatible object storage (AWS S3, Cloudflare R2, MinIO) through django-storages.

        A save is one PUT, which object storage applies whole. Objects carry the JSON type
        and the cache lifetime of their kind, so a CDN in front caches objects forever and the
        manifest and journal never.
        """

        def __init__(self, **options: Any) -> None:
            options.setdefault("file_overwrite", True)
            options.setdefault("querystring_auth", False)
            super().__init__(**options)

        def get_object_parameters(self, name: str) -> dict[str, Any]:
            params = super().get_object_parameters(name)
            params.setdefault("ContentType", JSON_TYPE if name.endswith(".json") else None)
            if params["ContentType"] is None:
                del params["ContentType"]
            relative = name.removeprefix(self.location).lstrip("/")
            params.setdefault("CacheControl", cache_control(relative))
            return params

    return ExportS3Storage


S3_BACKEND = "cms.publishing.store.ExportS3Storage"
FILESYSTEM_BACKEND = "cms.publishing.store.ExportFileSystemStorage"


def __getattr__(name: str):
    # The S3 class is built on first use, so the filesystem default never imports boto3.
    if name == "ExportS3Storage":
        return _s3_class()
    raise AttributeError(name)


def storage_config() -> dict[str, Any]:
    """``{"BACKEND": dotted path, "OPTIONS": {...}}`` of the export storage.

    From ``settings.EXPORT_STORAGE`` (a dict like an entry of ``STORAGES``, or a URL), else the
    environment variable ``EXPORT_STORAGE`` (a URL), else the filesystem at ``EXPORT_ROOT``.
    URLs: ``s3://bucket/optional/prefix?endpoint_url=http://127.0.0.1:9000&region_name=auto``
    (credentials from the usual AWS variables), or ``file:///absolute/folder``.
    """
    configured = getattr(settings, "EXPORT_STORAGE", None) or os.environ.get("EXPORT_STORAGE")
    if not configured:
        return {
            "BACKEND": FILESYSTEM_BACKEND,
            "OPTIONS": {"location": str(settings.EXPORT_ROOT), "fsync": settings.EXPORT_FSYNC},
        }
    if isinstance(configured, dict):
        if "BACKEND" not in configured:
            raise ExportError("settings.EXPORT_STORAGE: needs a BACKEND (a dotted path)")
        return {"BACKEND": configured["BACKEND"], "OPTIONS": dict(configured.get("OPTIONS", {}))}
    return parse_storage_url(str(configured))


def parse_storage_url(url: str) -> dict[str, Any]:
    """A storage configuration from ``s3://bucket/prefix?option=value`` or ``file:///path``."""
    parts = urlsplit(url)
    options: dict[str, Any] = dict(parse_qsl(parts.query))
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ExportError(f"EXPORT_STORAGE {url!r}: no bucket (s3://<bucket>/<prefix>)")
        options["bucket_name"] = parts.netloc
        if parts.path.strip("/"):
            options["location"] = parts.path.strip("/")
        return {"BACKEND": S3_BACKEND, "OPTIONS": options}
    if parts.scheme == "file":
        options["location"] = parts.path
        if "fsync" in options:
            options["fsync"] = options["fsync"].lower() not in ("0", "false", "no")
        return {"BACKEND": FILESYSTEM_BACKEND, "OPTIONS": options}
    raise ExportError(
        f"EXPORT_STORAGE {url!r}: unknown scheme {parts.scheme!r}; use s3://bucket/prefix or "
        "file:///folder, or a dict in settings"
    )


def export_storage() -> Storage:
    """The configured export storage (one instance per configuration and process)."""
    config = storage_config()
    return _storage(json.dumps(config, sort_keys=True, default=str))


@lru_cache(maxsize=4)
def _storage(config_json: str) -> Storage:
    config = json.loads(config_json)
    try:
        backend = import_string(config["BACKEND"])
    except ImportError as exc:
        raise ExportError(f"EXPORT_STORAGE: cannot import {config['BACKEND']!r}: {exc}") from exc
    return backend(**config["OPTIONS"])


def _forget_storages(setting: str, **kwargs) -> None:
    if setting in ("EXPORT_STORAGE", "EXPORT_ROOT", "EXPORT_FSYNC"):
        _storage.cache_clear()


setting_changed.connect(_forget_storages, dispatch_uid="publishing-export-storage")


def object_name(sha256: str, path: str) -> str:
    """The object of a file, relative to its channel: ``objects/ab/ab12….json``."""
    extension = posixpath.splitext(path)[1]
    return f"{OBJECTS}/{sha256[:2]}/{sha256}{extension}"


@dataclass(frozen=True)
class StoredObject:
    """An immutable object in a channel's folder."""

    name: str  # relative to the channel folder
    sha256: str
    size: int


class ChannelStore:
    """One channel's folder in the export storage."""

    def __init__(self, storage: Storage, channel: str) -> None:
        self.storage = storage
        self.channel = channel

    def name(self, path: str) -> str:
        return f"{self.channel}/{path}"

    def put_object(self, data: bytes, path: str, sha256: str | None = None) -> StoredObject:
        """Store ``data`` as the immutable object for a file at ``path``; returns it."""
        sha256 = sha256 or sha256_hex(data)
        stored = StoredObject(object_name(sha256, path), sha256, len(data))
        self.storage.save(self.name(stored.name), ContentFile(data))
        return stored

    def put(self, path: str, data: bytes) -> None:
        """Write (or replace) the file at ``path``."""
        self.storage.save(self.name(path), ContentFile(data))

    def read(self, path: str) -> bytes:
        with self.storage.open(self.name(path), "rb") as file:
            return file.read()

    def read_object(self, sha256: str, path: str) -> bytes:
        return self.read(object_name(sha256, path))

    def exists(self, path: str) -> bool:
        return self.storage.exists(self.name(path))

    def delete(self, path: str) -> None:
        self.storage.delete(self.name(path))


def put_object(channel: str, data: bytes, suffix: str = ".json") -> StoredObject:
    """Store ``data`` as an immutable object of ``channel`` (public API, e.g. for renditions).

    Idempotent: the name is the content's sha256 plus ``suffix`` (``.webp``, ``.jpg``…), so
    the same bytes are stored once however often they are put. To have a run list the object
    in the channel's manifest (and keep it from being deleted), return it from a file provider
    (``settings.EXPORT_FILE_PROVIDERS``, see ``export.extra_files``).
    """
    return ChannelStore(export_storage(), channel).put_object(data, f"file{suffix}")
