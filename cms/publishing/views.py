"""Deliver: the exports over HTTP, ``/exports/<channel>/<path>`` and the delta feed.

Every request resolves its path through the channel's current manifest, named by the database
(``ChannelState.manifest_sha256``, recorded right after each switch): one indexed query, then
the manifest and the file are immutable objects, so a response never mixes two exports and
every app server answers alike. Parsed manifests and journals are cached by their hash.

Caching: objects (``objects/…``) never change: ``immutable`` for a year. Files by path may
change with any export: cached a minute, then revalidated with their strong ETag (the sha256).
The manifest, the journal and the feed are what clients poll: always revalidated.
"""

from __future__ import annotations

import json
import mimetypes
import re
from functools import lru_cache, wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_etags
from django.views.decorators.csrf import csrf_exempt

from .channels import CHANNEL_NAME_PATTERN
from .journal import CursorTooOld, entries_since
from .models import ChannelState
from .serialize import dump_json, sha256_hex
from .store import CHANGES, MANIFEST, ChannelStore, cache_control, export_storage

CHANNEL = re.compile(CHANNEL_NAME_PATTERN)
OBJECT = re.compile(r"^objects/([0-9a-f]{2})/([0-9a-f]{64})(\.[a-z0-9]{1,10})?$")
CURSOR = re.compile(r"^[0-9]{1,18}$")  # ASCII digits only, and within a 64-bit integer
LIMIT = re.compile(r"^[0-9]{1,7}$")
CONTENT_TYPE = "application/json; charset=utf-8"
FEED_LIMIT = 1000  # entries per page of the delta feed, at most and by default
SAFE_METHODS = ("GET", "HEAD")


def export_view(view):
    """GET and HEAD only, JSON errors, no CSRF page, no language redirects (``urlconf.py``)."""

    @csrf_exempt  # nothing here changes state; other methods get a JSON 405, not a CSRF page
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.urlconf = "cms.publishing.urlconf"
        if request.method not in SAFE_METHODS:
            response = _error(405, f"method {request.method} not allowed: use GET or HEAD")
            response["Allow"] = ", ".join(SAFE_METHODS)
            return response
        return view(request, *args, **kwargs)

    return wrapped


class Current:
    """A channel's current export: its manifest, by hash, and when it was published."""

    def __init__(self, channel: str, sha256: str, published_at, manifest: dict[str, Any]):
        self.channel = channel
        self.sha256 = sha256
        self.published_at = published_at
        self.files: dict[str, dict[str, Any]] = manifest["files"]
        self.store = ChannelStore(export_storage(), channel)


def current_export(channel: str) -> Current | None:
    """The channel's current export, or None (unknown channel, nothing published yet)."""
    if not CHANNEL.match(channel):
        return None
    state = (
        ChannelState.objects.filter(channel=channel)
        .values_list("manifest_sha256", "published_at")
        .first()
    )
    if state is None or not state[0]:
        return None
    manifest = _manifest(channel, state[0])
    if manifest is None:
        return None
    return Current(channel, state[0], state[1], manifest)


@lru_cache(maxsize=16)
def _manifest(channel: str, sha256: str) -> dict[str, Any] | None:
    try:
        return json.loads(_object(channel, sha256, MANIFEST))
    except (OSError, ValueError):
        return None


@lru_cache(maxsize=16)
def _journal(channel: str, sha256: str) -> dict[str, Any]:
    return json.loads(_object(channel, sha256, CHANGES))


def _object(channel: str, sha256: str, path: str) -> bytes:
    return ChannelStore(export_storage(), channel).read_object(sha256, path)


@export_view
def export_file(request: HttpRequest, channel: str, path: str) -> HttpResponse:
    """One file of the channel's current export, or one of its immutable objects."""
    current = current_export(channel)
    if current is None or not _is_clean(path):
        return _error(404, "not found")
    match = OBJECT.match(path)
    if match:
        sha256, size = match.group(2), None
        if match.group(1) != sha256[:2]:
            return _error(404, "not found")
        name = path
    elif path == MANIFEST:
        sha256, size, name = current.sha256, None, path
    else:
        entry = current.files.get(path)
        if entry is None:
            return _error(404, "not found")
        sha256, size, name = entry["sha256"], entry["size"], None
    headers = {"Cache-Control": cache_control(f"{channel}/{path}")}
    if not match:
        headers["Last-Modified"] = http_date(current.published_at.timestamp())
    if _matches(request, sha256):
        return _not_modified(sha256, headers)
    if request.method == "HEAD" and size is not None:
        response = HttpResponse(content_type=_content_type(path))
        response["Content-Length"] = str(size)
    else:
        try:
            data = current.store.read(name) if name else current.store.read_object(sha256, path)
        except (FileNotFoundError, OSError):
            return _error(404, "not found")
        response = HttpResponse(data, content_type=_content_type(path))
    response["Content-Language"] = _language_of(path)
    return _finish(response, sha256, headers)


@export_view
def changes(request: HttpRequest, channel: str) -> HttpResponse:
    """Journal entries after ``?since=<sequence>``, ``limit`` at a time, with the next cursor."""
    current = current_export(channel)
    if current is None or CHANGES not in current.files:
        return _error(404, "not found")
    since_text = request.GET.get("since", "")
    if not CURSOR.match(since_text):
        return _error(400, "since must be a sequence number: ?since=<non-negative integer>")
    limit_text = request.GET.get("limit", str(FEED_LIMIT))
    if not LIMIT.match(limit_text) or not 1 <= int(limit_text) <= FEED_LIMIT:
        return _error(400, f"limit must be a whole number from 1 to {FEED_LIMIT}")
    since, limit = int(since_text), int(limit_text)
    journal = _journal(channel, current.files[CHANGES]["sha256"])
    try:
        entries = entries_since(journal, since)
    except CursorTooOld:
        return _error(
            410,
            "cursor too old: pull index.json again",
            sequence=journal["sequence"],
            compacted_through=journal["compacted_through"],
        )
    page, rest = entries[:limit], entries[limit:]
    following = None
    if rest:
        following = f"{request.path}?since={page[-1]['sequence']}&limit={limit}"
    body = dump_json(
        {
            "schema_version": journal["schema_version"],
            "channel": journal["channel"],
            "sequence": journal["sequence"],
            "compacted_through": journal["compacted_through"],
            "since": since,
            "entries": page,
            "next": following,
        }
    )
    etag = sha256_hex(body)
    headers = {
        "Cache-Control": "no-cache",
        "Last-Modified": http_date(current.published_at.timestamp()),
    }
    if _matches(request, etag):
        return _not_modified(etag, headers)
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Language"] = "zxx"
    return _finish(response, etag, headers)


def _is_clean(path: str) -> bool:
    """A relative path of plain segments: no '..', '.', empty or hidden segments, no NUL."""
    if not path or "\x00" in path or "\\" in path or path.startswith("/"):
        return False
    return all(segment and not segment.startswith(".") for segment in path.split("/"))


def _content_type(path: str) -> str:
    if path.endswith(".json"):
        return CONTENT_TYPE
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def _language_of(path: str) -> str:
    """The language of a file: its locale folder; schemas are English; the rest has none."""
    first = path.split("/", 1)[0]
    if "/" in path and first not in ("schema", "objects"):
        return first
    return "en" if first == "schema" else "zxx"  # zxx: no linguistic content (BCP 47)


def _matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    # If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/"x" matches "x".
    candidates = parse_etags(header)
    return "*" in candidates or any(tag.removeprefix("W/") == f'"{etag}"' for tag in candidates)


def _finish(response: HttpResponse, etag: str, headers: dict[str, str]) -> HttpResponse:
    response["ETag"] = f'"{etag}"'
    response["X-Content-Type-Options"] = "nosniff"
    for name, value in headers.items():
        response[name] = value
    return response


def _not_modified(etag: str, headers: dict[str, str]) -> HttpResponse:
    response = HttpResponse(status=304)
    del response["Content-Type"]
    return _finish(response, etag, headers)


def _error(status: int, message: str, **extra: Any) -> HttpResponse:
    response = HttpResponse(dump_json({"error": message, **extra}), status=status)
    response["Content-Type"] = CONTENT_TYPE
    patch_cache_control(response, no_store=True)
    return response
