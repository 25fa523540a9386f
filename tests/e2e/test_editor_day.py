"""An editor's day, in a real browser, in Korean: write, get refused on the block, fix, publish,
watch the article reach the channels, and have a moderator approve a change.

The screenshots these tests take illustrate docs/editors.md: they are written to docs/editors/.
"""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from cms.articles.models import ArticlePage
from cms.articles.seeding import seed_demo
from cms.compliance.rules import load_rules
from cms.home.models import HomePage
from tests.articles.factories import compliance_gate_open

from .conftest import PASSWORD, log_in
from .test_editor_journeys import INTRO, SECTION, add_block, add_disclaimer, type_rich_text

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

GUIDE_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "editors"
RULES = load_rules()


@pytest.fixture
def guide_shot(tab):
    """``guide_shot("name")`` saves the visible screen as docs/editors/<name>.png."""
    GUIDE_SHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, *, full_page: bool = False) -> Path:
        path = GUIDE_SHOTS / f"{name}.png"
        tab.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def home(live_db, export_root):
    seed_demo()
    return HomePage.objects.get(locale__language_code="ko")


def wait_for_check(tab):
    """Wait until the live check has answered for what is typed now."""
    before = tab.evaluate("document.documentElement.dataset.complianceChecked || ''")
    tab.wait_for_function(
        "previous => (document.documentElement.dataset.complianceChecked || '') !== previous",
        arg=before,
    )


def publish(tab) -> None:
    tab.locator("footer .w-dropdown__toggle").click()
    tab.locator('button[name="action-publish"]').click()
    tab.wait_for_load_state("networkidle")


def run_export_worker() -> None:
    """What the server's task worker does: run the queued exports, then stop."""
    call_command(
        "db_worker",
        "--queue-name=exports",
        "--backend=exports",
        "--batch",
        "--no-startup-delay",
        verbosity=0,
    )


def open_status_tab(tab) -> None:
    tab.get_by_role("tab", name="게시 상태·심의").click()
    expect(tab.locator("[data-publication-status]")).to_be_visible()


def test_an_editor_writes_is_refused_on_the_block_fixes_and_sees_the_article_go_live(
    tab, korean_editor, home, guide_shot
):
    log_in(tab, korean_editor)
    tab.goto(reverse("wagtailadmin_pages:add", args=("articles", "articlepage", home.pk)))
    # A new article opens without an error before anything is typed.
    expect(tab.locator(".help-critical, .error-message")).to_have_count(0)
    guide_shot("01-new-article")

    tab.fill("#id_title", "세안 후 보습 순서")
    type_rich_text(tab, add_block(tab, INTRO), "세안 후에는 피부가 건조해지기 쉽습니다.")
    editor = add_block(tab, SECTION)
    tab.locator('input[name$="-value-heading"]').fill("보습 순서")
    type_rich_text(tab, editor, "최고의 보습 효과를 약속합니다.")
    add_disclaimer(tab)
    wait_for_check(tab)
    note = tab.locator('.compliance-note[data-rule="superlative-ko"]')
    expect(note).to_be_visible()
    expect(note).to_contain_text("섹션")
    expect(note.locator("mark")).to_have_text("최고")
    expect(tab.locator(".compliance-badge")).to_contain_text("오류 1건")
    note.scroll_into_view_if_needed()
    guide_shot("02-finding-while-typing")

    publish(tab)
    # Refused: Wagtail's own validation message, and the finding on the section's text field.
    expect(tab.get_by_text("입력 내용에 오류가 있어 페이지를 만들지 못했습니다.")).to_be_visible()
    field_error = tab.locator('[data-contentpath="body"] .error-message').first
    expect(field_error).to_contain_text(RULES.get("superlative-ko").message_ko)
    expect(field_error).to_contain_text("의료법 제56조 제2항 제8호")
    assert not ArticlePage.objects.filter(title="세안 후 보습 순서").exists()
    field_error.scroll_into_view_if_needed()
    guide_shot("03-refused-on-the-block")

    section_text = tab.locator(".public-DraftEditor-content").nth(1)
    section_text.click()
    tab.keyboard.press("Control+A")
    tab.keyboard.type("토너, 세럼, 크림 순서로 바릅니다.")
    wait_for_check(tab)
    expect(tab.locator(".compliance-badge")).to_contain_text("지적 사항 없음")
    publish(tab)
    page = ArticlePage.objects.get(title="세안 후 보습 순서")
    assert page.live
    guide_shot("04-published")

    tab.goto(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    open_status_tab(tab)
    web_ko = tab.locator('[data-channel="web"][data-locale="ko"]')
    expect(web_ko).to_have_attribute("data-state", "pending")
    guide_shot("05-status-pending", full_page=True)

    run_export_worker()
    tab.reload()
    open_status_tab(tab)
    expect(tab.locator('[data-channel="web"][data-locale="ko"]')).to_have_attribute(
        "data-state", "live"
    )
    # The web channel serves the Korean text to English readers until a translation is live.
    english = tab.locator('[data-channel="web"][data-locale="en"]')
    expect(english).to_have_attribute("data-state", "live")
    expect(english).to_contain_text("원문(한국어)으로 제공")
    expect(tab.locator('[data-channel="partner"][data-locale="en"]')).to_have_attribute(
        "data-state", "not_published"
    )
    guide_shot("06-status-live", full_page=True)


@pytest.fixture
def moderator(live_db):
    """A moderator (Wagtail's Moderators group) whose admin speaks Korean."""
    user = get_user_model().objects.create_user("moderator", "mod@example.com", PASSWORD)
    user.groups.add(Group.objects.get(name="Moderators"))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "ko"
    profile.save()
    return user


def test_an_edit_submitted_for_review_is_approved_by_a_moderator(
    tab, browser, server, korean_editor, moderator, home, guide_shot
):
    page = ArticlePage.objects.get(slug="thread-lifting", locale=home.locale)
    log_in(tab, korean_editor)
    tab.goto(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    tab.fill("#id_title", "실리프팅, 무엇을 알고 받아야 할까")
    tab.locator("footer .w-dropdown__toggle").click()
    submit = tab.locator('button[name="action-submit"]')
    expect(submit).to_contain_text("검토자 승인에 제출")
    guide_shot("07-submit-for-review")
    submit.click()
    tab.wait_for_load_state("networkidle")
    page.refresh_from_db()
    assert page.title != "실리프팅, 무엇을 알고 받아야 할까"  # not live until approved

    context = browser.new_context(
        base_url=server.url, viewport={"width": 1280, "height": 900}, locale="ko-KR"
    )
    try:
        review = context.new_page()
        review.set_default_timeout(15_000)
        log_in(review, moderator)
        review.goto(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        review.locator("footer .w-dropdown__toggle").click()
        approve = review.locator(
            'button[data-workflow-action-name="approve"]:not([data-workflow-action-modal-url])'
        )
        expect(approve).to_be_visible()
        review.screenshot(path=str(GUIDE_SHOTS / "08-moderator-approves.png"))
        approve.click()
        review.wait_for_load_state("networkidle")
        expect(review.locator(".messages")).to_contain_text("실리프팅, 무엇을 알고 받아야 할까")
        review.screenshot(path=str(GUIDE_SHOTS / "09-approved.png"))
    finally:
        context.close()
    page.refresh_from_db()
    assert page.live
    assert page.title == "실리프팅, 무엇을 알고 받아야 할까"


def test_the_compliance_report_lists_live_articles_failing_current_rules(
    tab, korean_editor, home, guide_shot
):
    english = ArticlePage.objects.get(slug="thread-lifting", locale__language_code="en")
    # A rules change made this published sentence an error: simulate it by publishing text
    # that the current rules refuse, the way a page published under older rules looks.
    english.search_description = "The best clinic for thread lifting."
    with compliance_gate_open():
        english.save_revision().publish()
    log_in(tab, korean_editor)
    tab.goto("/admin/")
    tab.get_by_role("button", name="리포트").click()
    tab.get_by_role("link", name="의료광고 점검").click()
    live = tab.locator("[data-live-failing]")
    expect(live).to_contain_text("게시 중이지만 현재 기준에 어긋나는 글")
    expect(live.locator('tr[data-rule="superlative-en"]')).to_contain_text(english.title)
    expect(live.locator("mark").first).to_have_text("The best clinic")
    guide_shot("10-compliance-report", full_page=True)


def test_the_article_page_and_preview_are_styled_for_judging_tables(tab, home, guide_shot):
    page = ArticlePage.objects.get(slug="thread-lifting", locale=home.locale)
    tab.goto(page.url)
    cell = tab.locator(".block-thread_types td").first
    expect(cell).to_be_visible()
    assert cell.evaluate("cell => getComputedStyle(cell).borderTopStyle") == "solid"
    side_effect = tab.locator(".block-side_effects dt").first
    assert side_effect.evaluate("dt => getComputedStyle(dt).borderLeftStyle") == "solid"
    tab.locator(".block-thread_types").scroll_into_view_if_needed()
    guide_shot("11-article-page")
