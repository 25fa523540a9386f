"""Admin views of the editorial app: an article's translation catalogs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from cms.articles.models import ArticlePage
from cms.editorial.catalogs import (
    UploadError,
    catalog_files,
    refresh,
    source_of,
    store_upload,
)
from cms.translation import catalog as files


def _article(request: HttpRequest, page_id: int) -> ArticlePage:
    page = get_object_or_404(ArticlePage.objects.select_related("locale"), pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return source_of(page)


def catalogs(request: HttpRequest, page_id: int) -> HttpResponse:
    """List the article's catalogs; refresh them or take an uploaded one."""
    source = _article(request, page_id)
    if request.method == "POST":
        if "refresh" in request.POST:
            _refresh(request, source)
        elif "upload" in request.POST:
            _upload(request, source)
        return redirect("editorial_catalogs", source.pk)
    return TemplateResponse(
        request,
        "editorial/catalogs.html",
        {
            "page": source,
            "catalogs": catalog_files(source),
            "languages": files.target_languages(),
            "page_title": _("Translation catalogs"),
            "header_icon": "globe",
        },
    )


def _refresh(request: HttpRequest, source: ArticlePage) -> None:
    try:
        report = refresh(source)
    except ValueError as exc:
        messages.error(request, _("Catalogs not refreshed: %(reason)s") % {"reason": exc})
        return
    if report.errors:
        for error in report.errors:
            messages.error(request, str(error))
        return
    messages.success(
        request,
        _("Catalogs refreshed: %(written)d file(s) written, %(same)d already up to date.")
        % {"written": len(report.changed()), "same": len(report.files) - len(report.changed())},
    )


def _upload(request: HttpRequest, source: ArticlePage) -> None:
    upload = request.FILES.get("catalog")
    language = request.POST.get("language", "")
    if upload is None:
        messages.error(request, _("Choose a .po file to upload."))
        return
    try:
        report = store_upload(source, language, upload.name, upload.read())
    except UploadError as exc:
        messages.error(request, _("The catalog was not used: %(reason)s") % {"reason": exc})
        return
    for error in report.errors:
        messages.error(request, str(error))
    for result in report.results:
        if result.published:
            messages.success(
                request,
                _("Catalog saved and applied: the %(language)s page is published.")
                % {"language": result.language},
            )
        else:
            messages.warning(
                request,
                _(
                    "Catalog saved and applied as a draft: the %(language)s page is not "
                    "published until every required string is translated (%(action)s)."
                )
                % {"language": result.language, "action": result.action},
            )


def download(request: HttpRequest, page_id: int, language: str) -> FileResponse:
    """The article's catalog in ``language`` as a file for Poedit or Weblate."""
    source = _article(request, page_id)
    found = {c.language: c for c in catalog_files(source)}.get(language)
    if found is None:
        raise Http404("no such target language")
    if not found.exists and source.live:
        refresh(source)
    if not found.path.exists():
        raise Http404("the catalog is written when the article is first published")
    return FileResponse(
        found.path.open("rb"),
        as_attachment=True,
        filename=found.path.name,
        content_type="text/x-gettext-translation; charset=utf-8",
    )
