from django.core.management.base import BaseCommand, CommandError

from cms.articles.seeding import SeedError
from cms.translation.catalog import display_path
from cms.translation.shipped import generate_seed_catalogs


class Command(BaseCommand):
    help = (
        "Regenerate the shipped catalogs of the demo seed articles from "
        "cms/articles/seeds/*.json: the Korean side becomes the template, the English side "
        "the confirmed English translation. Needs no database. Running it again without seed "
        "changes rewrites nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet", action="store_true", help="Print only errors (nothing on success)."
        )

    def handle(self, *args, quiet, **options):
        try:
            report = generate_seed_catalogs()
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            raise CommandError("existing catalogs could not be read; nothing was overwritten")
        if not quiet:
            for outcome in report.changed():
                self.stdout.write(f"{outcome.action}: {display_path(outcome.path)}")
            self.stdout.write(self.style.SUCCESS(f"{len(report.changed())} file(s) written."))
