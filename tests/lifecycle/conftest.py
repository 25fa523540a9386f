"""Articles at each stage of going live, and the people who press the buttons."""

import pytest

from cms.home.models import HomePage
from tests.articles.factories import block, make_article, minimal_body
from tests.conftest import log_in_superuser

COMPLIANT = "<p>보습 관리 안내입니다.</p>"
BREAKING = "<p>부작용 없는 최고의 시술입니다.</p>"


def body(intro: str):
    return minimal_body(block("intro", {"text": intro}))


@pytest.fixture
def home(seeded):
    return HomePage.objects.get(locale__language_code="ko")


@pytest.fixture
def article(home):
    """A live, compliant article."""
    return make_article(
        home, "care-guide", title="관리 안내", body=body(COMPLIANT), enforce_rules=True
    )


@pytest.fixture
def breaking_draft(article):
    """``article`` with a newer draft revision that breaks the rules; returns the revision."""
    draft = article.get_latest_revision_as_object()
    draft.body = body(BREAKING)
    return draft.save_revision()


@pytest.fixture
def editor(client, db):
    """A logged-in superuser whose admin speaks Korean, like the clinic's."""
    log_in_superuser(client, "ko")
    return client
