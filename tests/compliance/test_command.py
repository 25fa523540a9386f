"""manage.py check_compliance: findings, JSON, selection and exit codes."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cms.articles.models import ArticlePage
from cms.home.models import HomePage
from tests.articles.factories import block, make_article, minimal_body

from .builders import EN_DISCLAIMER


def run(*args) -> str:
    out = StringIO()
    call_command("check_compliance", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def run_failing(*args, returncode: int = 1) -> str:
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("check_compliance", *args, stdout=out, stderr=StringIO())
    assert caught.value.returncode == returncode, str(caught.value)
    return out.getvalue()


@pytest.fixture
def care_guide(seeded):
    """A clean Korean article and its English translation, which promises painless results."""
    korean = make_article(
        HomePage.objects.get(locale__language_code="ko"),
        "care-guide",
        title="관리 안내",
        body=minimal_body(block("intro", {"text": "<p>보습 방법을 안내합니다.</p>"})),
    )
    english = make_article(
        HomePage.objects.get(locale__language_code="en"),
        "care-guide-en",
        title="Care guide",
        body=[block("intro", {"text": "<p>A painless routine.</p>"}), EN_DISCLAIMER],
        translation_key=korean.translation_key,
    )
    return korean, english


def test_the_seed_articles_pass_with_their_warnings_listed(seeded):
    output = run()
    pages = ArticlePage.objects.count()
    assert "warning downtime-ko" in output
    assert f"{pages} page(s) checked: 0 error(s)" in output


def test_json_lists_what_was_checked_and_every_finding(seeded):
    data = json.loads(run("--format", "json"))
    assert len(data["checked"]) == data["summary"]["articles"] == ArticlePage.objects.count()
    assert data["summary"]["errors"] == 0
    assert data["summary"]["warnings"] == len(data["findings"]) > 0
    assert set(data["findings"][0]) == {
        "article",
        "translation_key",
        "locale",
        "page_id",
        "path",
        "rule",
        "severity",
        "subparagraph",
        "legal_basis",
        "match",
        "excerpt",
        "message",
        "suggestion",
    }


def test_errors_exit_non_zero_and_english_pages_use_english_rules(care_guide):
    data = json.loads(run_failing("--format", "json", "--locale", "en", returncode=3))
    errors = [f for f in data["findings"] if f["severity"] == "error"]
    assert [(f["article"], f["rule"], f["match"]) for f in errors] == [
        ("care-guide-en", "no-pain-en", "painless")
    ]
    assert "0 error(s)" in run("--locale", "ko")


def test_article_selects_an_article_with_all_its_translations(care_guide):
    data = json.loads(run_failing("--article", "care-guide", "--format", "json", returncode=3))
    assert [(c["article"], c["locale"]) for c in data["checked"]] == [
        ("care-guide", "ko"),
        ("care-guide-en", "en"),
    ]


def test_quiet_prints_only_the_errors(care_guide):
    lines = run_failing("--quiet", returncode=3).splitlines()
    assert lines[0].startswith("care-guide-en [en] body.")
    assert "error no-pain-en" in lines[0]
    assert not [line for line in lines if "warning" in line]


def test_drafts_are_checked_unless_live_is_asked_for(seeded):
    page = ArticlePage.objects.get(slug="thread-lifting", locale__language_code="ko")
    page.title = "최고의 실리프팅"
    page.save_revision()
    output = run_failing("--article", "thread-lifting", "--locale", "ko")
    assert "thread-lifting [ko] title: error superlative-ko" in output
    assert "0 error(s)" in run("--article", "thread-lifting", "--locale", "ko", "--live")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--locale", "fr"], r"unknown locale 'fr' \(known: en, ko\)"),
        (["--article", "nothing-here"], "no article with the slug 'nothing-here'"),
    ],
)
def test_an_unknown_selection_is_a_clear_error(seeded, args, message):
    with pytest.raises(CommandError, match=message) as caught:
        run(*args)
    assert caught.value.returncode == 2


def test_a_live_article_failing_current_rules_has_its_own_section_and_exit_code(care_guide):
    output = run_failing("--locale", "en", returncode=3)
    section = output[output.index("Live but failing current rules:") :]
    assert "care-guide-en [en]" in section
    assert "no-pain-en at body." in section
    data = json.loads(run_failing("--format", "json", returncode=3))
    assert [(f["article"], [e["rule"] for e in f["errors"]]) for f in data["live_failing"]] == [
        ("care-guide-en", ["no-pain-en"])
    ]


def test_a_draft_with_errors_of_a_clean_live_article_exits_1(seeded):
    page = ArticlePage.objects.get(slug="thread-lifting", locale__language_code="ko")
    page.title = "최고의 실리프팅"
    page.save_revision()
    output = run_failing("--article", "thread-lifting", returncode=1)
    assert "Live but failing" not in output
