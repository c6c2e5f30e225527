from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = "Retention and legal holds"

    def ready(self):
        from . import handlers  # noqa: F401 - outbox handlers
