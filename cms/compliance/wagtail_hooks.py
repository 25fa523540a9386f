"""The admin side of compliance: refuse to publish articles with errors, show every finding.

- ``before_publish_page`` runs in both the create and the edit view after the editor's changes
  have been saved as a revision and before the revision is published. Returning a response
  there stops the publication and keeps the draft, which is exactly "drafts can always be
  saved, publishing is refused".
- ``before_bulk_action`` covers "Publish" on several pages at once from the page listing.
- ``before_edit_page`` shows the findings of the current draft when the editor opens it.

Approval through a moderation workflow publishes without passing these hooks; the export gate
(``cms.compliance.gate.export_blockers``) still keeps such an article out of every channel.
"""

from __future__ import annotations

from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html, json_script
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.articles.models import ArticlePage
from cms.compliance.checker import check_article, errors_of
from cms.compliance.editor import (
    add_bulk_publish_refused_message,
    add_findings_message,
    add_publish_refused_message,
)
from cms.compliance.gate import page_findings
from cms.compliance.live import check_form
from cms.compliance.report import contents_of
from cms.compliance.rules import load_rules
from cms.compliance.views import ComplianceReportView


@hooks.register("register_admin_urls")
def register_compliance_urls():
    return [
        path("compliance/check/", check_form, name="compliance_check"),
        path("reports/compliance/", ComplianceReportView.as_view(), name="compliance_report"),
    ]


@hooks.register("register_reports_menu_item")
def register_compliance_report_menu_item():
    return MenuItem(
        _("Medical advertising check"),
        reverse("compliance_report"),
        name="compliance-report",
        icon_name="warning",
        order=50,
    )


@hooks.register("insert_editor_js")
def compliance_editor_js():
    """The live check: findings marked on their blocks while the editor writes."""
    return format_html(
        '{}<script src="{}" defer></script>',
        json_script(reverse("compliance_check"), "compliance-check-url"),
        static("compliance/editor.js"),
    )


@hooks.register("insert_global_admin_css")
def compliance_editor_css():
    return format_html('<link rel="stylesheet" href="{}">', static("compliance/editor.css"))


@hooks.register("before_publish_page")
def refuse_to_publish_with_errors(request, page):
    """Keep an article with compliance errors as a draft and send the editor back to it."""
    if not isinstance(page, ArticlePage):
        return None
    errors = errors_of(page_findings(page))
    if not errors:
        return None
    match = request.resolver_match
    if match is not None and match.view_name == "wagtailadmin_pages:add":
        # The create view stores a new page as live before it publishes the page; refused,
        # it must be the draft it would have been after "Save draft".
        ArticlePage.objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)
        page.live = False
    add_publish_refused_message(request, len(errors))
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_edit_page")
def show_findings_in_editor(request, page):
    """List the findings of the draft at the top of the editor (full page loads only)."""
    if (
        request.method == "GET"
        and isinstance(page, ArticlePage)
        and request.accepts("text/html")
        and not request.GET.get("_w_hydrate_create_view")
    ):
        add_findings_message(request, page_findings(page))
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_publish_with_errors(request, action_type, objects, action_class_instance):
    """Stop a bulk "Publish" if any article it would publish has compliance errors."""
    if action_type != "publish":
        return None
    pages = [page.specific for page in objects]
    form = action_class_instance.cleaned_form
    if form is not None and form.cleaned_data.get("include_descendants"):
        for page in list(pages):
            pages.extend(page.get_descendants().not_live().specific())
    articles = [page for page in pages if isinstance(page, ArticlePage)]
    if not articles:
        return None
    ruleset = load_rules()
    refused = [
        content.title
        for content in contents_of(articles)
        if errors_of(check_article(content, ruleset))
    ]
    if not refused:
        return None
    add_bulk_publish_refused_message(request, refused)
    return redirect(action_class_instance.next_url)
