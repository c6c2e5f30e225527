import itertools
import time

import pyotp
import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Organization
from referral_portal.roles import Role
from tests.factories import PASSWORD, OrganizationFactory, UserFactory, county

# TOTP codes work once (allauth remembers used ones). With MFA_TOTP_TOLERANCE = 1 the codes of
# the previous and next 30-second periods are accepted too, so a test can sign in up to three
# times in a row without waiting.
_OFFSETS = itertools.cycle([0, 30, -30])


def totp_code(user, offset=None) -> str:
    offset = next(_OFFSETS) if offset is None else offset
    return pyotp.TOTP(user.totp_secret).at(time.time() + offset)


def sign_in(client, user, password=PASSWORD):
    """Password, then authenticator code, through the real allauth views."""
    response = client.post(reverse("account_login"), {"login": user.username, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("mfa_authenticate")
    return client.post(reverse("mfa_authenticate"), {"code": totp_code(user)})


@pytest.fixture
def state_agency(db):
    return OrganizationFactory(
        kind=Organization.Kind.STATE_AGENCY, designating_agency="", designation_date=None
    )


@pytest.fixture
def administrator(state_agency):
    return UserFactory(role=Role.ADMINISTRATOR, organization=state_agency)


@pytest.fixture
def provider(db):
    return OrganizationFactory()


@pytest.fixture
def org_admin(provider):
    return UserFactory(role=Role.ORG_ADMIN, organization=provider)


@pytest.fixture
def staff_member(provider):
    return UserFactory(role=Role.REFERRER, organization=provider)


@pytest.fixture
def application_data(faker):
    return {
        "name": faker.company(),
        "kind": Organization.Kind.SOCIAL_SERVICES_PROVIDER,
        "county": county("Albany").pk,
        "street_address": faker.street_address(),
        "city": faker.city(),
        "postal_code": "12207",
        "phone": "518-555-0100",
        "designating_agency": Organization.DesignatingAgency.OTDA,
        "designation_date": "2023-05-01",
        "admin_first_name": faker.first_name(),
        "admin_last_name": faker.last_name(),
        "admin_email": faker.unique.email(),
        "admin_job_title": faker.job()[:100],
        "admin_phone": "518-555-0101",
    }


@pytest.fixture
def applied_organization(db, faker):
    organization = Organization(
        name=faker.company(),
        kind=Organization.Kind.LAW_ENFORCEMENT,
        county=county("Albany"),
        street_address=faker.street_address(),
        city=faker.city(),
        postal_code="12207",
        phone="518-555-0102",
    )
    return services.apply_for_access(
        organization=organization,
        first_name=faker.first_name(),
        last_name=faker.last_name(),
        email=faker.unique.email(),
        job_title="Lieutenant",
        phone="518-555-0103",
    )
