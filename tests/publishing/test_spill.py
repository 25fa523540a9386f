"""Spilled index entries and manifest members come back sorted, wherever they were added."""

import tempfile

from cms.publishing.spill import FILES, Spill


def test_entries_come_back_sorted_by_key():
    spill = Spill()
    for key in ("b", "c", "a"):
        spill.add("ko", key, f'{{"slug":"{key}"}}'.encode())
    assert b"".join(spill.entries("ko", separate=False)) == (
        b'{"slug":"a"}{"slug":"b"}{"slug":"c"}'
    )
    spill.close()


def test_what_another_spill_exports_is_absorbed_as_if_added_here():
    here, there, alone = Spill(), Spill(), Spill()
    for spill, key in ((here, "m"), (there, "z"), (there, "a"), (here, "k")):
        spill.add("en", key, key.encode() * 3)
        alone.add("en", key, key.encode() * 3)
    there.add(FILES, "en/a.json", b"member")
    alone.add(FILES, "en/a.json", b"member")

    with tempfile.TemporaryFile() as handed_over:
        handed_over.write(b"what the file held before")
        here.absorb(there.export(handed_over), handed_over.fileno())

    assert here.keys("en") == {"a", "k", "m", "z"}
    for kind in ("en", FILES):
        assert here.entries(kind) == alone.entries(kind)
    assert there.keys("en") == set()  # exporting empties it
    for spill in (here, there, alone):
        spill.close()
