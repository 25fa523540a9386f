"""The seed articles as shipped, in Korean and in English, carry no compliance errors.

Their warnings are pinned in snapshots/seed_warnings.json, so a change to the rules that flags
more (or less) of the seed text shows up in review. After a deliberate change, rewrite the file
from the output of ``manage.py check_compliance --format json`` or of ``seed_findings`` below.
"""

import json
from pathlib import Path

import pytest

from cms.articles.seeding import load_seed_articles
from cms.compliance.checker import ArticleContent, check_article, errors_of
from cms.compliance.rules import load_rules

from .builders import BODY_BLOCK

SNAPSHOT = Path(__file__).parent / "snapshots" / "seed_warnings.json"
SEEDS = load_seed_articles()


def seed_findings(seed, language):
    content = ArticleContent(
        slug=seed.slug,
        translation_key=seed.translation_key,
        language=language,
        title=seed.title[language],
        summary=seed.summary[language],
        body=BODY_BLOCK.to_python(seed.body_in(language)),
    )
    return check_article(content, load_rules())


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.slug)
def test_seed_article_has_no_compliance_errors(seed, language):
    errors = errors_of(seed_findings(seed, language))
    assert [(e.rule.id, e.path, e.excerpt) for e in errors] == []


def test_seed_warnings_are_the_reviewed_ones():
    warnings = [
        {"article": f.slug, "locale": f.locale, "path": f.path, "rule": f.rule.id, "match": f.match}
        for seed in SEEDS
        for language in ("ko", "en")
        for f in seed_findings(seed, language)
    ]
    assert warnings == json.loads(SNAPSHOT.read_text(encoding="utf-8"))
