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


@cache
def code_fingerprint() -> str:
    """A digest of the code that renders documents (computed once per process)."""
    digest = hashlib.sha256()
    files = sorted(
        os.path.join(folder, name)
        for source in SOURCES
        for folder, _folders, names in (
            os.walk(source) if source.is_dir() else [("", [], [source])]
        )
        for name in names
        if str(name).endswith(".py") and "migrations" not in folder
    )
    for path in files:
        digest.update(Path(path).read_bytes() + b"\0")
    for library in LIBRARIES:
        digest.update(f"{library.__name__}={library.__version__}\0".encode())
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
) -> str:
    """The digest of everything every document of ``channel`` depends on at once."""
    material = {
        "schema_version": SCHEMA_VERSION,
        "code": code_fingerprint(),
        "channel": asdict(channel),
        "source_language": source_language,
        "routing": routing,
        "gates": gates,
    }
    return digest(material)


def digest(material: Any) -> str:
    """A stable digest of JSON-able ``material``."""
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()
