"""``manage.py run_worker``: the one background process an operator starts."""

from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand

from cms.lifecycle.schedule import run_schedule
from cms.lifecycle.tasks import BACKEND, QUEUE, queue_next_run


class Command(BaseCommand):
    help = (
        "Run the background worker: exports after every publish, and once a minute scheduled "
        "publishing and expiry (pages whose go-live time has come are published through the "
        "compliance gate; pages whose expiry time has passed are unpublished). Runs until "
        "stopped (Ctrl-C). --batch runs what is due and exits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Run every task that is due now, then exit (for cron or a one-off catch-up).",
        )
        parser.add_argument(
            "--quiet", action="store_true", help="Print only errors, not each task it runs."
        )

    def handle(self, *args, batch: bool, quiet: bool, **options):
        if batch:
            run_schedule()
        else:
            # Due at once: a worker that was down catches up on the schedule when it starts.
            queue_next_run(delay=timedelta(0))
        arguments = ["--backend", BACKEND, "--queue-name", QUEUE, "--no-reload"]
        if batch:
            arguments += ["--batch", "--no-startup-delay"]
        call_command(
            "db_worker",
            *arguments,
            verbosity=0 if quiet else options["verbosity"],
            stdout=self.stdout,
            stderr=self.stderr,
        )
