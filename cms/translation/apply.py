"""Catalogs to pages (what ``apply_translations`` runs).

For each ``.po``: find the source article by the catalog's ``X-Translation-Key`` (never by file
name), build the translation from the source's *current published* structure (``translate``),
then in one transaction per page create the target-language page if needed
(``copy_for_translation``), save a revision and publish it only if the translation is
complete. An incomplete translation is saved as a draft revision; a live translation stays
live exactly as it was. ``AppliedTranslation`` records which source revision the page was
built from.

Queries do not depend on the number of strings: pages, locales, link targets and records are
loaded in bulk up front, and each page costs a fixed number of writes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from wagtail.models import Locale, Page

from cms.articles.models import ArticlePage
from cms.translation import catalog as files
from cms.translation.extract import body_block, page_fields, source_keys_by_slug
from cms.translation.models import AppliedTranslation
from cms.translation.paths import iter_leaves
from cms.translation.richtext import Attrs, page_link_ids
from cms.translation.segments import CatalogError, Finding, LeafKind, Severity
from cms.translation.translate import Translation, build_translation

CREATED = "created"
PUBLISHED = "published"
DRAFT = "draft"
UNCHANGED = "unchanged"
FAILED = "failed"
UNTRANSLATED = "untranslated"  # nothing translated and no page yet: nothing to create

# Exit statuses of apply_translations (and check_translations), documented in
# docs/translators.md: scripts tell "done" from "done, but not everywhere" from "refused".
EXIT_APPLIED = 0
EXIT_REFUSED = 1
EXIT_INCOMPLETE = 3


@dataclass
class PageResult:
    """What applying one catalog did (or, in a dry run, would do)."""

    catalog: Path
    language: str
    slug: str
    action: str
    complete: bool
    translation: Translation
    page_id: int | None = None
    error: str = ""
    was_live: bool = False
    """The page in this language was live before the run."""
    current: bool = False
    """The live page already holds exactly this translation."""

    @property
    def published(self) -> bool:
        """This run's translation is (or, in a dry run, would be) the live page."""
        if self.current:
            return True
        return self.publishable and self.action in (CREATED, PUBLISHED)

    @property
    def publishable(self) -> bool:
        return self.translation.publishable(live=self.was_live)

    @property
    def live(self) -> bool:
        """A page in this language is live after the run (this translation or an older one)."""
        return self.published or self.was_live

    @property
    def update_pending(self) -> bool:
        """A live page stays as it was while a newer, incomplete translation waits as a draft."""
        return self.was_live and not self.published and self.action in (DRAFT, UNCHANGED)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready data (the ``--format json`` shape of apply_translations)."""
        translation = self.translation
        return {
            "catalog": files.display_path(self.catalog),
            "language": self.language,
            "slug": self.slug,
            "page_id": self.page_id,
            "action": self.action,
            "published": self.published,
            "live": self.live,
            "update_pending": self.update_pending,
            "complete": self.complete,
            "counts": {
                "total": translation.total,
                "translated": translation.translated,
                "fuzzy": translation.fuzzy,
                "missing": translation.missing,
                "refused": len(translation.refused),
            },
            "blocking": [_finding_dict(finding) for finding in missing_strings(self)],
            "findings": [_finding_dict(finding) for finding in translation.findings],
            "error": self.error,
        }


def _finding_dict(finding: Finding) -> dict[str, object]:
    return {**finding.as_dict(), "file": files.display_path(finding.file)}


@dataclass
class ApplyReport:
    """Every page result, and the catalogs that could not be applied at all."""

    dry_run: bool = False
    results: list[PageResult] = field(default_factory=list)
    errors: list[CatalogError] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    """File-level warnings of the catalogs read (a header a tool dropped…)."""

    @property
    def failed(self) -> bool:
        """True when a catalog could not be read or a page could not be written."""
        return bool(self.errors) or any(result.action == FAILED for result in self.results)

    @property
    def incomplete(self) -> list[PageResult]:
        """Articles that are not live with this run's translation in some language."""
        return [result for result in self.results if not result.published]

    @property
    def exit_status(self) -> int:
        """``EXIT_REFUSED`` if anything was refused, ``EXIT_INCOMPLETE`` if some article stays
        unpublished (or keeps an older live version) in a language, else ``EXIT_APPLIED``."""
        if self.failed:
            return EXIT_REFUSED
        if self.incomplete:
            return EXIT_INCOMPLETE
        return EXIT_APPLIED

    def as_dict(self) -> dict[str, object]:
        """JSON-ready data (the ``--format json`` shape of apply_translations)."""
        return {
            "dry_run": self.dry_run,
            "exit_status": self.exit_status,
            "results": [result.as_dict() for result in self.results],
            "errors": [
                {**error.as_finding().as_dict(), "file": files.display_path(error.path)}
                for error in self.errors
            ],
            "warnings": [_finding_dict(finding) for finding in self.warnings],
        }


@dataclass
class _Context:
    """Everything loaded in bulk before the first page is touched."""

    sources: dict[str, ArticlePage]
    targets: dict[tuple[str, str], ArticlePage]
    locales: dict[str, Locale]
    records: dict[int, AppliedTranslation]
    links: dict[str, dict[int, int]]  # language → source page id → target page id


def _read_catalogs(
    root: Path, languages: list[str], report: ApplyReport
) -> list[tuple[str, files.Catalog]]:
    found = []
    keys_by_slug = source_keys_by_slug()
    for language in languages:
        for path in files.catalog_paths(root, language):
            try:
                catalog = files.read_catalog(path, language=language, keys_by_slug=keys_by_slug)
            except CatalogError as error:
                report.errors.append(error)
                continue
            found.append((language, catalog))
            report.warnings.extend(catalog.warnings)
    return found


def _load(catalogs: list[tuple[str, files.Catalog]], languages: list[str]) -> _Context:
    keys = {found.translation_key for _language, found in catalogs}
    sources = {
        str(page.translation_key): page
        for page in ArticlePage.objects.filter(
            translation_key__in=keys, locale__language_code=files.source_language()
        )
    }
    locales = {
        locale.language_code: locale
        for locale in Locale.objects.filter(language_code__in=languages)
    }
    targets = {
        (str(page.translation_key), page.locale.language_code): page
        for page in ArticlePage.objects.filter(
            translation_key__in=keys, locale__in=locales.values()
        ).select_related("locale", "latest_revision")
    }
    records = {
        record.page_id: record
        for record in AppliedTranslation.objects.filter(
            page_id__in=[page.pk for page in targets.values()]
        )
    }
    return _Context(sources, targets, locales, records, _link_targets(sources.values(), locales))


def _link_targets(sources, locales: dict[str, Locale]) -> dict[str, dict[int, int]]:
    """For every internal page linked from the sources, its page in each target language."""
    linked: set[int] = set()
    stream_block = body_block()
    for page in sources:
        for leaf in iter_leaves(page_fields(page), list(page.body.get_prep_value()), stream_block):
            if leaf.kind is LeafKind.RICH:
                linked |= page_link_ids(leaf.value)
    by_language: dict[str, dict[int, int]] = {code: {} for code in locales}
    if not linked:
        return by_language
    keys = dict(Page.objects.filter(id__in=linked).values_list("id", "translation_key"))
    code_of = {locale.pk: code for code, locale in locales.items()}
    # Only live translations: a link must never lead readers to an unpublished page.
    translations = (
        Page.objects.live()
        .filter(translation_key__in=set(keys.values()), locale__in=locales.values())
        .values_list("translation_key", "locale_id", "id")
    )
    target_of = {(key, locale_id): page_id for key, locale_id, page_id in translations}
    for source_id, key in keys.items():
        for locale_id, code in code_of.items():
            if (key, locale_id) in target_of:
                by_language[code][source_id] = target_of[(key, locale_id)]
    return by_language


def _link_mapper(links: dict[int, int]) -> Callable[[str, Attrs], Attrs]:
    def map_attrs(tag: str, attrs: Attrs) -> Attrs:
        values = dict(attrs)
        if tag != "a" or values.get("linktype") != "page":
            return attrs
        source_id = values.get("id") or ""
        target = links.get(int(source_id)) if source_id.isdigit() else None
        if target is None:
            return attrs  # not translated yet: the link keeps pointing at the source page
        return [(name, str(target) if name == "id" else value) for name, value in attrs]

    return map_attrs


def _same_content(page: ArticlePage, translation: Translation) -> bool:
    """The live row of ``page`` already holds exactly this translation."""
    return (
        page.title == translation.fields["title"]
        and page.seo_title == translation.fields["seo_title"]
        and page.search_description == translation.fields["search_description"]
        and list(page.body.get_prep_value()) == translation.body
    )


def _same_draft(page: ArticlePage, translation: Translation) -> bool:
    """The latest revision of ``page`` already holds exactly this (incomplete) translation."""
    revision = page.latest_revision
    if revision is None:
        return False
    content = revision.content
    body = content.get("body")
    if isinstance(body, str):
        body = json.loads(body)
    return (
        content.get("title") == _draft_title(page, translation)
        and content.get("seo_title") == translation.fields["seo_title"]
        and content.get("search_description") == translation.fields["search_description"]
        and body == translation.body
    )


def _draft_title(page: ArticlePage, translation: Translation) -> str:
    # Wagtail requires a title; an untranslated one keeps the page's current title.
    return translation.fields["title"] or page.title


def _record_values(
    source: ArticlePage,
    found: files.Catalog,
    translation: Translation,
    target: ArticlePage | None,
    record: AppliedTranslation | None,
) -> dict:
    """The ``AppliedTranslation`` fields after this run.

    ``source_revision`` is the source revision the *live* translated page was built from: a
    run that only saves a draft leaves it where it was (nothing if the page never went live),
    so an incomplete run makes the page count as out of date rather than current.
    """
    if translation.publishable(live=bool(target and target.live)):
        source_revision = source.live_revision_id
    elif record is not None and target is not None and target.live:
        source_revision = record.source_revision_id
    else:
        source_revision = None
    return {
        "source_page_id": source.pk,
        "source_revision_id": source_revision,
        "catalog_path": str(found.path),
        "total": translation.total,
        "translated": translation.translated,
        "fuzzy": translation.fuzzy,
        "missing": translation.missing,
        "complete": translation.complete,
    }


def _write(
    source: ArticlePage,
    target: ArticlePage | None,
    language: str,
    translation: Translation,
    record: AppliedTranslation | None,
    values: dict[str, Any],
    action: str,
) -> ArticlePage:
    """All database writes for one page, in one transaction."""
    with transaction.atomic():
        if target is None:
            # A content language without its Wagtail locale yet: create it, as the admin would.
            locale = Locale.objects.get_or_create(language_code=language)[0]
            target = source.copy_for_translation(locale, copy_parents=True).specific
        if action != UNCHANGED:
            target.title = _draft_title(target, translation)
            target.seo_title = translation.fields["seo_title"]
            target.search_description = translation.fields["search_description"]
            target.body = translation.body
            revision = target.save_revision()
            if translation.publishable(live=target.live):
                target.publish(revision)
        if record is None or any(getattr(record, name) != value for name, value in values.items()):
            AppliedTranslation.objects.update_or_create(page_id=target.pk, defaults=values)
    return target


def _apply_one(
    language: str, found: files.Catalog, context: _Context, dry_run: bool
) -> PageResult | None:
    source = context.sources.get(found.translation_key)
    if source is None or not source.live:
        raise CatalogError(
            found.path,
            found.header_line(files.KEY_HEADER),
            f"no published {files.source_language()} article has the translation key "
            f"{found.translation_key} (deleted or unpublished?)",
            code="unknown_article",
        )
    translation = build_translation(
        page_fields(source),
        list(source.body.get_prep_value()),
        found,
        _link_mapper(context.links.get(language, {})),
    )
    target = context.targets.get((found.translation_key, language))
    was_live = bool(target and target.live)
    current = was_live and _same_content(target, translation)
    if target is None:
        action = CREATED if translation.translated else UNTRANSLATED
    elif current and not target.has_unpublished_changes:
        action = UNCHANGED
    elif translation.publishable(live=was_live):
        action = PUBLISHED
    else:
        # Never withdraws or changes a live page: the new translation waits as a draft.
        action = UNCHANGED if _same_draft(target, translation) else DRAFT
    result = PageResult(
        found.path,
        language,
        source.slug,
        action,
        translation.complete,
        translation,
        target.pk if target else None,
        was_live=was_live,
        current=current,
    )
    if dry_run or action == UNTRANSLATED:
        return result
    record = context.records.get(target.pk) if target else None
    values = _record_values(source, found, translation, target, record)
    try:
        page = _write(source, target, language, translation, record, values, action)
    except Exception as exc:
        # Any failure (a database error, a signal handler of another app) is reported for
        # this page only; its transaction has rolled back, so the page is as it was.
        result.action, result.error = FAILED, f"{type(exc).__name__}: {exc}"
        return result
    result.page_id = page.pk
    return result


def apply_catalogs(
    root: Path | None = None,
    *,
    language: str | None = None,
    slug: str | None = None,
    translation_keys: Iterable[str] | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ApplyReport:
    """Apply every catalog under ``root`` (or one language, or one article's) to the pages.

    ``slug`` selects the article by its source slug or its catalog's file name;
    ``translation_keys`` selects articles by key. With ``dry_run`` nothing is written and the
    report says what would happen. ``progress(done, total)`` is called after each catalog.
    """
    root = root or files.catalog_dir()
    languages = files.target_languages(language)
    report = ApplyReport(dry_run=dry_run)
    catalogs = _read_catalogs(root, languages, report)
    if translation_keys is not None:
        wanted = {str(key) for key in translation_keys}
        catalogs = [(code, found) for code, found in catalogs if found.translation_key in wanted]
    context = _load(catalogs, languages)
    for done, (code, found) in enumerate(catalogs, start=1):
        if progress:
            progress(done, len(catalogs))
        source = context.sources.get(found.translation_key)
        if slug and found.path.stem != slug and (source is None or source.slug != slug):
            continue
        try:
            result = _apply_one(code, found, context, dry_run)
        except CatalogError as error:
            report.errors.append(error)
            continue
        report.results.append(result)
    return report


def missing_strings(result: PageResult) -> list[Finding]:
    """The strings that keep a page from being published, with file and line.

    The required ones for a first publication; for a live page every fuzzy, empty or refused
    string (a live page is only replaced by a whole translation).
    """
    translation = result.translation
    blocking = [*translation.untranslated_required, *translation.invalid]
    if result.was_live:
        blocking += translation.not_translated
    blocking += [
        Finding(
            str(result.catalog),
            1,
            "partial_field",
            Severity.ERROR,
            "some paragraphs of this field are translated, others not",
            path,
        )
        for path in translation.partial_fields
    ]
    unique: dict[tuple[int, str], Finding] = {}
    for finding in blocking:
        unique.setdefault((finding.line, finding.msgctxt), finding)
    return list(unique.values())
