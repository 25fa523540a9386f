"""The gates: what keeps an article with compliance errors from being published or exported.

``export_blockers`` is registered in ``settings.EXPORT_GATES``; ``export_channels`` calls it once
per run with every page it is about to export. The admin's publish gate (``wagtail_hooks``) uses
``page_findings``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import get_language
from wagtail.models import Locale, Page

from cms.articles.models import ArticlePage
from cms.compliance.checker import ArticleContent, Finding, check_article, errors_of
from cms.compliance.rules import RuleSet, load_rules


def page_findings(page: ArticlePage, ruleset: RuleSet | None = None) -> list[Finding]:
    """Every finding (errors and warnings) for the content ``page`` holds right now."""
    return check_article(ArticleContent.from_page(page), ruleset or load_rules())


def export_blockers(pages: Sequence[Page]) -> dict[int, list[str]]:
    """Page id -> why it must not be exported, for every article in ``pages`` with errors.

    Works on the pages as loaded: their bodies are already in memory, and the locales of all of
    them are read in at most one query. Pages that are not articles are never blocked.
    """
    articles = [page for page in pages if isinstance(page, ArticlePage)]
    if not articles:
        return {}
    languages = _languages_of(articles)
    ruleset = load_rules()
    reason_language = get_language() or "en"
    blockers: dict[int, list[str]] = {}
    for page in articles:
        content = ArticleContent.from_page(page, languages[page.locale_id])
        errors = errors_of(check_article(content, ruleset))
        if errors:
            blockers[page.pk] = [describe(error, reason_language) for error in errors]
    return blockers


def describe(finding: Finding, language: str) -> str:
    """One line saying which rule, where, and why, in ``language``."""
    quoted = f' "{finding.match}"' if finding.match else ""
    return (
        f"compliance {finding.rule.id} at {finding.path}{quoted}: "
        f"{finding.rule.message(language)} ({finding.legal_basis(language)})"
    )


def _languages_of(pages: Sequence[ArticlePage]) -> dict[int, str]:
    """Locale id -> language code, using locales already loaded with the pages where possible."""
    known = {
        page.locale_id: page.locale.language_code
        for page in pages
        if Page.locale.is_cached(page)  # type: ignore[attr-defined]
    }
    missing = {page.locale_id for page in pages} - known.keys()
    if missing:
        known.update(Locale.objects.filter(pk__in=missing).values_list("pk", "language_code"))
    return known
