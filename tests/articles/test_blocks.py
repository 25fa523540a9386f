"""Block validation and API representation; no database needed."""

import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.blocks import StreamValue

from cms.articles.blocks import ArticleBodyBlock, ThreadTypeRowBlock

from .factories import block, disclaimer, item

SNAPSHOTS = Path(__file__).parent / "snapshots"
BODY = ArticleBodyBlock()

INTRO = block(
    "intro", {"text": "<p>도입 <b>문단</b>입니다.</p>"}, "00000000-0000-4000-8000-000000000001"
)
SECTION = block(
    "section",
    {"heading": "실 리프팅이란?", "body": "<p>첫 문단.</p><ul><li>항목 하나</li></ul>"},
    "00000000-0000-4000-8000-000000000002",
)
THREAD_TYPES = block(
    "thread_types",
    {
        "caption": "실의 종류",
        "rows": [
            item(
                {
                    "name": "PDO 실",
                    "material": "PDO",
                    "barbed": "barbed",
                    "absorption_months_min": 6,
                    "absorption_months_max": 12,
                    "purpose": "즉각적인 리프팅",
                    "notes": "",
                },
                "00000000-0000-4000-8000-0000000000a1",
            )
        ],
    },
    "00000000-0000-4000-8000-000000000003",
)
SIDE_EFFECTS = block(
    "side_effects",
    {
        "heading": "부작용",
        "intro": "<p>개인에 따라 부작용이 생길 수 있습니다.</p>",
        "items": [
            item(
                {"name": "광대 돌출", "cause": "실 끝이 광대에 몰림", "prevention": "고정점 분산"},
                "00000000-0000-4000-8000-0000000000b1",
            )
        ],
    },
    "00000000-0000-4000-8000-000000000004",
)
COMPARISON = block(
    "comparison",
    {
        "heading": "미니 실리프팅 vs 미니 거상",
        "option_a": "미니 실리프팅",
        "option_b": "미니 거상",
        "rows": [
            item(
                {"criterion": "작용 층", "option_a": "진피와 피하지방층", "option_b": "SMAS층"},
                "00000000-0000-4000-8000-0000000000c1",
            )
        ],
        "conclusion": "<p>얼굴 상태에 맞는 방법을 고르세요.</p>",
    },
    "00000000-0000-4000-8000-000000000005",
)
DISCLAIMER = block(
    "disclaimer",
    {"text": "<p>의료법 제56조를 준수합니다.</p>", "legal_basis": "의료법 제56조"},
    "00000000-0000-4000-8000-000000000006",
)
ALL_BLOCKS = [INTRO, SECTION, THREAD_TYPES, SIDE_EFFECTS, COMPARISON, DISCLAIMER]


def clean(raw_blocks):
    return BODY.clean(StreamValue(BODY, raw_blocks, is_lazy=True))


def error_codes(exc: ValidationError) -> list[str]:
    return [error.code for error in exc.non_block_errors.as_data()]


def test_accepts_a_body_ending_with_one_disclaimer():
    value = clean(ALL_BLOCKS)
    assert [child.block_type for child in value][-1] == "disclaimer"


@pytest.mark.parametrize(
    ("raw_blocks", "code", "message"),
    [
        ([INTRO], "disclaimer_missing", "needs a legal disclaimer"),
        ([INTRO, disclaimer(), disclaimer()], "disclaimer_duplicated", "exactly one"),
        ([disclaimer(), INTRO], "disclaimer_not_last", "must be the last block"),
    ],
)
def test_rejects_a_misplaced_disclaimer_with_a_clear_message(raw_blocks, code, message):
    with pytest.raises(ValidationError) as caught:
        clean(raw_blocks)
    assert error_codes(caught.value) == [code]
    with translation.override("en"):
        assert message in str(caught.value.non_block_errors.as_data()[0].message)


def test_disclaimer_message_speaks_korean_to_korean_editors():
    with pytest.raises(ValidationError) as caught:
        clean([INTRO])
    with translation.override("ko"):
        assert "법적 고지" in str(caught.value.non_block_errors.as_data()[0].message)


def test_rejects_absorption_range_that_ends_before_it_starts():
    row = ThreadTypeRowBlock()
    value = row.to_python(
        {
            "name": "PDO",
            "material": "PDO",
            "barbed": "barbed",
            "absorption_months_min": 12,
            "absorption_months_max": 6,
            "purpose": "리프팅",
            "notes": "",
        }
    )
    with pytest.raises(ValidationError) as caught:
        row.clean(value)
    assert "absorption_months_max" in caught.value.block_errors


@pytest.mark.parametrize("raw", ALL_BLOCKS, ids=lambda raw: raw["type"])
def test_api_representation_matches_golden_file(raw, settings):
    settings.WAGTAILAPI_RICH_TEXT_FORMAT = "html"
    stream = StreamValue(BODY, [raw], is_lazy=True)
    representation = BODY.get_api_representation(stream)
    golden = SNAPSHOTS / f"api_{raw['type']}.json"
    assert representation == json.loads(golden.read_text(encoding="utf-8"))


def test_structured_values_keep_their_types():
    stream = StreamValue(BODY, [THREAD_TYPES], is_lazy=True)
    row = BODY.get_api_representation(stream)[0]["value"]["rows"][0]
    assert row["absorption_months_min"] == 6
    assert row["absorption_months_max"] == 12
    assert row["material"] == "PDO"
    assert row["barbed"] == "barbed"
