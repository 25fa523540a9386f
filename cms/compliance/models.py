from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplianceVerdict(models.Model):
    """The export gate's remembered answer for one page's content under one version of the rules.

    Checking an article takes milliseconds; exporting thousands of them on every run would spend
    most of its time re-checking text that has not changed. The digest covers everything the
    answer depends on (language, title, summary, body and the rules file), so a stale verdict is
    never used: any change to one of them makes the gate check the page again.
    """

    page = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="compliance_verdict",
        verbose_name=_("page"),
    )
    content_digest = models.CharField(_("content digest"), max_length=64)
    errors = models.JSONField(
        _("errors"),
        default=list,
        help_text=_("The rule, content path and matched words of every error found."),
    )
    checked_at = models.DateTimeField(_("checked at"), auto_now=True)

    class Meta:
        verbose_name = _("compliance verdict")
        verbose_name_plural = _("compliance verdicts")

    def __str__(self) -> str:
        return f"{self.page_id}: {len(self.errors)} error(s)"
