"""Every change to API clients: create, rotate the secret, revoke; and the bookkeeping of use.

Who may manage a client is accounts.policy's rule for managing its organization (its own
administrators; the portal's administrators for any, which is how state agencies get theirs).
The secret is returned once, by create and rotate, and stored only hashed (django-oauth-toolkit
hashes an Application's client_secret when it is saved)."""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application

from accounts.models import User
from accounts.policy import may_manage_organization
from referral_portal.business_days import NEW_YORK
from referral_portal.locks import lock_row

from . import scopes
from .models import ApiClient

logger = logging.getLogger(__name__)
# How often "last used" is written: every request would make each call a write.
LAST_USED_RESOLUTION_SECONDS = 60


class ClientRuleError(Exception):
    """The request breaks a rule about API clients; the message is safe to show."""


@dataclass(frozen=True)
class IssuedSecret:
    client: ApiClient
    client_id: str
    client_secret: str  # shown once, never stored in clear


def _check_manager(actor, organization) -> None:
    if not may_manage_organization(actor, organization):
        raise PermissionDenied("only this organization's administrators manage its clients")


def _check_scopes(organization, chosen) -> list[str]:
    allowed = scopes.allowed_for(organization)
    chosen = [scope for scope in scopes.ALL if scope in set(chosen)]
    if not chosen:
        raise ClientRuleError("Choose at least one permission.")
    if not set(chosen) <= set(allowed):
        raise ClientRuleError("This organization cannot give a client that permission.")
    return chosen


def create_client(
    *, actor, organization, name: str, chosen_scopes, expires_at: datetime
) -> IssuedSecret:
    _check_manager(actor, organization)
    name = name.strip()
    if not name:
        raise ClientRuleError("Give the client a name.")
    if expires_at <= timezone.now():
        raise ClientRuleError("The expiry must be in the future.")
    chosen = _check_scopes(organization, chosen_scopes)
    role = scopes.acting_role(organization)
    secret = generate_client_secret()
    with transaction.atomic():
        if ApiClient.objects.filter(
            organization=organization, name__iexact=name, revoked_at__isnull=True
        ).exists():
            raise ClientRuleError("This organization already has a client with that name.")
        account = User(
            username=f"api-{uuid.uuid4().hex}",
            first_name="API client",
            last_name=name[:150],
            organization=organization,
            role=role,
        )
        account.set_unusable_password()  # never signs in: it acts only through tokens
        account.save()
        application = Application(
            name=f"{organization.pk}: {name}"[:255],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,
            hash_client_secret=True,
            skip_authorization=False,
            user=None,
        )
        application.save()
        client = ApiClient.objects.create(
            application=application,
            organization=organization,
            service_account=account,
            name=name,
            scopes=chosen,
            expires_at=expires_at,
            created_by=actor,
        )
    logger.info("api client created", extra={"object_id": str(client.public_id)})
    return IssuedSecret(client=client, client_id=application.client_id, client_secret=secret)


def _locked(client: ApiClient) -> ApiClient:
    rows = ApiClient.objects.select_related("application", "organization")
    return lock_row(rows, client.pk, of=("self",))


def rotate_secret(*, actor, client: ApiClient) -> IssuedSecret:
    """A new secret; the old one and every token issued with it stop working at once."""
    _check_manager(actor, client.organization)
    secret = generate_client_secret()
    with transaction.atomic():
        locked = _locked(client)
        if locked.revoked_at is not None:
            raise ClientRuleError("A revoked client cannot be given a new secret.")
        locked.application.client_secret = secret
        locked.application.save()
        AccessToken.objects.filter(application=locked.application).delete()
        locked.secret_rotated_at = timezone.now()
        locked.save(update_fields=["secret_rotated_at"])
    logger.info("api client secret rotated", extra={"object_id": str(locked.public_id)})
    return IssuedSecret(client=locked, client_id=locked.client_id, client_secret=secret)


def revoke_client(*, actor, client: ApiClient) -> ApiClient:
    _check_manager(actor, client.organization)
    with transaction.atomic():
        locked = _locked(client)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.revoked_by = actor
            locked.save(update_fields=["revoked_at", "revoked_by"])
            AccessToken.objects.filter(application=locked.application).delete()
    logger.info("api client revoked", extra={"object_id": str(locked.public_id)})
    return locked


def record_use(*, client: ApiClient, status_code: int, now=None) -> None:
    """Count one answered request (and an error when status >= 400) for today, and stamp
    "last used" (at most once a minute). The account's last sign-in follows it, so the
    inactivity rule that disables unused accounts treats a client as used while it is."""
    now = now or timezone.now()
    day = now.astimezone(NEW_YORK).date()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO api_apiusageday (client_id, day, requests, errors) VALUES (%s, %s, 1, %s)"
            " ON CONFLICT (client_id, day) DO UPDATE SET requests = api_apiusageday.requests + 1,"
            " errors = api_apiusageday.errors + EXCLUDED.errors",
            [client.pk, day, 1 if status_code >= 400 else 0],
        )
    stale = now - timedelta(seconds=LAST_USED_RESOLUTION_SECONDS)
    touched = (
        ApiClient.objects.filter(pk=client.pk)
        .exclude(last_used_at__gte=stale)
        .update(last_used_at=now)
    )
    if touched:
        User.objects.filter(pk=client.service_account_id).update(last_login=now)
