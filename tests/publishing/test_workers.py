"""A rebuild rendered in several processes publishes what one process would, byte for byte."""

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime

import pytest
from django.conf import settings as django_settings
from django.db import connection
from wagtail.models import Page

from cms.publishing import workers
from cms.publishing.errors import ExportError
from cms.publishing.export import export_channels
from cms.publishing.models import ChannelState
from cms.publishing.state import STATE_DIR
from cms.publishing.workers import plan_shares
from tests.articles.factories import compliance_gate_open, make_article

from .conftest import freeze_publication_dates, translate, verify_tree

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
CHANNELS = ("web", "app", "partner")

# Transactional: on PostgreSQL a worker opens its own connection, which sees committed rows only.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def keyed(page, key: str) -> None:
    """Give ``page`` (and its translations) a chosen translation key: decides its range."""
    Page.objects.filter(translation_key=page.translation_key).update(translation_key=uuid.UUID(key))


@pytest.fixture
def site(bilingual, ko_home):
    """Fifteen articles, some translated, and a slug two articles claim in English.

    The claimants sit at both ends of the key order, so with three processes they fall in the
    first and the last range: the first must win the path, as it does in one process.
    """
    for number in range(12):
        page = make_article(ko_home, f"article-{number:02}", title=f"글 {number}")
        if number % 3:
            translate(page, title=f"Article {number}", summary="An article.", complete=number != 4)
    first = make_article(ko_home, "shared-slug", title="공유 슬러그")
    keyed(first, "00000000-0000-4000-8000-000000000001")
    last = make_article(ko_home, "last-one", title="마지막 글")
    last_english = translate(last, title="Last", summary="The last one.", complete=True)
    last_english.slug = "shared-slug"  # its English path is first's English fallback path
    with compliance_gate_open():  # a stand-in translation: Korean text under an English title
        last_english.save_revision().publish()
    keyed(last, "ffffffff-ffff-4fff-bfff-ffffffffffff")
    freeze_publication_dates()


def files_of(root, channel):
    tree = (root / channel).resolve()
    return {
        str(path.relative_to(tree)): path.read_bytes()
        for path in sorted(tree.rglob("*"))
        if path.is_file()
    }


def state_of(root, channel):
    """The state file of the published tree, without the tree's (random) name."""
    name = os.readlink(root / channel).rpartition("/")[2]
    return (root / STATE_DIR / name).read_text().replace(name, "<tree>")


def export_in(root, processes, settings, **options):
    settings.EXPORT_ROOT = root
    settings.EXPORT_PROCESSES = processes
    return export_channels(now=NOW, **options)


def test_several_processes_publish_what_one_process_publishes(
    site, settings, tmp_path, monkeypatch
):
    monkeypatch.setattr(workers, "PROCESS_MIN_ARTICLES", 1)
    alone = export_in(tmp_path / "alone", 1, settings)
    ChannelState.objects.all().delete()  # a fresh folder on a fresh machine
    shared = export_in(tmp_path / "shared", 3, settings)

    assert (alone.processes, shared.processes) == (1, 3)
    for one, three in zip(alone.channels, shared.channels, strict=True):
        assert (one.written, one.skipped, one.unchanged) == (
            three.written,
            three.skipped,
            three.unchanged,
        )
    web = {str(skip) for skip in shared.channels[0].skipped}
    assert (
        "skipped: shared-slug (en): slug taken by "
        + str(uuid.UUID("00000000-0000-4000-8000-000000000001"))
        in web
    )
    for channel in CHANNELS:
        verify_tree(tmp_path / "shared", channel)
        assert files_of(tmp_path / "shared", channel) == files_of(tmp_path / "alone", channel)
        assert state_of(tmp_path / "shared", channel) == state_of(tmp_path / "alone", channel)


def test_an_incremental_run_builds_on_a_tree_rendered_in_several_processes(
    site, settings, tmp_path, monkeypatch
):
    monkeypatch.setattr(workers, "PROCESS_MIN_ARTICLES", 1)
    export_in(tmp_path / "shared", 3, settings, full=True)
    page = Page.objects.get(slug="article-07", locale__language_code="ko").specific
    page.title = "글 7 (개정)"
    page.save_revision().publish()
    freeze_publication_dates()

    report = export_in(tmp_path / "shared", 3, settings)

    assert report.processes == 1  # a few articles: rendered here
    assert report.channels[0].written == [
        "en/articles/article-07.json",
        "ko/articles/article-07.json",
    ]
    ChannelState.objects.all().delete()
    export_in(tmp_path / "alone", 1, settings, full=True)
    for channel in CHANNELS:
        mine, theirs = (
            verify_tree(tmp_path / "shared", channel),
            verify_tree(tmp_path / "alone", channel),
        )
        for files in (mine["files"], theirs["files"]):
            files.pop("changes.json")
        assert mine["files"] == theirs["files"]


def test_a_full_run_in_several_processes_recycles_the_spare_and_repairs_what_differs(
    site, settings, tmp_path, monkeypatch
):
    monkeypatch.setattr(workers, "PROCESS_MIN_ARTICLES", 1)
    root = tmp_path / "shared"
    export_in(root, 3, settings)
    page = Page.objects.get(slug="article-07", locale__language_code="ko").specific
    page.title = "글 7 (개정)"
    page.save_revision().publish()
    freeze_publication_dates()
    export_in(root, 3, settings)  # incremental: the next run's spare differs from it here
    tree = (root / "web").resolve()
    tampered = "ko/articles/article-03.json"  # rendered by a worker
    (tree / tampered).write_bytes(b"{}")  # in place: the spare's file is the same inode
    before = {path: (tree / path).stat().st_ino for path in files_of(root, "web")}

    report = export_in(root, 3, settings, full=True)

    assert report.processes == 3
    tree = (root / "web").resolve()
    after = {path: (tree / path).stat().st_ino for path in files_of(root, "web")}
    assert {path for path in after if after[path] != before.get(path)} == {
        tampered,
        "changes.json",
        "manifest.json",
    }
    assert report.channels[0].written == []
    ChannelState.objects.all().delete()
    export_in(tmp_path / "alone", 1, settings, full=True)
    for channel in CHANNELS:
        mine, theirs = verify_tree(root, channel), verify_tree(tmp_path / "alone", channel)
        for files in (mine["files"], theirs["files"]):
            files.pop("changes.json")
        assert mine["files"] == theirs["files"]


def failing_late_gate(pages):
    """Fails on the last article only, which a worker renders."""
    if any(page.slug == "last-one" for page in pages):
        raise RuntimeError("rules file unreadable")
    return {}


def test_a_failure_in_a_worker_stops_the_run_and_publishes_nothing(
    site, settings, tmp_path, monkeypatch
):
    monkeypatch.setattr(workers, "PROCESS_MIN_ARTICLES", 1)
    root = tmp_path / "exports"
    export_in(root, 3, settings)
    before = {channel: files_of(root, channel) for channel in CHANNELS}
    settings.EXPORT_GATES = [f"{__name__}.failing_late_gate"]

    with pytest.raises(ExportError, match=r"failing_late_gate failed: RuntimeError: rules file"):
        export_in(root, 3, settings, full=True)

    assert {channel: files_of(root, channel) for channel in CHANNELS} == before
    # The current trees; the spares the failed run had recycled went to the trash.
    assert len(list((root / ".trees").iterdir())) == len(CHANNELS)
    assert Page.objects.filter(slug="last-one").exists()  # the parent's connection still works


def test_progress_counts_every_article_once(site, settings, tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "PROCESS_MIN_ARTICLES", 1)
    seen = []

    export_in(tmp_path / "exports", 3, settings, progress=lambda done, total: seen.append(done))

    assert seen[0] == 0 and seen[-1] == 16  # the two seed articles and the fourteen above
    assert seen == sorted(seen)


def test_shares_are_even_ranges_of_keys():
    keys = [f"{number:08x}-0000-4000-8000-000000000000" for number in range(1000)]
    assert plan_shares(keys, 1) == [(None, None)]
    assert plan_shares(keys[:300], 4) == [(None, None)]  # too few for a second process
    shares = plan_shares(reversed(keys), 4)
    assert shares == [
        (None, keys[250]),
        (keys[250], keys[500]),
        (keys[500], keys[750]),
        (keys[750], None),
    ]


# A corpus large enough that each of three processes reads its articles in several fetches,
# batches of four pages, and every page checked by the compliance gate, which records each
# verdict: three processes reading and writing one SQLite file at once.
EXPORT_WITH_WRITING_GATE = """
import django
django.setup()
from django.conf import settings
from cms.benchmarks.corpus import grow_corpus
from cms.compliance.models import ComplianceVerdict
from cms.publishing import workers
from cms.publishing.export import export_channels
grow_corpus(200)
ComplianceVerdict.objects.all().delete()
workers.PROCESS_MIN_ARTICLES = 1
settings.EXPORT_PROCESSES = 3
settings.EXPORT_BATCH_SIZE = 4
report = export_channels(full=True)
print(report.processes, ComplianceVerdict.objects.count())
"""


def test_workers_share_a_sqlite_file_with_a_gate_that_writes(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's locking only")
    with connection.cursor() as cursor:  # the migrated test database, as a file to share
        cursor.execute("VACUUM INTO %s", [str(tmp_path / "bench.sqlite3")])
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.bench",
        "BENCH_DIR": str(tmp_path),
    }
    environment.pop("DATABASE_URL", None)

    result = subprocess.run(
        [sys.executable, "-c", EXPORT_WITH_WRITING_GATE],
        env=environment,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["3", "402"]  # the corpus and the two seed articles


@pytest.mark.django_db
def test_a_run_inside_a_transaction_forks_only_with_a_private_copy_of_the_database(
    bilingual, export_root, settings, monkeypatch
):
    monkeypatch.setattr(workers, "PROCESS_MIN_ARTICLES", 1)
    settings.EXPORT_PROCESSES = 2
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()

    report = export_channels(full=True)

    # A new connection would not see this test's uncommitted pages; an in-memory SQLite
    # database is copied into the worker as it is.
    assert report.processes == (2 if in_memory else 1)
    for channel in CHANNELS:
        verify_tree(export_root, channel)


def test_the_process_count_follows_the_setting_else_the_cores_allowed(settings):
    settings.EXPORT_PROCESSES = 3
    assert workers.process_count() == 3
    settings.EXPORT_PROCESSES = None
    assert workers.process_count() == len(os.sched_getaffinity(0))
