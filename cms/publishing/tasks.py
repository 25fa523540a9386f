"""Export on publish: a background task, so the editor's publish request never waits."""

from __future__ import annotations

from django.tasks import task

from .export import export_channels

EXPORT_BACKEND = "exports"
EXPORT_QUEUE = "exports"


@task(backend=EXPORT_BACKEND, queue_name=EXPORT_QUEUE)
def export_after_publish(reason: str) -> dict[str, int]:
    """Bring every channel's export up to date after a page was published or unpublished.

    An incremental run: only the documents of pages that changed are rewritten, so this is the
    one article (in every locale and channel) the editor touched. Several publishes in a row
    queue several runs; each waits for the export lock, and the later ones find nothing left
    to do. Returns per channel how many documents were written or deleted, for the task result.
    """
    report = export_channels(wait=True)
    return {
        channel.channel: len(channel.written) + len(channel.deleted) for channel in report.channels
    }
