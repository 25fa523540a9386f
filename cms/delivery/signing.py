"""HMAC-SHA256 signatures of webhook bodies, timestamped so a captured request cannot be replayed.

The signed bytes are ``<id>.<timestamp>.<body>``: the event id (``Webhook-Id``), the Unix time of
the attempt (``Webhook-Timestamp``) and the exact body. ``Webhook-Signature`` holds ``v1=<hex>``
per secret, separated by spaces. docs/webhooks.md shows the receiving side.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_VERSION = "v1"
# A receiver refuses timestamps further than this from its clock (both directions).
DEFAULT_TOLERANCE_SECONDS = 300


def signature(secret: bytes, event_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{event_id}.{timestamp}.".encode() + body
    return hmac.new(secret, signed, hashlib.sha256).hexdigest()


def signature_headers(
    secrets: list[bytes], event_id: str, body: bytes, timestamp: int | None = None
) -> dict[str, str]:
    """The headers that let a receiver check who sent ``body`` and when."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signatures = " ".join(
        f"{SIGNATURE_VERSION}={signature(secret, event_id, timestamp, body)}" for secret in secrets
    )
    return {
        "Webhook-Id": event_id,
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": signatures,
    }


def verify(
    secret: bytes,
    headers: dict[str, str],
    body: bytes,
    *,
    now: float | None = None,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """Whether ``headers`` sign ``body`` with ``secret`` at a time close enough to ``now``.

    The reference for receivers written in Python (docs/webhooks.md has the same in a form
    to copy); replay protection also needs the receiver to remember the ids it has accepted.
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    try:
        event_id = lowered["webhook-id"]
        timestamp = int(lowered["webhook-timestamp"])
        offered = lowered["webhook-signature"].split()
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = f"{SIGNATURE_VERSION}={signature(secret, event_id, timestamp, body)}"
    return any(hmac.compare_digest(expected, candidate) for candidate in offered)
