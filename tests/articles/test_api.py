"""The Wagtail API v2 serves articles with their body, in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.articles.models import ArticlePage
from cms.home.models import HomePage

from .factories import block, make_article, minimal_body

LISTING = "/api/v2/pages/?type=articles.ArticlePage&fields=body,search_description&limit=100"


@pytest.mark.django_db
def test_listing_returns_the_seed_articles_with_their_body(client, seeded):
    response = client.get(LISTING)
    assert response.status_code == 200
    items = response.json()["items"]
    korean = [item for item in items if item["meta"]["locale"] == "ko"]
    assert sorted(item["meta"]["slug"] for item in korean) == [
        "mini-thread-lifting-vs-mini-facelift",
        "thread-lifting",
    ]
    for item in korean:
        types = [child["type"] for child in item["body"]]
        assert types[-1] == "disclaimer"
        assert all(set(child) == {"type", "value", "id"} for child in item["body"])


@pytest.mark.django_db
def test_rich_text_internal_links_are_expanded_to_page_urls(client, seeded):
    home = HomePage.objects.get(locale__language_code="ko")
    target = ArticlePage.objects.get(slug="thread-lifting", locale__language_code="ko")
    link = f'<a linktype="page" id="{target.pk}">이 글</a>'
    linking = make_article(
        home,
        "linking",
        body=minimal_body(block("intro", {"text": f"<p>자세한 내용은 {link}.</p>"})),
    )
    response = client.get(f"/api/v2/pages/{linking.pk}/")
    html = response.json()["body"][0]["value"]["text"]
    assert 'href="/ko/thread-lifting/"' in html
    assert "linktype" not in html


def listing_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LISTING)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_listing_query_count_does_not_grow_with_the_number_of_articles(client, seeded):
    home = HomePage.objects.get(locale__language_code="ko")
    make_article(home, "extra-0")
    listing_queries(client)  # warm Wagtail's per-process caches (site root paths, content types)
    few = listing_queries(client)
    for number in range(1, 6):
        make_article(home, f"extra-{number}")
    many = listing_queries(client)
    assert many == few
