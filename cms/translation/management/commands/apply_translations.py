import json

from django.core.management.base import BaseCommand, CommandError

from cms.progress import terminal_progress
from cms.translation.apply import (
    CREATED,
    EXIT_APPLIED,
    EXIT_INCOMPLETE,
    EXIT_REFUSED,
    FAILED,
    PUBLISHED,
    UNCHANGED,
    UNTRANSLATED,
    PageResult,
    apply_catalogs,
    missing_strings,
)
from cms.translation.catalog import display_path
from cms.translation.segments import Finding, Severity


class Command(BaseCommand):
    help = (
        "Build the translated pages from the .po catalogs: creates the page in the target "
        "language if needed and saves a new revision. A page is published only when every "
        "required string (title, headings, table cells, the legal disclaimer…) is translated "
        "and not fuzzy; otherwise it is saved as a draft and the missing strings are listed "
        "with file and line. A live translation is never replaced by an incomplete one: "
        "the new one waits as a draft (update pending). Exit status: "
        f"{EXIT_APPLIED} every article is published with this run's translation; "
        f"{EXIT_INCOMPLETE} applied, but some articles stay unpublished (or keep an older "
        f"live version) in a language; {EXIT_REFUSED} a catalog or page was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("--locale", help="Only this target language (e.g. en).")
        parser.add_argument(
            "--article", metavar="SLUG", help="Only the article with this (source) slug."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )
        parser.add_argument(
            "--quiet", action="store_true", help="Print only problems (nothing on success)."
        )
        parser.add_argument(
            "--format",
            dest="output_format",
            choices=["text", "json"],
            default="text",
            help="text for people (default), json for machines: per catalog its action, "
            "counts, blocking strings and findings, and the exit status.",
        )

    def handle(self, *args, locale, article, dry_run, quiet, output_format, **options):
        if output_format == "json":
            quiet = True
        try:
            with terminal_progress(self.stderr, "applying catalogs", quiet=quiet) as progress:
                report = apply_catalogs(
                    language=locale, slug=article, dry_run=dry_run, progress=progress
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if output_format == "json":
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            self._exit(report.exit_status)
            return
        for result in report.results:
            self._report(result, dry_run=dry_run, quiet=quiet)
        for error in report.errors:
            self.stderr.write(f"{display_path(error.path)}:{error.line}: {error.message}")
        for warning in report.warnings:
            if not quiet:
                self.stderr.write(f"{self._where(warning)}: warning: {warning.message}")
        if report.failed:
            raise CommandError(
                "some catalogs could not be applied (see above); nothing else was affected"
            )
        if not quiet:
            published = sum(1 for result in report.results if result.published)
            verb = "checked" if dry_run else "applied"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{len(report.results)} catalog(s) {verb}, {published} page(s) "
                    f"{'would be ' if dry_run else ''}published or already up to date."
                )
            )
        if report.exit_status == EXIT_INCOMPLETE:
            self.stderr.write(
                f"{len(report.incomplete)} article(s) not published with this translation in "
                f"some language (exit status {EXIT_INCOMPLETE})."
            )
        self._exit(report.exit_status)

    def _exit(self, status: int) -> None:
        # CommandError exits with its returncode (and raises it under call_command).
        if status == EXIT_REFUSED:
            raise CommandError("some catalogs were refused (see above)", returncode=status)
        if status == EXIT_INCOMPLETE:
            raise CommandError(
                "some articles stay unpublished, or keep an older live version, in a language "
                "(see above)",
                returncode=status,
            )

    def _report(self, result: PageResult, *, dry_run: bool, quiet: bool) -> None:
        translation = result.translation
        counts = f"{translation.translated}/{translation.total} translated"
        if translation.fuzzy:
            counts += f", {translation.fuzzy} fuzzy"
        name = f"{result.language}/{result.slug}"
        would = "would be " if dry_run else ""
        if result.action == FAILED:
            self.stderr.write(f"{name}: failed, nothing changed: {result.error}")
        elif not result.published and result.action != UNTRANSLATED:
            blocking = missing_strings(result)
            state = "left as it was" if result.action == UNCHANGED else f"{would}saved as draft"
            if result.was_live:
                state = f"live page kept as it was, new translation {state} (update pending)"
            self.stderr.write(
                f"{name}: NOT published, {state} ({counts}); "
                f"{len(blocking)} string(s) fuzzy, missing or refused:"
            )
            for finding in blocking:
                self.stderr.write(f"  {self._where(finding)}: {finding.msgctxt}: {finding.message}")
        elif not quiet:
            message = {
                UNTRANSLATED: "nothing translated yet, no page created",
                CREATED: f"{would}published",
                PUBLISHED: f"{would}published",
                UNCHANGED: "already up to date",
            }[result.action]
            self.stdout.write(f"{name}: {message} ({counts})")
        for finding in translation.findings:
            if finding.severity is Severity.ERROR or not quiet:
                self.stderr.write(
                    f"  {self._where(finding)}: {finding.severity}: {finding.message} "
                    f"[{finding.msgctxt}]"
                )

    @staticmethod
    def _where(finding: Finding) -> str:
        return f"{display_path(finding.file)}:{finding.line}"
