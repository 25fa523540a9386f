"""Re-extraction measured against GNU ``msgmerge --previous``, and similar-text suggestions."""

import shutil
import subprocess

import polib
import pytest

from cms.translation.catalog import template_path
from cms.translation.merge import SUGGESTION_NOTE
from cms.translation.sync import extract_catalogs
from tests.articles.factories import block, compliance_gate_open, make_article
from tests.translation.conftest import en_catalog, entry_for, translate_catalog

INTRO = "body.11111111-1111-4111-8111-111111111111.text"
MOVED_TO = "99999999-9999-4999-8999-999999999999"


def publish_body(page, body):
    """Publish an editor's change to the source (bodies cut down to what a test is about)."""
    page.body = body
    with compliance_gate_open():
        page.save_revision().publish()


def add_translator_comments(path, comments: dict[str, str]) -> None:
    po = polib.pofile(str(path), wrapwidth=0)
    for context, comment in comments.items():
        po.find(context, by="msgctxt").tcomment = comment
    po.save()


def edit_move_and_delete(article) -> dict[str, str]:
    """Edit a paragraph, move a lightly edited one into a new block, delete a block."""
    body = list(article.body.get_prep_value())
    by_type = {child["type"]: child for child in body}
    intro = by_type["intro"]["value"]
    intro["text"] = intro["text"].replace(
        "회복에는 2~3일이 걸립니다.", "회복에는 보통 3~4일이 걸립니다."
    )
    comparison = by_type["comparison"]
    old_conclusion = f"body.{comparison['id']}.conclusion#1"
    comparison["value"]["conclusion"] = ""
    moved = block(
        "section",
        {"heading": "마무리", "body": "<p>상담 후에 결정하세요.</p>"},
        MOVED_TO,
    )
    deleted = by_type["side_effects"]
    body = [child for child in body if child is not deleted]
    body.insert(body.index(comparison) + 1, moved)
    publish_body(article, body)
    return {"old_conclusion": old_conclusion, "deleted": deleted["id"]}


def active(po: polib.POFile) -> dict[str, tuple]:
    return {
        entry.msgctxt: (
            entry.msgstr,
            entry.fuzzy,
            entry.previous_msgctxt if entry.fuzzy else None,
            entry.previous_msgid if entry.fuzzy else None,
            entry.tcomment or "",
        )
        for entry in po
        if not entry.obsolete
    }


def obsolete(po: polib.POFile) -> set[tuple[str, str, str]]:
    return {(entry.msgctxt, entry.msgid, entry.msgstr) for entry in po.obsolete_entries()}


@pytest.mark.skipif(shutil.which("msgmerge") is None, reason="needs GNU gettext's msgmerge")
def test_re_extraction_agrees_with_msgmerge_previous_entry_by_entry(
    article, catalog_root, tmp_path
):
    extract_catalogs()
    catalog = en_catalog(catalog_root)
    translate_catalog(catalog)
    section_id = next(
        child["id"] for child in article.body.get_prep_value() if child["type"] == "section"
    )
    changes = edit_move_and_delete(article)
    add_translator_comments(
        catalog,
        {"title": "Keep it short.", changes["old_conclusion"]: "Tone agreed with the clinic."},
    )
    old = tmp_path / "old.po"
    shutil.copy(catalog, old)

    extract_catalogs()
    ours = polib.pofile(str(catalog))
    merged = subprocess.run(
        [
            "msgmerge",
            "--previous",
            "--no-wrap",
            "--quiet",
            "-o",
            "-",
            str(old),
            str(template_path(catalog_root, "rich")),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    theirs = polib.pofile(merged)

    assert active(ours) == active(theirs)
    assert obsolete(ours) == obsolete(theirs)
    # The cases of the scenario are really there (not an empty agreement):
    edited = entry_for(catalog, f"{INTRO}#2")
    assert edited.fuzzy and edited.previous_msgid == "회복에는 2~3일이 걸립니다."
    moved = entry_for(catalog, f"body.{MOVED_TO}.body#1")
    assert moved.fuzzy and moved.msgstr == "EN 상담 후 결정하세요."
    assert moved.previous_msgctxt == changes["old_conclusion"]
    assert moved.tcomment == "Tone agreed with the clinic."
    assert f"{SUGGESTION_NOTE} from this article, entry {changes['old_conclusion']}" in (
        moved.comment
    )
    assert any(changes["deleted"] in context for context, _id, _str in obsolete(ours))
    assert entry_for(catalog, "title").tcomment == "Keep it short."
    assert section_id


def test_a_paragraph_that_moved_number_stays_confirmed_where_msgmerge_asks_for_review(
    article, catalog_root
):
    # Documented as better than msgmerge (docs/translators.md): the same text in the same
    # field is the same paragraph; msgmerge would offer it as fuzzy.
    extract_catalogs()
    translate_catalog(en_catalog(catalog_root))
    body = list(article.body.get_prep_value())
    body[0]["value"]["text"] = "<p>완전히 새로 쓴 첫 문단입니다.</p>" + body[0]["value"]["text"]
    publish_body(article, body)
    extract_catalogs()
    moved = entry_for(en_catalog(catalog_root), f"{INTRO}#3")
    assert (moved.msgstr, moved.fuzzy) == ("EN 회복에는 2~3일이 걸립니다.", False)


def test_memory_offers_similar_text_from_other_articles_and_names_its_origin(
    article, homes, catalog_root
):
    extract_catalogs()
    translate_catalog(en_catalog(catalog_root))
    make_article(
        homes["ko"],
        "second",
        title="실리프팅 안내서",
        body=[
            block("intro", {"text": "<p>회복에는 2~3일이 걸립니다.</p>"}),
            *list(article.body.get_prep_value())[-1:],
        ],
    )
    extract_catalogs()
    second = en_catalog(catalog_root, "second")
    title = entry_for(second, "title")
    assert (title.msgstr, title.fuzzy) == ("EN 실리프팅 안내", True)
    assert title.previous_msgid == "실리프팅 안내" and title.previous_msgctxt == "title"
    note = f"{SUGGESTION_NOTE} from the article rich, entry title (93% similar Korean text)"
    assert note in title.comment
    same = next(e for e in polib.pofile(str(second)) if e.msgid == "회복에는 2~3일이 걸립니다.")
    assert same.fuzzy and f"entry {INTRO}#2 (the same Korean text)" in same.comment


def test_a_suggestion_note_stays_while_fuzzy_and_goes_once_confirmed(article, homes, catalog_root):
    extract_catalogs()
    translate_catalog(en_catalog(catalog_root))
    make_article(homes["ko"], "second", title="실리프팅 안내서")
    extract_catalogs()
    second = en_catalog(catalog_root, "second")
    before = second.read_bytes()
    extract_catalogs()
    assert second.read_bytes() == before, "re-extraction is byte-for-byte repeatable"
    translate_catalog(second, lambda msgid: f"Confirmed {msgid}", only={"title"})
    extract_catalogs()
    title = entry_for(second, "title")
    assert not title.fuzzy and SUGGESTION_NOTE not in title.comment
    assert title.previous_msgid is None


def test_dissimilar_text_is_not_offered(article, homes, catalog_root):
    extract_catalogs()
    translate_catalog(en_catalog(catalog_root))
    make_article(homes["ko"], "second", title="전혀 다른 주제의 글입니다")
    extract_catalogs()
    title = entry_for(en_catalog(catalog_root, "second"), "title")
    assert (title.msgstr, title.fuzzy) == ("", False)
