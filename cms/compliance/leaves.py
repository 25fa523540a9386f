"""Every piece of text in an article, with its content path, for the rules to read.

Walks the StreamField by block class (struct fields, list items, rich text, char and text
fields), so a new block type is covered without changes here. Paths use the same form as the
translation catalogs' ``msgctxt`` (``title``, ``summary``, ``body.<block-id>.<field>``,
``body.<block-id>.<list>.<item-id>.<field>``), so a finding points at the same place an editor or
a translator sees.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.rich_text import RichText

from cms.compliance.naming import block_name
from cms.compliance.text import html_to_text, normalise

TEXT_BLOCKS = (blocks.CharBlock, blocks.TextBlock)


@dataclass(frozen=True)
class Crumb:
    """One step of a human-readable location: a label (translated lazily) and an ordinal.

    ``position`` counts among the siblings of the same type (the second section, not the fifth
    block), and ``total`` is how many of that type there are: a lone block goes by its label.
    """

    label: str | Promise
    position: int | None = None
    total: int | None = None

    def render(self) -> str:
        return block_name(str(self.label), self.position, self.total)


@dataclass(frozen=True)
class TextLeaf:
    """One text field of an article as plain text, with where it is."""

    path: str
    text: str
    block_type: str | None
    trail: tuple[Crumb, ...]


def article_leaves(title: str, summary: str, body: Any) -> Iterator[TextLeaf]:
    """The title, the summary and every non-empty text field of ``body`` (a StreamValue)."""
    for path, label, value in (("title", _("Title"), title), ("summary", _("Summary"), summary)):
        text = normalise(value or "")
        if text:
            yield TextLeaf(path=path, text=text, block_type=None, trail=(Crumb(label),))
    for child, position, total in ordinals(body):
        yield from _walk(
            child.block,
            child.value,
            path=f"body.{child.id}",
            trail=(Crumb(child.block.label, position, total),),
            block_type=child.block_type,
        )


def ordinals(stream: Any) -> Iterator[tuple[Any, int, int]]:
    """Each child of ``stream``, its position among children of its type, and their count."""
    children = list(stream)
    totals = Counter(child.block_type for child in children)
    seen: Counter[str] = Counter()
    for child in children:
        seen[child.block_type] += 1
        yield child, seen[child.block_type], totals[child.block_type]


def _walk(
    block: blocks.Block, value: Any, path: str, trail: tuple[Crumb, ...], block_type: str
) -> Iterator[TextLeaf]:
    if isinstance(block, blocks.RichTextBlock):
        source = value.source if isinstance(value, RichText) else str(value or "")
        yield from _leaf(html_to_text(source), path, trail, block_type)
    elif isinstance(block, TEXT_BLOCKS):
        yield from _leaf(normalise(str(value or "")), path, trail, block_type)
    elif isinstance(block, blocks.StructBlock):
        for name, child_block in block.child_blocks.items():
            yield from _walk(
                child_block,
                value.get(name) if value is not None else None,
                f"{path}.{name}",
                (*trail, Crumb(child_block.label)),
                block_type,
            )
    elif isinstance(block, blocks.ListBlock) and value is not None:
        *parents, list_crumb = trail
        items = value.bound_blocks
        for position, item in enumerate(items, start=1):
            yield from _walk(
                block.child_block,
                item.value,
                f"{path}.{item.id}",
                (*parents, Crumb(list_crumb.label, position, len(items))),
                block_type,
            )
    elif isinstance(block, blocks.StreamBlock) and value is not None:
        for child, position, total in ordinals(value):
            yield from _walk(
                child.block,
                child.value,
                f"{path}.{child.id}",
                (*trail, Crumb(child.block.label, position, total)),
                block_type,
            )
    # Choices, numbers and other structured values carry no prose to check.


def _leaf(text: str, path: str, trail: tuple[Crumb, ...], block_type: str) -> Iterator[TextLeaf]:
    if text:
        yield TextLeaf(path=path, text=text, block_type=block_type, trail=trail)
