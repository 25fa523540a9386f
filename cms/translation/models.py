from django.db import models
from django.utils.translation import gettext_lazy as _


class AppliedTranslation(models.Model):
    """What the last ``apply_translations`` run did to one target-locale page.

    Written by apply, read in bulk by the exporter and the status views: it records which source
    revision the translation was built from (so "out of date" is a comparison, not a guess) and
    how complete the catalog was.
    """

    page = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="applied_translation",
        verbose_name=_("translated page"),
    )
    source_page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("source page"),
    )
    source_revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("source revision"),
    )
    catalog_path = models.CharField(_("catalog"), max_length=500)
    total = models.PositiveIntegerField(_("strings"), default=0)
    translated = models.PositiveIntegerField(_("translated"), default=0)
    fuzzy = models.PositiveIntegerField(_("fuzzy"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    complete = models.BooleanField(
        _("complete"),
        default=False,
        help_text=_("Every required string is translated; only complete pages are published."),
    )
    applied_at = models.DateTimeField(_("applied at"), auto_now=True)

    class Meta:
        verbose_name = _("applied translation")
        verbose_name_plural = _("applied translations")

    def __str__(self) -> str:
        return f"{self.page_id} ← {self.source_page_id} ({self.translated}/{self.total})"

    @property
    def is_up_to_date(self) -> bool:
        """True when the translation was built from the source page's published revision.

        Drafts of the source do not count: channels only ever see the published source.
        """
        return self.source_revision_id == self.source_page.live_revision_id
