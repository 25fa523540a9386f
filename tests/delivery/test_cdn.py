"""CDN purges after a published run, through Wagtail's frontend cache backends."""

import pytest

from cms.delivery.cdn import short_lived_urls
from cms.delivery.config import load_targets
from cms.delivery.receivers import EXPORT_PUBLISHED

pytestmark = pytest.mark.django_db


@pytest.fixture
def purging_cache(receiver, settings):
    """A purging HTTP cache (as Varnish or Fastly take PURGE) on 127.0.0.1: the receiver."""
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": receiver.url.rsplit("/hooks", 1)[0],
        }
    }
    return receiver


def test_short_lived_urls_are_the_mutable_files_and_the_changed_documents(webhook_channel):
    target = load_targets()["web"]
    assert short_lived_urls(target, ["en/articles/a b.json", "ko/articles/old.json"]) == [
        "https://clinic.example/exports/web/manifest.json",
        "https://clinic.example/exports/web/changes.json",
        "https://clinic.example/exports/web/ko/index.json",
        "https://clinic.example/exports/web/en/index.json",
        "https://clinic.example/exports/web/en/articles/a%20b.json",
        "https://clinic.example/exports/web/ko/articles/old.json",
    ]


def test_a_published_run_purges_its_short_lived_urls_from_the_cdn(
    webhook_channel, purging_cache, run_deliveries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        EXPORT_PUBLISHED.send(
            sender=None,
            channel="web",
            sequence=5,
            upserted=["en/articles/a.json"],
            tombstones=[{"path": "ko/articles/old.json"}],
        )
    run_deliveries()
    purges = [request for request in purging_cache.requests if request.method == "PURGE"]
    assert {request.headers["Host"] for request in purges} == {"clinic.example"}
    assert sorted(request.path for request in purges) == [
        "/exports/web/changes.json",
        "/exports/web/en/articles/a.json",
        "/exports/web/en/index.json",
        "/exports/web/ko/articles/old.json",
        "/exports/web/ko/index.json",
        "/exports/web/manifest.json",
    ]


def test_without_a_configured_cdn_nothing_is_purged(
    webhook_channel, run_deliveries, django_capture_on_commit_callbacks, settings
):
    from django_tasks_db.models import DBTaskResult

    from cms.delivery.tasks import purge_cdn

    settings.WAGTAILFRONTENDCACHE = {}
    with django_capture_on_commit_callbacks(execute=True):
        EXPORT_PUBLISHED.send(sender=None, channel="web", sequence=5, upserted=[], tombstones=[])
    assert not DBTaskResult.objects.filter(task_path=purge_cdn.module_path).exists()
