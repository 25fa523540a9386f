"""Slugs for Korean titles: romanised (Revised Romanization of Korean), suggested and editable.

A Hangul slug ends up percent-encoded in every URL, export file name and CDN key
(``%EC%84%B8%EC%95%88…``), which readers cannot read back and some tools mangle. New
articles therefore get an ASCII slug romanised from the Korean; the editor can change it before
publishing, and a published article's slug never changes by itself (its URL stays).

The romanisation follows the 2000 Revised Romanization syllable by syllable, with the two
rules that matter most for readable slugs: a final consonant moves to a following syllable that
starts with ㅇ (얼굴이 → eolguri) and ㄹㄹ is written ll (실리프팅 → sillipeuting). Other sound
changes (nasalisation, aspiration) are not applied: a slug needs to be readable, not phonetic.
"""

from __future__ import annotations

from django.utils.text import slugify

INITIALS = (
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
)
MEDIALS = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae",
    "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
)  # fmt: skip
FINALS = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "p", "t", "t",
    "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip
# A final consonant read as the initial of the next syllable (before ㅇ): index -> initial.
LINKED_FINALS = {
    1: "g", 2: "kk", 4: "n", 7: "d", 8: "r", 16: "m", 17: "b",
    19: "s", 20: "ss", 22: "j", 23: "ch", 24: "k", 25: "t", 26: "p",
}  # fmt: skip
HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
SILENT_INITIAL, RIEUL_INITIAL, RIEUL_FINAL = 11, 5, 8


def _syllable(char: str) -> tuple[int, int, int] | None:
    code = ord(char)
    if not HANGUL_FIRST <= code <= HANGUL_LAST:
        return None
    offset = code - HANGUL_FIRST
    return offset // 588, (offset % 588) // 28, offset % 28


def romanise(text: str) -> str:
    """``text`` with every Hangul syllable in Revised Romanization; other characters kept."""
    parts = [_syllable(char) for char in text]
    result = []
    carried = None  # the initial a linked final consonant gives the next syllable
    for index, (char, syllable) in enumerate(zip(text, parts, strict=True)):
        if syllable is None:
            result.append(char)
            carried = None
            continue
        initial, medial, final = syllable
        following = parts[index + 1] if index + 1 < len(parts) else None
        head = carried if carried is not None else INITIALS[initial]
        previous = parts[index - 1] if index else None
        if carried is None and initial == RIEUL_INITIAL and previous and previous[2] == RIEUL_FINAL:
            head = "l"
        carried = None
        tail = FINALS[final]
        if final and following and following[0] == SILENT_INITIAL and final in LINKED_FINALS:
            carried, tail = LINKED_FINALS[final], ""
        result.append(head + MEDIALS[medial] + tail)
    return "".join(result)


def suggested_slug(text: str) -> str:
    """An ASCII slug for ``text`` (a Korean title or slug): romanised, lower case, hyphens."""
    return slugify(romanise(text))


def is_ascii_slug(slug: str) -> bool:
    return slug.isascii()
