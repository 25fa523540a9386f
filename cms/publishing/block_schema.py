"""JSON Schema for StreamField blocks, derived from the block definitions themselves.

StructBlock → object, ListBlock → array (``min_num``/``max_num`` → ``minItems``/``maxItems``),
CharBlock/TextBlock → string (``max_length`` → ``maxLength``), ChoiceBlock → enum, IntegerBlock →
integer with its bounds, RichTextBlock → the channel's rich-text shape. A block the editor must
fill is required and non-empty; labels and help texts become ``title`` and ``description``. A
block class without a mapping is an error, not a silently loose schema.
"""

from __future__ import annotations

from typing import Any

from wagtail import blocks

from .errors import ExportError


class BlockSchemas:
    """Maps block definitions to JSON Schema, for one rich-text delivery (html or text)."""

    def __init__(self, rich_text: str) -> None:
        self.rich_text = rich_text

    def stream_child(self, name: str, block: blocks.Block) -> dict[str, Any]:
        return {
            **_annotations(block),
            "type": "object",
            "required": ["type", "value", "id"],
            "additionalProperties": False,
            "properties": {
                "type": {"const": name},
                "value": self.value(block),
                "id": {"type": "string", "format": "uuid"},
            },
        }

    def value(self, block: blocks.Block) -> dict[str, Any]:
        return {**_annotations(block), **self._value(block)}

    def _value(self, block: blocks.Block) -> dict[str, Any]:
        required = _is_required(block)
        # Order matters: RichTextBlock and ChoiceBlock are FieldBlocks like CharBlock.
        if isinstance(block, blocks.RichTextBlock):
            if self.rich_text == "html":
                schema = {"type": "string", "contentMediaType": "text/html"}
                return {**schema, "minLength": 1} if required else schema
            schema = {"$ref": "#/$defs/rich_text"}
            return {**schema, "minItems": 1} if required else schema
        if isinstance(block, blocks.StructBlock):
            return {
                "type": "object",
                "properties": {
                    name: self.value(child) for name, child in block.child_blocks.items()
                },
                "required": [
                    name for name, child in block.child_blocks.items() if _is_required(child)
                ],
                "additionalProperties": False,
            }
        if isinstance(block, blocks.ListBlock):
            schema = {"type": "array", "items": self.value(block.child_block)}
            if block.meta.min_num is not None:
                schema["minItems"] = block.meta.min_num
            if block.meta.max_num is not None:
                schema["maxItems"] = block.meta.max_num
            return schema
        if isinstance(block, blocks.MultipleChoiceBlock):
            values = [value for value, _label in _flat_choices(block.field.choices) if value]
            return {"type": "array", "items": {"enum": values}, "uniqueItems": True}
        if isinstance(block, blocks.ChoiceBlock):
            values = [value for value, _label in _flat_choices(block.field.choices) if value]
            return {"enum": values} if required else {"enum": [*values, "", None]}
        if isinstance(block, blocks.IntegerBlock):
            schema = {"type": "integer" if required else ["integer", "null"]}
            if block.field.min_value is not None:
                schema["minimum"] = block.field.min_value
            if block.field.max_value is not None:
                schema["maximum"] = block.field.max_value
            return schema
        if isinstance(block, (blocks.FloatBlock, blocks.DecimalBlock)):
            return {"type": "number" if required else ["number", "null"]}
        if isinstance(block, blocks.BooleanBlock):
            return {"type": "boolean"}
        if isinstance(block, (blocks.CharBlock, blocks.TextBlock, blocks.URLBlock)):
            schema = {"type": "string"}
            if block.field.max_length is not None:
                schema["maxLength"] = block.field.max_length
            if required:
                schema["minLength"] = max(1, block.field.min_length or 0)
            return schema
        raise ExportError(
            f"no JSON Schema mapping for {type(block).__name__} (block {block.name!r}); "
            "add one to cms/publishing/schema.py before exporting this block"
        )

    def shared_definitions(self) -> dict[str, Any]:
        if self.rich_text == "html":
            return {}
        links = {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["text", "href"],
                "additionalProperties": False,
                "properties": {
                    "text": {"type": "string", "minLength": 1},
                    "href": {"type": "string"},
                },
            },
        }
        return {
            "rich_text": {
                "type": "array",
                "description": "Structured plain text: paragraphs and lists, no markup. Each "
                "link names its text (a substring of text) and its absolute target.",
                "items": {
                    "oneOf": [
                        {
                            "type": "object",
                            "required": ["type", "text", "links"],
                            "additionalProperties": False,
                            "properties": {
                                "type": {"const": "paragraph"},
                                "text": {"type": "string", "minLength": 1},
                                "links": links,
                            },
                        },
                        {
                            "type": "object",
                            "required": ["type", "style", "items"],
                            "additionalProperties": False,
                            "properties": {
                                "type": {"const": "list"},
                                "style": {"enum": ["bullet", "ordered"]},
                                "items": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "object",
                                        "required": ["text", "links", "depth"],
                                        "additionalProperties": False,
                                        "properties": {
                                            "text": {"type": "string", "minLength": 1},
                                            "links": links,
                                            "depth": {"type": "integer", "minimum": 0},
                                        },
                                    },
                                },
                            },
                        },
                    ]
                },
            }
        }


def _is_required(block: blocks.Block) -> bool:
    """Whether a value must be present and non-empty, as the editor form enforces it."""
    if isinstance(block, blocks.StructBlock):
        return True  # a struct always has its object, even when every child is optional
    if isinstance(block, blocks.ListBlock):
        return bool(block.meta.min_num)
    return bool(block.required)


def _annotations(block: blocks.Block) -> dict[str, str]:
    annotations = {}
    if block.label:
        annotations["title"] = str(block.label)
    help_text = getattr(getattr(block, "field", None), "help_text", None) or getattr(
        block.meta, "help_text", None
    )
    if help_text:
        annotations["description"] = str(help_text)
    return annotations


def _flat_choices(choices) -> list[tuple[Any, Any]]:
    flat = []
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            flat.extend(label)  # an option group
        else:
            flat.append((value, label))
    return flat
