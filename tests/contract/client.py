"""A channel's client for the clinic's exports, written from docs/export-contract.md alone.

It imports nothing from the project (``cms``): only httpx and jsonschema, as a channel
developer's code would. It pulls a channel's export, verifies every file (sha256 from the
manifest and the index, JSON Schema 2020-12 from the channel's own ``schema/`` folder), follows
the delta feed with the 410-and-resync rule, caches as the response headers allow, and
verifies signed webhooks (docs/webhooks.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from jsonschema import Draft202012Validator


class ContractError(Exception):
    """The server broke a promise of the contract."""


@dataclass
class CachedResponse:
    body: bytes
    etag: str | None
    last_modified: str | None
    fresh_until: float  # monotonic time; 0: revalidate every time


@dataclass
class HttpCache:
    """A private HTTP cache that follows Cache-Control, ETag and Last-Modified (RFC 9111)."""

    client: httpx.Client
    entries: dict[str, CachedResponse] = field(default_factory=dict)
    requests: int = 0  # requests that went to the network
    not_modified: int = 0  # of which answered 304

    def get(
        self, url: str, params: dict[str, Any] | None = None, *, revalidate: bool = False
    ) -> httpx.Response | bytes:
        """The body of ``url`` (bytes) from cache or network, or a non-200 response.

        ``revalidate``: ask the server even if the cached copy is still fresh.
        """
        key = str(httpx.URL(url, params=params))
        cached = self.entries.get(key)
        if cached is not None and not revalidate and time.monotonic() < cached.fresh_until:
            return cached.body
        headers = {"Accept-Encoding": "gzip"}
        if cached is not None and cached.etag:
            headers["If-None-Match"] = cached.etag
        if cached is not None and cached.last_modified:
            headers["If-Modified-Since"] = cached.last_modified
        response = self.client.get(key, headers=headers)
        self.requests += 1
        if response.status_code == 304 and cached is not None:
            self.not_modified += 1
            cached.fresh_until = _fresh_until(response, cached.fresh_until)
            return cached.body
        if response.status_code != 200:
            return response
        body = response.content
        if "no-store" not in response.headers.get("Cache-Control", ""):
            self.entries[key] = CachedResponse(
                body=body,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
                fresh_until=_fresh_until(response, 0.0),
            )
        return body


def _fresh_until(response: httpx.Response, default: float) -> float:
    directives = {}
    for part in response.headers.get("Cache-Control", "").split(","):
        name, _, value = part.strip().partition("=")
        directives[name.lower()] = value
    if "no-cache" in directives or "no-store" in directives:
        return 0.0
    if "max-age" in directives:
        try:
            return time.monotonic() + int(directives["max-age"])
        except ValueError:
            return 0.0
    return default


@dataclass
class Replica:
    """What the channel holds: the documents by path, with their sha256, at a sequence."""

    sequence: int = 0
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)


class ChannelClient:
    """Keeps a verified copy of one channel's export (contract §7)."""

    def __init__(self, base_url: str, channel: str, http: httpx.Client | None = None) -> None:
        self.root = f"{base_url.rstrip('/')}/exports/{channel}/"
        self.channel = channel
        self.cache = HttpCache(http or httpx.Client(timeout=30))
        self.replica = Replica()
        self.validators: dict[str, Draft202012Validator] = {}
        self.resyncs = 0

    # Fetching and verifying -----------------------------------------------------------------

    def fetch(self, path: str, *, revalidate: bool = False) -> bytes:
        result = self.cache.get(self.root + path, revalidate=revalidate)
        if isinstance(result, httpx.Response):
            raise ContractError(f"GET {path}: HTTP {result.status_code}")
        return result

    def fetch_json(self, path: str, sha256: str | None = None) -> Any:
        body = self.fetch(path)
        if sha256 is not None and hashlib.sha256(body).hexdigest() != sha256:
            # A copy cached while still fresh may predate the change the manifest or the
            # feed announces: ask the server before calling it a broken promise.
            body = self.fetch(path, revalidate=True)
        if sha256 is not None and hashlib.sha256(body).hexdigest() != sha256:
            raise ContractError(f"{path}: sha256 does not match the manifest")
        if not body.endswith(b"\n"):
            raise ContractError(f"{path}: no newline at the end")
        return json.loads(body)

    def validator(self, name: str, manifest: dict[str, Any]) -> Draft202012Validator:
        path = f"schema/{name}.schema.json"
        if path not in self.validators:
            schema = self.fetch_json(path, manifest["files"][path]["sha256"])
            Draft202012Validator.check_schema(schema)
            self.validators[path] = Draft202012Validator(
                schema, format_checker=Draft202012Validator.FORMAT_CHECKER
            )
        return self.validators[path]

    def validate(self, name: str, manifest: dict[str, Any], document: Any, where: str) -> None:
        errors = list(self.validator(name, manifest).iter_errors(document))
        if errors:
            raise ContractError(f"{where}: {errors[0].message}")

    def manifest(self) -> dict[str, Any]:
        manifest = self.fetch_json("manifest.json")
        self.validators.clear()  # schemas may change with the export
        self.validate("manifest", manifest, manifest, "manifest.json")
        if manifest["channel"] != self.channel:
            raise ContractError(f"manifest.json: channel {manifest['channel']!r}")
        return manifest

    # Syncing ----------------------------------------------------------------------------------

    def pull(self) -> int:
        """First pull (and resync): manifest, each locale's index, the articles not held.

        Returns how many article documents were fetched.
        """
        manifest = self.manifest()
        wanted: dict[str, str] = {}
        for locale in manifest["locales"]:
            path = f"{locale}/index.json"
            index = self.fetch_json(path, manifest["files"][path]["sha256"])
            self.validate("index", manifest, index, path)
            for entry in index["articles"]:
                if manifest["files"][entry["path"]]["sha256"] != entry["sha256"]:
                    raise ContractError(f"{path}: {entry['path']} sha256 differs from manifest")
                wanted[entry["path"]] = entry["sha256"]
        fetched = 0
        for path, sha256 in sorted(wanted.items()):
            if self.replica.hashes.get(path) != sha256:
                self._store(path, sha256, manifest)
                fetched += 1
        for path in set(self.replica.documents) - set(wanted):
            self._drop(path)
        self.replica.sequence = manifest["sequence"]
        return fetched

    def sync(self) -> list[dict[str, Any]]:
        """Follow the delta feed from the replica's sequence, page by page; on 410, pull again.

        Returns the entries applied (none after a resync). The cursor advances page by page,
        so an interrupted sync resumes where it stopped.
        """
        url, params = self.root + "changes", {"since": self.replica.sequence}
        manifest = None
        applied: list[dict[str, Any]] = []
        while True:
            result = self.cache.get(url, params)
            if isinstance(result, httpx.Response):
                if result.status_code == 410:
                    body = result.json()
                    if "sequence" not in body or "compacted_through" not in body:
                        raise ContractError("410 without sequence and compacted_through")
                    self.resyncs += 1
                    self.pull()
                    return []
                raise ContractError(f"changes: HTTP {result.status_code}")
            feed = json.loads(result)
            manifest = manifest or self.manifest()
            self.validate("changes", manifest, feed, "changes")
            if params is not None and feed["since"] != params["since"]:
                raise ContractError("changes: since does not echo the cursor")
            cursor = self.replica.sequence
            for entry in feed["entries"]:
                if entry["sequence"] <= cursor:
                    raise ContractError("changes: entries not ascending past the cursor")
                cursor = entry["sequence"]
                if entry["action"] == "upsert":
                    if entry["path"] not in manifest["files"]:
                        # A later entry (or the next poll) settles it: the feed and the
                        # manifest are two requests, and the export may have moved on.
                        continue
                    sha256 = manifest["files"][entry["path"]]["sha256"]
                    self._store(entry["path"], sha256, manifest)
                else:
                    self._drop(entry["path"])
                applied.append(entry)
            next_page = feed.get("next")
            if not next_page:
                self.replica.sequence = max(feed["sequence"], cursor)
                return applied
            self.replica.sequence = cursor
            url, params = str(httpx.URL(self.root).join(next_page)), None

    def _store(self, path: str, sha256: str, manifest: dict[str, Any]) -> None:
        document = self.fetch_json(path, sha256)
        self.validate("article", manifest, document, path)
        if document["locale"] != path.split("/", 1)[0]:
            raise ContractError(f"{path}: locale {document['locale']!r} is not its folder's")
        self.replica.documents[path] = document
        self.replica.hashes[path] = sha256

    def _drop(self, path: str) -> None:
        self.replica.documents.pop(path, None)
        self.replica.hashes.pop(path, None)


# Webhooks (docs/webhooks.md) ------------------------------------------------------------------

TOLERANCE_SECONDS = 300


@dataclass
class WebhookInbox:
    """Accepts signed webhooks once each: checks signature and age, drops replays."""

    secret: bytes
    seen: dict[str, float] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)

    def receive(self, headers: dict[str, str], body: bytes, now: float | None = None) -> int:
        """The status to answer: 204 accepted (or a repeat), 401 not signed by us."""
        now = time.time() if now is None else now
        headers = {name.lower(): value for name, value in headers.items()}
        try:
            event_id = headers["webhook-id"]
            timestamp = int(headers["webhook-timestamp"])
            offered = headers["webhook-signature"].split()
        except (KeyError, ValueError):
            return 401
        if abs(now - timestamp) > TOLERANCE_SECONDS:
            return 401
        signed = f"{event_id}.{timestamp}.".encode() + body
        expected = "v1=" + hmac.new(self.secret, signed, hashlib.sha256).hexdigest()
        if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
            return 401
        if event_id in self.seen:
            return 204  # a repeat: already taken
        self.seen[event_id] = now
        self.events.append(json.loads(body))
        return 204
