from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    """Where pages go live: the compliance gate on every route, scheduled publishing, expiry."""

    name = "cms.lifecycle"
    label = "lifecycle"
    verbose_name = "Lifecycle"

    def ready(self) -> None:
        from . import gate

        gate.connect()
