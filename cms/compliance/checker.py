"""Check one article against the rules: text rules on every text field, then structure rules.

``check_article`` is the single entry point used by the command, the publish gate and the export
gate. It reads only what it is given (title, summary, body), so it runs no queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cms.compliance.leaves import Crumb, TextLeaf, article_leaves, ordinals
from cms.compliance.matching import find_matches
from cms.compliance.rules import BaseRule, RulesError, RuleSet, StructureRule, load_rules
from cms.compliance.text import excerpt, html_to_text, normalise, written_in

# Between the steps of a location: a single right-pointing angle quotation mark.
CRUMB_SEPARATOR = " \u203a "
# Where a missing block is reported: the article body as a whole (the model field's own label).
BODY_LABEL = capfirst(_("body"))
LEGAL_BASIS_EN = "Medical Service Act Article 56(2)({number})"
LEGAL_BASIS_KO = "의료법 제56조 제2항 제{number}호"


def legal_basis_of(rule: BaseRule, language: str) -> str:
    """Where in the law ``rule`` comes from, in ``language``, e.g. 의료법 제56조 제2항 제8호."""
    template = LEGAL_BASIS_KO if language.startswith("ko") else LEGAL_BASIS_EN
    return template.format(number=rule.subparagraph)


@dataclass(frozen=True)
class ArticleContent:
    """What the checker reads of an article: its identity, language and text."""

    slug: str
    translation_key: str
    language: str
    title: str
    summary: str
    body: Any  # a StreamValue of ArticleBodyBlock
    page_id: int | None = None

    @classmethod
    def from_page(cls, page: Any, language: str | None = None) -> ArticleContent:
        """The content of an ``ArticlePage`` (pass ``language`` to avoid loading its locale)."""
        return cls(
            slug=page.slug,
            translation_key=str(page.translation_key),
            language=language or page.locale.language_code,
            title=page.title,
            summary=page.search_description or "",
            body=page.body,
            page_id=page.pk,
        )


@dataclass(frozen=True)
class Finding:
    """One rule broken in one place of one article."""

    rule: BaseRule
    slug: str
    translation_key: str
    locale: str
    page_id: int | None
    path: str
    match: str
    excerpt: str
    trail: tuple[Crumb, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.rule.is_error

    def legal_basis(self, language: str) -> str:
        """Where in the law the rule comes from, e.g. 의료법 제56조 제2항 제8호."""
        return legal_basis_of(self.rule, language)

    def location(self) -> str:
        """Where it is, in the words of the admin (labels follow the active language)."""
        return CRUMB_SEPARATOR.join(crumb.render() for crumb in self.trail) or self.path

    def as_dict(self) -> dict[str, Any]:
        """The finding as plain JSON-ready data, both languages included."""
        return {
            "article": self.slug,
            "translation_key": self.translation_key,
            "locale": self.locale,
            "page_id": self.page_id,
            "path": self.path,
            "rule": self.rule.id,
            "severity": self.rule.severity,
            "subparagraph": self.rule.subparagraph,
            "legal_basis": self.legal_basis("en"),
            "match": self.match,
            "excerpt": self.excerpt,
            "message": {"ko": self.rule.message_ko, "en": self.rule.message_en},
            "suggestion": {"ko": self.rule.suggestion_ko, "en": self.rule.suggestion_en},
        }


def check_article(content: ArticleContent, ruleset: RuleSet | None = None) -> list[Finding]:
    """Every finding for ``content``: text rules of its language, then the structure rules."""
    ruleset = ruleset or load_rules()
    leaves = list(article_leaves(content.title, content.summary, content.body))
    findings = []
    text_rules = ruleset.rules_for(content.language)
    for leaf in leaves:
        for match in find_matches(leaf.text, text_rules, ruleset):
            findings.append(
                _finding(content, match.rule, leaf.path, match.text, match.excerpt, leaf.trail)
            )
    for rule in ruleset.structure_rules:
        findings.extend(_check_structure(content, rule, ruleset, leaves))
    return findings


def errors_of(findings: Iterable[Finding]) -> list[Finding]:
    """Only the findings that block publishing."""
    return [finding for finding in findings if finding.is_error]


def describes_procedure(
    content: ArticleContent, ruleset: RuleSet, leaves: Sequence[TextLeaf] | None = None
) -> bool:
    """Whether the article talks about a procedure, as ``[procedure]`` in the rules defines it."""
    regex = ruleset.procedure.regexes.get(content.language)
    if regex is None:
        return False
    if leaves is None:
        leaves = list(article_leaves(content.title, content.summary, content.body))
    ignored = set(ruleset.procedure.ignore_blocks)
    return any(leaf.block_type not in ignored and regex.search(leaf.text) for leaf in leaves)


def _finding(
    content: ArticleContent,
    rule: BaseRule,
    path: str,
    match: str = "",
    excerpt_text: str = "",
    trail: tuple[Crumb, ...] = (),
) -> Finding:
    return Finding(
        rule=rule,
        slug=content.slug,
        translation_key=content.translation_key,
        locale=content.language,
        page_id=content.page_id,
        path=path,
        match=match,
        excerpt=excerpt_text,
        trail=trail,
    )


def _check_structure(
    content: ArticleContent, rule: StructureRule, ruleset: RuleSet, leaves: Sequence[TextLeaf]
) -> list[Finding]:
    stream_block = content.body.stream_block
    if rule.requires_block not in stream_block.child_blocks:
        raise RulesError(
            f"{ruleset.path}: rule {rule.id!r}: field 'requires_block': "
            f"{rule.requires_block!r} is not a block type of the article body"
        )
    if rule.when == "procedure" and not describes_procedure(content, ruleset, leaves):
        return []
    required_block = stream_block.child_blocks[rule.requires_block]
    for field_name in rule.text_fields:
        if field_name not in getattr(required_block, "child_blocks", {}):
            raise RulesError(
                f"{ruleset.path}: rule {rule.id!r}: field 'text_fields': "
                f"{rule.requires_block!r} has no field {field_name!r}"
            )
    found = [
        (position, total, child)
        for child, position, total in ordinals(content.body)
        if child.block_type == rule.requires_block
    ]
    block_label = required_block.label
    if not found:
        return [_finding(content, rule, "body", trail=(Crumb(BODY_LABEL),))]
    findings = []
    for position, total, child in found:
        for field_name in rule.text_fields:
            value = child.value.get(field_name)
            source = getattr(value, "source", value) or ""
            text = html_to_text(source) if hasattr(value, "source") else normalise(str(source))
            if text and written_in(text, content.language):
                continue
            field_block = child.block.child_blocks[field_name]
            findings.append(
                _finding(
                    content,
                    rule,
                    f"body.{child.id}.{field_name}",
                    excerpt_text=excerpt(text, 0, 0, context=60),
                    trail=(Crumb(block_label, position, total), Crumb(field_block.label)),
                )
            )
    return findings
