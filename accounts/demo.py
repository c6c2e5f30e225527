"""Fake organizations and one account per role for `manage.py seed_demo`.

Faker is seeded, so organizations and people's names are the same on every machine. Passwords
and TOTP secrets are not: they come from the `secrets` module when an account is created, so
nobody can work them out from this code (the demo administrator may be reachable beyond
loopback). seed_demo passes back what it wrote to .run/demo-accounts.json last time, and an
account whose password and secret still match keeps them: running it twice changes nothing.
Never used outside development (seed_demo requires DEBUG).
"""

import secrets
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.db import transaction
from django.utils import timezone
from faker import Faker

from referral_portal.models import County
from referral_portal.roles import Role

from .models import Organization, User

Kind = Organization.Kind


@dataclass(frozen=True)
class DemoOrganization:
    key: str
    kind: str
    county: str
    name_pattern: str


ORGANIZATIONS = [
    DemoOrganization("provider", Kind.SOCIAL_SERVICES_PROVIDER, "Albany", "{last} Family Services"),
    DemoOrganization("police", Kind.LAW_ENFORCEMENT, "Albany", "{city} Police Department"),
    DemoOrganization("otda", Kind.STATE_AGENCY, "Albany", "Temporary and Disability Assistance"),
    DemoOrganization("dcjs", Kind.STATE_AGENCY, "Albany", "Criminal Justice Services"),
    DemoOrganization("ldss", Kind.LOCAL_DSS, "Albany", "Albany County Social Services (demo)"),
    DemoOrganization("rhtp", Kind.RHTP_PROVIDER, "Albany", "{last} Anti-Trafficking Program"),
]

ACCOUNTS = [
    ("demo-referrer", Role.REFERRER, "provider"),
    ("demo-police", Role.REFERRER, "police"),
    ("demo-orgadmin", Role.ORG_ADMIN, "provider"),
    ("demo-reviewer", Role.STATE_REVIEWER, "dcjs"),
    ("demo-supervisor", Role.STATE_SUPERVISOR, "otda"),
    ("demo-ldss", Role.RECEIVING_AGENCY, "ldss"),
    ("demo-rhtp", Role.RECEIVING_AGENCY, "rhtp"),
    ("demo-admin", Role.ADMINISTRATOR, "otda"),
]


def _faker(key: str) -> Faker:
    """A Faker seeded for one record, so each record's values are the same whether or not the
    others already exist (running the seed twice changes nothing and returns the same list)."""
    fake = Faker("en_US")
    fake.seed_instance(f"2026:{key}")
    return fake


def _organization(spec: DemoOrganization) -> Organization:
    fake = _faker(spec.key)
    name = spec.name_pattern.format(last=fake.last_name(), city=fake.city())
    existing = Organization.objects.filter(name=name).first()
    if existing:
        return existing
    designated = spec.kind in Organization.PROVIDER_KINDS
    return Organization.objects.create(
        name=name,
        kind=spec.kind,
        county=County.objects.get(name=spec.county),
        street_address=fake.street_address(),
        city=fake.city(),
        postal_code=fake.postcode(),
        phone=fake.numerify("518-555-0###"),
        designating_agency=Organization.DesignatingAgency.OTDA if designated else "",
        designation_date=fake.date_between("-5y", "-1y") if designated else None,
        status=Organization.Status.VERIFIED,
        verified_at=timezone.now(),
    )


def _totp_secret(user) -> str | None:
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return decrypt(authenticator.data["secret"]) if authenticator else None


def _still_valid(user, previous: dict | None) -> bool:
    """Whether last run's password and TOTP secret for this account still work."""
    return bool(
        previous
        and user.check_password(previous.get("password") or "")
        and _totp_secret(user) == previous.get("totp_secret")
    )


def _account(username, role, organization, previous: dict | None) -> dict:
    fake = _faker(username)
    first, last = fake.first_name(), fake.last_name()
    password, secret = secrets.token_urlsafe(15), generate_totp_secret()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
            role=role,
            organization=organization,
        )
        user.set_password(password)
        user.save()
        TOTP.activate(user, secret)
        RecoveryCodes.activate(user)
    elif _still_valid(user, previous):
        password, secret = previous["password"], previous["totp_secret"]
    else:  # last run's file is gone or out of date: new credentials, written to the new file
        user.set_password(password)
        user.save(update_fields=["password"])
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
        TOTP.activate(user, secret)
    return {
        "username": username,
        "password": password,
        "role": Role(role).label,
        "organization": organization.name,
        "totp_secret": secret,
    }


@transaction.atomic
def seed(previous: list[dict] | None = None) -> list[dict]:
    """`previous`: the accounts this returned last time (seed_demo keeps them in a file)."""
    organizations = {spec.key: _organization(spec) for spec in ORGANIZATIONS}
    known = {account.get("username"): account for account in previous or []}
    return [
        _account(username, role, organizations[org_key], known.get(username))
        for username, role, org_key in ACCOUNTS
    ]
