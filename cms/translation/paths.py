"""Content paths: every translatable field of a page, named by a path that never moves.

A path is built from field names and block ids, never from positions, so reordering blocks
keeps every string's identity: ``title``, ``summary``, ``body.<block-id>.heading``,
``body.<block-id>.rows.<item-id>.purpose``. Rich text adds ``#<n>`` per paragraph (see
``richtext``). The same walk serves extraction (read the leaves) and apply (rebuild the body
with translated leaves), so the two can never disagree on a path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.utils import translation
from wagtail import blocks

from cms.translation.segments import Leaf, LeafKind

# Page fields that carry text, in catalog order: (path, attribute, label, required).
PAGE_FIELDS: tuple[tuple[str, str, str, bool], ...] = (
    ("title", "title", "Page title", True),
    ("seo_title", "seo_title", "Title for search engines", False),
    ("summary", "search_description", "Summary (listings, search results and channels)", False),
)
# Blocks whose every text is required whatever the block model says: publishing an article
# whose legal notice is not in the reader's language is never acceptable.
ALWAYS_REQUIRED_BLOCKS = frozenset({"disclaimer"})
# Joins the parts of a description, e.g. "Thread types table (block 3) / Thread type 2 / Notes"
# with this separator (a guillemet-like arrow) in place of the slashes.
SEPARATOR = " \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} "

Visit = Callable[[Leaf], Any]


def unit_context(field_path: str, number: int) -> str:
    """The context of paragraph ``number`` (1-based) of a rich text field."""
    return f"{field_path}#{number}"


def field_of(context: str) -> str:
    """The field path a context belongs to (``body.x.body#3`` → ``body.x.body``)."""
    return context.partition("#")[0]


def _label(block: blocks.Block) -> str:
    return str(block.label or block.name or "")


def walk_page(
    fields: dict[str, str],
    body: list[dict[str, Any]],
    stream_block: blocks.StreamBlock,
    visit: Visit,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Call ``visit`` on every non-empty text leaf; rebuild the content from its return values.

    ``fields`` maps page attributes (``title``, ``search_description``…) to their text and
    ``body`` is the StreamField's raw data. Returns the new fields and the new raw body; the
    inputs are not changed. Structured values (choices, numbers) and empty texts are copied
    as they are. Descriptions are in ``settings.TRANSLATION_NOTES_LANGUAGE`` whatever language
    is active, so that catalogs do not depend on who runs the command.
    """
    with translation.override(settings.TRANSLATION_NOTES_LANGUAGE):
        new_fields: dict[str, Any] = {}
        for path, attribute, label, required in PAGE_FIELDS:
            value = fields.get(attribute, "")
            if isinstance(value, str) and value.strip():
                leaf = Leaf(path, LeafKind.TEXT, value, required, label)
                new_fields[attribute] = visit(leaf)
            else:
                new_fields[attribute] = value
        new_body = _walk_stream(body, stream_block, "body", "", visit, force_required=False)
    return new_fields, new_body


def iter_leaves(
    fields: dict[str, str], body: list[dict[str, Any]], stream_block: blocks.StreamBlock
) -> Iterator[Leaf]:
    """Every non-empty text leaf of a page, in reading order."""
    found: list[Leaf] = []

    def collect(leaf: Leaf) -> str:
        found.append(leaf)
        return leaf.value

    walk_page(fields, body, stream_block, collect)
    yield from found


def _walk_stream(
    items: list[dict[str, Any]],
    stream_block: blocks.StreamBlock,
    path: str,
    description: str,
    visit: Visit,
    *,
    force_required: bool,
) -> list[dict[str, Any]]:
    result = []
    for index, child in enumerate(items, start=1):
        block = stream_block.child_blocks.get(child.get("type"))
        if block is None or not child.get("id"):
            result.append(child)
            continue
        where = f"{description}{SEPARATOR}" if description else ""
        value = _walk(
            child.get("value"),
            block,
            f"{path}.{child['id']}",
            f"{where}{_label(block)} (block {index})",
            child["id"],
            visit,
            force_required=force_required or child["type"] in ALWAYS_REQUIRED_BLOCKS,
        )
        result.append({**child, "value": value})
    return result


def _walk(
    value: Any,
    block: blocks.Block,
    path: str,
    description: str,
    anchor: str,
    visit: Visit,
    *,
    force_required: bool,
) -> Any:
    if isinstance(block, blocks.StreamBlock):
        return _walk_stream(
            value or [], block, path, description, visit, force_required=force_required
        )
    if isinstance(block, blocks.StructBlock):
        if not isinstance(value, dict):
            return value
        rebuilt = dict(value)
        for name, child in block.child_blocks.items():
            if name in value:
                # A list's items say what they are ("Thread type 2"): the list's own label
                # ("Thread types") would only repeat it.
                child_description = (
                    description
                    if isinstance(child, blocks.ListBlock)
                    else f"{description}{SEPARATOR}{_label(child)}"
                )
                rebuilt[name] = _walk(
                    value[name],
                    child,
                    f"{path}.{name}",
                    child_description,
                    anchor,
                    visit,
                    force_required=force_required,
                )
        return rebuilt
    if isinstance(block, blocks.ListBlock):
        return [
            _walk_list_item(item, number, block, path, description, visit, force_required)
            for number, item in enumerate(value or [], start=1)
        ]
    if isinstance(block, (blocks.CharBlock, blocks.TextBlock, blocks.RichTextBlock)):
        if not isinstance(value, str) or not value.strip():
            return value
        kind = LeafKind.RICH if isinstance(block, blocks.RichTextBlock) else LeafKind.TEXT
        required = force_required or bool(block.required)
        return visit(Leaf(path, kind, value, required, description, anchor))
    return value


def _walk_list_item(
    item: Any,
    number: int,
    block: blocks.ListBlock,
    path: str,
    description: str,
    visit: Visit,
    force_required: bool,
) -> Any:
    child = block.child_block
    label = f"{description}{SEPARATOR}{_label(child)} {number}"
    if isinstance(item, dict) and item.get("type") == "item" and item.get("id"):
        value = _walk(
            item.get("value"),
            child,
            f"{path}.{item['id']}",
            label,
            item["id"],
            visit,
            force_required=force_required,
        )
        return {**item, "value": value}
    # Lists saved before Wagtail gave items ids: the position is all there is.
    return _walk(item, child, f"{path}.{number}", label, "", visit, force_required=force_required)
