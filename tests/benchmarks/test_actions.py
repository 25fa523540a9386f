"""Benchmark steps: the documents counted are the channels' own, once each."""

import json

from cms.benchmarks.actions import exported_documents


def test_documents_are_counted_per_channel_not_again_through_the_previous_tree(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path
    manifest = {"files": {"ko/articles/a.json": {}, "en/articles/a.json": {}, "ko/index.json": {}}}
    for tree in ("web", ".web.previous"):  # the previous tree stays reachable for readers
        (tmp_path / tree).mkdir()
        (tmp_path / tree / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert exported_documents() == {"web": 2}
