"""Crash and concurrency trials: real export processes, killed with SIGKILL at random moments,
or started while another holds the lock, on the filesystem and on the S3 server."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from cms.publishing import lock
from cms.publishing.serialize import sha256_hex
from cms.publishing.store import ChannelStore, export_storage, object_name
from tests.articles.factories import make_article
from tests.publishing.s3 import CREDENTIALS, s3_storage_url

from .conftest import make_bilingual, make_source_articles, verify_tree

ROOT = Path(__file__).resolve().parents[2]
TRIALS = 10
CHANNELS = ("web", "app", "partner")
EXPORT = """
import django, sys
django.setup()
print("ready", flush=True)
from cms.publishing.export import export_channels
export_channels(full="--full" in sys.argv, wait="--wait" in sys.argv)
print("done", flush=True)
"""


pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def committed(tmp_path):
    """Seed articles committed where a subprocess sees them; its DATABASE_URL.

    Committed, so the tables are flushed afterwards; ``serialized_rollback`` puts back what the
    migrations made (Wagtail's root page, the default site) for the tests that follow.
    """
    homes_articles = make_source_articles()
    make_bilingual(homes_articles)
    home = homes_articles["thread-lifting"].get_parent()
    for number in range(8):
        make_article(home, f"kill-trial-{number}", title=f"시험 글 {number}")
    if connection.vendor == "sqlite":
        # The tests' database lives in this process's memory: hand the subprocess a copy.
        path = tmp_path / "db.sqlite3"
        target = sqlite3.connect(path)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    params = connection.settings_dict
    return (
        f"postgres://{params['USER']}:{params['PASSWORD'] or ''}@{params['HOST']}:"
        f"{params['PORT'] or 5432}/{params['NAME']}"
    )


def subprocess_env(database_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": database_url,
        "AWS_ACCESS_KEY_ID": CREDENTIALS["access_key"],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS["secret_key"],
    }
    options = settings.EXPORT_STORAGE
    if options:
        location = options["OPTIONS"]["location"]
        server = type(
            "Server",
            (),
            {
                "bucket": options["OPTIONS"]["bucket_name"],
                "endpoint_url": options["OPTIONS"]["endpoint_url"],
            },
        )
        env["EXPORT_STORAGE"] = s3_storage_url(server, location)
    else:
        env["EXPORT_STORAGE"] = f"file://{settings.EXPORT_ROOT}"
    return env


def start_export(env: dict[str, str], *flags: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", EXPORT, *flags],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "ready", process.stderr.read()
    return process


def complete_exports() -> dict[str, int]:
    """Assert each channel's manifest and every object it lists are whole; their sequences."""
    sequences = {}
    for channel in CHANNELS:
        store = ChannelStore(export_storage(), channel)
        manifest_bytes = store.read("manifest.json")
        manifest = json.loads(manifest_bytes)
        for path, entry in manifest["files"].items():
            data = store.read(object_name(entry["sha256"], path))
            assert (sha256_hex(data), len(data)) == (entry["sha256"], entry["size"]), path
        sequences[channel] = manifest["sequence"]
    return sequences


def test_an_export_killed_at_any_moment_leaves_a_complete_export(committed, export_root):
    env = subprocess_env(committed)
    first = start_export(env, "--full")
    assert first.wait(60) == 0, first.stderr.read()
    first.stdout.close(), first.stderr.close()
    published = complete_exports()
    durations = []
    rng = random.Random(17)
    for trial in range(TRIALS):
        # A full run rewrites every file: the widest window for a kill to land in.
        started = time.monotonic()
        process = start_export(env, "--full")
        delay = rng.uniform(0, max(durations, default=0.5) * 1.1)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        process.stdout.close(), process.stderr.close()
        if process.returncode == 0:
            durations.append(time.monotonic() - started)
        now = complete_exports()
        assert all(now[channel] >= published[channel] for channel in CHANNELS), trial
        published = now
    finishing = start_export(env)
    assert finishing.wait(60) == 0, finishing.stderr.read()
    finishing.stdout.close(), finishing.stderr.close()
    for channel in CHANNELS:
        verify_tree(export_root, channel)  # copies and objects agree again


@contextmanager
def held_lock(database_url: str):
    """Hold the export lock the subprocesses will ask for."""
    if connection.vendor == "postgresql":
        with lock.export_lock():
            yield
    else:
        path = Path(database_url.removeprefix("sqlite:///") + ".export-lock")
        with lock._file_lock(path, wait=False):
            yield


def test_two_exports_at_once_serialise_through_the_database(committed, export_root):
    env = subprocess_env(committed)
    with held_lock(committed):
        refused = start_export(env)
        assert refused.wait(60) != 0
        assert "another export is running" in refused.stderr.read()
        refused.stdout.close(), refused.stderr.close()
        waiting = start_export(env, "--wait")
        time.sleep(1)
        assert waiting.poll() is None  # queued behind the lock
    assert waiting.wait(60) == 0, waiting.stderr.read()
    assert waiting.stdout.read().strip() == "done"
    waiting.stdout.close(), waiting.stderr.close()
    complete_exports()
