"""Wagtail API v2 router: live queries at /api/v2/ (the exports are the bulk channel)."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet


class LocalizedPagesAPIViewSet(PagesAPIViewSet):
    """The stock pages endpoint, with each page's locale joined into the listing query.

    Stock API v2 fetches ``meta.locale`` with one query per page; joining it keeps the listing's
    query count constant however many pages it returns.
    """

    def get_queryset(self):
        return super().get_queryset().select_related("locale")


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", LocalizedPagesAPIViewSet)
