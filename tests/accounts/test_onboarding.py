"""Each step of onboarding through the pages: apply, verify or decline, the e-mailed
invitation, opening the account, and the authenticator that must come before anything else."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import AuditEvent, Invitation, Organization, User
from accounts.usernames import assigned_username
from referral_portal.models import OutboxMessage
from referral_portal.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
STRONG_PASSWORD = "lantern orchard bicycle meadow"
Action = AuditEvent.Action


def _link_from_last_mail() -> str:
    match = re.search(r"https?://\S+/organizations/invitation/(\S+)/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return reverse("accounts:invitation_link", args=[match.group(1)])


def _verify(client, administrator, organization):
    client.force_login(administrator)
    response = client.post(
        reverse("accounts:organization_status", args=[organization.public_id]),
        {"decision": "verify", "reason": "Checked against the designation list"},
    )
    client.logout()
    return response


# --- applying ------------------------------------------------------------------------------


def test_the_application_form_is_public_and_explains_itself(client):
    response = client.get(reverse("accounts:apply"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Apply for access for your organization" in content
    assert 'name="admin_email"' in content


def test_an_application_creates_an_organization_waiting_for_verification(
    client,
    application_data,
    administrator,
    drain_outbox,
):
    response = client.post(reverse("accounts:apply"), application_data)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:apply_received")
    organization = Organization.objects.get(name=application_data["name"])
    assert organization.status == Organization.Status.APPLIED
    assert organization.verified_at is None
    invitation = organization.invitations.get()
    assert invitation.role == Role.ORG_ADMIN
    assert invitation.email == application_data["admin_email"]
    assert invitation.state == Invitation.State.AWAITING_VERIFICATION
    assert invitation.token_hash == ""
    assert AuditEvent.objects.filter(
        action=Action.ORGANIZATION_APPLIED, organization=organization
    ).exists()
    # Administrators hear about it; the applicant gets nothing until a decision.
    assert drain_outbox(all_done=True) == 1
    assert mail.outbox[-1].bcc == [administrator.email]
    assert str(organization.public_id) in mail.outbox[-1].body
    assert application_data["name"] not in mail.outbox[-1].body
    received = client.get(response["Location"])
    assert application_data["name"] in received.content.decode()


def test_a_provider_must_give_its_designation(client, application_data):
    application_data.update(designating_agency="", designation_date="")

    response = client.post(reverse("accounts:apply"), application_data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Choose the agency that designated your organization." in content
    assert 'aria-describedby="id_designating_agency_helptext id_designating_agency_error"' in (
        content
    )
    assert not Organization.objects.filter(name=application_data["name"]).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postal_code", "1220", "5-digit ZIP"),
        ("phone", "call me", "area code"),
        ("admin_email", "not-an-address", "valid email"),
        ("designation_date", "2999-01-01", "cannot be in the future"),
        ("name", "", "This field is required"),
        ("name", "x" * 201, "at most 200"),
        ("kind", "spaceship", "Select a valid choice"),
        ("county", "987654", "Select a valid choice"),
        ("name", "Evil\x00Org", "Null characters are not allowed"),
    ],
)
def test_bad_application_input_is_an_error_next_to_its_field_never_a_crash(
    client, application_data, field, value, message
):
    before = Organization.objects.count()
    application_data[field] = value

    response = client.post(reverse("accounts:apply"), application_data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Organization.objects.count() == before


def test_extra_fields_cannot_make_an_organization_verified(client, application_data):
    application_data.update(status="verified", verified_at="2020-01-01T00:00:00Z")

    client.post(reverse("accounts:apply"), application_data)

    assert Organization.objects.get(name=application_data["name"]).status == "applied"


def test_applications_from_one_address_are_limited(client, application_data, settings, faker):
    settings.ACCOUNTS_APPLY_RATE = "2/h"
    before = Organization.objects.count()
    for _ in range(2):
        application_data.update(name=faker.company(), admin_email=faker.unique.email())
        assert client.post(reverse("accounts:apply"), application_data).status_code == 302

    application_data.update(name=faker.company(), admin_email=faker.unique.email())
    response = client.post(reverse("accounts:apply"), application_data)

    assert response.status_code == 429
    assert "<h1>Too many attempts</h1>" in response.content.decode()  # the one 429 page
    assert 0 < int(response["Retry-After"]) <= 3600
    assert Organization.objects.count() == before + 2


# --- deciding ------------------------------------------------------------------------------


def test_verifying_sends_the_first_administrator_an_invitation_link_only(
    client,
    administrator,
    applied_organization,
    drain_outbox,
):
    invitation = applied_organization.invitations.get()

    response = _verify(client, administrator, applied_organization)

    assert response.status_code == 302
    applied_organization.refresh_from_db()
    assert applied_organization.status == Organization.Status.VERIFIED
    assert applied_organization.verified_at is not None
    event = AuditEvent.objects.get(action=Action.ORGANIZATION_VERIFIED)
    assert (event.actor, event.organization) == (administrator, applied_organization)
    assert event.reason == "Checked against the designation list"
    assert drain_outbox("accounts.send_invitation", all_done=True) == 1
    message = mail.outbox[-1]
    assert message.to == [invitation.email]
    # A link and a reference; not the person's name, not the organization's.
    assert invitation.first_name not in message.body
    assert invitation.last_name not in message.body
    assert applied_organization.name not in message.body
    token = _link_from_last_mail().rstrip("/").rsplit("/", 1)[1]
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.SENT
    assert invitation.token_hash == Invitation.hash_token(token) != token
    assert invitation.expires_at - invitation.sent_at == timedelta(hours=72)


def test_declining_needs_a_reason_and_tells_the_applicant(
    client,
    administrator,
    applied_organization,
    drain_outbox,
):
    client.force_login(administrator)
    url = reverse("accounts:organization_status", args=[applied_organization.public_id])

    without_reason = client.post(url, {"decision": "decline", "reason": ""})
    assert without_reason.status_code == 200
    assert "This field is required" in without_reason.content.decode()

    client.post(url, {"decision": "decline", "reason": "Not a designated provider"})

    applied_organization.refresh_from_db()
    assert applied_organization.status == Organization.Status.DECLINED
    assert applied_organization.invitations.get().state == Invitation.State.REVOKED
    drain_outbox(all_done=True)
    assert "was not approved" in mail.outbox[-1].body


def test_an_organization_administrator_cannot_decide(client, org_admin, applied_organization):
    client.force_login(org_admin)

    response = client.post(
        reverse("accounts:organization_status", args=[applied_organization.public_id]),
        {"decision": "verify", "reason": "mine"},
    )

    assert response.status_code == 403
    applied_organization.refresh_from_db()
    assert applied_organization.status == Organization.Status.APPLIED


def test_a_decision_that_does_not_fit_the_status_is_refused(
    client, administrator, applied_organization
):
    client.force_login(administrator)

    response = client.post(
        reverse("accounts:organization_status", args=[applied_organization.public_id]),
        {"decision": "reinstate", "reason": "try"},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    applied_organization.refresh_from_db()
    assert applied_organization.status == Organization.Status.APPLIED


# --- the invitation link and the new account -----------------------------------------------


@pytest.fixture
def invitation_link(client, administrator, applied_organization, drain_outbox):
    _verify(client, administrator, applied_organization)
    drain_outbox("accounts.send_invitation", all_done=True)
    return _link_from_last_mail()


def test_the_link_moves_its_secret_out_of_the_address(client, invitation_link):
    response = client.get(invitation_link)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:accept_invitation")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Open your account" in page.content.decode()


def test_accepting_opens_the_account_and_requires_an_authenticator_first(
    client, invitation_link, applied_organization
):
    client.get(invitation_link)

    invitation = applied_organization.invitations.get()
    assigned = assigned_username(invitation)
    page = client.get(reverse("accounts:accept_invitation"))
    assert f'value="{assigned}"' in page.content.decode()

    # A username posted anyway is ignored: the invitation fixes it.
    response = client.post(
        reverse("accounts:accept_invitation"),
        {"username": "New.Officer", "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert not User.objects.filter(username__iexact="new.officer").exists()
    user = User.objects.get(username=assigned)
    invitation.refresh_from_db()
    assert re.fullmatch(r"[a-z]+-[0-9]{4}", assigned)
    assert (user.organization, user.role) == (applied_organization, Role.ORG_ADMIN)
    assert (user.email, user.first_name) == (invitation.email, invitation.first_name)
    assert user.check_password(STRONG_PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    assert invitation.accepted_by == user and invitation.state == Invitation.State.ACCEPTED
    assert AuditEvent.objects.filter(action=Action.INVITATION_ACCEPTED, subject=user).exists()
    # Signed in, but every page leads to authenticator set-up until it is done.
    assert not Authenticator.objects.filter(user=user).exists()
    for name in ("home", "usersessions_list", "accounts:apply"):
        page = client.get(reverse(name))
        assert page.status_code == 302 and page["Location"] == reverse("mfa_activate_totp")
    enrolment = client.get(reverse("mfa_activate_totp"))
    assert enrolment.status_code == 200
    secret = re.search(r'id="authenticator-secret">([A-Z2-7]+)<', enrolment.content.decode())
    assert secret, "the setup key must be shown as text"
    assert 'src="data:image/svg+xml;base64,' in enrolment.content.decode()


def test_a_short_password_is_refused_next_to_the_field(client, invitation_link):
    client.get(invitation_link)

    response = client.post(
        reverse("accounts:accept_invitation"),
        {"password1": "short words", "password2": "short words"},
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "at least 15 characters" in content
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in content
    assert not User.objects.filter(email__iexact=Invitation.objects.get().email).exists()


@pytest.mark.parametrize(
    "password",
    [
        "trafficking referral portal",  # the portal's own words
        "1q2w3e4r5t6y7u8i9o0p",  # common
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        * 4,  # too long (over 256)
    ],
)
def test_guessable_passwords_are_refused(client, invitation_link, password):
    client.get(invitation_link)

    response = client.post(
        reverse("accounts:accept_invitation"),
        {"password1": password, "password2": password},
    )

    assert response.status_code == 200
    assert not User.objects.filter(email__iexact=Invitation.objects.get().email).exists()


def test_an_invitation_works_once(client, invitation_link):
    client.get(invitation_link)
    data = {"password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD}
    client.post(reverse("accounts:accept_invitation"), data)
    client.logout()

    again = client.get(invitation_link)

    assert again.status_code == 200
    assert "This invitation link cannot be used" in again.content.decode()
    assert client.get(reverse("accounts:accept_invitation")).status_code == 200
    assert User.objects.filter(email__iexact=Invitation.objects.get().email).count() == 1


def test_an_invitation_used_in_two_tabs_opens_one_account(client, invitation_link):
    client.get(invitation_link)
    data = {"password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD}
    client.post(reverse("accounts:accept_invitation"), data)

    token = invitation_link.rstrip("/").rsplit("/", 1)[1]
    with pytest.raises(services.AccountRuleError):
        services.accept_invitation(token=token, password=STRONG_PASSWORD)
    assert User.objects.filter(email__iexact=Invitation.objects.get().email).count() == 1


def test_an_invitation_expires(client, invitation_link):
    with time_machine.travel(timezone.now() + timedelta(hours=72, minutes=1)):
        response = client.get(invitation_link)

    assert "This invitation link cannot be used" in response.content.decode()


def test_an_expired_link_opened_in_time_cannot_be_finished_late(client, invitation_link):
    client.get(invitation_link)
    data = {"password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD}

    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        response = client.post(reverse("accounts:accept_invitation"), data)

    assert "This invitation link cannot be used" in response.content.decode()
    assert not User.objects.filter(email__iexact=Invitation.objects.get().email).exists()


def test_a_username_someone_already_has_is_never_revealed(client, invitation_link):
    """The invitee never chooses, so there is no "taken" answer to learn from: when the first
    assigned name is someone else's, the page looks the same with another name."""
    client.get(invitation_link)
    invitation = Invitation.objects.get()
    first_choice = assigned_username(invitation)
    UserFactory(username=first_choice)

    page = client.get(reverse("accounts:accept_invitation")).content.decode()
    response = client.post(
        reverse("accounts:accept_invitation"),
        {"username": first_choice, "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD},
    )

    assert response.status_code == 302
    user = User.objects.get(invitation=invitation)
    assert user.username != first_choice
    assert user.username.split("-")[0] == first_choice.split("-")[0]
    assert f'value="{user.username}"' in page
    assert "taken" not in page


def test_unknown_and_tampered_links_look_like_expired_ones(client, invitation_link):
    for link in ("/organizations/invitation/nonsense/", invitation_link[:-5] + "AAAA/"):
        response = client.get(link)
        assert response.status_code == 200
        assert "This invitation link cannot be used" in response.content.decode()


def test_sending_again_replaces_the_link(client, invitation_link, administrator, drain_outbox):
    invitation = Invitation.objects.get()
    services.resend_invitation(invitation=invitation, actor=administrator)
    drain_outbox("accounts.send_invitation", all_done=True)
    new_link = _link_from_last_mail()

    assert new_link != invitation_link
    assert "cannot be used" in client.get(invitation_link).content.decode()
    assert client.get(new_link).status_code == 302


def test_a_suspended_organization_invitation_cannot_be_used(
    client, invitation_link, administrator, applied_organization
):
    services.suspend_organization(
        organization=applied_organization, actor=administrator, reason="Under review"
    )

    assert "cannot be used" in client.get(invitation_link).content.decode()


# --- organization administrators invite their own staff ------------------------------------


def test_an_organization_administrator_invites_a_colleague(client, org_admin, faker, drain_outbox):
    client.force_login(org_admin)
    url = reverse("accounts:invite", args=[org_admin.organization.public_id])
    page = client.get(url)
    assert [c[0] for c in page.context["form"].fields["role"].choices] == [
        Role.REFERRER,
        Role.ORG_ADMIN,
    ]

    response = client.post(
        url,
        {
            "first_name": faker.first_name(),
            "last_name": faker.last_name(),
            "email": "colleague@example.net",
            "job_title": "",
            "phone": "",
            "role": Role.REFERRER,
        },
    )

    assert response.status_code == 302
    invitation = Invitation.objects.get(email="colleague@example.net")
    assert (invitation.invited_by, invitation.role) == (org_admin, Role.REFERRER)
    drain_outbox(all_done=True)
    assert mail.outbox[-1].to == ["colleague@example.net"]


def test_an_organization_administrator_cannot_open_reviewer_accounts(client, org_admin, faker):
    client.force_login(org_admin)

    response = client.post(
        reverse("accounts:invite", args=[org_admin.organization.public_id]),
        {
            "first_name": faker.first_name(),
            "last_name": faker.last_name(),
            "email": "reviewer@example.net",
            "role": Role.STATE_REVIEWER,
        },
    )

    assert response.status_code == 200
    assert not Invitation.objects.exists()
    with pytest.raises(services.AccountRuleError):
        services.invite_person(
            organization=org_admin.organization,
            actor=org_admin,
            email="reviewer@example.net",
            first_name="A",
            last_name="B",
            job_title="",
            phone="",
            role=Role.ADMINISTRATOR,
        )


def test_state_agency_roles_are_given_by_administrators(client, administrator, state_agency):
    client.force_login(administrator)

    page = client.get(reverse("accounts:invite", args=[state_agency.public_id]))

    assert {c[0] for c in page.context["form"].fields["role"].choices} == {
        Role.STATE_REVIEWER,
        Role.STATE_SUPERVISOR,
        Role.ADMINISTRATOR,
        Role.ORG_ADMIN,
    }


def test_receiving_agencies_invite_receiving_agency_users(client, administrator):
    from tests.factories import OrganizationFactory

    ldss = OrganizationFactory(
        kind=Organization.Kind.LOCAL_DSS, designating_agency="", designation_date=None
    )
    client.force_login(administrator)

    page = client.get(reverse("accounts:invite", args=[ldss.public_id]))

    assert [c[0] for c in page.context["form"].fields["role"].choices] == [
        Role.RECEIVING_AGENCY,
        Role.ORG_ADMIN,
    ]


def test_an_address_with_an_account_cannot_be_invited_twice(client, org_admin, staff_member):
    client.force_login(org_admin)

    response = client.post(
        reverse("accounts:invite", args=[org_admin.organization.public_id]),
        {
            "first_name": "Sam",
            "last_name": "Doe",
            "email": staff_member.email.upper(),
            "role": Role.REFERRER,
        },
    )

    assert "already exists" in response.content.decode()
    assert not Invitation.objects.exists()


def test_another_organization_is_not_found(client, org_admin, applied_organization):
    client.force_login(org_admin)

    for name in ("organization_detail", "invite"):
        response = client.get(reverse(f"accounts:{name}", args=[applied_organization.public_id]))
        assert response.status_code == 404


def test_withdrawing_an_invitation_kills_its_link(client, org_admin, drain_outbox):
    invitation = services.invite_person(
        organization=org_admin.organization,
        actor=org_admin,
        email="temp@example.net",
        first_name="Temp",
        last_name="Worker",
        job_title="",
        phone="",
        role=Role.REFERRER,
    )
    drain_outbox(all_done=True)
    link = _link_from_last_mail()
    client.force_login(org_admin)

    client.post(reverse("accounts:invitation_revoke", args=[invitation.public_id]))
    client.logout()

    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.REVOKED
    assert "cannot be used" in client.get(link).content.decode()
    assert OutboxMessage.objects.filter(kind="accounts.send_invitation").count() == 1
