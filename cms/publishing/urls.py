"""``/exports/``: the channel exports over HTTP (see docs/export-contract.md)."""

from django.urls import path

from . import views

app_name = "publishing"

urlpatterns = [
    path("<str:channel>/changes", views.changes, name="changes"),
    path("<str:channel>/<path:path>", views.export_file, name="file"),
]
