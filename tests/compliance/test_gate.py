"""The export gate: articles with errors are kept out of every channel, in bulk."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.module_loading import import_string
from wagtail.models import Page

from cms.articles.models import ArticlePage
from cms.compliance.gate import export_blockers
from cms.home.models import HomePage
from tests.articles.factories import block, make_article, minimal_body


@pytest.fixture
def articles(seeded):
    """The seeds plus one article with an error and one with only a warning."""
    home = HomePage.objects.get(locale__language_code="ko")
    bad = make_article(
        home,
        "no-side-effects",
        title="관리 안내",
        body=minimal_body(block("intro", {"text": "<p>부작용 없는 관리법입니다.</p>"})),
    )
    warned = make_article(
        home,
        "safe-care",
        title="관리 안내",
        body=minimal_body(block("intro", {"text": "<p>안전한 보습제를 고르세요.</p>"})),
    )
    return {"bad": bad, "warned": warned}


def test_the_compliance_gate_is_registered_for_exports():
    assert "cms.compliance.gate.export_blockers" in settings.EXPORT_GATES
    assert import_string("cms.compliance.gate.export_blockers") is export_blockers


def test_only_articles_with_errors_are_blocked_and_the_reason_names_rule_and_place(articles):
    pages = list(ArticlePage.objects.all())
    blockers = export_blockers(pages)
    assert set(blockers) == {articles["bad"].pk}
    (reason,) = blockers[articles["bad"].pk]
    intro_id = articles["bad"].body[0].id
    assert reason.startswith(
        f'compliance no-side-effects-ko at body.{intro_id}.text "부작용 없는":'
    )


def test_the_gate_reads_locales_in_one_query_and_nothing_per_page(
    articles, django_assert_max_num_queries
):
    pages = list(ArticlePage.objects.all())
    with django_assert_max_num_queries(1):
        export_blockers(pages)
    loaded = list(ArticlePage.objects.select_related("locale"))
    with django_assert_max_num_queries(0):
        export_blockers(loaded)


def test_pages_that_are_not_articles_are_never_blocked(seeded):
    assert export_blockers([page.specific for page in Page.objects.all()]) == {}
    assert export_blockers([]) == {}


def test_export_channels_leaves_out_an_article_with_errors(articles, export_root):
    call_command("export_channels", "--channel", "web", "--quiet")
    exported = export_root / "web" / "ko" / "articles"
    assert not (exported / "no-side-effects.json").exists()
    assert (exported / "safe-care.json").exists()
    assert json.loads((exported / "thread-lifting.json").read_text(encoding="utf-8"))
