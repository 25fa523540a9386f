"""StreamField blocks of an article body.

The block names (``intro``, ``section``, ``thread_types``, ``side_effects``, ``comparison``,
``disclaimer``) and their child names are a public contract: they appear as ``type`` in the
exported JSON and in the ``msgctxt`` of the translation catalogs. Rename nothing here without a
data migration and a schema version bump.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

# Paragraphs, lists and links: enough for clinic prose, and every feature here has a plain-text
# rendering for channels that take no HTML.
RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]

MATERIAL_CHOICES = [
    ("PDO", _("PDO (polydioxanone)")),
    ("PLLA", _("PLLA (poly-L-lactic acid)")),
    ("PCL", _("PCL (polycaprolactone)")),
    ("PLGA", _("PLGA (poly(lactic-co-glycolic acid))")),
    ("other", _("Other material")),
]

BARB_CHOICES = [
    ("barbed", _("Barbed (cog)")),
    ("non_barbed", _("Non-barbed (smooth)")),
]


class IntroBlock(blocks.StructBlock):
    """The lead paragraphs shown above the article body."""

    text = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        label=_("Lead text"),
        help_text=_("Two to five sentences that tell readers what the article answers."),
    )

    class Meta:
        template = "articles/blocks/intro.html"
        icon = "openquote"
        label = _("Introduction")
        description = _("Lead text at the top of the article")
        group = _("Text")


class SectionBlock(blocks.StructBlock):
    """A titled passage of prose: paragraphs, lists and links."""

    heading = blocks.CharBlock(max_length=200, label=_("Heading"))
    body = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        label=_("Text"),
        help_text=_("Paragraphs, lists and links. Each paragraph is translated on its own."),
    )

    class Meta:
        template = "articles/blocks/section.html"
        icon = "doc-full"
        label = _("Section")
        description = _("A heading followed by paragraphs and lists")
        group = _("Text")


class ThreadTypeRowValue(blocks.StructValue):
    """A thread row that can name its choices in the reader's language."""

    def material_label(self) -> str:
        return dict(MATERIAL_CHOICES).get(self.get("material"), "")

    def barbed_label(self) -> str:
        return dict(BARB_CHOICES).get(self.get("barbed"), "")


class ThreadTypeRowBlock(blocks.StructBlock):
    """One kind of thread: its material, barbs, absorption period and purpose."""

    name = blocks.CharBlock(max_length=120, label=_("Thread name"))
    material = blocks.ChoiceBlock(choices=MATERIAL_CHOICES, required=False, label=_("Material"))
    barbed = blocks.ChoiceBlock(choices=BARB_CHOICES, required=False, label=_("Barbs"))
    absorption_months_min = blocks.IntegerBlock(
        required=False,
        min_value=0,
        max_value=120,
        label=_("Absorbed after at least (months)"),
        help_text=_("A number; channels render it in each language. Leave empty if unknown."),
    )
    absorption_months_max = blocks.IntegerBlock(
        required=False,
        min_value=0,
        max_value=120,
        label=_("Absorbed after at most (months)"),
    )
    purpose = blocks.CharBlock(max_length=300, label=_("Main purpose"))
    notes = blocks.TextBlock(required=False, label=_("Notes"))

    class Meta:
        icon = "list-ul"
        label = _("Thread type")
        value_class = ThreadTypeRowValue

    def clean(self, value):
        value = super().clean(value)
        low, high = value.get("absorption_months_min"), value.get("absorption_months_max")
        if low is not None and high is not None and low > high:
            raise StructBlockValidationError(
                block_errors={
                    "absorption_months_max": ValidationError(
                        _("The longest absorption period cannot be shorter than the shortest.")
                    )
                }
            )
        return value


class ThreadTypesBlock(blocks.StructBlock):
    """A table comparing thread types (for example PDO against PLLA, barbed against smooth)."""

    caption = blocks.CharBlock(max_length=200, label=_("Table caption"))
    rows = blocks.ListBlock(ThreadTypeRowBlock(), min_num=1, label=_("Thread types"))

    class Meta:
        template = "articles/blocks/thread_types.html"
        icon = "table"
        label = _("Thread types table")
        description = _("Materials, barbs and absorption periods of the threads used")
        group = _("Medical information")


class SideEffectItemBlock(blocks.StructBlock):
    """One possible side effect, why it happens and how it is prevented or treated."""

    name = blocks.CharBlock(max_length=200, label=_("Side effect"))
    cause = blocks.TextBlock(label=_("Cause"))
    prevention = blocks.TextBlock(label=_("Prevention or treatment"))

    class Meta:
        icon = "warning"
        label = _("Side effect")


class SideEffectsBlock(blocks.StructBlock):
    """The risks of a procedure; medical advertising law requires one in procedure articles."""

    heading = blocks.CharBlock(max_length=200, label=_("Heading"))
    intro = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, required=False, label=_("Introduction")
    )
    items = blocks.ListBlock(SideEffectItemBlock(), min_num=1, label=_("Side effects"))

    class Meta:
        template = "articles/blocks/side_effects.html"
        icon = "warning"
        label = _("Side effects")
        description = _("Possible side effects with their causes and prevention")
        group = _("Medical information")


class ComparisonRowBlock(blocks.StructBlock):
    """One criterion with what each of the two options offers."""

    criterion = blocks.CharBlock(max_length=120, label=_("Criterion"))
    option_a = blocks.CharBlock(max_length=300, label=_("Option A"))
    option_b = blocks.CharBlock(max_length=300, label=_("Option B"))

    class Meta:
        icon = "list-ul"
        label = _("Comparison row")


class ComparisonBlock(blocks.StructBlock):
    """Two procedures side by side, criterion by criterion, with a conclusion."""

    heading = blocks.CharBlock(max_length=200, label=_("Heading"))
    option_a = blocks.CharBlock(max_length=120, label=_("Option A name"))
    option_b = blocks.CharBlock(max_length=120, label=_("Option B name"))
    rows = blocks.ListBlock(ComparisonRowBlock(), min_num=1, label=_("Rows"))
    conclusion = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, required=False, label=_("Conclusion")
    )

    class Meta:
        template = "articles/blocks/comparison.html"
        icon = "resubmit"
        label = _("Comparison")
        description = _("Compare two procedures criterion by criterion")
        group = _("Medical information")


class DisclaimerBlock(blocks.StructBlock):
    """The legal notice that must close every article."""

    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Notice"))
    legal_basis = blocks.CharBlock(
        max_length=200,
        label=_("Legal basis"),
        help_text=_("The law this notice complies with, e.g. Medical Service Act Article 56."),
    )

    class Meta:
        template = "articles/blocks/disclaimer.html"
        icon = "info-circle"
        label = _("Legal disclaimer")
        description = _("Required: the last block of every article")
        group = _("Legal")


class ArticleBodyBlock(blocks.StreamBlock):
    """The body of an article: exactly one disclaimer, and it comes last."""

    intro = IntroBlock()
    section = SectionBlock()
    thread_types = ThreadTypesBlock()
    side_effects = SideEffectsBlock()
    comparison = ComparisonBlock()
    disclaimer = DisclaimerBlock()

    class Meta:
        # No min_num: Wagtail would show it as an error on a new, empty article before the
        # editor types anything. clean() below requires the disclaimer when the page is saved.
        block_counts = {"disclaimer": {"max_num": 1}}

    def clean(self, value):
        # Checked before the per-block validation so the editor first learns what is missing,
        # in words that name the disclaimer rather than a generic "minimum number of items".
        types = [child.block_type for child in value]
        disclaimers = types.count("disclaimer")
        if disclaimers == 0:
            message = _("Every article needs a legal disclaimer as its last block.")
            code = "disclaimer_missing"
        elif disclaimers > 1:
            message = _("An article has exactly one legal disclaimer; remove the extra ones.")
            code = "disclaimer_duplicated"
        elif types[-1] != "disclaimer":
            message = _("The legal disclaimer must be the last block of the article.")
            code = "disclaimer_not_last"
        else:
            return super().clean(value)
        raise blocks.StreamBlockValidationError(
            non_block_errors=[ValidationError(message, code=code)]
        )
