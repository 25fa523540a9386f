"""Rich text in and out of catalogs: split per paragraph, attributes swapped for ids.

Wagtail stores rich text as "database HTML" (``<p>``, ``<ul><li>``, ``<b>``, ``<i>``,
``<a href="…">`` or ``<a linktype="page" id="3">``). Translators get one string per paragraph or
list item (a *unit*) with the inline tags kept and every attribute replaced by a short id
(``<a id="a1">our FAQ</a>``): the block structure and the link targets never reach the catalog,
so a translator cannot break them. Apply parses the translation strictly, puts the source
attributes back by id and drops the result into the source's structure.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from html.entities import html5
from html.parser import HTMLParser

Attrs = list[tuple[str, str | None]]

VOID_TAGS = frozenset({"br", "hr", "img", "embed", "wbr", "input", "source"})
UNIT_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dt", "dd", "td", "th"}
)
INLINE_TAGS = frozenset(
    {"a", "b", "i", "strong", "em", "code", "sub", "sup", "s", "u", "span", "small", "mark"}
    | {"abbr", "cite", "q", "br"}
)
UNIT_KINDS = {"li": "list item", "dt": "term", "dd": "definition", "td": "cell", "th": "cell"}
UNIT_KINDS |= {f"h{level}": "heading" for level in range(1, 7)}

# Longest names first, so "&amp;" is recognised before "&amp".
_ENTITY = re.compile(
    "#|" + "|".join(re.escape(name) for name in sorted(html5, key=len, reverse=True))
)


class MarkupError(ValueError):
    """Markup in a translation that cannot be put back into the page."""


@dataclass
class Element:
    """An HTML element of a parsed fragment; a ``tag`` of ``""`` is a bare run of nodes."""

    tag: str
    attrs: Attrs = field(default_factory=list)
    children: list[Node] = field(default_factory=list)


Node = Element | str


@dataclass(frozen=True)
class Placeholder:
    """What an id in a msgid stands for: the source element's tag and attributes."""

    tag: str
    attrs: tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class UnitText:
    """One paragraph or list item as a translator sees it."""

    number: int
    kind: str
    text: str
    placeholders: dict[str, Placeholder]


class _TreeBuilder(HTMLParser):
    def __init__(self, *, strict: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.strict = strict
        self.root = Element("")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        element = Element(tag, list(attrs))
        self.stack[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: Attrs) -> None:
        self.stack[-1].children.append(Element(tag, list(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        if len(self.stack) > 1 and self.stack[-1].tag == tag:
            self.stack.pop()
            return
        if self.strict:
            if len(self.stack) > 1:
                raise MarkupError(f"<{self.stack[-1].tag}> is closed by </{tag}>")
            raise MarkupError(f"</{tag}> closes a tag that was never opened")
        # Lenient (source markup from the database): close up to the matching element.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        children = self.stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)

    def handle_comment(self, data: str) -> None:
        if self.strict:
            raise MarkupError("HTML comments are not allowed")

    def handle_decl(self, decl: str) -> None:
        if self.strict:
            raise MarkupError(f"<!{decl}> is not allowed")

    def handle_pi(self, data: str) -> None:
        if self.strict:
            raise MarkupError(f"<?{data}> is not allowed")


def parse(markup: str, *, strict: bool = False) -> list[Node]:
    """Parse an HTML fragment into nodes; ``strict`` raises on unbalanced or odd markup."""
    builder = _TreeBuilder(strict=strict)
    builder.feed(markup)
    builder.close()
    if strict and len(builder.stack) > 1:
        raise MarkupError(f"<{builder.stack[-1].tag}> is never closed")
    if strict and builder.rawdata:
        raise MarkupError(f"unfinished markup: {builder.rawdata[:40]!r}")
    return builder.root.children


def _escape_attr(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def escape_database_text(text: str) -> str:
    """Text as Wagtail stores it in rich text."""
    return html.escape(text, quote=False)


def escape_catalog_text(text: str) -> str:
    """Text as translators see it: only what would be misread as markup is escaped.

    ``&`` stays readable ("R&D", "A & B") unless it starts something a parser would take for
    an entity.
    """
    out = []
    for index, char in enumerate(text):
        if char == "<":
            out.append("&lt;")
        elif char == ">":
            out.append("&gt;")
        elif char == "&" and _ENTITY.match(text, index + 1):
            out.append("&amp;")
        else:
            out.append(char)
    return "".join(out)


def serialize(nodes: Sequence[Node], escape: Callable[[str], str] = escape_database_text) -> str:
    """Write nodes back as HTML, in Wagtail's database style (``<br/>``, double quotes)."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(escape(node))
            continue
        if not node.tag:
            out.append(serialize(node.children, escape))
            continue
        attrs = "".join(
            f" {name}" if value is None else f' {name}="{_escape_attr(value)}"'
            for name, value in node.attrs
        )
        if node.tag in VOID_TAGS:
            out.append(f"<{node.tag}{attrs}/>")
        else:
            out.append(f"<{node.tag}{attrs}>{serialize(node.children, escape)}</{node.tag}>")
    return "".join(out)


def text_content(nodes: Sequence[Node]) -> str:
    """The text of nodes without any markup."""
    return "".join(node if isinstance(node, str) else text_content(node.children) for node in nodes)


def _is_inline(node: Node) -> bool:
    return isinstance(node, str) or node.tag in INLINE_TAGS


def _inline_children(unit: Element) -> list[Node]:
    return [child for child in unit.children if _is_inline(child)]


class RichTextDocument:
    """A rich text value split into translatable units, which can be replaced and re-rendered.

    Units are the paragraphs, headings and list items that contain text, in document order,
    numbered from 1. A list item's nested list is not part of its unit: its items are units
    of their own. Text outside any paragraph becomes a unit too, so nothing escapes translation.
    """

    def __init__(self, markup: str) -> None:
        self.nodes = parse(markup)
        self._units: list[Element] = []
        self._collect(self.nodes)

    def _collect(self, nodes: list[Node]) -> None:
        index = 0
        while index < len(nodes):
            node = nodes[index]
            if _is_inline(node):
                end = index
                while end < len(nodes) and _is_inline(nodes[end]):
                    end += 1
                run = nodes[index:end]
                if text_content(run).strip():
                    # Wrap the stray run so it can be replaced as one unit.
                    wrapper = Element("", [], list(run))
                    nodes[index:end] = [wrapper]
                    self._units.append(wrapper)
                    index += 1
                else:
                    index = end
                continue
            if node.tag in UNIT_TAGS:
                if text_content(_inline_children(node)).strip():
                    self._units.append(node)
                self._collect([child for child in node.children if not _is_inline(child)])
            else:
                self._collect(node.children)
            index += 1

    def __len__(self) -> int:
        return len(self._units)

    def units(self) -> Iterator[UnitText]:
        """Each unit's catalog text (attributes replaced by ids) and what the ids stand for."""
        counters: dict[str, int] = {}
        for number, unit in enumerate(self._units, start=1):
            kind = UNIT_KINDS.get(unit.tag, "paragraph")
            counters[kind] = counters.get(kind, 0) + 1
            nodes, placeholders = _with_placeholders(_inline_children(unit))
            yield UnitText(
                number=number,
                kind=f"{kind} {counters[kind]}",
                text=serialize(nodes, escape_catalog_text),
                placeholders=placeholders,
            )

    def texts(self) -> list[str]:
        """The plain text of each unit, as a reader sees it (entities decoded, no tags)."""
        return [text_content(_inline_children(unit)) for unit in self._units]

    def replace(self, number: int, nodes: list[Node]) -> None:
        """Put ``nodes`` (a parsed translation) in place of unit ``number``'s inline content."""
        unit = self._units[number - 1]
        blocks = [child for child in unit.children if not _is_inline(child)]
        unit.children = [*nodes, *blocks]

    def to_html(self) -> str:
        """The document as Wagtail database HTML."""
        return serialize(self.nodes)


def _with_placeholders(nodes: list[Node]) -> tuple[list[Node], dict[str, Placeholder]]:
    placeholders: dict[str, Placeholder] = {}
    counters: dict[str, int] = {}

    def swap(node: Node) -> Node:
        if isinstance(node, str):
            return node
        attrs: Attrs = []
        if node.attrs:
            counters[node.tag] = counters.get(node.tag, 0) + 1
            ident = f"{node.tag}{counters[node.tag]}"
            placeholders[ident] = Placeholder(node.tag, tuple(node.attrs))
            attrs = [("id", ident)]
        return Element(node.tag, attrs, [swap(child) for child in node.children])

    return [swap(node) for node in nodes], placeholders


def restore(
    translation: str,
    placeholders: dict[str, Placeholder],
    map_attrs: Callable[[str, Attrs], Attrs] | None = None,
) -> list[Node]:
    """Parse a translated unit and give each ``id`` back the source element's attributes.

    Raises ``MarkupError`` for anything that cannot go into a paragraph: broken markup, block
    tags, unknown tags, attributes other than a known id, or an id used twice.
    """
    nodes = parse(translation, strict=True)
    used: set[str] = set()

    def visit(node: Node) -> Node:
        if isinstance(node, str):
            return node
        if node.tag not in INLINE_TAGS:
            raise MarkupError(f"<{node.tag}> cannot be used inside a paragraph")
        attrs: Attrs = []
        if node.attrs:
            if len(node.attrs) != 1 or node.attrs[0][0] != "id":
                names = ", ".join(name for name, _value in node.attrs)
                raise MarkupError(f"<{node.tag}> may only carry an id from the source, not {names}")
            ident = node.attrs[0][1] or ""
            placeholder = placeholders.get(ident)
            if placeholder is None or placeholder.tag != node.tag:
                raise MarkupError(f'<{node.tag} id="{ident}"> is not in the source text')
            if ident in used:
                raise MarkupError(f'<{node.tag} id="{ident}"> is used twice')
            used.add(ident)
            attrs = list(placeholder.attrs)
            if map_attrs is not None:
                attrs = map_attrs(node.tag, attrs)
        return Element(node.tag, attrs, [visit(child) for child in node.children])

    return [visit(node) for node in nodes]


def page_link_ids(markup: str) -> set[int]:
    """The ids of the internal pages that rich text links to (``<a linktype="page" id="N">``)."""
    found: set[int] = set()

    def walk(nodes: Sequence[Node]) -> None:
        for node in nodes:
            if isinstance(node, str):
                continue
            attrs = dict(node.attrs)
            if node.tag == "a" and attrs.get("linktype") == "page":
                with_id = attrs.get("id") or ""
                if with_id.isdigit():
                    found.add(int(with_id))
            walk(node.children)

    walk(parse(markup))
    return found
