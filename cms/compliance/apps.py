from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "cms.compliance"
    label = "compliance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals

        signals.connect()
