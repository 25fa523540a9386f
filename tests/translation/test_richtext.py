"""Rich text split into paragraphs, attributes swapped for ids, and put back (no database)."""

import pytest

from cms.translation.richtext import (
    MarkupError,
    RichTextDocument,
    escape_catalog_text,
    page_link_ids,
    restore,
)

SOURCE = (
    '<p>See <a href="https://example.com/faq">our FAQ</a> and '
    '<a linktype="page" id="7">the other article</a>.</p>'
    "<ul><li>one <b>bold</b></li><li>two</li></ul><p></p>"
)


def test_splits_paragraphs_and_list_items_and_skips_empty_ones():
    units = list(RichTextDocument(SOURCE).units())
    assert [unit.kind for unit in units] == ["paragraph 1", "list item 1", "list item 2"]
    assert [unit.number for unit in units] == [1, 2, 3]


def test_replaces_attributes_by_numbered_ids():
    unit = next(RichTextDocument(SOURCE).units())
    assert unit.text == 'See <a id="a1">our FAQ</a> and <a id="a2">the other article</a>.'
    assert dict(unit.placeholders["a2"].attrs) == {"linktype": "page", "id": "7"}


def test_restores_reordered_links_by_id():
    document = RichTextDocument(SOURCE)
    unit = next(document.units())
    nodes = restore('<a id="a2">다른 글</a>과 <a id="a1">FAQ</a>', unit.placeholders)
    document.replace(1, nodes)
    assert document.to_html().startswith(
        '<p><a linktype="page" id="7">다른 글</a>과 <a href="https://example.com/faq">FAQ</a></p>'
    )


def test_untouched_structure_survives_a_round_trip():
    assert RichTextDocument(SOURCE).to_html() == SOURCE


def test_nested_list_items_are_their_own_units():
    document = RichTextDocument("<ul><li>outer<ul><li>inner</li></ul></li></ul>")
    assert [unit.text for unit in document.units()] == ["outer", "inner"]
    document.replace(1, ["OUTER"])
    assert document.to_html() == "<ul><li>OUTER<ul><li>inner</li></ul></li></ul>"


def test_text_outside_paragraphs_is_a_unit_too():
    assert [unit.text for unit in RichTextDocument("loose <i>text</i>").units()] == [
        "loose <i>text</i>"
    ]


@pytest.mark.parametrize(
    ("translation", "problem"),
    [
        ('<a id="a3">x</a>', "not in the source"),
        ('<a id="a1">x</a><a id="a1">y</a>', "used twice"),
        ('<a href="https://evil.example">x</a>', "may only carry an id"),
        ("<b>unclosed", "never closed"),
        ("<p>block</p>", "cannot be used inside a paragraph"),
        ("<b>x</i>", "closed by"),
    ],
)
def test_rejects_markup_that_cannot_be_restored(translation, problem):
    unit = next(RichTextDocument(SOURCE).units())
    with pytest.raises(MarkupError, match=problem):
        restore(translation, unit.placeholders)


def test_catalog_text_keeps_ampersands_readable_but_unambiguous():
    assert escape_catalog_text("R & D <b>") == "R & D &lt;b&gt;"
    assert escape_catalog_text("&amp; &copy") == "&amp;amp; &amp;copy"


def test_finds_internal_page_links():
    assert page_link_ids(SOURCE) == {7}
