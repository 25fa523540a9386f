"""Crash safety and locking: the published export is whole at every instant."""

import itertools
import os
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from cms.publishing import tree
from cms.publishing.errors import ExportLocked
from cms.publishing.export import export_channels
from cms.publishing.models import ChannelState
from cms.publishing.tree import TREES_DIR, export_lock

from .conftest import read_json, verify_tree

KILLED = 137
# The file-system calls an export makes; a kill is simulated just before one of them.
FILE_SYSTEM_CALLS = ("open", "mkdir", "chmod", "link", "symlink", "replace", "unlink", "rmdir")


def trees_of(root, channel):
    return sorted(path.name for path in (root / TREES_DIR).glob(f"{channel}.*"))


def edit_title(page, title):
    page.title = title
    page.save_revision().publish()


def test_a_crash_before_the_switch_leaves_the_previous_export(bilingual, export_root, monkeypatch):
    export_channels(["web"])
    before = verify_tree(export_root, "web")
    edit_title(bilingual["ko"]["thread-lifting"], "실리프팅 안내")

    def crash(self):
        raise OSError("disk pulled out")

    with monkeypatch.context() as patched:
        patched.setattr(tree.StagingTree, "switch", crash)
        with pytest.raises(OSError, match="disk pulled out"):
            export_channels(["web"])

    assert verify_tree(export_root, "web") == before
    assert len(trees_of(export_root, "web")) == 1  # the half-built tree was thrown away
    export_channels(["web"])
    assert (
        read_json(export_root, "web", "ko/articles/thread-lifting.json")["title"] == "실리프팅 안내"
    )


def fail_at_switch(monkeypatch, *args, **options):
    """Run an export whose switch fails, once every channel is staged."""

    def crash(self):
        raise OSError("disk pulled out")

    with monkeypatch.context() as patched:
        patched.setattr(tree.StagingTree, "switch", crash)
        with pytest.raises(OSError, match="disk pulled out"):
            export_channels(*args, **options)


def test_a_first_export_that_fails_to_switch_throws_its_mirror_away(
    bilingual, export_root, monkeypatch
):
    fail_at_switch(monkeypatch, ["web", "app"])

    # Both channels were staged and mirrored before the switch failed: the staged trees and
    # their mirrors went to the trash, and nothing was published.
    for channel in ("web", "app"):
        assert not (export_root / channel).exists()
        assert trees_of(export_root, channel) == []
        assert len([name for name in trash_of(export_root) if name.startswith(f"{channel}.")]) == 2


def test_a_full_run_that_fails_to_switch_leaves_the_published_trees(
    bilingual, export_root, monkeypatch
):
    export_channels(["web", "app"])
    before = {channel: verify_tree(export_root, channel) for channel in ("web", "app")}
    current = {channel: (export_root / channel).resolve() for channel in ("web", "app")}

    fail_at_switch(monkeypatch, ["web", "app"], full=True)

    # The spare each run recycled went to the trash with what was staged in it.
    for channel in ("web", "app"):
        assert verify_tree(export_root, channel) == before[channel]
        assert trees_of(export_root, channel) == [current[channel].name]
    export_channels(["web", "app"], full=True)  # with no spare: from an empty folder
    for channel in ("web", "app"):
        now, then = verify_tree(export_root, channel)["files"], before[channel]["files"]
        now.pop("changes.json"), then.pop("changes.json")
        assert now == then


def test_a_failed_switch_makes_sequence_numbers_skip_never_repeat(
    bilingual, export_root, monkeypatch
):
    export_channels(["web"])
    published = read_json(export_root, "web", "manifest.json")["sequence"]
    edit_title(bilingual["ko"]["thread-lifting"], "실리프팅 안내")

    fail_at_switch(monkeypatch, ["web"])  # its mark is raised while it switches

    mark = ChannelState.objects.get(channel="web").sequence
    assert mark > published
    assert read_json(export_root, "web", "manifest.json")["sequence"] == published
    export_channels(["web"])
    assert read_json(export_root, "web", "manifest.json")["sequence"] > mark


def test_a_first_export_records_its_mirror_as_the_next_runs_spare(bilingual, export_root):
    export_channels(["web"])
    current = (export_root / "web").resolve()
    spare = tree.read_published(export_root, "web").spare

    assert spare is not None and spare.path != current and not spare.differs
    mirrored = sorted(p.relative_to(spare.path) for p in spare.path.rglob("*") if p.is_file())
    assert mirrored == sorted(p.relative_to(current) for p in current.rglob("*") if p.is_file())
    for path in mirrored:  # the same inodes: the next run changes only what changed
        assert (spare.path / path).stat().st_ino == (current / path).stat().st_ino


def test_a_full_run_recycles_the_spare_and_records_the_tree_it_replaced(bilingual, export_root):
    export_channels(["web"])
    first = (export_root / "web").resolve()

    export_channels(["web"], full=True)

    current = (export_root / "web").resolve()
    spare = tree.read_published(export_root, "web").spare
    assert trees_of(export_root, "web") == sorted([current.name, first.name])
    assert spare.path == first
    assert spare.differs == {"changes.json", "manifest.json"}  # nothing else was written
    assert trash_of(export_root) == []


def spare_after_two_edits(bilingual, export_root):
    """Two exports after the first: the spare is then a tree of the spare's own files, and the
    Korean index is one of them. Returns the spare's index path, ready for a third edit."""
    export_channels(["web"])
    edit_title(bilingual["ko"]["thread-lifting"], "실리프팅 안내")
    export_channels(["web"])
    spare = tree.read_published(export_root, "web").spare
    assert "ko/index.json" in spare.differs
    edit_title(bilingual["ko"]["thread-lifting"], "실리프팅 총정리")
    return spare.path / "ko" / "index.json"


def test_a_changed_file_reuses_the_spare_s_own_file_when_no_one_has_it(
    bilingual, export_root, monkeypatch
):
    spare_after_two_edits(bilingual, export_root)
    unlinked = []
    unlink = os.unlink
    monkeypatch.setattr(
        os, "unlink", lambda path, **kw: unlinked.append(str(path)) or unlink(path, **kw)
    )

    export_channels(["web"])

    # Written where it was, not unlinked and created anew (the inode number alone cannot
    # tell: a file system may hand a freed number straight back).
    assert not [path for path in unlinked if path.endswith("/ko/index.json")]
    published = export_root / "web" / "ko" / "index.json"
    assert "실리프팅 총정리" in published.read_text(encoding="utf-8")
    verify_tree(export_root, "web")  # every file whole, none longer than its new content


def test_a_spare_file_someone_is_reading_is_left_to_them(bilingual, export_root):
    index = spare_after_two_edits(bilingual, export_root)
    old = index.read_bytes()
    with open(index, "rb") as reader:
        start = reader.read(100)

        export_channels(["web"])

        assert start + reader.read() == old  # the reader's file was not touched
        assert os.fstat(reader.fileno()).st_ino != (export_root / "web/ko/index.json").stat().st_ino
    verify_tree(export_root, "web")


def test_a_spare_file_linked_elsewhere_is_not_rewritten(bilingual, export_root, tmp_path):
    index = spare_after_two_edits(bilingual, export_root)
    old = index.read_bytes()
    os.link(index, tmp_path / "kept.json")  # a backup's hard link, say

    export_channels(["web"])

    assert (tmp_path / "kept.json").read_bytes() == old
    verify_tree(export_root, "web")


def run_killed(kill_at: int | None, counter_file) -> int:
    """Run an export in a forked child that dies (os._exit, no clean-up) at file call n."""
    pid = os.fork()
    if pid:
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    try:  # the child: never returns into pytest
        connection = connections["default"]
        if connection.vendor != "sqlite":
            # Leave the parent's socket alone; the committed test data is visible anyway.
            connection.connection = None
        calls = itertools.count(1)

        def killing(function):
            def call(*args, **kwargs):
                if next(calls) == kill_at:
                    os._exit(KILLED)
                return function(*args, **kwargs)

            return call

        for name in FILE_SYSTEM_CALLS:
            setattr(os, name, killing(getattr(os, name)))
        export_channels(["web"])
        counter_file.write_text(str(next(calls) - 1))
        os._exit(0)
    except BaseException:
        os._exit(3)


def published_title(root) -> str:
    return read_json(root, "web", "ko/articles/thread-lifting.json")["title"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_run_killed_at_any_step_leaves_a_complete_export(bilingual, export_root, tmp_path):
    export_channels(["web"])
    page = bilingual["ko"]["thread-lifting"]
    counter = tmp_path / "calls"
    title = "제목 0"
    edit_title(page, title)
    assert run_killed(None, counter) == 0
    calls = int(counter.read_text())
    assert calls > 10
    for kill_at in range(1, calls + 1):
        before = published_title(export_root)
        if before == title:  # the last child got past the switch: give this one work
            title = f"제목 {kill_at}"
            edit_title(page, title)
        assert run_killed(kill_at, counter) == KILLED
        verify_tree(export_root, "web")  # the old tree or the new one, and whole
        assert published_title(export_root) in (before, title)
    export_channels(["web"])
    assert published_title(export_root) == title
    verify_tree(export_root, "web")
    assert len(trees_of(export_root, "web")) == 2  # killed runs' leftovers are gone


def test_a_second_run_is_refused_while_one_holds_the_lock(articles, export_root):
    with export_lock(export_root):
        with pytest.raises(ExportLocked, match="another export_channels run is writing"):
            export_channels(["web"])
        with pytest.raises(CommandError, match="pass --wait"):
            call_command("export_channels", "--quiet")
    assert not (export_root / "web").exists()
    export_channels(["web"])  # the lock was released
    verify_tree(export_root, "web")


def test_wait_queues_behind_the_running_export(articles, export_root):
    holding, release = threading.Event(), threading.Event()

    def hold():
        with export_lock(export_root):
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(10)
    threading.Timer(0.2, release.set).start()
    try:
        report = export_channels(["web"], wait=True)
    finally:
        release.set()
        holder.join()
    assert report.channels[0].published


def test_unwritable_export_folder_is_a_clear_error(articles, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.EXPORT_ROOT = blocker / "exports"
    with pytest.raises(CommandError, match=r"export folder .*/a-file/exports cannot be created"):
        call_command("export_channels", "--quiet")


def test_a_foreign_folder_at_the_public_path_is_left_alone(articles, export_root):
    (export_root / "web").mkdir(parents=True)
    (export_root / "web" / "keep.txt").write_text("someone's file")
    with pytest.raises(CommandError, match="is not a link made by export_channels"):
        call_command("export_channels", "--channel", "web", "--quiet")
    assert (export_root / "web" / "keep.txt").read_text() == "someone's file"


def count_syncs(monkeypatch):
    """Calls of ``sync`` (everything) and ``fsync`` (one file or folder; ``fdatasync`` too)."""
    calls = {"sync": 0, "fsync": 0}

    def counting(name, real):
        def call(*args):
            calls[name] += 1
            return real(*args)

        return call

    monkeypatch.setattr(tree.os, "sync", counting("sync", os.sync))
    monkeypatch.setattr(tree.os, "fsync", counting("fsync", os.fsync))
    monkeypatch.setattr(tree.os, "fdatasync", counting("fsync", os.fdatasync))
    return calls


def test_a_run_that_changes_a_few_files_fsyncs_them_not_the_whole_system(
    bilingual, export_root, monkeypatch
):
    export_channels(["web"])
    export_channels(["web"])  # the next run recycles the first tree
    calls = count_syncs(monkeypatch)
    edit_title(bilingual["ko"]["thread-lifting"], "실 리프팅 (수정)")

    export_channels(["web"])

    assert calls["sync"] == 0
    # The document, the index, the journal, the manifest and the folders they are in.
    assert 4 <= calls["fsync"] <= 16
    verify_tree(export_root, "web")


def test_a_file_rewritten_in_place_is_synced_and_its_folder_is_not(
    bilingual, export_root, monkeypatch
):
    index = spare_after_two_edits(bilingual, export_root)
    tree_path = index.parent.parent
    synced, unlinked = [], []
    fsync_path, unlink = tree._fsync_path, os.unlink
    monkeypatch.setattr(
        tree, "_fsync_path", lambda path, **kw: synced.append(path) or fsync_path(path, **kw)
    )
    monkeypatch.setattr(
        os, "unlink", lambda path, **kw: unlinked.append(str(path)) or unlink(path, **kw)
    )

    report = export_channels(["web"])

    staged = str((export_root / "web").resolve())
    written = [*report.channels[0].written, "ko/index.json", "changes.json", "manifest.json"]
    for path in written:
        assert f"{staged}/{path}" in synced  # every file written reaches the disk
    in_place = [path for path in written if f"{staged}/{path}" not in unlinked]
    assert "ko/index.json" in in_place
    # Folders whose entries changed are synced (.trees: the spare was renamed); a folder whose
    # files were only rewritten where they were is not.
    assert str(export_root / TREES_DIR) in synced
    assert f"{staged}/ko" not in synced
    assert tree_path.name != staged.rpartition("/")[2]  # the spare was renamed to publish it
    verify_tree(export_root, "web")


def test_a_run_that_writes_many_files_syncs_once(bilingual, export_root, monkeypatch):
    monkeypatch.setattr(tree, "FSYNC_ONE_BY_ONE", 3)
    calls = count_syncs(monkeypatch)

    export_channels(["web", "app"])

    # One sync for both channels; then each switch makes its new link durable.
    assert calls == {"sync": 1, "fsync": 2}


def trash_of(root):
    trash = root / tree.TRASH_DIR
    return sorted(path.name for path in trash.iterdir()) if trash.exists() else []


def files_below(folder):
    return sum(len(files) for _folder, _folders, files in os.walk(folder))


def test_the_next_run_that_renders_everything_deletes_the_trash(
    bilingual, export_root, monkeypatch
):
    export_channels(["web"])
    fail_at_switch(monkeypatch, ["web"], full=True)
    garbage = trash_of(export_root)
    assert garbage and all(name.startswith("web.") for name in garbage)

    export_channels(["web"], full=True)

    # What was in the trash when the run started is gone.
    assert not set(garbage) & set(trash_of(export_root))
    verify_tree(export_root, "web")


def inodes_below(folder):
    return {
        os.path.join(path, name): os.stat(os.path.join(path, name)).st_ino
        for path, _folders, files in os.walk(folder)
        for name in files
    }


def test_a_full_run_keeps_the_published_tree_whole_until_it_switches(
    bilingual, export_root, monkeypatch
):
    export_channels(["web"])
    edit_title(bilingual["ko"]["thread-lifting"], "실리프팅 안내")
    export_channels(["web"])
    current = (export_root / "web").resolve()
    before = inodes_below(current)
    at_switch = []
    switch = tree.StagingTree.switch

    def checking_switch(self):
        at_switch.append(inodes_below(current))
        switch(self)

    monkeypatch.setattr(tree.StagingTree, "switch", checking_switch)

    export_channels(["web"], full=True)

    assert at_switch == [before]
    # It became the previous tree, kept for readers still on it and as the next run's spare.
    assert (export_root / ".web.previous").resolve() == current
    assert inodes_below(current) == before
    verify_tree(export_root, "web")


def test_incremental_runs_delete_the_trash_a_few_files_at_a_time(
    bilingual, export_root, monkeypatch
):
    export_channels(["web"])
    fail_at_switch(monkeypatch, ["web"], full=True)
    before = files_below(export_root / tree.TRASH_DIR)
    assert before > 4

    edit_title(bilingual["ko"]["thread-lifting"], "실리프팅 안내")
    report = export_channels(["web"]).channels[0]

    budget = len(report.written) + len(report.deleted)
    assert 0 < budget < before
    assert files_below(export_root / tree.TRASH_DIR) == before - budget


def test_the_trash_is_emptied_without_rm_too(tmp_path, monkeypatch):
    garbage = tmp_path / tree.TRASH_DIR / "web.abc.1234"
    (garbage / "ko").mkdir(parents=True)
    (garbage / "ko" / "index.json").write_text("{}")
    monkeypatch.setattr(tree.shutil, "which", lambda name: None)

    removal = tree.TrashRemoval(tmp_path)
    removal.wait()

    assert not garbage.exists()
