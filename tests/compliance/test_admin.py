"""The publish gate in the Wagtail admin, through the real create, edit and bulk views."""

import json

import pytest
from django.urls import reverse
from django.utils.html import escape
from wagtail.blocks.base import get_error_json_data
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.articles.models import ArticlePage
from cms.compliance.rules import load_rules
from cms.home.models import HomePage
from tests.articles.factories import block, make_article, minimal_body

RULES = load_rules()
NO_SIDE_EFFECTS = RULES.get("no-side-effects-ko")


@pytest.fixture
def home(seeded):
    return HomePage.objects.get(locale__language_code="ko")


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


def block_errors(response) -> dict:
    """The StreamField's error data as Wagtail's block widget receives it."""
    form = response.context["form"]
    (error,) = form.errors["body"].as_data()
    return get_error_json_data(error)


def test_publishing_a_new_article_with_errors_shows_them_on_the_block(editor, home):
    response = create(editor, home, form("부작용 없는 관리법입니다.", publish=True))
    assert not ArticlePage.objects.filter(slug="care-guide").exists()
    assert response.status_code == 200  # the editor again, everything typed still in it
    errors = block_errors(response)
    (message,) = errors["blockErrors"][0]["blockErrors"]["text"]["messages"]
    assert message.startswith("“부작용 없는”: ")
    assert NO_SIDE_EFFECTS.message_en in message
    assert NO_SIDE_EFFECTS.suggestion_en in message
    assert "Medical Service Act Article 56(2)(3)" in message
    assert 1 not in errors["blockErrors"]  # the disclaimer is fine
    typed = json.loads(response.context["form"].data["body-0-value-text"])
    assert typed["blocks"][0]["text"] == "부작용 없는 관리법입니다."


def test_a_korean_editor_reads_the_findings_in_korean(editor, home):
    editor.profile.preferred_language = "ko"
    editor.profile.save()
    response = create(editor, home, form("부작용 없는 관리법입니다.", publish=True))
    (message,) = block_errors(response)["blockErrors"][0]["blockErrors"]["text"]["messages"]
    assert NO_SIDE_EFFECTS.message_ko in message
    assert "의료법 제56조 제2항 제3호" in message
    assert "제안:" in message


def test_submitting_for_moderation_with_errors_is_refused_on_the_block(editor, home):
    data = form("최고의 관리법입니다.", publish=False)
    data["action-submit"] = "action-submit"
    response = create(editor, home, data)
    assert not ArticlePage.objects.filter(slug="care-guide").exists()
    errors = block_errors(response)["blockErrors"][0]["blockErrors"]["text"]["messages"]
    assert RULES.get("superlative-ko").message_en in errors[0]


def test_an_error_in_a_list_item_is_shown_on_that_item(editor, home):
    data = form("보습 안내", publish=True)
    body = streamfield(
        [
            ("intro", {"text": rich_text("<p>보습 안내</p>")}),
            (
                "side_effects",
                {
                    "heading": "부작용",
                    "intro": rich_text(""),
                    "items": streamfield(
                        [
                            ("item", {"name": "붓기", "cause": "자극", "prevention": "냉찜질"}),
                            (
                                "item",
                                {"name": "멍", "cause": "자극", "prevention": "통증 없는 회복"},
                            ),
                        ]
                    ),
                },
            ),
            (
                "disclaimer",
                {
                    "text": rich_text("<p>개인에 따라 부작용이 생길 수 있습니다.</p>"),
                    "legal_basis": "의료법 제56조",
                },
            ),
        ]
    )
    data = {key: value for key, value in data.items() if not key.startswith("body-")}
    data.update(nested_form_data({"body": body}))
    response = create(editor, home, data)
    items = block_errors(response)["blockErrors"][1]["blockErrors"]["items"]["blockErrors"]
    assert list(items) == [1]
    assert (
        RULES.get("no-pain-ko").message_en in items[1]["blockErrors"]["prevention"]["messages"][0]
    )


def test_an_error_in_the_title_is_shown_on_the_title(editor, home):
    response = create(editor, home, form("보습 안내", title="최고의 관리법", publish=True))
    assert RULES.get("superlative-ko").message_en in response.context["form"].errors["title"][0]


def test_saving_a_draft_with_errors_is_always_allowed(editor, home):
    response = create(editor, home, form("부작용 없는 관리법입니다.", publish=False))
    page = ArticlePage.objects.get(slug="care-guide")
    assert not page.live
    html = response.content.decode()
    assert "Not published: this article" not in html
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
    response = editor.post(url, form("통증 없는 관리법입니다.", publish=True))
    page.refresh_from_db()
    assert page.live
    assert page.body[0].value["text"].source == "<p>보습 안내</p>"
    messages = block_errors(response)["blockErrors"][0]["blockErrors"]["text"]["messages"]
    assert RULES.get("no-pain-ko").message_en in messages[0]
    # Saving the same text as a draft is allowed; the live version stays.
    editor.post(url, form("통증 없는 관리법입니다.", publish=False))
    page.refresh_from_db()
    assert page.live
    assert page.has_unpublished_changes
    assert "통증 없는" in latest_intro(page)


def test_the_editor_lists_the_findings_of_a_seed_article(editor, home):
    page = ArticlePage.objects.get(slug="thread-lifting", locale=home.locale)
    response = editor.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    html = response.content.decode()
    assert "Medical advertising check: 1 warning(s)" in html
    assert escape(RULES.get("safety-claim-ko").message_en) in html


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
