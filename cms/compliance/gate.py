"""The gates: what keeps an article with compliance errors from being published or exported.

``export_blockers`` is registered in ``settings.EXPORT_GATES``; ``export_channels`` calls it with
each batch of pages it is about to export. The admin's publish gate (``wagtail_hooks``) uses
``page_findings``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import orjson
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import get_language
from wagtail.models import Locale, Page

from cms.articles.models import ArticlePage
from cms.compliance.checker import (
    ArticleContent,
    Finding,
    check_article,
    errors_of,
    legal_basis_of,
)
from cms.compliance.models import ComplianceVerdict
from cms.compliance.rules import RULES_FILE, BaseRule, RuleSet, load_rules


def page_findings(page: ArticlePage, ruleset: RuleSet | None = None) -> list[Finding]:
    """Every finding (errors and warnings) for the content ``page`` holds right now."""
    return check_article(ArticleContent.from_page(page), ruleset or load_rules())


def export_blockers(pages: Sequence[Page]) -> dict[int, list[str]]:
    """Page id -> why it must not be exported, for every article in ``pages`` with errors.

    Works on the pages as loaded: their bodies are already in memory. A page whose content and
    rules are unchanged since it was last checked is answered from its ``ComplianceVerdict``;
    the others are checked and their verdicts saved. Whatever the number of pages, that is at
    most one query for locales, one to read verdicts and one to save new ones.
    """
    articles = [page for page in pages if isinstance(page, ArticlePage) and page.pk]
    if not articles:
        return {}
    languages = _languages_of(articles)
    # Parsing the rules compiles dozens of patterns: only for pages that need a check, or a
    # reason. Unchanged pages are answered from the digest of the file alone.
    ruleset: RuleSet | None = None
    rules_digest = hashlib.sha256(RULES_FILE.read_bytes()).hexdigest()
    digests = {
        page.pk: content_digest(page, languages[page.locale_id], rules_digest) for page in articles
    }
    remembered = _remembered(list(digests))
    reason_language = get_language() or "en"
    blockers: dict[int, list[str]] = {}
    checked: list[ComplianceVerdict] = []
    for page in articles:
        digest, errors = remembered.get(page.pk, (None, None))
        if digest != digests[page.pk]:
            ruleset = ruleset or load_rules()
            content = ArticleContent.from_page(page, languages[page.locale_id])
            errors = [
                {"rule": error.rule.id, "path": error.path, "match": error.match}
                for error in errors_of(check_article(content, ruleset))
            ]
            checked.append(
                ComplianceVerdict(page_id=page.pk, content_digest=digests[page.pk], errors=errors)
            )
        if errors:
            ruleset = ruleset or load_rules()
            blockers[page.pk] = [
                _reason(ruleset.get(error["rule"]), error["path"], error["match"], reason_language)
                for error in errors
            ]
    if checked:
        ComplianceVerdict.objects.bulk_create(
            checked,
            update_conflicts=True,
            unique_fields=["page"],
            update_fields=["content_digest", "errors", "checked_at"],
        )
    return blockers


def _remembered(page_ids: list[int]) -> dict[int, tuple[str, list]]:
    """Page id -> (content digest, errors) of the verdicts recorded for ``page_ids`` (one query).

    Plain SQL, not the ORM: in the export after a publication this is often the run's first
    ORM query, and building it then costs more than the rest of the gate.
    """
    if not page_ids:
        return {}
    table = ComplianceVerdict._meta.db_table
    placeholders = ", ".join(["%s"] * len(page_ids))
    query = (
        f"SELECT page_id, content_digest, errors FROM {table}"  # noqa: S608 - our table name
        f" WHERE page_id IN ({placeholders})"
    )
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(query, page_ids)
        rows = cursor.fetchall()
    # The errors column is JSON text (a list), or already decoded where the driver does so.
    return {
        page_id: (digest, orjson.loads(errors) if isinstance(errors, str | bytes) else errors)
        for page_id, digest, errors in rows
    }


def gate_fingerprint() -> str:
    """What the export gate's verdicts depend on besides the pages: rules, code, language.

    The exporter keys its incremental runs on it (``cms.publishing.gates``): while it stays the
    same, a page whose content did not change keeps its verdict, and only changed pages are
    checked again. A new rules file or checker code makes the next export check every page.
    """
    return hashlib.sha256(
        b"\0".join((RULES_FILE.read_bytes(), _checker_code(), (get_language() or "en").encode()))
    ).hexdigest()


@cache
def _checker_code() -> bytes:
    """The source of the compliance package (what turns rules and text into verdicts)."""
    package = Path(__file__).resolve().parent
    return b"\0".join(path.read_bytes() for path in sorted(package.glob("*.py")))


export_blockers.fingerprint = gate_fingerprint  # type: ignore[attr-defined]


def content_digest(page: ArticlePage, language: str, rules_digest: str) -> str:
    """A digest of everything a compliance verdict depends on: text, language and rules."""
    # The stored form, as saved: ``raw_data`` would give the same, but ties the stream value
    # to a view of itself (a reference cycle), which keeps every page of an export run in
    # memory until the garbage collector comes by.
    stored = page.body.get_prep_value()
    try:
        body = orjson.dumps(stored, option=orjson.OPT_SORT_KEYS)  # an export digests every page
    except orjson.JSONEncodeError:  # what only json takes (huge integers)
        body = json.dumps(stored, sort_keys=True, ensure_ascii=False).encode("utf-8")
    head = "\x1f".join((rules_digest, language, page.title, page.search_description or "", ""))
    return hashlib.sha256(head.encode("utf-8") + body).hexdigest()


def describe(finding: Finding, language: str) -> str:
    """One line saying which rule, where, and why, in ``language``."""
    return _reason(finding.rule, finding.path, finding.match, language)


def _reason(rule: BaseRule, path: str, match: str, language: str) -> str:
    quoted = f' "{match}"' if match else ""
    return (
        f"compliance {rule.id} at {path}{quoted}: "
        f"{rule.message(language)} ({legal_basis_of(rule, language)})"
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
