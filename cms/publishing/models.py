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
