"""Run the admin's unsafe requests in a transaction, and turn a refused publication into an answer.

A workflow approval, a copy that keeps the page live or any other admin action that ends in the
compliance gate (``cms.lifecycle.gate``) raises ``PublishRefused`` deep inside Wagtail, after it
has already changed rows (the task state, the workflow, the copy). Running the view in one
transaction makes the refusal undo all of it; the person who pressed the button is then sent
back to the article with the findings, in their admin language.

Only the admin's POST/PUT/PATCH/DELETE requests are wrapped: the site, the API and the exports
keep running outside a transaction (on SQLite a transaction takes the database's write lock).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.messages import render as render_message

from cms.compliance.editor import editor_language, findings_list

from .gate import PublishRefused, RulesUnavailable, record_refusal

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class PublishGateMiddleware:
    """Atomic admin writes; ``PublishRefused`` becomes a message and a way back to the article."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.admin_prefix = reverse("wagtailadmin_home")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in UNSAFE_METHODS or not request.path.startswith(self.admin_prefix):
            return None
        try:
            with transaction.atomic():
                return view_func(request, *view_args, **view_kwargs)
        except PublishRefused as refusal:
            record_refusal(refusal, user=request.user, route=request.resolver_match.view_name)
            return refused_response(request, refusal)


def refused_response(request: HttpRequest, refusal: PublishRefused) -> HttpResponse:
    """The findings as an admin message, and the article's editor as the next page."""
    if isinstance(refusal, RulesUnavailable):
        messages.error(request, str(refusal), extra_tags="compliance")
        return _back_to_the_article(request, refusal)
    headline = _(
        "Not published: “%(title)s” breaks the medical advertising rules (%(errors)d "
        "error(s)). It stays a draft and what was live before stays live. Fix the errors "
        "below, then publish or approve again."
    ) % {"title": refusal.page.title, "errors": len(refusal.errors)}
    detail = findings_list(refusal.errors, editor_language())
    messages.error(request, render_message(headline, None, detail=detail), extra_tags="compliance")
    return _back_to_the_article(request, refusal)


def _back_to_the_article(request: HttpRequest, refusal: PublishRefused) -> HttpResponse:
    target = (
        reverse("wagtailadmin_pages:edit", args=[refusal.page.pk])
        if refusal.page.pk
        else reverse("wagtailadmin_home")
    )
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        # Wagtail's modal workflows (the approval dialog) follow a "redirect" in their answer.
        return JsonResponse({"step": "success", "redirect": target})
    return redirect(target)
