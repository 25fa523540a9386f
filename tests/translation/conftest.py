"""Fixtures of the translation tests: a private catalog folder, a site and a rich article."""

from pathlib import Path

import polib
import pytest
from django.utils.html import strip_tags

from cms.articles.seeding import ensure_home_pages, ensure_locales
from cms.translation.catalog import WRAP_WIDTH, catalog_path, render
from tests.articles.factories import DISCLAIMER_TEXT, block, disclaimer, item, make_article

FAQ_URL = "https://example.com/faq"


@pytest.fixture
def catalog_root(tmp_path, settings) -> Path:
    """A private catalog folder per test, so tests never write into the repo's locale/."""
    settings.TRANSLATION_CATALOG_DIR = tmp_path / "locale"
    return settings.TRANSLATION_CATALOG_DIR


@pytest.fixture
def homes(db):
    """The ko and en home pages (en as a translation of ko), as seed_demo makes them."""
    return ensure_home_pages(ensure_locales(["ko", "en"]))


def rich_body(linked_page_id: int, *, sections: int = 1) -> list[dict]:
    """A body with every block type, a list, an external and an internal link."""
    body = [
        block(
            "intro",
            {
                "text": f'<p>먼저 <a href="{FAQ_URL}">자주 묻는 질문</a>과 '
                f'<a linktype="page" id="{linked_page_id}">관련 글</a>을 읽어 보세요.</p>'
                "<p>회복에는 2~3일이 걸립니다.</p>"
            },
            "11111111-1111-4111-8111-111111111111",
        )
    ]
    for number in range(1, sections + 1):
        body.append(
            block(
                "section",
                {
                    "heading": f"섹션 {number}",
                    "body": f"<p>섹션 {number}의 <b>첫</b> 문단입니다.</p>"
                    "<ul><li>첫 항목</li><li>둘째 항목</li></ul>",
                },
            )
        )
    body += [
        block(
            "thread_types",
            {
                "caption": "실의 종류",
                "rows": [
                    item(
                        {
                            "name": "PDO 실",
                            "material": "PDO",
                            "barbed": "barbed",
                            "absorption_months_min": 6,
                            "absorption_months_max": 12,
                            "purpose": "즉각적인 리프팅",
                            "notes": "",
                        },
                        "22222222-2222-4222-8222-222222222222",
                    )
                ],
            },
            "33333333-3333-4333-8333-333333333333",
        ),
        block(
            "side_effects",
            {
                "heading": "부작용",
                "intro": "",
                "items": [item({"name": "비대칭", "cause": "당기는 방향", "prevention": "설계"})],
            },
        ),
        block(
            "comparison",
            {
                "heading": "비교",
                "option_a": "미니 실리프팅",
                "option_b": "미니 거상",
                "rows": [item({"criterion": "회복", "option_a": "짧다", "option_b": "길다"})],
                "conclusion": "<p>상담 후 결정하세요.</p>",
            },
        ),
        disclaimer(),
    ]
    return body


@pytest.fixture
def linked(homes):
    """A Korean article that the rich article links to."""
    return make_article(homes["ko"], "linked", title="관련 글")


@pytest.fixture
def article(homes, linked):
    """A published Korean article with every block type and links."""
    return make_article(
        homes["ko"],
        "rich",
        title="실리프팅 안내",
        body=rich_body(linked.pk),
        search_description="요약입니다.",
    )


# The compliance gate wants an English page's legal notice in English (mostly Latin letters).
ENGLISH_DISCLAIMERS = {
    strip_tags(DISCLAIMER_TEXT): "This article follows Article 56 of the Medical Service Act.",
}


def english(msgid: str, prefix: str = "EN") -> str:
    """A stand-in translation that keeps markup, digits and whitespace: checks pass."""
    return f"{prefix} {ENGLISH_DISCLAIMERS.get(msgid, msgid)}"


def translate_catalog(path: Path, translate=english, *, only=None) -> polib.POFile:
    """Fill (and confirm) the entries of a catalog, as a translator in Poedit would."""
    po = polib.pofile(str(path), wrapwidth=WRAP_WIDTH)
    for entry in po:
        if entry.obsolete or (only is not None and entry.msgctxt not in only):
            continue
        entry.msgstr = translate(entry.msgid)
        if entry.fuzzy:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
    path.write_text(render(po), encoding="utf-8")
    return po


def en_catalog(root: Path, slug: str = "rich") -> Path:
    return catalog_path(root, "en", slug)


def entry_for(path: Path, context: str) -> polib.POEntry:
    found = polib.pofile(str(path)).find(context, by="msgctxt")
    assert found is not None, f"no entry {context} in {path}"
    return found
