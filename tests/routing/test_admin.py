"""Administrators keep the directory current in the Django admin (/manage/routing/...)."""

import pytest
from django.urls import reverse

from referral_portal.roles import Role
from routing.models import CountyCoverage, RhtpRegion, RoutingEndpoint
from tests.factories import UserFactory
from tests.routing.conftest import route
from tests.routing.factories import confirmed_referral, district

pytestmark = pytest.mark.django_db

MODELS = [
    "district",
    "rhtpregion",
    "rhtpprovider",
    "countycoverage",
    "routingendpoint",
    "routingdelivery",
]


@pytest.fixture
def administrator(client):
    user = UserFactory(role=Role.ADMINISTRATOR)
    client.force_login(user)
    return user


@pytest.mark.parametrize("model", MODELS)
def test_administrators_list_and_search_every_directory_table(client, administrator, model):
    route(confirmed_referral())
    url = reverse(f"admin:routing_{model}_changelist")

    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "Albany"}).status_code == 200


def test_the_admin_index_shows_routing_to_administrators(client, administrator):
    page = client.get(reverse("admin:index")).content.decode()

    assert "County coverage" in page and "Districts" in page and "Routing deliveries" in page


@pytest.mark.parametrize("role", [Role.STATE_SUPERVISOR, Role.RECEIVING_AGENCY])
def test_no_one_else_reaches_the_directory_admin(client, role):
    client.force_login(UserFactory(role=role))

    response = client.get(reverse("admin:routing_district_changelist"))

    assert response.status_code == 403


def test_search_finds_a_district_by_one_of_its_counties(client, administrator):
    response = client.get(reverse("admin:routing_district_changelist"), {"q": "Queens"})

    assert "New York City" in response.content.decode()
    assert "Albany County" not in response.content.decode()


def test_an_administrator_moves_a_county_to_another_region(client, administrator):
    coverage = CountyCoverage.objects.get(county__name="Albany")
    region = RhtpRegion.objects.get(name="Mohawk Valley (demo)")
    url = reverse("admin:routing_countycoverage_change", args=[coverage.pk])

    response = client.post(
        url, {"district": coverage.district_id, "rhtp_region": region.pk, "region_is_demo": ""}
    )

    assert response.status_code == 302
    coverage.refresh_from_db()
    assert coverage.rhtp_region == region and coverage.region_is_demo is False


def test_webhook_secrets_are_write_only_and_addresses_must_be_https(client, administrator):
    add = reverse("admin:routing_routingendpoint_add")
    organization = district().organization
    secret = "a-long-shared-secret-for-the-webhook-0123456789"

    refused = client.post(
        add,
        {
            "organization": organization.pk,
            "url": "http://10.0.0.1/hook",
            "secret": secret,
            "is_active": "on",
        },
    )
    client.post(
        add,
        {
            "organization": organization.pk,
            "url": "https://dss.example/hook",
            "secret": secret,
            "is_active": "on",
        },
    )
    endpoint = RoutingEndpoint.objects.get()
    change = reverse("admin:routing_routingendpoint_change", args=[endpoint.pk])
    page = client.get(change).content.decode()
    client.post(
        change,
        {
            "organization": organization.pk,
            "url": "https://dss.example/v2",
            "secret": "",
            "is_active": "on",
        },
    )

    assert "Enter an https:// address." in refused.content.decode()
    assert secret not in page
    endpoint.refresh_from_db()
    assert endpoint.url == "https://dss.example/v2" and endpoint.secret == secret
