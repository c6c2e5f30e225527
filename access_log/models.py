"""The append-only access log (issue 7): who read, downloaded, searched or exported what.

Every view of a referral, an attachment or a notice, and every export, writes one AccessLog row
synchronously, in the request's own database transaction, never through Celery: a read that is
shown must not lose its record (ASVS V16.3.2-L3, CJIS AU-2, HIPAA 164.312(b) as a model). Rows
can be added and read, never changed or deleted: a database trigger refuses UPDATE and DELETE
whoever asks (CJIS AU-9), so neither a bug nor a raw SQL statement from the application can
rewrite history.

An app of its own above accounts (it names the person and their organization), so the bottom
layer (referral_portal) knows nothing of organizations. Nothing here imports referrals or
confirmations: the `referral` passed to record_access is any object with `public_id` and
`reference`. Rows carry ids, reference numbers and the viewer's own staff identity only, never
the content of a referral (CJIS AU-3(3)).
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import Truncator

from referral_portal.roles import Role

USER_AGENT_LENGTH = 200
DETAIL_LENGTH = 200
SHORT_REQUEST_ID = 13  # characters of the request id the search page shows, "…" included


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
        # The table keeps the name it had when the log lived in referral_portal (migrations:
        # access_log 0001 and referral_portal 0007 moved the model without touching the table).
        db_table = "referral_portal_accesslog"
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

    @property
    def short_request_id(self) -> str:
        """The request id as the search page shows it: its first 12 characters and "…", as
        |truncatechars:13 gives, without that filter's cost in every row for the ids the portal
        writes (letters, digits and dashes: referral_portal/request_id.py)."""
        request_id = self.request_id
        if not request_id.isascii():
            return Truncator(request_id).chars(SHORT_REQUEST_ID)
        if len(request_id) <= SHORT_REQUEST_ID:
            return request_id
        return f"{request_id[: SHORT_REQUEST_ID - 1]}…"
