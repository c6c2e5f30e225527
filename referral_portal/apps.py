from django.apps import AppConfig


class ReferralPortalConfig(AppConfig):
    name = "referral_portal"
    verbose_name = "Portal"

    def ready(self):
        # System checks, outbox handlers, and the Celery signals that record beat runs.
        from . import checks, handlers, periodic  # noqa: F401
