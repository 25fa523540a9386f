"""What the exporter knows between runs: per channel its published state, per document its fate.

The published export in storage is what channels read; these rows are the exporter's memory of
it (what each document was built from, its path and hash, why it is withheld) and what the
admin shows editors. They are written in one transaction right after a run's manifest switch.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelState(models.Model):
    """A channel's last published export.

    ``sequence`` is the high-water mark of sequence numbers: it survives the export storage, so
    a wiped or restored bucket never makes numbers go backwards for clients that keep a cursor.
    ``manifest_sha256`` names the current manifest (the HTTP views resolve every path through
    it); ``files`` holds the channel's files other than article documents (indexes, journal,
    schemas) as ``{path: [sha256, size]}``; ``retired`` the objects the last run dropped, which
    the next run deletes (a reader of the previous manifest gets one run's time to finish).
    """

    channel = models.CharField(_("channel"), max_length=40, unique=True)
    sequence = models.PositiveBigIntegerField(_("sequence"), default=0)
    published_sequence = models.PositiveBigIntegerField(_("published sequence"), default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    last_run_at = models.DateTimeField(_("last successful run"), null=True, blank=True)
    compacted_through = models.PositiveBigIntegerField(_("compacted through"), default=0)
    manifest_sha256 = models.CharField(_("manifest sha256"), max_length=64, blank=True)
    config_digest = models.CharField(_("configuration digest"), max_length=64, blank=True)
    files = models.JSONField(_("other files"), default=dict, blank=True)
    retired = models.JSONField(_("retired objects"), default=list, blank=True)
    dropped = models.JSONField(_("paths to delete after the switch"), default=list, blank=True)

    class Meta:
        verbose_name = _("channel export state")
        verbose_name_plural = _("channel export states")

    def __str__(self) -> str:
        return f"{self.channel} @ {self.sequence}"


class ExportedDocument(models.Model):
    """One article in one locale of one channel: live (published), withheld (with a reason an
    editor can read) or failed (rendering raised; the previous version stays published)."""

    LIVE = "live"
    WITHHELD = "withheld"
    FAILED = "failed"
    STATES = [(LIVE, _("live")), (WITHHELD, _("withheld")), (FAILED, _("failed"))]

    channel = models.CharField(_("channel"), max_length=40)
    locale = models.CharField(_("locale"), max_length=20)
    translation_key = models.CharField(_("translation key"), max_length=36)
    page_id = models.IntegerField(_("page id"), null=True, blank=True)  # no FK: deleted pages
    path = models.CharField(_("path"), max_length=500)
    slug = models.CharField(_("slug"), max_length=255)
    sha256 = models.CharField(_("sha256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    sequence = models.PositiveBigIntegerField(_("sequence"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=STATES)
    reason = models.TextField(_("reason"), blank=True)
    # The index entry (JSON), so indexes are rebuilt from rows, never from storage.
    entry = models.TextField(_("index entry"), blank=True)
    # What the article's documents were built from (see plan.group_inputs) and the pages its
    # rich text links to: a run renders again only the groups whose inputs changed.
    inputs = models.CharField(_("inputs digest"), max_length=64, blank=True)
    links = models.JSONField(_("linked pages"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("exported document")
        verbose_name_plural = _("exported documents")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "translation_key", "locale"], name="publishing_document_unique"
            )
        ]
        indexes = [
            models.Index(fields=["channel", "locale", "slug"], name="publishing_doc_slug"),
            models.Index(fields=["page_id"], name="publishing_doc_page"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}/{self.path} ({self.state})"


class JournalEntry(models.Model):
    """One entry of a channel's change journal (``changes.json``): an upsert or a tombstone."""

    channel = models.CharField(_("channel"), max_length=40)
    sequence = models.PositiveBigIntegerField(_("sequence"))
    action = models.CharField(_("action"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    translation_key = models.CharField(_("translation key"), max_length=36)
    locale = models.CharField(_("locale"), max_length=20)
    slug = models.CharField(_("slug"), max_length=255)
    sha256 = models.CharField(_("sha256"), max_length=64, blank=True)
    at = models.CharField(_("at"), max_length=20)  # the journal's own timestamp text

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        indexes = [models.Index(fields=["channel", "sequence"], name="publishing_journal_seq")]

    def __str__(self) -> str:
        return f"{self.channel} #{self.sequence} {self.action} {self.path}"
