"""The compliance report under 리포트: every article's findings, and live articles that fail."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Locale

from cms.compliance.editor import editor_language
from cms.compliance.live import highlighted_excerpt
from cms.compliance.report import run_check
from cms.compliance.rules import load_rules


class ReportFilters(forms.Form):
    """What the editor can narrow the report to."""

    severity = forms.ChoiceField(
        label=_("Severity"),
        required=False,
        choices=[("", _("All")), ("error", _("Errors")), ("warning", _("Warnings"))],
    )
    locale = forms.ChoiceField(label=_("Language"), required=False)
    rule = forms.ChoiceField(label=_("Rule"), required=False)
    q = forms.CharField(label=_("Article title or slug"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locales = Locale.objects.order_by("language_code").values_list("language_code", flat=True)
        self.fields["locale"].choices = [("", _("All")), *((code, code) for code in locales)]
        ruleset = load_rules()
        self.fields["rule"].choices = [
            ("", _("All")),
            *((rule.id, rule.id) for rule in (*ruleset.structure_rules, *ruleset.text_rules)),
        ]


class Row:
    """One finding as the report shows it."""

    def __init__(self, finding, content, language):
        self.finding = finding
        self.title = content.title
        self.page_id = content.page_id
        self.locale = content.language
        self.location = finding.location()
        self.excerpt = highlighted_excerpt(finding)
        self.message = finding.rule.message(language)
        self.suggestion = finding.rule.suggestion(language)
        self.legal_basis = finding.legal_basis(language)


class ComplianceReportView(WagtailAdminTemplateMixin, TemplateView):
    """Findings of every article's next publication, filterable; live failures first."""

    page_title = _("Medical advertising check")
    header_icon = "warning"
    template_name = "compliance/report.html"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = ReportFilters(self.request.GET or None)
        wanted = filters.cleaned_data if filters.is_valid() else {}
        report = run_check(locale=wanted.get("locale") or None)
        language = editor_language()
        by_page = {(c.page_id, c.language): c for c in report.checked}
        query = (wanted.get("q") or "").strip().lower()
        rows = []
        for finding in report.findings:
            content = by_page[(finding.page_id, finding.locale)]
            if wanted.get("severity") and finding.rule.severity != wanted["severity"]:
                continue
            if wanted.get("rule") and finding.rule.id != wanted["rule"]:
                continue
            if query and query not in content.title.lower() and query not in content.slug:
                continue
            rows.append(Row(finding, content, language))
        live_rows = [
            Row(error, failure.content, language)
            for failure in report.live_failures
            for error in failure.errors
        ]
        context.update(
            filters=filters,
            rows=rows,
            live_rows=live_rows,
            live_pages=len(report.live_failures),
            checked=len(report.checked),
            errors=sum(row.finding.is_error for row in rows),
            warnings=sum(not row.finding.is_error for row in rows),
        )
        return context
