"""Re-extraction with ``msgmerge --previous`` semantics, plus translation memory.

For every current source string, in this order:

1. same context, same source text (also from an obsolete entry): the translation is kept as
   it is, fuzzy or not;
2. same rich text field, same source text under another paragraph number (a paragraph was
   inserted or removed above it): the translation moves with its paragraph;
3. same context, changed source text: the old translation is kept, marked ``fuzzy``, and the
   old source is recorded as ``#| msgid`` so the translator sees what changed (unless the old
   text merely moved to another paragraph number, rule 2);
4. exactly this source text translated (not fuzzy) anywhere in the same language: offered as
   ``fuzzy``, so a human confirms it before it is published (translation memory);
5. otherwise the entry is empty.

Translator comments (``# …``) stay with their context. Entries whose context is gone become
obsolete (``#~``) if they carry a translation, so a block that comes back gets it back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import polib

from cms.translation.catalog import Catalog
from cms.translation.paths import field_of
from cms.translation.segments import Segment, SourceArticle

FUZZY = "fuzzy"
_PLACEHOLDER_HINT = (
    'Keep each tag with an id (<a id="a1">…</a>) and its id; move it where it belongs in '
    "your sentence."
)


@dataclass
class TranslationMemory:
    """Confirmed translations of one language, by exact source text."""

    by_source: dict[str, str]

    @classmethod
    def from_catalogs(cls, catalogs: Iterable[Catalog]) -> TranslationMemory:
        """Collect non-fuzzy translations; on conflicts the first catalog (by name) wins."""
        by_source: dict[str, str] = {}
        ordered = sorted(catalogs, key=lambda catalog: catalog.path.name)
        for catalog in ordered:
            for entry in catalog.po:
                if entry.msgstr and not entry.fuzzy and not entry.obsolete and entry.msgctxt:
                    by_source.setdefault(entry.msgid, entry.msgstr)
        for catalog in ordered:
            for entry in catalog.po.obsolete_entries():
                if entry.msgstr and not entry.fuzzy:
                    by_source.setdefault(entry.msgid, entry.msgstr)
        return cls(by_source)

    def suggest(self, source: str) -> str | None:
        return self.by_source.get(source)


def _comment(segment: Segment) -> str:
    lines = [segment.description]
    if ' id="' in segment.source:
        lines.append(_PLACEHOLDER_HINT)
    return "\n".join(lines)


def template_entry(segment: Segment, reference: str) -> polib.POEntry:
    """The ``.pot`` entry of a segment: context, source, comment and admin reference."""
    return polib.POEntry(
        msgctxt=segment.context,
        msgid=segment.source,
        msgstr="",
        comment=_comment(segment),
        occurrences=[(reference, "")],
    )


def template_entries(
    source: SourceArticle, reference: Callable[[Segment], str]
) -> list[polib.POEntry]:
    """The entries of an article's template, in reading order."""
    return [template_entry(segment, reference(segment)) for segment in source.segments]


def _flags_without_fuzzy(entry: polib.POEntry) -> list[str]:
    return [flag for flag in entry.flags if flag != FUZZY]


def merge_entries(
    source: SourceArticle,
    old: Catalog | None,
    memory: TranslationMemory,
    reference: Callable[[Segment], str],
) -> tuple[list[polib.POEntry], list[polib.POEntry]]:
    """The active and obsolete entries of an article's catalog after re-extraction."""
    old_active = old.by_context() if old else {}
    old_obsolete = (
        {entry.msgctxt: entry for entry in old.po.obsolete_entries() if entry.msgctxt}
        if old
        else {}
    )
    # Rich text paragraphs by (field, source text), for paragraphs that moved number.
    by_field_text: dict[tuple[str, str], polib.POEntry] = {}
    for entry in [*old_active.values(), *old_obsolete.values()]:
        if "#" in entry.msgctxt and entry.msgstr:
            by_field_text.setdefault((field_of(entry.msgctxt), entry.msgid), entry)

    # Old paragraphs that still exist in their field (under another number): their translation
    # went with them and must not also be offered, fuzzy, to whatever took their number.
    still_there = {(segment.field, segment.source) for segment in source.segments}

    active = []
    for segment in source.segments:
        entry = template_entry(segment, reference(segment))
        previous = old_active.get(segment.context) or old_obsolete.get(segment.context)
        if previous is not None:
            entry.tcomment = previous.tcomment
        moved = by_field_text.get((segment.field, segment.source))
        if previous is not None and previous.msgid == segment.source:
            _carry(entry, previous)
        elif moved is not None and "#" in segment.context:
            _carry(entry, moved)
        elif (
            previous is not None
            and previous.msgstr
            and (field_of(previous.msgctxt), previous.msgid) not in still_there
        ):
            entry.msgstr = previous.msgstr
            entry.flags = [*_flags_without_fuzzy(previous), FUZZY]
            # A fuzzy translation was made for its *previous* source, not for the last one.
            entry.previous_msgid = (
                previous.previous_msgid
                if previous.fuzzy and previous.previous_msgid
                else previous.msgid
            )
        elif suggestion := memory.suggest(segment.source):
            entry.msgstr = suggestion
            entry.flags = [FUZZY]
        active.append(entry)

    current = {segment.context for segment in source.segments}
    obsolete = [
        _as_obsolete(entry) for entry in old_obsolete.values() if entry.msgctxt not in current
    ]
    obsolete += [
        _as_obsolete(entry)
        for entry in old_active.values()
        if entry.msgctxt not in current and entry.msgstr
    ]
    return active, obsolete


def _carry(entry: polib.POEntry, previous: polib.POEntry) -> None:
    entry.msgstr = previous.msgstr
    entry.flags = list(previous.flags)
    if previous.fuzzy:
        entry.previous_msgid = previous.previous_msgid


def _as_obsolete(entry: polib.POEntry) -> polib.POEntry:
    return polib.POEntry(
        msgctxt=entry.msgctxt,
        msgid=entry.msgid,
        msgstr=entry.msgstr,
        tcomment=entry.tcomment,
        flags=[FUZZY] if entry.fuzzy else [],
        obsolete=True,
    )
