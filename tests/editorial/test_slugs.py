"""The slug policy: new articles get a romanised ASCII slug; published ones keep theirs."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.articles.models import ArticlePage
from cms.editorial.slugs import romanise, suggested_slug
from cms.home.models import HomePage
from tests.articles.factories import make_article


@pytest.mark.parametrize(
    ("korean", "slug"),
    [
        ("세안 후 보습 순서", "sean-hu-boseup-sunseo"),
        ("실리프팅, 무엇을 알고 받아야 할까", "sillipeuting-mueoseul-algo-badaya-halkka"),
        ("얼굴이 처질 때", "eolguri-cheojil-ttae"),
        ("미니 거상 vs PDO 실", "mini-geosang-vs-pdo-sil"),
        ("thread-lifting", "thread-lifting"),
    ],
)
def test_titles_are_romanised_into_readable_slugs(korean, slug):
    assert suggested_slug(korean) == slug


def test_romanisation_keeps_what_is_not_hangul():
    assert romanise("PDO 실 (6개월)") == "PDO sil (6gaewol)"


def form(title: str, slug: str) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "search_description": "",
            "body": streamfield(
                [
                    ("intro", {"text": rich_text("<p>보습 안내</p>")}),
                    (
                        "disclaimer",
                        {
                            "text": rich_text("<p>개인에 따라 다를 수 있습니다.</p>"),
                            "legal_basis": "의료법 제56조",
                        },
                    ),
                ]
            ),
            "comments": inline_formset([]),
        }
    )


@pytest.fixture
def home(seeded):
    return HomePage.objects.get(locale__language_code="ko")


@pytest.mark.parametrize("slug", ["세안-후-보습-순서"])
def test_a_new_article_with_a_hangul_slug_is_saved_romanised(admin_client, home, slug):
    url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", home.pk))
    admin_client.post(url, form("세안 후 보습 순서", slug))
    assert ArticlePage.objects.get(title="세안 후 보습 순서").slug == "sean-hu-boseup-sunseo"


def test_an_ascii_slug_the_editor_chose_is_kept(admin_client, home):
    url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", home.pk))
    admin_client.post(url, form("세안 후 보습 순서", "moisturising-order"))
    assert ArticlePage.objects.get(title="세안 후 보습 순서").slug == "moisturising-order"


def test_a_published_article_keeps_its_hangul_slug(admin_client, home):
    page = make_article(home, "보습-안내", title="보습 안내")
    admin_client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), form("보습 안내", "보습-안내")
    )
    page.refresh_from_db()
    assert page.slug == "보습-안내"
