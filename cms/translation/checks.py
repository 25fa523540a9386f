"""Quality checks of translated entries (``check_translations``, and apply before applying).

Errors stop a translation from being applied; warnings are shown to the translator and
applied anyway. The rules:

* ``markup_invalid`` (error): rich text that does not parse strictly (unclosed tags…);
* ``markup_mismatch`` (error): the translation's tags and ids differ from the source's
  (every ``<a id="a1">`` of the source exactly once, no new tags);
* ``unsafe_markup`` (error): script, style, iframe and similar tags, ``on…=`` event handlers,
  ``javascript:`` or ``vbscript:`` URLs — anywhere, plain text included;
* ``numbers_added`` (error): a number in the translation that the source does not have
  ("2 to 3 days" → "2~3일" is fine: digit sequences are compared as multisets);
* ``numbers_missing`` (warning): a source number absent from the translation (it may be
  written in words: "1년" → "a year");
* ``url_mismatch`` (error): the URLs written in the text differ;
* ``newline_mismatch`` (error): the source and the translation do not both start / end with a
  line break (GNU ``msgfmt -c`` rejects the whole file for this);
* ``whitespace_drift`` (warning): other leading or trailing whitespace differs;
* ``double_space`` (warning): doubled spaces the source does not have;
* ``control_character`` (error): a character that no reader should receive in text: C0
  controls other than tab and line feed (NUL, carriage return, escape…), DEL and the C1
  controls (U+007F-U+009F), bidirectional embeddings, overrides and isolates (U+202A-U+202E,
  U+2066-U+2069, which can make text display differently from what it says), and a byte order
  mark or non-characters inside the text. On either side: a source with one is reported for
  the editors to fix.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import polib

from cms.translation import catalog as files
from cms.translation.richtext import Element, MarkupError, Node, parse, text_content
from cms.translation.segments import CatalogError, Finding, Severity
from cms.translation.terminology import Glossary, inconsistencies, load_glossary
from cms.translation.toolkit import toolkit_problems

_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>")
_UNSAFE_TAG = re.compile(
    r"<\s*/?\s*(script|style|iframe|frame|frameset|object|embed|applet|form|input|button|link"
    r"|meta|base|svg|math|template)\b",
    re.IGNORECASE,
)
_EVENT_HANDLER = re.compile(r"<[^<>]*\son[a-z]+\s*=", re.IGNORECASE)
_SCRIPT_URL = re.compile(r"(javascript|vbscript)\s*:|data\s*:\s*text/html", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^<>]*>")
# Refused in any text (see the module docstring); tab and line feed are ordinary text.
UNSAFE_CHARACTERS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]"
)


def unsafe_characters(text: str) -> list[str]:
    """The unsafe characters of ``text`` as code points with names (``U+0000 NULL``)."""
    seen: dict[str, None] = {}
    for match in UNSAFE_CHARACTERS.finditer(text):
        char = match.group()
        name = unicodedata.name(char, "") or _CONTROL_NAMES.get(ord(char), "control character")
        seen.setdefault(f"U+{ord(char):04X} {name}", None)
    return list(seen)


_CONTROL_NAMES = {0: "NULL", 9: "TAB", 13: "CARRIAGE RETURN", 27: "ESCAPE", 127: "DELETE"}


def is_rich(context: str) -> bool:
    """Rich text units carry a paragraph number in their context (``…#3``)."""
    return "#" in context


def _tags(nodes: list[Node]) -> Counter[str]:
    found: Counter[str] = Counter()
    for node in nodes:
        if isinstance(node, Element):
            ident = dict(node.attrs).get("id")
            found[f'<{node.tag} id="{ident}">' if ident else f"<{node.tag}>"] += 1
            found.update(_tags(node.children))
    return found


def _numbers(text: str) -> Counter[str]:
    text = unicodedata.normalize("NFKC", text)
    return Counter(number.replace(",", "") for number in _NUMBER.findall(text))


def _urls(text: str) -> Counter[str]:
    return Counter(url.rstrip(".,;:!?)") for url in _URL.findall(text))


def _leading(text: str) -> str:
    return text[: len(text) - len(text.lstrip())]


def _trailing(text: str) -> str:
    return text[len(text.rstrip()) :]


def _describe(counter: Counter[str]) -> str:
    return ", ".join(sorted(counter.elements()))


def check_pair(source: str, translation: str, *, rich: bool) -> list[tuple[str, Severity, str]]:
    """Problems of one translation against its source as ``(code, severity, message)``."""
    problems: list[tuple[str, Severity, str]] = []
    error, warning = Severity.ERROR, Severity.WARNING
    for side, text in (("translation", translation), ("source", source)):
        if found := unsafe_characters(text):
            problems.append(
                (
                    "control_character",
                    error,
                    f"the {side} contains {', '.join(found)}; delete it"
                    + (" (ask the editors to fix the Korean text)" if side == "source" else ""),
                )
            )
    if _UNSAFE_TAG.search(translation) or _EVENT_HANDLER.search(translation):
        problems.append(("unsafe_markup", error, "unsafe markup (script, frame or event handler)"))
    if _SCRIPT_URL.search(translation) and not _SCRIPT_URL.search(source):
        problems.append(("unsafe_markup", error, "a javascript:, vbscript: or data: URL"))

    source_text, translated_text = source, translation
    if rich:
        try:
            translated_nodes = parse(translation, strict=True)
        except MarkupError as exc:
            problems.append(("markup_invalid", error, f"broken markup: {exc}"))
            translated_nodes = None
            # Compare what a reader would see, not the ids of the broken tags ("a1").
            translated_text = _ANY_TAG.sub("", translation)
        source_nodes = parse(source)
        source_text = text_content(source_nodes)
        if translated_nodes is not None:
            translated_text = text_content(translated_nodes)
            expected, found = _tags(source_nodes), _tags(translated_nodes)
            if expected != found:
                parts = []
                if expected - found:
                    parts.append(f"missing {_describe(expected - found)}")
                if found - expected:
                    parts.append(f"not in the source {_describe(found - expected)}")
                problems.append(("markup_mismatch", error, "tags differ: " + "; ".join(parts)))
    else:
        extra = Counter(_TAG.findall(translation)) - Counter(_TAG.findall(source))
        if extra:
            problems.append(("markup_mismatch", error, f"tags in plain text: {_describe(extra)}"))

    source_numbers, translated_numbers = _numbers(source_text), _numbers(translated_text)
    if translated_numbers - source_numbers:
        added = _describe(translated_numbers - source_numbers)
        problems.append(("numbers_added", error, f"numbers not in the source: {added}"))
    if source_numbers - translated_numbers:
        missing = _describe(source_numbers - translated_numbers)
        problems.append(
            ("numbers_missing", warning, f"source numbers not in the translation: {missing}")
        )
    if _urls(source_text) != _urls(translated_text):
        problems.append(("url_mismatch", error, "the URLs differ from the source's"))

    for side, source_edge, translated_edge in (
        ("start", _leading(source), _leading(translation)),
        ("end", _trailing(source), _trailing(translation)),
    ):
        if ("\n" in source_edge) != ("\n" in translated_edge):
            problems.append(
                ("newline_mismatch", error, f"a line break at the {side} of one text only")
            )
        elif source_edge != translated_edge:
            problems.append(
                ("whitespace_drift", warning, f"whitespace at the {side} differs from the source")
            )
    if translation.count("  ") > source.count("  "):
        problems.append(("double_space", warning, "doubled spaces"))
    return problems


def check_entry(
    entry: polib.POEntry,
    file: str,
    *,
    language: str | None = None,
    glossary: Glossary | None = None,
) -> list[Finding]:
    """Findings for one translated, non-fuzzy entry (nothing for empty or fuzzy ones).

    With ``language``, translate-toolkit's checks that fit Korean sources run too (as
    warnings, named ``pofilter_<check>``); with ``glossary``, its terms are checked.
    """
    if not entry.msgstr or entry.fuzzy or entry.obsolete or not entry.msgctxt:
        return []
    rich = is_rich(entry.msgctxt)
    problems = check_pair(entry.msgid, entry.msgstr, rich=rich)
    if glossary is not None:
        problems += glossary.problems(entry.msgid, entry.msgstr, rich=rich)
    if language is not None:
        keep = glossary.keep_as_is if glossary is not None else ()
        problems += [
            (f"pofilter_{name}", Severity.WARNING, message)
            for name, message in toolkit_problems(
                entry.msgid, entry.msgstr, language, keep_as_is=keep
            )
        ]
    return [
        Finding(file, entry.linenum, code, severity, message, entry.msgctxt)
        for code, severity, message in problems
    ]


def is_optional(comment: str) -> bool:
    """Extraction ends the description (first ``#.`` line) of an optional text so."""
    first = (comment or "").split("\n", 1)[0]
    return first.rstrip().endswith("(optional)")


def completeness(found: files.Catalog, template: polib.POFile | None) -> list[Finding]:
    """Required texts that are empty or fuzzy: the article cannot be published in this language.

    Whether a text is required comes from the template's description when there is one (a
    translator cannot edit it), else from the catalog's. A catalog with nothing translated is
    one finding (``not_started``), not one per entry.
    """
    descriptions = (
        {entry.msgctxt: entry.comment for entry in template if entry.msgctxt} if template else {}
    )
    entries = found.active()
    path = str(found.path)
    if entries and not any(entry.msgstr and not entry.fuzzy for entry in entries):
        required = sum(
            1
            for entry in entries
            if not is_optional(descriptions.get(entry.msgctxt, entry.comment))
        )
        return [
            Finding(
                path,
                1,
                "not_started",
                Severity.INCOMPLETE,
                f"nothing translated yet ({len(entries)} texts, {required} of them required)",
            )
        ]
    findings = []
    for entry in entries:
        if is_optional(descriptions.get(entry.msgctxt, entry.comment)):
            continue
        if not entry.msgstr or entry.fuzzy:
            state = "fuzzy (to be reviewed)" if entry.msgstr else "empty"
            findings.append(
                Finding(
                    path,
                    entry.linenum,
                    "untranslated_required",
                    Severity.INCOMPLETE,
                    f"required text is {state}: the article is not published in this language",
                    entry.msgctxt,
                )
            )
    return findings


def _template_of(root: Path, found: files.Catalog) -> polib.POFile | None:
    path = files.template_path(root, found.path.stem)
    try:
        return files.parse_po_file(path)[0] if path.exists() else None
    except CatalogError:
        return None


def check_catalogs(
    root: Path | None = None,
    *,
    language: str | None = None,
    keys_by_slug: dict[str, str] | None = None,
) -> list[Finding]:
    """Every finding of every target-language catalog under ``root``.

    Per entry: our checks, translate-toolkit's, the glossary's; per catalog: required texts
    still empty or fuzzy (severity ``incomplete``); per language: the same Korean text
    translated differently. ``keys_by_slug`` names catalogs whose key header was dropped.
    """
    root = root or files.catalog_dir()
    findings: list[Finding] = []
    for code in files.target_languages(language):
        glossary, glossary_errors = load_glossary(root, code)
        findings.extend(glossary_errors)
        readable = []
        for path in files.catalog_paths(root, code):
            try:
                found = files.read_catalog(path, language=code, keys_by_slug=keys_by_slug)
            except CatalogError as error:
                findings.append(error.as_finding())
                continue
            readable.append(found)
            findings.extend(found.warnings)
            for entry in found.active():
                findings.extend(check_entry(entry, str(path), language=code, glossary=glossary))
            findings.extend(completeness(found, _template_of(root, found)))
        findings.extend(inconsistencies(readable))
    return findings
