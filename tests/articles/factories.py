"""Small builders for article bodies and pages, so tests state only what they are about."""

import uuid
from contextlib import ExitStack, contextmanager
from typing import Any

from cms.articles.models import ArticlePage
from cms.lifecycle import gate


def block(block_type: str, value: dict[str, Any], block_id: str | None = None) -> dict[str, Any]:
    return {"type": block_type, "value": value, "id": block_id or str(uuid.uuid4())}


def item(value: dict[str, Any], item_id: str | None = None) -> dict[str, Any]:
    return {"type": "item", "value": value, "id": item_id or str(uuid.uuid4())}


DISCLAIMER_TEXT = "<p>이 글은 의료법 제56조를 준수하여 작성되었습니다.</p>"


def disclaimer(text: str = DISCLAIMER_TEXT) -> dict:
    return block("disclaimer", {"text": text, "legal_basis": "의료법 제56조"})


def minimal_body(*blocks: dict[str, Any]) -> list[dict[str, Any]]:
    """The given blocks followed by the required disclaimer."""
    return [*blocks, disclaimer()]


def make_article(
    parent, slug: str, title: str = "실 리프팅", body=None, *, enforce_rules: bool = False, **fields
) -> ArticlePage:
    """Create and publish an article below ``parent`` (a home page).

    The article goes live as given, as if it had been published before the current compliance
    rules (which is how a live article can break them): most tests are about something else and
    build small bodies that the rules would refuse (a procedure without a side-effects block).
    ``enforce_rules=True`` publishes through the compliance gate like every real route.
    """
    with ExitStack() as stack:
        if not enforce_rules:
            stack.enter_context(compliance_gate_open())
        page = parent.add_child(
            instance=ArticlePage(
                title=title,
                slug=slug,
                body=body or minimal_body(block("intro", {"text": "<p>도입 문단입니다.</p>"})),
                **fields,
            )
        )
        page.save_revision().publish()
    return page


@contextmanager
def compliance_gate_open():
    """Within the block, the publish gate finds no errors: content goes live as it is."""
    original = gate.blocking_errors
    gate.blocking_errors = lambda page: []
    try:
        yield
    finally:
        gate.blocking_errors = original
