"""The editor's live check and the compliance report under 리포트."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.articles.models import ArticlePage
from cms.home.models import HomePage
from tests.articles.factories import compliance_gate_open

BODY = streamfield(
    [
        (
            "section",
            {"heading": "보습 순서", "body": rich_text("<p>최고의 보습 효과를 약속합니다.</p>")},
        ),
        ("section", {"heading": "마무리", "body": rich_text("<p>통증 없는 관리법입니다.</p>")}),
        (
            "disclaimer",
            {
                "text": rich_text("<p>개인에 따라 다를 수 있습니다.</p>"),
                "legal_basis": "의료법 제56조",
            },
        ),
    ]
)


@pytest.fixture
def home(seeded):
    return HomePage.objects.get(locale__language_code="ko")


def check(client, **extra):
    data = nested_form_data({"title": "보습 안내", "search_description": "", "body": BODY})
    data.update(extra)
    return client.post(reverse("compliance_check"), data).json()


def test_the_live_check_returns_each_finding_with_its_path_and_highlighted_words(editor, home):
    editor.profile.preferred_language = "ko"
    editor.profile.save()
    result = check(editor, **{"compliance-parent-id": str(home.pk)})
    assert result["applies"] is True
    assert result["errors"] == 2
    assert result["summary"] == "의료광고 점검: 오류 2건"
    first, second = result["findings"]
    assert first["rule"] == "superlative-ko"
    assert first["path"].startswith("body.") and first["path"].endswith(".body")
    assert first["location"] == "첫 번째 섹션 \u203a 본문"
    assert "<mark>최고</mark>" in first["excerpt_html"]
    assert second["location"] == "두 번째 섹션 \u203a 본문"
    assert first["legal_basis"] == "의료법 제56조 제2항 제8호"


def test_the_live_check_escapes_what_the_editor_typed(editor, home):
    body = streamfield([("section", {"heading": "<b>최고</b>", "body": rich_text("<p>안내</p>")})])
    data = nested_form_data({"title": "안내", "search_description": "", "body": body})
    data["compliance-parent-id"] = str(home.pk)
    finding = editor.post(reverse("compliance_check"), data).json()["findings"][0]
    assert finding["excerpt_html"] == "&lt;b&gt;<mark>최고</mark>&lt;/b&gt;"


def test_the_live_check_ignores_pages_that_are_not_articles(editor, home):
    result = check(editor, **{"compliance-page-id": str(home.pk)})
    assert result == {"applies": False, "findings": []}


def test_the_live_check_needs_a_login(client, home):
    response = client.post(reverse("compliance_check"), {})
    assert response.status_code in (302, 403)


def test_the_report_lists_live_failures_first_and_filters_findings(editor, home):
    english = ArticlePage.objects.get(slug="thread-lifting", locale__language_code="en")
    english.search_description = "The best clinic for thread lifting."
    with compliance_gate_open():  # published before the rules caught it
        english.save_revision().publish()
    korean = ArticlePage.objects.get(slug="thread-lifting", locale=home.locale)
    korean.title = "최고의 실리프팅"
    korean.save_revision()  # a draft: listed below, not as live
    response = editor.get(reverse("compliance_report"))
    html = response.content.decode()
    live_section = html[html.index("data-live-failing") : html.index('id="findings-heading"')]
    assert 'data-rule="superlative-en"' in live_section
    assert "최고의 실리프팅" not in live_section
    errors_only = editor.get(reverse("compliance_report"), {"severity": "error"})
    rows = errors_only.context["rows"]
    assert {row.finding.rule.id for row in rows} == {"superlative-ko", "superlative-en"}
    korean_only = editor.get(reverse("compliance_report"), {"locale": "ko", "severity": "error"})
    assert [row.finding.rule.id for row in korean_only.context["rows"]] == ["superlative-ko"]


def test_the_report_is_in_the_reports_menu(editor, home):
    html = editor.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("compliance_report") in html
