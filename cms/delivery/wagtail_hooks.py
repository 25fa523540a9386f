from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import ViewOnlyPolicy, webhook_delivery_viewset
from .models import WebhookDelivery

register_permission_policy(WebhookDelivery, ViewOnlyPolicy(WebhookDelivery))


@hooks.register("register_admin_viewset")
def register_webhook_deliveries():
    return webhook_delivery_viewset
