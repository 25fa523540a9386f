"""Build a translated page from the source page's structure and a catalog (no database).

The rule for untranslated text (fuzzy, empty, missing, stale or rejected by a check) is that it
is never replaced by the source text:

* a field is used only when every one of its strings is translated; otherwise it is left
  empty (a rich text field is never half translated);
* a *required* string is one of a field the block model requires (the page title, headings,
  table cells, side effects, the comparison…) or any text of the legal disclaimer. One
  untranslated required string makes the translation incomplete, and an incomplete
  translation is never published (``apply`` saves it as a draft at most);
* optional fields (summary, SEO title, notes, introductions, conclusions) are left empty
  until they are translated, and do not hold publication back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polib
from django.core.exceptions import ValidationError

from cms.articles.models import ArticlePage
from cms.translation.catalog import Catalog
from cms.translation.checks import check_pair
from cms.translation.extract import body_block, segments_for_leaf
from cms.translation.paths import walk_page
from cms.translation.richtext import Attrs, MarkupError, RichTextDocument, restore
from cms.translation.segments import Finding, Leaf, LeafKind, Severity

MapAttrs = Callable[[str, Attrs], Attrs]


@dataclass
class Translation:
    """A translated page's content, how complete it is and what stands in the way."""

    fields: dict[str, Any] = field(default_factory=dict)
    body: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    translated: int = 0
    fuzzy: int = 0
    missing: int = 0
    untranslated_required: list[Finding] = field(default_factory=list)
    invalid: list[Finding] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    refused: list[Finding] = field(default_factory=list)
    """Translated entries that failed a check (errors), one finding per entry."""
    not_translated: list[Finding] = field(default_factory=list)
    """Every string not usable (fuzzy, empty, missing, stale, refused), required or not."""
    partial_fields: list[str] = field(default_factory=list)
    """Rich text fields with some paragraphs translated and others not (drafts keep them)."""

    @property
    def complete(self) -> bool:
        """Every required string is translated and the result passes the block validation."""
        return not self.untranslated_required and not self.invalid

    @property
    def whole(self) -> bool:
        """Every string, optional ones included, is translated and usable."""
        return self.complete and self.translated == self.total

    def publishable(self, *, live: bool) -> bool:
        """Whether this translation may become the live page.

        A first publication needs every required string and no half-translated field. A page
        that is already live is replaced only by a translation with nothing fuzzy, empty or
        refused: a translator's fuzzy flag never pulls or empties live text.
        """
        if live:
            return self.whole and not self.partial_fields
        return self.complete and not self.partial_fields


class _Builder:
    def __init__(self, catalog: Catalog, map_attrs: MapAttrs | None) -> None:
        self.file = str(catalog.path)
        self.entries = catalog.by_context()
        self.map_attrs = map_attrs
        self.seen: set[str] = set()
        self.result = Translation()

    def _finding(
        self,
        entry: polib.POEntry | None,
        context: str,
        code: str,
        message: str,
        severity: Severity = Severity.ERROR,
    ) -> Finding:
        return Finding(self.file, entry.linenum if entry else 1, code, severity, message, context)

    def lookup(self, context: str, source: str, required: bool) -> str | None:
        """The usable translation of one string, or None; counts it either way."""
        self.seen.add(context)
        self.result.total += 1
        entry = self.entries.get(context)
        reason = self._unusable(entry, context, source)
        if reason is None:
            self.result.translated += 1
            return entry.msgstr
        if entry is not None and entry.fuzzy and entry.msgstr and entry.msgid == source:
            self.result.fuzzy += 1
        else:
            self.result.missing += 1
        self.result.not_translated.append(
            self._finding(entry, context, "untranslated", f"text {reason}")
        )
        if required:
            self.result.untranslated_required.append(
                self._finding(entry, context, "untranslated_required", f"required text {reason}")
            )
        return None

    def _unusable(self, entry: polib.POEntry | None, context: str, source: str) -> str | None:
        """Why an entry cannot be applied, or None if it can."""
        if entry is None:
            return "is not in the catalog (run extract_translations)"
        if entry.msgid != source:
            if entry.msgstr:
                self.result.findings.append(
                    self._finding(
                        entry,
                        context,
                        "stale_source",
                        "the source text changed since the catalog was extracted; "
                        "run extract_translations",
                        Severity.WARNING,
                    )
                )
            return "was translated from an older source text"
        if not entry.msgstr:
            return "is not translated"
        if entry.fuzzy:
            return "is marked fuzzy (a translator must review it and remove the flag)"
        problems = check_pair(source, entry.msgstr, rich="#" in context)
        for code, severity, message in problems:
            self.result.findings.append(self._finding(entry, context, code, message, severity))
        errors = [message for _code, severity, message in problems if severity is Severity.ERROR]
        if errors:
            self.result.refused.append(self._finding(entry, context, "refused", "; ".join(errors)))
            return "fails a check (see the errors)"
        return None

    def visit(self, leaf: Leaf) -> str:
        segments = segments_for_leaf(leaf)
        translations = [
            self.lookup(segment.context, segment.source, leaf.required) for segment in segments
        ]
        if leaf.kind is LeafKind.TEXT:
            return translations[0] or ""
        document = RichTextDocument(leaf.value)
        usable = 0
        for unit, segment, text in zip(document.units(), segments, translations, strict=True):
            nodes: list = []
            if text is not None:
                try:
                    nodes = restore(text, unit.placeholders, self.map_attrs)
                    usable += 1
                except MarkupError as exc:
                    self._refuse_markup(segment.context, str(exc), leaf.required)
            # An untranslated paragraph is left empty, never filled with the source text;
            # its translated siblings stay (the draft keeps the translator's work).
            document.replace(unit.number, nodes)
        if usable == 0:
            return ""
        if usable < len(segments):
            self.result.partial_fields.append(leaf.path)
        return document.to_html()

    def _refuse_markup(self, context: str, message: str, required: bool) -> None:
        entry = self.entries[context]
        finding = self._finding(entry, context, "markup_invalid", message)
        self.result.findings.append(finding)
        self.result.refused.append(finding)
        self.result.translated -= 1
        self.result.missing += 1
        self.result.not_translated.append(finding)
        if required:
            self.result.untranslated_required.append(
                self._finding(
                    entry,
                    context,
                    "untranslated_required",
                    "required text rejected: its markup cannot be restored",
                )
            )


def build_translation(
    fields: dict[str, str],
    body: list[dict[str, Any]],
    catalog: Catalog,
    map_attrs: MapAttrs | None = None,
    *,
    validate: bool = True,
) -> Translation:
    """Translate a source page's text fields and raw body with the strings of ``catalog``.

    ``map_attrs`` rewrites restored link attributes (apply points internal links at the
    target-language page). Entries whose context the page no longer has are reported as
    warnings and otherwise ignored. ``validate=False`` skips the block validation of a
    complete translation, for callers that only count.
    """
    builder = _Builder(catalog, map_attrs)
    result = builder.result
    result.fields, result.body = walk_page(fields, body, body_block(), builder.visit)
    for context, entry in builder.entries.items():
        if context not in builder.seen and entry.msgstr:
            result.findings.append(
                builder._finding(
                    entry,
                    context,
                    "unknown_context",
                    "the page has no such text any more (block deleted, or the "
                    "catalog is out of date); ignored",
                    Severity.WARNING,
                )
            )
    if result.untranslated_required or not validate:
        return result
    title_limit = ArticlePage._meta.get_field("title").max_length
    for attribute in ("title", "seo_title"):
        if len(result.fields.get(attribute) or "") > title_limit:
            result.invalid.append(
                Finding(
                    builder.file,
                    1,
                    "invalid_content",
                    Severity.ERROR,
                    f"longer than {title_limit} characters",
                    attribute,
                )
            )
    result.invalid.extend(_validation_findings(builder.file, result.body))
    return result


def _validation_findings(file: str, body: list[dict[str, Any]]) -> list[Finding]:
    """Block validation of the translated body (a translation may exceed a max_length)."""
    block = body_block()
    try:
        block.clean(block.to_python(body))
    except ValidationError as exc:
        data = exc.as_json_data() if hasattr(exc, "as_json_data") else {"messages": exc.messages}
        return [
            Finding(file, 1, "invalid_content", Severity.ERROR, message, path)
            for path, message in _flatten(data, body, "body")
        ]
    return []


def _flatten(data: dict[str, Any], raw: Any, path: str) -> list[tuple[str, str]]:
    found = [(path, str(message)) for message in data.get("messages", [])]
    for key, child in (data.get("blockErrors") or {}).items():
        if isinstance(raw, list):
            item = raw[int(key)]
            found += _flatten(child, item.get("value"), f"{path}.{item.get('id', key)}")
        elif isinstance(raw, dict):
            found += _flatten(child, raw.get(key), f"{path}.{key}")
    return found
