"""Finding rule matches in one piece of plain text.

Pure functions over strings, so the rule examples in ``rules.toml`` can be tested without a
database and the checker can run them on every text leaf of an article.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cms.compliance.rules import Negation, RuleSet, TextRule
from cms.compliance.text import excerpt, sentence_around

# How far back in the sentence a negation is looked for ("No clinic can guarantee…"): far enough
# for a short subject, not so far that an unrelated "not" earlier in a long sentence counts.
NEGATION_LOOKBEHIND = 40


@dataclass(frozen=True)
class Match:
    """One place where a rule matched: the rule, the matched words and their context."""

    rule: TextRule
    start: int
    end: int
    text: str
    excerpt: str


def is_negated(text: str, start: int, end: int, negation: Negation | None) -> bool:
    """Whether the sentence around ``text[start:end]`` takes the claim back."""
    if negation is None:
        return False
    before, after = sentence_around(text, start, end)
    if negation.before is not None and negation.before.search(before[-NEGATION_LOOKBEHIND:]):
        return True
    return negation.after is not None and negation.after.search(after) is not None


def find_matches(text: str, rules: Iterable[TextRule], ruleset: RuleSet) -> list[Match]:
    """Every match of ``rules`` in ``text`` (already normalised), most severe first per place.

    Where an error and a warning cover the same words (for example "the best clinic" is both a
    superlative error and a "best" warning), only the error is kept: the editor needs one
    reason per phrase, the most serious one.
    """
    matches: list[Match] = []
    for rule in rules:
        negation = ruleset.negations.get(rule.language) if rule.negatable else None
        for found in rule.regex.finditer(text):
            start, end = found.span()
            if start == end or is_negated(text, start, end, negation):
                continue
            matches.append(
                Match(
                    rule=rule,
                    start=start,
                    end=end,
                    text=found.group(0),
                    excerpt=excerpt(text, start, end),
                )
            )
    errors = [m for m in matches if m.rule.is_error]
    kept = [
        m
        for m in matches
        if m.rule.is_error or not any(e.start < m.end and m.start < e.end for e in errors)
    ]
    return sorted(kept, key=lambda m: (m.start, m.rule.severity != "error", m.rule.id))
