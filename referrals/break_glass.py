"""Break-glass access (issue 11 item 8, docs/decisions/0009): an administrator does not see
victims' data, unless they record why they must open one referral. The grant lets that one
person open that one referral's case page, attachments and notices for GRANT_DURATION, no
longer. The selectors (referrals.selectors, confirmations.selectors) check for a grant; the
view that opens one writes the BREAK_GLASS access-log row, and state supervisors are told by
e-mail (referrals.handlers) with ids and reference numbers only.

A grant is kept for good: a database trigger refuses to delete one, and nothing here changes
one after it is written (an expired grant simply stops matching active_grants)."""

import uuid
from datetime import timedelta

import pgtrigger
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from referral_portal import outbox
from referral_portal.fields import EncryptedTextField
from referral_portal.roles import is_acting_administrator

from .choices import Status

# Long enough for one support incident, short enough that a forgotten tab stops showing data.
GRANT_DURATION = timedelta(minutes=30)
REASON_MIN_LENGTH = 20
REASON_MAX_LENGTH = 1000
BREAK_GLASS_OPENED = "referrals.break_glass_opened"


class Purpose(models.TextChoices):
    SUPPORT_INCIDENT = "support_incident", "A support incident reported about this referral"
    DATA_CORRECTION = "data_correction", "A data error that staff cannot correct themselves"
    SECURITY_INVESTIGATION = "security_investigation", "A security investigation"
    LEGAL_REQUEST = "legal_request", "A subpoena, court order or records request"


class BreakGlassRefused(Exception):
    """The message is plain language, safe to show, and names no one referred."""


class BreakGlassGrant(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    granted_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(max_length=30, choices=Purpose)
    # Free text typed by the administrator: encrypted like every note, never e-mailed or logged.
    reason = EncryptedTextField()
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-granted_at", "-id"]
        indexes = [
            models.Index(
                fields=["granted_to", "referral", "expires_at"], name="breakglass_active_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=Purpose.values), name="breakglass_purpose_known"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("granted_at")),
                name="breakglass_expires_after_grant",
            ),
        ]
        triggers = [pgtrigger.Protect(name="break_glass_kept", operation=pgtrigger.Delete)]

    def __str__(self):
        return f"Break-glass grant {self.public_id}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()


def may_break_glass(user) -> bool:
    return is_acting_administrator(user)


def active_grants(user) -> models.QuerySet[BreakGlassGrant]:
    """The person's grants that have not expired (none for anyone who may not hold one)."""
    if not may_break_glass(user):
        return BreakGlassGrant.objects.none()
    return BreakGlassGrant.objects.filter(granted_to=user, expires_at__gt=timezone.now())


def is_active(grant: BreakGlassGrant, user, now=None) -> bool:
    """Whether a grant already read is one of active_grants(user)."""
    return (
        may_break_glass(user)
        and grant.granted_to_id == user.pk
        and grant.expires_at > (now or timezone.now())
    )


def active_grant(user, referral) -> BreakGlassGrant | None:
    return active_grants(user).filter(referral=referral).order_by("-expires_at").first()


def open_grant(*, referral, administrator, purpose: str, reason: str) -> BreakGlassGrant:
    """Record why the administrator must see this referral and let them, for GRANT_DURATION.
    State supervisors are told through the outbox. The caller writes the access-log row in the
    same transaction (it needs the request)."""
    reason = (reason or "").strip()
    if not may_break_glass(administrator):
        raise BreakGlassRefused("Only an active administrator can open a case this way.")
    if referral.status == Status.DRAFT:
        raise BreakGlassRefused("A draft is not a case.")
    if purpose not in Purpose.values:
        raise BreakGlassRefused("Choose a purpose from the list.")
    if not REASON_MIN_LENGTH <= len(reason) <= REASON_MAX_LENGTH:
        raise BreakGlassRefused(
            f"Describe the reason in {REASON_MIN_LENGTH} to {REASON_MAX_LENGTH} characters."
        )
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            referral=referral,
            granted_to=administrator,
            purpose=purpose,
            reason=reason,
            granted_at=now,
            expires_at=now + GRANT_DURATION,
        )
        outbox.enqueue(BREAK_GLASS_OPENED, grant=str(grant.public_id))
    return grant
