"""Matching rules in text: spacing, particles, negation, overlaps and excerpts."""

import unicodedata

import pytest

from cms.compliance.matching import find_matches
from cms.compliance.rules import load_rules
from cms.compliance.text import html_to_text, normalise

RULESET = load_rules()


def rule_ids(text: str, language: str = "ko") -> list[str]:
    matches = find_matches(normalise(text), RULESET.rules_for(language), RULESET)
    return [match.rule.id for match in matches]


@pytest.mark.parametrize(
    "sentence",
    [
        "부작용 없는 시술",
        "부작용없는 시술",
        "부작용이 없는 시술",
        "부작용이 전혀 없는 시술",
        "부작용은 없습니다",
    ],
)
def test_korean_matching_survives_particles_and_spacing(sentence):
    assert "no-side-effects-ko" in rule_ids(sentence)


@pytest.mark.parametrize("sentence", ["최고의 의료진", "최고 수준의 의료진", "최고수준 의료진"])
def test_korean_superlatives_with_and_without_spaces(sentence):
    assert rule_ids(sentence) == ["superlative-ko"]


@pytest.mark.parametrize(
    "sentence",
    [
        "부작용이 없는 것은 아닙니다.",
        "부작용이 없는 시술은 없습니다.",
        "부작용이 없다는 말은 사실이 아닙니다.",
        "부작용이 전혀 없다는 광고는 믿지 마세요.",
    ],
)
def test_a_sentence_that_negates_the_claim_is_not_an_error(sentence):
    assert rule_ids(sentence) == []


def test_negation_does_not_carry_over_into_the_next_sentence():
    assert rule_ids("부작용이 없는 것은 아닙니다. 통증 없는 시술입니다.") == ["no-pain-ko"]
    assert rule_ids("That is not all. Guaranteed results.", "en") == ["guarantee-en"]


def test_an_unrelated_negation_far_back_in_a_long_sentence_does_not_cancel_a_claim():
    sentence = (
        "It is not unusual to hear this, but at our clinic in Gangnam we offer a "
        "treatment with no side effects."
    )
    assert rule_ids(sentence, "en") == ["no-side-effects-en"]


def test_a_phrase_never_spans_two_paragraphs():
    assert rule_ids(html_to_text("<p>관리의 부작용</p><p>없는 날이 없도록</p>")) == []
    assert rule_ids(html_to_text("<p>관리의 부작용 없는 날</p>")) == ["no-side-effects-ko"]


def test_decomposed_and_full_width_text_is_still_matched():
    assert rule_ids(unicodedata.normalize("NFD", "통증 없는 리프팅")) == ["no-pain-ko"]
    assert rule_ids("만족도 \uff11\uff10\uff10\uff05") == ["absolute-percent-ko"]
    assert rule_ids("Korea\u2019s first clinic", "en") == ["first-en"]


def test_when_an_error_and_a_warning_cover_the_same_words_only_the_error_is_kept():
    assert rule_ids("We are the best clinic in Seoul.", "en") == ["superlative-en"]
    assert rule_ids("가장 안전한 리프팅") == ["most-claim-ko"]


def test_separate_claims_in_one_sentence_are_each_reported():
    assert rule_ids("100% guaranteed, painless and scarless!", "en") == [
        "absolute-percent-en",
        "guarantee-en",
        "no-pain-en",
        "no-scar-en",
    ]


def test_rules_only_read_their_own_language():
    assert rule_ids("painless", "ko") == []
    assert rule_ids("통증 없는 리프팅", "en") == []


def test_a_match_carries_its_words_and_context():
    text = normalise("실리프팅은 간단합니다. 부작용 없는 시술로 알려져 있지만 개인차가 있습니다.")
    (match,) = find_matches(text, RULESET.rules_for("ko"), RULESET)
    assert match.text == "부작용 없는"
    assert text[match.start : match.end] == "부작용 없는"
    assert "부작용 없는 시술로" in match.excerpt
