"""Wagtail API v2 router: live queries at /api/v2/ (the exports are the bulk channel)."""

from __future__ import annotations

import re

from django.http import Http404
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet

# Page ids are 32-bit columns on PostgreSQL; a bigger number is no page, not a database error.
LARGEST_ID = 2**31 - 1
# An offset beyond any listing, still a number every database takes.
LARGEST_OFFSET = 10**9
DIGITS = re.compile(r"[0-9]{1,12}")
# Query parameters that stock Wagtail turns into int() and hands to the database.
NUMERIC_PARAMETERS = {
    "offset": LARGEST_OFFSET,
    "limit": LARGEST_OFFSET,
    "child_of": LARGEST_ID,
    "descendant_of": LARGEST_ID,
    "ancestor_of": LARGEST_ID,
    "id": LARGEST_ID,
}
SEARCH_OPERATORS = ("and", "or")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def check_guarded_parameters(query) -> None:
    """400 (``BadRequestError``) for numbers and operators stock Wagtail would crash on.

    Stock API v2 answers 500 to ``?offset=<5,000 digits>`` (the database cannot take the number),
    to an id beyond the column's range on PostgreSQL, to ``?search_operator=xor`` and to a NUL
    byte in a search.
    """
    for name, values in query.lists():
        if any(CONTROL_CHARACTERS.search(value) for value in values):
            raise BadRequestError(f"{name} may not contain control characters")
    for name, largest in NUMERIC_PARAMETERS.items():
        if name not in query:
            continue
        value = query[name]
        if name == "child_of" and value == "root":
            continue
        if not DIGITS.fullmatch(value) or int(value) > largest:
            raise BadRequestError(f"{name} must be a whole number from 0 to {largest}")
    operator = query.get("search_operator")
    if operator is not None and operator not in SEARCH_OPERATORS:
        raise BadRequestError("search_operator must be 'and' or 'or'")


class LocalizedPagesAPIViewSet(PagesAPIViewSet):
    """The stock pages endpoint, with each page's locale joined and hostile queries refused.

    Stock API v2 fetches ``meta.locale`` with one query per page; joining it keeps the listing's
    query count constant however many pages it returns.
    """

    def get_queryset(self):
        return super().get_queryset().select_related("locale")

    def check_query_parameters(self, queryset):
        super().check_query_parameters(queryset)
        check_guarded_parameters(self.request.GET)

    def detail_view(self, request, pk):
        if int(pk) > LARGEST_ID:
            raise Http404
        return super().detail_view(request, pk)

    def find_view(self, request):
        check_guarded_parameters(request.GET)
        return super().find_view(request)


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", LocalizedPagesAPIViewSet)
