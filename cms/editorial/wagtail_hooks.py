"""Admin wiring of the editorial app: catalog views, and the export worker warning."""

from django.urls import path
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from cms.editorial import views
from cms.editorial.worker import worker_health


@hooks.register("register_admin_urls")
def register_editorial_urls():
    return [
        path("editorial/catalogs/<int:page_id>/", views.catalogs, name="editorial_catalogs"),
        path(
            "editorial/catalogs/<int:page_id>/<str:language>.po",
            views.download,
            name="editorial_catalog_download",
        ),
    ]


class WorkerWarningPanel(Component):
    """On the dashboard: exports are queued but no worker is taking them."""

    name = "export_worker_warning"
    order = 10
    template_name = "editorial/worker_warning.html"

    def __init__(self, health):
        self.health = health

    def get_context_data(self, parent_context=None):
        return {"worker": self.health}


@hooks.register("construct_homepage_panels")
def add_worker_warning(request, panels):
    health = worker_health()
    if health.stalled:
        panels.insert(0, WorkerWarningPanel(health))


@hooks.register("before_edit_page")
def warn_when_no_worker_runs(request, page):
    """Say so at the top of the editor when published articles are stuck in the queue."""
    if request.method != "GET" or not request.accepts("text/html"):
        return None
    health = worker_health()
    if health.stalled:
        from django.contrib import messages

        messages.warning(
            request,
            _(
                "No export worker is running: published articles are not reaching the "
                "channels. Tell whoever runs the server."
            ),
        )
    return None
