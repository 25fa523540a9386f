"""HTTP pull: files with strong ETags and 304s, the delta feed, and nothing outside the tree."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from cms.publishing.export import export_channels
from cms.publishing.store import export_storage, object_name

from .conftest import read_bytes, read_json

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def exported(bilingual, export_root):
    """An export of web and app, on the test's storage."""
    export_channels(["web", "app"], now=NOW)
    return export_root


served = exported


def test_documents_are_served_with_their_manifest_sha_as_strong_etag(served, client):
    manifest = read_json(served, "web", "manifest.json")
    entry = manifest["files"]["ko/articles/thread-lifting.json"]
    response = client.get("/exports/web/ko/articles/thread-lifting.json")
    assert response.status_code == 200
    assert response["ETag"] == f'"{entry["sha256"]}"'
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=60, must-revalidate"
    assert response.content == read_bytes("web", "ko/articles/thread-lifting.json")
    assert response["Last-Modified"]
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


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize("path", ["/exports/web/ko/index.json", "/exports/web/changes?since=0"])
def test_only_get_and_head_are_allowed_and_other_methods_get_json(served, method, path):
    client = Client(enforce_csrf_checks=True)  # as browsers are: no CSRF page in the way
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert "not allowed" in json.loads(response.content)["error"]


def test_objects_are_served_immutable_and_files_by_path_briefly(served, client):
    entry = read_json(served, "web", "manifest.json")["files"]["en/index.json"]
    name = object_name(entry["sha256"], "en/index.json")
    response = client.get(f"/exports/web/{name}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["ETag"] == f'"{entry["sha256"]}"'
    assert response.content == read_bytes("web", "en/index.json")
    assert client.get(f"/exports/web/objects/00/{'0' * 64}.json").status_code == 404
    manifest = client.get("/exports/web/manifest.json")
    assert manifest["Cache-Control"] == "no-cache" and manifest["Last-Modified"]


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


def test_files_stored_beside_the_export_but_not_in_its_manifest_are_not_served(exported, client):
    storage = export_storage()
    storage.save("web/ko/articles/planted.json", ContentFile(b'{"secret": true}'))
    storage.save("evil/manifest.json", ContentFile(b"{}"))
    assert client.get("/exports/web/ko/articles/planted.json").status_code == 404
    assert client.get("/exports/evil/manifest.json").status_code == 404


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
    "query",
    [
        "",
        "?since=",
        "?since=abc",
        "?since=-1",
        "?since=1.5",
        "?since=٣",
        "?since=%EF%BC%91",  # a fullwidth digit one
        "?since=1e3",
        "?since=%201",
        "?since=" + "9" * 5000,
        "?since=99999999999999999999",
    ],
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


@pytest.mark.parametrize("limit", ["0", "-1", "abc", "1.5", "٣", "1001", "9" * 5000, ""])
def test_delta_feed_rejects_a_limit_out_of_range(served, client, limit):
    response, body = changes(client, f"?since=0&limit={limit}")
    assert response.status_code == 400
    assert "limit must be a whole number from 1 to 1000" in body["error"]


def test_delta_feed_pages_through_the_journal_with_a_next_link(exported, client):
    _response, first = changes(client, "?since=0&limit=3")
    sequences = [entry["sequence"] for entry in first["entries"]]
    assert sequences == [1, 2, 3]
    assert first["next"] == "/exports/web/changes?since=3&limit=3"
    _response, second = changes(client, first["next"].removeprefix("/exports/web/changes"))
    assert [entry["sequence"] for entry in second["entries"]] == [4]
    assert second["next"] is None


def test_other_query_parameters_of_any_shape_never_fail(served, client):
    for value in ["-1", "x", "9" * 5000, "٣"]:
        response = client.get(f"/exports/web/ko/index.json?offset={value}&limit={value}")
        assert response.status_code == 200
