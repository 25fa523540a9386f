"""Small builders for article bodies and pages, so tests state only what they are about."""

import uuid
from typing import Any

from cms.articles.models import ArticlePage


def block(block_type: str, value: dict[str, Any], block_id: str | None = None) -> dict[str, Any]:
    return {"type": block_type, "value": value, "id": block_id or str(uuid.uuid4())}


def item(value: dict[str, Any], item_id: str | None = None) -> dict[str, Any]:
    return {"type": "item", "value": value, "id": item_id or str(uuid.uuid4())}


def disclaimer(text: str = "<p>이 글은 의료법 제56조를 준수하여 작성되었습니다.</p>") -> dict:
    return block("disclaimer", {"text": text, "legal_basis": "의료법 제56조"})


def minimal_body(*blocks: dict[str, Any]) -> list[dict[str, Any]]:
    """The given blocks followed by the required disclaimer."""
    return [*blocks, disclaimer()]


def make_article(parent, slug: str, title: str = "실 리프팅", body=None, **fields) -> ArticlePage:
    """Create and publish an article below ``parent`` (a home page)."""
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
