import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from wagtail.users.models import UserProfile

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def admin_client(client, db):
    """A logged-in superuser whose admin speaks Korean."""
    user = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "ko"
    profile.save()
    client.force_login(user)
    return client


@pytest.fixture
def catalog_root(tmp_path, settings):
    """A private copy of the shipped catalogs, so tests never write into locale/."""
    root = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", root, ignore=shutil.ignore_patterns("*.mo"))
    settings.TRANSLATION_CATALOG_DIR = root
    return root
