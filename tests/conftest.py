"""Fixtures shared by every test package."""

import pytest


@pytest.fixture
def seeded(db):
    """The demo site with both seed articles as published Korean source pages."""
    from cms.articles.seeding import seed_demo

    return seed_demo()


@pytest.fixture
def export_root(tmp_path, settings):
    """A private export folder per test, so tests never touch the repo's exports/."""
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.EXPORT_ROOT
