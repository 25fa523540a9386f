"""Every string our code marks for translation has Korean, and Wagtail's gaps are filled."""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale" / "ko" / "LC_MESSAGES"


def test_makemessages_finds_no_string_without_korean(tmp_path, settings, monkeypatch):
    shutil.copytree(ROOT / "cms", tmp_path / "cms", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "locale" / "ko" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(LOCALE / "django.po", tmp_path / "locale" / "ko" / "LC_MESSAGES" / "django.po")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["ko"], verbosity=0, ignore_patterns=["static/*"])
    merged = polib.pofile(str(tmp_path / "locale" / "ko" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in merged if not e.obsolete and (not e.translated() or e.fuzzy)]
    assert missing == []
    obsolete = [e.msgid for e in merged if e.obsolete]
    assert obsolete == []


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_catalogs_are_complete_and_pass_msgfmt(domain):
    path = LOCALE / f"{domain}.po"
    assert [e.msgid for e in polib.pofile(str(path)) if not e.translated()] == []
    result = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("english", "korean"),
    [
        ("Toggle status", "상태 패널 열기/닫기"),
        ("Toggle section", "섹션 접기/펼치기"),
        ("Go to the first error", "첫 번째 오류로 이동"),
        ("The page could not be saved due to validation errors.", "입력 내용에 오류가 있어"),
        ("Breadcrumb", "경로"),
    ],
)
def test_wagtail_strings_are_overridden_in_korean(english, korean):
    with translation.override("ko"):
        assert translation.gettext(english).startswith(korean)
    assert "오락가락" not in translation.gettext(english)
