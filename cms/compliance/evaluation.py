"""Measure the rules against labelled sentences: precision and recall per language and severity.

A labelled set is a tab-separated file with a header row ``label  rule  sentence`` (``#`` lines
are comments): ``label`` is what a reviewer says the sentence is (``error``, ``warning`` or
``clean``), ``rule`` the rule it exercises (for a clean sentence the rule it nearly trips, or
``-``). The rules then judge each sentence the way the checker judges a paragraph.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cms.compliance.matching import find_matches
from cms.compliance.rules import RuleSet
from cms.compliance.text import normalise

# The labelled sets shipped with the tests: one file per language (``ko.tsv``, ``en.tsv``).
LABELLED_DIR = Path(__file__).resolve().parents[2] / "tests" / "compliance" / "labelled"
LABELS: tuple[str, ...] = ("error", "warning", "clean")
HEADER = ["label", "rule", "sentence"]


class LabelledSetError(ValueError):
    """A labelled file that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Example:
    """One labelled sentence and where it was written."""

    label: str
    rule: str
    sentence: str
    line: int


@dataclass(frozen=True)
class Judged:
    """A labelled sentence with what the rules made of it."""

    example: Example
    predicted: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Score:
    """Precision and recall of one kind of finding (counts kept so reports can show them)."""

    true_positives: int
    predicted: int
    actual: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.actual if self.actual else 1.0


@dataclass(frozen=True)
class Evaluation:
    """Every judged sentence of one language, and the scores they add up to."""

    language: str
    judged: tuple[Judged, ...]

    def score(self, positive: Iterable[str]) -> Score:
        """Precision and recall when the labels in ``positive`` count as the finding sought."""
        wanted = set(positive)
        pairs = [(j.example.label in wanted, j.predicted in wanted) for j in self.judged]
        return Score(
            true_positives=sum(actual and predicted for actual, predicted in pairs),
            predicted=sum(predicted for _actual, predicted in pairs),
            actual=sum(actual for actual, _predicted in pairs),
        )

    @property
    def errors(self) -> Score:
        """Errors only: what blocks publishing."""
        return self.score({"error"})

    @property
    def warnings(self) -> Score:
        """Warnings only (a sentence with an error counts as an error, not a warning)."""
        return self.score({"warning"})

    @property
    def any_finding(self) -> Score:
        """Anything the editor is shown, error or warning."""
        return self.score({"error", "warning"})

    def mistakes(self) -> list[Judged]:
        """Sentences the rules judge differently from their label."""
        return [j for j in self.judged if j.predicted != j.example.label]


def read_labelled(path: Path) -> list[Example]:
    """The examples of one labelled file; ``LabelledSetError`` names the file and line."""
    examples = []
    with path.open(encoding="utf-8", newline="") as stream:
        rows = csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE)
        header_seen = False
        for line, row in enumerate(rows, start=1):
            if not row or row[0].startswith("#"):
                continue
            if not header_seen:
                if row != HEADER:
                    raise LabelledSetError(f"{path}:{line}: the header must be {HEADER}")
                header_seen = True
                continue
            if len(row) != 3 or not row[2].strip():
                raise LabelledSetError(
                    f"{path}:{line}: write label, rule and sentence, tab-separated"
                )
            if row[0] not in LABELS:
                raise LabelledSetError(
                    f"{path}:{line}: label must be one of {', '.join(LABELS)} (got {row[0]!r})"
                )
            examples.append(Example(label=row[0], rule=row[1], sentence=row[2], line=line))
    return examples


def judge(sentence: str, language: str, ruleset: RuleSet) -> tuple[str, tuple[str, ...]]:
    """What the rules make of one sentence: the verdict and the ids of the rules that fired."""
    matches = find_matches(normalise(sentence), ruleset.rules_for(language), ruleset)
    rules = tuple(dict.fromkeys(match.rule.id for match in matches))
    if any(match.rule.is_error for match in matches):
        return "error", rules
    return ("warning" if matches else "clean"), rules


def evaluate(examples: Sequence[Example], language: str, ruleset: RuleSet) -> Evaluation:
    """Judge every example with the rules of ``language``."""
    judged = []
    for example in examples:
        predicted, rules = judge(example.sentence, language, ruleset)
        judged.append(Judged(example=example, predicted=predicted, rules=rules))
    return Evaluation(language=language, judged=tuple(judged))
