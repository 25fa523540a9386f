"""Write or refresh the catalogs of source articles (what ``extract_translations`` runs).

Deterministic: entries follow the article's reading order, headers a fixed order, and the
dates change only when the entries do, so extracting unchanged content rewrites nothing.
Catalogs are found by their ``X-Translation-Key`` header; when an article's slug changed,
its catalogs move to the new name (written anew, old file removed) and keep everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polib
from django.conf import settings
from django.urls import reverse

from cms.translation import catalog as files
from cms.translation.extract import live_source_pages, source_article_for_page
from cms.translation.merge import TranslationMemory, merge_entries, template_entries
from cms.translation.segments import CatalogError, Segment, SourceArticle
from cms.translation.terminology import sync_glossary

OWNED_HEADERS = (
    "Project-Id-Version",
    "Report-Msgid-Bugs-To",
    "POT-Creation-Date",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Plural-Forms",
    files.KEY_HEADER,
    files.SOURCE_LANGUAGE_HEADER,
    files.SOURCE_REVISION_HEADER,
)


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one catalog file."""

    path: Path
    action: str  # created, updated, renamed or unchanged
    previous: Path | None = None


@dataclass
class ExtractReport:
    """Every file written or left alone, and the catalogs that could not be used."""

    files: list[FileOutcome] = field(default_factory=list)
    errors: list[CatalogError] = field(default_factory=list)

    def changed(self) -> list[FileOutcome]:
        return [outcome for outcome in self.files if outcome.action != "unchanged"]


def admin_reference(translation_key: str, anchor: str = "") -> str:
    """The ``#:`` reference of an entry: the source page's editor, at the block if known.

    The admin URL of a page contains its database id, which differs between machines; this
    address names the article by its translation key and redirects to its editor, so the
    catalogs stay identical everywhere. ``#block-<id>-section`` scrolls to the block.
    """
    path = reverse("translation_source", kwargs={"translation_key": translation_key})
    return f"{path}#block-{anchor}-section" if anchor else path


def _reference(source: SourceArticle) -> Callable[[Segment], str]:
    return lambda segment: admin_reference(source.translation_key, segment.anchor)


def _common_headers(source: SourceArticle) -> dict[str, str]:
    return {
        "Project-Id-Version": f"{settings.WAGTAIL_SITE_NAME}: {source.slug}",
        "Report-Msgid-Bugs-To": getattr(
            settings, "TRANSLATION_REPORT_BUGS_TO", reverse("translation_status")
        ),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        files.KEY_HEADER: source.translation_key,
        files.SOURCE_LANGUAGE_HEADER: files.source_language(),
        files.SOURCE_REVISION_HEADER: source.digest,
    }


def _pofile(
    metadata: dict[str, str],
    header: str,
    active: list[polib.POEntry],
    obsolete: list[polib.POEntry] = (),
) -> polib.POFile:
    po = polib.POFile(wrapwidth=files.WRAP_WIDTH)
    po.header = header
    po.metadata = metadata
    po.extend(active)
    po.extend(obsolete)
    return po


def _entries_text(entries: Iterable[polib.POEntry]) -> str:
    return "\n".join(entry.__unicode__(files.WRAP_WIDTH) for entry in entries)


def _read_quietly(path: Path | None) -> tuple[str | None, polib.POFile | None]:
    """An existing generated file (a template) as text and parsed, or Nones if unusable."""
    if path is None or not path.exists():
        return None, None
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        return text, polib.pofile(text)
    except (OSError, ValueError):
        return text, None


def _commit(path: Path, text: str, old_path: Path | None, old_text: str | None) -> FileOutcome:
    """Write ``text`` to ``path`` unless it is already there; remove a renamed old file."""
    renamed = old_path is not None and old_path != path
    if not renamed and old_text == text:
        return FileOutcome(path, "unchanged")
    files.write_atomic(path, text)
    if renamed:
        # Only if it still holds what was read: another article may have taken the old name
        # in this same run (two slugs swapped).
        if old_path.exists() and old_path.read_text(encoding="utf-8", errors="replace") == old_text:
            old_path.unlink()
        return FileOutcome(path, "renamed", old_path)
    return FileOutcome(path, "updated" if old_text is not None else "created")


def write_template(
    source: SourceArticle, root: Path, old_path: Path | None, now: str
) -> tuple[FileOutcome, str]:
    """Write the article's ``.pot``; return the outcome and its POT-Creation-Date."""
    path = files.template_path(root, source.slug)
    old_text, old_po = _read_quietly(old_path or path)
    entries = template_entries(source, _reference(source))
    created = now
    if old_po is not None and _entries_text(old_po) == _entries_text(entries):
        created = old_po.metadata.get("POT-Creation-Date", now)
    metadata = {
        **_common_headers(source),
        "POT-Creation-Date": created,
        "PO-Revision-Date": created,
        "Last-Translator": "",
        "Language-Team": "",
        "Language": "",
    }
    header = (
        f"Template for translations of the article {source.slug}.\n"
        "Do not translate this file: translate the .po of your language (docs/translators.md)."
    )
    text = files.render(_pofile(metadata, header, entries))
    return _commit(path, text, old_path or path, old_text), created


def write_catalog(
    source: SourceArticle,
    language: str,
    root: Path,
    old: files.Catalog | None,
    memory: TranslationMemory,
    pot_date: str,
    now: str,
    overrides: dict[str, str] | None = None,
) -> FileOutcome:
    """Write the article's ``language`` catalog, merged with its previous version ``old``.

    ``overrides`` (context → translation) replaces translations outright, confirmed; the
    shipped catalogs are generated that way from the bilingual seeds.
    """
    path = files.catalog_path(root, language, source.slug)
    active, obsolete = merge_entries(source, old, memory, _reference(source))
    for entry in active:
        if overrides and entry.msgctxt in overrides:
            entry.msgstr = overrides[entry.msgctxt]
            entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
            entry.previous_msgid = None
    kept = {
        name: value
        for name, value in (old.po.metadata if old else {}).items()
        if name not in OWNED_HEADERS
    }
    revised = now
    if old is not None and _entries_text(old.po) == _entries_text([*active, *obsolete]):
        revised = old.po.metadata.get("PO-Revision-Date", now)
    metadata = {
        "Last-Translator": "",
        "Language-Team": files.language_name(language),
        **kept,
        **_common_headers(source),
        "POT-Creation-Date": pot_date,
        "PO-Revision-Date": revised,
        "Language": files.gettext_language(language),
        "Plural-Forms": files.plural_forms(language),
    }
    header = (old.po.header if old and old.po.header else "") or (
        f"{files.language_name(language)} translation of the article {source.slug}.\n"
        "How to translate, check and apply this file: docs/translators.md."
    )
    text = files.render(_pofile(metadata, header, active, obsolete))
    old_text = old.raw.decode("utf-8", errors="replace") if old else None
    return _commit(path, text, old.path if old else None, old_text)


@dataclass
class LanguageCatalogs:
    """The readable catalogs of one language by translation key, and the unreadable ones."""

    by_key: dict[str, files.Catalog]
    errors: list[CatalogError]
    unreadable: set[Path]

    @classmethod
    def load(
        cls, root: Path, language: str, keys_by_slug: dict[str, str] | None = None
    ) -> LanguageCatalogs:
        """Read every catalog of ``language``; ``keys_by_slug`` names files without a key."""
        by_key: dict[str, files.Catalog] = {}
        errors: list[CatalogError] = []
        unreadable: set[Path] = set()
        for path in files.catalog_paths(root, language):
            try:
                found = files.read_catalog(path, language=language, keys_by_slug=keys_by_slug)
            except CatalogError as error:
                errors.append(error)
                unreadable.add(path)
                continue
            by_key.setdefault(found.translation_key, found)
        return cls(by_key, errors, unreadable)


def template_index(root: Path) -> dict[str, Path]:
    """Existing templates by translation key (to follow renamed slugs)."""
    index: dict[str, Path] = {}
    for path in files.template_paths(root):
        _text, po = _read_quietly(path)
        if po is not None and po.metadata.get(files.KEY_HEADER):
            index.setdefault(po.metadata[files.KEY_HEADER].strip(), path)
    return index


def sync_catalogs(
    sources: Iterable[SourceArticle],
    root: Path,
    languages: list[str],
    *,
    now: datetime | None = None,
    overrides: dict[str, dict[str, dict[str, str]]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ExtractReport:
    """Write the template and the catalogs of every language for each source article, and
    bring each language's glossary in line with its template.

    A catalog that cannot be read is reported and left exactly as it is (it may hold work a
    translator has not finished), and so is its article in that language. ``overrides`` is
    ``{translation key: {language: {context: translation}}}``.
    """
    stamp = files.gettext_date(now)
    report = ExtractReport()
    templates = template_index(root)
    sources = list(sources)
    keys_by_slug = {source.slug: source.translation_key for source in sources}
    loaded = {
        language: LanguageCatalogs.load(root, language, keys_by_slug) for language in languages
    }
    for catalogs in loaded.values():
        report.errors.extend(catalogs.errors)
    # Memory is read before anything is written, so the run order cannot change the output.
    memory = {
        language: TranslationMemory.from_catalogs(catalogs.by_key.values())
        for language, catalogs in loaded.items()
    }
    for done, source in enumerate(sources, start=1):
        outcome, pot_date = write_template(
            source, root, templates.get(source.translation_key), stamp
        )
        report.files.append(outcome)
        for language in languages:
            old = loaded[language].by_key.get(source.translation_key)
            target = files.catalog_path(root, language, source.slug)
            if old is None and target in loaded[language].unreadable:
                continue  # reported above; never overwrite a file we could not read
            extra = (overrides or {}).get(source.translation_key, {}).get(language)
            report.files.append(
                write_catalog(source, language, root, old, memory[language], pot_date, stamp, extra)
            )
        if progress:
            progress(done, len(sources))
    for language in languages:
        try:
            written = sync_glossary(root, language)
        except CatalogError as error:
            report.errors.append(error)
            continue
        if written is not None:
            report.files.append(FileOutcome(written, "updated"))
    return report


def extract_catalogs(
    root: Path | None = None,
    *,
    language: str | None = None,
    slug: str | None = None,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ExtractReport:
    """Extract every live source article (or only ``slug``) into the catalogs under ``root``.

    ``progress(done, total)`` is called after each article. Raises ``ValueError`` for an
    unknown language or an article that does not exist.
    """
    languages = files.target_languages(language)
    pages = list(live_source_pages(slug))
    if slug and not pages:
        raise ValueError(f"no published {files.source_language()} article has the slug {slug!r}")
    sources = [source_article_for_page(page) for page in pages]
    return sync_catalogs(
        sources, root or files.catalog_dir(), languages, now=now, progress=progress
    )
