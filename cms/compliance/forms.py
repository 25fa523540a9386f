"""Compliance errors on the fields and blocks they are in, through Wagtail's own validation.

When an editor publishes, submits for moderation or approves an article, its form is checked
against the rules. Errors become validation errors on the field or block they were found in,
so the editor sees them where the words are, the tab shows its error count and Wagtail's
"go to the first error" works. Saving a draft is never refused.

This is how the admin shows a refusal; whether a revision may go live is decided by the
publish gate whatever route publishes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from cms.compliance.checker import ArticleContent, Finding, check_article, errors_of
from cms.compliance.editor import editor_language
from cms.compliance.rules import load_rules
from cms.editorial.slugs import suggested_slug

# Form fields that hold the article's title and summary, by the content path findings use.
FIELD_OF_PATH = {"title": "title", "summary": "search_description"}
# Workflow actions that publish (or move a page towards publication) from the editor.
PUBLISHING_WORKFLOW_ACTIONS = {"approve"}


def is_publishing(data: Any) -> bool:
    """Whether the submitted editor form asks to publish, to submit for review or to approve."""
    if not data:
        return False
    if data.get("action-publish") or data.get("action-submit"):
        return True
    return bool(
        data.get("action-workflow-action")
        and data.get("workflow-action-name") in PUBLISHING_WORKFLOW_ACTIONS
    )


def finding_message(finding: Finding, language: str) -> str:
    """One finding as a field error: the words, what is wrong, the law and a suggestion."""
    quoted = f"“{finding.match}”: " if finding.match else ""
    return _("%(words)s%(message)s (%(basis)s) Suggestion: %(suggestion)s") % {
        "words": quoted,
        "message": finding.rule.message(language),
        "basis": finding.legal_basis(language),
        "suggestion": finding.rule.suggestion(language),
    }


def _tree(findings: Sequence[Finding], language: str) -> dict[str, Any]:
    """Messages by content path, nested: {block id: {field: [messages]}}."""
    root: dict[str, Any] = {}
    for finding in findings:
        steps = finding.path.split(".")[1:]
        node = root
        for step in steps[:-1]:
            node = node.setdefault(step, {})
        if steps:
            leaf = node.setdefault(steps[-1], [])
            if isinstance(leaf, list):
                leaf.append(finding_message(finding, language))
    return root


def block_error(block: blocks.Block, value: Any, node: Any) -> ValidationError | None:
    """The validation error for ``value`` of ``block`` carrying the messages in ``node``."""
    if isinstance(node, list):
        return ValidationError(node)
    if isinstance(block, blocks.StreamBlock):
        errors = {
            index: error
            for index, child in enumerate(value)
            if child.id in node and (error := block_error(child.block, child.value, node[child.id]))
        }
        return StreamBlockValidationError(block_errors=errors) if errors else None
    if isinstance(block, blocks.StructBlock):
        errors = {
            name: error
            for name, child_block in block.child_blocks.items()
            if name in node and (error := block_error(child_block, value.get(name), node[name]))
        }
        return StructBlockValidationError(block_errors=errors) if errors else None
    if isinstance(block, blocks.ListBlock):
        errors = {
            index: error
            for index, item in enumerate(value.bound_blocks)
            if item.id in node
            and (error := block_error(block.child_block, item.value, node[item.id]))
        }
        return ListBlockValidationError(block_errors=errors) if errors else None
    return None


def body_error(body: Any, findings: Sequence[Finding], language: str) -> ValidationError | None:
    """One StreamField error for every finding in ``body`` (block-level and article-level)."""
    in_blocks = [finding for finding in findings if finding.path.startswith("body.")]
    whole = [finding_message(f, language) for f in findings if f.path == "body"]
    nested = block_error(body.stream_block, body, _tree(in_blocks, language)) if in_blocks else None
    if not whole and nested is None:
        return None
    block_errors = nested.block_errors if isinstance(nested, StreamBlockValidationError) else None
    return StreamBlockValidationError(block_errors=block_errors, non_block_errors=whole)


class ArticlePageForm(WagtailAdminPageForm):
    """The article editor's form: compliance errors refuse publication on their blocks.

    It also applies the slug policy (``cms.editorial.slugs``): an article that was never
    published gets an ASCII slug romanised from a Hangul one (or from its title when the slug
    is left empty); the editor can change it, and a published article keeps its slug.
    """

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or ""
        if getattr(self.instance, "first_published_at", None):
            return slug
        source = slug or (self.data.get("title") or "")
        if slug and slug.isascii():
            return slug
        return suggested_slug(source) or slug

    def clean(self):
        cleaned_data = super().clean()
        if not is_publishing(self.data) or self.errors.get("body"):
            return cleaned_data
        body = cleaned_data.get("body")
        if body is None:
            return cleaned_data
        # Blocks added in this form have no id yet; give them the ids they will be saved with,
        # so each finding's content path points at one block.
        body.get_prep_value()
        language = self._page_language()
        content = ArticleContent(
            slug=cleaned_data.get("slug") or "",
            translation_key=str(self.instance.translation_key),
            language=language,
            title=cleaned_data.get("title") or "",
            summary=cleaned_data.get("search_description") or "",
            body=body,
            page_id=self.instance.pk,
        )
        errors = errors_of(check_article(content, load_rules()))
        if not errors:
            return cleaned_data
        shown_in = editor_language()
        for path, field in FIELD_OF_PATH.items():
            for finding in errors:
                if finding.path == path and field in self.fields:
                    self.add_error(field, finding_message(finding, shown_in))
        error = body_error(body, errors, shown_in)
        if error is not None:
            self.add_error("body", error)
        return cleaned_data

    def _page_language(self) -> str:
        locale_id = getattr(self.instance, "locale_id", None)
        if locale_id:
            return self.instance.locale.language_code
        if self.parent_page is not None:
            return self.parent_page.locale.language_code
        return "ko"
