"""The publish gate in the Wagtail admin, through the real create, edit and bulk views."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail.users.models import UserProfile

from cms.articles.models import ArticlePage
from cms.compliance.rules import load_rules
from cms.home.models import HomePage
from tests.articles.factories import block, make_article, minimal_body

RULES = load_rules()
NO_SIDE_EFFECTS = RULES.get("no-side-effects-ko")


@pytest.fixture
def home(seeded):
    return HomePage.objects.get(locale__language_code="ko")


@pytest.fixture
def editor(client, db):
    """A logged-in superuser whose admin speaks English (so assertions read naturally)."""
    user = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    client.profile = profile
    return client


def form(intro: str, *, title: str = "관리 안내", slug: str = "care-guide", publish: bool):
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "search_description": "",
            "body": streamfield(
                [
                    ("intro", {"text": rich_text(f"<p>{intro}</p>")}),
                    (
                        "disclaimer",
                        {
                            "text": rich_text("<p>개인에 따라 부작용이 생길 수 있습니다.</p>"),
                            "legal_basis": "의료법 제56조",
                        },
                    ),
                ]
            ),
            "comments": inline_formset([]),
        }
    )
    if publish:
        data["action-publish"] = "action-publish"
    return data


def latest_intro(page) -> str:
    draft = page.get_latest_revision().as_object()
    return draft.body[0].value["text"].source


def create(client, home, data):
    url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", home.pk))
    return client.post(url, data, follow=True)


def test_publishing_a_new_article_with_errors_is_refused_and_the_draft_kept(editor, home):
    response = create(editor, home, form("부작용 없는 관리법입니다.", publish=True))
    page = ArticlePage.objects.get(slug="care-guide")
    assert not page.live
    assert page.live_revision is None
    assert "부작용 없는" in latest_intro(page)
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    html = response.content.decode()
    assert "Not published: this article breaks the medical advertising rules" in html
    assert escape(NO_SIDE_EFFECTS.message_en) in html
    assert escape(NO_SIDE_EFFECTS.suggestion_en) in html


def test_a_korean_editor_reads_the_findings_in_korean(editor, home):
    editor.profile.preferred_language = "ko"
    editor.profile.save()
    response = create(editor, home, form("부작용 없는 관리법입니다.", publish=True))
    html = response.content.decode()
    assert escape(NO_SIDE_EFFECTS.message_ko) in html
    assert escape(NO_SIDE_EFFECTS.message_en) not in html
    assert "의료법 제56조 제2항 제3호" in html


def test_saving_a_draft_with_errors_is_always_allowed(editor, home):
    response = create(editor, home, form("부작용 없는 관리법입니다.", publish=False))
    page = ArticlePage.objects.get(slug="care-guide")
    assert not page.live
    html = response.content.decode()
    assert "Not published" not in html
    assert (
        escape(NO_SIDE_EFFECTS.message_en) in html
    )  # the draft's findings are shown in the editor


def test_warnings_are_shown_but_do_not_block_publishing(editor, home):
    create(editor, home, form("안전한 보습제를 고르세요.", publish=True))
    page = ArticlePage.objects.get(slug="care-guide")
    assert page.live
    response = editor.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    html = response.content.decode()
    assert escape(RULES.get("safety-claim-ko").message_en) in html
    assert "1 warning(s)" in html


def test_publishing_an_edit_with_errors_keeps_the_live_version(editor, home):
    page = make_article(
        home, "care-guide", body=minimal_body(block("intro", {"text": "<p>보습 안내</p>"}))
    )
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    response = editor.post(url, form("통증 없는 관리법입니다.", publish=True), follow=True)
    page.refresh_from_db()
    assert page.live
    assert page.body[0].value["text"].source == "<p>보습 안내</p>"
    assert page.has_unpublished_changes
    assert "통증 없는" in latest_intro(page)
    assert escape(RULES.get("no-pain-ko").message_en) in response.content.decode()


def test_the_editor_lists_the_findings_of_a_seed_article(editor, home):
    page = ArticlePage.objects.get(slug="thread-lifting", locale=home.locale)
    response = editor.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    html = response.content.decode()
    assert "Medical advertising check: 4 warning(s)" in html
    assert escape(RULES.get("review-mention-ko").message_en) in html


def test_bulk_publish_is_refused_when_an_article_has_errors(editor, home):
    create(editor, home, form("최고의 관리법입니다.", publish=False))
    page = ArticlePage.objects.get(slug="care-guide")
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    next_url = reverse("wagtailadmin_explore", args=[home.pk])
    response = editor.post(
        f"{url}?id={page.pk}&next={next_url}", {"include_descendants": ""}, follow=True
    )
    page.refresh_from_db()
    assert not page.live
    assert "Nothing was published: 관리 안내 break the medical advertising rules" in (
        response.content.decode()
    )
