"""Translation catalogs from the admin: refresh, download, upload (translators need no repo).

Only the translation package's public functions are called: ``extract_catalogs`` writes the
catalogs as ``extract_translations`` does, ``read_catalog`` is the same strict check a catalog
passes on the command line, and ``apply_catalogs`` applies an uploaded one as
``apply_translations`` would.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from cms.articles.models import ArticlePage
from cms.translation import catalog as files
from cms.translation.apply import ApplyReport, apply_catalogs
from cms.translation.segments import CatalogError
from cms.translation.sync import ExtractReport, extract_catalogs

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class UploadError(ValueError):
    """An uploaded catalog that is not used; the message says why (file name and line)."""


@dataclass(frozen=True)
class CatalogFile:
    """One target language's catalog of an article."""

    language: str
    path: Path
    exists: bool


def source_of(page: ArticlePage) -> ArticlePage:
    """The source-language article of ``page`` (itself when it is the source)."""
    if page.locale.language_code == files.source_language():
        return page
    return ArticlePage.objects.get(
        translation_key=page.translation_key, locale__language_code=files.source_language()
    )


def catalog_files(source: ArticlePage) -> list[CatalogFile]:
    """The article's catalog in every target language, whether written yet or not."""
    root = files.catalog_dir()
    result = []
    for language in files.target_languages():
        path = files.catalog_path(root, language, source.slug)
        result.append(CatalogFile(language, path, path.exists()))
    return result


def refresh(source: ArticlePage) -> ExtractReport:
    """Extract the article's published Korean text into its catalogs (like the command)."""
    if not source.live:
        raise ValueError("publish the article first: catalogs hold its published text")
    return extract_catalogs(slug=source.slug)


def store_upload(source: ArticlePage, language: str, name: str, data: bytes) -> ApplyReport:
    """Check an uploaded catalog, put it in place of the article's, and apply it.

    Nothing is replaced unless the file reads as a valid catalog of this article in
    ``language``: the same strict reading ``apply_translations`` uses.
    """
    if language not in files.target_languages():
        raise UploadError(f"{name}: {language!r} is not a language articles are translated into")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(f"{name}: the file is larger than {MAX_UPLOAD_BYTES // 1024} KB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UploadError(f"{name}: not UTF-8 text (byte {exc.start})") from exc
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / name
        probe.write_bytes(data)
        try:
            found = files.read_catalog(probe, language=language)
        except CatalogError as error:
            raise UploadError(f"{name}:{error.line}: {error.message}") from error
    if found.translation_key != str(source.translation_key):
        raise UploadError(
            f"{name}: this catalog belongs to another article "
            f"(translation key {found.translation_key or 'missing'})"
        )
    target = files.catalog_path(files.catalog_dir(), language, source.slug)
    files.write_atomic(target, text)
    return apply_catalogs(language=language, translation_keys=[str(source.translation_key)])
