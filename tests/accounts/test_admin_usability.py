"""What administrators stumble on: the work waiting for them on the home page, decision forms
that choose nothing for them, the reason a declined applicant is given, and one form token."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from accounts.models import Organization
from routing.models import DeliveryState
from tests.factories import OrganizationFactory
from tests.referral_portal.operations_data import delivery

pytestmark = pytest.mark.django_db


def _home_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_administrators_home_counts_what_waits_and_links_to_each_list(
    client, administrator, applied_organization, django_assert_max_num_queries
):
    delivery(DeliveryState.FAILED)
    delivery(DeliveryState.DELIVERED)
    OrganizationFactory()  # verified: not waiting
    client.force_login(administrator)
    client.get(reverse("home"))  # the first request of a session records it; not counted

    with django_assert_max_num_queries(6):
        before, content = _home_queries(client)

    organizations = reverse("accounts:organization_list") + "?status=applied"
    deliveries = reverse("routing:delivery_list") + "?state=failed"
    assert (
        f'<a href="{organizations}"><strong>1</strong> organization waiting for verification</a>'
        in content
    )
    assert f'<a href="{deliveries}"><strong>1</strong> failed delivery</a>' in content

    for _ in range(3):
        delivery(DeliveryState.FAILED)
        OrganizationFactory(status=Organization.Status.APPLIED)
    after, content = _home_queries(client)

    assert after == before
    assert "<strong>4</strong> organizations waiting for verification" in content
    assert "<strong>4</strong> failed deliveries" in content
    waiting = client.get(organizations).context["page"].object_list
    assert len(waiting) == 4 and {o.status for o in waiting} == {Organization.Status.APPLIED}
    failed = client.get(deliveries).context["page"].object_list
    assert [d.state for d in failed] == [DeliveryState.FAILED] * 4


def test_only_administrators_see_the_counts(client, org_admin, applied_organization):
    client.force_login(org_admin)

    content = client.get(reverse("home")).content.decode()

    assert "waiting for verification" not in content and "failed deliver" not in content


def test_a_verified_organization_comes_with_no_decision_chosen(client, administrator, provider):
    client.force_login(administrator)
    url = reverse("accounts:organization_detail", args=[provider.public_id])

    content = client.get(url).content.decode()

    [suspend] = re.findall(r"<input[^>]*value=\"suspend\"[^>]*>", content)
    assert "checked" not in suspend


def test_a_decision_with_nothing_chosen_is_refused_next_to_the_field(
    client, administrator, provider
):
    client.force_login(administrator)
    url = reverse("accounts:organization_status", args=[provider.public_id])

    response = client.post(url, {"reason": "Audit found a problem"})

    content = response.content.decode()
    assert response.status_code == 200
    assert re.search(
        r'id="error_1_id_decision"[^>]*>\s*<strong>Choose what to do with this organization.',
        content,
    ), content
    assert 'href="#id_decision_0">What do you decide?: Choose what to do' in content
    provider.refresh_from_db()
    assert provider.status == Organization.Status.VERIFIED


@override_settings(PORTAL_SUPPORT_EMAIL="referrals-support@example.ny.gov")
def test_a_declined_applicant_is_told_the_reason_recorded(
    client,
    administrator,
    applied_organization,
    drain_outbox,
):
    invitation = applied_organization.invitations.get()
    services.decline_organization(
        organization=applied_organization,
        actor=administrator,
        reason="The designation could not be found on the OVS list.",
    )

    drain_outbox("accounts.application_declined", all_done=True)

    [message] = mail.outbox
    assert message.to == [invitation.email]
    assert (
        "The reason recorded by the State:\n"
        "The designation could not be found on the OVS list.\n" in message.body
    )
    assert "Office of Temporary and Disability Assistance at referrals-support@example.ny.gov" in (
        message.body
    )
    assert invitation.first_name not in message.body
    assert applied_organization.name not in message.body


@pytest.mark.parametrize(
    "name", ["accounts:apply", "accounts:organization_status", "accounts:organization_detail"]
)
def test_each_accounts_form_carries_its_token_once(client, administrator, provider, name):
    if name != "accounts:apply":
        client.force_login(administrator)
    args = [] if name == "accounts:apply" else [provider.public_id]

    content = client.get(reverse(name, args=args)).content.decode()

    forms_posting = content.count('method="post"')
    assert content.count('name="csrfmiddlewaretoken"') == forms_posting >= 1
