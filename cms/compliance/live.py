"""The editor's live check: the form as typed, checked, findings returned for the blocks.

The editor's script posts the whole page form here while the editor types (and once when the
editor opens), and marks each finding on the field it was found in. Nothing is saved.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from wagtail.models import Page

from cms.articles.models import ArticlePage
from cms.compliance.checker import ArticleContent, Finding, check_article
from cms.compliance.editor import editor_language
from cms.compliance.rules import load_rules


def highlighted_excerpt(finding: Finding) -> SafeString:
    """The finding's excerpt, escaped, with its matched words in ``<mark>``."""
    text, match = finding.excerpt, finding.match
    position = text.find(match) if match else -1
    if position < 0:
        return SafeString(escape(text))
    return format_html(
        "{}<mark>{}</mark>{}",
        text[:position],
        match,
        text[position + len(match) :],
    )


def finding_data(finding: Finding, language: str) -> dict[str, Any]:
    """What the editor's script shows of one finding, already in the editor's language."""
    return {
        "path": finding.path,
        "rule": finding.rule.id,
        "severity": finding.rule.severity,
        "severity_label": _("Error") if finding.is_error else _("Warning"),
        "location": finding.location(),
        "match": finding.match,
        "excerpt_html": str(highlighted_excerpt(finding)),
        "message": finding.rule.message(language),
        "legal_basis": finding.legal_basis(language),
        "suggestion": finding.rule.suggestion(language),
    }


def summary_text(errors: int, warnings: int) -> str:
    """The badge's sentence: how many errors and warnings, or that all is clear."""
    if not errors and not warnings:
        return _("Medical advertising check: no findings")
    parts = []
    if errors:
        parts.append(ngettext("%(count)d error", "%(count)d errors", errors) % {"count": errors})
    if warnings:
        parts.append(
            ngettext("%(count)d warning", "%(count)d warnings", warnings) % {"count": warnings}
        )
    return _("Medical advertising check: %(findings)s") % {"findings": ", ".join(parts)}


def _page_and_language(request: HttpRequest) -> tuple[Page | None, str]:
    """The page being edited (``None`` when it is being created) and its language."""
    pages = Page.objects.select_related("locale")
    page_id = request.POST.get("compliance-page-id")
    parent_id = request.POST.get("compliance-parent-id")
    if page_id and page_id.isdigit():
        page = get_object_or_404(pages, pk=page_id)
        return page, page.locale.language_code
    if parent_id and parent_id.isdigit():
        return None, get_object_or_404(pages, pk=parent_id).locale.language_code
    return None, "ko"


@require_POST
def check_form(request: HttpRequest) -> JsonResponse:
    """Check the posted editor form of an article; reply with every finding for its blocks."""
    page, language = _page_and_language(request)
    if page is not None and not issubclass(page.specific_class or Page, ArticlePage):
        return JsonResponse({"applies": False, "findings": []})
    body_block = ArticlePage._meta.get_field("body").stream_block
    try:
        body = body_block.value_from_datadict(request.POST, request.FILES, "body")
    except (KeyError, ValueError, TypeError):
        return JsonResponse({"error": _("The form could not be read.")}, status=400)
    content = ArticleContent(
        slug=request.POST.get("slug", ""),
        translation_key="",
        language=language,
        title=request.POST.get("title", ""),
        summary=request.POST.get("search_description", ""),
        body=body,
    )
    findings = check_article(content, load_rules())
    shown_in = editor_language()
    errors = sum(finding.is_error for finding in findings)
    return JsonResponse(
        {
            "applies": True,
            "summary": summary_text(errors, len(findings) - errors),
            "errors": errors,
            "warnings": len(findings) - errors,
            "findings": [finding_data(finding, shown_in) for finding in findings],
            "suggestion_label": _("Suggestion:"),
        }
    )
