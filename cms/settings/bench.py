"""Settings for scripts/bench: its own database, export folder and catalogs under BENCH_DIR."""

import os
from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, database

DEBUG = False
SECRET_KEY = "bench-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

BENCH_DIR = Path(os.environ.get("BENCH_DIR", BASE_DIR / "bench-results"))
DATABASES = {"default": database(BENCH_DIR / "bench.sqlite3")}
# The engine is the one base.py chose from the same DATABASE_URL, so its engine-specific apps
# (django.contrib.postgres) already match.
EXPORT_ROOT = BENCH_DIR / "exports"
TRANSLATION_CATALOG_DIR = BENCH_DIR / "locale"
