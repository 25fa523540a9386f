"""A few hundred hostile requests against a running server: none may be answered with a 500.

Sent over a real socket with ``http.client``, so paths reach the server as written (the test
client would normalise them): traversal, percent-encodings, NUL bytes, overlong UTF-8, huge
numbers, odd methods. Every part of the site is probed: the exports, the delta feed, the API
v2, the admin's login, the site's pages and documents.
"""

from __future__ import annotations

import http.client
import itertools
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

HUGE = "9" * 5000
PREFIXES = [
    "/exports/web/",
    "/exports/app/",
    "/exports/partner/",
    "/exports/nope/",
    "/api/v2/pages/",
    "/ko/",
    "/en/",
    "/documents/",
    "/admin/login/",
]
HOSTILE_PATHS = [
    "",
    "manifest.json",
    "changes.json",
    "ko/index.json",
    "../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/settings.py",
    "%252e%252e/manifest.json",
    "ko/articles/%00.json",
    "ko/articles/thread-lifting.json%00",
    "%c0%ae%c0%ae/%c0%ae%c0%ae/",
    "%ff%fe",
    "..\\..\\windows\\win.ini",
    "//etc/passwd",
    ".git/config",
    ".state/x",
    "a" * 4000,
    "%EC%8B%A4%EB%A6%AC%ED%94%84%ED%8C%85/",
    "changes?since=" + HUGE,
    "changes?since=-1",
    "changes?since=1e9",
    "changes?since=%EF%BC%91",
    "changes?since=1&since=2",
    "changes?since=0&limit=" + HUGE,
    "changes?since=0&limit=-5",
    "changes?since=0&limit=0",
    "changes?since=0&cursor=" + HUGE,
    "changes?since=%00",
    "?offset=" + HUGE,
    "?limit=" + HUGE,
    "?offset=-1&limit=abc",
    "?search_operator=xor&search=a",
    "?search=%00",
    "?child_of=" + HUGE,
    "?type=nope.Nope",
    "?order=" + HUGE,
    "?fields=*,,%00",
    "99999999999999999999/",
    "find/?html_path=" + "%2e%2e/" * 50,
]
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW"]
UNSAFE = {"POST", "PUT", "DELETE", "PATCH"}


@pytest.fixture(scope="module")
def server(django_db_blocker):
    from pytest_django.live_server_helper import LiveServer

    live = LiveServer("127.0.0.1")
    yield live
    live.stop()


@pytest.fixture
def site_with_exports(export_root, settings, tmp_path):
    from cms.articles.seeding import seed_demo

    settings.TRANSLATION_CATALOG_DIR = tmp_path / "locale-unused"
    seed_demo()
    call_command("export_channels", "--quiet")


def send(server, method: str, path: str) -> http.client.HTTPResponse:
    host = urlsplit(server.url)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        connection.putheader("Accept-Encoding", "gzip, br")
        connection.endheaders(b"x=1" if method in UNSAFE else None)
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


# Committed data the server thread can read, and Wagtail's root page put back afterwards (a
# transactional test empties the database).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_hostile_request_gets_a_server_error(server, site_with_exports):
    failures = []
    sent = 0
    for prefix, path in itertools.product(PREFIXES, HOSTILE_PATHS):
        for method in ("GET", "HEAD") if path else METHODS:
            response = send(server, method, prefix + path)
            sent += 1
            if response.status >= 500:
                failures.append(f"{method} {prefix}{path[:80]} -> {response.status}")
    assert sent > 300
    assert failures == [], "\n".join(failures)

    # Writes to the exports: 405 with a JSON body, not Django's CSRF page.
    for method in sorted(UNSAFE):
        host = urlsplit(server.url)
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        connection.request(method, "/exports/web/manifest.json", body=b"{}")
        response = connection.getresponse()
        body = response.read()
        connection.close()
        assert response.status == 405, (method, body[:200])
        assert response.getheader("Content-Type").startswith("application/json")
        assert b"CSRF" not in body
        assert "GET" in response.getheader("Allow")
