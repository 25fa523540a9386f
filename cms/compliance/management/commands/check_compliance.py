import sys

from django.core.management.base import BaseCommand, CommandError

from cms.compliance.report import SelectionError, run_check
from cms.compliance.rules import RulesError


class Command(BaseCommand):
    help = (
        "Check articles against the medical advertising rules (Medical Service Act Article "
        "56(2), listed in cms/compliance/rules.toml). Korean pages are checked with the Korean "
        "rules, English pages with the English ones. Each article is checked as it will next be "
        "published (its latest draft); --live checks what is published now. Prints every "
        "finding with the article, locale, content path and the words that matched, and exits "
        "with status 1 if any finding is an error (errors block publishing and export; "
        "warnings do not)."
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
            raise CommandError(str(exc)) from exc
        if format == "json":
            self.stdout.write(report.as_json())
        else:
            self.write_text(report, quiet=quiet)
        if report.errors:
            articles = {(f.slug, f.locale) for f in report.errors}
            raise CommandError(
                f"{len(report.errors)} compliance error(s) in {len(articles)} page(s); "
                "they cannot be published or exported until fixed."
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
