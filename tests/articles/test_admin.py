"""The admin speaks Korean to Korean editors and shows the seed articles' blocks."""

import html as html_module
import json
import re

import pytest
from django.contrib.auth import get_user_model
from wagtail.users.models import UserProfile

from cms.articles.models import ArticlePage


@pytest.fixture
def editor(db):
    user = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "ko"
    profile.save()
    return user


def edit_page_html(client, editor, slug: str) -> str:
    """The edit view of a seed article, with the StreamField's telepath data decoded to text.

    Block definitions and values travel as JSON inside an HTML attribute, with non-ASCII
    escaped; decoding them lets the assertions read the labels as an editor sees them.
    """
    client.force_login(editor)
    page = ArticlePage.objects.get(slug=slug, locale__language_code="ko")
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    page_html = response.content.decode()
    decoded = [page_html]
    for name in ("data", "arguments"):
        attribute = re.search(rf'data-w-block-{name}-value="([^"]*)"', page_html)
        assert attribute, "the body StreamField is not on the edit page"
        decoded.append(
            json.dumps(json.loads(html_module.unescape(attribute.group(1))), ensure_ascii=False)
        )
    return "\n".join(decoded)


@pytest.mark.django_db
def test_block_labels_and_help_texts_are_served_in_korean(client, editor, seeded):
    html = edit_page_html(client, editor, "thread-lifting")
    for korean_label in (
        "법적 고지",
        "실 종류 표",
        "부작용",
        "도입부",
        "필수: 모든 글의 마지막 블록",
    ):
        assert korean_label in html
    assert "Thread types table" not in html


@pytest.mark.django_db
def test_editor_sees_the_seed_articles_blocks_in_the_editor(client, editor, seeded):
    html = edit_page_html(client, editor, "thread-lifting")
    # The StreamField's initial value travels as JSON in the form; every seed block is in it.
    page = ArticlePage.objects.get(slug="thread-lifting", locale__language_code="ko")
    for child in page.body:
        assert child.id in html
    assert page.body[1].value["heading"] in html


@pytest.mark.django_db
def test_english_admin_users_get_english_labels(client, editor, seeded):
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "en"
    profile.save()
    html = edit_page_html(client, editor, "thread-lifting")
    assert re.search(r"Thread types table", html)
