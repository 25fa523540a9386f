"""Demo content: the site tree, the locales and the seed articles as Korean source pages.

Seed files (``cms/articles/seeds/*.json``) hold each article bilingually: every translatable leaf
is ``{"ko": ..., "en": ...}`` and structured values are plain JSON. The Korean side becomes the
source page here; the English side is what the shipped English catalogs carry.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from cms.articles.models import ArticlePage
from cms.home.models import HomePage

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"
# Fixed so that every machine's demo tree has the same identities (exports and catalogs refer
# to translation keys, and deterministic output needs stable ones).
HOME_TRANSLATION_KEY = "6f1b9d8e-4c1a-4d8e-9a35-2f6c1e0b7a10"
SOURCE_LANGUAGE = "ko"


class SeedError(ValueError):
    """A seed file that cannot be turned into an article; the message names file and field."""


@dataclass(frozen=True)
class SeedArticle:
    """One bilingual seed article as read from its JSON file."""

    path: Path
    slug: str
    translation_key: str
    title: dict[str, str]
    summary: dict[str, str]
    body: list[dict[str, Any]]

    def body_in(self, language: str) -> list[dict[str, Any]]:
        """The body as StreamField raw data, with every bilingual leaf resolved to ``language``."""
        return [_stream_child(child, language) for child in self.body]


@dataclass
class SeedReport:
    """What a seeding run did, for the command to print."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # "<language>/<slug>: <action>" for each shipped catalog applied (cms.translation.apply).
    translations: list[str] = field(default_factory=list)


def load_seed_articles(seeds_dir: Path = SEEDS_DIR) -> list[SeedArticle]:
    """Read every ``*.json`` seed in ``seeds_dir``, sorted by file name."""
    return [_read_seed(path) for path in sorted(seeds_dir.glob("*.json"))]


def _read_seed(path: Path) -> SeedArticle:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SeedError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from exc
    for key in ("slug", "translation_key", "title", "summary", "body"):
        if key not in data:
            raise SeedError(f"{path}: missing field {key!r}")
    return SeedArticle(
        path=path,
        slug=data["slug"],
        translation_key=data["translation_key"],
        title=data["title"],
        summary=data["summary"],
        body=data["body"],
    )


def _is_bilingual(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"ko", "en"}


def _resolve(value: Any, language: str) -> Any:
    """Pick one language out of a seed value, recursing into structs and lists."""
    if _is_bilingual(value):
        return value[language]
    if isinstance(value, dict):
        return {key: _resolve(child, language) for key, child in value.items()}
    if isinstance(value, list):
        # ListBlock items: {"id", "value"} in the seed, {"type": "item", ...} in the database.
        return [
            {"type": "item", "id": item["id"], "value": _resolve(item["value"], language)}
            for item in value
        ]
    return value


def _stream_child(child: dict[str, Any], language: str) -> dict[str, Any]:
    return {
        "type": child["type"],
        "id": child["id"],
        "value": _resolve(child["value"], language),
    }


def ensure_locales(languages: Iterable[str]) -> dict[str, Locale]:
    """Create the content locales that do not exist yet; return them by language code."""
    return {code: Locale.objects.get_or_create(language_code=code)[0] for code in languages}


def ensure_home_pages(locales: dict[str, Locale]) -> dict[str, HomePage]:
    """One home page per locale under the tree root, and the default site pointing at Korean."""
    source_locale = locales[SOURCE_LANGUAGE]
    home = HomePage.objects.filter(
        translation_key=HOME_TRANSLATION_KEY, locale=source_locale
    ).first()
    if home is None:
        _delete_wagtail_welcome_page()
        home = Page.get_first_root_node().add_child(
            instance=HomePage(
                title="클리닉 칼럼",
                slug="home",
                locale=source_locale,
                translation_key=HOME_TRANSLATION_KEY,
            )
        )
        home.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "port": 80,
            "site_name": settings.WAGTAIL_SITE_NAME,
            "root_page": home,
        },
    )
    homes = {SOURCE_LANGUAGE: home}
    for code, locale in locales.items():
        if code == SOURCE_LANGUAGE:
            continue
        translated = home.get_translation_or_none(locale)
        if translated is None:
            translated = home.copy_for_translation(locale)
            translated.title = "Clinic articles"
            translated.save_revision().publish()
        homes[code] = translated.specific
    return homes


def _delete_wagtail_welcome_page() -> None:
    """Delete the placeholder page Wagtail's first migration creates, if it is still there.

    Its site goes with it (the foreign key cascades); ``ensure_home_pages`` recreates the site.
    """
    root = Page.get_first_root_node()
    for page in root.get_children():
        if page.specific_class is Page and page.slug == "home":
            page.delete()


def upsert_source_article(
    seed: SeedArticle, home: HomePage, *, refresh: bool
) -> tuple[ArticlePage, str]:
    """Create the Korean source page of ``seed``; with ``refresh``, overwrite an edited one.

    Returns the page and what happened: ``created``, ``updated`` or ``unchanged``.
    """
    title = seed.title[SOURCE_LANGUAGE]
    summary = seed.summary[SOURCE_LANGUAGE]
    body = seed.body_in(SOURCE_LANGUAGE)
    page = ArticlePage.objects.filter(
        translation_key=seed.translation_key, locale=home.locale
    ).first()
    if page is None:
        page = home.add_child(
            instance=ArticlePage(
                title=title,
                slug=seed.slug,
                search_description=summary,
                body=body,
                locale=home.locale,
                translation_key=seed.translation_key,
            )
        )
        page.save_revision().publish()
        return page, "created"
    current = (page.title, page.search_description, page.body.get_prep_value())
    if not refresh or current == (title, summary, body):
        return page, "unchanged"
    page.title, page.search_description, page.body = title, summary, body
    page.save_revision().publish()
    return page, "updated"


@transaction.atomic
def seed_demo(*, refresh: bool = False, seeds_dir: Path = SEEDS_DIR) -> SeedReport:
    """Create the demo site: locales, a home page per locale and the seed articles, published.

    Idempotent: a second run finds everything in place and changes nothing. ``refresh`` rewrites
    source articles an editor has changed back to the seed text (as a new revision).
    """
    languages = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    locales = ensure_locales(languages)
    homes = ensure_home_pages(locales)
    report = SeedReport()
    seeds = load_seed_articles(seeds_dir)
    for seed in seeds:
        _page, outcome = upsert_source_article(seed, homes[SOURCE_LANGUAGE], refresh=refresh)
        getattr(report, outcome).append(seed.slug)
    _apply_shipped_translations(seeds, report)
    return report


def _apply_shipped_translations(seeds: list[SeedArticle], report: SeedReport) -> None:
    """Apply the shipped catalogs (locale/<lang>/LC_MESSAGES/articles/) of the seed articles."""
    from cms.translation.apply import apply_catalogs

    applied = apply_catalogs(translation_keys=[seed.translation_key for seed in seeds])
    slugs = {seed.slug for seed in seeds}
    # Other catalogs in locale/ are not the demo's business; a broken shipped one is.
    problems = [str(error) for error in applied.errors if Path(error.path).stem in slugs]
    problems += [f"{result.catalog}: {result.error}" for result in applied.results if result.error]
    if problems:
        raise SeedError("the shipped translations cannot be applied:\n" + "\n".join(problems))
    report.translations += [
        f"{result.language}/{result.slug}: {result.action}" for result in applied.results
    ]
