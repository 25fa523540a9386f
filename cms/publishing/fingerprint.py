"""The static inputs of a channel's documents: what changes every document when it changes.

Channel configuration, schema version, the exporter's own code and the versions of the libraries
that shape its output, the source language, what URLs are computed from (site roots, URL
configuration, language settings), and the export gates' fingerprints. An incremental run
needs the digest to match the current tree's; otherwise it rebuilds everything.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import time
from contextlib import suppress
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

import django
import nh3
import orjson
import wagtail
from django.conf import settings

from .channels import Channel
from .documents import SCHEMA_VERSION

PACKAGE = Path(__file__).resolve().parent
# The exporter's code and the block definitions it renders from.
SOURCES = (PACKAGE, PACKAGE.parent / "articles" / "blocks.py")
LIBRARIES = (django, wagtail, nh3, orjson)
RACY_NANOSECONDS = 2_000_000_000  # a source changed this recently is not cached


@cache
def code_fingerprint(cache: Path | None = None) -> str:
    """A digest of the code that renders documents (computed once per process).

    Reading and hashing every source file costs a fresh process (each export the task worker
    does not run) more than a millisecond. With a ``cache`` file, the digest is kept there with
    what each file's ``stat`` said (inode, size, modification time in nanoseconds), and is
    only computed again when one of them differs: an edit, a checkout, a new or deleted file.
    """
    files = sorted(
        os.path.join(folder, name)
        for source in SOURCES
        for folder, _folders, names in (
            os.walk(source) if source.is_dir() else [("", [], [source])]
        )
        for name in names
        if str(name).endswith(".py") and "migrations" not in folder
    )
    libraries = [f"{library.__name__}={library.__version__}" for library in LIBRARIES]
    if cache is None:
        return _digest_files(files, libraries)
    stats = []
    for path in files:
        status = os.stat(path)
        stats.append([path, status.st_ino, status.st_size, status.st_mtime_ns])
    key = digest({"files": stats, "libraries": libraries})
    try:
        record = json.loads(cache.read_bytes())
        if isinstance(record, dict) and record.get("key") == key:
            return str(record["fingerprint"])
    except (OSError, ValueError, KeyError):
        pass
    fingerprint = _digest_files(files, libraries)
    # A file changed within the file system's clock granularity of its last change could keep
    # its mtime: such a "racily clean" state (as git calls it) is not remembered.
    settled = time.time_ns() - RACY_NANOSECONDS
    if any(mtime >= settled for _path, _inode, _size, mtime in stats):
        return fingerprint
    with suppress(OSError):  # only a cache: the next process computes it again
        temporary = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"key": key, "fingerprint": fingerprint}), "utf-8")
        os.replace(temporary, cache)
    return fingerprint


def _digest_files(files: list[str], libraries: list[str]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(Path(path).read_bytes() + b"\0")
    for library in libraries:
        digest.update(f"{library}\0".encode())
    return digest.hexdigest()


def routing_inputs(site_roots: list[tuple[str, str]]) -> dict[str, Any]:
    """What page URLs are computed from, without resolving any (that loads every URL module).

    The site roots, the URL configuration's source and the settings that shape the prefixes.
    """
    urlconf = importlib.util.find_spec(settings.ROOT_URLCONF)
    source = Path(urlconf.origin).read_bytes() if urlconf and urlconf.origin else b""
    return {
        "site_roots": site_roots,
        "urlconf": hashlib.sha256(source).hexdigest(),
        # Plain values only: a digest of a lazy translation's repr would change every process.
        "languages": [code for code, _name in settings.LANGUAGES],
        "language_code": settings.LANGUAGE_CODE,
        "use_i18n": settings.USE_I18N,
        "append_slash": getattr(settings, "WAGTAIL_APPEND_SLASH", True),
        "script_name": settings.FORCE_SCRIPT_NAME,
    }


def static_fingerprint(
    channel: Channel,
    routing: dict[str, Any],
    gates: list[tuple[str, str]],
    source_language: str,
    code_cache: Path | None = None,
) -> str:
    """The digest of everything every document of ``channel`` depends on at once.

    ``code_cache``: where the code's digest may be kept between processes (``code_fingerprint``).
    """
    material = {
        "schema_version": SCHEMA_VERSION,
        "code": code_fingerprint(code_cache),
        "channel": asdict(channel),
        "source_language": source_language,
        "routing": routing,
        "gates": gates,
    }
    return digest(material)


def digest(material: Any) -> str:
    """A stable digest of JSON-able ``material``."""
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()
