from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.translation.views import TranslationStatusView, source_page_editor


@hooks.register("register_admin_urls")
def register_translation_urls():
    return [
        path(
            "translation-status/",
            TranslationStatusView.as_view(),
            name="translation_status",
        ),
        path(
            "translation-status/source/<uuid:translation_key>/",
            source_page_editor,
            name="translation_source",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_translation_menu_item():
    return MenuItem(
        _("Translation status"),
        reverse("translation_status"),
        name="translation-status",
        icon_name="globe",
        order=900,
    )
