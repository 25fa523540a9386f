from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelState(models.Model):
    """The highest sequence number a channel's export has published.

    The export tree carries its own sequence (manifest and journal); this row is the high-water
    mark that survives the export folder, so a wiped or restored folder never makes sequence
    numbers go backwards for channels that keep a cursor.
    """

    channel = models.CharField(_("channel"), max_length=40, unique=True)
    sequence = models.PositiveBigIntegerField(_("sequence"), default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("channel export state")
        verbose_name_plural = _("channel export states")

    def __str__(self) -> str:
        return f"{self.channel} @ {self.sequence}"


class PageChange(models.Model):
    """A page whose export facts may have changed, noted when it happened (``changes.py``).

    An incremental export reads the pages noted since its last run instead of every page. A
    ``structural`` change (a move, a view restriction, a page with children renamed or
    deleted) may reach pages that were not saved themselves: the export then reads every page.
    """

    page_id = models.IntegerField(_("page id"))  # no foreign key: deleted pages keep their notes
    structural = models.BooleanField(_("structural"), default=False)
    recorded_at = models.DateTimeField(_("recorded at"), db_index=True)

    class Meta:
        verbose_name = _("page change")
        verbose_name_plural = _("page changes")

    def __str__(self) -> str:
        return f"page {self.page_id} @ {self.recorded_at:%Y-%m-%d %H:%M:%S}"
