from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList, TabbedInterface
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.articles.blocks import ArticleBodyBlock
from cms.compliance.forms import ArticlePageForm
from cms.editorial.panels import PublicationStatusPanel, ad_review_panel


class ArticlePage(Page):
    """A long-form clinic article. Korean pages are the source; other locales are translations."""

    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"))
    # Medical Service Act Article 57: advertising on large internet media needs prior review.
    ad_review_number = models.CharField(
        _("advertising review number"),
        max_length=60,
        blank=True,
        default="",
        # Also a database default: rows inserted without the ORM's defaults (the benchmark's
        # bulk corpus) get an empty number, not a NULL.
        db_default="",
        help_text=_(
            "The approval number from the medical advertising review committee, exactly as "
            "issued. Channels that require prior review receive the article only with it."
        ),
    )
    ad_review_date = models.DateField(
        _("advertising review date"),
        null=True,
        blank=True,
        help_text=_("The date the review committee approved this advertisement."),
    )

    base_form_class = ArticlePageForm
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []

    content_panels = [*Page.content_panels, FieldPanel("body")]
    promote_panels = [
        FieldPanel("slug"),
        FieldPanel(
            "search_description",
            heading=_("Summary"),
            help_text=_("One or two sentences shown in listings, search results and channels."),
        ),
    ]
    status_panels = [PublicationStatusPanel(), ad_review_panel()]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(status_panels, heading=_("Status and review")),
            ObjectList(promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings"), classname="settings"),
        ],
        base_form_class=ArticlePageForm,
    )
    search_fields = [*Page.search_fields, index.SearchField("body")]
    api_fields = [APIField("search_description"), APIField("body")]

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    @property
    def summary(self) -> str:
        """The article's summary: Wagtail's search description, under the name editors use."""
        return self.search_description
