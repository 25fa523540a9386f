"""Benchmark steps: the documents counted are the channels' own, once each."""

import json

from cms.benchmarks.actions import clear_exports, exported_documents


def test_documents_are_counted_per_channel_not_again_through_the_previous_tree(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path
    manifest = {"files": {"ko/articles/a.json": {}, "en/articles/a.json": {}, "ko/index.json": {}}}
    for tree in ("web", ".web.previous"):  # the previous tree stays reachable for readers
        (tmp_path / tree).mkdir()
        (tmp_path / tree / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert exported_documents() == {"web": 2}


def test_clearing_the_exports_leaves_the_next_run_nothing_to_keep(settings, tmp_path):
    settings.EXPORT_ROOT = root = tmp_path / "exports"
    (root / ".trees" / "web.abc" / "ko").mkdir(parents=True)
    (root / ".trees" / "web.abc" / "ko" / "index.json").write_text("{}", encoding="utf-8")
    (root / "web").symlink_to(".trees/web.abc")
    assert clear_exports() == 2  # the link and the file
    assert not root.exists()
    assert clear_exports() == 0
