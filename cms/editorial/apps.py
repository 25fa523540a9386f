from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    """What the editor sees of an article's life after publishing: channels, translations."""

    name = "cms.editorial"
    label = "editorial"
    verbose_name = _("Editorial status")
    default_auto_field = "django.db.models.BigAutoField"
