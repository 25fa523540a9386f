"""HTTP pull of the exports: ``/exports/<channel>/<path>`` and ``/exports/<channel>/changes``.

Every request resolves the channel's symlink once and reads manifest and file from that one
tree, so a response never mixes two exports. Trees are immutable, so what is parsed from one
(its manifest, its journal) is cached by the tree's real path.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.views.decorators.csrf import csrf_exempt

from .channels import CHANNEL_NAME_PATTERN
from .journal import CursorTooOld, entries_since
from .serialize import dump_json, sha256_hex
from .tree import CHANGES, MANIFEST, TREES_DIR

CHANNEL = re.compile(CHANNEL_NAME_PATTERN)
CONTENT_TYPE = "application/json; charset=utf-8"
# Documents may be cached briefly and then revalidated (a 304 is cheap); the manifest and the
# journal are what clients poll to learn about changes, so they are always revalidated.
DOCUMENT_CACHE = {"public": True, "max_age": 60, "must_revalidate": True}
POLL_CACHE = {"no_cache": True}


@dataclass(frozen=True)
class Tree:
    path: Path
    files: dict[str, dict[str, Any]]
    manifest_sha256: str


def without_language_redirects(view):
    """Keep LocaleMiddleware from redirecting this view's 404s (see ``urlconf.py``)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.urlconf = "cms.publishing.urlconf"
        return view(request, *args, **kwargs)

    return wrapped


def read_only(view):
    """GET and HEAD only: anything else is a 405 in JSON, before any CSRF check could answer.

    The exports take no writes and set no cookies, so there is nothing for CSRF to protect;
    without the exemption Django's middleware answers a POST with its 403 HTML page.
    """

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = _error(405, "method not allowed: the exports are read-only (GET, HEAD)")
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    return wrapped


@read_only
@without_language_redirects
def export_file(request: HttpRequest, channel: str, path: str) -> HttpResponse:
    """One file of the channel's current export, with a strong ETag (its sha256)."""
    tree = current_tree(channel)
    if tree is None or not _is_clean(path):
        return _error(404, "not found")
    if path == MANIFEST:
        etag, size = tree.manifest_sha256, None
    else:
        entry = tree.files.get(path)
        if entry is None:
            return _error(404, "not found")
        etag, size = entry["sha256"], entry["size"]
    target = (tree.path / path).resolve()
    if not target.is_relative_to(tree.path) or not target.is_file():
        return _error(404, "not found")
    cache = POLL_CACHE if path in (MANIFEST, CHANGES) else DOCUMENT_CACHE
    if _matches(request, etag):
        return _not_modified(etag, cache)
    if request.method == "HEAD" and size is not None:
        response = HttpResponse(content_type=CONTENT_TYPE)
        response["Content-Length"] = str(size)
    else:
        response = HttpResponse(target.read_bytes(), content_type=CONTENT_TYPE)
    response["Content-Language"] = _language_of(path)
    return _finish(response, etag, cache)


@read_only
@without_language_redirects
def changes(request: HttpRequest, channel: str) -> HttpResponse:
    """Journal entries after ``?since=<sequence>``, with the current sequence."""
    tree = current_tree(channel)
    if tree is None:
        return _error(404, "not found")
    since_text = request.GET.get("since", "")
    # A sequence number has at most 18 digits (a 64-bit column); longer is no cursor of ours.
    if not since_text.isascii() or not since_text.isdigit() or len(since_text) > 18:
        return _error(400, "since must be a sequence number: ?since=<non-negative integer>")
    since = int(since_text)
    journal = _journal(tree.path)
    try:
        entries = entries_since(journal, since)
    except CursorTooOld:
        return _error(
            410,
            "cursor too old: pull index.json again",
            sequence=journal["sequence"],
            compacted_through=journal["compacted_through"],
        )
    body = dump_json(
        {
            "schema_version": journal["schema_version"],
            "channel": journal["channel"],
            "sequence": journal["sequence"],
            "compacted_through": journal["compacted_through"],
            "since": since,
            "entries": entries,
        }
    )
    etag = sha256_hex(body)
    if _matches(request, etag):
        return _not_modified(etag, POLL_CACHE)
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Language"] = "zxx"
    return _finish(response, etag, POLL_CACHE)


def current_tree(channel: str) -> Tree | None:
    """The tree the channel's public path points to now, or None."""
    if not CHANNEL.match(channel):
        return None
    root = Path(settings.EXPORT_ROOT)
    link = root / channel
    if not link.is_symlink():
        return None
    real = Path(os.path.realpath(link))
    # Only trees the exporter made: a link planted to point elsewhere is not followed.
    if real.parent != Path(os.path.realpath(root / TREES_DIR)):
        return None
    try:
        return _load_tree(str(real))
    except (OSError, ValueError, KeyError):
        return None


@lru_cache(maxsize=32)
def _load_tree(path: str) -> Tree:
    manifest_bytes = (Path(path) / MANIFEST).read_bytes()
    manifest = json.loads(manifest_bytes)
    return Tree(Path(path), manifest["files"], sha256_hex(manifest_bytes))


@lru_cache(maxsize=32)
def _journal(path: Path) -> dict[str, Any]:
    return json.loads((path / CHANGES).read_bytes())


def _is_clean(path: str) -> bool:
    """A relative path of plain segments: no '..', '.', empty or hidden segments, no NUL."""
    if not path or "\x00" in path or "\\" in path or path.startswith("/"):
        return False
    return all(segment and not segment.startswith(".") for segment in path.split("/"))


def _language_of(path: str) -> str:
    """The language of a file: its locale folder; schemas are English; the rest has none."""
    first = path.split("/", 1)[0]
    if "/" in path and first != "schema":
        return first
    return "en" if first == "schema" else "zxx"  # zxx: no linguistic content (BCP 47)


def _matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    # If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/"x" matches "x".
    candidates = parse_etags(header)
    return "*" in candidates or any(tag.removeprefix("W/") == f'"{etag}"' for tag in candidates)


def _finish(response: HttpResponse, etag: str, cache: dict[str, Any]) -> HttpResponse:
    response["ETag"] = f'"{etag}"'
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, **cache)
    return response


def _not_modified(etag: str, cache: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(status=304)
    del response["Content-Type"]
    return _finish(response, etag, cache)


def _error(status: int, message: str, **extra: Any) -> HttpResponse:
    response = HttpResponse(dump_json({"error": message, **extra}), status=status)
    response["Content-Type"] = CONTENT_TYPE
    response["Cache-Control"] = "no-store"
    return response
