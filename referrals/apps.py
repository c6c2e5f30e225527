from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"

    def ready(self):
        from . import handlers  # noqa: F401 - registers the outbox handlers
