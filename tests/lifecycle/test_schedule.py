"""Scheduled go-live and expiry run by themselves, through the gate, on a clock the test moves."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from wagtail.models import PageLogEntry, Revision

from cms.articles.models import ArticlePage
from cms.lifecycle.gate import REFUSAL_LOG_ACTION
from cms.lifecycle.schedule import run_schedule
from cms.lifecycle.tasks import queue_next_run, run_schedule_task
from cms.publishing.tasks import export_after_publish

from .conftest import BREAKING, COMPLIANT, body


@pytest.fixture
def clock():
    """A clock the test moves: Wagtail, Django and the schedule all read it."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_an_expired_page_leaves_the_site_and_the_api_within_a_minute(
    client, article, clock, django_capture_on_commit_callbacks
):
    ArticlePage.objects.filter(pk=article.pk).update(
        expire_at=timezone.now() + timedelta(seconds=30)
    )
    assert client.get("/ko/care-guide/").status_code == 200
    assert run_schedule().expired == []  # not yet

    clock.shift(timedelta(seconds=60))
    with django_capture_on_commit_callbacks(execute=True):
        report = run_schedule()

    assert report.expired == [f"ko:care-guide (page {article.pk})"]
    page = ArticlePage.objects.get(pk=article.pk)
    assert not page.live and page.expired
    assert client.get("/ko/care-guide/").status_code == 404
    listed = client.get("/api/v2/pages/?type=articles.ArticlePage").json()["items"]
    assert article.pk not in {item["id"] for item in listed}
    # The channels follow: the unpublication queued an export.
    assert DBTaskResult.objects.filter(task_path=export_after_publish.module_path).exists()


def test_a_scheduled_revision_goes_live_when_its_time_comes(article, clock):
    draft = ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    draft.body = body("<p>예약된 안내입니다.</p>")
    draft.go_live_at = timezone.now() + timedelta(minutes=5)
    revision = draft.save_revision()
    revision.publish()
    assert Revision.objects.get(pk=revision.pk).approved_go_live_at is not None
    assert ArticlePage.objects.get(pk=article.pk).body[0].value["text"].source == COMPLIANT

    clock.shift(timedelta(minutes=6))
    report = run_schedule()

    assert len(report.published) == 1
    page = ArticlePage.objects.get(pk=article.pk)
    assert page.body[0].value["text"].source == "<p>예약된 안내입니다.</p>"


def test_a_scheduled_revision_that_breaks_the_rules_is_refused_and_the_rest_still_go_live(
    article, home, clock
):
    from tests.articles.factories import make_article

    other = make_article(home, "other", title="다른 안내", body=body(COMPLIANT), enforce_rules=True)
    # A breaking revision approved for later (as a moderator's approval with a go-live time
    # leaves it), and a compliant one due after it.
    breaking = ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    breaking.body = body(BREAKING)
    breaking_revision = breaking.save_revision()
    compliant = ArticlePage.objects.get(pk=other.pk).get_latest_revision_as_object()
    compliant.body = body("<p>다음 안내입니다.</p>")
    compliant_revision = compliant.save_revision()
    soon = timezone.now() + timedelta(seconds=10)
    Revision.objects.filter(pk=breaking_revision.pk).update(approved_go_live_at=soon)
    Revision.objects.filter(pk=compliant_revision.pk).update(
        approved_go_live_at=soon + timedelta(seconds=1)
    )

    clock.shift(timedelta(minutes=1))
    report = run_schedule()

    assert report.refused == [f"care-guide (revision {breaking_revision.pk})"]
    assert len(report.published) == 1
    assert ArticlePage.objects.get(pk=article.pk).body[0].value["text"].source == COMPLIANT
    assert ArticlePage.objects.get(pk=other.pk).body[0].value["text"].source == (
        "<p>다음 안내입니다.</p>"
    )
    # Off the schedule, so the next minute does not refuse it again; kept in the history.
    assert Revision.objects.get(pk=breaking_revision.pk).approved_go_live_at is None
    (entry,) = PageLogEntry.objects.filter(page_id=article.pk, action=REFUSAL_LOG_ACTION)
    assert entry.data["route"] == "schedule"
    assert run_schedule().refused == []


def test_the_worker_runs_the_schedule_every_minute(article, clock, monkeypatch):
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    ArticlePage.objects.filter(pk=article.pk).update(
        expire_at=timezone.now() + timedelta(seconds=90)
    )

    def waiting():
        return DBTaskResult.objects.filter(task_path=run_schedule_task.module_path, status="READY")

    assert queue_next_run(delay=timedelta(0))
    assert not queue_next_run(), "one run waits at a time"
    worker = ["db_worker", "--backend", "exports", "--queue-name", "exports", "--batch"]
    call_command(*worker, "--no-startup-delay", verbosity=0)
    assert ArticlePage.objects.get(pk=article.pk).live  # not expired yet
    (next_run,) = waiting()
    assert next_run.run_after == timezone.now() + timedelta(seconds=60)

    clock.shift(timedelta(seconds=120))
    call_command(*worker, "--no-startup-delay", verbosity=0)
    assert not ArticlePage.objects.get(pk=article.pk).live
    assert waiting().count() == 1  # and it keeps going


def test_run_worker_batch_runs_the_schedule_and_exits(article, clock, monkeypatch):
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    ArticlePage.objects.filter(pk=article.pk).update(
        expire_at=timezone.now() - timedelta(seconds=1)
    )
    call_command("run_worker", "--batch", "--quiet")
    assert not ArticlePage.objects.get(pk=article.pk).live
