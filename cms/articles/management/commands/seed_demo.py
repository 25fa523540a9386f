from django.core.management.base import BaseCommand, CommandError

from cms.articles.seeding import SeedError, seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo site: the ko and en locales, a home page per locale and the two seed "
        "articles as published Korean source pages. Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="Rewrite seed articles that editors have changed back to the seed text.",
        )
        parser.add_argument("--quiet", action="store_true", help="Print nothing on success.")

    def handle(self, *args, refresh: bool, quiet: bool, **options):
        try:
            report = seed_demo(refresh=refresh)
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        if quiet:
            return
        for outcome in ("created", "updated", "unchanged"):
            slugs = getattr(report, outcome)
            if slugs:
                self.stdout.write(f"{outcome}: {', '.join(slugs)}")
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
