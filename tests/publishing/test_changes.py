"""Page facts from the change notes: the same text as reading every page, or no answer."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from wagtail.models import Page, PageViewRestriction

from cms.publishing import export, sql
from cms.publishing.changes import (
    MARGIN,
    RETENTION,
    _keys_of_page,
    _lines_of_group,
    _notes_query,
    _spliced,
    prune_changes,
    refresh_facts,
)
from cms.publishing.directory import Visibility
from cms.publishing.export import export_channels
from cms.publishing.facts import compare_facts, load_facts
from cms.publishing.models import PageChange
from tests.articles.factories import make_article

from .conftest import translate

LATER = timedelta(minutes=1)


def snapshot():
    """The facts now, and when they were read, on a site set up long ago (no notes left)."""
    PageChange.objects.all().delete()
    taken_at = datetime.now(UTC)
    return load_facts(Visibility.load(taken_at)), taken_at


def refreshed(previous, at=None):
    """The refreshed facts' text (None: the notes cannot tell)."""
    result = refresh_facts(previous[0], previous[1], Visibility.load(at or datetime.now(UTC)))
    return None if result is None else result.text


def publish(page, **fields):
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()


@pytest.mark.parametrize(
    "change",
    [
        lambda pages, home: publish(pages["ko"]["thread-lifting"], title="실리프팅 개정"),
        lambda pages, home: publish(pages["en"]["thread-lifting"], slug="thread-lift"),
        lambda pages, home: pages["en"]["thread-lifting"].unpublish(),
        lambda pages, home: pages["en"]["thread-lifting"].delete(),
        lambda pages, home: make_article(home, "faq", title="자주 묻는 질문"),
        lambda pages, home: translate(
            pages["ko"]["mini-thread-lifting-vs-mini-facelift"], title="Mini", complete=False
        ),
        lambda pages, home: publish(pages["ko"]["mini-thread-lifting-vs-mini-facelift"]),
    ],
    ids=["edit", "slug", "unpublish", "delete", "new", "translate", "source-revision"],
)
def test_the_notes_give_the_facts_reading_every_page_gives(bilingual, ko_home, change):
    previous = snapshot()
    change(bilingual, ko_home)
    assert refreshed(previous) == load_facts(Visibility.load(datetime.now(UTC)))


def test_the_refresh_tells_what_comparing_every_line_would(bilingual, ko_home):
    previous = snapshot()
    publish(bilingual["ko"]["mini-thread-lifting-vs-mini-facelift"], title="미니 개정")
    bilingual["en"]["thread-lifting"].unpublish()
    make_article(ko_home, "faq", title="자주 묻는 질문")
    result = refresh_facts(*previous, Visibility.load(datetime.now(UTC)))
    changes = result.changes()
    assert changes == compare_facts(previous[0], result.text)
    assert bilingual["en"]["thread-lifting"].pk in changes.page_ids
    assert len(changes.keys) == 3


def test_an_expiry_that_passed_takes_the_page_out_without_a_note(bilingual):
    page = bilingual["ko"]["thread-lifting"]
    expiry = datetime.now(UTC) + timedelta(hours=1)
    Page.objects.filter(pk=page.pk).update(expire_at=expiry)  # no signal, no note
    previous = snapshot()
    later = expiry + LATER
    facts = refreshed(previous, at=later)
    assert facts == load_facts(Visibility.load(later))
    assert f"\t{page.pk}\t" not in facts


def test_several_expiries_that_passed_take_every_one_of_those_pages_out(bilingual):
    pages = [
        bilingual["ko"]["mini-thread-lifting-vs-mini-facelift"],
        bilingual["en"]["thread-lifting"],
    ]
    expiry = datetime.now(UTC) + timedelta(hours=1)
    for number, page in enumerate(pages):
        Page.objects.filter(pk=page.pk).update(expire_at=expiry + timedelta(seconds=number))
    previous = snapshot()
    later = expiry + LATER
    facts = refreshed(previous, at=later)
    assert facts == load_facts(Visibility.load(later))
    visible = {int(line.split("\t")[1]) for line in facts.split("\n")}
    assert not visible & {page.pk for page in pages}


def test_nothing_noted_gives_the_previous_facts(bilingual):
    previous = snapshot()
    assert refreshed(previous) == previous[0]


@pytest.mark.parametrize(
    "change",
    [
        lambda pages, home: pages["ko"]["thread-lifting"].move(home, pos="first-child"),
        lambda pages, home: PageViewRestriction.objects.create(
            page=home, restriction_type=PageViewRestriction.LOGIN
        ),
        lambda pages, home: publish(home, slug="home-renamed"),  # its children's URLs change
    ],
    ids=["move", "restriction", "parent-renamed"],
)
def test_a_structural_change_asks_for_every_page(bilingual, ko_home, change):
    previous = snapshot()
    change(bilingual, ko_home)
    assert refreshed(previous) is None


def test_pages_that_come_without_a_note_are_noticed_by_their_count(bilingual, ko_home):
    previous = snapshot()
    make_article(ko_home, "bulk", title="대량 입력")
    PageChange.objects.all().delete()  # as if inserted in bulk, past the signals
    assert refreshed(previous) is None


def test_a_snapshot_older_than_the_notes_or_from_the_future_is_not_trusted(bilingual):
    facts, taken_at = snapshot()
    assert refreshed((facts, taken_at), at=taken_at + RETENTION) is None
    assert refreshed((facts, taken_at), at=taken_at - LATER) is None


def test_notes_from_just_before_the_snapshot_are_read_again(bilingual):
    """A transaction still open when the facts were read commits its note with an earlier time."""
    page = bilingual["ko"]["thread-lifting"]
    previous = snapshot()
    publish(page, title="늦게 커밋된 수정")
    PageChange.objects.filter(page_id=page.pk).update(recorded_at=previous[1] - MARGIN / 2)
    now = load_facts(Visibility.load(datetime.now(UTC)))
    assert now != previous[0]
    assert refreshed(previous) == now


def test_old_notes_are_pruned(bilingual):
    now = datetime.now(UTC)
    PageChange.objects.all().delete()
    PageChange.objects.create(page_id=1, recorded_at=now - RETENTION - LATER)
    PageChange.objects.create(page_id=2, recorded_at=now)
    prune_changes(now)
    assert list(PageChange.objects.values_list("page_id", flat=True)) == [2]


def test_an_incremental_export_reads_the_noted_pages_not_every_page(
    bilingual, export_root, monkeypatch
):
    export_channels(["web"])
    PageChange.objects.all().delete()  # the site was set up long before
    publish(bilingual["ko"]["thread-lifting"], title="실리프팅 개정")

    def every_page(visibility):
        raise AssertionError("the run read the facts of every page")

    monkeypatch.setattr(export, "load_facts", every_page)
    report = export_channels(["web"])

    assert "ko/articles/thread-lifting.json" in report.channels[0].written


def test_a_page_id_is_found_in_its_own_field_only():
    facts = "key-a\t5\t1\t7\t/a/\t7\nkey-b\t7\t1\t5\t/b/\t5\t\nkey-a\t9\t1\t7\t/c/\t"
    assert list(_keys_of_page(facts, 7)) == ["key-b"]
    assert list(_keys_of_page(facts, 5)) == ["key-a"]
    assert list(_keys_of_page(facts, 1)) == []
    assert [facts[start:end] for start, end in _lines_of_group(facts, "key-a")] == [
        "key-a\t5\t1\t7\t/a/\t7",
        "key-a\t9\t1\t7\t/c/\t",
    ]


@pytest.mark.parametrize("seed", range(30))
def test_spliced_lines_land_where_sorting_every_line_would_put_them(seed):
    rng = random.Random(seed)
    ids = sorted(rng.sample(range(1, 60), rng.randint(0, 12)))
    lines = [f"key-{rng.randint(1, 4)}\t{page_id}\t1\t/p{page_id}/" for page_id in ids]
    facts = "\n".join(lines)
    starts = [sum(len(line) + 1 for line in lines[:index]) for index in range(len(lines))]
    cut = [index for index in range(len(lines)) if rng.random() < 0.3]
    cuts = [(starts[index], starts[index] + len(lines[index])) for index in cut]
    free = sorted(set(range(1, 60)) - set(ids))
    added = [f"key-9\t{page_id}\t2\t/new{page_id}/" for page_id in rng.sample(free, 3)]
    added += [lines[index].replace("\t1\t/", "\t2\t/") for index in cut if rng.random() < 0.5]

    kept = [line for index, line in enumerate(lines) if index not in cut]
    expected = sorted(kept + added, key=lambda line: int(line.split("\t")[1]))
    assert _spliced(facts, cuts, added) == "\n".join(expected)


def sqlite_plan(query, params):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {query}", params)
        return " / ".join(row[-1] for row in cursor.fetchall())


@pytest.mark.django_db
def test_the_visibility_index_serves_the_notes_query_and_no_query_testing_live_as_a_value():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL plans by its statistics; SQLite's choice is what is pinned")
    visibility = Visibility.load(datetime.now(UTC))
    notes_plan = sqlite_plan(*_notes_query(visibility.now - LATER, visibility))
    assert notes_plan.count("publishing_page_visibility") == 2  # the expiries and the count

    # Without statistics SQLite would pick the index for any query of live pages, over the
    # translation key's: the partial index's condition, written as the bare column, keeps
    # it out of the plans of the queries that test ``live = %s``.
    visible, params = sql.visible("p", visibility.now, ())
    other = f"SELECT p.id FROM wagtailcore_page p WHERE {visible} AND p.translation_key = %s"  # noqa: S608
    assert "publishing_page_visibility" not in sqlite_plan(other, [*params, "0" * 32])
