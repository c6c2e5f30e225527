"""A referral's change history (pghistory's event rows) without what it said about the person.

The history keeps who changed the workflow fields and when. The encrypted fields and the blind
indexes are not tracked at all (models.PERSONAL_FIELDS); the plain personal fields are, so
every wizard save copies them. `scrub_history` blanks those copies. It is the one way to do it:
the retention purge, the stale-draft clean-up and the author's "discard draft" all call it, so
no path that removes a referral's personal data leaves a copy behind in the history.
"""

from django.apps import apps
from django.db import models
from pghistory.models import Event

from referral_portal.fields import encrypted_fields_of

from .models import BLIND_INDEXES, PLAIN_PERSONAL_FIELDS, Referral


def referral_history_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, Event)
        and getattr(model, "pgh_tracked_model", None) is Referral
        and any(f.name == "pgh_obj" for f in model._meta.fields)
    ]


def _empty(field_obj: models.Field):
    return None if field_obj.null else ""


def scrub_history(referral_pk: int) -> int:
    """Blank the personal fields in the referral's history rows; returns how many rows. Works
    whether the referral row still exists or was just deleted (the rows keep its id). Encrypted
    fields and blind indexes are blanked too if a history model ever keeps them."""
    personal = {**PLAIN_PERSONAL_FIELDS, **BLIND_INDEXES}
    personal.update({f.name: _empty(f) for f in encrypted_fields_of(Referral)})
    scrubbed = 0
    for model in referral_history_models():
        names = {f.name for f in model._meta.concrete_fields}
        values = {name: empty for name, empty in personal.items() if name in names}
        if values:
            scrubbed += model._default_manager.filter(pgh_obj_id=referral_pk).update(**values)
    return scrubbed
