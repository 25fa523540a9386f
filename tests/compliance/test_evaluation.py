"""The rules measured against the labelled sentences in tests/compliance/labelled/."""

import pytest

from cms.compliance.evaluation import (
    LABELLED_DIR,
    Example,
    LabelledSetError,
    evaluate,
    read_labelled,
)
from cms.compliance.rules import LANGUAGES, load_rules

RULESET = load_rules()
FLOOR = 0.95


@pytest.fixture(scope="module", params=LANGUAGES)
def evaluation(request):
    return evaluate(read_labelled(LABELLED_DIR / f"{request.param}.tsv"), request.param, RULESET)


def test_each_language_has_at_least_80_labelled_sentences_of_both_kinds(evaluation):
    labels = [judged.example.label for judged in evaluation.judged]
    assert len(labels) >= 80
    assert labels.count("clean") >= 30
    assert labels.count("error") >= 30


def test_errors_only_precision_and_recall_reach_the_floor(evaluation):
    score = evaluation.errors
    mistakes = [(j.example.line, j.example.sentence, j.predicted) for j in evaluation.mistakes()]
    assert score.precision >= FLOOR, mistakes
    assert score.recall >= FLOOR, mistakes


def test_any_finding_precision_reaches_the_floor(evaluation):
    assert evaluation.any_finding.precision >= FLOOR


def test_every_text_rule_has_flagged_and_clean_sentences_in_the_set(evaluation):
    examples = [judged.example for judged in evaluation.judged]
    for rule in RULESET.rules_for(evaluation.language):
        labels = {example.label for example in examples if example.rule == rule.id}
        assert rule.severity in labels, f"{rule.id}: no sentence labelled {rule.severity}"
        assert "clean" in labels, f"{rule.id}: no near miss"


def test_each_flagged_sentence_is_caught_by_the_rule_it_exercises(evaluation):
    missed = [
        (j.example.line, j.example.rule, j.rules)
        for j in evaluation.judged
        if j.example.label != "clean" and j.example.rule not in j.rules
    ]
    assert missed == []


def test_the_labelled_rule_ids_exist():
    for language in LANGUAGES:
        for example in read_labelled(LABELLED_DIR / f"{language}.tsv"):
            assert example.rule == "-" or RULESET.get(example.rule)


def test_scores_count_a_missed_error_and_a_false_alarm():
    examples = [
        Example("error", "-", "부작용 없는 시술입니다.", 1),
        Example("error", "-", "아무 문제 없는 문장입니다.", 2),
        Example("clean", "-", "최고의 결과", 3),
        Example("clean", "-", "회복은 사흘 걸립니다.", 4),
    ]
    result = evaluate(examples, "ko", RULESET)
    assert (result.errors.true_positives, result.errors.predicted, result.errors.actual) == (
        1,
        2,
        2,
    )
    assert result.errors.precision == 0.5
    assert result.errors.recall == 0.5


def test_a_broken_labelled_file_names_file_and_line(tmp_path):
    path = tmp_path / "ko.tsv"
    path.write_text("label\trule\tsentence\nmaybe\t-\t문장\n", encoding="utf-8")
    with pytest.raises(LabelledSetError, match=r"ko.tsv:2: label must be one of"):
        read_labelled(path)
    path.write_text("sentence\n", encoding="utf-8")
    with pytest.raises(LabelledSetError, match=r"ko.tsv:1: the header"):
        read_labelled(path)
