"""Rich text for channels: sanitised HTML with absolute links, or structured plain text.

Input is Wagtail's database HTML (``<a linktype="page" id="12">``). Every link goes through a
resolver that returns an absolute, localized URL or None; a link resolving to None (a draft,
private or deleted page, an unsafe scheme) keeps its text and loses the link.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from html.parser import HTMLParser
from typing import Any

import nh3
from wagtail.rich_text.rewriters import extract_attrs

# The markup RICH_TEXT_FEATURES can produce; anything else is stripped, keeping its text.
ALLOWED_TAGS = {"p", "br", "b", "strong", "i", "em", "ul", "ol", "li", "a"}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
FIND_A_TAG = re.compile(r"<a(\b[^>]*)>")  # Wagtail's own pattern (wagtail.rich_text.rewriters)
BARE_A = re.compile(r"<a>(.*?)</a>", re.DOTALL)
BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "div"}
DROPPED_CONTENT_TAGS = {"script", "style"}

LinkResolver = Callable[[dict[str, str]], str | None]
PageLinker = Callable[[int], str | None]


def link_resolver(page_url: PageLinker, base_url: str) -> LinkResolver:
    """A resolver for one document: internal links via ``page_url``, others checked."""

    def resolve(attrs: dict[str, str]) -> str | None:
        linktype = attrs.get("linktype")
        if linktype == "page":
            try:
                return page_url(int(attrs.get("id", "")))
            except ValueError:
                return None
        if linktype:
            # Documents and other link types are not among the editor's features; a channel
            # gets the text rather than a URL it cannot use.
            return None
        href = attrs.get("href", "").strip()
        if href.startswith("#"):
            return href
        if href.startswith("/") and not href.startswith("//"):
            return base_url + href
        scheme, colon, _rest = href.partition(":")
        return href if colon and scheme.lower() in URL_SCHEMES else None

    return resolve


def to_html(db_html: str, resolve: LinkResolver) -> str:
    """Sanitised HTML (nh3 allowlist) with every link absolute or removed."""
    if not db_html:
        return ""

    def rewrite(match: re.Match) -> str:
        href = resolve(extract_attrs(match.group(1)))
        return f'<a href="{escape(href)}">' if href else "<a>"

    html = FIND_A_TAG.sub(rewrite, db_html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_CONTENT_TAGS,
        attributes={"a": {"href"}},
        url_schemes=URL_SCHEMES,
        link_rel=None,
    )
    # An <a> without href is a link that resolved to nothing: keep only its text.
    return BARE_A.sub(r"\1", clean)


def to_text(db_html: str, resolve: LinkResolver) -> list[dict[str, Any]]:
    """Structured plain text: paragraphs and lists of items, each with text and link targets.

    ``[{"type": "paragraph", "text": "…", "links": [{"text": "FAQ", "href": "https://…"}]},
    {"type": "list", "style": "bullet", "items": [{"text": "…", "links": [], "depth": 0}]}]``
    Bold and italics are dropped; a line break inside a paragraph is ``\\n``.
    """
    if not db_html:
        return []
    parser = _TextParser(resolve)
    parser.feed(db_html)
    parser.close()
    return parser.finish()


class _TextParser(HTMLParser):
    def __init__(self, resolve: LinkResolver) -> None:
        super().__init__(convert_charrefs=True)
        self.resolve = resolve
        self.nodes: list[dict[str, Any]] = []
        self.list_stack: list[dict[str, Any]] = []  # open lists; items go to the outermost
        self.parts: list[str] = []
        self.links: list[dict[str, str]] = []
        self.link: tuple[str, list[str]] | None = None
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_CONTENT_TAGS:
            self.dropping += 1
        elif tag in BLOCK_TAGS or tag == "li":
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            style = "ordered" if tag == "ol" else "bullet"
            self.list_stack.append({"type": "list", "style": style, "items": []})
        elif tag == "br":
            self.handle_data("\n")
        elif tag == "a":
            href = self.resolve({name: value or "" for name, value in attrs})
            self.link = (href, []) if href else None

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED_CONTENT_TAGS:
            self.dropping = max(0, self.dropping - 1)
        elif tag in BLOCK_TAGS or tag == "li":
            self._flush()
        elif tag in ("ul", "ol") and self.list_stack:
            self._flush()
            # Nested lists file their items under the outermost list, with a depth.
            finished = self.list_stack.pop()
            if not self.list_stack and finished["items"]:
                self.nodes.append(finished)
        elif tag == "a" and self.link is not None:
            href, text_parts = self.link
            text = "".join(text_parts).strip()
            if text:
                self.links.append({"text": text, "href": href})
            self.link = None

    def handle_data(self, data: str) -> None:
        if self.dropping:
            return
        self.parts.append(data)
        if self.link is not None:
            self.link[1].append(data)

    def _flush(self) -> None:
        text = "".join(self.parts).strip()
        links, self.parts, self.links = self.links, [], []
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
