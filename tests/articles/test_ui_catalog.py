"""The Korean admin catalog: complete, valid for GNU gettext, and compiled by set-up."""

import subprocess
from pathlib import Path

import polib

from cms.articles.ui_catalogs import compile_ui_catalogs

CATALOG = Path(__file__).resolve().parents[2] / "locale" / "ko" / "LC_MESSAGES" / "django.po"


def test_every_admin_label_has_a_korean_translation():
    catalog = polib.pofile(str(CATALOG))
    untranslated = [entry.msgid for entry in catalog if not entry.translated()]
    assert untranslated == []
    assert catalog.metadata["Plural-Forms"] == "nplurals=1; plural=0;"


def test_catalog_passes_msgfmt_check():
    result = subprocess.run(
        ["msgfmt", "-c", "-o", "/dev/null", str(CATALOG)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_compiling_writes_a_mo_once_and_is_idempotent(tmp_path):
    target = tmp_path / "ko" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "django.po").write_bytes(CATALOG.read_bytes())
    assert compile_ui_catalogs(tmp_path) == [target / "django.mo"]
    assert compile_ui_catalogs(tmp_path) == []
    compiled = polib.mofile(str(target / "django.mo"))
    assert compiled.find("Legal disclaimer").msgstr == "법적 고지"
