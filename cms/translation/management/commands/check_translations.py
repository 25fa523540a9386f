import json

from django.core.management.base import BaseCommand, CommandError

from cms.translation.catalog import display_path
from cms.translation.checks import check_catalogs
from cms.translation.management.report_options import add_report_options
from cms.translation.segments import Severity


class Command(BaseCommand):
    help = (
        "Check the translated .po catalogs: tags and link ids as in the source, the same "
        "numbers and URLs, no whitespace drift or doubled spaces, no unsafe markup, and files "
        "that read cleanly. Prints file:line for each finding; exits with status 1 if there is "
        "any error (warnings alone pass)."
    )

    def add_arguments(self, parser):
        add_report_options(
            parser,
            json_help=": a list of findings with file, line, msgctxt, code, severity and message",
        )
        parser.add_argument("--quiet", action="store_true", help="Text format: print errors only.")

    def handle(self, *args, locale, output_format, quiet, **options):
        try:
            findings = check_catalogs(language=locale)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        errors = [finding for finding in findings if finding.severity is Severity.ERROR]
        if output_format == "json":
            data = [
                {**finding.as_dict(), "file": display_path(finding.file)} for finding in findings
            ]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            for finding in findings:
                if finding.severity is Severity.ERROR or not quiet:
                    where = f" [{finding.msgctxt}]" if finding.msgctxt else ""
                    self.stdout.write(
                        f"{display_path(finding.file)}:{finding.line}: {finding.severity}: "
                        f"{finding.code}: {finding.message}{where}"
                    )
        if errors:
            raise CommandError(f"{len(errors)} error(s) in the catalogs.")
        if output_format == "text" and not quiet:
            self.stdout.write(self.style.SUCCESS(f"No errors ({len(findings)} warning(s))."))
