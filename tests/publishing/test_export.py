"""export_channels: incremental runs, tombstones, visibility, gates, dry runs, query counts."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from cms.home.models import HomePage
from cms.publishing.errors import ExportError
from cms.publishing.export import export_channels
from cms.publishing.models import ChannelState, ExportedDocument, JournalEntry
from cms.publishing.store import export_storage, object_name
from tests.articles.factories import make_article

from .conftest import (
    article_paths,
    freeze_publication_dates,
    manifest_files,
    read_bytes,
    read_json,
    stored,
    translate,
    verify_tree,
    wipe,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def hashes(channel):
    return {path: sha for path, sha in manifest_files(channel).items() if "/articles/" in path}


def journal_after(root, channel, sequence):
    entries = read_json(root, channel, "changes.json")["entries"]
    return [(entry["action"], entry["path"]) for entry in entries if entry["sequence"] > sequence]


def test_second_run_without_changes_publishes_nothing(bilingual, export_root):
    export_channels(["web"])
    manifest = read_bytes("web", "manifest.json")
    report = export_channels(["web"])
    assert read_bytes("web", "manifest.json") == manifest
    channel = report.channels[0]
    assert (channel.published, channel.written, channel.unchanged) == (False, [], 4)


def test_editing_one_page_rewrites_exactly_its_documents_and_journals_them(bilingual, export_root):
    export_channels(["web", "app"])
    before = {channel: hashes(channel) for channel in ("web", "app")}
    sequence = read_json(export_root, "web", "manifest.json")["sequence"]
    page = bilingual["ko"]["mini-thread-lifting-vs-mini-facelift"]
    page.title = "미니 실리프팅과 미니 거상"
    page.save_revision().publish()

    report = export_channels(["web", "app"])

    # The Korean page and its English fallback carry the new title; nothing else changed.
    changed = {
        "ko/articles/mini-thread-lifting-vs-mini-facelift.json",
        "en/articles/mini-thread-lifting-vs-mini-facelift.json",
    }
    for channel_report in report.channels:
        channel = channel_report.channel
        assert set(channel_report.written) == changed
        after = hashes(channel)
        assert {path for path in after if after[path] != before[channel][path]} == changed
        verify_tree(export_root, channel)
    assert sorted(journal_after(export_root, "web", sequence)) == sorted(
        ("upsert", path) for path in changed
    )
    document = read_json(
        export_root, "web", "ko/articles/mini-thread-lifting-vs-mini-facelift.json"
    )
    assert document["title"] == "미니 실리프팅과 미니 거상"


def test_unpublishing_removes_the_file_and_leaves_a_tombstone(bilingual, export_root):
    export_channels(["web"])
    sequence = read_json(export_root, "web", "manifest.json")["sequence"]
    bilingual["en"]["thread-lifting"].unpublish()

    export_channels(["web"])

    # The English page is gone, so English readers now get the Korean text, marked.
    document = read_json(export_root, "web", "en/articles/thread-lifting.json")
    assert document["fallback"] == {"from_locale": "ko", "reason": "missing"}
    bilingual["ko"]["thread-lifting"].unpublish()
    export_channels(["web"])
    assert "ko/articles/thread-lifting.json" not in article_paths(export_root, "web")
    assert "ko/articles/thread-lifting.json" not in stored("web")
    tombstones = [
        entry
        for entry in read_json(export_root, "web", "changes.json")["entries"]
        if entry["action"] == "delete"
    ]
    assert {entry["path"] for entry in tombstones} == {
        "ko/articles/thread-lifting.json",
        "en/articles/thread-lifting.json",
    }
    assert all(entry["sequence"] > sequence for entry in tombstones)
    assert {entry["id"] for entry in tombstones} == {
        str(bilingual["ko"]["thread-lifting"].translation_key)
    }
    slugs = [entry["slug"] for entry in read_json(export_root, "web", "ko/index.json")["articles"]]
    assert slugs == ["mini-thread-lifting-vs-mini-facelift"]


def test_deleting_and_renaming_pages_produce_tombstones_for_the_old_paths(bilingual, export_root):
    export_channels(["app"])
    sequence = read_json(export_root, "app", "manifest.json")["sequence"]
    bilingual["en"]["thread-lifting"].delete()
    page = bilingual["ko"]["mini-thread-lifting-vs-mini-facelift"]
    page.slug = "mini-lift"
    page.save_revision().publish()

    export_channels(["app"])

    assert sorted(journal_after(export_root, "app", sequence)) == [
        ("delete", "en/articles/mini-thread-lifting-vs-mini-facelift.json"),
        ("delete", "ko/articles/mini-thread-lifting-vs-mini-facelift.json"),
        ("upsert", "en/articles/mini-lift.json"),
        ("upsert", "en/articles/thread-lifting.json"),  # now the Korean fallback
        ("upsert", "ko/articles/mini-lift.json"),
        ("upsert", "ko/articles/thread-lifting.json"),  # its English alternate moved
    ]
    document = read_json(export_root, "app", "ko/articles/mini-lift.json")
    assert document["url"] == "http://127.0.0.1:8000/ko/mini-lift/"


def test_drafts_private_and_expired_pages_never_appear(articles, ko_home, export_root):
    draft = make_article(ko_home, "draft-article")
    draft.unpublish()
    private = make_article(ko_home, "private-article")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    expired = make_article(ko_home, "expired-article")
    type(expired).objects.filter(pk=expired.pk).update(
        expire_at=timezone.now() - timedelta(minutes=1)
    )
    make_article(ko_home, "public-article")

    export_channels()

    for channel in ("web", "app"):
        slugs = {path.rsplit("/", 1)[-1] for path in article_paths(export_root, channel)}
        assert "public-article.json" in slugs
        assert not slugs & {"draft-article.json", "private-article.json", "expired-article.json"}


def test_pages_outside_every_site_are_reported_not_exported(articles, export_root):
    orphan_home = Page.get_first_root_node().add_child(
        instance=HomePage(title="보관함", slug="archive", locale=articles["thread-lifting"].locale)
    )
    make_article(orphan_home, "archived")

    report = export_channels(["web"])

    assert "archived" not in str(article_paths(export_root, "web"))
    assert (
        "skipped: archived (ko): no URL yet (not below a site root); exported once it has one"
    ) in map(str, report.channels[0].skipped)


def test_a_view_restriction_on_an_ancestor_hides_the_whole_locale(bilingual, export_root):
    english_home = bilingual["en"]["thread-lifting"].get_parent()
    restriction = PageViewRestriction.objects.create(page=english_home, restriction_type="groups")
    restriction.groups.add(Group.objects.create(name="staff"))

    export_channels(["web"])

    # The private English translation is not exported; English readers get the marked source.
    document = read_json(export_root, "web", "en/articles/thread-lifting.json")
    assert document["fallback"] == {"from_locale": "ko", "reason": "missing"}


def test_a_live_article_with_compliance_errors_stays_in_its_channels(articles, export_root):
    # What is live passed the compliance gate when it went live; a rules change does not
    # withdraw it from channels (editors get the list instead).
    page = articles["thread-lifting"]
    type(page).objects.filter(pk=page.pk).update(title="최고의 실리프팅, 부작용 없는 시술")
    report = export_channels(["web"], full=True)
    assert "ko/articles/thread-lifting.json" in article_paths(export_root, "web")
    assert not any("thread-lifting (ko)" in skip for skip in report.channels[0].skipped)


def test_dry_run_reports_changes_and_writes_nothing(bilingual, export_root):
    export_channels(["web"])
    snapshot = {path: read_bytes("web", path) for path in stored("web")}
    page = bilingual["ko"]["thread-lifting"]
    page.title = "실리프팅 안내"
    page.save_revision().publish()

    report = export_channels(["web"], dry_run=True)

    channel = report.channels[0]
    # The English translation is now stale (up_to_date false), so it changes too.
    assert channel.written == ["en/articles/thread-lifting.json", "ko/articles/thread-lifting.json"]
    assert not channel.published
    assert {path: read_bytes("web", path) for path in stored("web")} == snapshot


def test_dry_run_on_a_new_machine_creates_no_folder(bilingual, export_root):
    report = export_channels(dry_run=True)
    assert not any(stored(channel) for channel in ("web", "app", "partner"))
    assert [len(channel.written) for channel in report.channels] == [4, 4, 1]


def test_full_rebuild_keeps_identical_files_and_journals_no_change(bilingual, export_root):
    export_channels(["web"])
    before = read_json(export_root, "web", "manifest.json")

    report = export_channels(["web"], full=True)

    # Everything was rendered and stored again and came out the same: nothing to journal.
    channel = report.channels[0]
    assert (channel.written, channel.unchanged, channel.published) == ([], 4, True)
    after = verify_tree(export_root, "web")
    assert after["sequence"] == before["sequence"] + 1
    assert journal_after(export_root, "web", before["sequence"]) == []
    changed = {path for path, entry in after["files"].items() if before["files"][path] != entry}
    assert changed == {"changes.json"}  # its sequence


def test_full_rebuild_repairs_files_changed_behind_its_back(bilingual, export_root):
    export_channels(["web"])
    sequence = read_json(export_root, "web", "manifest.json")["sequence"]
    storage = export_storage()
    edited, removed = "ko/articles/thread-lifting.json", "ko/index.json"
    storage.save(f"web/{edited}", ContentFile(b"{}"))
    storage.delete(f"web/{removed}")
    document = manifest_files("web")["en/articles/thread-lifting.json"]
    storage.delete(f"web/{object_name(document, 'en/articles/thread-lifting.json')}")

    report = export_channels(["web"], full=True)

    # Their published bytes did not change: nothing to tell the channels.
    assert report.channels[0].written == []
    assert journal_after(export_root, "web", sequence) == []
    verify_tree(export_root, "web")


def test_same_content_gives_byte_identical_exports(bilingual, export_root, settings, tmp_path):
    export_channels(now=NOW)
    first = {
        channel: {path: read_bytes(channel, path) for path in stored(channel)}
        for channel in ("web", "app", "partner")
    }
    # A fresh storage and a fresh database state: a new machine.
    settings.EXPORT_ROOT = tmp_path / "second"
    if settings.EXPORT_STORAGE:
        options = settings.EXPORT_STORAGE["OPTIONS"]
        settings.EXPORT_STORAGE = {
            **settings.EXPORT_STORAGE,
            "OPTIONS": {**options, "location": options["location"] + "-second"},
        }
    for model in (ChannelState, ExportedDocument, JournalEntry):
        model.objects.all().delete()
    export_channels(now=NOW)
    for channel, files in first.items():
        assert {path: read_bytes(channel, path) for path in stored(channel)} == files


def test_a_wiped_storage_is_published_again_and_sequences_keep_rising(bilingual, export_root):
    export_channels(["web"])
    journal = read_json(export_root, "web", "changes.json")
    wipe("web")

    report = export_channels(["web"])

    assert report.channels[0].published and report.channels[0].written == []
    verify_tree(export_root, "web")
    republished = read_json(export_root, "web", "changes.json")
    assert republished["entries"] == journal["entries"]  # the database keeps the history
    assert republished["sequence"] > journal["sequence"]
    assert ChannelState.objects.get(channel="web").sequence == republished["sequence"]


def test_old_tombstones_are_compacted_and_raise_the_cursor_floor(bilingual, export_root, settings):
    settings.EXPORT_TOMBSTONE_RETENTION_DAYS = 7
    export_channels(["web"], now=NOW)
    bilingual["en"]["thread-lifting"].delete()
    bilingual["ko"]["thread-lifting"].delete()
    export_channels(["web"], now=NOW + timedelta(days=1))
    tombstones = [
        entry["sequence"]
        for entry in read_json(export_root, "web", "changes.json")["entries"]
        if entry["action"] == "delete"
    ]
    assert len(tombstones) == 2
    page = bilingual["ko"]["mini-thread-lifting-vs-mini-facelift"]
    page.title = "미니 리프팅"
    page.save_revision().publish()

    export_channels(["web"], now=NOW + timedelta(days=9))

    journal = read_json(export_root, "web", "changes.json")
    assert all(entry["action"] == "upsert" for entry in journal["entries"])
    assert journal["compacted_through"] == max(tombstones)
    # Only the latest entry per path survives compaction.
    paths = [entry["path"] for entry in journal["entries"]]
    assert len(paths) == len(set(paths))


def edit_mini_lifting(bilingual):
    """Publish a new title: the Korean document and its English fallback change."""
    page = bilingual["ko"]["mini-thread-lifting-vs-mini-facelift"]
    page.title = "미니 리프팅"
    page.save_revision().publish()


def journal_entries(root):
    journal = read_json(root, "web", "changes.json")
    kept = [(entry["sequence"], entry["path"]) for entry in journal["entries"]]
    return kept, journal["compacted_through"]


def test_the_journal_keeps_only_the_newest_entries_past_its_limit(bilingual, export_root, settings):
    settings.EXPORT_JOURNAL_MAX_ENTRIES = 3
    export_channels(["web"], now=NOW)  # a first export journals its 4 documents, by path
    mini, thread = (
        "articles/mini-thread-lifting-vs-mini-facelift.json",
        "articles/thread-lifting.json",
    )
    assert journal_entries(export_root) == (
        [(2, f"en/{thread}"), (3, f"ko/{mini}"), (4, f"ko/{thread}")],
        1,  # the dropped entry's: a cursor before it re-reads the index
    )
    edit_mini_lifting(bilingual)

    export_channels(["web"], now=NOW + timedelta(hours=1))

    # ko/mini's entry 3 gives way to its newer 6; entry 2, the oldest, to the limit.
    assert journal_entries(export_root) == (
        [(4, f"ko/{thread}"), (5, f"en/{mini}"), (6, f"ko/{mini}")],
        2,
    )


def test_a_run_changing_more_than_the_limit_keeps_its_own_newest_entries(
    bilingual, export_root, settings
):
    settings.EXPORT_JOURNAL_MAX_ENTRIES = 1
    export_channels(["web"], now=NOW)
    assert journal_entries(export_root) == ([(4, "ko/articles/thread-lifting.json")], 3)
    edit_mini_lifting(bilingual)

    export_channels(["web"], now=NOW + timedelta(hours=1))

    assert journal_entries(export_root) == (
        [(6, "ko/articles/mini-thread-lifting-vs-mini-facelift.json")],
        5,
    )


@pytest.mark.parametrize("value", [0, -5, "100", 2.5, True, None])
def test_a_bad_journal_limit_is_refused_by_name(bilingual, export_root, settings, value):
    settings.EXPORT_JOURNAL_MAX_ENTRIES = value
    with pytest.raises(ExportError, match="EXPORT_JOURNAL_MAX_ENTRIES must be a whole number"):
        export_channels(["web"])
    assert not stored("web")


def export_queries(count: int, home) -> int:
    for number in range(count):
        source = make_article(home, f"article-{count}-{number}", title=f"글 {number}")
        if number % 2:
            translate(source, title=f"Article {number}", summary="An article.")
    freeze_publication_dates()
    cache.clear()  # Wagtail caches the site roots: both runs start cold
    with CaptureQueriesContext(connection) as queries:
        export_channels()
    return len(queries)


def test_query_count_does_not_grow_with_the_number_of_pages(articles, ko_home, settings, tmp_path):
    PageViewRestriction.objects.create(
        page=make_article(ko_home, "private"), restriction_type="login"
    )
    settings.EXPORT_ROOT = tmp_path / "small"
    small = export_queries(4, ko_home)
    settings.EXPORT_ROOT = tmp_path / "large"
    for model in (ChannelState, ExportedDocument, JournalEntry):
        model.objects.all().delete()
    large = export_queries(12, ko_home)  # 3 times the pages (plus the seed articles)
    assert large == small
    # Three channels, each read, recorded and published in a few queries; PostgreSQL adds the
    # run's advisory lock and unlock (SQLite's run lock is a file, not a query).
    advisory_lock = 2 if connection.vendor == "postgresql" else 0
    assert small <= 70 + advisory_lock
