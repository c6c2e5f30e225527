"""The Django admin for administrators: filters and search, actions that ask for a reason and
go through the services, read-only audit records."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent, Invitation, Organization, User
from referral_portal.roles import Role
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
ORGS = "admin:accounts_organization_changelist"
PEOPLE = "admin:accounts_user_changelist"


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.mark.parametrize(
    "query",
    ["", "?status__exact=applied", "?kind__exact=law_enforcement&q=police", "?county__id__exact=1"],
)
def test_the_organization_list_filters_and_searches(
    admin_client, applied_organization, query, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        response = admin_client.get(reverse(ORGS) + query)

    assert response.status_code == 200


def test_verifying_from_the_admin_asks_why_then_sends_the_invitation(
    admin_client,
    applied_organization,
    administrator,
    drain_outbox,
):
    selection = {"action": "verify", "_selected_action": [applied_organization.pk]}

    intermediate = admin_client.post(reverse(ORGS), selection)
    assert intermediate.status_code == 200
    assert "give a reason" in intermediate.content.decode()
    applied_organization.refresh_from_db()
    assert applied_organization.status == Organization.Status.APPLIED

    without_reason = admin_client.post(reverse(ORGS), {**selection, "apply": "1", "reason": ""})
    assert without_reason.status_code == 200
    applied_organization.refresh_from_db()
    assert applied_organization.status == Organization.Status.APPLIED

    done = admin_client.post(
        reverse(ORGS), {**selection, "apply": "1", "reason": "Known agency, checked by phone"}
    )
    assert done.status_code == 302
    applied_organization.refresh_from_db()
    assert applied_organization.status == Organization.Status.VERIFIED
    event = AuditEvent.objects.get(action=AuditEvent.Action.ORGANIZATION_VERIFIED)
    assert (event.actor, event.reason) == (administrator, "Known agency, checked by phone")
    drain_outbox("accounts.send_invitation", all_done=True)
    assert mail.outbox[-1].to == [applied_organization.invitations.get().email]


def test_an_action_that_does_not_fit_reports_and_changes_nothing(admin_client, provider):
    response = admin_client.post(
        reverse(ORGS),
        {"action": "reinstate", "_selected_action": [provider.pk], "apply": "1", "reason": "x"},
        follow=True,
    )

    assert "cannot be reinstated" in response.content.decode()
    provider.refresh_from_db()
    assert provider.status == Organization.Status.VERIFIED


def test_editing_an_organization_needs_a_reason_and_is_recorded(admin_client, provider):
    url = reverse("admin:accounts_organization_change", args=[provider.pk])
    page = admin_client.get(url)
    data = {
        **{k: v for k, v in page.context["adminform"].form.initial.items() if v is not None},
        "name": "Renamed Family Services",
        "county": provider.county_id,
        "designation_date": provider.designation_date.isoformat(),
    }

    without_reason = admin_client.post(url, {**data, "change_reason": ""})
    assert without_reason.status_code == 200
    admin_client.post(url, {**data, "change_reason": "Legal name changed"})

    provider.refresh_from_db()
    assert provider.name == "Renamed Family Services"
    event = AuditEvent.objects.get(action=AuditEvent.Action.ORGANIZATION_UPDATED)
    assert event.reason == "Legal name changed (changed: name)"


@pytest.mark.parametrize(
    "query",
    ["", "?role__exact=referrer", "?is_active__exact=1", "?q=person", "?organization__id__exact=1"],
)
def test_the_people_list_filters_by_role_organization_and_state(
    admin_client, staff_member, query, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        response = admin_client.get(reverse(PEOPLE) + query)

    assert response.status_code == 200
    if not query:
        assert "Last login" in response.content.decode()


def test_deactivating_from_the_admin(admin_client, staff_member):
    admin_client.post(
        reverse(PEOPLE),
        {
            "action": "deactivate",
            "_selected_action": [staff_member.pk],
            "apply": "1",
            "reason": "Contract ended",
        },
    )

    staff_member.refresh_from_db()
    assert not staff_member.is_active
    assert staff_member.deactivated_reason == "Contract ended"


def test_people_are_added_only_by_invitation_and_never_deleted(admin_client, staff_member):
    assert admin_client.get(reverse("admin:accounts_user_add")).status_code == 403
    assert (
        admin_client.get(reverse("admin:accounts_user_delete", args=[staff_member.pk])).status_code
        == 403
    )


def test_the_audit_record_is_read_only_and_searchable(admin_client, administrator, provider):
    from accounts import services

    services.suspend_organization(organization=provider, actor=administrator, reason="Fraud")
    event = AuditEvent.objects.get()

    assert admin_client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    listing = admin_client.get(reverse("admin:accounts_auditevent_changelist") + "?q=Fraud")
    assert listing.status_code == 200 and "Fraud" in listing.content.decode()
    detail = admin_client.get(reverse("admin:accounts_auditevent_change", args=[event.pk]))
    assert detail.status_code == 200
    assert 'name="reason"' not in detail.content.decode()


def test_invitation_secrets_never_show_in_the_admin(admin_client, org_admin, drain_outbox):
    from accounts import services

    invitation = services.invite_person(
        organization=org_admin.organization,
        actor=org_admin,
        email="new@example.net",
        first_name="New",
        last_name="Person",
        job_title="",
        phone="",
        role=Role.REFERRER,
    )
    drain_outbox(all_done=True)
    invitation.refresh_from_db()

    page = admin_client.get(reverse("admin:accounts_invitation_change", args=[invitation.pk]))

    assert page.status_code == 200
    assert invitation.token_hash not in page.content.decode()
    assert Invitation.objects.get().token_hash


def test_only_administrators_reach_the_admin(client, org_admin):
    client.force_login(org_admin)

    assert client.get("/manage/").status_code == 403


def test_the_admin_groups_match_the_roles(administrator):
    assert administrator.is_staff
    assert administrator.has_perm("accounts.change_organization")
    assert not administrator.has_perm("accounts.delete_user")
    referrer = User.objects.create(
        username="plain", role=Role.REFERRER, organization=OrganizationFactory()
    )
    assert not referrer.is_staff and not referrer.has_perm("accounts.view_user")


def test_an_administrator_resets_a_lost_authenticator(admin_client, client, staff_member):
    from allauth.mfa.models import Authenticator

    from tests.accounts.conftest import sign_in
    from tests.factories import PASSWORD

    person_client = client.__class__()
    sign_in(person_client, staff_member)

    admin_client.post(
        reverse(PEOPLE),
        {
            "action": "reset_authenticator",
            "_selected_action": [staff_member.pk],
            "apply": "1",
            "reason": "Lost phone; identity checked by video call with the supervisor",
        },
    )

    assert not Authenticator.objects.filter(user=staff_member).exists()
    assert person_client.get("/accounts/sessions/").status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.AUTHENTICATOR_RESET)
    assert event.subject == staff_member and "identity checked" in event.reason
    # Next sign-in: password, then straight to setting up a new app.
    fresh = client.__class__()
    fresh.post("/accounts/login/", {"login": staff_member.username, "password": PASSWORD})
    assert fresh.get("/")["Location"] == reverse("mfa_activate_totp")
