"""A live translated page is never pulled or emptied by a catalog that is not whole.

Fuzzy, empty and refused entries keep the live page in that language exactly as it is; the
new translation is saved as a draft revision and ``translation_status`` says an update is
pending. Also: control characters are refused per entry, siblings of a refused paragraph stay
in the draft, and the commands' exit statuses and JSON tell scripts what happened.
"""

import json
from io import StringIO

import polib
import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Revision

from cms.articles.models import ArticlePage
from cms.translation.apply import apply_catalogs
from cms.translation.checks import check_catalogs, check_pair
from cms.translation.status import collect_status
from cms.translation.sync import extract_catalogs
from tests.translation.conftest import en_catalog, english, entry_for, translate_catalog

INTRO = "body.11111111-1111-4111-8111-111111111111.text"


def english_page(source) -> ArticlePage:
    return ArticlePage.objects.get(
        translation_key=source.translation_key, locale__language_code="en"
    )


def english_result(report, slug="rich"):
    [result] = [r for r in report.results if r.slug == slug and r.language == "en"]
    return result


def live_row(page) -> tuple:
    page = ArticlePage.objects.get(pk=page.pk)
    return (
        page.live,
        page.live_revision_id,
        page.title,
        page.search_description,
        page.body.get_prep_value(),
    )


def edit(path, context, *, msgstr=None, fuzzy=None):
    po = polib.pofile(str(path), wrapwidth=0)
    entry = po.find(context, by="msgctxt")
    if msgstr is not None:
        entry.msgstr = msgstr
    if fuzzy is True and "fuzzy" not in entry.flags:
        entry.flags.append("fuzzy")
    po.save()
    return entry_for(path, context).linenum


@pytest.fixture
def live(article, linked, catalog_root):
    """The rich article and the one it links to, translated, applied and live in English."""
    extract_catalogs()
    translate_catalog(en_catalog(catalog_root))
    translate_catalog(en_catalog(catalog_root, "linked"))
    apply_catalogs(language="en")
    # Again: links now point at the English "linked" page, live since the first run.
    report = apply_catalogs(language="en")
    assert report.exit_status == 0
    return english_page(article)


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param({"fuzzy": True}, id="optional_summary_fuzzy"),
        pytest.param({"msgstr": ""}, id="optional_summary_emptied"),
        pytest.param({"msgstr": "Summary \x00 with a NUL"}, id="optional_summary_refused"),
    ],
)
def test_a_catalog_that_is_not_whole_keeps_the_live_page_and_saves_a_draft(
    live, catalog_root, spoil
):
    before = live_row(live)
    revisions = Revision.objects.filter(object_id=str(live.pk)).count()
    edit(en_catalog(catalog_root), "title", msgstr="A better title")
    edit(en_catalog(catalog_root), "summary", **spoil)

    report = apply_catalogs(language="en")
    result = english_result(report)
    assert result.action == "draft" and not result.published and result.update_pending
    assert report.exit_status == 3
    assert live_row(live) == before, "the live page is exactly as it was"
    assert Revision.objects.filter(object_id=str(live.pk)).count() == revisions + 1
    draft = english_page(live).get_latest_revision_as_object()
    assert draft.title == "A better title"

    [status] = [s for s in collect_status() if s.slug == "rich"]
    english = next(locale for locale in status.locales if locale.language == "en")
    assert (english.live, english.update_pending, english.state) == (True, True, "update_pending")
    out = StringIO()
    call_command("translation_status", "--format", "json", stdout=out)
    [data] = [item for item in json.loads(out.getvalue()) if item["slug"] == "rich"]
    [english_data] = [item for item in data["locales"] if item["language"] == "en"]
    assert english_data["update_pending"] is True and english_data["state"] == "update_pending"
    text = StringIO()
    call_command("translation_status", stdout=text)
    assert "UPDATE PENDING" in text.getvalue()


def test_once_whole_again_the_pending_draft_is_published(live, catalog_root):
    edit(en_catalog(catalog_root), "summary", fuzzy=True)
    apply_catalogs(language="en")
    translate_catalog(en_catalog(catalog_root), lambda msgid: english(msgid, "NEW"))
    report = apply_catalogs(language="en")
    assert english_result(report).published and report.exit_status == 0
    page = english_page(live)
    assert page.title == "NEW 실리프팅 안내" and not page.has_unpublished_changes


def test_a_control_character_is_refused_per_entry_with_file_and_line(live, catalog_root):
    path = en_catalog(catalog_root)
    line = edit(path, f"{INTRO}#2", msgstr="Recovery takes 2~3 days.\x00")
    findings = [f for f in check_catalogs() if f.code == "control_character"]
    assert [(f.file, f.line, f.msgctxt) for f in findings] == [(str(path), line, f"{INTRO}#2")]
    assert "U+0000 NULL" in findings[0].message

    report = apply_catalogs(language="en")
    result = english_result(report)
    [refused] = result.translation.refused
    assert (refused.file, refused.line, refused.msgctxt) == (str(path), line, f"{INTRO}#2")
    assert "\x00" not in json.dumps(english_page(live).get_latest_revision().content)
    assert live_row(live)[0], "still live"
    stderr = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("check_translations", stdout=StringIO(), stderr=stderr)
    assert caught.value.returncode == 1


@pytest.mark.parametrize(
    "char", ["\x00", "\x1b", "\r", "\x7f", "\x85", "\u202e", "\u2066", "\ufeff"]
)
def test_unsafe_characters_are_errors_tab_and_newline_are_not(char):
    problems = check_pair("문장", f"Sentence{char}", rich=False)
    assert ("control_character", "error") in {(code, str(sev)) for code, sev, _ in problems}
    assert not check_pair("문장\t표\n", "Sentence\ttable\n", rich=False)


def test_a_control_character_in_the_source_is_reported_for_the_editors():
    [(_code, _severity, message)] = [
        p for p in check_pair("문장\x07", "Sentence", rich=False) if p[0] == "control_character"
    ]
    assert "source" in message and "U+0007" in message


def test_a_refused_paragraph_leaves_its_siblings_in_the_draft(article, linked, catalog_root):
    extract_catalogs()
    path = en_catalog(catalog_root)
    translate_catalog(path)
    line = edit(path, f"{INTRO}#1", msgstr='Read <a id="a1">our FAQ first.')  # never closed
    report = apply_catalogs(language="en")
    result = english_result(report)
    assert not result.published
    codes = {(f.code, f.line) for f in result.translation.findings}
    assert ("markup_invalid", line) in codes
    assert "numbers_added" not in {f.code for f in result.translation.findings}
    draft = english_page(article).get_latest_revision_as_object()
    intro = next(c for c in draft.body.get_prep_value() if c["type"] == "intro")
    assert "EN 회복에는 2~3일이 걸립니다." in intro["value"]["text"], "the sibling stayed"
    assert "먼저" not in intro["value"]["text"], "never the Korean source"


def test_broken_markup_reports_no_numbers_from_link_ids():
    problems = check_pair('<a id="a1">질문</a>을 보세요.', 'See <a id="a1">the FAQ.', rich=True)
    assert {code for code, _s, _m in problems} == {"markup_invalid"}


def test_apply_json_and_exit_statuses(live, catalog_root):
    out = StringIO()
    call_command("apply_translations", "--locale", "en", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["exit_status"] == 0
    rich = next(item for item in data["results"] if item["slug"] == "rich")
    assert (rich["action"], rich["published"], rich["live"]) == ("unchanged", True, True)
    assert rich["counts"]["translated"] == rich["counts"]["total"]

    edit(en_catalog(catalog_root), "summary", fuzzy=True)
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("apply_translations", "--locale", "en", "--format", "json", stdout=out)
    assert caught.value.returncode == 3
    data = json.loads(out.getvalue())
    rich = next(item for item in data["results"] if item["slug"] == "rich")
    assert rich["update_pending"] and rich["counts"]["fuzzy"] == 1
    assert [b["msgctxt"] for b in rich["blocking"]] == ["summary"]

    en_catalog(catalog_root).write_text('msgid "broken\n', encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("apply_translations", "--locale", "en", stdout=StringIO(), stderr=StringIO())
    assert caught.value.returncode == 1


def test_check_translations_fails_on_an_empty_or_fuzzy_disclaimer(article, linked, catalog_root):
    extract_catalogs()
    translate_catalog(en_catalog(catalog_root))
    translate_catalog(en_catalog(catalog_root, "linked"))
    disclaimer = next(c["id"] for c in article.body.get_prep_value() if c["type"] == "disclaimer")
    context = f"body.{disclaimer}.text#1"
    for spoil in ({"fuzzy": True}, {"msgstr": ""}):
        line = edit(en_catalog(catalog_root), context, **spoil)
        out = StringIO()
        with pytest.raises(CommandError) as caught:
            call_command("check_translations", "--locale", "en", stdout=out)
        assert caught.value.returncode == 3
        assert f"{en_catalog(catalog_root)}:{line}: incomplete: untranslated_required" in (
            out.getvalue()
        )
