"""Liberal in what it reads: every file msgfmt, polib, Babel or translate-toolkit would read.

Each case writes a real catalog the way a tool or editor does, then reads or applies it. The
project's own writing stays strict: the next extraction writes the project's layout again.
"""

import io
import subprocess

import polib
import pytest
from babel.messages.pofile import read_po, write_po
from translate.storage import po as tt_po

from cms.translation.apply import apply_catalogs
from cms.translation.catalog import (
    KEY_HEADER,
    read_catalog,
    same_language,
    same_plural_forms,
)
from cms.translation.segments import CatalogError
from cms.translation.sync import extract_catalogs
from tests.translation.conftest import en_catalog, translate_catalog
from tests.translation.test_catalog import KEY, VALID, write

ENTRIES = {"title": "Title", "summary": "Summary"}


def entries(found) -> dict[str, str]:
    return {context: entry.msgstr for context, entry in found.by_context().items()}


@pytest.mark.parametrize(
    ("case", "spoil"),
    [
        ("crlf", lambda text: text.replace("\n", "\r\n")),
        ("bom", lambda text: "\ufeff" + text),
        ("bom_and_crlf", lambda text: "\ufeff" + text.replace("\n", "\r\n")),
        (
            "gnu_manual_plural_forms",
            lambda text: text.replace("plural=(n != 1);", "plural=n != 1;"),
        ),
        (
            "plural_forms_spaced_without_semicolon",
            lambda text: text.replace(
                "nplurals=2; plural=(n != 1);", "nplurals = 2; plural = (n!=1)"
            ),
        ),
        ("lowercase_charset", lambda text: text.replace("charset=UTF-8", "charset=utf-8")),
        (
            "rewrapped_lines",
            lambda text: text.replace('msgstr "Summary"', 'msgstr ""\n"Sum"\n"mary"'),
        ),
        (
            "reordered_headers",
            lambda text: text.replace(f'"X-Translation-Key: {KEY}\\n"\n', "").replace(
                'msgstr ""\n', f'msgstr ""\n"X-Translation-Key: {KEY}\\n"\n', 1
            ),
        ),
    ],
)
def test_equivalent_files_read_the_same(tmp_path, case, spoil):
    found = read_catalog(write(tmp_path, spoil(VALID)), language="en")
    assert found.translation_key == KEY
    assert entries(found) == ENTRIES
    assert [w.code for w in found.warnings] == []


def test_a_file_in_another_charset_is_converted_with_a_warning(tmp_path):
    text = VALID.replace("charset=UTF-8", "charset=EUC-KR")
    found = read_catalog(write(tmp_path, text.encode("euc-kr")), language="en")
    assert found.by_context()["title"].msgid == "제목"
    assert [w.code for w in found.warnings] == ["charset_converted"]


def test_missing_language_and_plural_forms_are_warnings(tmp_path):
    text = VALID.replace('"Language: en\\n"\n', "").replace(
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n', ""
    )
    found = read_catalog(write(tmp_path, text), language="en")
    assert entries(found) == ENTRIES
    assert [w.code for w in found.warnings] == ["header_missing", "header_missing"]


def test_a_dropped_key_header_is_found_by_file_name_with_a_warning(tmp_path):
    text = VALID.replace(f'"X-Translation-Key: {KEY}\\n"\n', "")
    path = write(tmp_path, text)
    found = read_catalog(path, language="en", keys_by_slug={"rich": KEY})
    assert found.translation_key == KEY
    [warning] = found.warnings
    assert warning.code == "identity_from_path" and "rich" in warning.message
    with pytest.raises(CatalogError, match="names no article"):
        read_catalog(path, language="en", keys_by_slug={"other": KEY})


def test_a_malformed_key_is_still_refused(tmp_path):
    text = VALID.replace(KEY, "not-a-key")
    with pytest.raises(CatalogError, match="not a UUID"):
        read_catalog(write(tmp_path, text), language="en", keys_by_slug={"rich": KEY})


def test_plural_forms_are_compared_by_what_they_choose():
    assert same_plural_forms("nplurals=1; plural=0;", "nplurals=1; plural=0;")
    assert same_plural_forms("nplurals=2; plural=n>1 ? 1 : 0;", "nplurals=2; plural=(n > 1);")
    assert not same_plural_forms("nplurals=2; plural=(n > 1);", "nplurals=2; plural=(n != 1);")
    assert not same_plural_forms("nplurals=2; plural=(n != 1);", "nplurals=1; plural=0;")
    assert not same_plural_forms("nplurals=2; plural=n ! 1;", "nplurals=2; plural=(n != 1);")
    assert same_language("zh-Hans", "zh_Hans") and not same_language("zh_CN", "zh_Hans")


# Real tools writing a real, extracted catalog -------------------------------------------------


def save_with_babel(path):
    """Babel's read_po/write_po, as pybabel and tools built on it save (drops X- headers)."""
    with path.open("rb") as stream:
        catalog = read_po(stream)
    for message in catalog:
        if message.id and message.context == "title":
            message.string = "Babel title"
    out = io.BytesIO()
    write_po(out, catalog, width=76)
    path.write_bytes(out.getvalue())


def save_with_polib(path):
    """polib's defaults: wrapping at 78 columns."""
    po = polib.pofile(str(path))
    po.find("title", by="msgctxt").msgstr = "polib title"
    po.save()


def save_with_translate_toolkit(path):
    """translate-toolkit's PO storage (pofilter, pot2po, Weblate's backend)."""
    store = tt_po.pofile.parsefile(str(path))
    for unit in store.units:
        if unit.getcontext() == "title":
            unit.target = "toolkit title"
    path.write_bytes(bytes(store))


def save_like_poedit(path):
    """Poedit's layout: wraps at 79 columns, its own headers first, CRLF on Windows."""
    po = polib.pofile(str(path), wrapwidth=79)
    po.find("title", by="msgctxt").msgstr = "Poedit title"
    po.metadata = {
        "X-Generator": "Poedit 3.4.4",
        "X-Poedit-SourceCharset": "UTF-8",
        "Last-Translator": "Translator <t@example.com>",
        **po.metadata,
    }
    path.write_bytes(str(po).replace("\n", "\r\n").encode("utf-8"))


SAVERS = {
    "babel": (save_with_babel, "Babel title"),
    "polib": (save_with_polib, "polib title"),
    "translate_toolkit": (save_with_translate_toolkit, "toolkit title"),
    "poedit": (save_like_poedit, "Poedit title"),
}


@pytest.mark.parametrize("tool", sorted(SAVERS))
def test_a_catalog_saved_by_a_tool_applies_and_re_extracts_to_the_project_layout(
    tool, article, linked, catalog_root
):
    extract_catalogs()
    path = en_catalog(catalog_root)
    translate_catalog(path)
    project_layout = path.read_bytes()
    save, title = SAVERS[tool]
    save(path)
    assert path.read_bytes() != project_layout
    # GNU gettext reads it too (the reference for "readable").
    subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=True)

    report = apply_catalogs()
    assert not report.failed, report.errors
    [result] = [r for r in report.results if r.slug == "rich" and r.language == "en"]
    assert result.published and result.translation.fields["title"] == title
    if tool == "babel":
        assert [w.code for w in report.warnings if w.file == str(path)] == ["identity_from_path"]

    extract_catalogs()
    rewritten = path.read_bytes()
    assert KEY_HEADER.encode() in rewritten and b"\r" not in rewritten
    expected = project_layout.replace("EN 실리프팅 안내".encode(), title.encode())
    assert rewritten.split(b"\n\n", 1)[1] == expected.split(b"\n\n", 1)[1]
