"""HTTP pull: files with strong ETags and 304s, the delta feed, and nothing outside the tree."""

import json
import os
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.test import override_settings

from cms.publishing.export import export_channels

from .conftest import make_bilingual, make_source_articles, read_json

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def published_tree(django_db_setup, django_db_blocker, tmp_path_factory):
    """One export for the read-only tests; the database rows are rolled back afterwards."""
    root = tmp_path_factory.mktemp("served") / "exports"
    with django_db_blocker.unblock(), transaction.atomic():
        make_bilingual(make_source_articles())
        with override_settings(EXPORT_ROOT=root, EXPORT_GATES=[]):
            export_channels(["web", "app"], now=NOW)
        transaction.set_rollback(True)
    return root


@pytest.fixture
def served(published_tree, settings, db):
    """The shared export, served. ``db``: 404s go through Wagtail's redirect lookup."""
    settings.EXPORT_ROOT = published_tree
    return published_tree


@pytest.fixture
def exported(bilingual, export_root):
    """A private export for tests that change pages or files."""
    export_channels(["web", "app"], now=NOW)
    return export_root


def test_documents_are_served_with_their_manifest_sha_as_strong_etag(served, client):
    manifest = read_json(served, "web", "manifest.json")
    entry = manifest["files"]["ko/articles/thread-lifting.json"]
    response = client.get("/exports/web/ko/articles/thread-lifting.json")
    assert response.status_code == 200
    assert response["ETag"] == f'"{entry["sha256"]}"'
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=60, must-revalidate"
    assert response.content == (served / "web/ko/articles/thread-lifting.json").read_bytes()
    assert int(response["Content-Length"]) == entry["size"]


@pytest.mark.parametrize("header", ['"{}"', 'W/"{}"', '"other", "{}"', "*"])
def test_matching_if_none_match_gets_304(served, client, header):
    etag = read_json(served, "web", "manifest.json")["files"]["ko/index.json"]["sha256"]
    response = client.get("/exports/web/ko/index.json", HTTP_IF_NONE_MATCH=header.format(etag))
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == f'"{etag}"'


def test_a_stale_etag_gets_the_new_document(served, client):
    response = client.get("/exports/web/ko/index.json", HTTP_IF_NONE_MATCH='"0000"')
    assert response.status_code == 200
    assert json.loads(response.content)["locale"] == "ko"


def test_manifest_and_journal_are_always_revalidated(served, client):
    manifest = client.get("/exports/web/manifest.json")
    assert manifest.status_code == 200
    assert manifest["Cache-Control"] == "no-cache"
    again = client.get("/exports/web/manifest.json", HTTP_IF_NONE_MATCH=manifest["ETag"])
    assert again.status_code == 304
    assert client.get("/exports/web/changes.json")["Cache-Control"] == "no-cache"
    schema = client.get("/exports/app/schema/article.schema.json")
    assert json.loads(schema.content)["$id"].endswith("/exports/app/schema/article.schema.json")


def test_head_answers_headers_only(served, client):
    response = client.head("/exports/web/ko/index.json")
    assert response.status_code == 200
    assert response.content == b""
    assert response["ETag"]


def test_only_get_and_head_are_allowed(served, client):
    assert client.post("/exports/web/ko/index.json").status_code == 405
    assert client.delete("/exports/web/ko/index.json").status_code == 405
    assert client.post("/exports/web/changes?since=0").status_code == 405


def test_the_response_follows_the_switch_to_a_new_export(exported, bilingual, client):
    first = client.get("/exports/web/ko/articles/thread-lifting.json")
    page = bilingual["ko"]["thread-lifting"]
    page.title = "실리프팅 안내"
    page.save_revision().publish()
    export_channels(["web"], now=NOW)
    second = client.get(
        "/exports/web/ko/articles/thread-lifting.json", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert second.status_code == 200
    assert json.loads(second.content)["title"] == "실리프팅 안내"


@pytest.mark.parametrize(
    "path",
    [
        "/exports/web/../../../etc/passwd",
        "/exports/web/ko/../manifest.json",
        "/exports/web/%2e%2e/%2e%2e/etc/passwd",
        "/exports/web/%2E%2E%2Fweb%2Fmanifest.json",
        "/exports/web//etc/passwd",
        "/exports/web/ko%00/index.json",
        "/exports/web/ko/index.json%00",
        "/exports/web/.lock",
        "/exports/web/./ko/index.json",
        "/exports/web/ko\\index.json",
        "/exports/.trees/x/manifest.json",
        "/exports/..%2F.lock/x",
        "/exports/web/ko/articles/",
        "/exports/web/ko/articles/nope.json",
        "/exports/print/manifest.json",
    ],
)
def test_nothing_outside_the_export_tree_is_served(served, client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert json.loads(response.content) == {"error": "not found"}


def test_symlinks_escaping_the_tree_are_not_followed(exported, client, tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text('{"secret": true}')
    current = (exported / "web").resolve()
    os.symlink(secret, current / "ko/articles/planted.json")
    listed = current / "ko/index.json"
    listed.unlink()
    os.symlink(secret, listed)  # a listed file replaced by a link to elsewhere
    os.symlink(tmp_path, exported / "evil")  # a channel link pointing outside .trees
    assert client.get("/exports/web/ko/articles/planted.json").status_code == 404
    assert client.get("/exports/web/ko/index.json").status_code == 404
    assert client.get("/exports/evil/secret.json").status_code == 404


def changes(client, query):
    response = client.get(f"/exports/web/changes{query}")
    return response, json.loads(response.content)


def test_delta_feed_returns_entries_after_the_cursor(exported, bilingual, client):
    response, everything = changes(client, "?since=0")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"
    sequence = everything["sequence"]
    assert [entry["sequence"] for entry in everything["entries"]] == list(range(1, sequence + 1))
    page = bilingual["ko"]["mini-thread-lifting-vs-mini-facelift"]
    page.title = "미니 리프팅"
    page.save_revision().publish()
    export_channels(["web"], now=NOW + timedelta(hours=1))

    response, delta = changes(client, f"?since={sequence}")

    assert delta["since"] == sequence
    assert delta["sequence"] > sequence
    assert {(entry["action"], entry["path"]) for entry in delta["entries"]} == {
        ("upsert", "ko/articles/mini-thread-lifting-vs-mini-facelift.json"),
        ("upsert", "en/articles/mini-thread-lifting-vs-mini-facelift.json"),
    }
    _response, current = changes(client, f"?since={delta['sequence']}")
    assert current["entries"] == []
    not_modified = client.get(
        f"/exports/web/changes?since={delta['sequence']}", HTTP_IF_NONE_MATCH=_response["ETag"]
    )
    assert not_modified.status_code == 304


@pytest.mark.parametrize(
    "query", ["", "?since=", "?since=abc", "?since=-1", "?since=1.5", "?since=٣"]
)
def test_delta_feed_rejects_a_cursor_that_is_not_a_sequence_number(served, client, query):
    response, body = changes(client, query)
    assert response.status_code == 400
    assert "since must be a sequence number" in body["error"]


def test_delta_feed_says_gone_when_the_cursor_predates_the_journal(
    exported, bilingual, client, settings
):
    settings.EXPORT_TOMBSTONE_RETENTION_DAYS = 1
    bilingual["en"]["thread-lifting"].delete()
    bilingual["ko"]["thread-lifting"].delete()
    export_channels(["web"], now=NOW + timedelta(hours=1))
    page = bilingual["ko"]["mini-thread-lifting-vs-mini-facelift"]
    page.title = "미니 리프팅"
    page.save_revision().publish()
    export_channels(["web"], now=NOW + timedelta(days=3))  # the tombstones are compacted away

    response, body = changes(client, "?since=1")

    assert response.status_code == 410
    assert body["error"] == "cursor too old: pull index.json again"
    assert body["compacted_through"] > 1
    response, _body = changes(client, f"?since={body['sequence'] + 5}")
    assert response.status_code == 410  # a cursor from an export this one does not know


def test_delta_feed_of_an_unknown_channel_is_404(served, client):
    assert client.get("/exports/print/changes?since=0").status_code == 404
