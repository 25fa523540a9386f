"""More content languages are a settings change: Japanese and Simplified Chinese, end to end.

The settings fixture adds ``ja`` and ``zh-hans`` the way a clinic would (LANGUAGES and the
channels file); nothing else changes. Their catalogs start empty (no machine translation),
and each channel shows what its policy says about a missing translation.
"""

import ast
import io
import json
import subprocess
import tokenize
from pathlib import Path

import polib
import pytest
from django.conf import global_settings, settings

from cms.articles.models import ArticlePage
from cms.publishing.export import export_channels
from cms.translation.apply import apply_catalogs
from cms.translation.catalog import catalog_path
from cms.translation.richtext import INLINE_TAGS, UNIT_TAGS, VOID_TAGS
from cms.translation.status import collect_status
from cms.translation.sync import extract_catalogs
from tests.translation.conftest import english, translate_catalog

FOUR = [("ko", "한국어"), ("en", "English"), ("ja", "日本語"), ("zh-hans", "简体中文")]
BLOCKS = ["intro", "section", "thread_types", "side_effects", "comparison", "disclaimer"]


def channel(locales, rich_text="html", policy="fallback"):
    return {
        "locales": locales,
        "block_types": BLOCKS,
        "rich_text": rich_text,
        "incomplete_translations": policy,
    }


@pytest.fixture
def four_languages(settings, tmp_path):
    settings.LANGUAGES = FOUR
    settings.WAGTAIL_CONTENT_LANGUAGES = FOUR
    channels = tmp_path / "channels.json"
    channels.write_text(
        json.dumps(
            {
                "channels": {
                    "web": channel(["ko", "en", "ja", "zh-hans"]),
                    "app": channel(["ko", "en", "ja", "zh-hans"], rich_text="text"),
                    "asia": channel(["ja", "zh-hans"], policy="skip"),
                }
            }
        ),
        encoding="utf-8",
    )
    settings.EXPORT_CHANNELS_FILE = channels
    settings.EXPORT_GATES = []  # compliance has its own tests; this one is about languages
    return FOUR


def test_new_languages_get_cldr_catalogs_that_msgfmt_accepts(four_languages, article, catalog_root):
    extract_catalogs()
    for code, folder in (("ja", "ja"), ("zh-hans", "zh_Hans")):
        path = catalog_path(catalog_root, code, "rich")
        assert path.parent.parent.parent.name == folder
        po = polib.pofile(str(path))
        assert po.metadata["Language"] == folder
        assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
        assert po.percent_translated() == 0 and not po.fuzzy_entries()
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=True)


def test_status_apply_and_channels_follow_the_new_languages(
    four_languages, article, linked, catalog_root, export_root
):
    extract_catalogs()
    [rich] = [status for status in collect_status() if status.slug == "rich"]
    by_language = {locale.language: locale for locale in rich.locales}
    assert list(by_language) == ["en", "ja", "zh-hans"]
    assert by_language["ja"].state == "no_page"
    assert by_language["ja"].missing == by_language["ja"].total > 0

    for slug in ("rich", "linked"):
        translate_catalog(
            catalog_path(catalog_root, "ja", slug), lambda msgid: english(msgid, "JA")
        )
    apply_catalogs(language="ja")
    apply_catalogs(language="ja")  # links now point at the Japanese "linked" page
    report = apply_catalogs()
    assert report.exit_status == 3, "English and Chinese stay unpublished"
    actions = {(r.language, r.slug): r.action for r in report.results}
    assert actions[("ja", "rich")] == "unchanged" and actions[("zh-hans", "rich")] == "untranslated"
    japanese = ArticlePage.objects.get(
        translation_key=article.translation_key, locale__language_code="ja"
    )
    assert japanese.live and japanese.title == "JA 실리프팅 안내"
    assert not ArticlePage.objects.filter(locale__language_code="zh-hans").exists()

    export_channels(["web", "asia"], full=True)
    web = export_root / "web"
    ja_doc = json.loads((web / "ja" / "articles" / "rich.json").read_text(encoding="utf-8"))
    assert ja_doc["locale"] == "ja" and ja_doc["title"] == "JA 실리프팅 안내"
    assert ja_doc["fallback"] is None
    zh_doc = json.loads((web / "zh-hans" / "articles" / "rich.json").read_text(encoding="utf-8"))
    assert zh_doc["locale"] == "zh-hans" and zh_doc["fallback"]["from_locale"] == "ko"
    assert (export_root / "asia" / "ja" / "articles" / "rich.json").exists()
    assert not (export_root / "asia" / "zh-hans" / "articles" / "rich.json").exists(), (
        "a channel that skips incomplete translations leaves the Chinese article out"
    )
    schemas = "".join(path.read_text() for path in (web / "schema").glob("*.json"))
    assert '"zh-hans"' in schemas and '"ja"' in schemas


def test_no_translation_code_names_a_language():
    """Languages come from settings (the defaults live there), never from the code."""
    codes = {code.lower() for code, _name in global_settings.LANGUAGES}
    codes |= {code.replace("-", "_") for code in codes}
    # HTML tag names that are also language codes (<br>, <hr>, <th>…) and the id attribute.
    codes -= {tag.lower() for tag in VOID_TAGS | UNIT_TAGS | INLINE_TAGS} | {"id"}
    found = []
    package = Path(settings.BASE_DIR) / "cms" / "translation"
    for path in sorted(package.rglob("*.py")):
        tokens = tokenize.tokenize(io.BytesIO(path.read_bytes()).readline)
        for token in tokens:
            if token.type != tokenize.STRING:
                continue
            try:
                value = ast.literal_eval(token.string)
            except (ValueError, SyntaxError):
                continue
            if isinstance(value, str) and value.lower() in codes:
                found.append(f"{path.relative_to(package)}:{token.start[0]}: {value!r}")
    assert not found, "language codes in code (use settings):\n" + "\n".join(found)
