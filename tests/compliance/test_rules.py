"""The rules file: every example and near miss it lists, and clear errors for a broken file."""

from pathlib import Path

import pytest

from cms.compliance.matching import find_matches
from cms.compliance.rules import RULES_FILE, RulesError, load_rules, parse_rules
from cms.compliance.text import normalise

RULESET = load_rules()
EXAMPLES = [
    pytest.param(rule, sentence, id=f"{rule.id}:{sentence[:30]}")
    for rule in RULESET.text_rules
    for sentence in rule.examples
]
NEAR_MISSES = [
    pytest.param(rule, sentence, id=f"{rule.id}:{sentence[:30]}")
    for rule in RULESET.text_rules
    for sentence in rule.near_misses
]


@pytest.mark.parametrize(("rule", "sentence"), EXAMPLES)
def test_rule_flags_each_of_its_examples(rule, sentence):
    matches = find_matches(normalise(sentence), [rule], RULESET)
    assert [m.rule.id for m in matches], f"{rule.id} should flag {sentence!r}"


@pytest.mark.parametrize(("rule", "sentence"), NEAR_MISSES)
def test_rule_leaves_each_of_its_near_misses_alone(rule, sentence):
    matches = find_matches(normalise(sentence), [rule], RULESET)
    assert [m.text for m in matches] == [], f"{rule.id} should not flag {sentence!r}"


@pytest.mark.parametrize("rule", RULESET.text_rules, ids=lambda rule: rule.id)
def test_every_rule_has_an_example_and_a_near_miss(rule):
    assert rule.examples
    assert rule.near_misses


def test_every_text_rule_exists_in_korean_and_english():
    ids = {rule.id for rule in RULESET.text_rules}
    for rule in RULESET.text_rules:
        stem, _, suffix = rule.id.rpartition("-")
        assert suffix == rule.language
        other = "en" if suffix == "ko" else "ko"
        assert f"{stem}-{other}" in ids


def test_the_issue_minimum_is_covered():
    for family in (
        "superlative",
        "first",
        "only",
        "ranking",
        "absolute-percent",
        "perfect",
        "guarantee",
        "cure",
        "permanent",
        "no-side-effects",
        "no-pain",
        "no-scar",
        "testimonial",
        "before-after",
        "comparison",
        "price-promotion",
    ):
        for language in ("ko", "en"):
            assert RULESET.get(f"{family}-{language}").is_error
    assert {rule.requires_block for rule in RULESET.structure_rules} == {
        "disclaimer",
        "side_effects",
    }


MINIMAL = """
[subparagraph.8]
ko = "객관적인 사실을 과장하는 내용의 광고"
en = "exaggerating objective facts"

[procedure]
ko = ["시술"]
en = ["procedure"]
ignore_blocks = ["disclaimer"]

[[rule]]
id = "superlative-ko"
language = "ko"
severity = "error"
subparagraph = 8
pattern = '최고'
message_ko = "최상급 표현"
message_en = "A superlative"
suggestion_ko = "사실을 적으세요"
suggestion_en = "State a fact"
"""
FILE = Path("rules.toml")


def test_a_minimal_rules_file_loads():
    ruleset = parse_rules(MINIMAL, FILE)
    assert [rule.id for rule in ruleset.rules_for("ko")] == ["superlative-ko"]
    assert ruleset.rules_for("en") == ()


RULE = "rule 'superlative-ko'"
BROKEN = {
    "bad-regex": (
        "pattern = '최고'",
        "pattern = '최고('",
        f"{RULE}: field 'pattern': not a valid regular expression",
    ),
    "unknown-severity": (
        'severity = "error"',
        'severity = "fatal"',
        f"{RULE}: field 'severity': must be one of error, warning (got 'fatal')",
    ),
    "missing-message": (
        'message_en = "A superlative"\n',
        "",
        f"{RULE}: field 'message_en': missing field",
    ),
    "empty-suggestion": (
        'suggestion_ko = "사실을 적으세요"',
        'suggestion_ko = ""',
        f"{RULE}: field 'suggestion_ko': must be a non-empty text",
    ),
    "unknown-subparagraph": (
        "subparagraph = 8\n",
        "subparagraph = 16\n",
        f"{RULE}: field 'subparagraph'",
    ),
    "unknown-language": ('language = "ko"', 'language = "jp"', f"{RULE}: field 'language'"),
    "bad-id": ('id = "superlative-ko"', 'id = "Superlative KO"', "field 'id'"),
    "no-procedure-words": ('ko = ["시술"]', "ko = []", "[procedure]: field 'ko'"),
    "bad-toml": ("[[rule]]", "[[rule]\n", "rules.toml: not valid TOML"),
}


@pytest.mark.parametrize(("old", "new", "expected"), BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_rules_file_is_refused_with_the_rule_and_field_named(old, new, expected):
    assert old in MINIMAL
    with pytest.raises(RulesError) as caught:
        parse_rules(MINIMAL.replace(old, new), FILE)
    assert expected in str(caught.value)


def test_a_rule_id_used_twice_is_refused():
    rule = MINIMAL[MINIMAL.index("[[rule]]") :]
    with pytest.raises(RulesError, match="rule 'superlative-ko': the id is used twice"):
        parse_rules(MINIMAL + rule, FILE)


def test_a_missing_rules_file_is_reported_by_path(tmp_path):
    with pytest.raises(RulesError, match="cannot read the rules file"):
        load_rules(tmp_path / "absent.toml")


def test_an_edited_rules_file_is_read_again(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert load_rules(path).rules_for("ko")[0].severity == "error"
    path.write_text(MINIMAL.replace('severity = "error"', 'severity = "warning"'), "utf-8")
    assert load_rules(path).rules_for("ko")[0].severity == "warning"


def test_the_shipped_rules_file_is_the_default():
    assert RULES_FILE.name == "rules.toml"
    assert load_rules() is load_rules()
