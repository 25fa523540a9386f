"""Terminology: a glossary per language, and consistency across articles.

The glossary is a catalog like the articles' (translators edit it in the same tools):
``locale/templates/glossary.pot`` lists the Korean terms with a note on each, and
``locale/<lang>/LC_MESSAGES/glossary.po`` gives their translation in that language.

* ``msgstr`` is the required translation; several accepted forms are separated by ``|``
  (``thread lifting|thread lift``). A term whose translation is the term itself (``PDO``) must
  stay exactly as it is, which translate-toolkit's ``notranslatewords`` check enforces.
* Empty and fuzzy glossary entries are not checked yet. The flag ``#, strict`` makes a
  deviation an error (kept from publishing) instead of a warning.
* A translated article entry whose Korean text contains a term must contain one of its
  translations (case-insensitive): ``glossary_term``.

Consistency: the same Korean text confirmed with different translations in different entries
of a language's catalogs is reported on every entry that differs from the first one (by file
and line): ``inconsistent_translation``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polib

from cms.translation import catalog as files
from cms.translation.richtext import parse, text_content
from cms.translation.segments import CatalogError, Finding, Severity

STRICT_FLAG = "strict"
ALTERNATIVES = "|"


def glossary_template_path(root: Path) -> Path:
    """The glossary's template (Korean terms and notes)."""
    return root / "templates" / "glossary.pot"


def glossary_path(root: Path, language: str) -> Path:
    """The glossary of one target language."""
    return root / files.gettext_language(language) / "LC_MESSAGES" / "glossary.po"


@dataclass(frozen=True)
class Term:
    """A Korean term and the translations accepted for it."""

    source: str
    translations: tuple[str, ...]
    line: int
    strict: bool = False

    @property
    def keep_as_is(self) -> bool:
        """The term is written the same in every language (an abbreviation such as PDO)."""
        return self.translations == (self.source,)


@dataclass
class Glossary:
    """The usable terms of one language's glossary."""

    path: Path | None = None
    terms: list[Term] = field(default_factory=list)

    @property
    def keep_as_is(self) -> tuple[str, ...]:
        return tuple(term.source for term in self.terms if term.keep_as_is)

    def problems(
        self, source: str, translation: str, *, rich: bool
    ) -> list[tuple[str, Severity, str]]:
        """Terms of ``source`` whose translation ``translation`` does not use."""
        if rich:
            source, translation = text_content(parse(source)), text_content(parse(translation))
        folded = translation.casefold()
        found = []
        for term in self.terms:
            if term.keep_as_is or term.source not in source:
                continue
            if any(option.casefold() in folded for option in term.translations):
                continue
            wanted = " or ".join(f"“{option}”" for option in term.translations)
            found.append(
                (
                    "glossary_term",
                    Severity.ERROR if term.strict else Severity.WARNING,
                    f"“{term.source}” is translated as {wanted} in the glossary "
                    f"({files.display_path(self.path)}:{term.line})",
                )
            )
        return found


def read_glossary(path: Path) -> Glossary:
    """Read a glossary (liberally, like any catalog); a missing file is an empty glossary.

    Raises ``CatalogError`` with file and line when it cannot be read.
    """
    if not path.exists():
        return Glossary(path)
    po, _text, _data, _notes = files.parse_po_file(path)
    terms = []
    for entry in po:
        if entry.obsolete or not entry.msgid or not entry.msgstr or entry.fuzzy:
            continue
        options = tuple(
            option.strip() for option in entry.msgstr.split(ALTERNATIVES) if option.strip()
        )
        if options:
            terms.append(Term(entry.msgid, options, entry.linenum, STRICT_FLAG in entry.flags))
    return Glossary(path, terms)


def load_glossary(root: Path, language: str) -> tuple[Glossary, list[Finding]]:
    """The glossary of ``language``, or an empty one and the error that kept it out."""
    path = glossary_path(root, language)
    try:
        return read_glossary(path), []
    except CatalogError as error:
        return Glossary(path), [error.as_finding()]


def inconsistencies(catalogs: Iterable[files.Catalog]) -> list[Finding]:
    """Entries whose Korean text is confirmed elsewhere with another translation."""
    seen: dict[str, tuple[str, str, int]] = {}
    found = []
    for catalog in sorted(catalogs, key=lambda found: found.path):
        for entry in catalog.active():
            if not entry.msgstr or entry.fuzzy:
                continue
            translation = " ".join(entry.msgstr.split())
            first = seen.setdefault(entry.msgid, (translation, str(catalog.path), entry.linenum))
            if first[0] != translation:
                found.append(
                    Finding(
                        str(catalog.path),
                        entry.linenum,
                        "inconsistent_translation",
                        Severity.WARNING,
                        f"the same Korean text is translated “{first[0]}” at "
                        f"{files.display_path(first[1])}:{first[2]}",
                        entry.msgctxt,
                    )
                )
    return found


def sync_glossary(root: Path, language: str) -> Path | None:
    """Bring ``language``'s glossary in line with the template, keeping every translation.

    Entries follow the template's order; translations, flags and translator comments are kept
    by (context, term); terms gone from the template become obsolete. Writes nothing when
    there is no template or nothing changed. Raises ``CatalogError`` if the glossary cannot be
    read (it is then left alone).
    """
    template = glossary_template_path(root)
    if not template.exists():
        return None
    source, _text, _data, _notes = files.parse_po_file(template)
    path = glossary_path(root, language)
    old = files.parse_po_file(path)[0] if path.exists() else polib.POFile()
    by_key = {(entry.msgctxt, entry.msgid): entry for entry in old if entry.msgid}
    po = polib.POFile(wrapwidth=files.WRAP_WIDTH)
    po.header = (
        f"{files.language_name(language)} glossary of the clinic's articles.\n"
        "How to edit it: docs/translators.md (Glossary)."
    )
    po.metadata = {
        "Project-Id-Version": source.metadata.get("Project-Id-Version", "glossary"),
        "PO-Revision-Date": old.metadata.get("PO-Revision-Date") or files.gettext_date(),
        "Last-Translator": old.metadata.get("Last-Translator", ""),
        "Language-Team": old.metadata.get("Language-Team") or files.language_name(language),
        "Language": files.gettext_language(language),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": files.plural_forms(language),
    }
    used = set()
    for term in source:
        entry = polib.POEntry(
            msgctxt=term.msgctxt, msgid=term.msgid, msgstr="", comment=term.comment
        )
        previous = by_key.get((term.msgctxt, term.msgid))
        if previous is not None:
            used.add(id(previous))
            entry.msgstr, entry.flags = previous.msgstr, list(previous.flags)
            entry.tcomment = previous.tcomment
        po.append(entry)
    for entry in old:
        if entry.msgid and id(entry) not in used and entry.msgstr and not entry.obsolete:
            po.append(
                polib.POEntry(
                    msgctxt=entry.msgctxt,
                    msgid=entry.msgid,
                    msgstr=entry.msgstr,
                    tcomment=entry.tcomment,
                    obsolete=True,
                )
            )
    entries = "\n".join(entry.__unicode__(files.WRAP_WIDTH) for entry in po)
    if entries != "\n".join(entry.__unicode__(files.WRAP_WIDTH) for entry in old):
        po.metadata["PO-Revision-Date"] = files.gettext_date()
    text = files.render(po)
    if path.exists() and path.read_bytes() == text.encode("utf-8"):
        return None
    files.write_atomic(path, text)
    return path
