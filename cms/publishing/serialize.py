"""The one way export files are encoded, so identical content always gives identical bytes."""

from __future__ import annotations

import hashlib
import json
from typing import Any, BinaryIO

import orjson

# The reference encoding: compact, UTF-8 without ASCII escapes. orjson writes exactly these
# bytes for the values documents hold (strings, integers, booleans, null, lists, objects with
# string keys), several times faster; anything else it refuses goes through json.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode_json(data: Any) -> bytes:
    """Compact UTF-8 JSON (no ASCII escapes), keys in the order given."""
    try:
        encoded = orjson.dumps(data)
    except TypeError:  # e.g. integers beyond 64 bits, non-string keys
        return _ENCODER.encode(data).encode("utf-8")
    # orjson's bytes keep its whole first buffer (4 KiB): a copy is a tenth of that for the
    # small values a run keeps thousands of (index entries, manifest members).
    return bytes(memoryview(encoded)) if len(encoded) < 2048 else encoded


def dump_json(data: Any) -> bytes:
    """``encode_json`` with a newline at the end: the bytes of an export file.

    Key order is fixed by the code that builds each document, not sorted, so a document reads
    in a sensible order (id, locale, slug, title… blocks) and still never varies.
    """
    return encode_json(data) + b"\n"


def sha256_hex(data: bytes | list | BinaryIO) -> str:
    """The sha256 of ``data``, given whole, as chunks or as a file (read from its start)."""
    if isinstance(data, bytes):
        return hashlib.sha256(data).hexdigest()
    if isinstance(data, list):
        digest = hashlib.sha256()
        for chunk in data:
            digest.update(chunk)
        return digest.hexdigest()
    data.seek(0)
    return hashlib.file_digest(data, "sha256").hexdigest()
