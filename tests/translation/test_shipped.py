"""The shipped catalogs of the seed articles, and the English pages seed_demo makes.

English is what the seeds carry besides Korean; every other target language ships empty
catalogs (no machine translation).
"""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from cms.articles.models import ArticlePage
from cms.articles.seeding import load_seed_articles, seed_demo
from cms.translation.catalog import gettext_language, read_catalog, target_languages
from cms.translation.extract import body_block, page_fields
from cms.translation.paths import iter_leaves
from cms.translation.richtext import RichTextDocument
from cms.translation.segments import LeafKind
from cms.translation.shipped import generate_seed_catalogs
from cms.translation.sync import extract_catalogs
from tests.articles.test_seed_content import source_lines

REPO_LOCALE = Path(settings.BASE_DIR) / "locale"
SHIPPED = sorted(
    [
        *REPO_LOCALE.glob("templates/articles/*.pot"),
        *REPO_LOCALE.glob("*/LC_MESSAGES/articles/*.po"),
        *REPO_LOCALE.glob("templates/glossary.pot"),
        *REPO_LOCALE.glob("*/LC_MESSAGES/glossary.po"),
    ]
)
LANGUAGE_OF_FOLDER = {gettext_language(code): code for code in target_languages()}
DATE_HEADERS = ('"POT-Creation-Date:', '"PO-Revision-Date:')


def copy_shipped(target: Path) -> Path:
    for path in SHIPPED:
        destination = target / path.relative_to(REPO_LOCALE)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
    return target


def without_dates(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not line.startswith(DATE_HEADERS))


def test_both_seed_articles_ship_a_template_and_a_catalog_per_target_language():
    names = {
        path.relative_to(REPO_LOCALE).as_posix() for path in SHIPPED if "articles" in path.parts
    }
    assert names == {
        f"{folder}/{seed.slug}.{suffix}"
        for seed in load_seed_articles()
        for folder, suffix in (
            ("templates/articles", "pot"),
            *((f"{folder}/LC_MESSAGES/articles", "po") for folder in LANGUAGE_OF_FOLDER),
        )
    }


def test_shipped_catalogs_are_exactly_what_the_generator_writes(tmp_path):
    report = generate_seed_catalogs(copy_shipped(tmp_path / "over"))
    assert not report.errors and not report.changed(), "regenerating changed a shipped file"
    fresh = tmp_path / "fresh"
    generate_seed_catalogs(fresh)
    for path in [path for path in SHIPPED if "articles" in path.parts]:
        generated = (fresh / path.relative_to(REPO_LOCALE)).read_text(encoding="utf-8")
        assert without_dates(generated) == without_dates(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_shipped_catalogs_pass_msgfmt_check_and_read_everywhere(path):
    checked = subprocess.run(
        ["/usr/bin/msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    least = 50 if "articles" in path.parts else 5
    with path.open("rb") as stream:
        assert len(read_po(stream, abort_invalid=True)) > least
    assert len(polib.pofile(str(path))) > least
    if path.suffix == ".po" and "articles" in path.parts:
        assert checked.stderr == ""
        language = LANGUAGE_OF_FOLDER[path.relative_to(REPO_LOCALE).parts[0]]
        po = read_catalog(path, language=language).po
        carried = language in load_seed_articles()[0].title
        assert po.percent_translated() == (100 if carried else 0) and not po.fuzzy_entries()


def english_lines(page: ArticlePage) -> set[str]:
    """Every text of a page as a reader sees it: plain leaves, rich text per paragraph."""
    lines = set()
    for leaf in iter_leaves(page_fields(page), list(page.body.get_prep_value()), body_block()):
        if leaf.kind is LeafKind.RICH:
            lines |= set(RichTextDocument(leaf.value).texts())
        else:
            lines.add(leaf.value)
    return lines


def test_seed_demo_publishes_english_pages_that_read_exactly_like_the_seed(seeded):
    assert [line for line in seeded.translations if line.startswith("en/")] == [
        "en/mini-thread-lifting-vs-mini-facelift: created",
        "en/thread-lifting: created",
    ]
    others = {line.split(": ")[1] for line in seeded.translations if not line.startswith("en/")}
    assert others <= {"untranslated"}, "languages the seeds do not carry get no page"
    for seed in load_seed_articles():
        page = ArticlePage.objects.get(
            translation_key=seed.translation_key, locale__language_code="en"
        )
        assert page.live and not page.has_unpublished_changes
        assert (page.title, page.search_description) == (seed.title["en"], seed.summary["en"])
        assert list(page.body.get_prep_value()) == seed.body_in("en")
        lines = english_lines(page)
        missing = [line for line in source_lines(seed.slug) if line not in lines]
        assert not missing, "source sentences missing from the English page:\n" + "\n".join(missing)
    again = seed_demo()
    assert {line.rsplit(": ", 1)[1] for line in again.translations if line.startswith("en/")} == {
        "unchanged"
    }


def test_extracting_the_seeded_site_leaves_the_shipped_catalogs_unchanged(
    seeded, tmp_path, settings
):
    settings.TRANSLATION_CATALOG_DIR = copy_shipped(tmp_path)
    report = extract_catalogs()
    assert not report.errors and not report.changed()


def test_generate_command_writes_the_catalogs_where_settings_say(tmp_path, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.TRANSLATION_CATALOG_DIR = tmp_path
    out = StringIO()
    call_command("generate_seed_catalogs", stdout=out)
    languages = target_languages()
    assert f"{2 + 2 * len(languages)} file(s) written" in out.getvalue()
    assert sorted(path.name for path in tmp_path.rglob("*.po")) == sorted(
        ["mini-thread-lifting-vs-mini-facelift.po", "thread-lifting.po"] * len(languages)
    )
