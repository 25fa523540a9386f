"""Catalog files: where they live, their headers, strict reading and atomic writing.

Layout (DESIGN.md §2): ``<catalog dir>/templates/articles/<slug>.pot`` and
``<catalog dir>/<lang>/LC_MESSAGES/articles/<slug>.po``. The header ``X-Translation-Key`` is a
catalog's identity; the file name only follows the article's current slug.
"""

from __future__ import annotations

import codecs
import gettext
import os
import re
import tempfile
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polib
from babel import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural
from django.conf import settings
from django.utils import timezone
from django.utils.translation import to_locale

from cms.translation.segments import CatalogError, Finding, Severity
from cms.translation.syntax import syntax_problem

# No wrapping: one line per string keeps contexts greppable and makes a changed paragraph a
# one-line diff. (polib wraps at hyphens, which splits the uuids of contexts.)
WRAP_WIDTH = 0
KEY_HEADER = "X-Translation-Key"
SOURCE_LANGUAGE_HEADER = "X-Source-Language"
SOURCE_REVISION_HEADER = "X-Source-Revision"
_CHARSET = re.compile(r"charset\s*=\s*([-\w]+)", re.IGNORECASE)
_HEADER_LINE = re.compile(r'^"([A-Za-z][-A-Za-z0-9]*):')


def catalog_dir() -> Path:
    """The root of the catalogs (``settings.TRANSLATION_CATALOG_DIR``)."""
    return Path(settings.TRANSLATION_CATALOG_DIR)


def source_language() -> str:
    """The language the articles are written in (``ko``)."""
    return settings.TRANSLATION_SOURCE_LOCALE


def target_languages(only: str | None = None) -> list[str]:
    """The content languages translated into (every content language but the source one).

    ``only`` narrows the list to one language and raises ``ValueError`` if it is not a target.
    """
    languages = [
        code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES if code != source_language()
    ]
    if only is None:
        return languages
    if only not in languages:
        raise ValueError(f"{only!r} is not a target language; choose from {', '.join(languages)}")
    return [only]


def gettext_language(code: str) -> str:
    """The gettext name of a language code (``en`` → ``en``, ``pt-br`` → ``pt_BR``)."""
    return to_locale(code)


def template_path(root: Path, slug: str) -> Path:
    """Where the template (``.pot``) of an article lives."""
    return root / "templates" / "articles" / f"{slug}.pot"


def catalog_path(root: Path, language: str, slug: str) -> Path:
    """Where the ``language`` catalog (``.po``) of an article lives."""
    return root / gettext_language(language) / "LC_MESSAGES" / "articles" / f"{slug}.po"


def catalog_paths(root: Path, language: str) -> list[Path]:
    """Every ``.po`` of one language, sorted by name."""
    return sorted((root / gettext_language(language) / "LC_MESSAGES" / "articles").glob("*.po"))


def template_paths(root: Path) -> list[Path]:
    """Every ``.pot``, sorted by name."""
    return sorted((root / "templates" / "articles").glob("*.pot"))


def plural_forms(language: str) -> str:
    """The gettext Plural-Forms header for a language, from Babel's CLDR data."""
    return str(get_plural(gettext_language(language)))


def language_name(language: str) -> str:
    """The English name of a language (``en`` → ``English``), for the Language-Team header."""
    try:
        return Locale.parse(gettext_language(language)).english_name or language
    except (UnknownLocaleError, ValueError):
        return language


def gettext_date(moment: datetime | None = None) -> str:
    """A date in gettext's header format (``2025-01-31 14:05+0900``), in the project time zone."""
    return timezone.localtime(moment or timezone.now()).strftime("%Y-%m-%d %H:%M%z")


_PLURAL_FORMS = re.compile(
    r"^\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*([^;]+?)\s*;?\s*$", re.IGNORECASE
)
# Enough numbers to tell CLDR's rules apart (they look at n % 10, n % 100 and n up to 1000).
_PLURAL_PROBES = (*range(0, 1001), 1001, 1011, 1100, 10**6, 10**6 + 1)


def plural_rule(value: str) -> tuple[int, Callable[[int], int]] | None:
    """``nplurals`` and the plural function of a Plural-Forms value, or None if unreadable."""
    match = _PLURAL_FORMS.match(value)
    if match is None:
        return None
    try:
        function = gettext.c2py(match.group(2))
    except (ValueError, SyntaxError, RecursionError):
        return None
    return int(match.group(1)), function


def same_plural_forms(found: str, expected: str) -> bool:
    """Both values choose the same form for every number (``n != 1`` is ``(n != 1)``)."""
    ours, theirs = plural_rule(found), plural_rule(expected)
    if ours is None or theirs is None:
        return False
    try:
        return ours[0] == theirs[0] and all(ours[1](n) == theirs[1](n) for n in _PLURAL_PROBES)
    except (ArithmeticError, ValueError):
        return False


def same_language(found: str, expected: str) -> bool:
    """``zh_Hans``, ``zh-hans`` and ``zh_HANS`` name the same language; ``zh_CN`` does not."""
    return found.strip().replace("-", "_").lower() == expected.replace("-", "_").lower()


@dataclass
class Catalog:
    """A catalog read from disk, checked, with the line of every header field.

    ``key`` is the article's translation key: from the ``X-Translation-Key`` header, or, when
    an editor dropped the header, from the file's name (with a warning in ``warnings``).
    """

    path: Path
    po: polib.POFile
    header_lines: dict[str, int] = field(default_factory=dict)
    warnings: list[Finding] = field(default_factory=list)
    key: str = ""
    raw: bytes = b""

    @property
    def translation_key(self) -> str:
        return self.key or self.po.metadata.get(KEY_HEADER, "").strip()

    @property
    def language(self) -> str:
        return self.po.metadata.get("Language", "").strip()

    def active(self) -> list[polib.POEntry]:
        """The entries that are not obsolete and name a content path."""
        return [entry for entry in self.po if not entry.obsolete and entry.msgctxt]

    def by_context(self) -> dict[str, polib.POEntry]:
        return {entry.msgctxt: entry for entry in self.active()}

    def header_line(self, name: str) -> int:
        return self.header_lines.get(name, 1)

    def warn(self, line: int, code: str, message: str, context: str = "") -> None:
        self.warnings.append(
            Finding(str(self.path), line, code, Severity.WARNING, message, context)
        )


def _header_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    seen_header = False
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith('msgid ""'):
            seen_header = True
        elif seen_header and not line.strip():
            break
        match = _HEADER_LINE.match(line)
        if seen_header and match:
            lines.setdefault(match.group(1), number)
    return lines


def _decode(path: Path, data: bytes) -> tuple[str, list[tuple[int, str, str]]]:
    """The text of a catalog file, and notes on what had to be normalised.

    Accepted and normalised: a UTF-8 byte order mark, CRLF line endings, a charset other than
    UTF-8 that Python knows (converted; the next extraction writes UTF-8), a missing charset
    when the bytes are UTF-8. Refused: bytes that are not in the declared charset, an unknown
    charset, a bare carriage return (an editor that would split lines differently from
    gettext).
    """
    notes: list[tuple[int, str, str]] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    data = data.replace(b"\r\n", b"\n")
    if b"\r" in data:
        line = data[: data.index(b"\r")].count(b"\n") + 1
        raise CatalogError(
            path, line, "a carriage return (CR) without a line feed; save with LF or CRLF endings"
        )
    loose = data.decode("utf-8", errors="replace")
    header_lines = _header_lines(loose)
    charset_line = header_lines.get("Content-Type", 1)
    match = _CHARSET.search(loose.split("\n")[charset_line - 1]) if header_lines else None
    declared = match.group(1) if match else "UTF-8"
    if match is None:
        notes.append((charset_line, "charset_missing", "no charset in Content-Type; read as UTF-8"))
    try:
        codec = codecs.lookup(declared).name
    except LookupError as exc:
        raise CatalogError(
            path, charset_line, f"unknown charset {declared!r} in Content-Type; save as UTF-8"
        ) from exc
    if codec != "utf-8" and not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            # Bytes that read as UTF-8 are UTF-8: decoding them as ISO-8859-1 would succeed
            # and turn every Korean letter into garbage without a single error.
            raise CatalogError(
                path,
                charset_line,
                f"Content-Type declares charset={declared} but the file is UTF-8; "
                "set charset=UTF-8 in the header",
            )
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogError(path, line, f"the file is not valid {declared}") from exc
    if codec != "utf-8":
        notes.append(
            (charset_line, "charset_converted", f"read as {declared}; extraction rewrites UTF-8")
        )
    return text, notes


def parse_po_file(path: Path) -> tuple[polib.POFile, str, bytes, list[tuple[int, str, str]]]:
    """Any PO file read liberally: the parsed file, its text, its bytes and normalisation notes
    as ``(line, code, message)``. Raises ``CatalogError`` for what cannot be read."""
    data = path.read_bytes()
    text, notes = _decode(path, data)
    problem = syntax_problem(text)
    if problem:
        raise CatalogError(path, problem[0], f"PO syntax error: {problem[1]}")
    try:
        po = polib.pofile(text, wrapwidth=WRAP_WIDTH)
    except (OSError, ValueError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise CatalogError(
            path, int(line.group(1)) if line else 1, f"PO syntax error: {exc}"
        ) from exc
    return po, text, data, notes


def read_catalog(
    path: Path,
    *,
    language: str | None = None,
    keys_by_slug: Mapping[str, str] | None = None,
) -> Catalog:
    """Read a catalog liberally; raise ``CatalogError`` (file and line) for what is unusable.

    Accepted (what msgfmt, polib and Babel read): a byte order mark, CRLF line endings, any
    charset Python knows, lines wrapped anywhere, header fields in any order, a Plural-Forms
    equivalent to CLDR's for ``language``, a missing Language or Plural-Forms (the folder
    names the language), a missing ``X-Translation-Key`` when ``keys_by_slug`` knows the file's
    name (the identity then comes from the path, with a warning).
    Refused: bytes not in the declared charset, PO syntax errors, a malformed translation
    key, a Language or Plural-Forms that contradicts the folder's, a context used twice.
    Entries without a context and plural entries are kept out with a warning.
    """
    po, text, data, notes = parse_po_file(path)
    catalog = Catalog(path, po, _header_lines(text), raw=data)
    for line, code, message in notes:
        catalog.warn(line, code, message)
    _check_headers(catalog, language, keys_by_slug)
    _check_entries(catalog)
    return catalog


def _check_headers(
    catalog: Catalog, language: str | None, keys_by_slug: Mapping[str, str] | None
) -> None:
    path, metadata = catalog.path, catalog.po.metadata
    key = metadata.get(KEY_HEADER, "").strip()
    if not key and keys_by_slug and path.stem in keys_by_slug:
        catalog.key = keys_by_slug[path.stem]
        catalog.warn(
            1,
            "identity_from_path",
            f"the header {KEY_HEADER} is missing (a tool dropped it); the article was found by "
            f"the file name {path.stem!r}. The next extraction writes the header back",
        )
    else:
        try:
            catalog.key = str(uuid.UUID(key))
        except ValueError as exc:
            what = "not a UUID" if key else "missing and the file name names no article"
            raise CatalogError(
                path,
                catalog.header_line(KEY_HEADER),
                f"the header {KEY_HEADER} is {what} ({key!r}); it names the article this "
                "catalog translates: restore it from the .pot",
            ) from exc
    if language is None:
        return
    expected = gettext_language(language)
    if not catalog.language:
        catalog.warn(1, "header_missing", f"no Language header; read as {expected} (its folder)")
    elif not same_language(catalog.language, expected):
        raise CatalogError(
            path,
            catalog.header_line("Language"),
            f"the header Language is {catalog.language!r} but this is the {expected!r} folder",
        )
    plural = metadata.get("Plural-Forms", "")
    if not plural.strip():
        catalog.warn(1, "header_missing", "no Plural-Forms header; articles use no plurals")
    elif not same_plural_forms(plural, plural_forms(language)):
        raise CatalogError(
            path,
            catalog.header_line("Plural-Forms"),
            f"wrong Plural-Forms {plural!r}; for {expected} it is {plural_forms(language)!r} "
            "(or any rule that gives the same form for every number)",
            code="plural_forms",
        )


def _check_entries(catalog: Catalog) -> None:
    first_line: dict[str, int] = {}
    path = catalog.path
    for entry in catalog.po:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            catalog.warnings.append(
                Finding(
                    str(path),
                    entry.linenum,
                    "plural_ignored",
                    Severity.WARNING,
                    "plural entries are not used by articles; this one is ignored",
                    entry.msgctxt or "",
                )
            )
            continue
        if not entry.msgctxt:
            catalog.warnings.append(
                Finding(
                    str(path),
                    entry.linenum,
                    "no_context",
                    Severity.WARNING,
                    "the entry has no msgctxt, so it names no content; it is ignored",
                )
            )
            continue
        if entry.msgctxt in first_line:
            raise CatalogError(
                path,
                entry.linenum,
                f"msgctxt {entry.msgctxt!r} appears twice (first at line "
                f"{first_line[entry.msgctxt]}); each content path is translated once",
                code="duplicate_context",
            )
        first_line[entry.msgctxt] = entry.linenum


def render(po: polib.POFile) -> str:
    """The text of a catalog, as written to disk: polib's format, one final newline."""
    return str(po).rstrip("\n") + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def display_path(path: Path | str) -> str:
    """A path as people want to read it: relative to the project when it is inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)
