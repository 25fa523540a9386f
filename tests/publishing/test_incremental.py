"""Incremental runs: only what changed is rendered, and the result is what a rebuild would give."""

import json
import shutil
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from cms.articles.models import ArticlePage
from cms.publishing.channels import load_channels
from cms.publishing.export import export_channels
from cms.publishing.models import ChannelState
from tests.articles.factories import block, make_article, minimal_body

from .conftest import article_paths, freeze_publication_dates, read_json, translate, verify_tree

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
LINK = '<p>See <a linktype="page" id="{}">the other article</a>.</p>'


def publish(page, **fields):
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    freeze_publication_dates()
    return page


def linking_article(parent, slug, target, **fields):
    body = minimal_body(block("intro", {"text": LINK.format(target.pk)}))
    return make_article(parent, slug, body=body, **fields)


def intro_html(root, channel, path):
    return read_json(root, channel, path)["blocks"][0]["value"]["text"]


def inodes(root, channel):
    tree = root / channel
    return {path: (tree / path).stat().st_ino for path in article_paths(root, channel)}


def test_unchanged_articles_are_not_rendered_again(bilingual, export_root):
    export_channels(["web"], now=NOW)
    before = read_json(export_root, "web", "ko/articles/thread-lifting.json")
    # An edit that bypasses Wagtail's publishing (no new live revision): invisible to an
    # incremental run, which does not read the body of an article whose inputs are unchanged.
    ArticlePage.objects.filter(pk=bilingual["ko"]["thread-lifting"].pk).update(
        body=minimal_body(block("intro", {"text": "<p>Changed behind Wagtail's back.</p>"}))
    )
    publish(bilingual["ko"]["mini-thread-lifting-vs-mini-facelift"], title="미니 리프팅")

    report = export_channels(["web"], now=NOW)

    assert "ko/articles/thread-lifting.json" not in report.channels[0].written
    assert read_json(export_root, "web", "ko/articles/thread-lifting.json") == before
    export_channels(["web"], full=True, now=NOW)  # --full reads everything again
    assert "Changed behind" in intro_html(export_root, "web", "ko/articles/thread-lifting.json")


def edit_one_and_count_queries(count, home, root):
    pages = [
        make_article(home, f"q{count}-{number}", title=f"글 {number}") for number in range(count)
    ]
    for page in pages[::2]:
        translate(page, title=f"Article {page.slug}", summary="An article.")
    linking_article(home, f"q{count}-links", pages[0])
    freeze_publication_dates()
    export_channels(now=NOW)
    publish(pages[1], title="바뀐 제목")
    with CaptureQueriesContext(connection) as queries:
        report = export_channels(now=NOW)
    assert [channel.written for channel in report.channels if channel.channel == "web"] == [
        [f"en/articles/q{count}-1.json", f"ko/articles/q{count}-1.json"]
    ]
    verify_tree(root, "web")
    return len(queries)


def test_query_count_of_an_incremental_run_does_not_grow_with_the_pages(
    articles, ko_home, settings, tmp_path
):
    settings.EXPORT_ROOT = tmp_path / "small"
    small = edit_one_and_count_queries(4, ko_home, settings.EXPORT_ROOT)
    settings.EXPORT_ROOT = tmp_path / "large"
    large = edit_one_and_count_queries(12, ko_home, settings.EXPORT_ROOT)
    assert large == small
    # Among them the change notes, expiries, keys and facts of the noted groups, the count of
    # visible pages that checks them, and pruning old notes (see changes.py).
    assert small <= 14


def test_a_slug_change_of_the_english_page_updates_the_korean_alternates(bilingual, export_root):
    export_channels(["web"], now=NOW)
    publish(bilingual["en"]["thread-lifting"], slug="thread-lift")

    report = export_channels(["web"], now=NOW)

    assert report.channels[0].deleted == ["en/articles/thread-lifting.json"]
    ko = read_json(export_root, "web", "ko/articles/thread-lifting.json")
    assert ko["alternates"] == [
        {
            "locale": "en",
            "url": "http://127.0.0.1:8000/en/thread-lift/",
            "path": "en/articles/thread-lift.json",
        }
    ]


def test_changing_a_linked_pages_slug_updates_the_documents_linking_to_it(
    bilingual, ko_home, export_root
):
    target = bilingual["ko"]["mini-thread-lifting-vs-mini-facelift"]
    linking_article(ko_home, "faq", target, title="자주 묻는 질문")
    freeze_publication_dates()
    export_channels(["web", "app"], now=NOW)
    publish(target, slug="mini-lift")

    report = export_channels(["web", "app"], now=NOW)

    for channel in report.channels:
        assert "ko/articles/faq.json" in channel.written
    assert "http://127.0.0.1:8000/ko/mini-lift/" in intro_html(
        export_root, "web", "ko/articles/faq.json"
    )
    app = read_json(export_root, "app", "en/articles/faq.json")["blocks"][0]["value"]["text"]
    assert app[0]["links"] == [
        {
            "text": "the other article",
            "href": "http://127.0.0.1:8000/ko/mini-lift/",
            "start": 4,
            "end": 21,
        }
    ]


def test_publishing_a_linked_draft_turns_its_text_into_a_link(articles, ko_home, export_root):
    draft = make_article(ko_home, "upcoming", title="곧 공개")
    draft.unpublish()
    linking_article(ko_home, "faq", draft)
    freeze_publication_dates()
    export_channels(["web"], now=NOW)
    assert "<a " not in intro_html(export_root, "web", "ko/articles/faq.json")

    publish(ArticlePage.objects.get(pk=draft.pk))
    export_channels(["web"], now=NOW)

    html = intro_html(export_root, "web", "ko/articles/faq.json")
    assert 'href="http://127.0.0.1:8000/ko/upcoming/"' in html


def test_translating_a_linked_page_localizes_the_english_link(bilingual, ko_home, export_root):
    target = bilingual["ko"]["mini-thread-lifting-vs-mini-facelift"]
    linking = linking_article(ko_home, "faq", target)
    translate(
        linking, title="FAQ", body=minimal_body(block("intro", {"text": LINK.format(target.pk)}))
    )
    freeze_publication_dates()
    export_channels(["web"], now=NOW)
    assert "/ko/mini-thread" in intro_html(export_root, "web", "en/articles/faq.json")

    translate(target, title="Mini thread lift or mini facelift")
    freeze_publication_dates()
    export_channels(["web"], now=NOW)

    html = intro_html(export_root, "web", "en/articles/faq.json")
    assert 'href="http://127.0.0.1:8000/en/mini-thread-lifting-vs-mini-facelift/"' in html


def test_an_expired_article_leaves_with_the_next_run(bilingual, export_root):
    export_channels(["web"], now=NOW)
    page = bilingual["ko"]["mini-thread-lifting-vs-mini-facelift"]
    ArticlePage.objects.filter(pk=page.pk).update(expire_at=NOW + timedelta(hours=1))

    export_channels(["web"], now=NOW)
    assert "ko/articles/mini-thread-lifting-vs-mini-facelift.json" in article_paths(
        export_root, "web"
    )
    report = export_channels(["web"], now=NOW + timedelta(hours=2))

    assert report.channels[0].deleted == [
        "en/articles/mini-thread-lifting-vs-mini-facelift.json",
        "ko/articles/mini-thread-lifting-vs-mini-facelift.json",
    ]


def test_a_slug_collision_is_settled_as_a_rebuild_would(bilingual, export_root, settings, tmp_path):
    export_channels(["web"], now=NOW)
    # The untranslated article's English fallback has the path en/articles/<its slug>.json;
    # give the translated article's English page that slug too.
    fallback = "mini-thread-lifting-vs-mini-facelift"
    english = publish(bilingual["en"]["thread-lifting"], slug=fallback)

    report = export_channels(["web"], now=NOW)
    assert_same_as_rebuild(export_root, tmp_path / "collided", settings)
    losers = [str(skip) for skip in report.channels[0].skipped]
    assert len(losers) == 1 and "slug taken by" in losers[0]

    publish(english, slug="thread-lifting")
    report = export_channels(["web"], now=NOW)

    assert report.channels[0].skipped == []
    assert_same_as_rebuild(export_root, tmp_path / "settled", settings)


def assert_same_as_rebuild(root, fresh, settings):
    """The published files equal those of a fresh export of everything (journal aside)."""
    settings.EXPORT_ROOT = fresh
    ChannelState.objects.all().delete()
    export_channels(now=NOW, full=True)
    settings.EXPORT_ROOT = root
    for channel in load_channels():
        if not (root / channel).exists():
            continue
        mine, theirs = verify_tree(root, channel), verify_tree(fresh, channel)
        for files in (mine["files"], theirs["files"]):
            files.pop("changes.json")
        assert mine["files"] == theirs["files"], channel
    shutil.rmtree(fresh)


def test_incremental_runs_publish_what_a_rebuild_would(
    bilingual, ko_home, export_root, settings, tmp_path
):
    export_channels(now=NOW)
    ko = bilingual["ko"]
    steps = [
        lambda: publish(ko["thread-lifting"], title="실리프팅 개정"),
        lambda: linking_article(ko_home, "faq", ko["thread-lifting"]),
        lambda: translate(ko["mini-thread-lifting-vs-mini-facelift"], title="Mini", complete=False),
        lambda: publish(ko["thread-lifting"], slug="thread-lift"),
        lambda: bilingual["en"]["thread-lifting"].unpublish(),
        lambda: Page.objects.filter(slug="faq").delete(),
    ]
    for number, step in enumerate(steps):
        step()
        freeze_publication_dates()
        export_channels(now=NOW)
        assert_same_as_rebuild(export_root, tmp_path / f"fresh-{number}", settings)


def test_a_run_after_full_keeps_the_inodes_of_unchanged_files(bilingual, export_root):
    export_channels(["web"], now=NOW)
    export_channels(["web"], full=True, now=NOW)
    before = inodes(export_root, "web")
    publish(bilingual["ko"]["mini-thread-lifting-vs-mini-facelift"], title="미니 리프팅")

    export_channels(["web"], now=NOW)

    after = inodes(export_root, "web")
    changed = {path for path in after if after[path] != before.get(path)}
    assert changed == {
        "ko/articles/mini-thread-lifting-vs-mini-facelift.json",
        "en/articles/mini-thread-lifting-vs-mini-facelift.json",
    }
    verify_tree(export_root, "web")


def test_a_changed_channel_configuration_rebuilds_every_document(
    bilingual, export_root, settings, tmp_path
):
    export_channels(["web"], now=NOW)
    config = json.loads(settings.EXPORT_CHANNELS_FILE.read_text(encoding="utf-8"))
    config["channels"]["web"]["block_types"].remove("thread_types")
    changed = tmp_path / "channels.json"
    changed.write_text(json.dumps(config), encoding="utf-8")
    settings.EXPORT_CHANNELS_FILE = changed

    report = export_channels(["web"], now=NOW)

    # Only thread-lifting has a thread_types block: its documents change, the others not.
    assert report.channels[0].written == [
        "en/articles/thread-lifting.json",
        "ko/articles/thread-lifting.json",
    ]
    assert "schema/article.schema.json" in report.channels[0].other_files


CHECKED = []


def gate_without_fingerprint(pages):
    CHECKED.append(sorted(page.slug for page in pages))
    return {}


def gate_with_fingerprint(pages):
    CHECKED.append(sorted(page.slug for page in pages))
    return {page.pk: ["held back"] for page in pages if page.title.startswith("보류")}


gate_with_fingerprint.fingerprint = lambda: RULES_VERSION[0]
RULES_VERSION = ["1"]


def test_a_gate_with_a_fingerprint_sees_only_changed_pages(bilingual, export_root, settings):
    settings.EXPORT_GATES = [f"{__name__}.gate_with_fingerprint"]
    CHECKED.clear()
    RULES_VERSION[0] = "1"
    export_channels(["web"], now=NOW)
    publish(bilingual["ko"]["mini-thread-lifting-vs-mini-facelift"], title="보류: 미니 리프팅")

    report = export_channels(["web"], now=NOW)

    assert CHECKED[1] == ["mini-thread-lifting-vs-mini-facelift"]
    assert "skipped: mini-thread-lifting-vs-mini-facelift (ko): held back" in map(
        str, report.channels[0].skipped
    )
    RULES_VERSION[0] = "2"  # new rules: every page is checked again
    export_channels(["web"], now=NOW)
    assert len(CHECKED[2]) == 3


def test_a_gate_without_a_fingerprint_sees_every_page_every_run(bilingual, export_root, settings):
    settings.EXPORT_GATES = [f"{__name__}.gate_without_fingerprint"]
    CHECKED.clear()
    export_channels(["web"], now=NOW)
    export_channels(["web"], now=NOW)
    assert CHECKED[0] == CHECKED[1] and len(CHECKED[1]) == 3
