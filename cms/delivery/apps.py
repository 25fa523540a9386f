from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    """Push to channels after each published export: signed webhooks and CDN purges."""

    name = "cms.delivery"
    label = "delivery"
    verbose_name = _("Delivery to channels")

    def ready(self) -> None:
        from . import checks, receivers

        checks.register()
        receivers.connect()
