"""The export gate: articles with errors are kept out of every channel, in bulk."""

import gc

import pytest
from django.utils import translation
from wagtail.models import Page

from cms.articles.models import ArticlePage
from cms.compliance import gate
from cms.compliance.gate import export_blockers
from cms.compliance.models import ComplianceVerdict
from cms.compliance.rules import RULES_FILE, load_rules
from cms.home.models import HomePage
from cms.lifecycle.gate import RulesUnavailable
from tests.articles.factories import block, compliance_gate_open, make_article, minimal_body


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


def test_only_articles_with_errors_are_blocked_and_the_reason_names_rule_and_place(articles):
    pages = list(ArticlePage.objects.all())
    blockers = export_blockers(pages)
    assert set(blockers) == {articles["bad"].pk}
    (reason,) = blockers[articles["bad"].pk]
    intro_id = articles["bad"].body[0].id
    assert reason.startswith(
        f'compliance no-side-effects-ko at body.{intro_id}.text "부작용 없는":'
    )


def test_the_gate_runs_a_constant_number_of_queries_whatever_the_number_of_pages(
    articles, django_assert_max_num_queries
):
    pages = list(ArticlePage.objects.all())
    # Cold: locales, remembered verdicts, then the new verdicts saved in one statement.
    with django_assert_max_num_queries(3):
        export_blockers(pages)
    loaded = list(ArticlePage.objects.select_related("locale"))
    with django_assert_max_num_queries(1):
        export_blockers(loaded)


def test_unchanged_pages_are_answered_from_their_verdict_without_checking_again(
    articles, monkeypatch
):
    pages = list(ArticlePage.objects.select_related("locale"))
    first = export_blockers(pages)
    assert ComplianceVerdict.objects.count() == len(pages)

    def must_not_check(*args, **kwargs):
        raise AssertionError("an unchanged page was checked again")

    monkeypatch.setattr(gate, "check_article", must_not_check)
    assert export_blockers(pages) == first


def test_a_changed_page_is_checked_again_and_its_verdict_replaced(articles):
    safe = ArticlePage.objects.get(pk=articles["warned"].pk)
    assert export_blockers([safe]) == {}
    safe.body[0].value["text"] = type(safe.body[0].value["text"])("<p>부작용 없는 관리법.</p>")
    with compliance_gate_open():  # published before the rules caught it
        safe.save_revision().publish()
    changed = ArticlePage.objects.get(pk=safe.pk)
    assert set(export_blockers([changed])) == {safe.pk}
    assert ComplianceVerdict.objects.get(page=safe).errors[0]["rule"] == "no-side-effects-ko"


def test_a_change_to_the_rules_file_invalidates_every_verdict(articles, tmp_path, monkeypatch):
    pages = list(ArticlePage.objects.select_related("locale"))
    export_blockers(pages)
    edited = tmp_path / "rules.toml"
    edited.write_bytes(RULES_FILE.read_bytes() + b"\n# reviewed again\n")
    monkeypatch.setattr(gate, "RULES_FILE", edited)
    monkeypatch.setattr(gate, "load_rules", lambda: load_rules(edited))
    checked = []
    real_check = gate.check_article
    monkeypatch.setattr(
        gate, "check_article", lambda *a, **k: checked.append(1) or real_check(*a, **k)
    )
    export_blockers(pages)
    assert len(checked) == len(pages)


def test_pages_that_are_not_articles_are_never_blocked(seeded):
    assert export_blockers([page.specific for page in Page.objects.all()]) == {}
    assert export_blockers([]) == {}


def test_the_gate_fingerprint_follows_rules_and_language_not_pages(articles, tmp_path, monkeypatch):
    first = gate.gate_fingerprint()
    assert export_blockers.fingerprint() == first
    with translation.override("en"):
        english = gate.gate_fingerprint()
    with translation.override("ko"):
        assert gate.gate_fingerprint() != english  # reasons are written in the active language
    edited = tmp_path / "rules.toml"
    edited.write_bytes(RULES_FILE.read_bytes() + b"\n# reviewed again\n")
    monkeypatch.setattr(gate, "RULES_FILE", edited)
    assert gate.gate_fingerprint() != first


def test_publishing_an_article_records_its_verdict_for_the_export(articles, monkeypatch):
    safe = ArticlePage.objects.get(pk=articles["warned"].pk)
    safe.body[0].value["text"] = type(safe.body[0].value["text"])("<p>부작용 없는 관리법.</p>")
    with compliance_gate_open():  # published before the rules caught it
        safe.save_revision().publish()

    verdict = ComplianceVerdict.objects.get(page=safe)
    assert verdict.errors[0]["rule"] == "no-side-effects-ko"

    def must_not_check(*args, **kwargs):
        raise AssertionError("the export checked a page whose verdict was recorded at publish")

    monkeypatch.setattr(gate, "check_article", must_not_check)
    live = ArticlePage.objects.select_related("locale").get(pk=safe.pk)
    assert set(export_blockers([live])) == {safe.pk}


def test_a_broken_rules_file_refuses_publication_and_names_the_file(articles, monkeypatch):
    def broken():
        raise ValueError("rules.toml: not valid TOML")

    monkeypatch.setattr(gate, "load_rules", broken)
    safe = ArticlePage.objects.get(pk=articles["warned"].pk)
    safe.title = "관리 안내 (수정)"
    with pytest.raises(RulesUnavailable, match=r"rules\.toml: not valid TOML"):
        safe.save_revision().publish()

    assert ArticlePage.objects.get(pk=safe.pk).title == "관리 안내"


def test_the_gate_leaves_no_reference_cycles_behind(articles):
    """An export shows the gate every page; garbage it leaves would pile up page by page."""
    export_blockers(list(ArticlePage.objects.select_related("locale")))  # verdicts recorded
    pages = list(ArticlePage.objects.select_related("locale"))
    gc.collect()
    gc.disable()
    try:
        export_blockers(pages)
        del pages
        assert gc.collect() == 0
    finally:
        gc.enable()
