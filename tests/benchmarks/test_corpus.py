"""The benchmark corpus: bulk-built pages that look exactly like published, translated ones."""

import pytest
from wagtail.models import Page

from cms.articles.models import ArticlePage
from cms.benchmarks.corpus import existing_bench_articles, grow_corpus
from cms.translation.models import AppliedTranslation


@pytest.mark.django_db
def test_grows_a_valid_tree_of_published_translated_articles():
    size = grow_corpus(3)
    assert size.articles == 3
    assert Page.find_problems() == ([], [], [], [], [])
    bench = ArticlePage.objects.filter(slug__startswith="bench-").select_related("locale")
    assert sorted(page.locale.language_code for page in bench) == ["en"] * 3 + ["ko"] * 3
    for page in bench:
        assert page.live
        assert page.live_revision_id == page.latest_revision_id
        assert page.url == f"/{page.locale.language_code}/{page.slug}/"
        page.full_clean()  # the body passes the block model's validation
        assert page.get_translations().count() == 1
    english = bench.filter(locale__language_code="en")
    applied = AppliedTranslation.objects.filter(page__in=english)
    assert applied.count() == 3
    assert all(record.complete and record.is_up_to_date for record in applied)


@pytest.mark.django_db
def test_growing_again_keeps_existing_articles_and_adds_only_the_difference():
    grow_corpus(2)
    first_ids = set(
        ArticlePage.objects.filter(slug__startswith="bench-").values_list("pk", flat=True)
    )
    grow_corpus(4)
    assert existing_bench_articles() == 4
    ids = set(ArticlePage.objects.filter(slug__startswith="bench-").values_list("pk", flat=True))
    assert first_ids < ids
    assert len(ids) == 8
    assert Page.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
def test_articles_made_from_the_same_seed_have_their_own_block_ids_and_text():
    grow_corpus(3)
    # Articles 0 and 2 are made from the same seed article.
    first, _, second = ArticlePage.objects.filter(
        slug__startswith="bench-", locale__language_code="ko"
    ).order_by("slug")
    assert {child.id for child in first.body}.isdisjoint({child.id for child in second.body})
    assert first.title != second.title


# Serialized rollback: a transactional test that ran before may have flushed the root page
# the migrations made, and the corpus is built under it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_settling_vacuums_and_analyzes_what_the_bulk_load_wrote():
    from django.db import connection

    from cms.benchmarks.corpus import settle_database

    grow_corpus(2)
    settle_database()  # autocommit, as in a benchmark step
    if connection.vendor != "postgresql":
        return  # SQLite: the WAL checkpoint ran without error; nothing more to observe
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL FROM pg_stat_user_tables "
            "WHERE relname = 'wagtailcore_page'"
        )
        assert cursor.fetchone() == (True, True)
