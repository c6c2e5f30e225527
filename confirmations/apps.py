from django.apps import AppConfig


class ConfirmationsConfig(AppConfig):
    name = "confirmations"
    verbose_name = "Review and decisions"

    def ready(self):
        from . import handlers, signals  # noqa: F401 - outbox handlers and the clock's signal
