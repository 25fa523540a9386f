"""What an editor does in the admin, in a real browser: write, publish, get stopped, check."""

import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from cms.articles.models import ArticlePage
from cms.articles.seeding import seed_demo
from cms.compliance.rules import load_rules
from cms.home.models import HomePage

from .conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Icons of the block types in the StreamField's block menu: they do not change with the
# editor's language, unlike the labels.
INTRO, SECTION, DISCLAIMER = "openquote", "doc-full", "info-circle"


EDITORS = ".public-DraftEditor-content"  # the rich text (Draftail) editors, in page order


def add_block(tab, icon: str) -> int:
    """Append a block through the last "+" inserter and its block menu.

    Returns the position its first rich text editor will have among the page's editors (the
    editor appears a moment after the block, so callers wait for that position).
    """
    position = tab.locator(EDITORS).count()
    tab.locator(".c-sf-add-button").last.click()
    tab.locator(f'.w-combobox__option:has(use[href="#icon-{icon}"])').click()
    return position


def type_rich_text(tab, position: int, text: str) -> None:
    """Type into the rich text editor at ``position`` (waiting for it to appear)."""
    editor = tab.locator(EDITORS).nth(position)
    editor.click()
    tab.keyboard.type(text)
    # Draftail copies its content into the form's hidden input a moment later; wait for it, or
    # a form submitted right away would leave out what was just typed.
    stored = editor.locator("xpath=ancestor::div[@data-field-input][1]//input[@type='hidden']")
    expect(stored).to_have_value(re.compile(re.escape(text)))


def write_article(tab, home, title: str, intro: str) -> None:
    """Open a new article under ``home`` and fill in title, intro and disclaimer."""
    tab.goto(reverse("wagtailadmin_pages:add", args=("articles", "articlepage", home.pk)))
    tab.fill("#id_title", title)
    type_rich_text(tab, add_block(tab, INTRO), intro)


def add_disclaimer(tab) -> None:
    editor = add_block(tab, DISCLAIMER)
    type_rich_text(
        tab, editor, "본 게시물은 정보 제공 목적으로 작성되었으며 개인에 따라 차이가 있습니다."
    )
    tab.locator('input[name$="-value-legal_basis"]').fill("의료법 제56조")


def publish(tab) -> None:
    """Open the action menu's dropdown and press Publish."""
    tab.locator("footer .w-dropdown__toggle").click()
    tab.locator('button[name="action-publish"]').click()
    tab.wait_for_load_state("networkidle")


@pytest.fixture
def home(live_db):
    seed_demo()
    return HomePage.objects.get(locale__language_code="ko")


def test_an_editor_writes_and_publishes_an_article_that_reaches_the_web_export(
    tab, screenshot, korean_editor, home, export_root
):
    log_in(tab, korean_editor)
    write_article(tab, home, "세안 후 보습 순서", "세안 후에는 피부가 건조해지기 쉽습니다.")
    editor = add_block(tab, SECTION)
    tab.locator('input[name$="-value-heading"]').fill("보습 순서")
    type_rich_text(tab, editor, "토너, 세럼, 크림 순서로 바릅니다.")
    add_disclaimer(tab)
    screenshot("written")
    publish(tab)
    screenshot("published")

    page = ArticlePage.objects.get(title="세안 후 보습 순서")
    assert page.live
    assert [child.block_type for child in page.body] == ["intro", "section", "disclaimer"]
    assert page.body[1].value["heading"] == "보습 순서"

    call_command("export_channels", "--channel", "web", "--quiet")
    exported = export_root / "web" / "ko" / "articles" / f"{page.slug}.json"
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["title"] == "세안 후 보습 순서"


def test_an_editor_who_writes_no_side_effects_cannot_publish(tab, screenshot, korean_editor, home):
    log_in(tab, korean_editor)
    write_article(tab, home, "리프팅 안내", "부작용 없는 시술입니다.")
    add_disclaimer(tab)
    screenshot("written")
    publish(tab)
    screenshot("refused")

    # Refused on the block: Wagtail's validation error, and the live check's note beside it.
    field_error = tab.locator('[data-contentpath="body"] .error-message').first
    expect(field_error).to_contain_text(load_rules().get("no-side-effects-ko").message_ko)
    finding = tab.locator('.compliance-note[data-rule="no-side-effects-ko"]').first
    expect(finding).to_be_visible()
    assert load_rules().get("no-side-effects-ko").message_ko in finding.inner_text()
    assert "부작용 없는" in finding.inner_text()
    assert not ArticlePage.objects.filter(title="리프팅 안내").exists()
    assert "add" in tab.url  # still in the editor, with everything typed


def test_the_translation_status_view_lists_the_seed_articles(tab, screenshot, korean_editor, home):
    log_in(tab, korean_editor)
    tab.goto(reverse("translation_status"))
    screenshot("translation-status")
    text = tab.locator("main").inner_text()
    for slug in ("thread-lifting", "mini-thread-lifting-vs-mini-facelift"):
        source = ArticlePage.objects.get(slug=slug, locale=home.locale)
        assert source.title in text
