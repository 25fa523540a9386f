"""The catalogs shipped with the demo, generated from the bilingual seed files.

Each seed leaf holds the source language and the languages its authors wrote (``{"ko": …,
"en": …}``): the source side is the source page, every other side a confirmed translation.
Target languages the seeds do not carry get empty catalogs (no machine translation). Both
sides go through the same extraction, so paragraph *n* of a Korean rich text field is matched
with paragraph *n* of the translated one, and every translated string lands under the context
of its Korean original. Regenerating over the shipped files changes nothing unless the seeds
changed (the dates are kept, as for any extraction).
"""

from __future__ import annotations

from pathlib import Path

from cms.articles.seeding import SEEDS_DIR, SeedArticle, SeedError, load_seed_articles
from cms.translation import catalog as files
from cms.translation.extract import source_article
from cms.translation.segments import SourceArticle
from cms.translation.sync import ExtractReport, sync_catalogs


def _seed_side(seed: SeedArticle, language: str) -> SourceArticle:
    return source_article(
        slug=seed.slug,
        translation_key=seed.translation_key,
        fields={
            "title": seed.title[language],
            "seo_title": "",
            "search_description": seed.summary[language],
        },
        body=seed.body_in(language),
    )


def seed_languages(seeds: list[SeedArticle]) -> set[str]:
    """The languages every seed article carries (the keys of their titles)."""
    carried = [set(seed.title) for seed in seeds]
    return set.intersection(*carried) if carried else set()


def seed_translations(
    seeds_dir: Path = SEEDS_DIR, languages: tuple[str, ...] | None = None
) -> tuple[list[SourceArticle], dict[str, dict[str, dict[str, str]]]]:
    """The seeds' source articles and their translations by key, language and context.

    Raises ``SeedError`` when the two sides of a seed do not split into the same strings.
    """
    sources: list[SourceArticle] = []
    translations: dict[str, dict[str, dict[str, str]]] = {}
    seeds = load_seed_articles(seeds_dir)
    if languages is None:
        carried = seed_languages(seeds)
        languages = tuple(code for code in files.target_languages() if code in carried)
    for seed in seeds:
        source = _seed_side(seed, files.source_language())
        sources.append(source)
        for language in languages:
            target = _seed_side(seed, language)
            source_contexts = [segment.context for segment in source.segments]
            target_contexts = [segment.context for segment in target.segments]
            if source_contexts != target_contexts:
                extra = set(source_contexts) ^ set(target_contexts)
                raise SeedError(
                    f"{seed.path}: the {language} side does not split like the source side "
                    f"(contexts only on one side: {', '.join(sorted(extra)) or 'order differs'})"
                )
            translations.setdefault(source.translation_key, {})[language] = {
                segment.context: segment.source for segment in target.segments
            }
    return sources, translations


def generate_seed_catalogs(root: Path | None = None, seeds_dir: Path = SEEDS_DIR) -> ExtractReport:
    """Write the templates and the catalogs of every target language for the seed articles:
    confirmed translations where the seeds carry the language, empty entries elsewhere."""
    sources, translations = seed_translations(seeds_dir)
    return sync_catalogs(
        sources, root or files.catalog_dir(), files.target_languages(), overrides=translations
    )
