"""An S3-compatible server for the suite: moto's standalone server on a free 127.0.0.1 port."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any

from cms.publishing.store import S3_BACKEND

BUCKET = "clinic-exports"
CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    bucket: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def s3_storage_config(server: S3Server, prefix: str) -> dict[str, Any]:
    """``settings.EXPORT_STORAGE`` for a private prefix of the server's bucket."""
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": server.bucket,
            "endpoint_url": server.endpoint_url,
            "location": prefix,
            **CREDENTIALS,
        },
    }


def s3_storage_url(server: S3Server, prefix: str) -> str:
    """The same as ``EXPORT_STORAGE`` URL, for a subprocess (credentials in its environment)."""
    return f"s3://{server.bucket}/{prefix}?endpoint_url={server.endpoint_url}&region_name=us-east-1"
