from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"

    def ready(self):
        from . import checks, handlers  # noqa: F401 - system checks and outbox handlers
