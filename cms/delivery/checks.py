"""``manage.py check`` reports a broken webhook configuration before any export announces one."""

from __future__ import annotations

import os

from django.core import checks

from .config import WebhookConfigError, load_targets


def webhook_configuration(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        targets = load_targets()
    except WebhookConfigError as exc:
        return [checks.Error(str(exc), id="delivery.E001")]
    return [
        checks.Warning(
            f"environment variable {endpoint.secret_env} is not set: webhooks to "
            f"{endpoint.url} ({endpoint.field}) will fail until it is",
            id="delivery.W001",
        )
        for target in targets.values()
        for endpoint in target.endpoints
        if not os.environ.get(endpoint.secret_env, "").split()
    ]


def register() -> None:
    checks.register(webhook_configuration, "delivery")
