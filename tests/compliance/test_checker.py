"""Checking whole articles: every text leaf of the StreamField, then the structure rules."""

import pytest
from django.utils import translation

from cms.compliance.checker import check_article, describes_procedure, errors_of
from cms.compliance.rules import RulesError, load_rules, parse_rules

from .builders import block, content, item, side_effects

RULESET = load_rules()


def found(article) -> list[tuple[str, str]]:
    return [(f.rule.id, f.path) for f in check_article(article, RULESET)]


def test_a_clean_article_has_no_findings():
    intro = block("intro", {"text": "<p>세안 후 보습제를 바르는 방법을 안내합니다.</p>"})
    assert found(content(intro)) == []


def test_title_and_summary_are_checked():
    article = content(title="통증 없는 관리", summary="최고의 관리법을 소개합니다.")
    assert found(article) == [("no-pain-ko", "title"), ("superlative-ko", "summary")]


def test_rich_text_is_checked_with_its_markup_removed():
    intro = block("intro", {"text": "<p>부작용 <b>없는</b> 관리</p>"})
    assert found(content(intro)) == [("no-side-effects-ko", f"body.{intro['id']}.text")]


def test_list_items_are_checked_with_their_item_path():
    section = side_effects(cause="흉터가 남지 않는 방법으로 합니다.")
    item_id = section["value"]["items"][0]["id"]
    assert ("no-scar-ko", f"body.{section['id']}.items.{item_id}.cause") in found(content(section))


def test_table_cells_are_checked_with_their_row_path():
    row = item({"criterion": "회복", "option_a": "다운타임 없음", "option_b": "타 병원보다 빠름"})
    comparison = block(
        "comparison",
        {"heading": "비교", "option_a": "A", "option_b": "B", "rows": [row], "conclusion": ""},
    )
    row_path = f"body.{comparison['id']}.rows.{row['id']}"
    assert found(content(comparison)) == [
        ("downtime-ko", f"{row_path}.option_a"),
        ("comparison-ko", f"{row_path}.option_b"),
    ]


def test_structured_values_are_not_read_as_text():
    row = item(
        {
            "name": "PDO 실",
            "material": "PDO",
            "barbed": "barbed",
            "absorption_months_min": 100,
            "absorption_months_max": 100,
            "purpose": "탄력",
            "notes": "",
        }
    )
    table = block("thread_types", {"caption": "실의 종류", "rows": [row]})
    assert found(content(table)) == []


def test_an_english_page_is_checked_with_the_english_rules():
    intro = block("intro", {"text": "<p>A painless lift with no side effects.</p>"})
    ids = [rule for rule, _path in found(content(intro, language="en", title="Skin care"))]
    assert ids == ["no-pain-en", "no-side-effects-en"]
    assert found(content(intro, language="ko")) == []


def test_a_finding_names_article_locale_rule_law_and_excerpt():
    intro = block("intro", {"text": "<p>이번 달 특가로 모십니다.</p>"})
    (finding,) = check_article(content(intro), RULESET)
    assert finding.as_dict() == {
        "article": "test-article",
        "translation_key": "00000000-0000-4000-8000-0000000000ff",
        "locale": "ko",
        "page_id": None,
        "path": f"body.{intro['id']}.text",
        "rule": "price-promotion-ko",
        "severity": "error",
        "subparagraph": 13,
        "legal_basis": "Medical Service Act Article 56(2)(13)",
        "match": "특가",
        "excerpt": "이번 달 특가로 모십니다.",
        "message": {
            "ko": RULESET.get("price-promotion-ko").message_ko,
            "en": RULESET.get("price-promotion-ko").message_en,
        },
        "suggestion": {
            "ko": RULESET.get("price-promotion-ko").suggestion_ko,
            "en": RULESET.get("price-promotion-ko").suggestion_en,
        },
    }
    assert finding.legal_basis("ko") == "의료법 제56조 제2항 제13호"


def test_a_finding_names_its_block_by_type_and_ordinal_among_its_kind():
    first = block("section", {"heading": "안내", "body": "<p>관리</p>"})
    second = block("section", {"heading": "안내", "body": "<p>최고의 관리</p>"})
    intro = block("intro", {"text": "<p>안내</p>"})
    (finding,) = check_article(content(intro, first, second), RULESET)
    with translation.override("ko"):
        assert finding.location() == "두 번째 섹션 \u203a 본문"
    with translation.override("en"):
        assert finding.location() == "Section (second) \u203a Text"


def test_a_lone_block_of_its_type_goes_by_its_label():
    section = block("section", {"heading": "안내", "body": "<p>최고의 관리</p>"})
    intro = block("intro", {"text": "<p>안내</p>"})
    (finding,) = check_article(content(intro, section), RULESET)
    with translation.override("en"):
        assert finding.location() == "Section \u203a Text"


def test_an_article_without_a_disclaimer_is_an_error():
    intro = block("intro", {"text": "<p>안내</p>"})
    assert found(content(intro, with_disclaimer=False)) == [("disclaimer-required", "body")]


def test_an_empty_disclaimer_is_an_error():
    empty = block("disclaimer", {"text": "", "legal_basis": "의료법 제56조"})
    article = content(empty, with_disclaimer=False)
    assert found(article) == [("disclaimer-required", f"body.{empty['id']}.text")]


def test_an_english_page_whose_disclaimer_is_still_korean_is_an_error():
    korean = block(
        "disclaimer",
        {"text": "<p>개인에 따라 부작용이 생길 수 있습니다.</p>", "legal_basis": "의료법"},
    )
    article = content(korean, language="en", title="Skin care", with_disclaimer=False)
    assert found(article) == [("disclaimer-required", f"body.{korean['id']}.text")]
    assert errors_of(check_article(content(language="en", title="Skin care"), RULESET)) == []


def test_a_procedure_article_needs_a_side_effects_block():
    intro = block("intro", {"text": "<p>실리프팅 시술을 소개합니다.</p>"})
    assert found(content(intro)) == [("side-effects-required", "body")]
    assert found(content(intro, side_effects())) == []


def test_the_disclaimer_alone_does_not_make_an_article_about_a_procedure():
    # The standard notice says "모든 시술은 …"; that is not the article describing one.
    notice = block(
        "disclaimer",
        {"text": "<p>모든 시술은 부작용이 생길 수 있습니다.</p>", "legal_basis": "의료법 제56조"},
    )
    article = content(block("intro", {"text": "<p>보습 안내</p>"}), notice, with_disclaimer=False)
    assert not describes_procedure(article, RULESET)
    assert found(article) == []


@pytest.mark.parametrize(
    ("language", "text"),
    [("ko", "<p>미니 거상 수술 후 관리</p>"), ("en", "<p>Care after a facelift.</p>")],
)
def test_procedure_words_are_found_in_both_languages(language, text):
    article = content(block("intro", {"text": text}), language=language, title="Care")
    assert describes_procedure(article, RULESET)


def test_a_structure_rule_naming_an_unknown_block_is_a_rules_error():
    broken = (RULESET.path.read_text(encoding="utf-8")).replace(
        'requires_block = "side_effects"', 'requires_block = "risks"'
    )
    ruleset = parse_rules(broken, RULESET.path)
    with pytest.raises(RulesError, match="rule 'side-effects-required': field 'requires_block'"):
        check_article(content(), ruleset)
