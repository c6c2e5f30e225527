"""API clients: created, rotated and revoked by their organization's administrators on the
portal's pages, secrets shown once and stored hashed, tokens only for usable clients."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from accounts.models import Organization
from api import scopes, services
from api.models import ApiClient, ApiUsageDay
from referral_portal.roles import Role
from tests.api.conftest import Api, new_client, org_admin, provider_organization, token_response
from tests.confirmations.helpers import administrator
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

SECRET = re.compile(r"<dt>Client secret</dt><dd><code>([^<]+)</code>")
CLIENT_ID = re.compile(r"<dt>Client id</dt><dd><code>([^<]+)</code>")


def signed_in(person):
    client = Client()
    client.force_login(person)
    return client


def create_on_page(browser, organization, **fields):
    data = {
        "name": "Case management",
        "scopes": [scopes.REFERRALS_WRITE, scopes.REFERRALS_READ],
        "expires_on": str(timezone.localdate() + timedelta(days=90)),
        **fields,
    }
    return browser.post(f"/api/clients/new/{organization.public_id}/", data)


def test_an_organization_administrator_creates_a_client_and_sees_its_secret_once():
    organization = provider_organization()
    browser = signed_in(org_admin(organization))

    response = create_on_page(browser, organization)

    assert response.status_code == 200
    html = response.content.decode()
    secret, client_id = SECRET.search(html).group(1), CLIENT_ID.search(html).group(1)
    client = ApiClient.objects.get(organization=organization)
    assert (client.name, client.scopes) == (
        "Case management",
        [scopes.REFERRALS_WRITE, scopes.REFERRALS_READ],
    )
    assert client.application.client_id == client_id
    assert client.application.client_secret != secret
    assert check_password(secret, client.application.client_secret)
    listing = browser.get("/api/clients/").content.decode()
    assert "Case management" in listing and secret not in listing
    assert token_response(client_id, secret).status_code == 200


def test_a_client_gets_only_scopes_its_organization_may_hold():
    organization = provider_organization()
    browser = signed_in(org_admin(organization))

    response = create_on_page(browser, organization, scopes=[scopes.CASES_READ])

    assert response.status_code == 400
    assert not ApiClient.objects.exists()


def test_another_organizations_administrator_cannot_see_or_touch_a_client():
    issued = new_client(provider_organization())
    stranger = signed_in(org_admin(provider_organization()))

    assert stranger.post(f"/api/clients/{issued.client.public_id}/revoke/").status_code == 404
    assert stranger.post(f"/api/clients/{issued.client.public_id}/rotate/").status_code == 404
    path = f"/api/clients/new/{issued.client.organization.public_id}/"
    assert stranger.get(path).status_code == 404
    assert token_response(issued.client_id, issued.client_secret).status_code == 200


def test_rotating_the_secret_stops_the_old_one_and_its_tokens():
    issued = new_client(provider_organization())
    api = Api(issued)
    browser = signed_in(org_admin(issued.client.organization))

    response = browser.post(f"/api/clients/{issued.client.public_id}/rotate/")

    new_secret = SECRET.search(response.content.decode()).group(1)
    assert token_response(issued.client_id, issued.client_secret).status_code == 401
    assert api.get("/api/v1/referrals/").status_code == 401
    assert token_response(issued.client_id, new_secret).status_code == 200


def test_a_revoked_client_gets_no_token_and_its_token_stops_working():
    issued = new_client(provider_organization())
    api = Api(issued)
    browser = signed_in(org_admin(issued.client.organization))

    assert browser.post(f"/api/clients/{issued.client.public_id}/revoke/").status_code == 302

    assert api.get("/api/v1/referrals/").status_code == 401
    response = token_response(issued.client_id, issued.client_secret)
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")


def test_an_expired_client_gets_401_with_its_token():
    issued = new_client(provider_organization())
    api = Api(issued)
    ApiClient.objects.filter(pk=issued.client.pk).update(expires_at=timezone.now())

    response = api.get("/api/v1/referrals/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert token_response(issued.client_id, issued.client_secret).status_code == 401


def test_a_suspended_organizations_client_gets_401():
    issued = new_client(provider_organization())
    api = Api(issued)
    Organization.objects.filter(pk=issued.client.organization_id).update(
        status=Organization.Status.SUSPENDED
    )

    assert api.get("/api/v1/referrals/").status_code == 401
    assert token_response(issued.client_id, issued.client_secret).status_code == 401


def test_a_wrong_secret_gets_no_token():
    issued = new_client(provider_organization())

    response = token_response(issued.client_id, issued.client_secret + "x")

    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")


def test_tokens_are_short_lived_stored_as_checksums_and_carry_only_the_clients_scopes():
    issued = new_client(provider_organization(), [scopes.REFERRALS_READ])

    response = token_response(issued.client_id, issued.client_secret)
    wider = token_response(issued.client_id, issued.client_secret, scope="referrals:write")

    body = response.json()
    assert (body["expires_in"], body["scope"], body["token_type"]) == (
        600,
        "referrals:read",
        "Bearer",
    )
    stored = AccessToken.objects.get(application=issued.client.application)
    assert stored.token == ""  # only its checksum is kept
    assert (wider.status_code, wider.json()["error"]) == (400, "invalid_scope")


def test_state_agencies_cannot_have_clients_as_no_scope_fits_them():
    agency = OrganizationFactory(
        kind=Organization.Kind.STATE_AGENCY, designating_agency="", designation_date=None
    )

    with pytest.raises(services.ClientRuleError):
        services.create_client(
            actor=administrator(),
            organization=agency,
            name="Review system",
            chosen_scopes=[scopes.CASES_READ],
            expires_at=timezone.now() + timedelta(days=9),
        )


def test_administrators_see_every_client_with_its_use_over_30_days():
    first = Api(new_client(provider_organization(), name="Alpha system"))
    second = new_client(provider_organization(), name="Beta system")
    first.get("/api/v1/referrals/")
    first.get("/api/v1/referrals/00000000-0000-0000-0000-000000000000/")
    old = timezone.localdate() - timedelta(days=40)
    ApiUsageDay.objects.create(client=second.client, day=old, requests=7, errors=7)

    html = signed_in(administrator()).get("/api/clients/all/").content.decode()

    rows = re.findall(
        r"<tr>\s*<td>[^<]*</td>\s*<td>(Alpha system|Beta system)</td>(.*?)</tr>", html, re.S
    )
    cells = {name: re.findall(r"<td>(\d+)</td>", rest) for name, rest in rows}
    assert cells == {"Alpha system": ["2", "1"], "Beta system": ["0", "0"]}
    client = ApiClient.objects.get(pk=first.client.pk)
    assert client.last_used_at is not None
    assert client.service_account.role == Role.REFERRER
