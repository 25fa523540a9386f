"""Export on publish: publishing queues an export that the worker runs."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from cms.articles.models import ArticlePage
from cms.compliance.models import ComplianceVerdict
from cms.publishing import signals
from cms.publishing.export import export_channels
from cms.publishing.tasks import export_after_publish

from .conftest import read_bytes, stored

WORKER = ["db_worker", "--backend", "exports", "--queue-name", "exports", "--batch"]


@pytest.fixture
def run_worker(monkeypatch):
    """Run the real db_worker until the queue is empty, inside the test's transaction.

    The worker drops connections whose autocommit state differs from the settings, which is
    every connection inside a test transaction; that one housekeeping call is switched off.
    """
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command(*WORKER, "--no-startup-delay", verbosity=0)


def queued_exports():
    return DBTaskResult.objects.ready().filter(task_path=export_after_publish.module_path)


def exported_title(export_root, slug: str) -> str:
    return json.loads(read_bytes("web", f"ko/articles/{slug}.json"))["title"]


@pytest.fixture
def exported(seeded, export_root, settings):
    export_channels()
    DBTaskResult.objects.all().delete()  # the seed's own publishes are already exported
    return export_root


@pytest.mark.django_db
def test_an_admin_unpublish_queues_an_export_and_returns_without_running_it(
    client, exported, django_capture_on_commit_callbacks
):
    editor = get_user_model().objects.create_superuser("editor", "e@example.com", "pw")
    client.force_login(editor)
    page = ArticlePage.objects.get(slug="thread-lifting", locale__language_code="ko")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/pages/{page.pk}/unpublish/")
    assert response.status_code == 302
    assert not ArticlePage.objects.get(pk=page.pk).live
    assert queued_exports().count() == 1
    # Nothing ran in the request: the document is still exported until the worker runs.
    assert "ko/articles/thread-lifting.json" in stored("web")


@pytest.mark.django_db
def test_the_worker_exports_the_published_change(
    exported, run_worker, django_capture_on_commit_callbacks
):
    page = ArticlePage.objects.get(slug="thread-lifting", locale__language_code="ko")
    page.title = "게시 후 내보내기"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    run_worker()
    assert exported_title(exported, "thread-lifting") == "게시 후 내보내기"
    result = DBTaskResult.objects.get(task_path=export_after_publish.module_path)
    assert result.status == "SUCCESSFUL"
    assert result.return_value["web"] >= 1


@pytest.mark.django_db
def test_a_burst_of_publishes_queues_one_export(exported, django_capture_on_commit_callbacks):
    pages = ArticlePage.objects.filter(locale__language_code="ko")
    with django_capture_on_commit_callbacks(execute=True):
        for page in pages:
            page.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        pages.first().save_revision().publish()
    assert queued_exports().count() == 1


@pytest.mark.django_db
def test_unpublishing_queues_an_export_that_removes_the_document(
    exported, run_worker, django_capture_on_commit_callbacks
):
    page = ArticlePage.objects.get(slug="thread-lifting", locale__language_code="ko")
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert queued_exports().count() == 1
    run_worker()
    assert "ko/articles/thread-lifting.json" not in stored("web")


@pytest.mark.django_db
def test_an_articles_verdict_is_recorded_before_its_publication_queues_the_export(
    exported, monkeypatch
):
    # The worker starts the export at once; it must find the verdict the publish records, or
    # its gate checks the article again while the editor's publish is still running.
    page = ArticlePage.objects.get(slug="thread-lifting", locale__language_code="ko")
    ComplianceVerdict.objects.filter(page=page).delete()
    verdict_when_queued = []
    monkeypatch.setattr(
        signals,
        "_enqueue_unless_pending",
        lambda reason: verdict_when_queued.append(
            ComplianceVerdict.objects.filter(page=page).exists()
        ),
    )
    # Outside a transaction (a publish in the admin), Django runs an on-commit callback at
    # once: the export is queued in the middle of the publish, in signal-handler order.
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
    page.save_revision().publish()
    assert verdict_when_queued == [True]
