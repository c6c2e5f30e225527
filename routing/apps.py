from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "routing"

    def ready(self):
        from . import handlers  # noqa: F401 - registers the outbox handlers
