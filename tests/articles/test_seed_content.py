"""The bilingual demo seed articles: structure, alignment and fidelity to the English source.

Each seed file holds one article whose translatable text leaves are ``{"ko": ..., "en": ...}``
objects. The English side must be the source text of ``seeds/source/<slug>.en.txt`` (every
sentence verbatim), the Korean side its aligned translation. These tests read the JSON only: no
database, no Django settings.
"""

import json
import re
import uuid
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

SEEDS_DIR = Path(__file__).resolve().parents[2] / "cms/articles/seeds"
SLUGS = ["thread-lifting", "mini-thread-lifting-vs-mini-facelift"]

# Source lines that are layout residue of the original blog, not article text: carousel buttons
# and the image caption that repeats the title of article 2.
DROPPED_SOURCE_LINES = {"Previous image", "Next image", "Mini thread lifting"}

ALLOWED_RICH_TEXT_TAGS = {"p", "ul", "ol", "li", "b", "i"}

# Terms the Korean medical advertising rules forbid (superlatives and absolutes).
BANNED_KOREAN_TERMS = [
    "최고",
    "최초",
    "유일",
    "완벽",
    "보장",
    "완치",
    "100%",
    "부작용 없",
    "통증 없",
    "흉터 없",
]

# The block contract of cms/articles/blocks.py, restated so the seeds are checked without Django.
TEXT, RICH, INT = "text", "rich", "int"
MATERIAL = ("choice", {"", "PDO", "PLLA", "PCL", "PLGA", "other"})
BARBED = ("choice", {"", "barbed", "non_barbed"})
THREAD_TYPE_ROW = {
    "name": TEXT,
    "material": MATERIAL,
    "barbed": BARBED,
    "absorption_months_min": INT,
    "absorption_months_max": INT,
    "purpose": TEXT,
    "notes": TEXT,
}
SIDE_EFFECT_ITEM = {"name": TEXT, "cause": TEXT, "prevention": TEXT}
COMPARISON_ROW = {"criterion": TEXT, "option_a": TEXT, "option_b": TEXT}
BLOCK_SCHEMAS = {
    "intro": {"text": RICH},
    "section": {"heading": TEXT, "body": RICH},
    "thread_types": {"caption": TEXT, "rows": ("list", THREAD_TYPE_ROW)},
    "side_effects": {"heading": TEXT, "intro": RICH, "items": ("list", SIDE_EFFECT_ITEM)},
    "comparison": {
        "heading": TEXT,
        "option_a": TEXT,
        "option_b": TEXT,
        "rows": ("list", COMPARISON_ROW),
        "conclusion": RICH,
    },
    "disclaimer": {"text": RICH, "legal_basis": TEXT},
}


def load_article(slug):
    return json.loads((SEEDS_DIR / f"{slug}.json").read_text(encoding="utf-8"))


def source_lines(slug):
    """The sentence lines of the English source, with the seed's joining and dropping rules."""
    lines = []
    pending = ""
    raw_lines = (SEEDS_DIR / "source" / f"{slug}.en.txt").read_text(encoding="utf-8")
    for raw in raw_lines.splitlines():
        line = raw.strip()
        if not line or line in DROPPED_SOURCE_LINES:
            continue
        if line.startswith("|") and line.endswith("|"):
            line = line.strip("|").strip()
        line = line.removeprefix("✔").strip()
        line = f"{pending} {line}" if pending else line
        if line.endswith(","):
            pending = line
            continue
        pending = ""
        lines.append(line)
    if pending:
        lines.append(pending)
    return lines


def iter_ids(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("id", "translation_key"):
                yield value
            else:
                yield from iter_ids(value)
    elif isinstance(node, list):
        for value in node:
            yield from iter_ids(value)


def iter_leaves(node, where="article"):
    """Every translatable leaf: any object carrying a "ko" or an "en" key."""
    if isinstance(node, dict):
        if "ko" in node or "en" in node:
            yield where, node
            return
        for key, value in node.items():
            yield from iter_leaves(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from iter_leaves(value, f"{where}[{index}]")


def iter_fields(article):
    """(kind, value, where) for every field the block contract defines, schema-driven."""
    yield TEXT, article["title"], "title"
    yield TEXT, article["summary"], "summary"
    for index, block in enumerate(article["body"]):
        yield from _iter_struct(
            block["value"], BLOCK_SCHEMAS[block["type"]], f"body[{index}]:{block['type']}"
        )


def _iter_struct(value, schema, where):
    assert set(value) == set(schema), f"{where}: children {sorted(value)} != {sorted(schema)}"
    for name, kind in schema.items():
        child, child_where = value[name], f"{where}.{name}"
        if isinstance(kind, tuple) and kind[0] == "list":
            for index, row in enumerate(child):
                yield "row", row, f"{child_where}[{index}]"
                yield from _iter_struct(row["value"], kind[1], f"{child_where}[{index}]")
        else:
            yield kind, child, child_where


class RichTextReader(HTMLParser):
    """Collects the tags, their attributes and the text of each paragraph or list item."""

    def __init__(self, markup):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.attributes = []
        self.blocks = []
        self.stray_text = []
        self._open = None
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)
        if tag in ("p", "li"):
            self._open = []
            self.blocks.append(self._open)

    def handle_endtag(self, tag):
        if tag in ("p", "li"):
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open.append(data)
        elif data.strip():
            self.stray_text.append(data)

    def block_texts(self):
        return ["".join(parts) for parts in self.blocks]


def rich_fields(article):
    return [(value, where) for kind, value, where in iter_fields(article) if kind == RICH]


def english_lines(article):
    """The English text: plain leaves as they are, rich text one line per paragraph or item."""
    rich_ids = {id(value) for value, _ in rich_fields(article)}
    lines = []
    for _, leaf in iter_leaves(article):
        if id(leaf) in rich_ids:
            lines.extend(RichTextReader(leaf["en"]).block_texts())
        else:
            lines.append(unescape(leaf["en"]))
    return lines


@pytest.fixture(params=SLUGS)
def slug(request):
    return request.param


@pytest.fixture
def article(slug):
    return load_article(slug)


def test_seed_file_names_its_own_slug(slug, article):
    assert article["slug"] == slug


def test_every_id_is_a_distinct_lowercase_uuid4(article):
    ids = list(iter_ids(article))
    assert ids, "the article carries no ids"
    for value in ids:
        parsed = uuid.UUID(value)
        assert parsed.version == 4, f"{value} is not a uuid4"
        assert str(parsed) == value, f"{value} is not a canonical lowercase uuid"
    assert len(ids) == len(set(ids)), "an id is used twice"


def test_no_id_is_shared_between_articles():
    seen = {}
    for slug in SLUGS:
        for value in iter_ids(load_article(slug)):
            assert value not in seen, f"{value} is used by both {seen[value]} and {slug}"
            seen[value] = slug


def test_every_block_and_list_row_has_an_id(article):
    for block in article["body"]:
        assert set(block) == {"type", "id", "value"}
    for kind, row, where in iter_fields(article):
        if kind == "row":
            assert set(row) == {"id", "value"}, where


def test_blocks_follow_the_block_contract(article):
    assert article["body"], "the article has no blocks"
    for kind, value, where in iter_fields(article):
        if kind in (TEXT, RICH):
            assert isinstance(value, dict) and set(value) == {"ko", "en"}, where
        elif kind == INT:
            assert value is None or (type(value) is int and 0 <= value <= 120), where
        elif isinstance(kind, tuple) and kind[0] == "choice":
            assert value in kind[1], f"{where}: {value!r} is not a valid choice"
    for block in article["body"]:
        if block["type"] == "thread_types":
            for row in block["value"]["rows"]:
                low = row["value"]["absorption_months_min"]
                high = row["value"]["absorption_months_max"]
                assert low is None or high is None or low <= high


def test_the_last_block_is_the_only_disclaimer(article):
    types = [block["type"] for block in article["body"]]
    assert types.count("disclaimer") == 1
    assert types[-1] == "disclaimer"


def test_both_articles_carry_the_same_disclaimer():
    disclaimers = [load_article(slug)["body"][-1]["value"] for slug in SLUGS]
    assert all(value == disclaimers[0] for value in disclaimers)
    assert disclaimers[0]["legal_basis"] == {
        "ko": "의료법 제56조",
        "en": "Medical Service Act, Article 56",
    }


def test_every_text_leaf_has_both_languages(article):
    leaves = list(iter_leaves(article))
    assert leaves
    for where, leaf in leaves:
        assert set(leaf) == {"ko", "en"}, f"{where}: keys {sorted(leaf)}"
        assert isinstance(leaf["ko"], str) and isinstance(leaf["en"], str), where
        assert bool(leaf["ko"].strip()) == bool(leaf["en"].strip()), (
            f"{where}: one language is empty and the other is not"
        )


def test_required_text_is_not_empty(article):
    optional = (".notes", ".intro", ".conclusion")
    for kind, value, where in iter_fields(article):
        if kind in (TEXT, RICH) and not where.endswith(optional):
            assert value["en"].strip(), f"{where} is empty"


def test_rich_text_uses_only_plain_paragraphs_and_lists(article):
    for value, where in rich_fields(article):
        for lang in ("ko", "en"):
            reader = RichTextReader(value[lang])
            assert set(reader.tags) <= ALLOWED_RICH_TEXT_TAGS, f"{where}.{lang}: {reader.tags}"
            assert not reader.attributes, f"{where}.{lang}: attributes {reader.attributes}"
            assert not reader.stray_text, f"{where}.{lang}: text outside a paragraph"


def test_korean_and_english_rich_text_align_paragraph_by_paragraph(article):
    for value, where in rich_fields(article):
        ko, en = RichTextReader(value["ko"]), RichTextReader(value["en"])
        for tag in ("p", "li", "ul", "ol"):
            assert ko.tags.count(tag) == en.tags.count(tag), f"{where}: <{tag}> counts differ"
        assert [t for t in ko.tags if t in ("p", "li")] == [
            t for t in en.tags if t in ("p", "li")
        ], f"{where}: paragraphs and list items are not in the same order"


def test_plain_text_leaves_contain_no_markup(article):
    for kind, value, where in iter_fields(article):
        if kind == TEXT:
            for lang in ("ko", "en"):
                assert not re.search(r"<[a-zA-Z/]", value[lang]), f"{where}.{lang} has markup"


def test_every_source_sentence_appears_verbatim_in_the_english_text(slug, article):
    lines = source_lines(slug)
    assert lines, "the source text yielded no lines"
    english = set(english_lines(article))
    missing = [line for line in lines if line not in english]
    assert not missing, "source lines missing from the English text:\n" + "\n".join(missing)


def test_english_title_of_the_mini_article_is_its_source_first_line():
    assert load_article("mini-thread-lifting-vs-mini-facelift")["title"]["en"] == (
        "Mini thread lifting"
    )


def test_korean_text_avoids_terms_banned_in_medical_advertising(article):
    for where, leaf in iter_leaves(article):
        for term in BANNED_KOREAN_TERMS:
            assert term not in leaf["ko"], f"{where}: Korean text uses {term!r}"
