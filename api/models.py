"""API clients (one organization's system), idempotency records and daily usage counts.

A client is a django-oauth-toolkit Application (client credentials, secret stored hashed)
plus what the portal needs around it: its organization, scopes, expiry, revocation, last use,
and the service account it acts as. Acting as an account of the organization means every
service and selector the pages use applies unchanged: the client can never see or do more
than a person of that organization with the same role."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import scopes


class ApiClient(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.PROTECT, related_name="api_client"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="api_clients"
    )
    # The account the client acts as (no password, no session): the actor on timelines and in
    # the access log. Deactivating it disables the client.
    service_account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client"
    )
    name = models.CharField(max_length=100)
    scopes = ArrayField(models.CharField(max_length=20, choices=list(scopes.ALL.items())))
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organization__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scopes__contained_by=list(scopes.ALL)) & ~Q(scopes=[]),
                name="apiclient_scopes_known",
            ),
            models.UniqueConstraint(
                fields=["organization", "name"],
                condition=Q(revoked_at__isnull=True),
                name="apiclient_name_unique_per_org",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def scope_list(self) -> list[str]:
        return list(self.scopes)

    @property
    def client_id(self) -> str:
        return self.application.client_id

    def unusable_because(self, now=None) -> str | None:
        """Why the client may not call the API now (None: it may)."""
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        if not self.organization.is_active:
            return "organization inactive"
        if not self.service_account.is_active:
            return "account deactivated"
        return None

    @property
    def is_usable(self) -> bool:
        return self.unusable_because() is None


class IdempotencyRecord(models.Model):
    """The first answer to a POST with this client's Idempotency-Key: a retry gets it again."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_key_per_client")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self):
        return f"{self.client_id}:{self.key}"


class ApiUsageDay(models.Model):
    """Requests and error answers (status 400 and above) per client per day (New York)."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="usage_days")
    day = models.DateField()
    requests = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "day"], name="api_usage_once_per_day")
        ]

    def __str__(self):
        return f"{self.client_id} {self.day}: {self.requests} requests, {self.errors} errors"
