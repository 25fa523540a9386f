"""JSON Schema for StreamField blocks, derived from the block definitions themselves.

StructBlock → object, ListBlock → array (``min_num``/``max_num`` → ``minItems``/``maxItems``),
CharBlock/TextBlock → string (``max_length`` → ``maxLength``), ChoiceBlock → enum, IntegerBlock →
integer with its bounds, RichTextBlock → the channel's rich-text shape. A block the editor must
fill is required and non-empty. A block class without a mapping is an error, not a silently
loose schema.

The schemas are written for code generators as much as for validators (datamodel-code-generator,
json-schema-to-typescript): every object and every enum is a named ``$defs`` entry whose
``title`` is its name (PascalCase, unique), and fields carry their editor's label and help text
as a ``description``, never a ``title`` (a titled field becomes a type of its own in generated
code: ``type Heading = string``, ``Heading1``, ``Heading2``). Nothing is nested anonymously.
"""

from __future__ import annotations

from typing import Any

from wagtail import blocks

from .errors import ExportError


def pascal(name: str) -> str:
    """``thread_types`` → ``ThreadTypes``."""
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", "_").split("_"))


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


class BlockSchemas:
    """Maps block definitions to JSON Schema, for one rich-text delivery (html or text).

    Named types accumulate in ``definitions`` as blocks are walked; the caller puts them in
    the document schema's ``$defs``.
    """

    def __init__(self, rich_text: str) -> None:
        self.rich_text = rich_text
        self.definitions: dict[str, dict[str, Any]] = {}

    def stream_child(self, name: str, block: blocks.Block) -> dict[str, str]:
        """Define ``<Type>Block`` (``{type, value, id}``) for a body child; return its ``$ref``."""
        value = self._value(block, pascal(name))  # described once, by the block type
        return self.define(
            f"{pascal(name)}Block",
            {
                **_description(block),
                "type": "object",
                "required": ["type", "value", "id"],
                "additionalProperties": False,
                "properties": {
                    "type": {"const": name},
                    "value": value,
                    "id": {"type": "string", "format": "uuid"},
                },
            },
        )

    def value(self, block: blocks.Block, name: str | None = None) -> dict[str, Any]:
        """The schema of ``block``'s value; structs and enums are defined as ``name``."""
        schema = self._value(block, name or _type_name(block))
        if "$ref" in schema:
            # A reference stands alone: beside it, generators copy the type (RichText1, …).
            return schema
        return {**_description(block), **schema}

    def define(self, name: str, schema: dict[str, Any]) -> dict[str, str]:
        """Add ``schema`` as the named type ``name``; a second, different one gets a number."""
        schema = {"title": name, **schema}
        candidate, number = name, 1
        while candidate in self.definitions:
            if self.definitions[candidate] == {**schema, "title": candidate}:
                return ref(candidate)  # the same block class used twice: one type
            number += 1
            candidate = f"{name}{number}"
        self.definitions[candidate] = {**schema, "title": candidate}
        return ref(candidate)

    def _value(self, block: blocks.Block, name: str) -> dict[str, Any]:
        required = _is_required(block)
        # Order matters: RichTextBlock and ChoiceBlock are FieldBlocks like CharBlock.
        if isinstance(block, blocks.RichTextBlock):
            if self.rich_text == "html":
                schema = {"type": "string", "contentMediaType": "text/html"}
                return {**schema, "minLength": 1} if required else schema
            self._define_rich_text()
            return ref("RichTextRequired" if required else "RichText")
        if isinstance(block, blocks.StructBlock):
            return self.define(
                name,
                {
                    "type": "object",
                    "required": [
                        child_name
                        for child_name, child in block.child_blocks.items()
                        if _is_required(child)
                    ],
                    "additionalProperties": False,
                    "properties": {
                        child_name: self.value(child, _child_name(name, child_name, child))
                        for child_name, child in block.child_blocks.items()
                    },
                },
            )
        if isinstance(block, blocks.ListBlock):
            child = block.child_block
            item_name = _type_name(child, fallback=f"{name}Item")
            schema = {"type": "array", "items": self.value(child, item_name)}
            if block.meta.min_num is not None:
                schema["minItems"] = block.meta.min_num
            if block.meta.max_num is not None:
                schema["maxItems"] = block.meta.max_num
            return schema
        if isinstance(block, blocks.MultipleChoiceBlock):
            enum = self.define(name, {"enum": _choice_values(block)})
            return {"type": "array", "items": enum, "uniqueItems": True}
        if isinstance(block, blocks.ChoiceBlock):
            enum = self.define(name, {"enum": _choice_values(block)})
            if required:
                return enum
            # Not chosen: "" as Wagtail stores it, or null. Alternatives beside the named
            # enum, never members of it.
            return {"anyOf": [enum, {"const": ""}, {"type": "null"}]}
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
            "add one to cms/publishing/block_schema.py before exporting this block"
        )

    def _define_rich_text(self) -> None:
        if "RichText" in self.definitions:
            return
        link = self.define(
            "RichTextLink",
            {
                "type": "object",
                "description": "A link inside a paragraph or list item: its text, its absolute "
                "target, and where the text is: text[start:end], in Unicode code points.",
                "required": ["text", "href", "start", "end"],
                "additionalProperties": False,
                "properties": {
                    "text": {"type": "string", "minLength": 1},
                    "href": {"type": "string"},
                    "start": {"type": "integer", "minimum": 0},
                    "end": {"type": "integer", "minimum": 1},
                },
            },
        )
        links = {"type": "array", "items": link}
        paragraph = self.define(
            "RichTextParagraph",
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
        )
        item = self.define(
            "RichTextListItem",
            {
                "type": "object",
                "description": "depth 0 is a top-level item, 1 an item of a nested list, ….",
                "required": ["text", "links", "depth"],
                "additionalProperties": False,
                "properties": {
                    "text": {"type": "string", "minLength": 1},
                    "links": links,
                    "depth": {"type": "integer", "minimum": 0},
                },
            },
        )
        bullet_list = self.define(
            "RichTextList",
            {
                "type": "object",
                "required": ["type", "style", "items"],
                "additionalProperties": False,
                "properties": {
                    "type": {"const": "list"},
                    "style": self.define("RichTextListStyle", {"enum": ["bullet", "ordered"]}),
                    "items": {"type": "array", "minItems": 1, "items": item},
                },
            },
        )
        nodes = {"oneOf": [paragraph, bullet_list]}
        self.define(
            "RichText",
            {
                "type": "array",
                "description": "Structured plain text: paragraphs and lists, no markup; [] "
                "when the editor left it empty.",
                "items": nodes,
            },
        )
        self.define(
            "RichTextRequired",
            {
                "type": "array",
                "description": "Structured plain text the editor must fill: at least one "
                "paragraph or list.",
                "minItems": 1,
                "items": nodes,
            },
        )


def _type_name(block: blocks.Block, fallback: str = "") -> str:
    """A struct's type name from its class (``ThreadTypeRowBlock`` → ``ThreadTypeRow``)."""
    cls = type(block)
    if cls.__module__.startswith("wagtail."):
        return fallback or pascal(block.name or "Value")
    return cls.__name__.removesuffix("Block") or cls.__name__


def _child_name(owner: str, field: str, block: blocks.Block) -> str:
    # Enums and anonymous structs are named after their owner and field (ThreadTypeRowMaterial);
    # a struct with a class of its own keeps the class's name.
    if isinstance(block, blocks.StructBlock) and not type(block).__module__.startswith("wagtail."):
        return _type_name(block)
    return owner + pascal(field)


def _is_required(block: blocks.Block) -> bool:
    """Whether a value must be present and non-empty, as the editor form enforces it."""
    if isinstance(block, blocks.StructBlock):
        return True  # a struct always has its object, even when every child is optional
    if isinstance(block, blocks.ListBlock):
        return bool(block.meta.min_num)
    return bool(block.required)


def _description(block: blocks.Block) -> dict[str, str]:
    """The editor's label and help text, as one description."""
    label = str(block.label) if block.label else ""
    help_text = getattr(getattr(block, "field", None), "help_text", None) or getattr(
        block.meta, "help_text", None
    )
    parts = [label, str(help_text) if help_text else ""]
    text = ". ".join(part.rstrip(".") if i == 0 else part for i, part in enumerate(parts) if part)
    return {"description": text} if text else {}


def _choice_values(block: blocks.ChoiceBlock) -> list[Any]:
    return [value for value, _label in _flat_choices(block.field.choices) if value]


def _flat_choices(choices) -> list[tuple[Any, Any]]:
    flat = []
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            flat.extend(label)  # an option group
        else:
            flat.append((value, label))
    return flat
