from django.apps import AppConfig


class TranslationConfig(AppConfig):
    name = "cms.translation"
    label = "translation"
    default_auto_field = "django.db.models.BigAutoField"
