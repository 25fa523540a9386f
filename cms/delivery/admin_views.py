"""The admin's view of webhook deliveries: a read-only list, each delivery's attempts, a retry."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy

from .models import WebhookDelivery

Status = WebhookDelivery.Status


class ViewOnlyPolicy(ModelPermissionPolicy):
    """Deliveries are records of what happened: they can be viewed (and retried), not edited."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and self.user_has_permission(user, "view")

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)


class DeliveryInspectView(InspectView):
    def get_field_label(self, field_name, field):
        if field_name == "attempt_log":
            return _("Attempts")
        return super().get_field_label(field_name, field)

    def get_attempt_log_display_value(self):
        attempts = self.object.attempt_log.all()
        if not attempts:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    attempt.number,
                    attempt.started_at.strftime("%Y-%m-%d %H:%M:%S %Z"),
                    f"{attempt.duration_ms} ms",
                    attempt.status_code or "-",
                    attempt.error or _("Delivered"),
                )
                for attempt in attempts
            ),
        )
        return format_html(
            '<table class="listing"><thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th>'
            "<th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("Started"),
            _("Duration"),
            _("HTTP status"),
            _("Result"),
            rows,
        )

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.object.status == Status.FAILED:
            buttons.append(
                Button(
                    _("Retry now"),
                    url=reverse("webhook_deliveries:retry", args=(self.object.pk,)),
                    icon_name="rotate",
                    priority=30,
                    attrs={"data-retry-delivery": "true"},
                )
            )
        return buttons


@require_POST
def retry_delivery(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a failed delivery a fresh round of attempts (same event id, new signatures)."""
    if not ViewOnlyPolicy(WebhookDelivery).user_has_permission(request.user, "view"):
        return redirect("wagtailadmin_home")
    from .tasks import deliver_webhook

    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    if delivery.status == Status.FAILED:
        delivery.status = Status.PENDING
        delivery.next_attempt_at = None
        delivery.save(update_fields=["status", "next_attempt_at"])
        transaction.on_commit(lambda: deliver_webhook.enqueue(delivery.pk))
        messages.success(request, _("The delivery was queued again."))
    return redirect("webhook_deliveries:inspect", delivery.pk)


class WebhookDeliveryViewSet(ModelViewSet):
    model = WebhookDelivery
    icon = "resubmit"
    menu_label = gettext_lazy("Webhook deliveries")
    add_to_settings_menu = True
    inspect_view_enabled = True
    inspect_view_class = DeliveryInspectView
    copy_view_enabled = False
    list_display = [
        DateColumn("created_at", label=gettext_lazy("Created")),
        Column("channel", label=gettext_lazy("Channel")),
        Column("sequence", label=gettext_lazy("Sequence")),
        Column("endpoint_url", label=gettext_lazy("Endpoint")),
        StatusTagColumn(
            "get_status_display",
            label=gettext_lazy("Status"),
            primary=lambda delivery: delivery.status == Status.DELIVERED,
        ),
        Column("attempts", label=gettext_lazy("Attempts")),
        Column("last_error", label=gettext_lazy("Last error")),
    ]
    list_filter = ["status", "channel"]
    search_fields = ["endpoint_url", "channel", "last_error"]
    inspect_view_fields = [
        "event_id",
        "channel",
        "sequence",
        "endpoint_url",
        "secret_env",
        "status",
        "created_at",
        "next_attempt_at",
        "delivered_at",
        "attempt_log",
        "payload",
    ]
    exclude_form_fields = []

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/retry/", retry_delivery, name="retry"),
        ]


webhook_delivery_viewset = WebhookDeliveryViewSet("webhook_deliveries")
