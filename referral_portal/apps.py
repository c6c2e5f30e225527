from django.apps import AppConfig


class ReferralPortalConfig(AppConfig):
    name = "referral_portal"
    verbose_name = "Portal"

    def ready(self):
        from . import checks, handlers  # noqa: F401 - registers system checks and outbox handlers
