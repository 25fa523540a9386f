"""The URLconf LocaleMiddleware sees for ``/exports/`` requests.

Django's LocaleMiddleware turns a 404 below a URL without a language prefix into a redirect to
``/<language>/…`` whenever the prefixed path would match, and Wagtail's catch-all page route
matches almost anything. A JSON client asking for a missing document must get a 404, not a
redirect to an HTML page, so the export views point ``request.urlconf`` here: no i18n patterns.
"""

from django.urls import include, path

urlpatterns = [path("exports/", include("cms.publishing.urls"))]
