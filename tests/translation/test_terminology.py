"""Glossary, consistency across articles and translate-toolkit's checks (no database)."""

import subprocess

import polib
import pytest

from cms.translation.catalog import read_catalog
from cms.translation.checks import check_catalogs, check_entry
from cms.translation.terminology import (
    glossary_path,
    glossary_template_path,
    inconsistencies,
    read_glossary,
    sync_glossary,
)
from cms.translation.toolkit import toolkit_problems
from tests.translation.test_catalog import VALID, write

GLOSSARY = """msgid ""
msgstr ""
"Language: en\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "PDO"
msgstr "PDO"

msgid "코그"
msgstr "cog"

msgid "실리프팅"
msgstr "thread lifting|thread lift"

#, strict
msgid "의료법"
msgstr "Medical Service Act"

#, fuzzy
msgid "돌기"
msgstr "barb"
"""


@pytest.fixture
def glossary(tmp_path):
    path = glossary_path(tmp_path, "en")
    path.parent.mkdir(parents=True)
    path.write_text(GLOSSARY, encoding="utf-8")
    return read_glossary(path)


def entry(msgid, msgstr, context="body.x.heading"):
    return polib.POEntry(msgctxt=context, msgid=msgid, msgstr=msgstr)


def codes(found):
    return {(finding.code, str(finding.severity)) for finding in found}


def test_a_term_must_be_translated_as_the_glossary_says(glossary):
    assert codes(check_entry(entry("코그 실", "Cog thread"), "f.po", glossary=glossary)) == set()
    found = check_entry(entry("코그 실", "Barbed thread"), "f.po", glossary=glossary)
    assert codes(found) == {("glossary_term", "warning")}
    assert "“cog”" in found[0].message and "glossary.po:9" in found[0].message


def test_alternatives_strict_terms_and_unconfirmed_terms(glossary):
    assert not check_entry(entry("실리프팅 후", "After a thread lift"), "f", glossary=glossary)
    assert codes(check_entry(entry("의료법", "Medical Law"), "f", glossary=glossary)) == {
        ("glossary_term", "error")
    }
    assert not check_entry(entry("돌기", "spikes"), "f", glossary=glossary), "fuzzy: not yet"


def test_terms_kept_as_they_are_use_translate_toolkit(glossary):
    found = check_entry(entry("PDO 실", "P.D.O. thread"), "f", language="en", glossary=glossary)
    assert codes(found) == {("pofilter_notranslatewords", "warning")}


def test_rich_text_terms_are_checked_on_the_text_a_reader_sees(glossary):
    found = check_entry(
        entry('<a id="a1">코그</a> 실', '<a id="a1">barbed</a> thread', "body.x.text#1"),
        "f",
        glossary=glossary,
    )
    assert codes(found) == {("glossary_term", "warning")}


def test_translate_toolkit_checks_that_fit_korean_and_none_about_letter_case():
    assert toolkit_problems("회복 기간", "recovery period", "en") == []  # no startcaps
    assert [name for name, _ in toolkit_problems("회복 (2~3일)", "Recovery (2-3 days", "en")] == [
        "brackets"
    ]
    assert [name for name, _ in toolkit_problems("회복", "the the recovery", "en")] == [
        "doublewords"
    ]
    long = "아주 긴 영어 번역이 나와도 문제가 없습니다"
    assert toolkit_problems("짧다", long, "ja") == [], "length ratios say nothing across scripts"


def test_the_same_korean_text_translated_differently_is_reported(tmp_path):
    first = write(tmp_path, VALID)
    other = first.with_name("other.po")
    other.write_text(
        VALID.replace('msgstr "Title"', 'msgstr "Heading"').replace("0b7e4b5e", "1b7e4b5e"),
        encoding="utf-8",
    )
    catalogs = [read_catalog(path, language="en") for path in (first, other)]
    [finding] = inconsistencies(catalogs)
    assert (finding.file, finding.msgctxt, finding.code) == (
        str(first),
        "title",
        "inconsistent_translation",
    )
    assert "“Heading”" in finding.message and "other.po:15" in finding.message


def test_check_catalogs_runs_the_glossary_and_reports_a_broken_one(tmp_path, settings, db):
    settings.TRANSLATION_CATALOG_DIR = tmp_path
    write(tmp_path, VALID.replace('msgid "제목"', 'msgid "의료법"'))
    path = glossary_path(tmp_path, "en")
    path.write_text(GLOSSARY, encoding="utf-8")
    assert ("glossary_term", "error") in codes(check_catalogs(language="en"))
    path.write_text(GLOSSARY.replace('msgstr "cog"', 'msgstr "cog'), encoding="utf-8")
    broken = [f for f in check_catalogs(language="en") if f.file == str(path)]
    assert [(f.line, f.severity) for f in broken] == [(10, "error")]


def test_glossaries_follow_their_template_and_keep_translations(tmp_path):
    template = glossary_template_path(tmp_path)
    template.parent.mkdir(parents=True)
    template.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#. A barbed thread.\nmsgid "코그"\nmsgstr ""\n\n#. The law.\nmsgid "의료법"\nmsgstr ""\n',
        encoding="utf-8",
    )
    path = sync_glossary(tmp_path, "ja")
    po = polib.pofile(str(path))
    assert [e.msgid for e in po] == ["코그", "의료법"]
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    po.find("코그").msgstr = "コグ"
    po.save()
    before = path.read_bytes()
    assert sync_glossary(tmp_path, "ja") is None and path.read_bytes() == before
    template.write_text(template.read_text().replace("코그", "돌기"), encoding="utf-8")
    sync_glossary(tmp_path, "ja")
    po = polib.pofile(str(path))
    assert [(e.msgid, e.msgstr, e.obsolete) for e in po if not e.obsolete] == [
        ("돌기", "", 0),
        ("의료법", "", 0),
    ]
    assert [(e.msgid, e.msgstr) for e in po.obsolete_entries()] == [("코그", "コグ")]
    subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=True)
