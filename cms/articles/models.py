from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.articles.blocks import ArticleBodyBlock


class ArticlePage(Page):
    """A long-form clinic article. Korean pages are the source; other locales are translations."""

    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"))

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
    search_fields = [*Page.search_fields, index.SearchField("body")]
    api_fields = [APIField("search_description"), APIField("body")]

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    @property
    def summary(self) -> str:
        """The article's summary: Wagtail's search description, under the name editors use."""
        return self.search_description
