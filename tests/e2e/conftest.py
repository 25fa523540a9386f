"""Browser tests: Debian's Chromium, driven by Playwright, against a live server on 127.0.0.1.

Run them alone with ``pytest -m browser``; leave them out with ``-m "not browser"``. Screenshots
of every step land in ``test-artifacts/e2e/<test name>/``.
"""

import json
import os
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connections
from wagtail.users.models import UserProfile

# Playwright's sync API keeps an asyncio event loop in the test thread; Django refuses ORM calls
# from such a thread unless told that this process knows they are synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
PASSWORD = "e2e-password"  # a throwaway user in the test database


def flush(alias: str, attempts: int = 5) -> None:
    """Empty the database, waiting out a live-server request still finishing on the shared
    in-memory SQLite connection ("database table is locked")."""
    for attempt in range(attempts):
        try:
            call_command(
                "flush",
                database=alias,
                interactive=False,
                inhibit_post_migrate=True,
                reset_sequences=False,
                verbosity=0,
            )
            return
        except Exception as exc:
            if "locked" not in str(exc.__cause__ or exc) or attempt == attempts - 1:
                raise
            time.sleep(0.5 * (attempt + 1))


def restore(contents: dict[str, str]) -> None:
    """Empty the database and load what the migrations had put in it."""
    for alias, data in contents.items():
        # Sequences keep counting: the restored rows keep their ids, new rows must not reuse them.
        flush(alias)
        # Content types first: building some Wagtail objects (tasks, workflows) looks up their
        # content type and would create it, under a new id, if it were not there yet.
        ContentType.objects.clear_cache()
        rows = json.loads(data)
        content_types = [row for row in rows if row["model"] == "contenttypes.contenttype"]
        others = [row for row in rows if row["model"] != "contenttypes.contenttype"]
        creation = connections[alias].creation
        creation.deserialize_db_from_string(json.dumps(content_types))
        creation.deserialize_db_from_string(json.dumps(others))


@pytest.fixture(scope="module")
def migrated_contents(django_db_setup, django_db_blocker):
    """The migrated database as serialized when the test database was created.

    Taken before the browser starts: under Playwright's event loop Django hands out other
    connection objects, which do not carry the serialized data. Put back when the module ends,
    because live-server tests end with a flush and the tests after them expect Wagtail's root
    page and default locale to be there.
    """
    contents = {
        connection.alias: connection._test_serialized_contents
        for connection in connections.all()
        if getattr(connection, "_test_serialized_contents", None)
    }
    if not contents:
        pytest.fail("the test database was not serialized: mark the tests serialized_rollback")
    yield contents
    with django_db_blocker.unblock():
        restore(contents)


@pytest.fixture(scope="module")
def server(migrated_contents):
    """A live server on 127.0.0.1 for this module only.

    pytest-django's ``live_server`` lives for the whole session; this one stops with the
    module, so no server thread is left running under the tests that come after.
    """
    from pytest_django.live_server_helper import LiveServer

    live = LiveServer("127.0.0.1")
    yield live
    live.stop()


@pytest.fixture(scope="module")
def browser(server):
    """One headless Chromium for the module (the system one: no browser downloads)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: apt-get install chromium fonts-noto-cjk (scripts/test does), "
            'or leave the browser tests out with -m "not browser"'
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live_db(transactional_db, migrated_contents):
    """A committed database in its migrated state, which the live server can read."""
    restore(migrated_contents)


@pytest.fixture
def tab(browser, server, live_db, settings):
    """A fresh browser tab (own cookies) whose relative URLs go to the live server."""
    # Wagtail 8 autosaves a new page half a second after an edit and then swaps the create form
    # for the edit form; a test types and publishes faster than that and would race it. Editors
    # keep autosave; these tests turn it off to stay deterministic.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    context = browser.new_context(
        base_url=server.url, viewport={"width": 1280, "height": 900}, locale="ko-KR"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(tab, request):
    """``screenshot("step")`` keeps a full-page picture of the tab as a test artefact."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    steps = iter(range(1, 100))

    def take(step: str) -> Path:
        path = folder / f"{next(steps):02d}-{step}.png"
        tab.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def korean_editor(live_db):
    """A superuser whose admin speaks Korean, as the clinic's editors' does."""
    user = get_user_model().objects.create_superuser("editor", "editor@example.com", PASSWORD)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "ko"
    profile.save()
    return user


def log_in(tab, user) -> None:
    """Sign in through the admin's login form."""
    tab.goto("/admin/login/")
    tab.fill("#id_username", user.get_username())
    tab.fill("#id_password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url("**/admin/")
