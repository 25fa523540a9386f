"""Webhook deliveries in the Wagtail admin: listed, filtered, inspected, retried; in Korean."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.users.models import UserProfile

from cms.delivery.models import WebhookAttempt, WebhookDelivery
from cms.delivery.tasks import deliver_webhook

pytestmark = pytest.mark.django_db

Status = WebhookDelivery.Status
LIST_URL = "/admin/webhook_deliveries/"


@pytest.fixture
def admin_client(client):
    """A superuser whose admin speaks Korean, the clinic's language."""
    user = get_user_model().objects.create_superuser("ops", "ops@example.com", "pw")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "ko"
    profile.save()
    client.force_login(user)
    return client


def make_delivery(sequence: int, status: str, errors: list[tuple[int | None, str]]):
    delivery = WebhookDelivery.objects.create(
        channel="web",
        endpoint_url=f"https://app{sequence}.example/hook",
        secret_env="APP_SECRET",
        sequence=sequence,
        payload=f'{{"sequence": {sequence}}}',
        status=status,
        attempts=len(errors),
        last_status_code=errors[-1][0] if errors else None,
        last_error=errors[-1][1] if errors else "",
    )
    for number, (status_code, error) in enumerate(errors, start=1):
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=number,
            started_at=timezone.now() - timedelta(minutes=10 - number),
            duration_ms=12,
            status_code=status_code,
            error=error,
        )
    return delivery


def test_the_list_shows_deliveries_and_their_failures_in_korean(admin_client):
    make_delivery(1, Status.DELIVERED, [(200, "")])
    make_delivery(
        2, Status.FAILED, [(500, "HTTP 500 Internal Server Error"), (None, "ConnectError")]
    )
    page = admin_client.get(LIST_URL).content.decode()
    assert "웹훅 전송 기록" in page
    assert "https://app1.example/hook" in page
    assert "https://app2.example/hook" in page
    assert "실패" in page
    assert "전송됨" in page
    assert "ConnectError" in page
    failures = admin_client.get(LIST_URL, {"status": "failed"}).content.decode()
    assert "https://app2.example/hook" in failures
    assert "https://app1.example/hook" not in failures


def test_the_list_falls_back_to_english_for_an_english_speaking_user(admin_client):
    profile = UserProfile.objects.get(user__username="ops")
    profile.preferred_language = "en"
    profile.save()
    make_delivery(2, Status.FAILED, [(500, "HTTP 500 Internal Server Error")])
    page = admin_client.get(LIST_URL).content.decode()
    assert "Webhook deliveries" in page
    assert "Failed" in page


def test_listing_queries_do_not_grow_with_the_number_of_deliveries(admin_client):
    make_delivery(1, Status.DELIVERED, [(200, "")])
    admin_client.get(LIST_URL)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(LIST_URL).status_code == 200
    for sequence in range(2, 20):
        make_delivery(sequence, Status.FAILED, [(500, "HTTP 500")])
    with CaptureQueriesContext(connection) as many:
        assert admin_client.get(LIST_URL).status_code == 200
    assert len(many) == len(few)


def test_a_delivery_shows_its_attempts_and_a_failed_one_can_be_retried(
    admin_client, django_capture_on_commit_callbacks
):
    delivery = make_delivery(
        3, Status.FAILED, [(503, "HTTP 503 Service Unavailable"), (None, "ReadTimeout")]
    )
    page = admin_client.get(f"{LIST_URL}inspect/{delivery.pk}/").content.decode()
    assert "시도 기록" in page
    assert "HTTP 503 Service Unavailable" in page
    assert "ReadTimeout" in page
    assert "지금 다시 보내기" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"{LIST_URL}{delivery.pk}/retry/")
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == Status.PENDING
    [queued] = DBTaskResult.objects.filter(task_path=deliver_webhook.module_path)
    assert queued.args_kwargs["args"] == [delivery.pk]


def test_deliveries_cannot_be_added_edited_or_deleted(admin_client):
    delivery = make_delivery(4, Status.DELIVERED, [(200, "")])
    listing = admin_client.get(LIST_URL).content.decode()
    assert f"{LIST_URL}new/" not in listing
    for url in (
        f"{LIST_URL}new/",
        f"{LIST_URL}edit/{delivery.pk}/",
        f"{LIST_URL}delete/{delivery.pk}/",
    ):
        response = admin_client.get(url)
        assert response.status_code in (302, 403), url
    page = admin_client.get(f"{LIST_URL}inspect/{delivery.pk}/").content.decode()
    assert "지금 다시 보내기" not in page  # only failed deliveries are retried by hand


def test_the_settings_menu_lists_webhook_deliveries(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert LIST_URL in page
