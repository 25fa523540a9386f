from django.utils.translation import gettext_lazy as _
from wagtail.models import Page


class HomePage(Page):
    """The root of one locale's tree; articles live below it."""

    subpage_types = ["articles.ArticlePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")
