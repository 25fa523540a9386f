"""docs/compliance.md lists every rule, generated from rules.toml and kept in sync."""

from cms.compliance.docs import DOC_PATH, main, synced
from cms.compliance.rules import load_rules


def test_the_rule_tables_in_the_docs_match_rules_toml():
    document = DOC_PATH.read_text(encoding="utf-8")
    assert document == synced(document, load_rules()), "run: python -m cms.compliance.docs"
    assert main(["--check"]) == 0


def test_every_rule_and_its_legal_basis_is_documented():
    document = DOC_PATH.read_text(encoding="utf-8")
    ruleset = load_rules()
    for rule in (*ruleset.text_rules, *ruleset.structure_rules):
        row = next(line for line in document.splitlines() if line.startswith(f"| `{rule.id}` |"))
        assert f"56(2)({rule.subparagraph})" in row
        assert rule.message_en in row
        assert rule.suggestion_ko in row
