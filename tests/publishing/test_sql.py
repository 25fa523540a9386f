"""The hand-written queries (``sql.py``) return what the ORM queries they replaced returned.

Each ORM query is kept here, as it was, as the reference: the page facts are compared as text
with the facts earlier runs stored, so even their rendering of a value must not change.
"""

from datetime import UTC, datetime, timedelta

from django.db import connections
from django.db.models import CharField, F, Func, Q, TextField, Value
from django.db.models.functions import Cast, Coalesce
from wagtail.models import Page, PageViewRestriction, Site

from cms.articles.models import ArticlePage
from cms.publishing.changes import _noted_pages
from cms.publishing.directory import Visibility, canonical_key, load_site_roots
from cms.publishing.export import _starting_point
from cms.publishing.facts import FIELDS, colliding_keys, load_facts
from cms.publishing.models import ChannelState, PageChange
from tests.articles.factories import make_article

from .conftest import translate


class TabJoined(Func):
    """The ORM expression the facts were built with."""

    template = "(%(expressions)s)"
    output_field = TextField()

    def __init__(self, *expressions):
        super().__init__(
            *(Coalesce(Cast(e, output_field=TextField()), Value("")) for e in expressions)
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, arg_joiner=" || char(9) || ", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, arg_joiner=" || chr(9) || ", **extra_context)


def orm_facts(visibility, keys=None, groups_of=None):
    pages = Page.objects.filter(visibility.filter())
    if keys is not None or groups_of is not None:
        groups = Page.objects.filter(
            Q(id__in=sorted(groups_of or ())) | Q(translation_key__in=sorted(keys or ()))
        ).values("translation_key")
        pages = pages.filter(translation_key__in=groups)
    facts = (
        pages.annotate(_fact=TabJoined("translation_key", *(F(name) for name in FIELDS)))
        .order_by("id")
        .values_list("_fact", flat=True)
    )
    return "\n".join(facts)


def orm_colliding_keys(visibility, languages, keys):
    articles = ArticlePage.objects.filter(visibility.filter()).filter(
        locale__language_code__in=sorted(set(languages))
    )
    known = set(keys)
    frontier = set(known)
    while frontier:
        slugs = articles.filter(translation_key__in=sorted(frontier)).values("slug")
        rows = (
            articles.filter(slug__in=slugs)
            .values_list("slug", Cast("translation_key", output_field=CharField()))
            .order_by()
        )
        keys_by_slug = {}
        for slug, key in rows:
            keys_by_slug.setdefault(slug, set()).add(canonical_key(key))
        shared = {key for group in keys_by_slug.values() if len(group) > 1 for key in group}
        frontier = shared - known
        known |= shared
    return known


def a_varied_site(bilingual, ko_home):
    """Translations complete and not, an alias, a restricted page, an expired one, a shared slug."""
    translate(bilingual["ko"]["mini-thread-lifting-vs-mini-facelift"], title="Mini", complete=False)
    private = make_article(ko_home, "private-article", title="비공개")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    expired = make_article(ko_home, "expired-article", title="만료")
    Page.objects.filter(pk=expired.pk).update(expire_at=datetime.now(UTC) - timedelta(days=1))
    en_home = Page.objects.get(locale__language_code="en", depth=2)
    make_article(en_home, "thread-lifting-copy", title="복사")
    Page.objects.filter(slug="thread-lifting-copy").update(slug="thread-lifting")
    bilingual["ko"]["thread-lifting"].create_alias(
        parent=ko_home, update_slug="thread-lifting-alias"
    )


def test_the_facts_are_the_text_the_orm_query_gave(bilingual, ko_home):
    a_varied_site(bilingual, ko_home)
    visibility = Visibility.load(datetime.now(UTC))
    assert load_facts(visibility) == orm_facts(visibility)
    assert len(load_facts(visibility).split("\n")) > 4
    page = bilingual["en"]["thread-lifting"]
    key = str(bilingual["ko"]["mini-thread-lifting-vs-mini-facelift"].translation_key)
    for keys, groups_of in [([key], [page.pk]), ([], [page.pk]), ([key], []), ([], [])]:
        expected = orm_facts(visibility, keys, groups_of) if keys or groups_of else ""
        assert load_facts(visibility, keys, groups_of) == expected


def test_the_slug_collisions_are_those_the_orm_query_found(bilingual, ko_home):
    a_varied_site(bilingual, ko_home)
    visibility = Visibility.load(datetime.now(UTC))
    key = str(bilingual["ko"]["thread-lifting"].translation_key)
    other = str(bilingual["ko"]["mini-thread-lifting-vs-mini-facelift"].translation_key)
    for languages in (["ko", "en"], ["en"], ["ko"]):
        for keys in ([key], [other], [key, other]):
            found = colliding_keys(visibility, languages, keys)
            assert found == orm_colliding_keys(visibility, languages, keys)
    assert len(colliding_keys(visibility, ["ko", "en"], [key])) == 2


def test_the_notes_and_counts_are_those_the_orm_queries_gave(bilingual, ko_home):
    PageChange.objects.all().delete()
    since = datetime.now(UTC)
    a_varied_site(bilingual, ko_home)
    PageChange.objects.filter(structural=True).delete()  # the view restriction's
    now = datetime.now(UTC)
    visibility = Visibility.load(now)
    noted = set(PageChange.objects.values_list("page_id", flat=True))
    expired = set(
        Page.objects.filter(
            expire_at__gt=since - timedelta(days=2), expire_at__lte=now
        ).values_list("id", flat=True)
    )
    visible = Page.objects.filter(visibility.filter()).count()
    page_ids, count = _noted_pages(since - timedelta(days=2), visibility)
    assert (page_ids, count) == (noted | expired, visible)
    assert expired and count > 4
    PageChange.objects.create(page_id=1, structural=True, recorded_at=now)
    assert _noted_pages(since, visibility) is None
    assert connections["default"].vendor in {"sqlite", "postgresql"}


def test_the_starting_point_is_what_the_queries_it_merges_gave(bilingual, ko_home):
    a_varied_site(bilingual, ko_home)
    ChannelState.objects.create(channel="web", sequence=17)
    ChannelState.objects.create(channel="other", sequence=3)
    now = datetime.now(UTC)
    floors, visibility, site_roots = _starting_point(["web", "app"], now)
    assert floors == {"web": 17}
    assert visibility == Visibility.load(now) and visibility.restricted_paths
    root_keys = Site.objects.values("root_page__translation_key")
    orm_roots = list(
        Page.objects.filter(translation_key__in=root_keys)
        .values_list("url_path", "locale__language_code")
        .order_by("url_path")
    )
    assert site_roots == orm_roots == load_site_roots() and len(site_roots) >= 2
