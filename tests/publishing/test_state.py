"""What a tree was built from, kept beside it; facts shared between channels; the code digest."""

import os
from pathlib import Path

from cms.publishing import fingerprint
from cms.publishing.state import (
    STATE_DIR,
    ExportState,
    GroupRecord,
    SkipRecord,
    read_state,
    remove_unused_facts,
    write_state,
)


def state(channel, tree, facts="k1\t1\tfacts\nk2\t2\tfacts", digest="d1"):
    return ExportState(
        channel=channel,
        tree=tree,
        static="s",
        sequence=7,
        documents=2,
        prefixes={"ko": "/ko/"},
        routing="r",
        facts=facts,
        facts_digest=digest,
        groups=[GroupRecord("k1", ("ko/articles/a.json",), ("k:k2",)).line()],
        links=["k:k2\tk1"],
        skips=[SkipRecord("k2", "en", "b", "slug taken by k1\tand a tab").line()],
    )


def test_a_state_reads_back_as_written_and_channels_share_their_facts(tmp_path):
    write_state(tmp_path, state("web", "web.1"))
    write_state(tmp_path, state("app", "app.1"))
    cache = {}
    web = read_state(tmp_path, "web", "web.1", cache)
    assert read_state(tmp_path, "app", "app.1", cache).facts is web.facts  # read once
    assert web.group("k1").paths == ("ko/articles/a.json",)
    assert web.dependents("k:k2") == ["k1"]
    assert [skip.key for skip in web.collided()] == ["k2"]
    assert read_state(tmp_path, "web", "web.2") is None  # another tree's state is no use
    assert len(list((tmp_path / STATE_DIR).glob("_facts.*"))) == 1


def test_facts_no_state_refers_to_are_removed(tmp_path):
    write_state(tmp_path, state("web", "web.1", facts="old", digest="d-old"))
    write_state(tmp_path, state("web", "web.2", facts="new", digest="d-new"))
    (tmp_path / STATE_DIR / "web.1").unlink()
    remove_unused_facts(tmp_path)
    assert sorted(path.name for path in (tmp_path / STATE_DIR).glob("_facts.*")) == ["_facts.d-new"]


def test_replacing_groups_keeps_every_section_sorted(tmp_path):
    current = state("web", "web.1")
    current.replace_groups(
        {"k1"},
        [GroupRecord("k1", ("ko/articles/c.json",), ("p:9",)), GroupRecord("k0", (), ())],
        [],
    )
    assert current.groups == sorted(current.groups)
    assert current.group("k1").paths == ("ko/articles/c.json",)
    assert current.dependents("p:9") == ["k1"] and current.dependents("k:k2") == []


def test_the_code_fingerprint_kept_on_disk_is_recomputed_when_a_source_changes(
    tmp_path, monkeypatch
):
    source = tmp_path / "code"
    source.mkdir()
    monkeypatch.setattr(fingerprint, "SOURCES", (source,))
    cache = tmp_path / ".code-fingerprint"

    def computed(*, settled=True):
        if settled:  # changed long ago: the cache may be trusted with it
            for path in source.iterdir():
                os.utime(path, (1_000_000_000, 1_000_000_000 + len(path.read_bytes())))
        fingerprint.code_fingerprint.cache_clear()
        return fingerprint.code_fingerprint(cache), fingerprint.code_fingerprint.__wrapped__()

    (source / "a.py").write_text("x = 1\n")
    assert len(set(computed(settled=False))) == 1
    assert not cache.exists()  # a file changed just now may change again unseen: not kept
    first, _ = computed()
    assert cache.exists() and computed() == (first, first)
    (source / "a.py").write_text("x = 22\n")
    changed, expected = computed()
    assert changed == expected != first
    (source / "b.py").write_text("")
    added, expected = computed()
    assert added == expected not in {first, changed}
    cache.write_text("not json")
    assert len(set(computed())) == 1
    fingerprint.code_fingerprint.cache_clear()


def test_a_process_reads_back_the_state_it_wrote_without_reading_the_file(tmp_path, monkeypatch):
    written = state("web", "web.1")
    write_state(tmp_path, written, remember=True)

    def no_reading(*args, **kwargs):
        raise AssertionError("read from disk")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    monkeypatch.setattr(Path, "read_text", no_reading)
    assert read_state(tmp_path, "web", "web.1").encode() == written.encode()
    assert read_state(tmp_path, "web", "web.1").facts == written.facts


def test_a_state_replaced_behind_the_process_is_read_again(tmp_path):
    write_state(tmp_path, state("web", "web.1"), remember=True)
    assert read_state(tmp_path, "web", "web.1").sequence == 7
    path = tmp_path / STATE_DIR / "web.1"
    other = state("web", "web.1")
    other.sequence = 8  # another process's run, say
    (tmp_path / "other").write_bytes(other.encode())
    os.replace(tmp_path / "other", path)

    assert read_state(tmp_path, "web", "web.1").sequence == 8
    path.write_bytes(b"damaged")
    assert read_state(tmp_path, "web", "web.1") is None


def test_changing_a_state_read_back_leaves_the_remembered_one_alone(tmp_path):
    write_state(tmp_path, state("web", "web.1"), remember=True)
    first = read_state(tmp_path, "web", "web.1")
    first.replace_groups({"k1"}, [], [])
    first.prefixes["en"] = "/en/"

    again = read_state(tmp_path, "web", "web.1")
    assert again.group("k1") is not None and again.links == ["k:k2\tk1"]
    assert again.prefixes == {"ko": "/ko/"}


def test_only_the_last_state_remembered_per_channel_is_kept(tmp_path, monkeypatch):
    write_state(tmp_path, state("web", "web.1"), remember=True)
    write_state(tmp_path, state("web", "web.2"), remember=True)
    write_state(tmp_path, state("app", "app.1"))  # a rebuild's: not remembered
    reads = []
    read_bytes = Path.read_bytes
    monkeypatch.setattr(
        Path, "read_bytes", lambda path: reads.append(path.name) or read_bytes(path)
    )

    for channel, tree in (("web", "web.1"), ("web", "web.2"), ("app", "app.1")):
        assert read_state(tmp_path, channel, tree).tree == tree

    assert reads == ["web.1", "app.1"]  # web.2 came from memory


def test_a_state_replaced_with_other_facts_lets_its_old_facts_go(tmp_path):
    write_state(tmp_path, state("web", "web.1", facts="old", digest="d-old"))
    remove_unused_facts(tmp_path)  # reads (and keeps) what the state names
    write_state(tmp_path, state("web", "web.1", facts="new", digest="d-new"))  # a refresh
    remove_unused_facts(tmp_path)
    assert sorted(path.name for path in (tmp_path / STATE_DIR).glob("_facts.*")) == ["_facts.d-new"]
