import sys

from django.core.management.base import BaseCommand, CommandError

from cms.compliance.report import SelectionError, run_check
from cms.compliance.rules import RulesError

EXIT_ERRORS = 1
EXIT_USAGE = 2
EXIT_LIVE_FAILING = 3


class Command(BaseCommand):
    help = (
        "Check articles against the medical advertising rules (Medical Service Act Article "
        "56(2), listed in cms/compliance/rules.toml). Korean pages are checked with the Korean "
        "rules, English pages with the English ones. Each article is checked as it will next be "
        "published (its latest draft); --live checks what is published now. Prints every "
        "finding with the article, locale, content path and the words that matched. A separate "
        "section lists live articles whose published text breaks the current rules (after a "
        "rules change): channels keep showing them until an editor fixes or unpublishes them. "
        "Exit status: 0 no errors; 1 errors in what would next be published (errors block "
        "publishing, warnings do not); 2 unknown locale or article, or a broken rules file; "
        "3 a live article fails the current rules."
    )

    def add_arguments(self, parser):
        parser.add_argument("--locale", metavar="L", help="Only pages in this locale (ko, en).")
        parser.add_argument(
            "--article",
            metavar="SLUG",
            help="Only this article (found by slug) and its translations.",
        )
        parser.add_argument(
            "--live", action="store_true", help="Check the published content, not the drafts."
        )
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="text (default) for people, json for machines.",
        )
        parser.add_argument(
            "--quiet",
            action="store_true",
            help="Print only the errors (or, with --format json, only the JSON).",
        )

    def handle(self, *args, locale, article, live, format, quiet, **options):
        try:
            report = run_check(locale, article, live=live)
        except (SelectionError, RulesError) as exc:
            raise CommandError(str(exc), returncode=EXIT_USAGE) from exc
        if format == "json":
            self.stdout.write(report.as_json())
        else:
            self.write_text(report, quiet=quiet)
            self.write_live_failures(report)
        if report.live_failures:
            raise CommandError(
                f"{len(report.live_failures)} live page(s) fail the current rules; channels "
                "keep showing them until they are fixed or unpublished.",
                returncode=EXIT_LIVE_FAILING,
            )
        if report.errors:
            articles = {(f.slug, f.locale) for f in report.errors}
            raise CommandError(
                f"{len(report.errors)} compliance error(s) in {len(articles)} page(s); "
                "they cannot be published until fixed.",
                returncode=EXIT_ERRORS,
            )

    def write_text(self, report, *, quiet):
        show_progress = not quiet and sys.stderr.isatty()
        for content in report.checked:
            errors, warnings = report.counts_for(content)
            if show_progress:
                self.stderr.write(
                    f"checked {content.slug} [{content.language}]: "
                    f"{errors} error(s), {warnings} warning(s)"
                )
        for finding in report.findings:
            if quiet and not finding.is_error:
                continue
            language = finding.locale
            style = self.style.ERROR if finding.is_error else self.style.WARNING
            where = f"{finding.slug} [{finding.locale}] {finding.path}"
            self.stdout.write(
                f"{where}: {style(finding.rule.severity)} {finding.rule.id} "
                f"({finding.legal_basis(language)})"
            )
            if finding.excerpt:
                self.stdout.write(f"    {finding.excerpt}")
            self.stdout.write(f"    {finding.rule.message(language)}")
            self.stdout.write(f"    → {finding.rule.suggestion(language)}")
        if not quiet:
            summary = (
                f"{len(report.checked)} page(s) checked: {len(report.errors)} error(s), "
                f"{len(report.warnings)} warning(s)."
            )
            self.stdout.write(self.style.SUCCESS(summary) if not report.errors else summary)

    def write_live_failures(self, report):
        """The distinct section: live articles that the current rules would refuse."""
        if not report.live_failures:
            return
        self.stdout.write("")
        self.stdout.write(self.style.ERROR("Live but failing current rules:"))
        for failure in report.live_failures:
            content = failure.content
            self.stdout.write(f"  {content.slug} [{content.language}] (page {content.page_id})")
            for error in failure.errors:
                match = f' "{error.match}"' if error.match else ""
                self.stdout.write(f"    {error.rule.id} at {error.path}{match}")
