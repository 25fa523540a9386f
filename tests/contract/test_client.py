"""The contract client (tests/contract/client.py) against the app, as a channel uses it.

The client imports nothing from cms; this test sets up content only through management
commands and Wagtail's own models. Requests go through the whole WSGI application (every
middleware, the real views) by httpx's WSGI transport, inside the test's transaction.
"""

import httpx
import pytest
from django.core.management import call_command
from wagtail.models import Page

from .client import ChannelClient, ContractError

pytestmark = pytest.mark.django_db

CHANNELS = ("web", "app", "partner")


@pytest.fixture(params=["filesystem", "s3"])
def exported(request, export_root, settings):
    """The demo exported to the filesystem, or to a private prefix of the suite's S3 server."""
    if request.param == "s3":
        import uuid

        from tests.publishing.s3 import s3_storage_config

        server = request.getfixturevalue("s3_server")
        settings.EXPORT_STORAGE = s3_storage_config(server, f"c-{uuid.uuid4().hex[:12]}")
    call_command("seed_demo", verbosity=0)
    call_command("export_channels", "--quiet")
    return export_root


def connect(server, channel: str) -> ChannelClient:
    return ChannelClient(server.url, channel, http=httpx.Client(transport=server.transport))


def export() -> None:
    call_command("export_channels", "--quiet")


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_first_pull_fetches_and_verifies_every_article(exported, app_server, channel):
    client = connect(app_server, channel)
    fetched = client.pull()
    assert fetched == len(client.replica.documents) >= 1
    assert client.replica.sequence >= 1
    for path, document in client.replica.documents.items():
        assert path == f"{document['locale']}/articles/{document['slug']}.json"


def test_polling_again_costs_only_revalidations(exported, app_server):
    client = connect(app_server, "web")
    client.pull()
    before = client.cache.requests
    assert client.pull() == 0  # nothing new to fetch
    assert client.sync() == []
    # Manifest and indexes revalidate (304); documents come from the cache or a 304 alone.
    assert client.cache.not_modified >= 1
    assert client.cache.requests - before <= 2 + 2  # manifest twice, the feed, …


def test_the_feed_brings_deletions_and_changes(exported, app_server):
    client = connect(app_server, "web")
    client.pull()
    page = Page.objects.get(slug="thread-lifting", locale__language_code="ko").specific
    page.unpublish()
    export()
    applied = client.sync()
    assert {(entry["action"], entry["path"]) for entry in applied} >= {
        ("delete", "ko/articles/thread-lifting.json")
    }
    assert "ko/articles/thread-lifting.json" not in client.replica.documents

    page = Page.objects.get(slug="thread-lifting", locale__language_code="ko").specific
    page.title = "실 리프팅: 다시 게시"
    page.save_revision().publish()
    export()
    applied = client.sync()
    assert ("upsert", "ko/articles/thread-lifting.json") in {
        (entry["action"], entry["path"]) for entry in applied
    }
    assert client.replica.documents["ko/articles/thread-lifting.json"]["title"] == (
        "실 리프팅: 다시 게시"
    )
    # The replica is what a fresh pull sees.
    fresh = connect(app_server, "web")
    fresh.pull()
    assert fresh.replica.hashes == client.replica.hashes
    assert fresh.replica.sequence == client.replica.sequence


def test_a_cursor_the_export_does_not_know_gets_410_and_a_resync(exported, app_server):
    client = connect(app_server, "web")
    client.pull()
    held = dict(client.replica.hashes)
    client.replica.sequence += 1000  # e.g. a cursor kept from a restored backup
    client.replica.documents.pop(next(iter(held)))
    client.replica.hashes.pop(next(iter(held)))
    assert client.sync() == []
    assert client.resyncs == 1
    assert client.replica.hashes == held


def test_a_file_that_does_not_match_its_hash_is_refused(exported, app_server):
    client = connect(app_server, "web")
    manifest = client.manifest()
    path = next(path for path in manifest["files"] if "/articles/" in path)
    with pytest.raises(ContractError, match="sha256 does not match"):
        client.fetch_json(path, "0" * 64)


def test_unknown_files_and_channels_are_404(exported, app_server):
    client = connect(app_server, "web")
    with pytest.raises(ContractError, match="HTTP 404"):
        client.fetch("../manifest.json")
    with pytest.raises(ContractError, match="HTTP 404"):
        connect(app_server, "nope").manifest()
