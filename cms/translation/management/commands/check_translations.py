import json

from django.core.management.base import BaseCommand, CommandError

from cms.translation.apply import EXIT_INCOMPLETE, EXIT_REFUSED
from cms.translation.catalog import display_path
from cms.translation.checks import check_catalogs
from cms.translation.extract import source_keys_by_slug
from cms.translation.management.report_options import add_report_options
from cms.translation.segments import Severity


class Command(BaseCommand):
    help = (
        "Check the translated .po catalogs: tags and link ids as in the source, the same "
        "numbers and URLs, no whitespace drift or doubled spaces, no unsafe markup or control "
        "characters, the glossary's terms, translate-toolkit's checks that fit Korean "
        "sources, the same Korean text translated alike across articles, and required texts "
        "(the disclaimer above all) translated. Prints file:line for each finding. Exit "
        f"status: 0 no errors; {EXIT_REFUSED} errors (those entries or files are refused); "
        f"{EXIT_INCOMPLETE} no errors, but required texts are empty or fuzzy, so some "
        "articles cannot be published in a language."
    )

    def add_arguments(self, parser):
        add_report_options(
            parser,
            json_help=": a list of findings with file, line, msgctxt, code, severity "
            "(error, incomplete or warning) and message",
        )
        parser.add_argument(
            "--quiet", action="store_true", help="Text format: print errors and incomplete only."
        )

    def handle(self, *args, locale, output_format, quiet, **options):
        try:
            findings = check_catalogs(language=locale, keys_by_slug=source_keys_by_slug())
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        errors = [finding for finding in findings if finding.severity is Severity.ERROR]
        incomplete = [f for f in findings if f.severity is Severity.INCOMPLETE]
        if output_format == "json":
            data = [
                {**finding.as_dict(), "file": display_path(finding.file)} for finding in findings
            ]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            for finding in findings:
                if finding.severity is not Severity.WARNING or not quiet:
                    where = f" [{finding.msgctxt}]" if finding.msgctxt else ""
                    self.stdout.write(
                        f"{display_path(finding.file)}:{finding.line}: {finding.severity}: "
                        f"{finding.code}: {finding.message}{where}"
                    )
        if errors:
            raise CommandError(f"{len(errors)} error(s) in the catalogs.", returncode=EXIT_REFUSED)
        if incomplete:
            raise CommandError(
                f"no errors, but {len(incomplete)} catalog finding(s) of required texts empty or "
                "fuzzy: those articles are not published in that language.",
                returncode=EXIT_INCOMPLETE,
            )
        if output_format == "text" and not quiet:
            warnings = len(findings) - len(errors) - len(incomplete)
            self.stdout.write(self.style.SUCCESS(f"No errors ({warnings} warning(s))."))
