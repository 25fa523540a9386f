"""Apply: catalogs to pages, fail-closed publishing, links, structure, atomicity, queries."""

from io import StringIO

import polib
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Revision
from wagtail.signals import page_published

from cms.articles.models import ArticlePage
from cms.translation.apply import apply_catalogs
from cms.translation.models import AppliedTranslation
from cms.translation.sync import extract_catalogs
from tests.articles.factories import compliance_gate_open, make_article
from tests.translation.conftest import (
    FAQ_URL,
    en_catalog,
    english,
    entry_for,
    rich_body,
    translate_catalog,
)

INTRO = "body.11111111-1111-4111-8111-111111111111.text"


def english_page(source) -> ArticlePage:
    return ArticlePage.objects.get(
        translation_key=source.translation_key, locale__language_code="en"
    )


def value_of(page, block_type):
    return next(
        child["value"] for child in page.body.get_prep_value() if child["type"] == block_type
    )


def publish_body(page, body):
    """Publish an editor's change to the source (bodies cut down to what a test is about)."""
    page.body = body
    with compliance_gate_open():
        page.save_revision().publish()


@pytest.fixture
def translated(article, catalog_root):
    """The rich article extracted and fully translated (not applied yet)."""
    extract_catalogs()
    translate_catalog(en_catalog(catalog_root))
    return en_catalog(catalog_root)


def test_round_trip_publishes_every_translation_and_re_extracts_the_same_catalog(
    article, linked, translated, catalog_root
):
    before = translated.read_bytes()
    report = apply_catalogs()
    assert not report.failed
    page = english_page(article)
    assert page.live and page.title == "EN 실리프팅 안내"
    assert page.search_description == "EN 요약입니다."
    assert page.get_parent().specific.locale.language_code == "en"
    intro = value_of(page, "intro")["text"]
    assert intro == (
        f'<p>EN 먼저 <a href="{FAQ_URL}">자주 묻는 질문</a>과 '
        f'<a linktype="page" id="{linked.pk}">관련 글</a>을 읽어 보세요.</p>'
        "<p>EN 회복에는 2~3일이 걸립니다.</p>"
    )
    row = value_of(page, "thread_types")["rows"][0]["value"]
    assert row == {
        "name": "EN PDO 실",
        "material": "PDO",
        "barbed": "barbed",
        "absorption_months_min": 6,
        "absorption_months_max": 12,
        "purpose": "EN 즉각적인 리프팅",
        "notes": "",
    }
    assert [child["id"] for child in page.body.get_prep_value()] == [
        child["id"] for child in article.body.get_prep_value()
    ]
    record = AppliedTranslation.objects.get(page=page)
    article.refresh_from_db()
    assert (record.total, record.translated, record.fuzzy, record.missing) == (24, 24, 0, 0)
    assert record.complete and record.is_up_to_date
    assert record.source_revision_id == article.live_revision_id
    extract_catalogs()
    assert translated.read_bytes() == before
    revisions = Revision.objects.filter(object_id=str(page.pk)).count()
    again = apply_catalogs()
    assert [r.action for r in again.results if r.slug == "rich" and r.language == "en"] == [
        "unchanged"
    ]
    assert Revision.objects.filter(object_id=str(page.pk)).count() == revisions


def test_untranslated_catalogs_create_no_page(article, catalog_root):
    extract_catalogs()
    report = apply_catalogs()
    assert {result.action for result in report.results} == {"untranslated"}
    assert not ArticlePage.objects.filter(locale__language_code="en").exists()


def test_links_are_restored_by_id_even_when_reordered_and_point_at_the_english_page(
    article, linked, translated, catalog_root
):
    translate_catalog(en_catalog(catalog_root, "linked"))
    apply_catalogs()  # publishes the English "linked" article first
    po = polib.pofile(str(translated), wrapwidth=0)
    po.find(
        f"{INTRO}#1", by="msgctxt"
    ).msgstr = 'Read <a id="a2">the related article</a> before <a id="a1">our FAQ</a>.'
    po.save()
    assert not apply_catalogs().failed
    linked_en = english_page(linked)
    assert value_of(english_page(article), "intro")["text"].startswith(
        f'<p>Read <a linktype="page" id="{linked_en.pk}">the related article</a> before '
        f'<a href="{FAQ_URL}">our FAQ</a>.</p>'
    )


def test_fuzzy_paragraph_blocks_publication_and_the_live_translation_stays(
    article, translated, catalog_root
):
    apply_catalogs()
    page = english_page(article)
    live_revision = page.live_revision_id
    body = list(article.body.get_prep_value())
    body[0]["value"]["text"] = body[0]["value"]["text"].replace("2~3일", "3~4일")
    publish_body(article, body)
    extract_catalogs()
    entry = entry_for(translated, f"{INTRO}#2")
    assert entry.fuzzy and entry.previous_msgid == "회복에는 2~3일이 걸립니다."

    report = apply_catalogs()
    (result,) = [
        result for result in report.results if result.slug == "rich" and result.language == "en"
    ]
    assert not result.complete and result.action == "draft"
    assert result.translation.fuzzy == 1
    [missing] = result.translation.untranslated_required
    assert (missing.msgctxt, missing.line, missing.file) == (
        f"{INTRO}#2",
        entry.linenum,
        str(translated),
    )
    page = english_page(article)
    assert page.live and page.live_revision_id == live_revision
    assert "EN 회복에는 2~3일이 걸립니다." in value_of(page, "intro")["text"]
    assert page.has_unpublished_changes
    record = AppliedTranslation.objects.get(page=page)
    assert (record.complete, record.fuzzy, record.is_up_to_date) == (False, 1, False)


def test_untranslated_optional_text_is_left_empty_never_korean(article, translated):
    po = polib.pofile(str(translated), wrapwidth=0)
    po.find("summary", by="msgctxt").flags.append("fuzzy")
    po.save()
    report = apply_catalogs()
    assert [
        result.complete
        for result in report.results
        if result.slug == "rich" and result.language == "en"
    ] == [True]
    page = english_page(article)
    assert page.live and page.search_description == ""


def test_an_untranslated_disclaimer_keeps_a_new_page_unpublished(article, catalog_root):
    extract_catalogs()
    disclaimer_id = list(article.body.get_prep_value())[-1]["id"]
    required = f"body.{disclaimer_id}.text#1"
    translate_catalog(
        en_catalog(catalog_root),
        only={e.msgctxt for e in polib.pofile(str(en_catalog(catalog_root)))} - {required},
    )
    stderr = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("apply_translations", stdout=StringIO(), stderr=stderr)
    assert caught.value.returncode == 3
    page = english_page(article)
    assert not page.live
    assert not Page.objects.live().filter(pk=page.pk).exists()
    draft = page.get_latest_revision_as_object()
    assert draft.title == "EN 실리프팅 안내"
    assert value_of(draft, "disclaimer")["text"] == ""
    line = entry_for(en_catalog(catalog_root), required).linenum
    assert f"{en_catalog(catalog_root)}:{line}: {required}: required text is not translated" in (
        stderr.getvalue()
    )


def test_a_translation_failing_a_check_is_not_applied(article, translated):
    po = polib.pofile(str(translated), wrapwidth=0)
    po.find(f"{INTRO}#2", by="msgctxt").msgstr = "<script>alert(1)</script> 2~3 days"
    po.save()
    (result,) = [r for r in apply_catalogs().results if r.slug == "rich" and r.language == "en"]
    assert not result.complete
    assert "unsafe_markup" in {finding.code for finding in result.translation.findings}
    assert not english_page(article).live


def test_reordered_and_deleted_blocks_keep_the_right_translations(article, translated):
    apply_catalogs()
    blocks = list(article.body.get_prep_value())
    types = [child["type"] for child in blocks]
    reordered = [blocks[types.index(name)] for name in ("comparison", "intro", "section")]
    reordered += [blocks[types.index("thread_types")], blocks[-1]]  # side_effects deleted
    publish_body(article, reordered)
    report = apply_catalogs()
    (result,) = [r for r in report.results if r.slug == "rich" and r.language == "en"]
    assert result.complete and result.action == "published"
    assert {f.code for f in result.translation.findings} == {"unknown_context"}
    page = english_page(article)
    assert [child["type"] for child in page.body.get_prep_value()] == [
        "comparison",
        "intro",
        "section",
        "thread_types",
        "disclaimer",
    ]
    assert value_of(page, "comparison")["heading"] == "EN 비교"
    assert value_of(page, "section")["heading"] == "EN 섹션 1"
    extract_catalogs()
    (result,) = [r for r in apply_catalogs().results if r.slug == "rich" and r.language == "en"]
    assert result.action == "unchanged" and not result.translation.findings


def test_dry_run_reports_and_writes_nothing(article, translated):
    counts = (Page.objects.count(), Revision.objects.count(), AppliedTranslation.objects.count())
    report = apply_catalogs(dry_run=True)
    assert [
        (r.slug, r.action) for r in report.results if r.slug == "rich" and r.language == "en"
    ] == [("rich", "created")]
    assert (
        Page.objects.count(),
        Revision.objects.count(),
        AppliedTranslation.objects.count(),
    ) == counts
    out = StringIO()
    with pytest.raises(CommandError) as caught:  # "linked" is not translated: exit status 3
        call_command("apply_translations", "--dry-run", stdout=out, stderr=StringIO())
    assert caught.value.returncode == 3
    assert "en/rich: would be published" in out.getvalue()
    assert Page.objects.count() == counts[0]


BAD_INPUTS = {
    "does_not_parse": (lambda text: text.replace('msgstr "EN', 'msgstr "EN\n', 1), "closing quote"),
    "charset_contradicts_bytes": (
        lambda text: text.replace("charset=UTF-8", "charset=ISO-8859-1"),
        "charset",
    ),
    "bare_carriage_return": (lambda text: text.replace("\n", "\r", 1), "carriage return"),
    "duplicate_context": (
        lambda text: text + '\nmsgctxt "title"\nmsgid "x"\nmsgstr "y"\n',
        "appears twice",
    ),
    "wrong_plural_forms": (
        lambda text: text.replace("nplurals=2; plural=(n != 1);", "nplurals=1; plural=0;"),
        "Plural-Forms",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_a_bad_catalog_changes_nothing_and_names_file_and_line(
    case, article, linked, translated, catalog_root
):
    translate_catalog(en_catalog(catalog_root, "linked"))
    apply_catalogs()
    page = english_page(article)
    revisions = Revision.objects.filter(object_id=str(page.pk)).count()
    spoil, message = BAD_INPUTS[case]
    translated.write_bytes(spoil(translated.read_text(encoding="utf-8")).encode("utf-8"))
    translate_catalog(en_catalog(catalog_root, "linked"), lambda msgid: english(msgid, "NEW"))

    report = apply_catalogs()
    [error] = report.errors
    assert error.path == translated and error.line >= 1 and message in error.message
    assert Revision.objects.filter(object_id=str(page.pk)).count() == revisions
    assert english_page(article).title == "EN 실리프팅 안내"
    assert english_page(linked).title == "NEW 관련 글", "the other catalogs are still applied"
    stderr = StringIO()
    with pytest.raises(CommandError):
        call_command("apply_translations", stdout=StringIO(), stderr=stderr)
    assert f"{translated}:{error.line}: " in stderr.getvalue()


def test_a_failure_while_publishing_rolls_the_page_back(article, translated):
    def refuse(**kwargs):
        raise RuntimeError("publishing is blocked")

    page_published.connect(refuse, dispatch_uid="test-refuse")
    try:
        report = apply_catalogs()
    finally:
        page_published.disconnect(dispatch_uid="test-refuse")
    (result,) = [r for r in report.results if r.slug == "rich" and r.language == "en"]
    assert result.action == "failed" and "publishing is blocked" in result.error
    assert report.failed
    assert not ArticlePage.objects.filter(
        translation_key=article.translation_key, locale__language_code="en"
    ).exists()
    assert not AppliedTranslation.objects.exists()


def _count_apply_queries(page, catalog_root) -> tuple[int, int, int]:
    """Queries of a first apply (creates the page) and a second (new revision), and strings."""
    extract_catalogs(slug=page.slug)
    translate_catalog(en_catalog(catalog_root, page.slug))
    with CaptureQueriesContext(connection) as first:
        created = apply_catalogs(slug=page.slug)
    translate_catalog(en_catalog(catalog_root, page.slug), lambda msgid: english(msgid, "NEW"))
    with CaptureQueriesContext(connection) as second:
        updated = apply_catalogs(slug=page.slug)
    in_english = [r for r in created.results + updated.results if r.language == "en"]
    assert [r.action for r in in_english] == ["created", "published"]
    return len(first), len(second), in_english[0].translation.total


# Most of it is Wagtail's own work (copy_for_translation, revision, publish, search and
# reference indexes); the point is that it is the same for 21 strings and for 291.
APPLY_QUERY_BOUND = 160


def test_apply_queries_do_not_grow_with_the_number_of_strings(
    homes, linked, catalog_root, django_assert_max_num_queries
):
    # Not the first English article: treebeard adds a first child with different queries.
    _count_apply_queries(linked, catalog_root)
    short = make_article(homes["ko"], "short", body=rich_body(linked.pk, sections=1))
    long = make_article(homes["ko"], "long", body=rich_body(linked.pk, sections=40))
    *few_queries, few = _count_apply_queries(short, catalog_root)
    *many_queries, many = _count_apply_queries(long, catalog_root)
    assert (few, many) == (23, 179)
    assert few_queries == many_queries
    assert max(many_queries) <= APPLY_QUERY_BOUND
    with django_assert_max_num_queries(APPLY_QUERY_BOUND):
        apply_catalogs()


def test_contexts_of_blocks_that_no_longer_exist_are_warnings_not_failures(article, translated):
    gone = "body.99999999-9999-4999-8999-999999999999.heading"
    text = translated.read_text(encoding="utf-8")
    translated.write_text(text + f'\nmsgctxt "{gone}"\nmsgid "옛 제목"\nmsgstr "Old heading"\n')
    line = len(text.split("\n")) + 1
    (result,) = [r for r in apply_catalogs().results if r.slug == "rich" and r.language == "en"]
    assert result.complete and result.action == "created"
    [warning] = result.translation.findings
    assert (warning.code, warning.severity, warning.msgctxt, warning.line) == (
        "unknown_context",
        "warning",
        gone,
        line,
    )
    assert english_page(article).live
