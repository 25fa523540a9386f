"""Rich text delivery: sanitised HTML with absolute links, or structured plain text."""

import nh3
import pytest

from cms.publishing.plaintext import TextParser
from cms.publishing.richtext import BARE_A, FIND_A_TAG, SANITISER, link_resolver, to_html, to_text

BASE = "https://clinic.example"
PAGES = {7: "https://clinic.example/en/faq/"}


@pytest.fixture
def resolve():
    return link_resolver(PAGES.get, BASE)


def test_internal_links_become_absolute_localized_urls(resolve):
    html = '<p>See <a linktype="page" id="7">our FAQ</a>.</p>'
    assert (
        to_html(html, resolve) == '<p>See <a href="https://clinic.example/en/faq/">our FAQ</a>.</p>'
    )


def test_links_to_invisible_pages_keep_their_text_only(resolve):
    html = (
        '<p>A <a linktype="page" id="99">draft</a> and <a linktype="document" id="1">doc</a>.</p>'
    )
    assert to_html(html, resolve) == "<p>A draft and doc.</p>"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("https://example.org/x?a=1&b=2", "https://example.org/x?a=1&amp;b=2"),
        ("mailto:desk@clinic.example", "mailto:desk@clinic.example"),
        ("/ko/thread-lifting/", "https://clinic.example/ko/thread-lifting/"),
        ("#side-effects", "#side-effects"),
    ],
)
def test_external_links_are_kept_and_relative_ones_made_absolute(resolve, href, expected):
    assert (
        to_html(f'<p><a href="{href}">x</a></p>', resolve) == f'<p><a href="{expected}">x</a></p>'
    )


@pytest.mark.parametrize(
    "dangerous",
    [
        '<p><a href="javascript:alert(1)">x</a></p>',
        '<p><a href="//evil.example/">x</a></p>',
        '<p onclick="steal()">x</p>',
        "<p>x<script>alert(1)</script></p>",
        '<p>x<img src="a" onerror="alert(1)"></p>',
        '<p>x<iframe src="https://evil.example"></iframe></p>',
        "<p>x<style>p{}</style></p>",
    ],
)
def test_html_is_sanitised_to_the_editor_features(resolve, dangerous):
    assert to_html(dangerous, resolve) == "<p>x</p>"


def test_allowed_markup_passes_unchanged(resolve):
    html = "<p><b>bold</b> <i>italic</i></p><ol><li>one</li></ol><ul><li>two</li></ul>"
    assert to_html(html, resolve) == html


def test_text_delivery_has_paragraphs_lists_and_link_targets(resolve):
    html = (
        '<p>Read <b>the</b> <a linktype="page" id="7">FAQ</a> &amp; call.</p>'
        "<ol><li>first<ul><li>nested</li></ul></li><li>second<br/>line</li></ol>"
    )
    assert to_text(html, resolve) == [
        {
            "type": "paragraph",
            "text": "Read the FAQ & call.",
            "links": [
                {"text": "FAQ", "href": "https://clinic.example/en/faq/", "start": 9, "end": 12}
            ],
        },
        {
            "type": "list",
            "style": "ordered",
            "items": [
                {"text": "first", "links": [], "depth": 0},
                {"text": "nested", "links": [], "depth": 1},
                {"text": "second\nline", "links": [], "depth": 0},
            ],
        },
    ]


@pytest.mark.parametrize(
    "html",
    [
        '<p>FAQ first, then  <a linktype="page" id="7"> the FAQ </a>, FAQ.</p>',
        '<p>  <a linktype="page" id="7">FAQ</a> and <a href="https://e.org/">e<br/>org</a></p>',
        '<ul><li> 한국어 😀 <a linktype="page" id="7">자주 묻는 질문</a>입니다 </li></ul>',
        '<p>A <a linktype="page" id="99">gone</a> <a linktype="page" id="7">FAQ</a></p>',
    ],
)
def test_each_link_says_where_its_text_is(resolve, html):
    nodes = to_text(html, resolve)
    texts = [node] if (node := nodes[0])["type"] == "paragraph" else node["items"]
    links = [(text["text"], link) for text in texts for link in text["links"]]
    assert links
    for text, link in links:
        assert text[link["start"] : link["end"]] == link["text"]
    parser = TextParser(resolve)
    parser.feed(html)
    parser.close()
    assert parser.finish() == nodes


def test_the_link_of_a_repeated_phrase_is_the_one_linked(resolve):
    html = '<p>FAQ first, then <a linktype="page" id="7">FAQ</a>.</p>'
    [paragraph] = to_text(html, resolve)
    assert paragraph["links"][0]["start"] == len("FAQ first, then ")


def test_text_delivery_carries_no_markup_and_drops_dead_links(resolve):
    html = '<p>A <a linktype="page" id="99">gone</a> page<script>x()</script></p><p></p>'
    assert to_text(html, resolve) == [{"type": "paragraph", "text": "A gone page", "links": []}]


def test_empty_rich_text_is_empty_in_both_shapes(resolve):
    assert to_html("", resolve) == ""
    assert to_text("", resolve) == []


MARKUP = [
    "<p>one</p><p> two </p><p></p>",
    "<p>A &amp; B &lt;tag&gt; &nbsp;x</p>",
    "<p>Quote \"this\" and 'that'\ttabbed\nnewline 한국어 😀</p>",
    '<P>Upper <B>bold</B> <A HREF="/x/">link</A></P>',
    "<ul><li>a<ol><li>b</li></ol></li><li>c<br/>d</li></ul><p>after</p>",
    '<p><a linktype="page" id="7">FAQ</a> and <a linktype="page" id="99">gone</a></p>',
    '<p><a href="https://e.org/?a=1&amp;b=2" target="_blank">e</a><a download>d</a></p>',
    '<p>x<a href="#top"/>y</p>',
    "<p>comment <!-- c --> kept out</p>",
    "<p>x<script>alert(1)</script>y</p>",
    "<p>a < b</p>",
    '<p class="lead">classy</p></p class="x">',
    "<div>block</div>text<h2>heading</h2>",
]


@pytest.mark.parametrize("html", MARKUP)
def test_the_fast_reading_of_simple_markup_is_html_parsers(resolve, html):
    parser = TextParser(resolve)
    parser.feed(html)
    parser.close()
    assert to_text(html, resolve) == parser.finish()


@pytest.mark.parametrize("html", MARKUP[:3])
def test_plain_paragraphs_are_what_the_sanitiser_would_write(resolve, html):
    rewritten = FIND_A_TAG.sub("<a>", html)
    assert to_html(html, resolve) == BARE_A.sub(r"\1", nh3.clean(rewritten, **SANITISER))
