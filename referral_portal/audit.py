"""The append-only access log (issue 7): who read, downloaded, searched or exported what.

Every view of a referral, an attachment or a notice, and every export, writes one AccessLog row
synchronously, in the request's own database transaction, never through Celery: a read that is
shown must not lose its record (ASVS V16.3.2-L3, CJIS AU-2, HIPAA 164.312(b) as a model). Rows
can be added and read, never changed or deleted: a database trigger refuses UPDATE and DELETE
whoever asks (CJIS AU-9), so neither a bug nor a raw SQL statement from the application can
rewrite history.

referral_portal is the bottom layer, so nothing here imports referrals or confirmations: the
`referral` passed to record_access is any object with `public_id` and `reference`.
Rows carry ids, reference numbers and the viewer's own staff identity only, never the content
of a referral (CJIS AU-3(3)).
"""

import ipaddress
import re
import uuid

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Count, Max
from django.utils import timezone

from .roles import Role

__all__ = ["AccessAction", "AccessLog", "AccessOutcome", "client_ip", "record_access", "viewers_of"]

USER_AGENT_LENGTH = 200
DETAIL_LENGTH = 200
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class AccessAction(models.TextChoices):
    VIEW_REFERRAL = "view_referral", "Viewed a referral"
    VIEW_CASE = "view_case", "Viewed a case"
    DOWNLOAD_ATTACHMENT = "download_attachment", "Downloaded an attachment"
    DOWNLOAD_NOTICE = "download_notice", "Downloaded a notice"
    PRINT = "print", "Printed"
    SEARCH = "search", "Searched"
    EXPORT = "export", "Exported"
    # An administrator recorded why they must open one case (docs/decisions/0009).
    BREAK_GLASS = "break_glass", "Opened a case under break-glass access"
    # Someone without an account checked a notice on /verify/ (code and date of birth matched).
    VERIFY_NOTICE = "verify_notice", "Verified a notice online"


class AccessOutcome(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    DENIED = "denied", "Denied"


class AccessLog(models.Model):
    Action = AccessAction
    Outcome = AccessOutcome

    # USE_TZ is on, so this is stored and compared in UTC (ASVS V16.2.2).
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Role and organization as they were at the time: both can change later.
    role = models.CharField(max_length=20, blank=True)
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=30, choices=Action)
    outcome = models.CharField(max_length=10, choices=Outcome, default=Outcome.ALLOWED)
    object_type = models.CharField(max_length=40, blank=True)
    object_public_id = models.UUIDField(null=True, blank=True)
    referral_public_id = models.UUIDField(null=True, blank=True)
    referral_reference = models.CharField(max_length=40, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=USER_AGENT_LENGTH, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # Ids, counts, filter names or an HMAC of a search term; never a search term or a name.
    detail = models.CharField(max_length=DETAIL_LENGTH, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at"], name="accesslog_at_idx"),
            models.Index(fields=["user", "-at"], name="accesslog_user_at_idx"),
            models.Index(fields=["organization", "-at"], name="accesslog_org_at_idx"),
            models.Index(fields=["referral_public_id", "-at"], name="accesslog_referral_at_idx"),
            models.Index(fields=["referral_reference"], name="accesslog_reference_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=AccessAction.values),
                name="accesslog_action_known",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=AccessOutcome.values),
                name="accesslog_outcome_known",
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="access_log_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.referral_reference or '-'}"

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role in Role.values else self.role


def client_ip(request) -> str | None:
    """The caller's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the
    X-Forwarded-For entry that many places from the right (the hop the outermost proxy saw).
    Entries further left were written by the caller and are never used. A request that did not
    pass through every proxy has fewer entries: then the peer itself is the caller. Anything
    that is not an IP address is dropped, not stored."""
    value = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            value = hops[-proxies]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _clean(text: str, length: int) -> str:
    return _CONTROL_CHARACTERS.sub(" ", text or "")[:length]


def _object_type(obj) -> str:
    meta = getattr(obj, "_meta", None)
    return meta.model_name if meta is not None else type(obj).__name__.lower()


def _as_uuid(value) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def record_access(
    *,
    request,
    action: str,
    referral=None,
    obj=None,
    detail: str = "",
    outcome: str = AccessOutcome.ALLOWED,
    object_type: str = "",
) -> AccessLog:
    """Write one access-log row in the current transaction (no Celery, no on_commit).

    `referral` is any object with `public_id` and `reference`; `obj` is the thing read (an
    attachment, a notice, ...), or None when the referral itself was read; `object_type` names
    what was read when there is no object ("access_log" for the log itself). If the row cannot
    be written the exception propagates and the page is not shown: a read without its record
    is worse than an error.
    """
    if action not in AccessLog.Action.values:
        raise ValueError(f"unknown access-log action {action!r}")
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    target = obj if obj is not None else referral
    return AccessLog.objects.create(
        user=user if signed_in else None,
        role=getattr(user, "role", "") if signed_in else "",
        organization_id=getattr(user, "organization_id", None) if signed_in else None,
        action=action,
        outcome=outcome,
        object_type=object_type or (_object_type(target) if target is not None else ""),
        object_public_id=_as_uuid(getattr(target, "public_id", None)),
        referral_public_id=_as_uuid(getattr(referral, "public_id", None)),
        referral_reference=_clean(str(getattr(referral, "reference", "") or ""), 40),
        ip_address=client_ip(request),
        user_agent=_clean(request.headers.get("User-Agent", ""), USER_AGENT_LENGTH),
        request_id=_clean(getattr(request, "request_id", ""), 64),
        detail=_clean(detail, DETAIL_LENGTH),
    )


def viewers_of(referral_public_id) -> list[dict]:
    """Who has opened this referral or its files, most recent first: one row per person with
    their role and organization at the time, how often and when last. One query."""
    public_id = _as_uuid(referral_public_id)
    if public_id is None:
        return []
    rows = (
        AccessLog.objects.filter(
            referral_public_id=public_id, outcome=AccessLog.Outcome.ALLOWED, user__isnull=False
        )
        .values(
            "user_id",
            "user__username",
            "user__first_name",
            "user__last_name",
            "role",
            "organization__name",
        )
        .annotate(last_at=Max("at"), times=Count("id"))
        .order_by("-last_at")
    )
    return [
        {
            "user_id": row["user_id"],
            "name": f"{row['user__first_name']} {row['user__last_name']}".strip()
            or row["user__username"],
            "role": row["role"],
            "role_label": Role(row["role"]).label if row["role"] in Role.values else row["role"],
            "organization": row["organization__name"] or "",
            "last_at": row["last_at"],
            "times": row["times"],
        }
        for row in rows
    ]
