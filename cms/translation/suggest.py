"""Similar-text suggestions, scored like GNU msgmerge's fuzzy matching.

msgmerge offers an old translation for a new source string when the two sources are at least
60% similar by ``fstrcmp`` (twice the matching characters over the total length). RapidFuzz's
``fuzz.ratio`` is the same measure (normalised Indel similarity, ``2·LCS / total``), computed
in C with early exits under the cut-off, so a search over a language's whole memory stays fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

# msgmerge's FUZZY_THRESHOLD (0.6), as a percentage.
THRESHOLD = 60.0
# msgmerge gives a candidate with the same context a tiny advantage over equal scores.
SAME_CONTEXT_BONUS = 0.001


@dataclass(frozen=True)
class Candidate:
    """A translated source string that may be offered for a similar one."""

    source: str
    translation: str
    slug: str
    context: str
    fuzzy: bool = False
    previous_source: str | None = None
    """What the translation was made for, when the candidate is itself fuzzy (``#| msgid``)."""
    previous_context: str | None = None
    comment: str = ""
    """The translator's comment (``# …``), which travels with a suggestion from the same file."""

    @property
    def made_for(self) -> str:
        """The source text the translation was written for (``#| msgid`` of a suggestion)."""
        return self.previous_source if self.fuzzy and self.previous_source else self.source


@dataclass(frozen=True)
class Suggestion:
    """A candidate and how similar its source is to the text looked up (0-100)."""

    candidate: Candidate
    score: float


class CandidateIndex:
    """Candidates searchable by exact source text and by similarity (first listed wins ties)."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self.by_source: dict[str, Candidate] = {}
        self.all: list[Candidate] = []
        for candidate in candidates:
            self.all.append(candidate)
            self.by_source.setdefault(candidate.source, candidate)
        self.sources = list(self.by_source)

    def __len__(self) -> int:
        return len(self.all)

    def exact(self, source: str) -> Candidate | None:
        return self.by_source.get(source)

    def best(self, source: str, *, prefer_context: str = "") -> Suggestion | None:
        """The most similar candidate at or above the threshold, or None.

        Among equal scores a candidate whose context is ``prefer_context`` wins, then the
        first listed.
        """
        if not self.sources:
            return None
        if prefer_context:
            # Small files (one article): score every candidate, so the context bonus can
            # decide between equal texts under different contexts.
            best: Suggestion | None = None
            for candidate in self.all:
                score = fuzz.ratio(source, candidate.source, score_cutoff=THRESHOLD)
                if not score:
                    continue
                weight = score + (SAME_CONTEXT_BONUS if candidate.context == prefer_context else 0)
                if best is None or weight > best.score + (
                    SAME_CONTEXT_BONUS if best.candidate.context == prefer_context else 0
                ):
                    best = Suggestion(candidate, score)
            return best
        found = process.extractOne(source, self.sources, scorer=fuzz.ratio, score_cutoff=THRESHOLD)
        if found is None:
            return None
        text, score, _index = found
        return Suggestion(self.by_source[text], score)
