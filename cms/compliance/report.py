"""Check many articles at once, for ``manage.py check_compliance``.

By default every article is checked as it will next be published: its latest revision, draft
changes included. ``live=True`` checks what is published now instead.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from wagtail.models import Locale, Revision

from cms.articles.models import ArticlePage
from cms.compliance.checker import ArticleContent, Finding, check_article, errors_of
from cms.compliance.rules import RuleSet, load_rules


class SelectionError(ValueError):
    """The locale or article asked for does not exist."""


@dataclass
class ComplianceReport:
    """The findings of a run, what was checked, and the live articles failing the rules."""

    checked: list[ArticleContent] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    live_failures: list[LiveFailure] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.is_error]

    def counts_for(self, content: ArticleContent) -> tuple[int, int]:
        """Errors and warnings found in one checked article."""
        mine = [
            f
            for f in self.findings
            if f.page_id == content.page_id and f.locale == content.language
        ]
        errors = sum(f.is_error for f in mine)
        return errors, len(mine) - errors

    def as_json(self) -> str:
        """The whole report as stable, pretty-printed JSON."""
        severities = Counter(finding.rule.severity for finding in self.findings)
        data = {
            "checked": [
                {"article": c.slug, "locale": c.language, "page_id": c.page_id}
                for c in self.checked
            ],
            "summary": {
                "articles": len(self.checked),
                "errors": severities["error"],
                "warnings": severities["warning"],
            },
            "findings": [finding.as_dict() for finding in self.findings],
            "live_failing": [
                {
                    "article": failure.content.slug,
                    "locale": failure.content.language,
                    "page_id": failure.content.page_id,
                    "errors": [error.as_dict() for error in failure.errors],
                }
                for failure in self.live_failures
            ],
        }
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


def select_pages(locale: str | None = None, article: str | None = None) -> list[ArticlePage]:
    """The article pages to check, in a stable order; ``article`` selects all its translations."""
    pages = ArticlePage.objects.select_related("locale").order_by(
        "slug", "locale__language_code", "pk"
    )
    if locale:
        if not Locale.objects.filter(language_code=locale).exists():
            known = ", ".join(
                Locale.objects.order_by("language_code").values_list("language_code", flat=True)
            )
            raise SelectionError(f"unknown locale {locale!r} (known: {known or 'none'})")
        pages = pages.filter(locale__language_code=locale)
    if article:
        keys = ArticlePage.objects.filter(slug=article).values_list("translation_key", flat=True)
        if not keys:
            raise SelectionError(f"no article with the slug {article!r}")
        pages = pages.filter(translation_key__in=list(keys))
    return list(pages)


def contents_of(pages: list[ArticlePage], *, live: bool = False) -> list[ArticleContent]:
    """What to check of each page: the latest revision, or with ``live`` the published content.

    Revisions are read in one query and their bodies decoded without building page objects, so
    the cost does not grow with a query per article.
    """
    revisions = {}
    if not live:
        wanted = [p.latest_revision_id for p in pages if p.has_unpublished_changes]
        revisions = {
            revision.pk: revision.content
            for revision in Revision.objects.filter(pk__in=[pk for pk in wanted if pk])
        }
    body_field = ArticlePage._meta.get_field("body")
    contents = []
    for page in pages:
        content = ArticleContent.from_page(page)
        data = revisions.get(page.latest_revision_id) if page.has_unpublished_changes else None
        if data is not None:
            content = ArticleContent(
                slug=data.get("slug", page.slug),
                translation_key=content.translation_key,
                language=content.language,
                title=data.get("title", page.title),
                summary=data.get("search_description") or "",
                body=body_field.to_python(data.get("body", "[]")),
                page_id=page.pk,
            )
        contents.append(content)
    return contents


@dataclass(frozen=True)
class LiveFailure:
    """A live article whose published content breaks the current rules."""

    content: ArticleContent
    errors: tuple[Finding, ...]


def live_failures(
    locale: str | None = None, article: str | None = None, ruleset: RuleSet | None = None
) -> list[LiveFailure]:
    """Every live article whose published content has errors under the rules as they are now.

    Channels keep mirroring what is live, so an article published before a rule changed stays
    in them until an editor fixes or unpublishes it: this is the list editors work from.
    """
    ruleset = ruleset or load_rules()
    pages = [page for page in select_pages(locale, article) if page.live]
    failures = []
    for content in contents_of(pages, live=True):
        errors = tuple(errors_of(check_article(content, ruleset)))
        if errors:
            failures.append(LiveFailure(content=content, errors=errors))
    return failures


def run_check(
    locale: str | None = None, article: str | None = None, *, live: bool = False
) -> ComplianceReport:
    """Check the selected articles; raises ``SelectionError`` for an unknown locale or slug."""
    ruleset = load_rules()
    report = ComplianceReport()
    for content in contents_of(select_pages(locale, article), live=live):
        report.checked.append(content)
        report.findings.extend(check_article(content, ruleset))
    report.live_failures = live_failures(locale, article, ruleset)
    return report
