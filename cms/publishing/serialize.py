"""The one way export files are encoded, so identical content always gives identical bytes."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def dump_json(data: Any) -> bytes:
    """Compact UTF-8 JSON (no ASCII escapes), keys in the order given, newline at the end.

    Key order is fixed by the code that builds each document, not sorted, so a document reads
    in a sensible order (id, locale, slug, title… blocks) and still never varies.
    """
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
