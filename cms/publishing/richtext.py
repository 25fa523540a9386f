"""Rich text for channels: sanitised HTML with absolute links, or structured plain text.

Input is Wagtail's database HTML (``<a linktype="page" id="12">``). Every link goes through a
resolver that returns an absolute, localized URL or None; a link resolving to None (a draft,
private or deleted page, an unsafe scheme) keeps its text and loses the link.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import suppress
from functools import cache
from html import escape
from typing import Any

import nh3
from wagtail.rich_text.rewriters import extract_attrs

from .plaintext import DROPPED_CONTENT_TAGS, plain_text

# The markup RICH_TEXT_FEATURES can produce; anything else is stripped, keeping its text.
ALLOWED_TAGS = {"p", "br", "b", "strong", "i", "em", "ul", "ol", "li", "a"}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
FIND_A_TAG = re.compile(r"<a(\b[^>]*)>")  # Wagtail's own pattern (wagtail.rich_text.rewriters)
BARE_A = re.compile(r"<a>(.*?)</a>", re.DOTALL)

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


def linked_pages(db_html: str) -> set[int]:
    """The ids of the pages ``db_html`` links to (``<a linktype="page" id="…">``)."""
    ids = set()
    for match in FIND_A_TAG.finditer(db_html):
        attrs = extract_attrs(match.group(1))
        if attrs.get("linktype") == "page":
            with suppress(ValueError):
                ids.add(int(attrs.get("id", "")))  # as link_resolver reads it
    return ids


# Paragraphs of text that the sanitiser would leave exactly as they are: nothing it escapes
# (& < > and no-break spaces), normalises (carriage returns) or drops (other control characters).
CLEAN_PARAGRAPHS = re.compile(r"(?:<p>[^<>&\x00-\x08\x0b-\x1f\x7f\xa0]*</p>)+")


SANITISER = {
    "tags": ALLOWED_TAGS,
    "clean_content_tags": DROPPED_CONTENT_TAGS,
    "attributes": {"a": {"href"}},
    "url_schemes": URL_SCHEMES,
    "link_rel": None,
}


@cache
def _sanitise() -> Callable[[str], str]:
    # A Cleaner is built once; nh3.clean() compiles the same allowlist on every call.
    if hasattr(nh3, "Cleaner"):
        return nh3.Cleaner(**SANITISER).clean
    return lambda html: nh3.clean(html, **SANITISER)


def to_html(db_html: str, resolve: LinkResolver) -> str:
    """Sanitised HTML (nh3 allowlist) with every link absolute or removed."""
    if not db_html:
        return ""
    if CLEAN_PARAGRAPHS.fullmatch(db_html):
        return db_html  # most rich text: plain paragraphs, already what nh3 would return

    def rewrite(match: re.Match) -> str:
        href = resolve(extract_attrs(match.group(1)))
        return f'<a href="{escape(href)}">' if href else "<a>"

    html = FIND_A_TAG.sub(rewrite, db_html)
    clean = _sanitise()(html)
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
    return plain_text(db_html, resolve)
