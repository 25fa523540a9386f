"""Fixtures for the exports: seed articles with an English translation, frozen dates, helpers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
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
from cms.translation.models import AppliedTranslation
from tests.articles.factories import compliance_gate_open

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


@pytest.fixture(autouse=True)
def no_gates(settings):
    """Export gates off: these tests pin the exporter; gates are tested with their own gate.

    The compliance gate configured in settings has its own tests (tests/compliance); the demo
    export with every configured gate is checked in test_schema.py.
    """
    settings.EXPORT_GATES = []


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


def read_json(root: Path, channel: str, path: str) -> Any:
    return json.loads((root / channel / path).read_bytes())


def verify_tree(root: Path, channel: str) -> dict[str, Any]:
    """Assert the channel's public tree matches its manifest, byte for byte; return it."""
    tree = root / channel
    manifest = json.loads((tree / "manifest.json").read_bytes())
    for path, entry in manifest["files"].items():
        data = (tree / path).read_bytes()
        assert (sha256_hex(data), len(data)) == (entry["sha256"], entry["size"]), path
    on_disk = {
        str(path.relative_to(tree.resolve()))
        for path in tree.resolve().rglob("*")
        if path.is_file()
    }
    assert on_disk == {*manifest["files"], "manifest.json"}
    return manifest


def article_paths(root: Path, channel: str) -> set[str]:
    manifest = json.loads((root / channel / "manifest.json").read_bytes())
    return {path for path in manifest["files"] if "/articles/" in path}
