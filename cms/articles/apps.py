from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "cms.articles"
    label = "articles"
    default_auto_field = "django.db.models.BigAutoField"
