"""Reading catalogs: what cannot be read or is unsafe is refused with its file and line."""

import io

import polib
import pytest
from babel.messages.pofile import read_po

from cms.translation.catalog import gettext_date, plural_forms, read_catalog
from cms.translation.segments import CatalogError

KEY = "0b7e4b5e-4f0a-4c1e-9d55-6d2f6c2a9b11"
VALID = f"""msgid ""
msgstr ""
"Project-Id-Version: Clinic articles: rich\\n"
"POT-Creation-Date: 2025-01-02 03:04+0900\\n"
"PO-Revision-Date: 2025-01-02 03:04+0900\\n"
"Last-Translator: \\n"
"Language-Team: English\\n"
"Language: en\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"X-Translation-Key: {KEY}\\n"

msgctxt "title"
msgid "제목"
msgstr "Title"

msgctxt "summary"
msgid "요약"
msgstr "Summary"
"""


def write(tmp_path, text: str | bytes):
    path = tmp_path / "en" / "LC_MESSAGES" / "articles" / "rich.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def refused(tmp_path, text) -> CatalogError:
    path = write(tmp_path, text)
    with pytest.raises(CatalogError) as caught:
        read_catalog(path, language="en")
    assert str(caught.value).startswith(f"{path}:{caught.value.line}: ")
    return caught.value


def test_reads_a_valid_catalog_with_its_key_and_entries(tmp_path):
    found = read_catalog(write(tmp_path, VALID), language="en")
    assert found.translation_key == KEY
    assert {context: entry.msgstr for context, entry in found.by_context().items()} == {
        "title": "Title",
        "summary": "Summary",
    }


def test_refuses_a_file_that_does_not_parse(tmp_path):
    error = refused(tmp_path, VALID.replace('msgstr "Title"', 'msgstr "Title'))
    assert error.line == 17
    assert "no closing quote" in error.message


def test_refuses_stray_text(tmp_path):
    error = refused(tmp_path, VALID.replace('msgstr "Summary"', 'msgstr "Summary"\nhello'))
    assert error.line == 22
    assert "unexpected text" in error.message


def test_refuses_an_unknown_escape(tmp_path):
    assert "escape" in refused(tmp_path, VALID.replace('"Title"', '"Ti\\qtle"')).message


def test_refuses_a_declared_charset_that_the_bytes_contradict(tmp_path):
    # UTF-8 bytes read as EUC-KR would be garbage: the header is wrong, not the text.
    error = refused(tmp_path, VALID.replace("charset=UTF-8", "charset=EUC-KR"))
    assert error.line == 10
    assert "charset=UTF-8" in error.message and "EUC-KR" in error.message


def test_refuses_bytes_that_are_not_utf8(tmp_path):
    error = refused(
        tmp_path, VALID.encode("utf-8").replace("제목".encode(), "제목".encode("euc-kr"))
    )
    assert error.line == 16
    assert "not valid UTF-8" in error.message


def test_refuses_a_context_used_twice(tmp_path):
    error = refused(tmp_path, VALID + '\nmsgctxt "title"\nmsgid "제목"\nmsgstr "Other"\n')
    assert error.line == 23 and "first at line 15" in error.message
    assert error.code == "duplicate_context"


def test_refuses_wrong_plural_forms(tmp_path):
    error = refused(
        tmp_path, VALID.replace("nplurals=2; plural=(n != 1);", "nplurals=1; plural=0;")
    )
    assert error.line == 12
    assert "nplurals=2; plural=(n != 1);" in error.message


def test_refuses_plural_forms_that_choose_other_forms(tmp_path):
    error = refused(tmp_path, VALID.replace("plural=(n != 1);", "plural=(n > 1);"))
    assert error.line == 12 and error.code == "plural_forms"


def test_refuses_a_catalog_of_another_language(tmp_path):
    error = refused(tmp_path, VALID.replace('"Language: en', '"Language: fr'))
    assert error.line == 8 and "'fr'" in error.message


def test_refuses_a_catalog_without_translation_key(tmp_path):
    error = refused(tmp_path, VALID.replace(f'"X-Translation-Key: {KEY}\\n"\n', ""))
    assert "X-Translation-Key" in error.message


def test_entries_without_context_are_ignored_with_a_warning(tmp_path):
    found = read_catalog(write(tmp_path, VALID + '\nmsgid "x"\nmsgstr "y"\n'), language="en")
    assert [warning.code for warning in found.warnings] == ["no_context"]
    assert found.warnings[0].line == 23


def test_plural_forms_come_from_babel():
    assert plural_forms("ko") == "nplurals=1; plural=0;"
    assert plural_forms("en") == "nplurals=2; plural=(n != 1);"


def test_dates_use_gettext_format():
    assert len(gettext_date()) == len("2025-01-31 14:05+0900")
    assert gettext_date()[-5] in "+-"


def test_the_valid_sample_reads_with_babel_and_polib():
    assert len(read_po(io.StringIO(VALID), abort_invalid=True)) == 2
    assert len(polib.pofile(VALID)) == 2
