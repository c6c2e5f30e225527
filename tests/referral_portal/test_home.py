import pytest

from referral_portal.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# What each role finds on its home page: the way into its own work.
EXPECTED_LINKS = {
    Role.REFERRER: ["/referrals/new/", "/referrals/"],
    Role.ORG_ADMIN: ["/referrals/new/", "/organizations/"],
    Role.STATE_REVIEWER: ["/review/"],
    Role.STATE_SUPERVISOR: ["/review/"],
    Role.RECEIVING_AGENCY: ["/cases/"],
    Role.ADMINISTRATOR: [
        "/review/",
        "/organizations/",
        "/cases/deliveries/",
        "/security/access-log/",
    ],
}


@pytest.mark.parametrize("role", Role.values)
def test_each_role_sees_the_way_into_its_work_on_the_home_page(client, role):
    client.force_login(UserFactory(role=role))

    body = client.get("/").content.decode()

    for link in EXPECTED_LINKS[role]:
        assert f'href="{link}' in body, f"{role} home page lacks {link}"


def test_a_referrer_home_page_offers_no_review_queue(client):
    client.force_login(UserFactory(role=Role.REFERRER))

    assert 'href="/review/"' not in client.get("/").content.decode()


def test_visitors_find_the_apply_form_on_the_home_page(client):
    assert 'href="/organizations/apply/"' in client.get("/").content.decode()
