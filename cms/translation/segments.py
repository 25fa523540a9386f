"""Value objects shared by extraction, catalogs and apply.

A *leaf* is one translatable field of a page (the title, a heading, a table cell, a rich text
field). A *segment* is one string a translator sees: a plain-text leaf is one segment, a rich
text leaf is one segment per paragraph or list item. Both carry the leaf's content path, which
is also the ``msgctxt`` of the segment in the catalogs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class LeafKind(StrEnum):
    """How a leaf's text is stored: plain text, or Wagtail's rich text (database HTML)."""

    TEXT = "text"
    RICH = "rich"


@dataclass(frozen=True)
class Leaf:
    """One translatable field of a page, found by walking the page and its StreamField."""

    path: str
    kind: LeafKind
    value: str
    required: bool
    description: str
    anchor: str = ""
    """The id of the nearest block or list item, for the admin edit link (``#:``)."""


@dataclass(frozen=True)
class Segment:
    """One string for translators: a catalog entry's context, source text and comments."""

    context: str
    source: str
    field: str
    required: bool
    description: str
    anchor: str = ""


@dataclass(frozen=True)
class SourceArticle:
    """What the catalogs of one source article are built from: its identity and its strings."""

    slug: str
    translation_key: str
    segments: tuple[Segment, ...]

    @property
    def digest(self) -> str:
        """A content digest of the source strings, stable across databases.

        Written to the catalogs as the source revision: database revision ids differ between
        machines, the text does not.
        """
        hasher = hashlib.sha256()
        for segment in self.segments:
            hasher.update(segment.context.encode())
            hasher.update(b"\0")
            hasher.update(segment.source.encode())
            hasher.update(b"\0")
        return f"sha256:{hasher.hexdigest()[:16]}"


class Severity(StrEnum):
    """Errors stop a translation from being applied (or a command from succeeding).

    ``incomplete``: nothing is wrong with the file, but a required text is still empty or
    fuzzy, so the article cannot be published in that language (exit status 3).
    """

    ERROR = "error"
    INCOMPLETE = "incomplete"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """A problem found in a catalog, with the place a translator should look."""

    file: str
    line: int
    code: str
    severity: Severity
    message: str
    msgctxt: str = ""

    def as_dict(self) -> dict[str, object]:
        """The finding as JSON-ready data (the ``--format json`` shape)."""
        return {
            "file": self.file,
            "line": self.line,
            "msgctxt": self.msgctxt,
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
        }

    def __str__(self) -> str:
        where = f" [{self.msgctxt}]" if self.msgctxt else ""
        return f"{self.file}:{self.line}: {self.severity}: {self.message}{where}"


@dataclass
class CatalogError(Exception):
    """A catalog that cannot be used at all; nothing is read from or written to it."""

    path: Path | str
    line: int
    message: str
    code: str = "catalog_invalid"
    extra: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"

    def as_finding(self) -> Finding:
        """The error as a finding, for reports that list every problem together."""
        return Finding(str(self.path), self.line, self.code, Severity.ERROR, self.message)
