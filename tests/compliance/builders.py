"""Article content for checker tests, built without a database."""

from cms.articles.models import ArticlePage
from cms.compliance.checker import ArticleContent
from tests.articles.factories import block, disclaimer, item

BODY_BLOCK = ArticlePage._meta.get_field("body").stream_block

EN_DISCLAIMER = block(
    "disclaimer",
    {
        "text": "<p>All treatments carry the risk of side effects depending on the person.</p>",
        "legal_basis": "Medical Service Act, Article 56",
    },
)


def side_effects(cause: str = "실 끝이 광대 쪽에 몰리면 생길 수 있습니다.") -> dict:
    return block(
        "side_effects",
        {
            "heading": "부작용",
            "intro": "<p>개인에 따라 부작용이 생길 수 있습니다.</p>",
            "items": [item({"name": "광대 돌출", "cause": cause, "prevention": "고정점 분산"})],
        },
    )


def content(
    *blocks: dict,
    language: str = "ko",
    title: str = "피부 관리 안내",
    summary: str = "",
    with_disclaimer: bool = True,
) -> ArticleContent:
    """An article whose body is ``blocks`` plus, unless told otherwise, a disclaimer."""
    closing = [] if not with_disclaimer else [disclaimer() if language == "ko" else EN_DISCLAIMER]
    return ArticleContent(
        slug="test-article",
        translation_key="00000000-0000-4000-8000-0000000000ff",
        language=language,
        title=title,
        summary=summary,
        body=BODY_BLOCK.to_python([*blocks, *closing]),
        page_id=None,
    )


__all__ = ["block", "content", "item", "side_effects"]
