"""Legal holds: while one is set, nothing purges the referral or deletes the draft.

Only administrators place or lift a hold, always with a reason. Each change is kept three
ways: a LegalHoldChange row (append-only, with the reason), the referral's change history
(pghistory records the `legal_hold` column with who and which request), and, from the admin,
Django's own admin log.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from referral_portal.roles import Role
from referrals.models import Referral

from .models import LegalHoldChange

REASON_MAX_LENGTH = LegalHoldChange._meta.get_field("reason").max_length


class HoldRefused(Exception):
    """The hold cannot change (already in that state, or the referral is purged)."""


def may_change_holds(user) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.ADMINISTRATOR


def _change(*, referral: Referral, actor, reason: str, placed: bool) -> LegalHoldChange:
    if not may_change_holds(actor):
        raise PermissionDenied("only administrators change legal holds")
    reason = " ".join((reason or "").split())
    if not reason:
        raise HoldRefused("a reason is required")
    if len(reason) > REASON_MAX_LENGTH:
        raise HoldRefused(f"the reason is longer than {REASON_MAX_LENGTH} characters")
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.purged_at is not None:
            raise HoldRefused(f"{locked} was purged already")
        if locked.legal_hold == placed:
            raise HoldRefused(f"{locked} is {'already' if placed else 'not'} under a legal hold")
        # An UPDATE of the one column: `updated_at` is how long a draft has been left alone
        # (and a withdrawal's fallback date), so a hold must not move it.
        Referral.objects.filter(pk=locked.pk).update(legal_hold=placed)
        return LegalHoldChange.objects.create(
            referral=locked,
            referral_public_id=locked.public_id,
            placed=placed,
            reason=reason,
            changed_by=actor,
            changed_at=timezone.now(),
        )


def place_legal_hold(*, referral: Referral, actor, reason: str) -> LegalHoldChange:
    return _change(referral=referral, actor=actor, reason=reason, placed=True)


def lift_legal_hold(*, referral: Referral, actor, reason: str) -> LegalHoldChange:
    return _change(referral=referral, actor=actor, reason=reason, placed=False)
