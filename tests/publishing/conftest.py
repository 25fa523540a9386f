"""Fixtures for the exports: seed articles with an English translation, frozen dates, helpers."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.storage import Storage
from wagtail.models import Locale, Page

from cms.articles.models import ArticlePage
from cms.articles.seeding import (
    ensure_home_pages,
    ensure_locales,
    load_seed_articles,
    upsert_source_article,
)
from cms.home.models import HomePage
from cms.publishing.serialize import sha256_hex
from cms.publishing.store import ChannelStore, export_storage, object_name
from cms.translation.models import AppliedTranslation
from tests.articles.factories import compliance_gate_open
from tests.publishing.s3 import s3_storage_config

FIRST_PUBLISHED = datetime(2025, 1, 15, 0, 0, tzinfo=UTC)
LAST_PUBLISHED = datetime(2025, 2, 1, 9, 30, tzinfo=UTC)


def translate(
    source: ArticlePage,
    language: str = "en",
    *,
    title: str,
    summary: str = "",
    body: list | None = None,
    complete: bool = True,
) -> ArticlePage:
    """Publish ``source`` in ``language`` the way apply_translations does, with its record."""
    source.refresh_from_db()  # publish() updates the row, not the instance we were given
    page = source.copy_for_translation(Locale.objects.get(language_code=language))
    page.title = title
    page.search_description = summary
    if body is not None:
        page.body = body
    with compliance_gate_open():  # a stand-in translation: the Korean text, an English title
        page.save_revision().publish()
    AppliedTranslation.objects.create(
        page=page,
        source_page=source,
        source_revision=source.live_revision,
        catalog_path=f"locale/{language}/LC_MESSAGES/articles/{source.slug}.po",
        total=40,
        translated=40 if complete else 31,
        complete=complete,
    )
    page.refresh_from_db()
    return page


def freeze_publication_dates() -> None:
    """Fixed timestamps, so documents do not depend on when the test ran."""
    Page.objects.update(first_published_at=FIRST_PUBLISHED, last_published_at=LAST_PUBLISHED)


@pytest.fixture(params=["filesystem", "s3"])
def export_root(request, tmp_path, settings):
    """The export storage of one test: a private folder, or a private prefix of the S3 bucket
    on the suite's own S3-compatible server (``s3_server``). Every test taking it runs on both.
    """
    settings.EXPORT_ROOT = tmp_path / "exports"
    if request.param == "s3":
        server = request.getfixturevalue("s3_server")
        settings.EXPORT_STORAGE = s3_storage_config(server, f"t-{uuid.uuid4().hex[:12]}")
    else:
        settings.EXPORT_STORAGE = None
    return settings.EXPORT_ROOT


def make_source_articles() -> dict[str, ArticlePage]:
    """The seed articles as published Korean source pages, and nothing translated.

    Built from the seeding steps rather than ``seed_demo``, which also applies the shipped
    catalogs: these tests decide for themselves which translations exist.
    """
    homes = ensure_home_pages(ensure_locales(code for code, _ in settings.LANGUAGES))
    return {
        seed.slug: upsert_source_article(seed, homes["ko"], refresh=False)[0]
        for seed in load_seed_articles()
    }


def make_bilingual(articles: dict[str, ArticlePage]) -> dict[str, dict[str, ArticlePage]]:
    """thread-lifting translated into English from its seed text; the other article is not."""
    seed = {seed.slug: seed for seed in load_seed_articles()}["thread-lifting"]
    english = translate(
        articles["thread-lifting"],
        title=seed.title["en"],
        summary=seed.summary["en"],
        body=seed.body_in("en"),
    )
    freeze_publication_dates()
    return {"ko": articles, "en": {"thread-lifting": english}}


@pytest.fixture
def articles(db) -> dict[str, ArticlePage]:
    return make_source_articles()


@pytest.fixture
def ko_home(articles) -> HomePage:
    return HomePage.objects.get(locale__language_code="ko")


@pytest.fixture
def bilingual(articles) -> dict[str, dict[str, ArticlePage]]:
    return make_bilingual(articles)


def read_bytes(channel: str, path: str) -> bytes:
    """A file of the export, by path, from whichever storage the test runs on."""
    return ChannelStore(export_storage(), channel).read(path)


def read_json(root: Path, channel: str, path: str) -> Any:
    return json.loads(read_bytes(channel, path))


def stored_paths(storage: Storage, prefix: str) -> set[str]:
    """Every file below ``prefix`` in ``storage``, relative to it."""
    folders, files = storage.listdir(prefix)
    found = set(files)
    for folder in folders:
        found |= {f"{folder}/{name}" for name in stored_paths(storage, f"{prefix}/{folder}")}
    return found


def verify_tree(root: Path, channel: str) -> dict[str, Any]:
    """Assert every file the manifest lists is stored whole, as an object and at its path, and
    that nothing else is stored at a path; return the manifest."""
    store = ChannelStore(export_storage(), channel)
    manifest = json.loads(store.read("manifest.json"))
    for path, entry in manifest["files"].items():
        for data in (store.read(path), store.read(object_name(entry["sha256"], path))):
            assert (sha256_hex(data), len(data)) == (entry["sha256"], entry["size"]), path
    stored = stored_paths(store.storage, channel)
    copies = {path for path in stored if not path.startswith("objects/")}
    assert copies == {*manifest["files"], "manifest.json"}
    return manifest


def article_paths(root: Path, channel: str) -> set[str]:
    manifest = json.loads(read_bytes(channel, "manifest.json"))
    return {path for path in manifest["files"] if "/articles/" in path}


def manifest_files(channel: str) -> dict[str, str]:
    """Path -> sha256 of every file the channel's manifest lists."""
    manifest = json.loads(read_bytes(channel, "manifest.json"))
    return {path: entry["sha256"] for path, entry in manifest["files"].items()}


def stored(channel: str) -> set[str]:
    """Every file stored for ``channel`` (objects included); empty when there is none."""
    storage = export_storage()
    try:
        return stored_paths(storage, channel)
    except FileNotFoundError:
        return set()


def wipe(channel: str) -> None:
    """Delete everything stored for ``channel``, as an operator emptying the bucket would."""
    storage = export_storage()
    for path in stored(channel):
        storage.delete(f"{channel}/{path}")
