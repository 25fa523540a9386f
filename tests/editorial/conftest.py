import shutil
from pathlib import Path

import pytest

from tests.conftest import log_in_superuser

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def admin_client(client, db):
    """A logged-in superuser whose admin speaks Korean."""
    log_in_superuser(client, "ko")
    return client


@pytest.fixture
def catalog_root(tmp_path, settings):
    """A private copy of the shipped catalogs, so tests never write into locale/."""
    root = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", root, ignore=shutil.ignore_patterns("*.mo"))
    settings.TRANSLATION_CATALOG_DIR = root
    return root
