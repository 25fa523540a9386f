"""The article body in the Wagtail API v2 shape, straight from the stored JSON.

``StreamBlock.get_api_representation`` needs a ``StreamValue``, whose children Wagtail builds
block by block (``to_python``: ``StructValue``, ``ListValue``, ``RichText`` objects) before
turning them back into plain data. For an export of thousands of pages that round trip costs
more than everything else together, so the block definitions are compiled once into functions
that map the stored JSON directly to what ``get_api_representation`` returns, with the same
rules: unknown stream children are dropped, a struct's missing fields take their block's
default, list items may be in the old plain format or the new ``{type: item, value, id}`` one,
choices are normalised to their keys. Rich text goes through the channel's renderer instead of
``APIRichText``. Blocks of any other class take the Wagtail round trip, so a new block type is
exported correctly before it is fast. Golden tests pin the output byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.encoding import force_str
from wagtail import blocks

RichTextRender = Callable[[str], Any]
Transform = Callable[[Any, RichTextRender], Any]

# Field blocks whose to_python and get_api_representation both return the stored value as is.
_PLAIN_FIELD_BLOCKS = (blocks.CharBlock, blocks.TextBlock, blocks.IntegerBlock)


def compile_block(block: blocks.Block) -> Transform:
    """A function ``(stored JSON, rich-text renderer) -> API representation`` for ``block``."""
    # Order matters: RichTextBlock and ChoiceBlock are FieldBlocks too.
    if isinstance(block, blocks.RichTextBlock):
        return _rich_text
    if isinstance(block, blocks.StructBlock):
        return _struct(block)
    if isinstance(block, blocks.ListBlock):
        return _list(block)
    if isinstance(block, blocks.StreamBlock):
        return _stream(block)
    if type(block) in _PLAIN_FIELD_BLOCKS:
        return _plain
    if type(block) is blocks.ChoiceBlock:
        return _choice(block)
    return _wagtail(block)


def _rich_text(raw: Any, render: RichTextRender) -> Any:
    return render(raw or "")  # RichText(None).source == ""


def _plain(raw: Any, render: RichTextRender) -> Any:
    return raw


def _choice(block: blocks.ChoiceBlock) -> Transform:
    # BaseChoiceBlock.normalize_choice: the choice key whose text equals the stored value.
    keys: dict[str, Any] = {}
    for key, label in block.field.choices:
        for subkey in [choice for choice, _ in label] if isinstance(label, list | tuple) else [key]:
            keys.setdefault(force_str(subkey), subkey)

    def transform(raw: Any, render: RichTextRender) -> Any:
        if raw is None:
            return None
        return keys.get(force_str(raw), raw)

    return transform


def _struct(block: blocks.StructBlock) -> Transform:
    # (name, transform, block), the transform None for fields taken as stored: most fields
    # are text, and a call per field is most of the cost of a struct.
    children = []
    for name, child in block.child_blocks.items():
        transform = compile_block(child)
        children.append((name, None if transform is _plain else transform, child))

    def transform(raw: Any, render: RichTextRender) -> dict[str, Any]:
        value = {}
        for name, child_transform, child in children:
            if name not in raw:
                # StructBlock.to_python fills a missing field with the block's default.
                default = child.get_prep_value(child.get_default())
                value[name] = (
                    default if child_transform is None else child_transform(default, render)
                )
            elif child_transform is None:
                value[name] = raw[name]
            elif child_transform is _rich_text:
                value[name] = render(raw[name] or "")
            else:
                value[name] = child_transform(raw[name], render)
        return value

    return transform


def _list(block: blocks.ListBlock) -> Transform:
    child = compile_block(block.child_block)

    def transform(raw: Any, render: RichTextRender) -> list[Any]:
        return [
            child(
                item["value"]
                if isinstance(item, dict)
                and "id" in item
                and "value" in item
                and item.get("type") == "item"
                else item,
                render,
            )
            for item in raw
        ]

    return transform


def _stream(block: blocks.StreamBlock) -> Transform:
    children = {name: compile_block(child) for name, child in block.child_blocks.items()}

    def transform(raw: Any, render: RichTextRender) -> list[dict[str, Any]]:
        return [
            {
                "type": item["type"],
                "value": children[item["type"]](item["value"], render),
                "id": item.get("id"),
            }
            for item in raw or ()
            if item["type"] in children
        ]

    return transform


def _wagtail(block: blocks.Block) -> Transform:
    def transform(raw: Any, render: RichTextRender) -> Any:
        return block.get_api_representation(block.to_python(raw))

    return transform


class BodyRenderer:
    """Renders the top-level children of an article body, one compiled function per type."""

    def __init__(self, stream_block: blocks.StreamBlock) -> None:
        self.children = {
            name: compile_block(child) for name, child in stream_block.child_blocks.items()
        }
        self.types = frozenset(self.children)

    def blocks(
        self, raw: list[dict[str, Any]], render: RichTextRender, types: frozenset[str]
    ) -> list[dict[str, Any]]:
        """``[{type, value, id}]`` for the children of ``raw`` whose type is in ``types``."""
        children = self.children
        return [
            {
                "type": item["type"],
                "value": children[item["type"]](item["value"], render),
                "id": item.get("id"),
            }
            for item in raw
            if item["type"] in types and item["type"] in children
        ]
