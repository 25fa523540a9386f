"""Translation status: the plain function, the command and the admin view."""

import json
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from cms.translation.apply import apply_catalogs
from cms.translation.status import collect_status
from cms.translation.sync import extract_catalogs
from tests.translation.conftest import en_catalog, translate_catalog


def status_of(slug):
    [found] = [status for status in collect_status() if status.slug == slug]
    english = next(locale for locale in found.locales if locale.language == "en")
    return found, english


def test_counts_and_up_to_date_follow_catalogs_and_source_revisions(
    article, linked, catalog_root, django_assert_max_num_queries
):
    extract_catalogs()
    translate_catalog(en_catalog(catalog_root), only={"title", "summary"})
    found, english = status_of("rich")
    assert (english.total, english.translated, english.fuzzy, english.missing) == (24, 2, 0, 22)
    assert (english.page_id, english.is_up_to_date, english.has_catalog) == (None, None, True)

    translate_catalog(en_catalog(catalog_root))
    apply_catalogs()
    found, english = status_of("rich")
    assert (english.translated, english.missing, english.live) == (24, 0, True)
    assert english.is_up_to_date and english.complete and not english.out_of_date

    article.title = "실리프팅 안내 (개정)"
    article.save_revision().publish()
    with django_assert_max_num_queries(4):
        found, english = status_of("rich")
    assert english.out_of_date
    assert (english.translated, english.missing) == (23, 1), "the new title is not translated"
    assert found.title == "실리프팅 안내 (개정)"


def test_an_article_without_catalog_counts_everything_missing(linked, catalog_root):
    _found, english = status_of("linked")
    assert not english.has_catalog
    assert english.total == english.missing > 0


def test_command_prints_json(article, catalog_root):
    extract_catalogs()
    out = StringIO()
    call_command("translation_status", "--format", "json", stdout=out)
    data = {item["slug"]: item for item in json.loads(out.getvalue())}
    english = data["rich"]["locales"][0]
    assert english["language"] == "en"
    assert (english["total"], english["translated"], english["fuzzy"], english["missing"]) == (
        24,
        0,
        0,
        24,
    )
    assert english["is_up_to_date"] is None


def test_admin_view_lists_every_article_with_its_counts(article, catalog_root, admin_client):
    extract_catalogs()
    translate_catalog(en_catalog(catalog_root))
    apply_catalogs()
    article.save_revision().publish()
    response = admin_client.get(reverse("translation_status"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-article="rich" data-language="en"' in html
    assert 'data-article="linked" data-language="en"' in html
    assert "24 / 24" in html and "data-out-of-date" in html
    assert (
        reverse("translation_status")
        in admin_client.get(reverse("wagtailadmin_home")).content.decode()
    )


def test_catalog_references_open_the_source_page_editor(article, admin_client):
    response = admin_client.get(
        reverse("translation_source", kwargs={"translation_key": article.translation_key})
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[article.pk])
