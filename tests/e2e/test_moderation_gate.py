"""A moderator approves an article that breaks the rules, in a real browser: it is not published."""

import pytest
from playwright.sync_api import expect
from wagtail.models import PageLogEntry

from cms.articles.models import ArticlePage
from cms.articles.seeding import seed_demo
from cms.home.models import HomePage
from cms.lifecycle.gate import REFUSAL_LOG_ACTION
from tests.articles.factories import block, make_article, minimal_body

from .conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COMPLIANT = "<p>보습 관리 안내입니다.</p>"


@pytest.fixture
def submitted(live_db):
    """A live, compliant article whose newer revision, submitted for moderation, breaks the rules.

    Submitted from code, as an import would (the editor's own form refuses to submit it).
    """
    seed_demo()
    home = HomePage.objects.get(locale__language_code="ko")
    page = make_article(
        home,
        "care-guide",
        title="관리 안내",
        body=minimal_body(block("intro", {"text": COMPLIANT})),
        enforce_rules=True,
    )
    draft = ArticlePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    draft.body = minimal_body(block("intro", {"text": "<p>부작용 없는 최고의 시술입니다.</p>"}))
    draft.save_revision()
    page = ArticlePage.objects.get(pk=page.pk)
    page.get_workflow().start(page, None)
    return page


def test_a_moderators_approval_of_an_article_with_errors_is_refused_with_the_findings(
    submitted, tab, screenshot, korean_editor
):
    log_in(tab, korean_editor)
    tab.goto(f"/admin/pages/{submitted.pk}/edit/")
    screenshot("in-moderation")
    tab.locator("footer .w-dropdown__toggle").click()
    approve = tab.locator('footer button[data-workflow-action-name="approve"]').first
    approve.click()
    tab.wait_for_load_state("networkidle")
    screenshot("approval-refused")

    # The editor's form names the finding on its block before anything is published.
    expect(tab.locator("main")).to_contain_text("부작용이 없다는 표현은 거짓 광고입니다")
    page = ArticlePage.objects.get(pk=submitted.pk)
    assert page.live
    assert page.body[0].value["text"].source == COMPLIANT
    assert page.current_workflow_state is not None  # still waiting for a decision
    assert page.get_latest_revision().as_object().body[0].value["text"].source != COMPLIANT


def test_an_approval_from_the_dashboard_is_refused_by_the_gate(
    submitted, tab, screenshot, korean_editor
):
    """The dashboard's approve button skips the editor's form: the publish gate answers."""
    log_in(tab, korean_editor)
    task_state = ArticlePage.objects.get(pk=submitted.pk).current_workflow_task_state
    tab.goto("/admin/")
    action = f"/workflow/action/{submitted.pk}/approve/{task_state.pk}/"
    approve = tab.locator(f'button[data-workflow-action-url*="{action}"]:not([data-launch-modal])')
    screenshot("dashboard")
    # The button sits in the row's action dropdown; the click is what the dropdown would send.
    approve.dispatch_event("click")
    tab.wait_for_url(f"**/admin/pages/{submitted.pk}/edit/")
    screenshot("dashboard-approval-refused")

    expect(tab.locator(".messages")).to_contain_text("게시되지 않았습니다")
    expect(tab.locator(".messages")).to_contain_text("부작용 없는")
    page = ArticlePage.objects.get(pk=submitted.pk)
    assert page.body[0].value["text"].source == COMPLIANT
    assert page.current_workflow_state is not None
    refusals = PageLogEntry.objects.filter(page_id=submitted.pk, action=REFUSAL_LOG_ACTION)
    assert refusals.count() == 1
