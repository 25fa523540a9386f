"""Ordinals and block names in the editor's language."""

import pytest

from cms.compliance.naming import block_name, ordinal


@pytest.mark.parametrize(
    ("number", "korean", "english"),
    [
        (1, "첫 번째", "first"),
        (2, "두 번째", "second"),
        (10, "열 번째", "tenth"),
        (11, "열한 번째", "11th"),
        (20, "스무 번째", "20th"),
        (21, "21번째", "21st"),
        (112, "112번째", "112th"),
    ],
)
def test_ordinals_in_korean_and_english(number, korean, english):
    assert ordinal(number, "ko") == korean
    assert ordinal(number, "en") == english


def test_a_block_with_siblings_of_its_type_gets_an_ordinal():
    assert block_name("섹션", 2, 3, "ko") == "두 번째 섹션"
    assert block_name("Section", 2, 3, "en") == "Section (second)"


def test_a_lone_block_or_a_field_goes_by_its_label():
    assert block_name("법적 고지", 1, 1, "ko") == "법적 고지"
    assert block_name("본문", None, None, "ko") == "본문"
