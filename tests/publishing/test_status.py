"""What editors and other apps read after a run: document states, the heartbeat, the signal."""

from cms.publishing.export import export_channels
from cms.publishing.signals import export_published
from cms.publishing.status import document_states, last_run_at, withheld_documents

from .conftest import read_json


def test_document_states_say_where_each_locale_went_and_why_not(bilingual, export_root):
    export_channels()
    page = bilingual["ko"]["mini-thread-lifting-vs-mini-facelift"]
    states = {(state.channel, state.locale): state for state in document_states(page)}
    assert set(states) == {("web", "ko"), ("web", "en"), ("app", "ko"), ("app", "en"),
                           ("partner", "en")}  # fmt: skip
    web = states["web", "ko"]
    manifest = read_json(export_root, "web", "manifest.json")
    assert (web.state, web.reason) == ("live", "")
    assert web.sha256 == manifest["files"][web.path]["sha256"]
    assert web.sequence > 0
    partner = states["partner", "en"]
    assert partner.state == "withheld" and "no live en translation" in partner.reason
    assert partner in withheld_documents("partner")
    assert last_run_at("web") is not None and last_run_at() is not None


def test_each_published_channel_sends_export_published(bilingual, export_root):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    export_published.connect(receiver)
    try:
        export_channels(["web"])
        page = bilingual["en"]["thread-lifting"]
        page.unpublish()
        export_channels(["web"])
        export_channels(["web"])  # nothing changed: nothing sent
    finally:
        export_published.disconnect(receiver)
    assert [call["channel"] for call in received] == ["web", "web"]
    first, second = received
    assert len(first["upserted"]) == 4 and first["tombstones"] == []
    assert second["sequence"] > first["sequence"]
    assert second["upserted"] == [
        "en/articles/thread-lifting.json",  # now the Korean fallback
        "ko/articles/thread-lifting.json",  # its alternate left
    ]
    manifest = read_json(export_root, "web", "manifest.json")
    assert manifest["sequence"] == second["sequence"]
