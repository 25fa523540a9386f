"""Article documents: golden files per channel, the API v2 body shape, translation status."""

import json
import os
from pathlib import Path

import pytest
from wagtail.models import Locale

from cms.articles.blocks import ArticleBodyBlock
from cms.publishing.export import export_channels
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
    assert en["translation"] == {"status": "translated", "source_locale": "ko", "up_to_date": True}
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


def test_incomplete_translation_falls_back_or_is_skipped_per_channel(articles, export_root):
    source = articles["thread-lifting"]
    translate(source, title="Thread lifting", summary="Summary.", complete=False)
    report = export_channels(["web", "partner"])
    web = read_json(export_root, "web", "en/articles/thread-lifting.json")
    assert web["fallback"] == {"from_locale": "ko", "reason": "incomplete"}
    assert web["title"] == source.title
    partner = {channel.channel: channel for channel in report.channels}["partner"]
    assert (
        "skipped: thread-lifting (en): en translation incomplete (31 of 40 strings); "
        "channel takes translated text only"
    ) in [str(skip) for skip in partner.skipped]
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
        "skipped: mini-thread-lifting-vs-mini-facelift (en): no en translation; "
        "channel takes translated text only",
        "skipped: thread-lifting (en): channel partner requires a summary",
    ]
