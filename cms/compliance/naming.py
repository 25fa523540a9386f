"""How a finding names a block to an editor: by its type and its ordinal ("두 번째 섹션").

"섹션 5" read as "the fifth section" when it meant "the fifth block"; an ordinal counted among
the blocks of the same type names the block the editor sees.
"""

from __future__ import annotations

from django.utils.translation import get_language

# Native Korean ordinals, as written before 번째 (첫 번째, 두 번째, … 스무 번째).
KOREAN_ORDINALS = (
    "첫",
    "두",
    "세",
    "네",
    "다섯",
    "여섯",
    "일곱",
    "여덟",
    "아홉",
    "열",
    "열한",
    "열두",
    "열세",
    "열네",
    "열다섯",
    "열여섯",
    "열일곱",
    "열여덟",
    "열아홉",
    "스무",
)
ENGLISH_ORDINALS = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
)


def ordinal(number: int, language: str) -> str:
    """``number`` as an ordinal in ``language``: 두 번째, 21번째; second, 21st."""
    if language.startswith("ko"):
        if 1 <= number <= len(KOREAN_ORDINALS):
            return f"{KOREAN_ORDINALS[number - 1]} 번째"
        return f"{number}번째"
    if 1 <= number <= len(ENGLISH_ORDINALS):
        return ENGLISH_ORDINALS[number - 1]
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def block_name(
    label: str, position: int | None, total: int | None, language: str | None = None
) -> str:
    """A block's name: its label, with an ordinal when there is more than one of its type."""
    if not position or (total is not None and total <= 1):
        return label
    language = language or get_language() or "en"
    if language.startswith("ko"):
        return f"{ordinal(position, language)} {label}"
    return f"{label} ({ordinal(position, language)})"
