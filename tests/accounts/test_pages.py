"""The portal's own organization pages: who sees what, last sign-in, fixed query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Organization, User
from referral_portal.roles import Role
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_organization_page_shows_each_person_s_last_sign_in(client, org_admin, provider):
    signed_in = UserFactory(organization=provider, first_name="Avery", last_name="Stone")
    User.objects.filter(pk=signed_in.pk).update(
        last_login=timezone.make_aware(timezone.datetime(2026, 3, 4, 9, 30))
    )
    UserFactory(organization=provider, first_name="Blake", last_name="Never")
    client.force_login(org_admin)

    page = client.get(reverse("accounts:organization_detail", args=[provider.public_id]))

    content = page.content.decode()
    assert "Avery Stone" in content and "Mar 4, 2026, 9:30 a.m." in content
    assert "Never" in content
    assert "Invite someone" in content
    assert "First administrator named in the application" not in content  # administrators only


def test_the_organization_page_costs_the_same_for_many_people(client, org_admin, provider):
    client.force_login(org_admin)
    url = reverse("accounts:organization_detail", args=[provider.public_id])
    client.get(url)
    few = _queries(client, url)
    for _ in range(15):
        UserFactory(organization=provider, mfa=False)
    for index in range(5):
        services.invite_person(
            organization=provider,
            actor=org_admin,
            email=f"invitee{index}@example.net",
            first_name="In",
            last_name=f"Vitee{index}",
            job_title="",
            phone="",
            role=Role.REFERRER,
        )

    many = _queries(client, url)

    assert many == few
    assert many <= 22


def test_the_organization_list_is_for_administrators(
    client, administrator, applied_organization, django_assert_max_num_queries
):
    for _ in range(10):
        OrganizationFactory()
    client.force_login(administrator)

    with django_assert_max_num_queries(16):
        page = client.get(reverse("accounts:organization_list"))

    rows = list(page.context["page"].object_list)
    assert rows[0] == applied_organization  # waiting for a decision: first
    filtered = client.get(reverse("accounts:organization_list"), {"status": "applied"})
    assert list(filtered.context["page"].object_list) == [applied_organization]
    bad = client.get(reverse("accounts:organization_list"), {"status": "nonsense", "page": "x"})
    assert bad.status_code == 200


def test_the_administrator_sees_the_application_and_decides_on_the_page(
    client, administrator, applied_organization
):
    client.force_login(administrator)

    url = reverse("accounts:organization_detail", args=[applied_organization.public_id])
    page = client.get(url)

    content = page.content.decode()
    invitation = applied_organization.invitations.get()
    assert invitation.email in content and invitation.last_name in content
    assert 'value="verify"' in content and 'value="decline"' in content


def test_people_of_another_organization_are_not_found(client, org_admin):
    outsider = UserFactory()
    client.force_login(org_admin)

    for name in ("person_detail", "person_deactivate", "person_reactivate"):
        assert client.get(reverse(f"accounts:{name}", args=[outsider.public_id])).status_code == 404
    assert (
        client.post(reverse("accounts:person_end_sessions", args=[outsider.public_id])).status_code
        == 404
    )


def test_an_organization_administrator_cannot_touch_an_administrator(client, administrator):
    colleague = UserFactory(role=Role.ORG_ADMIN, organization=administrator.organization)
    client.force_login(colleague)

    page = client.get(reverse("accounts:person_detail", args=[administrator.public_id]))
    assert "Deactivate the account" not in page.content.decode()
    client.post(
        reverse("accounts:person_deactivate", args=[administrator.public_id]), {"reason": "x"}
    )

    administrator.refresh_from_db()
    assert administrator.is_active


def test_deactivating_needs_a_reason(client, org_admin, staff_member):
    client.force_login(org_admin)
    url = reverse("accounts:person_deactivate", args=[staff_member.public_id])

    response = client.post(url, {"reason": "   "})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    staff_member.refresh_from_db()
    assert staff_member.is_active


def test_reactivating_from_the_page(client, org_admin, staff_member):
    services.deactivate_person(person=staff_member, actor=org_admin, reason="On leave")
    client.force_login(org_admin)

    client.post(
        reverse("accounts:person_reactivate", args=[staff_member.public_id]),
        {"reason": "Back from leave"},
    )

    staff_member.refresh_from_db()
    assert staff_member.is_active and staff_member.reactivated_at is not None


@pytest.mark.parametrize(
    ("role", "link"),
    [
        (Role.ADMINISTRATOR, "Organizations"),
        (Role.ORG_ADMIN, "Your organization"),
        (Role.REFERRER, None),
        (Role.STATE_REVIEWER, None),
    ],
)
def test_the_main_navigation_offers_the_right_page(client, role, link):
    organization = OrganizationFactory(
        kind=Organization.Kind.STATE_AGENCY, designating_agency="", designation_date=None
    )
    client.force_login(UserFactory(role=role, organization=organization))

    content = client.get(reverse("home")).content.decode()

    for label in ("Organizations", "Your organization"):
        assert (f">{label}</a>" in content) == (label == link)


def test_invitations_show_until_when_they_work(client, org_admin):
    invitation = services.invite_person(
        organization=org_admin.organization,
        actor=org_admin,
        email="soon@example.net",
        first_name="Soon",
        last_name="Here",
        job_title="",
        phone="",
        role=Role.REFERRER,
    )
    services.issue_invitation_token(invitation_id=invitation.pk)
    client.force_login(org_admin)

    content = client.get(
        reverse("accounts:organization_detail", args=[org_admin.organization.public_id])
    ).content.decode()

    assert "soon@example.net" in content and "Sent" in content
    invitation.refresh_from_db()
    assert invitation.expires_at - timezone.now() > timedelta(hours=71)


def test_an_account_without_an_organization_still_shows(client, administrator):
    orphan = User.objects.create(username="installer", role=Role.ADMINISTRATOR, organization=None)
    client.force_login(administrator)

    page = client.get(reverse("accounts:person_detail", args=[orphan.public_id]))

    assert page.status_code == 200
    assert "Deactivate the account" not in page.content.decode()
