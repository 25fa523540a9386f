"""Block → JSON Schema mapping, from the block definitions alone (no database)."""

import pytest
from django.utils import translation
from wagtail import blocks

from cms.articles.blocks import ArticleBodyBlock
from cms.publishing.block_schema import BlockSchemas
from cms.publishing.errors import ExportError

BODY = ArticleBodyBlock()


def definitions(block_type: str, rich_text: str = "html") -> dict:
    """The named types defined by walking one body block (its value is ``Pascal(type)``)."""
    with translation.override("en"):
        walker = BlockSchemas(rich_text)
        walker.stream_child(block_type, BODY.child_blocks[block_type])
    return walker.definitions


def test_structs_lists_strings_choices_and_integers_follow_their_blocks():
    types = definitions("thread_types")
    assert types["ThreadTypesBlock"]["properties"]["value"] == {"$ref": "#/$defs/ThreadTypes"}
    assert types["ThreadTypesBlock"]["properties"]["type"] == {"const": "thread_types"}
    rows = types["ThreadTypes"]["properties"]["rows"]
    assert rows["type"] == "array"
    assert rows["minItems"] == 1
    assert rows["items"] == {"$ref": "#/$defs/ThreadTypeRow"}
    row = types["ThreadTypeRow"]
    assert row["title"] == "ThreadTypeRow"
    assert row["required"] == ["name", "purpose"]
    assert row["additionalProperties"] is False
    fields = row["properties"]
    assert fields["name"] == {
        "description": "Thread name",
        "type": "string",
        "maxLength": 120,
        "minLength": 1,
    }
    # An optional choice: the named enum, or not chosen ("" as stored, or null).
    assert fields["material"] == {
        "description": "Material",
        "anyOf": [{"$ref": "#/$defs/ThreadTypeRowMaterial"}, {"const": ""}, {"type": "null"}],
    }
    assert types["ThreadTypeRowMaterial"] == {
        "title": "ThreadTypeRowMaterial",
        "enum": ["PDO", "PLLA", "PCL", "PLGA", "other"],
    }
    assert fields["absorption_months_min"] == {
        "description": "Absorbed after at least (months). A number; channels render it in "
        "each language. Leave empty if unknown.",
        "type": ["integer", "null"],
        "minimum": 0,
        "maximum": 120,
    }
    assert fields["notes"] == {"description": "Notes", "type": "string"}


def test_type_names_are_unique_pascal_case_and_titles_name_only_types():
    with translation.override("en"):
        walker = BlockSchemas("text")
        for name, child in BODY.child_blocks.items():
            walker.stream_child(name, child)
    for key, definition in walker.definitions.items():
        assert key.isalpha() and key[0].isupper(), key
        assert definition["title"] == key
        for field in definition.get("properties", {}).values():
            assert "title" not in field
    assert {"IntroBlock", "Intro", "ComparisonRow", "SideEffectItem", "RichTextLink"} <= set(
        walker.definitions
    )


def test_rich_text_takes_the_channels_delivery_shape():
    intro = definitions("intro")["Intro"]["properties"]["text"]
    assert intro == {
        "description": "Lead text. Two to five sentences that tell readers what the article "
        "answers.",
        "type": "string",
        "contentMediaType": "text/html",
        "minLength": 1,
    }
    text_types = definitions("side_effects", "text")
    assert definitions("intro", "text")["Intro"]["properties"]["text"] == {
        "$ref": "#/$defs/RichTextRequired"
    }
    assert text_types["SideEffects"]["properties"]["intro"] == {"$ref": "#/$defs/RichText"}
    assert text_types["RichTextRequired"]["minItems"] == 1
    assert "minItems" not in text_types["RichText"]
    link = text_types["RichTextLink"]
    assert link["required"] == ["text", "href", "start", "end"]
    assert "RichText" not in definitions("side_effects", "html")


def test_a_block_without_a_mapping_is_an_error_not_a_loose_schema():
    block = blocks.StructBlock([("when", blocks.DateTimeBlock())])
    block.set_name("appointment")
    with pytest.raises(ExportError, match="no JSON Schema mapping for DateTimeBlock"):
        BlockSchemas("html").value(block)
