"""Admin views: the translation status table, and the stable edit links used in catalogs."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from cms.translation.status import collect_status


class TranslationStatusView(WagtailAdminTemplateMixin, TemplateView):
    """Every article with, per target language, its translated/fuzzy/missing strings."""

    page_title = _("Translation status")
    header_icon = "globe"
    template_name = "translation/status.html"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = collect_status()
        return context


def source_page_editor(request, translation_key):
    """Redirect to the editor of the source page with ``translation_key``.

    Catalogs link here (``#:``) because page ids differ between databases and keys do not.
    """
    page = get_object_or_404(
        Page,
        translation_key=translation_key,
        locale__language_code=settings.TRANSLATION_SOURCE_LOCALE,
    )
    return redirect("wagtailadmin_pages:edit", page.pk)
