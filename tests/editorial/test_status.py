"""The article's status tab: channel states, translations, the worker warning."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from django_tasks_db.models import DBTaskResult

from cms.articles.models import ArticlePage
from cms.editorial.channel_states import channel_states, missing_requirements
from cms.editorial.worker import worker_health
from cms.home.models import HomePage
from cms.publishing.channels import load_channels
from tests.articles.factories import make_article


def states_of(page):
    return {(s.channel, s.locale): s for s in channel_states(page)}


@pytest.fixture
def korean_home(seeded):
    return HomePage.objects.get(locale__language_code="ko")


def test_an_article_just_published_is_pending_until_the_export_runs(korean_home, export_root):
    page = make_article(korean_home, "care-guide", title="관리 안내")
    states = states_of(page)
    assert states[("web", "ko")].state == "pending"
    assert states[("web", "en")].state == "not_published"
    call_command("export_channels", "--quiet")
    states = states_of(page)
    assert states[("web", "ko")].state == "live"
    assert states[("app", "ko")].state == "live"
    # Untranslated: web serves the Korean text as a marked fallback; partner skips it.
    assert states[("web", "en")].state == "live"
    assert "원문(한국어)" in states[("web", "en")].reasons[0]
    assert states[("partner", "en")].state == "not_published"
    page.refresh_from_db()
    assert states[("web", "ko")].revision == page.live_revision_id


def test_an_english_page_missing_the_partner_summary_is_withheld_with_the_reason(
    seeded, export_root
):
    english = ArticlePage.objects.get(slug="thread-lifting", locale__language_code="en")
    english.search_description = ""
    english.save_revision().publish()
    with override("ko"):
        partner = states_of(english)[("partner", "en")]
    assert partner.state == "withheld"
    assert partner.reasons == ("이 채널에는 요약이 필요합니다.",)


def test_a_channel_requiring_prior_review_names_what_is_missing(seeded):
    page = ArticlePage.objects.get(slug="thread-lifting", locale__language_code="ko")
    channel = load_channels()["web"]
    requiring = type(channel)(**{**channel.__dict__, "required": ("ad_review",)})
    with override("ko"):
        assert missing_requirements(page, requiring) == [
            "이 채널은 의료광고 사전 심의를 받은 글만 받습니다. 심의 번호와 심의일을 입력하세요."
        ]
    page.ad_review_number = "제2026-0123호"
    page.ad_review_date = timezone.now().date()
    assert missing_requirements(page, requiring) == []


def test_a_queued_export_nobody_takes_is_reported_as_a_stalled_worker(
    korean_home, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_article(korean_home, "care-guide", title="관리 안내")
    assert DBTaskResult.objects.filter(queue_name="exports").exists()
    assert not worker_health().stalled  # just queued
    later = timezone.now() + timedelta(minutes=5)
    health = worker_health(now=later)
    assert health.waiting >= 1
    settings.EDITORIAL_WORKER_GRACE_SECONDS = 0
    assert worker_health().stalled


def test_the_dashboard_and_the_editor_warn_when_no_worker_runs(
    korean_home, admin_client, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = make_article(korean_home, "care-guide", title="관리 안내")
    settings.EDITORIAL_WORKER_GRACE_SECONDS = 0
    html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "data-worker-stalled" in html
    assert "내보내기 작업자가 실행되고 있지 않습니다" in html
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "게시한 글이 채널에 전달되지 않습니다" in html


def test_no_warning_when_the_queue_is_empty(seeded, admin_client, settings):
    DBTaskResult.objects.all().delete()
    settings.EDITORIAL_WORKER_GRACE_SECONDS = 0
    html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "data-worker-stalled" not in html


def test_the_status_tab_shows_channels_and_translations(seeded, admin_client, export_root):
    call_command("export_channels", "--quiet")
    page = ArticlePage.objects.get(slug="thread-lifting", locale__language_code="ko")
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "게시 상태·심의" in html
    assert 'data-channel="web" data-locale="ko" data-state="live"' in html
    assert 'data-language="en" data-translation-state="translated"' in html
    assert "의료광고 사전 심의" in html
    assert reverse("editorial_catalogs", args=[page.pk]) in html


def test_a_new_article_s_status_tab_asks_to_save_first(korean_home, admin_client):
    url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", korean_home.pk))
    html = admin_client.get(url).content.decode()
    assert "먼저 글을 저장하세요" in html


def test_the_english_page_shows_its_own_catalog(seeded, admin_client):
    english = ArticlePage.objects.get(slug="thread-lifting", locale__language_code="en")
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[english.pk])).content.decode()
    assert "이 번역의 카탈로그" in html
    assert 'data-language="en" data-translation-state="translated"' in html
    korean = ArticlePage.objects.get(slug="thread-lifting", locale__language_code="ko")
    assert reverse("editorial_catalogs", args=[english.pk]) in html
    catalogs = admin_client.get(reverse("editorial_catalogs", args=[english.pk]))
    assert catalogs.context["page"] == korean
