from django.core.management.base import BaseCommand, CommandError

from cms.progress import terminal_progress
from cms.translation.catalog import display_path
from cms.translation.sync import extract_catalogs


class Command(BaseCommand):
    help = (
        "Write the translators' files for the published Korean articles: a template "
        "locale/templates/articles/<slug>.pot and, per target language, "
        "locale/<lang>/LC_MESSAGES/articles/<slug>.po. Existing translations are kept; a "
        "changed Korean text keeps its old translation marked fuzzy; removed texts become "
        "obsolete (#~). Running it again without content changes rewrites nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--locale", help="Only this target language (e.g. en).")
        parser.add_argument("--article", metavar="SLUG", help="Only the article with this slug.")
        parser.add_argument(
            "--quiet", action="store_true", help="Print only errors (nothing on success)."
        )

    def handle(self, *args, locale, article, quiet, **options):
        try:
            with terminal_progress(self.stderr, "extracting articles", quiet=quiet) as progress:
                report = extract_catalogs(language=locale, slug=article, progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not quiet:
            for outcome in report.changed():
                moved = f" (was {display_path(outcome.previous)})" if outcome.previous else ""
                self.stdout.write(f"{outcome.action}: {display_path(outcome.path)}{moved}")
        for error in report.errors:
            self.stderr.write(f"{display_path(error.path)}:{error.line}: {error.message}")
        if report.errors:
            raise CommandError(
                f"{len(report.errors)} catalog(s) could not be read and were left untouched; "
                "fix them and run again."
            )
        if not quiet:
            unchanged = len(report.files) - len(report.changed())
            self.stdout.write(
                self.style.SUCCESS(
                    f"{len(report.changed())} file(s) written, {unchanged} already up to date."
                )
            )
