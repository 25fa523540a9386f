"""Pieces of a channel's export that stand on their own."""

import random

from cms.publishing.builder import DigestSet


def test_a_digest_set_holds_its_members_and_nothing_else():
    rng = random.Random(7)
    members = [rng.randbytes(rng.randint(0, 80)) for _ in range(3000)]
    others = [member + b"x" for member in members[:500]] + [b"", b"\x00" * 16]
    digests = DigestSet(members)
    assert all(member in digests for member in members)
    assert not any(other in digests for other in others if other not in members)
    assert list(digests._high) == sorted(digests._high)  # bisected: must stay sorted
