"""seed_demo: the demo tree, its idempotency and the block types of the seed articles."""

import pytest
from django.core.management import call_command
from wagtail.models import Locale, Page, Site

from cms.articles.models import ArticlePage
from cms.articles.seeding import SeedError, load_seed_articles, seed_demo
from cms.home.models import HomePage

EXPECTED_BLOCK_TYPES = {
    "thread-lifting": {"intro", "section", "thread_types", "side_effects", "disclaimer"},
    "mini-thread-lifting-vs-mini-facelift": {
        "intro",
        "section",
        "comparison",
        "side_effects",
        "disclaimer",
    },
}


def tree_snapshot():
    return sorted(
        (page.path, page.specific_class.__name__, page.locale.language_code, page.slug, page.live)
        for page in Page.objects.select_related("locale")
    )


@pytest.mark.django_db
def test_running_seed_demo_twice_gives_the_same_tree(seeded):
    first = tree_snapshot()
    report = seed_demo()
    assert report.created == []
    assert sorted(report.unchanged) == sorted(EXPECTED_BLOCK_TYPES)
    assert tree_snapshot() == first


@pytest.mark.django_db
def test_creates_a_home_page_per_locale_and_the_default_site(seeded):
    assert set(Locale.objects.values_list("language_code", flat=True)) == {"ko", "en"}
    homes = HomePage.objects.select_related("locale")
    assert sorted(home.locale.language_code for home in homes) == ["en", "ko"]
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific.locale.language_code == "ko"
    # Wagtail's placeholder welcome page is gone: only our home pages sit below the root.
    assert Page.get_first_root_node().get_children().count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("slug", sorted(EXPECTED_BLOCK_TYPES))
def test_seed_articles_are_published_korean_sources_with_their_blocks(seeded, slug):
    page = ArticlePage.objects.get(slug=slug, locale__language_code="ko")
    assert page.live
    types = [child.block_type for child in page.body]
    assert set(types) == EXPECTED_BLOCK_TYPES[slug]
    assert types[-1] == "disclaimer"
    assert types.count("disclaimer") == 1
    # Source pages carry Korean text, not the English seed.
    assert any("가" <= char <= "힣" for char in page.title)


@pytest.mark.django_db
def test_seed_article_bodies_pass_block_validation(seeded):
    for page in ArticlePage.objects.filter(locale__language_code="ko"):
        page.full_clean()


@pytest.mark.django_db
def test_refresh_restores_an_article_an_editor_changed(seeded):
    page = ArticlePage.objects.get(slug="thread-lifting", locale__language_code="ko")
    original_title = page.title
    page.title = "편집자가 바꾼 제목"
    page.save_revision().publish()
    assert seed_demo().unchanged  # without --refresh, editors' changes are kept
    assert ArticlePage.objects.get(pk=page.pk).title == "편집자가 바꾼 제목"
    report = seed_demo(refresh=True)
    assert report.updated == ["thread-lifting"]
    assert ArticlePage.objects.get(pk=page.pk).title == original_title


def test_a_broken_seed_file_is_reported_with_its_path_and_line(tmp_path):
    (tmp_path / "broken.json").write_text('{"slug": "x",\n  "title": }\n', encoding="utf-8")
    with pytest.raises(SeedError, match=r"broken\.json:2"):
        load_seed_articles(tmp_path)


@pytest.mark.django_db
def test_seed_demo_command_is_quiet_with_quiet(capsys):
    call_command("seed_demo", "--quiet")
    assert capsys.readouterr().out == ""
    assert ArticlePage.objects.count() >= 2
