"""The article rows an export reads, and the pages built from them for the gates."""

from datetime import UTC, datetime

import pytest
from django.db.models.signals import post_init

from cms.articles.models import ArticlePage
from cms.compliance.gate import content_digest
from cms.publishing import batches
from cms.publishing.batches import iter_article_batches
from cms.publishing.directory import Visibility


def pages_of(bilingual):
    groups = [
        group
        for batch in iter_article_batches(Visibility.load(datetime.now(UTC)), ["ko", "en"], 100)
        for group in batch
    ]
    return [page for group in groups for page in group.pages.values()]


def described(page):
    fields = {name: value for name, value in vars(page).items() if not name.startswith("_")}
    fields["body"] = page.body.get_prep_value()
    return fields, page.get_deferred_fields(), page._state.adding, page._state.db


@pytest.mark.django_db
def test_a_page_built_for_the_gates_is_what_from_db_builds(bilingual, monkeypatch):
    contents = pages_of(bilingual)
    assert len(contents) == 3  # two Korean articles, one translated
    built = [content.as_page({}) for content in contents]
    monkeypatch.setattr(batches, "_plain_construction", lambda: False)  # Django's own way
    loaded = [content.as_page({}) for content in contents]

    for page, reference in zip(built, loaded, strict=True):
        assert type(page) is ArticlePage
        assert described(page) == described(reference)
        assert page.locale.language_code == reference.locale.language_code
        rules = "r" * 64
        language = page.locale.language_code
        assert content_digest(page, language, rules) == content_digest(reference, language, rules)
        # A deferred field is loaded on access, as on any page from the ORM.
        assert page.seo_title == ArticlePage.objects.get(pk=page.pk).seo_title


@pytest.mark.django_db
def test_a_page_model_with_init_listeners_is_built_by_its_constructor(bilingual):
    calls = []

    def listener(sender, instance, **kwargs):
        calls.append(instance)

    post_init.connect(listener, sender=ArticlePage)
    try:
        assert not batches._plain_construction()
        page = pages_of(bilingual)[0].as_page({})
    finally:
        post_init.disconnect(listener, sender=ArticlePage)
    assert calls == [page]
