"""Plain text for the rules: markup, spacing and look-alike characters."""

import unicodedata

from cms.compliance.text import excerpt, html_to_text, normalise, sentence_around, written_in


def test_rich_text_loses_its_tags_and_keeps_paragraphs_apart():
    html = "<p>부작용 <b>없는</b> 시술</p><ul><li>하나</li><li>둘 &amp; 셋</li></ul>"
    assert html_to_text(html) == "부작용 없는 시술\n하나\n둘 & 셋"


def test_look_alike_characters_are_evened_out():
    text = "\uff11\uff10\uff10\uff05 \u201cKorea\u2019s first\u201d\u00a0\u00a0clinic\u200b"
    assert normalise(text) == '100% "Korea\'s first" clinic'


def test_decomposed_hangul_is_composed():
    decomposed = unicodedata.normalize("NFD", "부작용 없는")
    assert decomposed != "부작용 없는"
    assert normalise(decomposed) == "부작용 없는"


def test_sentence_around_stops_at_sentence_ends():
    text = "That is not all. Guaranteed results for you! Next."
    start = text.index("Guaranteed")
    end = start + len("Guaranteed")
    assert sentence_around(text, start, end) == (" ", " results for you")


def test_excerpt_shows_context_and_marks_what_was_cut():
    text = "가" * 50 + "최고" + "나" * 50
    start = text.index("최고")
    snippet = excerpt(text, start, start + 2, context=5)
    assert snippet == "…가가가가가최고나나나나나…"


def test_language_of_a_notice():
    assert written_in("본 게시물은 의료법을 준수합니다.", "ko")
    assert not written_in("This post complies with the law.", "ko")
    assert written_in("This post complies with 의료법 Article 56.", "en")
    assert not written_in("본 게시물은 의료법 제56조를 준수합니다.", "en")
