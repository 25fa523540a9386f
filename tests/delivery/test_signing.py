"""Signatures: HMAC-SHA256 over id, timestamp and body; stale, tampered or foreign ones fail."""

from cms.delivery.signing import signature, signature_headers, verify

BODY = b'{"channel":"web","sequence":3}'


def test_a_signed_body_verifies_with_the_same_secret_only():
    headers = signature_headers([b"s3cret"], "evt-1", BODY, timestamp=1_700_000_000)
    assert headers["Webhook-Id"] == "evt-1"
    assert headers["Webhook-Timestamp"] == "1700000000"
    assert headers["Webhook-Signature"] == "v1=" + signature(
        b"s3cret", "evt-1", 1_700_000_000, BODY
    )
    assert verify(b"s3cret", headers, BODY, now=1_700_000_010)
    assert not verify(b"other", headers, BODY, now=1_700_000_010)


def test_a_changed_body_id_or_timestamp_breaks_the_signature():
    headers = signature_headers([b"s3cret"], "evt-1", BODY, timestamp=1_700_000_000)
    assert not verify(b"s3cret", headers, BODY.replace(b"3", b"4"), now=1_700_000_000)
    assert not verify(b"s3cret", {**headers, "Webhook-Id": "evt-2"}, BODY, now=1_700_000_000)
    replayed_later = {**headers, "Webhook-Timestamp": "1700000900"}
    assert not verify(b"s3cret", replayed_later, BODY, now=1_700_000_900)


def test_an_old_or_future_timestamp_is_refused_as_a_replay():
    headers = signature_headers([b"s3cret"], "evt-1", BODY, timestamp=1_700_000_000)
    assert verify(b"s3cret", headers, BODY, now=1_700_000_300)
    assert not verify(b"s3cret", headers, BODY, now=1_700_000_301)
    assert not verify(b"s3cret", headers, BODY, now=1_699_999_699)


def test_while_a_secret_is_rotated_both_sign_and_either_verifies():
    headers = signature_headers([b"old", b"new"], "evt-1", BODY, timestamp=1_700_000_000)
    assert headers["Webhook-Signature"].count("v1=") == 2
    assert verify(b"old", headers, BODY, now=1_700_000_000)
    assert verify(b"new", headers, BODY, now=1_700_000_000)


def test_missing_or_malformed_headers_do_not_verify():
    headers = signature_headers([b"s3cret"], "evt-1", BODY, timestamp=1_700_000_000)
    for name in headers:
        partial = {key: value for key, value in headers.items() if key != name}
        assert not verify(b"s3cret", partial, BODY, now=1_700_000_000)
    assert not verify(b"s3cret", {**headers, "Webhook-Timestamp": "soon"}, BODY)
    lowered = {key.lower(): value for key, value in headers.items()}
    assert verify(b"s3cret", lowered, BODY, now=1_700_000_000)
