"""Fake organizations and one account per role for `manage.py seed_demo`.

Faker is seeded, so names, passwords and TOTP secrets are the same on every machine and every
run: running it twice changes nothing. Never used outside development.
"""

import base64
import random
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
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


def _account(username, role, organization) -> dict:
    fake = _faker(username)
    rng = random.Random(f"2026:{username}")  # noqa: S311 - demo data, not a real secret
    first, last = fake.first_name(), fake.last_name()
    password = "-".join(fake.words(nb=4, unique=True)) + f"-{rng.randint(10, 99)}"
    secret = base64.b32encode(rng.randbytes(20)).decode()
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
    elif not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)
    return {
        "username": username,
        "password": password,
        "role": Role(role).label,
        "organization": organization.name,
        "totp_secret": secret,
    }


@transaction.atomic
def seed() -> list[dict]:
    organizations = {spec.key: _organization(spec) for spec in ORGANIZATIONS}
    return [
        _account(username, role, organizations[org_key]) for username, role, org_key in ACCOUNTS
    ]
