"""Benchmark steps: the documents counted are the channels' own, once each."""

from django.utils import timezone

from cms.benchmarks.actions import clear_exports, exported_documents
from cms.publishing.models import ExportedDocument


def test_documents_are_counted_per_channel_from_the_exports_rows(db):
    now = timezone.now()
    for channel, locale, state in [
        ("web", "ko", "live"),
        ("web", "en", "live"),
        ("partner", "en", "withheld"),  # not published: not counted
        ("app", "ko", "live"),
    ]:
        ExportedDocument.objects.create(
            channel=channel,
            locale=locale,
            translation_key="02cbb6b9-c059-44ee-8ff3-e6a07b74b332",
            path=f"{locale}/articles/a.json",
            slug="a",
            state=state,
            updated_at=now,
        )
    assert exported_documents() == {"app": 1, "web": 2}


def test_clearing_the_exports_leaves_the_next_run_nothing_to_keep(settings, tmp_path):
    settings.EXPORT_ROOT = root = tmp_path / "exports"
    (root / "web" / "ko").mkdir(parents=True)
    (root / "web" / "ko" / "index.json").write_text("{}", encoding="utf-8")
    (root / "web" / "manifest.json").write_text("{}", encoding="utf-8")
    assert clear_exports() == 2
    assert not root.exists()
    assert clear_exports() == 0
