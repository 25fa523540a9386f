"""Re-extraction with ``msgmerge --previous`` semantics, plus translation memory.

For every current source string, in this order:

1. same context, same source text (also from an obsolete entry): the translation is kept as
   it is, fuzzy or not;
2. same rich text field, same source text under another paragraph number (a paragraph was
   inserted or removed above it): the translation moves with its paragraph, confirmed
   (msgmerge would offer it as fuzzy);
3. the most similar translated entry of the article's previous catalog (active or obsolete,
   any context, a same-context entry winning ties), if its source is at least 60% similar
   (msgmerge's threshold and measure): its translation is offered ``fuzzy`` with
   ``#| msgctxt``/``#| msgid`` saying what it was made for, and its translator comment
   travels with it, as msgmerge does;
4. the most similar confirmed translation of the same language in the project's other
   catalogs (translation memory), if it is more similar than step 3's: offered ``fuzzy``
   the same way (an identical source scores 100%);
5. otherwise the entry is empty.

Every suggestion (steps 3 and 4) carries a ``#.`` line naming its article, entry and
similarity. Old entries whose translation was neither kept nor offered become obsolete
(``#~``), so a block that comes back gets it back; old entries used for a suggestion are not
repeated as obsolete (msgmerge does the same).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import polib

from cms.translation.catalog import Catalog
from cms.translation.paths import field_of
from cms.translation.segments import Segment, SourceArticle
from cms.translation.suggest import Candidate, CandidateIndex, Suggestion

FUZZY = "fuzzy"
SUGGESTION_NOTE = "Suggestion:"
_PLACEHOLDER_HINT = (
    'Keep each tag with an id (<a id="a1">…</a>) and its id; move it where it belongs in '
    "your sentence."
)


def _candidate(entry: polib.POEntry, slug: str) -> Candidate:
    return Candidate(
        source=entry.msgid,
        translation=entry.msgstr,
        slug=slug,
        context=entry.msgctxt,
        fuzzy=entry.fuzzy,
        previous_source=entry.previous_msgid,
        previous_context=entry.previous_msgctxt,
        comment=entry.tcomment or "",
    )


@dataclass
class TranslationMemory:
    """Confirmed translations of one language in every catalog, searchable by similarity."""

    index: CandidateIndex

    @classmethod
    def from_catalogs(cls, catalogs: Iterable[Catalog]) -> TranslationMemory:
        """Collect non-fuzzy translations; on equal sources the first catalog (by name) wins,
        active entries before obsolete ones."""
        ordered = sorted(catalogs, key=lambda catalog: catalog.path.name)
        candidates = [
            _candidate(entry, catalog.path.stem)
            for catalog in ordered
            for entry in catalog.po
            if entry.msgstr and not entry.fuzzy and not entry.obsolete and entry.msgctxt
        ]
        candidates += [
            _candidate(entry, catalog.path.stem)
            for catalog in ordered
            for entry in catalog.po.obsolete_entries()
            if entry.msgstr and not entry.fuzzy and entry.msgctxt
        ]
        return cls(CandidateIndex(candidates))

    def suggest(self, source: str) -> Suggestion | None:
        """The most similar confirmed translation (at least 60% similar), or None."""
        exact = self.index.exact(source)
        if exact is not None:
            return Suggestion(exact, 100.0)
        return self.index.best(source)


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


def suggestion_note(suggestion: Suggestion, slug: str) -> str:
    """The ``#.`` line that says where a suggested translation comes from."""
    candidate = suggestion.candidate
    article = "this article" if candidate.slug == slug else f"the article {candidate.slug}"
    similarity = (
        "the same Korean text"
        if suggestion.score >= 100
        else f"{int(suggestion.score)}% similar Korean text"
    )
    return f"{SUGGESTION_NOTE} from {article}, entry {candidate.context} ({similarity})"


def _notes(entry: polib.POEntry) -> list[str]:
    return [line for line in (entry.comment or "").split("\n") if line.startswith(SUGGESTION_NOTE)]


class _Merge:
    """One article's merge: the old entries, which of them were used, and the memory."""

    def __init__(self, source: SourceArticle, old: Catalog | None, memory: TranslationMemory):
        self.source = source
        self.memory = memory
        self.old_active = old.by_context() if old else {}
        self.old_obsolete = (
            {entry.msgctxt: entry for entry in old.po.obsolete_entries() if entry.msgctxt}
            if old
            else {}
        )
        olds = [*self.old_active.values(), *self.old_obsolete.values()]
        # Rich text paragraphs by (field, source text), for paragraphs that moved number.
        self.by_field_text: dict[tuple[str, str], polib.POEntry] = {}
        for entry in olds:
            if "#" in entry.msgctxt and entry.msgstr:
                self.by_field_text.setdefault((field_of(entry.msgctxt), entry.msgid), entry)
        translated = [entry for entry in olds if entry.msgstr]
        self.candidates = [_candidate(entry, source.slug) for entry in translated]
        self.entry_of = {
            (candidate.context, candidate.source): entry
            for candidate, entry in zip(self.candidates, translated, strict=True)
        }
        self.same_article = CandidateIndex(self.candidates)
        self.used: set[int] = set()

    def entry(self, segment: Segment, reference: str) -> polib.POEntry:
        entry = template_entry(segment, reference)
        previous = self.old_active.get(segment.context) or self.old_obsolete.get(segment.context)
        moved = self.by_field_text.get((segment.field, segment.source))
        if previous is not None and previous.msgid == segment.source:
            self._carry(entry, previous)
        elif moved is not None and "#" in segment.context:
            self._carry(entry, moved, confirmed_move=True)
        elif suggestion := self._suggestion(segment):
            self._offer(entry, suggestion)
        elif previous is not None and not previous.msgstr:
            entry.tcomment = previous.tcomment  # a note written before translating
        return entry

    def _suggestion(self, segment: Segment) -> Suggestion | None:
        local = self.same_article.best(segment.source, prefer_context=segment.context)
        remote = self.memory.suggest(segment.source)
        if remote is not None and (local is None or remote.score > local.score):
            return remote
        return local

    def _carry(self, entry: polib.POEntry, previous: polib.POEntry, *, confirmed_move=False):
        self.used.add(id(previous))
        entry.msgstr = previous.msgstr
        entry.tcomment = previous.tcomment
        entry.flags = list(previous.flags)
        if previous.fuzzy and not confirmed_move:
            entry.previous_msgid = previous.previous_msgid
            entry.previous_msgctxt = previous.previous_msgctxt
            notes = _notes(previous)
            if notes:
                entry.comment = "\n".join([entry.comment, *notes])

    def _offer(self, entry: polib.POEntry, suggestion: Suggestion) -> None:
        candidate = suggestion.candidate
        entry.msgstr = candidate.translation
        entry.flags = [FUZZY]
        carried_previous = candidate.fuzzy and candidate.previous_source
        entry.previous_msgctxt = (
            candidate.previous_context if carried_previous else None
        ) or candidate.context
        entry.previous_msgid = candidate.made_for
        entry.comment = "\n".join([entry.comment, suggestion_note(suggestion, self.source.slug)])
        old = self.entry_of.get((candidate.context, candidate.source))
        if candidate.slug == self.source.slug and old is not None:
            self.used.add(id(old))
            entry.tcomment = candidate.comment

    def obsolete(self) -> list[polib.POEntry]:
        """Translated old entries not used above (obsolete ones first, as they were)."""
        unused = [
            entry
            for entry in [*self.old_obsolete.values(), *self.old_active.values()]
            if id(entry) not in self.used and entry.msgstr
        ]
        return [_as_obsolete(entry) for entry in unused]


def merge_entries(
    source: SourceArticle,
    old: Catalog | None,
    memory: TranslationMemory,
    reference: Callable[[Segment], str],
) -> tuple[list[polib.POEntry], list[polib.POEntry]]:
    """The active and obsolete entries of an article's catalog after re-extraction."""
    merge = _Merge(source, old, memory)
    active = [merge.entry(segment, reference(segment)) for segment in source.segments]
    return active, merge.obsolete()


def _as_obsolete(entry: polib.POEntry) -> polib.POEntry:
    return polib.POEntry(
        msgctxt=entry.msgctxt,
        msgid=entry.msgid,
        msgstr=entry.msgstr,
        tcomment=entry.tcomment,
        flags=[FUZZY] if entry.fuzzy else [],
        obsolete=True,
    )
