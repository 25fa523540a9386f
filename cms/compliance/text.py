"""Plain text for the rules to read: markup removed, spacing and look-alike characters evened out.

The rules are written against ordinary text; editors paste from word processors and messengers
(curly quotes, non-breaking spaces, full-width digits, decomposed Hangul from macOS). Evening
those out here keeps the patterns in ``rules.toml`` simple.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Block-level tags end a line so that words of adjacent paragraphs or list items never run
# together into something a rule would match.
_BLOCK_TAG = re.compile(r"</?(p|li|ul|ol|h[1-6]|div|blockquote|br|tr|td|th)\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_LOOKALIKES = {
    ord("\u2018"): "'",
    ord("\u2019"): "'",
    ord("\u201c"): '"',
    ord("\u201d"): '"',
    # Full-width ASCII (U+FF01 to U+FF5E: digits, percent sign, letters) from Korean input methods.
    **{code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)},
    ord("\u3000"): " ",
}
# Where a sentence ends, for deciding whether the rest of a sentence negates a claim.
SENTENCE_END = re.compile(r"[.!?。\n]")


def normalise(text: str) -> str:
    """Text in NFC with look-alike characters replaced and runs of spaces collapsed."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH).translate(_LOOKALIKES)
    text = _SPACES.sub(" ", text)
    return _NEWLINES.sub("\n", text).strip()


def html_to_text(source: str) -> str:
    """The visible text of a rich-text HTML fragment, one line per paragraph or list item."""
    text = _BLOCK_TAG.sub("\n", source)
    text = html.unescape(_ANY_TAG.sub("", text))
    return normalise(text)


def sentence_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The part of the sentence before ``start`` and the part after ``end``."""
    sentence_start = 0
    for found in SENTENCE_END.finditer(text, 0, start):
        sentence_start = found.end()
    following = SENTENCE_END.search(text, end)
    sentence_end = following.start() if following else len(text)
    return text[sentence_start:start], text[end:sentence_end]


def excerpt(text: str, start: int, end: int, context: int = 30) -> str:
    """The matched words with up to ``context`` characters either side, on one line."""
    left = max(0, start - context)
    right = min(len(text), end + context)
    snippet = text[left:right].replace("\n", " / ")
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(text) else ""
    return f"{prefix}{snippet}{suffix}"


def written_in(text: str, language: str) -> bool:
    """Whether ``text`` looks written in ``language``: Korean has Hangul, others mostly Latin.

    Enough to catch a notice left in the source language on a translated page; not a language
    detector.
    """
    hangul = sum("\uac00" <= char <= "\ud7a3" for char in text)
    if language == "ko":
        return hangul > 0
    latin = sum(char.isascii() and char.isalpha() for char in text)
    return latin > hangul
