"""Quality checks of translations (no database): what is an error, what is a warning."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cms.translation.checks import check_catalogs, check_pair
from tests.translation.test_catalog import VALID, write


def codes(source, translation, *, rich=True):
    return {
        (code, str(severity)) for code, severity, _ in check_pair(source, translation, rich=rich)
    }


def test_a_faithful_translation_passes():
    source = '회복에는 <a id="a1">2~3일</a>이 걸립니다. https://example.com/a 참고.'
    assert (
        codes(source, 'Recovery takes <a id="a1">2 to 3 days</a>. See https://example.com/a.')
        == set()
    )


def test_numbers_the_source_does_not_have_are_errors_missing_ones_warnings():
    assert codes("12개월", "21 months") == {
        ("numbers_added", "error"),
        ("numbers_missing", "warning"),
    }
    assert codes("1년 이내", "within a year") == {("numbers_missing", "warning")}
    assert codes("\N{FULLWIDTH DIGIT ONE},000명", "1000 people") == set()


@pytest.mark.parametrize(
    "translation",
    ['<a id="a2">x</a>', '<a id="a1">x</a> <b>y</b>', "no link at all"],
)
def test_tags_and_link_ids_must_match_the_source(translation):
    assert ("markup_mismatch", "error") in codes('<a id="a1">x</a>', translation)


def test_broken_markup_is_an_error():
    assert ("markup_invalid", "error") in codes("<b>x</b>", "<b>x")


def test_tags_in_plain_text_are_an_error():
    assert ("markup_mismatch", "error") in codes("제목", "<b>Title</b>", rich=False)


@pytest.mark.parametrize(
    "translation",
    [
        "<script>alert(1)</script>",
        '<a id="a1" onclick="steal()">x</a>',
        '<img src=x onerror="steal()">',
        "see javascript:alert(1)",
        "<iframe src='https://evil.example'></iframe>",
    ],
)
def test_unsafe_markup_is_an_error_even_in_plain_text(translation):
    assert ("unsafe_markup", "error") in codes('<a id="a1">x</a>', translation)
    assert ("unsafe_markup", "error") in codes("x", translation, rich=False)


def test_urls_must_match():
    assert ("url_mismatch", "error") in codes("https://a.example/x", "https://b.example/x")


def test_whitespace_drift_and_doubled_spaces_are_warnings_line_breaks_errors():
    assert codes("문장", " Sentence") == {("whitespace_drift", "warning")}
    assert codes("문장", "Two  spaces") == {("double_space", "warning")}
    assert codes("문장\n", "Sentence", rich=False) == {("newline_mismatch", "error")}


@pytest.fixture
def catalogs(tmp_path, settings, db):
    settings.TRANSLATION_CATALOG_DIR = tmp_path
    bad = VALID.replace('msgstr "Summary"', 'msgstr "Summary  <script>x</script>"')
    return write(tmp_path, bad)


def test_findings_name_file_line_and_context(catalogs):
    findings = check_catalogs()
    assert {(f.file, f.line, f.msgctxt, f.code) for f in findings} == {
        (str(catalogs), 19, "summary", "unsafe_markup"),
        (str(catalogs), 19, "summary", "markup_mismatch"),
        (str(catalogs), 19, "summary", "double_space"),
    }


def test_command_prints_json_and_fails_on_errors(catalogs):
    out = StringIO()
    with pytest.raises(CommandError, match="error"):
        call_command("check_translations", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert {tuple(sorted(item)) for item in data} == {
        ("code", "file", "line", "message", "msgctxt", "severity")
    }
    assert {item["severity"] for item in data} == {"error", "warning"}


def test_command_passes_with_warnings_only(catalogs):
    catalogs.write_text(VALID.replace('msgstr "Summary"', 'msgstr " Summary"'), encoding="utf-8")
    out = StringIO()
    call_command("check_translations", stdout=out)
    assert "whitespace_drift" in out.getvalue() and "No errors" in out.getvalue()


def test_an_unreadable_catalog_is_an_error_finding(catalogs):
    catalogs.write_bytes(VALID.replace("\n", "\r", 1).encode())
    [finding] = check_catalogs()
    assert (finding.line, finding.severity) == (1, "error")
