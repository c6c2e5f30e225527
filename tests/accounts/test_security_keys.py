"""Security keys and passkeys are required for the roles in MFA_REQUIRE_WEBAUTHN_FOR_ROLES (on
in production, off in the dev and test settings, so these tests turn it on): such a person who
signed in with an app code can do nothing but add a key. The browser journey (adding a key and
signing in with it) is tests/e2e/test_webauthn.py."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from accounts.models import Organization
from referral_portal.roles import Role
from tests.accounts.conftest import sign_in
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _state_person(role):
    agency = OrganizationFactory(
        kind=Organization.Kind.STATE_AGENCY, designating_agency="", designation_date=None
    )
    return UserFactory(role=role, organization=agency)


def test_production_requires_keys_of_state_staff_and_administrators():
    from referral_portal.settings import base

    assert base.MFA_REQUIRE_WEBAUTHN_FOR_ROLES == [
        "state_reviewer",
        "state_supervisor",
        "administrator",
    ]
    assert "webauthn" in settings.MFA_SUPPORTED_TYPES
    assert settings.MFA_PASSKEY_LOGIN_ENABLED is False


@pytest.mark.parametrize("role", [Role.STATE_REVIEWER, Role.STATE_SUPERVISOR, Role.ADMINISTRATOR])
def test_a_person_whose_role_needs_a_key_can_only_add_one(client, role):
    person = _state_person(role)
    with override_settings(MFA_REQUIRE_WEBAUTHN_FOR_ROLES=[role.value]):
        response = sign_in(client, person)
        assert response["Location"] == reverse("home")

        for path in (reverse("home"), reverse("usersessions_list"), reverse("mfa_list_webauthn")):
            page = client.get(path)
            assert page.status_code == 302, path
            assert page["Location"] == reverse("mfa_add_webauthn"), path
        # No second password prompt: the sign-in a moment ago counts as re-authentication.
        add = client.get(reverse("mfa_add_webauthn"))

    assert add.status_code == 200
    content = add.content.decode()
    assert "Add a security key or passkey" in content
    assert '<script src="/static/mfa/js/webauthn.js"></script>' in content
    assert '<script src="/static/js/security-keys.js"></script>' in content
    assert 'data-security-key="addForm"' in content
    assert "<script>" not in content  # only external files and JSON data blocks (CSP)


def test_other_roles_and_a_switched_off_setting_keep_app_codes(client):
    referrer = UserFactory(role=Role.REFERRER)
    reviewer = _state_person(Role.STATE_REVIEWER)
    with override_settings(MFA_REQUIRE_WEBAUTHN_FOR_ROLES=[Role.STATE_REVIEWER.value]):
        sign_in(client, referrer)
        assert client.get(reverse("home")).status_code == 200
    client.logout()
    with override_settings(MFA_REQUIRE_WEBAUTHN_FOR_ROLES=[]):
        sign_in(client, reviewer)
        assert client.get(reverse("home")).status_code == 200
