"""Article documents: golden files per channel, the API v2 body shape, translation status."""

import json
import os
from datetime import date
from pathlib import Path

import pytest
from wagtail.models import Locale

from cms.articles.blocks import ArticleBodyBlock
from cms.articles.models import ArticlePage
from cms.publishing.export import export_channels
from cms.translation.models import AppliedTranslation
from tests.articles.factories import block, make_article, minimal_body

from .conftest import article_paths, freeze_publication_dates, read_json, translate

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"


def normalised(document: dict) -> dict:
    """Revision ids are database ids; everything else in a document is reproducible."""
    return {**document, "revision": 0}


@pytest.mark.parametrize("channel", ["web", "app", "partner"])
def test_seed_articles_match_the_golden_documents(bilingual, export_root, channel):
    export_channels([channel])
    exported = sorted(article_paths(export_root, channel))
    folder = SNAPSHOTS / channel
    if UPDATE:
        for path in exported:
            golden = folder / path.replace("/articles/", "/")
            golden.parent.mkdir(parents=True, exist_ok=True)
            document = normalised(read_json(export_root, channel, path))
            text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
            golden.write_text(text, encoding="utf-8")
    goldens = sorted(str(p.relative_to(folder)) for p in folder.rglob("*.json"))
    assert [path.replace("/articles/", "/") for path in exported] == goldens
    for path in exported:
        golden = folder / path.replace("/articles/", "/")
        expected = json.loads(golden.read_text(encoding="utf-8"))
        assert normalised(read_json(export_root, channel, path)) == expected, path


def test_web_blocks_have_the_wagtail_api_v2_body_shape(bilingual, export_root, settings):
    settings.WAGTAILAPI_RICH_TEXT_FORMAT = "html"
    export_channels(["web"])
    page = bilingual["ko"]["thread-lifting"]
    document = read_json(export_root, "web", "ko/articles/thread-lifting.json")
    assert document["blocks"] == ArticleBodyBlock().get_api_representation(page.body)


def test_locales_share_the_translation_key_and_point_at_each_other(bilingual, export_root):
    export_channels(["web"])
    ko = read_json(export_root, "web", "ko/articles/thread-lifting.json")
    en = read_json(export_root, "web", "en/articles/thread-lifting.json")
    assert ko["id"] == en["id"] == str(bilingual["ko"]["thread-lifting"].translation_key)
    assert ko["url"] == "http://127.0.0.1:8000/ko/thread-lifting/"
    assert en["url"] == "http://127.0.0.1:8000/en/thread-lifting/"
    assert ko["alternates"] == [
        {"locale": "en", "url": en["url"], "path": "en/articles/thread-lifting.json"}
    ]
    assert en["alternates"] == [
        {"locale": "ko", "url": ko["url"], "path": "ko/articles/thread-lifting.json"}
    ]
    assert en["translation"] == {
        "status": "translated",
        "source_locale": "ko",
        "up_to_date": True,
        "update_pending": False,
    }
    assert ko["translation"]["status"] == "source"


def test_missing_translation_is_sent_with_an_explicit_fallback_marker(bilingual, export_root):
    export_channels(["web"])
    document = read_json(
        export_root, "web", "en/articles/mini-thread-lifting-vs-mini-facelift.json"
    )
    source = bilingual["ko"]["mini-thread-lifting-vs-mini-facelift"]
    assert document["locale"] == "en"
    assert document["fallback"] == {"from_locale": "ko", "reason": "missing"}
    assert document["translation"]["status"] == "fallback"
    assert document["title"] == source.title
    entry = read_json(export_root, "web", "en/index.json")["articles"][0]
    assert entry["slug"] == source.slug
    assert entry["fallback"] == document["fallback"]


def test_a_live_translation_stays_while_a_newer_incomplete_catalog_waits(bilingual, export_root):
    # What apply_translations does with a newer catalog that has fuzzy or empty entries: the
    # live English page stays as it is, the new text is saved as a draft, the record says
    # incomplete.
    english = bilingual["en"]["thread-lifting"]
    export_channels(["web", "partner"])
    english.title = "Thread lifting (draft of the new catalog)"
    english.save_revision()
    AppliedTranslation.objects.filter(page=english).update(complete=False, translated=31)

    report = export_channels(["web", "partner"])

    for channel in ("web", "partner"):
        document = read_json(export_root, channel, "en/articles/thread-lifting.json")
        assert document["title"] == "Thread Lifting: What to Check Before the Procedure"
        assert document["fallback"] is None
        assert document["translation"] == {
            "status": "translated",
            "source_locale": "ko",
            "up_to_date": True,
            "update_pending": True,
        }
    assert all(not channel.deleted for channel in report.channels)


def test_a_missing_translation_is_skipped_by_channels_that_take_no_fallbacks(articles, export_root):
    report = export_channels(["partner"])
    assert (
        "skipped: thread-lifting (en): no live en translation; channel takes translated text only"
        in report.channels[0].skipped
    )
    assert not article_paths(export_root, "partner")


def test_stale_translation_is_exported_and_marked_out_of_date(bilingual, export_root):
    source = bilingual["ko"]["thread-lifting"]
    source.title = "실리프팅: 개정판"
    source.save_revision().publish()
    export_channels(["web"])
    document = read_json(export_root, "web", "en/articles/thread-lifting.json")
    assert document["translation"] == {
        "status": "translated",
        "source_locale": "ko",
        "up_to_date": False,
        "update_pending": False,
    }


def test_an_alias_in_the_target_locale_is_not_a_translation(articles, export_root):
    articles["thread-lifting"].copy_for_translation(
        Locale.objects.get(language_code="en"), alias=True
    )
    export_channels(["web"])
    document = read_json(export_root, "web", "en/articles/thread-lifting.json")
    assert document["fallback"] == {"from_locale": "ko", "reason": "missing"}


def test_internal_links_point_at_the_readers_locale(bilingual, ko_home, export_root):
    target = bilingual["ko"]["thread-lifting"]
    link = f'<p>See <a linktype="page" id="{target.pk}">thread lifting</a>.</p>'
    linking = make_article(
        ko_home, "faq", title="자주 묻는 질문",
        body=minimal_body(block("intro", {"text": link}, "00000000-0000-4000-8000-00000000f001")),
    )  # fmt: skip
    translate(linking, title="FAQ", body=minimal_body(block("intro", {"text": link})))
    freeze_publication_dates()
    export_channels(["web", "app"])
    ko = read_json(export_root, "web", "ko/articles/faq.json")["blocks"][0]["value"]["text"]
    en = read_json(export_root, "web", "en/articles/faq.json")["blocks"][0]["value"]["text"]
    assert 'href="http://127.0.0.1:8000/ko/thread-lifting/"' in ko
    assert 'href="http://127.0.0.1:8000/en/thread-lifting/"' in en
    app = read_json(export_root, "app", "en/articles/faq.json")["blocks"][0]["value"]["text"]
    assert app == [
        {
            "type": "paragraph",
            "text": "See thread lifting.",
            "links": [
                {
                    "text": "thread lifting",
                    "href": "http://127.0.0.1:8000/en/thread-lifting/",
                    "start": 4,
                    "end": 18,
                }
            ],
        }
    ]


def test_partner_takes_only_its_block_types(bilingual, export_root):
    export_channels(["partner"])
    document = read_json(export_root, "partner", "en/articles/thread-lifting.json")
    types = {child["type"] for child in document["blocks"]}
    assert types <= {"intro", "section", "side_effects", "disclaimer"}
    assert "thread_types" not in types
    assert document["blocks"][-1]["type"] == "disclaimer"


def test_partner_skips_articles_without_summary_or_disclaimer(bilingual, ko_home, export_root):
    english = bilingual["en"]["thread-lifting"]
    english.search_description = ""
    english.save_revision().publish()
    report = export_channels(["partner"])
    assert [str(skip) for skip in report.channels[0].skipped] == [
        "skipped: mini-thread-lifting-vs-mini-facelift (en): no live en translation; "
        "channel takes translated text only",
        "skipped: thread-lifting (en): channel partner requires a summary",
    ]


def test_a_channel_requiring_ad_review_withholds_articles_without_approval(
    bilingual, export_root, settings, tmp_path, monkeypatch
):
    config = json.loads(Path(settings.EXPORT_CHANNELS_FILE).read_text(encoding="utf-8"))
    config["channels"]["partner"]["required"] = ["summary", "disclaimer", "ad_review"]
    settings.EXPORT_CHANNELS_FILE = tmp_path / "channels.json"
    settings.EXPORT_CHANNELS_FILE.write_text(json.dumps(config), encoding="utf-8")

    report = export_channels(["partner"])
    assert (
        "skipped: thread-lifting (en): channel partner requires an advertising pre-review "
        "approval (ad_review_number and ad_review_date missing)"
    ) in report.channels[0].skipped
    assert not article_paths(export_root, "partner")

    # Approved: the editor fills in the review number and date, and publishes.
    english = ArticlePage.objects.get(pk=bilingual["en"]["thread-lifting"].pk)
    english.ad_review_number = "제2025-0117호"
    english.ad_review_date = date(2025, 1, 10)
    english.save_revision().publish()
    export_channels(["partner"])
    assert article_paths(export_root, "partner") == {"en/articles/thread-lifting.json"}
