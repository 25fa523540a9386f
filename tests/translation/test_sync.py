"""Extraction: contexts, comments, headers, determinism, renames and msgmerge semantics."""

import datetime as dt
import subprocess

import polib
import pytest
from django.core.management import CommandError, call_command

from cms.translation.catalog import catalog_path, read_catalog, target_languages, template_path
from cms.translation.paths import SEPARATOR
from cms.translation.sync import extract_catalogs
from tests.articles.factories import make_article, minimal_body
from tests.translation.conftest import en_catalog, entry_for, rich_body, translate_catalog

INTRO = "body.11111111-1111-4111-8111-111111111111.text"
ROW = "body.33333333-3333-4333-8333-333333333333.rows.22222222-2222-4222-8222-222222222222"
LATER = dt.datetime(2031, 5, 6, 7, 8, tzinfo=dt.UTC)


def publish_body(page, body):
    page.body = body
    page.save_revision().publish()


def raw_body(page):
    return list(page.body.get_prep_value())


def test_every_text_gets_a_stable_unique_context_and_structured_values_none(article, catalog_root):
    extract_catalogs()
    entries = polib.pofile(str(template_path(catalog_root, "rich")))
    contexts = [entry.msgctxt for entry in entries]
    assert len(contexts) == len(set(contexts))
    assert contexts[:4] == ["title", "summary", f"{INTRO}#1", f"{INTRO}#2"]
    assert {f"{ROW}.name", f"{ROW}.purpose"} <= set(contexts)
    # Structured values and empty texts are not for translators.
    assert not [c for c in contexts if c.endswith(("material", "barbed", "months_min", "notes"))]
    assert "seo_title" not in contexts
    by_type = {block["type"]: block["id"] for block in raw_body(article)}
    section = by_type["section"]
    assert [c for c in contexts if c.startswith(f"body.{section}.")] == [
        f"body.{section}.heading",
        f"body.{section}.body#1",
        f"body.{section}.body#2",
        f"body.{section}.body#3",
    ]
    disclaimer = by_type["disclaimer"]
    assert contexts[-2:] == [f"body.{disclaimer}.text#1", f"body.{disclaimer}.legal_basis"]


def test_links_become_numbered_placeholders_and_comments_explain_the_entry(
    article, linked, catalog_root
):
    extract_catalogs()
    entry = entry_for(template_path(catalog_root, "rich"), f"{INTRO}#1")
    assert (
        entry.msgid == '먼저 <a id="a1">자주 묻는 질문</a>과 <a id="a2">관련 글</a>을 읽어 보세요.'
    )
    assert entry.comment.splitlines()[0] == SEPARATOR.join(
        ["Introduction (block 1)", "Lead text", "paragraph 1"]
    )
    assert "Keep each tag with an id" in entry.comment
    assert entry.occurrences == [
        (
            f"/admin/translation-status/source/{article.translation_key}/"
            "#block-11111111-1111-4111-8111-111111111111-section",
            "",
        )
    ]
    row = entry_for(template_path(catalog_root, "rich"), f"{ROW}.purpose")
    assert row.comment == SEPARATOR.join(
        ["Thread types table (block 3)", "Thread type 1", "Main purpose"]
    )
    summary = entry_for(template_path(catalog_root, "rich"), "summary")
    assert summary.comment.endswith("(optional)")


def test_headers_carry_identity_language_and_gettext_fields(article, catalog_root):
    extract_catalogs(now=LATER)
    po = polib.pofile(str(en_catalog(catalog_root)))
    assert po.metadata["Language"] == "en"
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert po.metadata["Content-Transfer-Encoding"] == "8bit"
    assert po.metadata["MIME-Version"] == "1.0"
    assert po.metadata["POT-Creation-Date"] == "2031-05-06 16:08+0900"
    assert po.metadata["PO-Revision-Date"] == "2031-05-06 16:08+0900"
    assert po.metadata["X-Translation-Key"] == str(article.translation_key)
    assert po.metadata["X-Source-Language"] == "ko"
    assert po.metadata["X-Source-Revision"].startswith("sha256:")
    assert po.metadata["Project-Id-Version"] and po.metadata["Report-Msgid-Bugs-To"]
    template = polib.pofile(str(template_path(catalog_root, "rich")))
    assert template.metadata["X-Translation-Key"] == str(article.translation_key)


def test_extracting_twice_rewrites_nothing_not_even_the_dates(article, catalog_root):
    extract_catalogs()
    before = {path: path.read_bytes() for path in catalog_root.rglob("*.po*")}
    report = extract_catalogs(now=LATER)
    assert not report.changed()
    assert {path: path.read_bytes() for path in catalog_root.rglob("*.po*")} == before
    assert not list(catalog_root.rglob("*.tmp")), "a temporary file was left behind"


def test_a_renamed_slug_renames_the_files_and_keeps_the_translations(article, catalog_root):
    extract_catalogs()
    translate_catalog(en_catalog(catalog_root))
    article.slug = "renamed"
    article.save_revision().publish()
    report = extract_catalogs()
    renamed = [outcome for outcome in report.files if outcome.path.stem == "renamed"]
    assert [(outcome.action, outcome.previous.name) for outcome in renamed] == [
        ("renamed", "rich.pot"),
        *[("renamed", "rich.po") for _language in target_languages()],
    ]
    assert not en_catalog(catalog_root, "rich").exists()
    assert not template_path(catalog_root, "rich").exists()
    assert entry_for(en_catalog(catalog_root, "renamed"), "title").msgstr == "EN 실리프팅 안내"


def test_changed_source_keeps_the_old_translation_as_fuzzy_with_previous_msgid(
    article, catalog_root
):
    extract_catalogs()
    translate_catalog(en_catalog(catalog_root))
    body = raw_body(article)
    body[0]["value"]["text"] = body[0]["value"]["text"].replace("2~3일", "3~4일")
    publish_body(article, body)
    extract_catalogs(now=LATER)
    entry = entry_for(en_catalog(catalog_root), f"{INTRO}#2")
    assert entry.fuzzy
    assert entry.msgid == "회복에는 3~4일이 걸립니다."
    assert entry.previous_msgid == "회복에는 2~3일이 걸립니다."
    assert entry.msgstr == "EN 회복에는 2~3일이 걸립니다."
    unchanged = entry_for(en_catalog(catalog_root), f"{INTRO}#1")
    assert not unchanged.fuzzy and unchanged.msgstr.startswith("EN ")
    po = polib.pofile(str(en_catalog(catalog_root)))
    assert po.metadata["PO-Revision-Date"] == "2031-05-06 16:08+0900"


def test_removed_blocks_become_obsolete_and_come_back_translated(article, catalog_root):
    extract_catalogs()
    translate_catalog(en_catalog(catalog_root))
    full = raw_body(article)
    publish_body(article, [child for child in full if child["type"] != "thread_types"])
    extract_catalogs()
    po = polib.pofile(str(en_catalog(catalog_root)))
    obsolete = {entry.msgctxt: entry.msgstr for entry in po.obsolete_entries()}
    assert obsolete[f"{ROW}.name"] == "EN PDO 실"
    assert f"{ROW}.name" not in {entry.msgctxt for entry in po if not entry.obsolete}
    publish_body(article, full)
    extract_catalogs()
    restored = entry_for(en_catalog(catalog_root), f"{ROW}.name")
    assert (restored.msgstr, restored.fuzzy, restored.obsolete) == ("EN PDO 실", False, False)
    assert not polib.pofile(str(en_catalog(catalog_root))).obsolete_entries()


def test_translator_comments_survive_re_extraction(article, catalog_root):
    extract_catalogs()
    po = polib.pofile(str(en_catalog(catalog_root)))
    po.find("title", by="msgctxt").tcomment = "Checked with the clinic: keep it short."
    po.save()
    extract_catalogs()
    assert entry_for(en_catalog(catalog_root), "title").tcomment == (
        "Checked with the clinic: keep it short."
    )


def test_an_inserted_paragraph_does_not_unsettle_the_ones_after_it(article, catalog_root):
    extract_catalogs()
    translate_catalog(en_catalog(catalog_root))
    body = raw_body(article)
    body[0]["value"]["text"] = "<p>새 문단.</p>" + body[0]["value"]["text"]
    publish_body(article, body)
    extract_catalogs()
    new, moved = (entry_for(en_catalog(catalog_root), f"{INTRO}#{n}") for n in (1, 3))
    assert (new.msgstr, new.fuzzy) == ("", False)
    assert (moved.msgid, moved.msgstr, moved.fuzzy) == (
        "회복에는 2~3일이 걸립니다.",
        "EN 회복에는 2~3일이 걸립니다.",
        False,
    )


def test_translation_memory_offers_identical_sources_as_fuzzy(article, homes, catalog_root):
    extract_catalogs()
    translate_catalog(en_catalog(catalog_root))
    make_article(homes["ko"], "second", title="실리프팅 안내")
    extract_catalogs()
    offered = entry_for(en_catalog(catalog_root, "second"), "title")
    assert (offered.msgstr, offered.fuzzy) == ("EN 실리프팅 안내", True)


def test_an_unreadable_catalog_is_reported_and_left_alone(article, catalog_root):
    extract_catalogs()
    path = en_catalog(catalog_root)
    broken = path.read_bytes().replace(b'msgstr ""', b'msgstr "', 1)
    path.write_bytes(broken)
    report = extract_catalogs()
    assert [error.path for error in report.errors] == [path]
    assert path.read_bytes() == broken
    with pytest.raises(CommandError, match="left untouched"):
        call_command("extract_translations", "--quiet")


def test_generated_catalogs_pass_msgfmt_check_babel_and_polib(article, catalog_root):
    from babel.messages.pofile import read_po

    extract_catalogs()
    translate_catalog(en_catalog(catalog_root))
    body = raw_body(article)
    body[0]["value"]["text"] = body[0]["value"]["text"].replace("2~3일", "3~4일")
    publish_body(article, [child for child in body if child["type"] != "comparison"])
    extract_catalogs()  # now with fuzzy, previous msgid and obsolete entries
    for path in [en_catalog(catalog_root), template_path(catalog_root, "rich")]:
        checked = subprocess.run(
            ["/usr/bin/msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stderr
        if path.suffix == ".po":
            assert checked.stderr == ""
        with path.open("rb") as stream:
            assert len(read_po(stream, abort_invalid=True)) > 10
        assert len(polib.pofile(str(path))) > 10
    read_catalog(en_catalog(catalog_root), language="en")


def test_extraction_queries_do_not_grow_with_the_number_of_strings(
    homes, catalog_root, django_assert_max_num_queries
):
    short = make_article(homes["ko"], "short", body=minimal_body())
    with django_assert_max_num_queries(2):
        extract_catalogs(slug="short")
    long = make_article(homes["ko"], "long", body=rich_body(short.pk, sections=30))
    with django_assert_max_num_queries(2):
        extract_catalogs(slug="long")
    with django_assert_max_num_queries(2):
        extract_catalogs()
    assert len(polib.pofile(str(template_path(catalog_root, "long")))) > 100
    assert long.pk


def test_command_rejects_unknown_languages_and_articles(article, catalog_root):
    with pytest.raises(CommandError, match="not a target language"):
        call_command("extract_translations", "--locale", "fr")
    with pytest.raises(CommandError, match="slug 'nope'"):
        call_command("extract_translations", "--article", "nope")
    call_command("extract_translations", "--quiet", "--locale", "en", "--article", "rich")
    assert catalog_path(catalog_root, "en", "rich").exists()


def test_block_descriptions_use_english_labels_whatever_the_active_language(article, catalog_root):
    from django.utils import translation

    with translation.override("ko"):
        extract_catalogs()
    entry = entry_for(template_path(catalog_root, "rich"), f"{ROW}.purpose")
    assert entry.comment.startswith("Thread types table")
