"""The article editor's "Status and review" tab: channels, translations, prior review."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel, Panel

# The article model imports this module for its panels: what reads articles is imported
# when a panel renders, not here.
AD_REVIEW = "ad_review"

STATE_LABELS = {
    "live": gettext_lazy("Live in the channel"),
    "pending": gettext_lazy("Pending: waiting for the export"),
    "withheld": gettext_lazy("Withheld"),
    "failed": gettext_lazy("Export failed"),
    "not_published": gettext_lazy("Not published"),
}


@dataclass(frozen=True)
class TranslationRow:
    """One target language of the article, as the panel shows it."""

    language: str
    state: str
    label: str
    translated: int
    fuzzy: int
    missing: int
    total: int
    up_to_date: bool | None
    page_id: int | None


def translation_rows(page) -> list[TranslationRow]:
    """The article's translation state per target language, from the catalogs."""
    from cms.translation.status import collect_status

    key = str(page.translation_key)
    rows = []
    for article in collect_status():
        if article.translation_key != key:
            continue
        for locale in article.locales:
            if locale.missing == 0 and locale.fuzzy == 0 and locale.total:
                state, label = "translated", _("Translated")
            elif locale.translated or locale.fuzzy:
                state, label = "fuzzy", _("Partly translated (fuzzy or missing strings)")
            else:
                state, label = "missing", _("Not translated")
            rows.append(
                TranslationRow(
                    language=locale.language,
                    state=state,
                    label=label,
                    translated=locale.translated,
                    fuzzy=locale.fuzzy,
                    missing=locale.missing,
                    total=locale.total,
                    up_to_date=locale.is_up_to_date,
                    page_id=locale.page_id,
                )
            )
    return rows


class PublicationStatusPanel(Panel):
    """Per channel and locale: live, pending, withheld (and why) or failed; translations."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", gettext_lazy("Where this article is"))
        super().__init__(**kwargs)

    @property
    def clean_name(self):
        return super().clean_name or "publication_status"

    class BoundPanel(Panel.BoundPanel):
        template_name = "editorial/panels/publication_status.html"

        def get_context_data(self, parent_context=None):
            from cms.editorial.channel_states import channel_states
            from cms.editorial.worker import worker_health
            from cms.translation.catalog import source_language

            context = super().get_context_data(parent_context)
            page = self.instance
            saved = bool(page and page.pk)
            states = channel_states(page) if saved else []
            context.update(
                saved=saved,
                page_id=page.pk if saved else None,
                states=[{"state": s, "label": STATE_LABELS.get(s.state, s.state)} for s in states],
                translations=self.translations(page) if saved else [],
                worker=worker_health(),
                is_source=saved and page.locale.language_code == source_language(),
            )
            return context

        def translations(self, page) -> list[TranslationRow]:
            """All target languages on the source; only its own language on a translation."""
            from cms.translation.catalog import source_language

            rows = translation_rows(page)
            language = page.locale.language_code
            if language == source_language():
                return rows
            return [row for row in rows if row.language == language]


def ad_review_panel() -> MultiFieldPanel:
    """The prior-review number and date, with which channels require them."""
    return MultiFieldPanel(
        [
            HelpPanel(content=AdReviewNotice()),
            FieldPanel("ad_review_number"),
            FieldPanel("ad_review_date"),
        ],
        heading=gettext_lazy("Medical advertising prior review"),
    )


class AdReviewNotice:
    """The help text naming the channels that need prior review (read when rendered)."""

    def __str__(self) -> str:
        from cms.publishing.channels import load_channels

        requiring = [c.name for c in load_channels().values() if AD_REVIEW in c.required]
        intro = _(
            "Medical advertising on large internet media must pass prior review by a "
            "review committee before it is published (Medical Service Act Article 57)."
        )
        if not requiring:
            return f"{intro} " + _("No channel requires the review number at the moment.")
        return f"{intro} " + _(
            "Without a review number and date, these channels do not receive the article: "
            "%(channels)s."
        ) % {"channels": ", ".join(requiring)}
