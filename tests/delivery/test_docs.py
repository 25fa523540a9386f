"""docs/webhooks.md: its Python and JavaScript verifiers accept what the sender signs."""

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from cms.delivery.signing import signature_headers

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
BODY = '{"event":"export.published","channel":"app","sequence":21,"title":"실리프팅"}'.encode()


def code_block(language: str) -> str:
    [block] = re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return block


def cases() -> list[tuple[str, dict, bytes, bool]]:
    """(secret, headers, body, expected) as the sender makes them, good and bad."""
    now = int(time.time())
    good = signature_headers([b"s3cret"], "evt-1", BODY, timestamp=now)
    rotated = signature_headers([b"old", b"s3cret"], "evt-2", BODY, timestamp=now)
    stale = signature_headers([b"s3cret"], "evt-3", BODY, timestamp=now - 301)
    return [
        ("s3cret", good, BODY, True),
        ("s3cret", rotated, BODY, True),
        ("wrong", good, BODY, False),
        ("s3cret", good, BODY + b" ", False),
        ("s3cret", {**good, "Webhook-Id": "evt-9"}, BODY, False),
        ("s3cret", stale, BODY, False),
        ("s3cret", {"Webhook-Id": "evt-1"}, BODY, False),
    ]


def test_the_python_verifier_in_the_docs_accepts_exactly_the_valid_signatures():
    namespace: dict = {}
    exec(code_block("python"), namespace)  # noqa: S102 - our own documentation
    results = [namespace["verify_webhook"](s, h, b) for s, h, b, _ in cases()]
    assert results == [expected for *_, expected in cases()]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_the_javascript_verifier_in_the_docs_accepts_exactly_the_valid_signatures(tmp_path):
    checks = [
        {"secret": s, "headers": h, "body": b.decode(), "expected": e} for s, h, b, e in cases()
    ]
    script = tmp_path / "verify.mjs"
    script.write_text(
        code_block("javascript")
        + "\nconst checks = JSON.parse(process.argv[2]);\n"
        + "const results = [];\n"
        + "for (const c of checks) {\n"
        + "  const body = new TextEncoder().encode(c.body);\n"
        + "  results.push(await verifyWebhook(c.secret, c.headers, body));\n"
        + "  results.push(await verifyWebhook(c.secret, new Headers(c.headers), body.buffer));\n"
        + "}\n"
        + "console.log(JSON.stringify(results));\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        ["node", str(script), json.dumps(checks)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    expected = [c["expected"] for c in checks for _ in range(2)]
    assert json.loads(result.stdout) == expected
