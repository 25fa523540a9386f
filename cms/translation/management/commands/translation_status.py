import json

from django.core.management.base import BaseCommand, CommandError

from cms.translation.management.report_options import add_report_options
from cms.translation.status import collect_status


class Command(BaseCommand):
    help = (
        "Show how far each published article is translated: per target language the number "
        "of strings translated, fuzzy (to be reviewed) and missing, whether the translated "
        "page is published, and whether it is up to date with the source's published revision."
    )

    def add_arguments(self, parser):
        add_report_options(parser, json_help="")

    def handle(self, *args, locale, output_format, **options):
        try:
            statuses = collect_status(language=locale)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if output_format == "json":
            data = [status.as_dict() for status in statuses]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for status in statuses:
            self.stdout.write(f"{status.slug}  ({status.title})")
            for item in status.locales:
                if item.page_id is None:
                    page = "no page yet"
                else:
                    page = "published" if item.live else "draft"
                    if item.update_pending:
                        page += ", UPDATE PENDING (a newer translation waits as a draft)"
                    if item.is_up_to_date is not None:
                        page += ", up to date" if item.is_up_to_date else ", OUT OF DATE"
                line = (
                    f"  {item.language}: {item.translated}/{item.total} translated, "
                    f"{item.fuzzy} fuzzy, {item.missing} missing; {page}"
                )
                self.stdout.write(line)
                if item.error:
                    self.stdout.write(f"    {item.error}")
