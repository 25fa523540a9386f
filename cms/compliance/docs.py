"""Generate the rule tables of ``docs/compliance.md`` from ``rules.toml``.

The rules live in one place; the documentation's tables are written from them between two
marker comments, and a test fails when the two disagree. Regenerate with
``python -m cms.compliance.docs`` (``--check`` only reports whether the file is in sync).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cms.compliance.evaluation import LABELLED_DIR, evaluate, read_labelled
from cms.compliance.rules import LANGUAGES, RuleSet, load_rules

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "compliance.md"
START = "<!-- rules:start (generated from cms/compliance/rules.toml; do not edit by hand) -->"
END = "<!-- rules:end -->"
METRICS_START = (
    "<!-- metrics:start (generated from tests/compliance/labelled/*.tsv; do not edit by hand) -->"
)
METRICS_END = "<!-- metrics:end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_rules(ruleset: RuleSet) -> str:
    """The Markdown between the markers: legal basis, structure rules, then text rules."""
    lines = [
        "### Article 56(2) subparagraphs",
        "",
        "Subparagraphs without rules cover what text patterns cannot judge (unevaluated "
        "technologies, images of surgery, unreviewed advertising, …): they stay with the "
        "clinic's human review.",
        "",
        "| No. | 의료법 제56조 제2항 | Medical Service Act Article 56(2) | rules |",
        "|---|---|---|---|",
    ]
    all_rules = (*ruleset.structure_rules, *ruleset.text_rules)
    for number, sub in ruleset.subparagraphs.items():
        ids = ", ".join(f"`{rule.id}`" for rule in all_rules if rule.subparagraph == number)
        lines.append(f"| {number} | {_cell(sub.text_ko)} | {_cell(sub.text_en)} | {ids or '—'} |")
    lines += [
        "",
        "### Structure rules",
        "",
        "| id | severity | legal basis | required block | applies to | message | suggestion |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in ruleset.structure_rules:
        applies = "every article" if rule.when == "always" else "articles that describe a procedure"
        fields = f" (filled in: {', '.join(rule.text_fields)})" if rule.text_fields else ""
        lines.append(
            f"| `{rule.id}` | {rule.severity} | 56(2)({rule.subparagraph}) | "
            f"`{rule.requires_block}`{fields} | {applies} | "
            f"{_cell(rule.message_en)}<br>{_cell(rule.message_ko)} | "
            f"{_cell(rule.suggestion_en)}<br>{_cell(rule.suggestion_ko)} |"
        )
    procedure = ruleset.procedure
    lines += [
        "",
        "An article *describes a procedure* when its title, summary or any block except "
        + ", ".join(f"`{name}`" for name in procedure.ignore_blocks)
        + " contains one of these words:",
        "",
    ]
    for language, words in procedure.keywords.items():
        lines.append(f"- {language}: {', '.join(words)}")
    lines += [
        "",
        "### Text rules",
        "",
        "| id | lang | severity | legal basis | message | suggestion | flags, for example |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in ruleset.text_rules:
        example = rule.examples[0] if rule.examples else ""
        lines.append(
            f"| `{rule.id}` | {rule.language} | {rule.severity} | 56(2)({rule.subparagraph}) | "
            f"{_cell(rule.message_en)}<br>{_cell(rule.message_ko)} | "
            f"{_cell(rule.suggestion_en)}<br>{_cell(rule.suggestion_ko)} | {_cell(example)} |"
        )
    return "\n".join(lines) + "\n"


def render_metrics(ruleset: RuleSet) -> str:
    """The Markdown between the metrics markers: precision and recall per language and severity."""
    lines = [
        "| language | sentences (error / warning / clean) | finding | precision | recall |",
        "|---|---|---|---|---|",
    ]
    for language in LANGUAGES:
        examples = read_labelled(LABELLED_DIR / f"{language}.tsv")
        evaluation = evaluate(examples, language, ruleset)
        counts = " / ".join(
            str(sum(example.label == label for example in examples))
            for label in ("error", "warning", "clean")
        )
        for name, score in (
            ("errors only", evaluation.errors),
            ("warnings only", evaluation.warnings),
            ("any finding", evaluation.any_finding),
        ):
            lines.append(
                f"| {language} | {len(examples)} ({counts}) | {name} | "
                f"{score.precision:.2f} ({score.true_positives}/{score.predicted}) | "
                f"{score.recall:.2f} ({score.true_positives}/{score.actual}) |"
            )
    return "\n".join(lines) + "\n"


def _replace_between(document: str, start: str, end: str, content: str) -> str:
    try:
        head, rest = document.split(start, 1)
        _old, tail = rest.split(end, 1)
    except ValueError as exc:
        raise ValueError(f"the document must contain the markers {start!r} and {end!r}") from exc
    return f"{head}{start}\n{content}{end}{tail}"


def synced(document: str, ruleset: RuleSet) -> str:
    """``document`` with the generated parts (rule tables, measured quality) written afresh."""
    document = _replace_between(document, START, END, render_rules(ruleset))
    return _replace_between(document, METRICS_START, METRICS_END, render_metrics(ruleset))


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check`` verify) the generated part of ``docs/compliance.md``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="Exit 1 if the doc is stale.")
    options = parser.parse_args(argv)
    current = DOC_PATH.read_text(encoding="utf-8")
    wanted = synced(current, load_rules())
    if options.check:
        if current != wanted:
            sys.stderr.write(f"{DOC_PATH} is out of date: run python -m cms.compliance.docs\n")
            return 1
        return 0
    if current != wanted:
        DOC_PATH.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
