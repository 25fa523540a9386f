"""The one gate: every route to "live" refuses an article with compliance errors.

Each test takes one route with a compliant live article and a newer revision that breaks the
rules, and checks the same outcome: the revision stays a draft, what was live stays live, the
refusal is in the page's history, and a person who pressed a button reads why, in Korean.
"""

import pytest
from django.urls import reverse
from wagtail.actions.copy_page import CopyPageAction
from wagtail.models import PageLogEntry, Revision, TaskState, WorkflowState

from cms.articles.models import ArticlePage
from cms.lifecycle.gate import REFUSAL_LOG_ACTION, PublishRefused
from tests.articles.factories import make_article

from .conftest import BREAKING, COMPLIANT, body

REFUSED_KO = "게시되지 않았습니다"


def live_text(page) -> str:
    page = ArticlePage.objects.get(pk=page.pk)
    assert page.live
    return page.body[0].value["text"].source


def refusals(page) -> list[PageLogEntry]:
    return list(PageLogEntry.objects.filter(page_id=page.pk, action=REFUSAL_LOG_ACTION))


def test_revision_publish_from_code_is_refused_and_the_live_version_kept(article, breaking_draft):
    live_revision = ArticlePage.objects.get(pk=article.pk).live_revision_id
    assert live_revision is not None
    with pytest.raises(PublishRefused) as refused:
        breaking_draft.publish()
    assert {finding.rule.id for finding in refused.value.errors} >= {"no-side-effects-ko"}
    assert live_text(article) == COMPLIANT
    article.refresh_from_db()
    assert article.live_revision_id == live_revision
    assert article.has_unpublished_changes


def test_a_compliant_revision_goes_live_by_the_same_route(article):
    draft = article.get_latest_revision_as_object()
    draft.body = body("<p>개정된 안내입니다.</p>")
    draft.save_revision().publish()
    assert live_text(article) == "<p>개정된 안내입니다.</p>"


def test_a_page_created_live_by_code_is_saved_as_a_draft(home):
    page = home.add_child(instance=ArticlePage(title="안내", slug="created", body=body(BREAKING)))
    page.refresh_from_db()
    assert not page.live
    assert page.has_unpublished_changes


def test_make_article_style_publication_of_breaking_content_raises(home):
    with pytest.raises(PublishRefused):
        make_article(home, "breaking", body=body(BREAKING), enforce_rules=True)
    assert not ArticlePage.objects.get(slug="breaking").live


def test_the_editors_publish_is_refused_in_korean_on_the_block(editor, article, breaking_draft):
    from tests.compliance.test_admin import block_errors, form

    url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    response = editor.post(url, form("부작용 없는 관리법입니다.", publish=True))
    assert live_text(article) == COMPLIANT
    messages = block_errors(response)["blockErrors"][0]["blockErrors"]["text"]["messages"]
    assert any("부작용이 없다는 표현" in message for message in messages), messages


def test_the_gate_stands_behind_the_editors_form(editor, article, breaking_draft, monkeypatch):
    """Were the form's own check to miss an error, the gate still keeps the page from going live."""
    from cms.compliance import forms
    from tests.compliance.test_admin import form

    monkeypatch.setattr(forms, "is_publishing", lambda data: False)
    url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    editor.post(url, form("부작용 없는 관리법입니다.", publish=True), follow=True)
    assert live_text(article) == COMPLIANT


def test_a_moderators_approval_is_refused_and_the_workflow_stays_open(
    editor, article, breaking_draft
):
    workflow = article.get_workflow()
    assert workflow is not None, "Wagtail's default moderation workflow is assigned to the root"
    workflow_state = workflow.start(article, None)
    task_state = workflow_state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[article.pk, "approve", task_state.pk])
    response = editor.post(url, {"comment": ""}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_pages:edit", args=[article.pk])
    assert REFUSED_KO in html
    assert "부작용 없는" in html
    assert live_text(article) == COMPLIANT
    # The approval was undone with the refusal: the moderator can ask for changes instead.
    assert WorkflowState.objects.get(pk=workflow_state.pk).status == "in_progress"
    assert TaskState.objects.get(pk=task_state.pk).status == "in_progress"
    (entry,) = refusals(article)
    assert entry.user is not None
    assert entry.data["route"] == "wagtailadmin_pages:workflow_action"
    assert "no-side-effects-ko" in {finding["rule"] for finding in entry.data["findings"]}


def test_the_approval_dialog_is_answered_with_a_redirect_it_can_follow(
    editor, article, breaking_draft
):
    workflow_state = article.get_workflow().start(article, None)
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[article.pk, "approve", workflow_state.current_task_state.pk],
    )
    response = editor.post(url, {"comment": ""}, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.json() == {
        "step": "success",
        "redirect": reverse("wagtailadmin_pages:edit", args=[article.pk]),
    }
    assert live_text(article) == COMPLIANT


def test_a_compliant_approval_publishes(editor, article):
    draft = article.get_latest_revision_as_object()
    draft.body = body("<p>승인된 안내입니다.</p>")
    draft.save_revision()
    workflow_state = article.get_workflow().start(article, None)
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[article.pk, "approve", workflow_state.current_task_state.pk],
    )
    editor.post(url, {"comment": ""})
    assert live_text(article) == "<p>승인된 안내입니다.</p>"


def test_revert_to_an_old_breaking_revision_and_publish_is_refused(editor, article):
    from tests.compliance.test_admin import form

    # An old revision written before the rules caught it, then replaced.
    old = article.get_latest_revision_as_object()
    old.body = body(BREAKING)
    old_revision = old.save_revision()
    url = reverse("wagtailadmin_pages:revisions_revert", args=[article.pk, old_revision.pk])
    assert editor.get(url).status_code == 200
    edit_url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    editor.post(
        edit_url,
        {**form("부작용 없는 최고의 시술입니다.", publish=True), "revision": old_revision.pk},
    )
    assert live_text(article) == COMPLIANT


def test_bulk_publish_through_the_gate(editor, article, breaking_draft, home):
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    next_url = reverse("wagtailadmin_explore", args=[home.pk])
    response = editor.post(
        f"{url}?id={article.pk}&next={next_url}", {"include_descendants": ""}, follow=True
    )
    assert live_text(article) == COMPLIANT
    assert "부작용 없는" in response.content.decode() or "관리 안내" in response.content.decode()


def test_copy_that_keeps_live_makes_a_draft_of_breaking_content(home, article, breaking_draft):
    # What is live is compliant; make the live content itself break (as a rules change would).
    ArticlePage.objects.filter(pk=article.pk).update(body=body(BREAKING))
    source = ArticlePage.objects.get(pk=article.pk)
    copy = CopyPageAction(
        source, to=home, update_attrs={"slug": "care-guide-copy"}, keep_live=True
    ).execute()
    copy = ArticlePage.objects.get(pk=copy.pk)
    assert not copy.live


def test_copy_view_tells_the_editor_the_copy_stayed_a_draft(editor, home, article):
    ArticlePage.objects.filter(pk=article.pk).update(body=body(BREAKING))
    url = reverse("wagtailadmin_pages:copy", args=[article.pk])
    response = editor.post(
        url,
        {
            "new_title": "관리 안내 사본",
            "new_slug": "care-guide-copy",
            "new_parent_page": home.pk,
            "publish_copies": "on",
        },
        follow=True,
    )
    copy = ArticlePage.objects.get(slug="care-guide-copy")
    assert not copy.live
    assert "초안으로 저장" in response.content.decode()


def test_a_compliant_copy_stays_live(home, article):
    copy = CopyPageAction(
        article, to=home, update_attrs={"slug": "care-guide-copy"}, keep_live=True
    ).execute()
    assert ArticlePage.objects.get(pk=copy.pk).live


def test_a_refused_revision_stays_available_as_the_latest_draft(article, breaking_draft):
    with pytest.raises(PublishRefused):
        breaking_draft.publish()
    assert ArticlePage.objects.get(pk=article.pk).get_latest_revision().pk == breaking_draft.pk
    assert Revision.objects.filter(pk=breaking_draft.pk).exists()
