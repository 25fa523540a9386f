from django.conf import settings
from django.core.management.base import BaseCommand

from cms.articles.ui_catalogs import compile_ui_catalogs


class Command(BaseCommand):
    help = (
        "Compile the admin's UI translations (locale/<lang>/LC_MESSAGES/django.po) into .mo "
        "files with polib, so Korean editors see Korean labels. Needs no GNU gettext."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print nothing on success.")

    def handle(self, *args, quiet: bool, **options):
        written = compile_ui_catalogs(settings.TRANSLATION_CATALOG_DIR)
        if not quiet:
            for path in written:
                self.stdout.write(f"compiled {path}")
            self.stdout.write(self.style.SUCCESS(f"{len(written)} UI catalog(s) compiled."))
