"""Compliance findings as the editor sees them in the admin, in the editor's language.

Wagtail 8 has no hook for adding a side panel to the page editor, so the findings travel as an
admin message at the top of the edit view: errors listed in full, warnings folded away.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.admin.messages import render as render_message

from cms.compliance.checker import Finding


def editor_language() -> str:
    """The language the admin speaks to the current editor (``ko`` or ``en``)."""
    return "ko" if (get_language() or "").startswith("ko") else "en"


def findings_list(findings: Sequence[Finding], language: str) -> SafeString:
    """An HTML list of findings: where, the words, what is wrong, the law and a suggestion."""
    hint = _("Suggestion:")
    rows = format_html_join(
        "",
        '<li class="compliance-finding compliance-finding--{}" data-rule="{}">'
        "<strong>[{}]</strong> {}{} — {} <em>({})</em><br>{} {}</li>",
        (
            (
                finding.rule.severity,
                finding.rule.id,
                _("Error") if finding.is_error else _("Warning"),
                finding.location(),
                format_html(": “{}”", finding.excerpt) if finding.excerpt else "",
                finding.rule.message(language),
                finding.legal_basis(language),
                hint,
                finding.rule.suggestion(language),
            )
            for finding in findings
        ),
    )
    return format_html('<ul class="compliance-findings">{}</ul>', rows)


def findings_detail(findings: Sequence[Finding], language: str) -> SafeString:
    """Errors in full; warnings behind a "show" toggle so they do not crowd the editor."""
    errors = [f for f in findings if f.is_error]
    warnings = [f for f in findings if not f.is_error]
    parts = []
    if errors:
        parts.append(findings_list(errors, language))
    if warnings:
        summary = _("Show %(count)d warning(s)") % {"count": len(warnings)}
        parts.append(
            format_html(
                "<details><summary>{}</summary>{}</details>",
                summary,
                findings_list(warnings, language),
            )
        )
    return format_html_join("", "{}", ((part,) for part in parts))


def add_findings_message(request: HttpRequest, findings: Sequence[Finding]) -> None:
    """Show the findings at the top of the next admin page (nothing if there are none)."""
    if not findings:
        return
    language = editor_language()
    errors = sum(finding.is_error for finding in findings)
    warnings = len(findings) - errors
    if errors:
        headline = _(
            "Medical advertising check: %(errors)d error(s) and %(warnings)d warning(s). "
            "Fix the errors before publishing; warnings do not block publishing."
        ) % {"errors": errors, "warnings": warnings}
        level = messages.ERROR
    else:
        headline = _(
            "Medical advertising check: %(warnings)d warning(s). They do not block "
            "publishing, but please review them."
        ) % {"warnings": warnings}
        level = messages.WARNING
    html = render_message(headline, None, detail=findings_detail(findings, language))
    messages.add_message(request, level, html, extra_tags="compliance")


def add_publish_refused_message(request: HttpRequest, errors: int) -> None:
    """Tell the editor why the page did not go live, and that nothing they wrote is lost."""
    messages.error(
        request,
        _(
            "Not published: this article breaks the medical advertising rules "
            "(%(errors)d error(s)). Your changes were saved as a draft."
        )
        % {"errors": errors},
        extra_tags="compliance",
    )


def add_bulk_publish_refused_message(request: HttpRequest, titles: Sequence[str]) -> None:
    """Name the articles that stopped a bulk publication; their editors show the findings."""
    messages.error(
        request,
        _(
            "Nothing was published: %(titles)s break the medical advertising rules. Open each "
            "article to see what to fix."
        )
        % {"titles": ", ".join(titles)},
        extra_tags="compliance",
    )
