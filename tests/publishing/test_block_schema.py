"""Block → JSON Schema mapping, from the block definitions alone (no database)."""

import pytest
from django.utils import translation
from wagtail import blocks

from cms.articles.blocks import ArticleBodyBlock
from cms.publishing.block_schema import BlockSchemas
from cms.publishing.errors import ExportError

BODY = ArticleBodyBlock()


def value_schema(block_type: str, rich_text: str = "html") -> dict:
    with translation.override("en"):
        return BlockSchemas(rich_text).value(BODY.child_blocks[block_type])


def test_structs_lists_strings_choices_and_integers_follow_their_blocks():
    rows = value_schema("thread_types")["properties"]["rows"]
    assert rows["type"] == "array"
    assert rows["minItems"] == 1
    row = rows["items"]
    assert row["required"] == ["name", "purpose"]
    assert row["additionalProperties"] is False
    fields = row["properties"]
    assert fields["name"] == {
        "title": "Thread name",
        "type": "string",
        "maxLength": 120,
        "minLength": 1,
    }
    assert fields["material"]["enum"] == ["PDO", "PLLA", "PCL", "PLGA", "other", "", None]
    assert fields["absorption_months_min"] == {
        "title": "Absorbed after at least (months)",
        "description": "A number; channels render it in each language. Leave empty if unknown.",
        "type": ["integer", "null"],
        "minimum": 0,
        "maximum": 120,
    }
    assert fields["notes"] == {"title": "Notes", "type": "string"}


def test_rich_text_takes_the_channels_delivery_shape():
    assert value_schema("intro")["properties"]["text"] == {
        "title": "Lead text",
        "description": "Two to five sentences that tell readers what the article answers.",
        "type": "string",
        "contentMediaType": "text/html",
        "minLength": 1,
    }
    text = value_schema("intro", "text")["properties"]["text"]
    assert text["$ref"] == "#/$defs/rich_text"
    assert text["minItems"] == 1
    optional = value_schema("side_effects", "text")["properties"]["intro"]
    assert "minItems" not in optional
    assert "rich_text" in BlockSchemas("text").shared_definitions()
    assert BlockSchemas("html").shared_definitions() == {}


def test_a_block_without_a_mapping_is_an_error_not_a_loose_schema():
    block = blocks.StructBlock([("when", blocks.DateTimeBlock())])
    block.set_name("appointment")
    with pytest.raises(ExportError, match="no JSON Schema mapping for DateTimeBlock"):
        BlockSchemas("html").value(block)
