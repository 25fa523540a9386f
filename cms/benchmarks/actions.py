"""Functions the benchmark runs as steps (see ``step.py``); each returns a small JSON value."""

from __future__ import annotations

import shutil
import time
from datetime import timedelta
from pathlib import Path

import polib
from django.conf import settings
from django.tasks import TaskResultStatus
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cms.articles.models import ArticlePage
from cms.benchmarks.corpus import BENCH_SLUG_PREFIX, grow_corpus, settle_database
from cms.publishing.tasks import export_after_publish

FIRST_LOOK = 0.1  # seconds after a publish before the first look for its export task
API_LISTING = "/api/v2/pages/?type=articles.ArticlePage&fields=body&limit=100&offset={offset}"


def grow(articles: str) -> int:
    """Grow the corpus to ``articles`` articles per locale, and settle the database."""
    size = grow_corpus(int(articles)).articles
    settle_database()
    return size


def touch_one_article() -> str:
    """Edit one Korean paragraph of one benchmark article and publish it, as an editor would."""
    page = (
        ArticlePage.objects.filter(slug__startswith=BENCH_SLUG_PREFIX, locale__language_code="ko")
        .order_by("path")
        .first()
    )
    intro = page.body[0].value["text"]
    page.body[0].value["text"] = type(intro)(intro.source.replace("</p>", " (수정)</p>", 1))
    page.save_revision().publish()
    return page.slug


def time_export_tasks(publishes: str, timeout: str = "120") -> list[float]:
    """Publish one article ``publishes`` times, each time waiting for the task worker to run
    the export it queues; returns the seconds the worker spent on each export task.

    The worker's own clock, from claiming the task to its result (``started_at`` to
    ``finished_at``): what an editor's publish costs the worker, not how often it polls.
    """
    seconds = []
    exports = DBTaskResult.objects.filter(task_path=export_after_publish.module_path)
    for _ in range(int(publishes)):
        published_at = timezone.now() - timedelta(milliseconds=1)
        # Queues the export on commit, as the admin's publish does, unless one is queued and
        # not started yet (it will see this publish): either way, a task started after it.
        touch_one_article()
        deadline = time.monotonic() + float(timeout)
        # The worker starts the export at once and takes tens of milliseconds: asking for its
        # result meanwhile (a query, its server process) would run beside it on the same cores.
        time.sleep(FIRST_LOOK)
        while True:
            task = exports.filter(started_at__gte=published_at).order_by("-started_at").first()
            if task is not None and task.finished_at is not None:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"no export task finished within {timeout} s of a publish: is the task "
                    "worker running (manage.py db_worker --backend exports --queue-name exports)?"
                )
            time.sleep(0.2)  # rarely: the worker must not share the machine with this loop
        if task.status != TaskResultStatus.SUCCESSFUL:
            raise RuntimeError(f"the export task failed:\n{task.traceback}")
        seconds.append((task.finished_at - task.started_at).total_seconds())
    return seconds


def identity_translate_catalogs() -> int:
    """Fill every empty msgstr of the English catalogs with its msgid; returns entries filled.

    A stand-in for translators that keeps every check (tags, numbers, URLs) satisfied, so the
    apply step measures real work: every page of the corpus is rewritten.
    """
    filled = 0
    for path in sorted(Path(settings.TRANSLATION_CATALOG_DIR).glob("en/LC_MESSAGES/articles/*.po")):
        catalog = polib.pofile(str(path))
        for entry in catalog:
            if not entry.msgstr or "fuzzy" in entry.flags:
                entry.msgstr = entry.msgid
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                filled += 1
        catalog.save()
    return filled


def api_listing_page(offset: str = "0") -> int:
    """Fetch one API v2 listing page in-process; returns how many pages it held."""
    response = Client().get(API_LISTING.format(offset=offset))
    return len(response.json()["items"])


def exported_documents() -> dict[str, int]:
    """Live article documents per channel, as the last export recorded them."""
    from django.db.models import Count

    from cms.publishing.models import ExportedDocument

    rows = (
        ExportedDocument.objects.filter(state=ExportedDocument.LIVE)
        .values("channel")
        .annotate(count=Count("id"))
        .order_by("channel")
    )
    return {row["channel"]: row["count"] for row in rows}


def clear_exports() -> int:
    """Empty the export storage (the folder, or the bucket prefix), so the next export
    stores every file anew; returns how many files it held."""
    from cms.publishing.store import export_storage

    storage = export_storage()
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:  # S3: one listing and batched deletes, not a call per key
        objects = bucket.objects.filter(Prefix=storage.location.rstrip("/") + "/")
        count = sum(1 for _ in objects)
        objects.delete()
        return count
    root = Path(settings.EXPORT_ROOT)
    if not root.exists():
        return 0
    files = sum(len(names) for _folder, _folders, names in root.walk())
    shutil.rmtree(root)
    return files


def article_document_paths(channel: str = "web") -> list[str]:
    """The URL paths of one channel's article documents, for the HTTP pull."""
    from cms.publishing.models import ExportedDocument

    paths = ExportedDocument.objects.filter(channel=channel, state=ExportedDocument.LIVE)
    return sorted(f"/exports/{channel}/{path}" for path in paths.values_list("path", flat=True))


def time_publish_to_readable(publishes: str, port: str, timeout: str = "120") -> list[float]:
    """Publish one article ``publishes`` times; each time, the seconds from the publish's
    commit until its new Korean document is readable both over HTTP (``/exports/``, a changed
    ETag) and in the export storage (the copy at its path). Needs the task worker running."""
    import http.client

    from cms.publishing.serialize import sha256_hex
    from cms.publishing.store import ChannelStore, export_storage

    store = ChannelStore(export_storage(), "web")

    def over_http(path: str) -> str:
        connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
        try:
            connection.request("GET", f"/exports/web/{path}")
            response = connection.getresponse()
            response.read()
            return response.getheader("ETag", "")
        finally:
            connection.close()

    seconds = []
    for _ in range(int(publishes)):
        slug = touch_one_article_slug()
        path = f"ko/articles/{slug}.json"
        before_etag = over_http(path)
        before_sha = sha256_hex(store.read(path))
        started = time.perf_counter()
        touch_one_article()
        deadline = time.monotonic() + float(timeout)
        http_done = bucket_done = False
        while not (http_done and bucket_done):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{path} not republished within {timeout} s of a publish")
            http_done = http_done or over_http(path) != before_etag
            bucket_done = bucket_done or sha256_hex(store.read(path)) != before_sha
            if not (http_done and bucket_done):
                time.sleep(0.01)
        seconds.append(time.perf_counter() - started)
    return seconds


def touch_one_article_slug() -> str:
    """The slug ``touch_one_article`` edits."""
    page = (
        ArticlePage.objects.filter(slug__startswith=BENCH_SLUG_PREFIX, locale__language_code="ko")
        .order_by("path")
        .first()
    )
    return page.slug
