"""The body in the API v2 shape, read straight from stored JSON: Wagtail's own result."""

import pytest

from cms.articles.blocks import ArticleBodyBlock
from cms.articles.seeding import load_seed_articles
from cms.publishing.body import BodyRenderer

BODY = ArticleBodyBlock()
RENDERER = BodyRenderer(BODY)


def wagtail(raw):
    """What ``StreamBlock.get_api_representation`` gives (rich text as stored: db_html)."""
    return BODY.get_api_representation(BODY.to_python(raw))


def ours(raw):
    return RENDERER.blocks(raw, lambda source: source, RENDERER.types)


@pytest.fixture(autouse=True)
def stored_rich_text(settings):
    settings.WAGTAILAPI_RICH_TEXT_FORMAT = "db_html"


@pytest.mark.parametrize("seed", load_seed_articles(), ids=lambda seed: seed.slug)
@pytest.mark.parametrize("language", ["ko", "en"])
def test_seed_bodies_match_wagtail(seed, language):
    raw = seed.body_in(language)
    assert ours(raw) == wagtail(raw)


def test_odd_stored_data_is_read_as_wagtail_reads_it():
    raw = [
        # Missing fields take their defaults; unknown fields are ignored.
        {"type": "section", "value": {"heading": "H", "extra": 1}, "id": "a"},
        # Old-style list items (plain values), a choice stored in another type, a None.
        {
            "type": "thread_types",
            "value": {
                "caption": "C",
                "rows": [
                    {"name": "PDO", "material": "PDO", "barbed": None, "purpose": "p"},
                    {"type": "item", "value": {"name": "X", "material": "other"}, "id": "i"},
                ],
            },
            "id": "b",
        },
        {"type": "no_longer_a_block", "value": {}, "id": "c"},  # dropped
        {"type": "disclaimer", "value": {"text": None, "legal_basis": "L"}},  # no id
    ]
    assert ours(raw) == wagtail(raw)


def test_only_the_types_asked_for_are_rendered():
    raw = load_seed_articles()[0].body_in("ko")
    types = {block["type"] for block in RENDERER.blocks(raw, str, frozenset({"intro"}))}
    assert types == {"intro"}
