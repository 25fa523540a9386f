"""Compile the admin's UI catalogs (``locale/<lang>/LC_MESSAGES/django.po``) without GNU tools."""

from pathlib import Path

import polib


def compile_ui_catalogs(locale_dir: Path) -> list[Path]:
    """Write a ``.mo`` beside every ``django.po`` and ``djangojs.po`` under ``locale_dir``.

    Returns the ``.mo`` paths written.

    Only the UI catalogs are compiled: article catalogs are read by the pipeline as ``.po``.
    A ``.mo`` that is already newer than its ``.po`` is left alone, so set-up stays idempotent.
    """
    written = []
    ui_catalogs = [
        *locale_dir.glob("*/LC_MESSAGES/django.po"),
        *locale_dir.glob("*/LC_MESSAGES/djangojs.po"),
    ]
    for po_path in sorted(ui_catalogs):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written
