"""Rich text as structured plain text: paragraphs and list items with their link targets.

``TextParser`` (on ``html.parser.HTMLParser``) is the reference and takes any markup. Wagtail's
database HTML is only ever a handful of plain tags, though, and for such input ``_simple``
produces the same nodes in one pass over a regular expression, several times faster; anything
it does not recognise (comments, declarations, script or style content, unusual attribute
syntax, a ``<`` that starts no tag) is handed to the parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from html.parser import HTMLParser
from typing import Any

LinkResolver = Callable[[dict[str, str]], str | None]
# A link as read: its target, where its text starts in the unstripped text, its raw text.
RawLink = tuple[str, int, str]

BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "div"}
DROPPED_CONTENT_TAGS = {"script", "style"}  # HTMLParser reads their content as raw text
LIST_STYLES = {"ul": "bullet", "ol": "ordered"}


def plain_text(db_html: str, resolve: LinkResolver) -> list[dict[str, Any]]:
    """The nodes of ``db_html`` (see ``richtext.to_text``)."""
    if _PARAGRAPHS.fullmatch(db_html):
        # Most rich text is paragraphs of text and nothing else.
        texts = (unescape(text) if "&" in text else text for text in _PARAGRAPH.findall(db_html))
        return [
            {"type": "paragraph", "text": text, "links": []}
            for text in map(str.strip, texts)
            if text
        ]
    nodes = _simple(db_html, resolve)
    if nodes is None:
        parser = TextParser(resolve)
        parser.feed(db_html)
        parser.close()
        nodes = parser.finish()
    return nodes


_PARAGRAPHS = re.compile(r"(?:<p>[^<]*</p>)+")
_PARAGRAPH = re.compile(r"<p>([^<]*)</p>")
_TOKEN = re.compile(
    r"<(/)?([a-zA-Z][a-zA-Z0-9]*)"
    r'((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:\s*=\s*"[^"<>]*")?)*)\s*(/)?>'
    r"|([^<]+)"
    r"|(<)"
)
_ATTRIBUTE = re.compile(r'([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*"([^"<>]*)")?')


def _simple(html: str, resolve: LinkResolver) -> list[dict[str, Any]] | None:
    """``TextParser``'s nodes for simple markup, or None if ``html`` is not simple."""
    nodes: list[dict[str, Any]] = []
    lists: list[dict[str, Any]] = []  # open lists; items go to the outermost
    parts: list[str] = []
    links: list[RawLink] = []
    link: list[str] | None = None  # the text parts of the open link, if it resolved
    link_start = 0
    href = ""

    def flush() -> None:
        nonlocal parts, links
        raw = "".join(parts)
        text = raw.strip()
        found, parts, links = _placed(raw, links), [], []
        if not text:
            return
        if lists:
            lists[0]["items"].append({"text": text, "links": found, "depth": len(lists) - 1})
        else:
            nodes.append({"type": "paragraph", "text": text, "links": found})

    for closing, name, attributes, self_closing, text, stray in _TOKEN.findall(html):
        if text:
            if "&" in text:
                text = unescape(text)
            parts.append(text)
            if link is not None:
                link.append(text)
            continue
        if stray:
            return None
        tag = name.lower()
        if tag in DROPPED_CONTENT_TAGS or (closing and (attributes or self_closing)):
            return None
        if not closing:
            if tag in BLOCK_TAGS or tag == "li":
                flush()
            elif tag in LIST_STYLES:
                flush()
                lists.append({"type": "list", "style": LIST_STYLES[tag], "items": []})
            elif tag == "br":
                parts.append("\n")
                if link is not None:
                    link.append("\n")
            elif tag == "a":
                # As HTMLParser reports them: lower-case names, unescaped values, None (here
                # "") for a name without a value.
                attrs = {
                    attr[1].lower(): unescape(attr[2]) if attr[2] else ""
                    for attr in _ATTRIBUTE.finditer(attributes)
                }
                href = resolve(attrs)
                link = [] if href else None
                link_start = sum(map(len, parts))
            if not self_closing:
                continue
        # An end tag, or the end of a self-closing start tag.
        if tag in BLOCK_TAGS or tag == "li":
            flush()
        elif tag in LIST_STYLES and lists:
            flush()
            finished = lists.pop()
            if not lists and finished["items"]:
                nodes.append(finished)
        elif tag == "a" and link is not None:
            links.append((href, link_start, "".join(link)))
            link = None
    flush()
    while lists:
        finished = lists.pop()
        if not lists and finished["items"]:
            nodes.append(finished)
    return nodes


class TextParser(HTMLParser):
    """The reference conversion, for any markup."""

    def __init__(self, resolve: LinkResolver) -> None:
        super().__init__(convert_charrefs=True)
        self.resolve = resolve
        self.nodes: list[dict[str, Any]] = []
        self.list_stack: list[dict[str, Any]] = []  # open lists; items go to the outermost
        self.parts: list[str] = []
        self.links: list[RawLink] = []
        self.link: tuple[str, list[str], int] | None = None
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_CONTENT_TAGS:
            self.dropping += 1
        elif tag in BLOCK_TAGS or tag == "li":
            self._flush()
        elif tag in LIST_STYLES:
            self._flush()
            self.list_stack.append({"type": "list", "style": LIST_STYLES[tag], "items": []})
        elif tag == "br":
            self.handle_data("\n")
        elif tag == "a":
            href = self.resolve({name: value or "" for name, value in attrs})
            self.link = (href, [], sum(map(len, self.parts))) if href else None

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED_CONTENT_TAGS:
            self.dropping = max(0, self.dropping - 1)
        elif tag in BLOCK_TAGS or tag == "li":
            self._flush()
        elif tag in LIST_STYLES and self.list_stack:
            self._flush()
            # Nested lists file their items under the outermost list, with a depth.
            finished = self.list_stack.pop()
            if not self.list_stack and finished["items"]:
                self.nodes.append(finished)
        elif tag == "a" and self.link is not None:
            href, text_parts, start = self.link
            self.links.append((href, start, "".join(text_parts)))
            self.link = None

    def handle_data(self, data: str) -> None:
        if self.dropping:
            return
        self.parts.append(data)
        if self.link is not None:
            self.link[1].append(data)

    def _flush(self) -> None:
        raw = "".join(self.parts)
        text = raw.strip()
        links, self.parts, self.links = _placed(raw, self.links), [], []
        if not text:
            return
        if self.list_stack:
            outermost = self.list_stack[0]
            depth = len(self.list_stack) - 1
            outermost["items"].append({"text": text, "links": links, "depth": depth})
        else:
            self.nodes.append({"type": "paragraph", "text": text, "links": links})

    def finish(self) -> list[dict[str, Any]]:
        self._flush()
        while self.list_stack:
            finished = self.list_stack.pop()
            if not self.list_stack and finished["items"]:
                self.nodes.append(finished)
        return self.nodes


def _placed(raw: str, links: list[RawLink]) -> list[dict[str, Any]]:
    """Links with their text and offsets in ``raw.strip()``: ``text[start:end]`` (code points).

    Offsets, not the text alone: the same words can occur twice in a paragraph, and only one
    of them is the link.
    """
    lead = len(raw) - len(raw.lstrip())
    placed = []
    for href, raw_start, raw_text in links:
        text = raw_text.strip()
        if not text:
            continue
        start = raw_start + len(raw_text) - len(raw_text.lstrip()) - lead
        placed.append({"text": text, "href": href, "start": start, "end": start + len(text)})
    return placed
