"""A reverse accessor from another app (a related_name such as "appeal") would silently replace
a transition method of the same name on Referral; refuse to start instead."""

from django.core import checks

TRANSITIONS = [
    "submit",
    "request_information",
    "provide_information",
    "confirm",
    "decline",
    "withdraw",
    "appeal",
    "overturn_on_appeal",
    "uphold_on_appeal",
]


@checks.register(checks.Tags.models)
def transitions_are_not_shadowed(app_configs=None, **kwargs):
    from .models import Referral

    errors = []
    for name in TRANSITIONS:
        if not hasattr(Referral.__dict__.get(name), "_django_fsm"):
            errors.append(
                checks.Error(
                    f"Referral.{name} is not the state transition any more: a related_name or "
                    "attribute of the same name replaced it.",
                    hint=f"Choose another related_name than {name!r} for relations to Referral.",
                    obj=Referral,
                    id="referrals.E001",
                )
            )
    return errors
