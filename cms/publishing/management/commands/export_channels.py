from django.core.management.base import BaseCommand, CommandError

from cms.progress import terminal_progress
from cms.publishing.errors import ExportError
from cms.publishing.export import ExportReport, export_channels


class Command(BaseCommand):
    help = (
        "Publish the live, public articles as JSON for each channel configured in "
        "settings.EXPORT_CHANNELS_FILE: exports/<channel>/<locale>/articles/<slug>.json, a "
        "per-locale index.json, manifest.json (sha256 and size of every file), changes.json "
        "(upserts and tombstones with sequence numbers) and JSON Schemas in schema/. Only "
        "articles whose inputs changed since the last export are rendered, only documents "
        "whose bytes changed are rewritten, and the new export replaces the old one in a "
        "single atomic switch (the manifest). Exports go to settings.EXPORT_STORAGE: the "
        "exports/ folder by default, or S3-compatible object storage. See "
        "docs/export-contract.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--channel",
            action="append",
            metavar="C",
            help="Export only this channel (repeat for several). Default: every channel.",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="Render every article instead of only those whose inputs changed, and store "
            "every file again (files edited or removed in storage by hand are repaired; the "
            "journal records only real changes). Publishes a new sequence.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be written, deleted and skipped; write nothing.",
        )
        parser.add_argument(
            "--wait",
            action="store_true",
            help="If another export is running (on any host: the lock is in the database), "
            "wait for it instead of exiting with an error.",
        )
        parser.add_argument("--quiet", action="store_true", help="Print nothing on success.")

    def handle(self, *args, channel, full, dry_run, wait, quiet, verbosity, **options):
        try:
            with terminal_progress(self.stderr, "exporting articles", quiet=quiet) as progress:
                report = export_channels(
                    channel, full=full, dry_run=dry_run, wait=wait, progress=progress
                )
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        if not quiet:
            self._summarise(report, list_files=dry_run or verbosity > 1)

    def _summarise(self, report: ExportReport, *, list_files: bool) -> None:
        would = "would be " if report.dry_run else ""
        for channel in report.channels:
            if channel.published:
                state = f"published sequence {channel.sequence}"
            elif report.dry_run and (channel.written or channel.deleted or channel.other_files):
                state = f"would publish sequence {channel.sequence}"
            else:
                state = f"unchanged at sequence {channel.sequence}"
            counts = (
                f"{len(channel.written)} written, {channel.unchanged} unchanged, "
                f"{len(channel.deleted)} deleted, {len(channel.skipped)} skipped"
            )
            self.stdout.write(self.style.SUCCESS(f"{channel.channel}: {state} ({counts})"))
            for note in channel.notes:
                self.stdout.write(self.style.WARNING(f"  {note}"))
            if list_files:
                for path in channel.written:
                    self.stdout.write(f"  {would}written: {channel.channel}/{path}")
                for path in channel.deleted:
                    self.stdout.write(f"  {would}deleted: {channel.channel}/{path}")
                for path in channel.other_files:
                    self.stdout.write(f"  {would}updated: {channel.channel}/{path}")
            for skip in channel.skipped:
                self.stdout.write(f"  {skip}")
            for failure in channel.failed:
                self.stdout.write(self.style.ERROR(f"  {failure}"))
