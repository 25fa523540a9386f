"""A line-by-line check of PO syntax, because the parsers forgive too much.

polib and Babel both accept an unterminated string (``msgid "abc`` with no closing quote) and
silently read something else than the translator wrote. GNU msgfmt rejects it; so do we, before
parsing, with the line number.
"""

from __future__ import annotations

import re

_KEYWORD = re.compile(r"(msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s*(.*)$")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_ESCAPE = re.compile(r"\\(?:[ntrabfv\\\"'?]|[0-7]{1,3}|x[0-9a-fA-F]+)")


def _check_string(text: str) -> str | None:
    """Return a problem with one quoted PO string (and nothing else) on a line, or None."""
    text = text.strip()
    if not text.startswith('"'):
        return f"expected a quoted string, found {text[:30]!r}"
    match = _STRING.match(text)
    if match is None:
        return "the string has no closing quote (a line break inside a string must be \\n)"
    if text[match.end() :].strip():
        return f"unexpected text after the closing quote: {text[match.end() :].strip()[:30]!r}"
    inner = match.group()[1:-1]
    index = 0
    while (index := inner.find("\\", index)) >= 0:
        escape = _ESCAPE.match(inner, index)
        if escape is None:
            return f"unknown escape sequence {inner[index : index + 2]!r}"
        index = escape.end()
    return None


def _check_code_line(line: str) -> str | None:
    stripped = line.strip()
    if stripped.startswith('"'):
        return _check_string(stripped)
    keyword = _KEYWORD.match(stripped)
    if keyword is None:
        return f"unexpected text {stripped[:40]!r} (not a comment, keyword or string)"
    return _check_string(keyword.group(2))


def syntax_problem(text: str) -> tuple[int, str] | None:
    """The first syntax problem in a PO file's text as ``(line, message)``, or None."""
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#~"):
            # Obsolete entries: "#~ msgid ...", "#~| msgid ...", or an obsolete comment.
            rest = stripped[2:].lstrip("|").strip()
            if rest.startswith(("msg", '"')):
                problem = _check_code_line(rest)
                if problem:
                    return number, problem
            continue
        if stripped.startswith("#|"):
            problem = _check_code_line(stripped[2:])
            if problem:
                return number, problem
            continue
        if stripped.startswith("#"):
            continue
        problem = _check_code_line(stripped)
        if problem:
            return number, problem
    return None
