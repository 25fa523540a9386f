"""Page URLs computed from the tree snapshot are Wagtail's own."""

from cms.publishing.directory import PageDirectory
from tests.articles.factories import make_article


def test_urls_are_the_ones_wagtail_gives(articles, ko_home):
    pages = [*articles.values(), make_article(ko_home, "실리프팅-안내")]  # a slug reverse() quotes
    directory = PageDirectory.load()
    for page in pages:
        assert directory.relative_url(page.pk) == page.get_url_parts()[2], page.slug


def test_a_subset_holds_the_groups_asked_for_and_those_linked(bilingual):
    ko, en = bilingual["ko"], bilingual["en"]
    key = str(ko["thread-lifting"].translation_key)
    linked = ko["mini-thread-lifting-vs-mini-facelift"]
    directory = PageDirectory.load(keys={key}, page_ids={linked.pk})
    assert set(directory.entries) == {ko["thread-lifting"].pk, en["thread-lifting"].pk, linked.pk}
