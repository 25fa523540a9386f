"""After each published run of a channel: queue its webhook deliveries and its CDN purge.

The exporter announces a published run with the signal ``cms.publishing.signals.
export_published`` (keyword arguments: ``channel`` (a name or a channel object), ``sequence``,
``upserted`` and ``tombstones`` (paths relative to the channel folder, or journal entries with
a ``path``)). Until the exporter defines it, ``EXPORT_PUBLISHED`` is a signal of this module's
own, so the receiving side works and is tested either way.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from cms.publishing import signals as publishing_signals

from .cdn import cdn_configured, short_lived_urls
from .config import ChannelTargets, WebhookConfigError, load_targets
from .events import published_event
from .models import WebhookDelivery

logger = logging.getLogger(__name__)

EXPORT_PUBLISHED: Signal = getattr(publishing_signals, "export_published", None) or Signal()


def connect() -> None:
    EXPORT_PUBLISHED.connect(on_export_published, dispatch_uid="delivery-export-published")


def on_export_published(
    sender: Any,
    *,
    channel: Any,
    sequence: int,
    upserted: Iterable[Any] = (),
    tombstones: Iterable[Any] = (),
    **kwargs: Any,
) -> None:
    """Queue what a published run of ``channel`` owes the outside world.

    Never raises into the exporter: its run is published whatever happens here. A broken
    webhook configuration is logged (``manage.py check`` reports it too, naming the field).
    """
    name = getattr(channel, "name", channel)
    try:
        target = load_targets().get(name)
    except WebhookConfigError as exc:
        logger.error("webhooks not sent for %s #%s: %s", name, sequence, exc)
        return
    if target is None:
        return
    upserted_paths, deleted_paths = _paths(upserted), _paths(tombstones)
    queue_deliveries(target, sequence, upserted_paths, deleted_paths)
    if cdn_configured():
        from .tasks import purge_cdn

        urls = short_lived_urls(target, sorted({*upserted_paths, *deleted_paths}))
        transaction.on_commit(lambda: purge_cdn.enqueue(urls))


def queue_deliveries(
    target: ChannelTargets, sequence: int, upserted: list[str], deleted: list[str]
) -> list[WebhookDelivery]:
    """One delivery per endpoint of ``target`` for ``sequence``; a repeated sequence is ignored."""
    from .tasks import deliver_webhook

    forget_old_deliveries()
    created = []
    for endpoint in target.endpoints:
        event_id = uuid.uuid4()
        delivery = WebhookDelivery(
            event_id=event_id,
            channel=target.name,
            endpoint_url=endpoint.url,
            secret_env=endpoint.secret_env,
            sequence=sequence,
            payload=published_event(str(event_id), target, sequence, upserted, deleted),
        )
        try:
            with transaction.atomic():
                delivery.save()
        except IntegrityError:
            continue  # this run was announced to this endpoint already
        created.append(delivery)
        transaction.on_commit(lambda pk=delivery.pk: deliver_webhook.enqueue(pk))
    return created


def forget_old_deliveries() -> int:
    """Drop finished deliveries older than ``WEBHOOK_DELIVERY_RETENTION_DAYS``; how many."""
    cutoff = timezone.now() - timedelta(days=settings.WEBHOOK_DELIVERY_RETENTION_DAYS)
    finished = [WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.FAILED]
    deleted, _ = WebhookDelivery.objects.filter(created_at__lt=cutoff, status__in=finished).delete()
    return deleted


def _paths(items: Iterable[Any]) -> list[str]:
    paths = []
    for item in items or ():
        if isinstance(item, str):
            paths.append(item)
        elif isinstance(item, dict):
            paths.append(item["path"])
        else:
            paths.append(item.path)
    return sorted(set(paths))
