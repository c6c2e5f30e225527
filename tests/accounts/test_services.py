"""The rules of accounts.services, the inactivity sweep and its task, change history, and the
demo seed."""

from datetime import timedelta

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts import demo, services, tasks
from accounts.models import AuditEvent, Organization, User
from referral_portal.roles import Role
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = Organization.Status


@pytest.mark.parametrize(
    ("start", "decision", "allowed"),
    [
        (Status.APPLIED, "verify", True),
        (Status.APPLIED, "decline", True),
        (Status.APPLIED, "suspend", False),
        (Status.VERIFIED, "suspend", True),
        (Status.VERIFIED, "verify", False),
        (Status.VERIFIED, "decline", False),
        (Status.SUSPENDED, "reinstate", True),
        (Status.SUSPENDED, "verify", False),
        (Status.REINSTATED, "suspend", True),
        (Status.DECLINED, "verify", False),
        (Status.DECLINED, "reinstate", False),
    ],
)
def test_organization_status_moves_only_along_the_allowed_paths(
    administrator, start, decision, allowed
):
    organization = OrganizationFactory(status=start)

    if allowed:
        services.decide_organization(
            organization=organization, actor=administrator, decision=decision, reason="why"
        )
        organization.refresh_from_db()
        assert organization.status == services.DECISIONS[decision].to_status
        assert AuditEvent.objects.filter(
            organization=organization, action=services.DECISIONS[decision].action
        ).exists()
    else:
        with pytest.raises(services.AccountRuleError):
            services.decide_organization(
                organization=organization, actor=administrator, decision=decision, reason="why"
            )
        organization.refresh_from_db()
        assert organization.status == start


def test_decisions_need_an_acting_administrator_and_a_reason(administrator, org_admin):
    organization = OrganizationFactory(status=Status.APPLIED)

    with pytest.raises(services.AccountRuleError, match="Only an administrator"):
        services.verify_organization(organization=organization, actor=org_admin, reason="x")
    with pytest.raises(services.AccountRuleError, match="reason"):
        services.verify_organization(organization=organization, actor=administrator, reason=" ")


def test_a_provider_without_designation_cannot_be_verified(administrator):
    organization = OrganizationFactory(
        status=Status.APPLIED, designating_agency="", designation_date=None
    )

    with pytest.raises(services.AccountRuleError, match="designating agency"):
        services.verify_organization(organization=organization, actor=administrator, reason="x")


def test_the_database_refuses_an_unknown_status(provider):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=provider.pk).update(status="approved-ish")


def test_audit_events_cannot_be_changed_or_deleted(administrator, provider):
    services.suspend_organization(organization=provider, actor=administrator, reason="audit")
    event = AuditEvent.objects.get(action=AuditEvent.Action.ORGANIZATION_SUSPENDED)

    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - pgtrigger's error
        AuditEvent.objects.filter(pk=event.pk).update(reason="nothing happened")
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017
        event.delete()


def test_an_organization_administrator_manages_only_their_own_people(org_admin, administrator):
    outsider = UserFactory()
    colleague_admin = UserFactory(role=Role.ORG_ADMIN, organization=org_admin.organization)

    with pytest.raises(services.AccountRuleError):
        services.deactivate_person(person=outsider, actor=org_admin, reason="x")
    with pytest.raises(services.AccountRuleError):
        services.deactivate_person(person=org_admin, actor=org_admin, reason="myself")
    services.deactivate_person(person=colleague_admin, actor=org_admin, reason="left")
    services.deactivate_person(person=outsider, actor=administrator, reason="left")

    assert not User.objects.get(pk=outsider.pk).is_active
    with pytest.raises(services.AccountRuleError, match="already"):
        services.deactivate_person(person=outsider, actor=administrator, reason="again")


def test_a_deactivated_organization_administrator_can_do_nothing(org_admin, administrator):
    services.deactivate_person(person=org_admin, actor=administrator, reason="left")
    org_admin.refresh_from_db()

    with pytest.raises(services.AccountRuleError):
        services.invite_person(
            organization=org_admin.organization,
            actor=org_admin,
            email="x@example.net",
            first_name="X",
            last_name="Y",
            job_title="",
            phone="",
            role=Role.REFERRER,
        )


def test_changing_a_role_is_recorded_and_ends_sessions(administrator, staff_member, client):
    client.force_login(staff_member)
    client.get("/accounts/sessions/")

    services.update_person(
        person=staff_member,
        actor=administrator,
        reason="Promoted",
        changes={"role": Role.ORG_ADMIN},
    )

    staff_member.refresh_from_db()
    assert staff_member.role == Role.ORG_ADMIN
    assert staff_member.groups.get().name == "Organization administrator"
    assert not UserSession.objects.filter(user=staff_member).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.PERSON_UPDATED)
    assert event.reason == "Promoted (changed: role)"
    with pytest.raises(services.AccountRuleError, match="does not exist"):
        services.update_person(
            person=staff_member,
            actor=administrator,
            reason="x",
            changes={"role": Role.STATE_REVIEWER},
        )


# --- the inactivity sweep ------------------------------------------------------------------


def test_accounts_unused_for_90_days_are_disabled(staff_member, provider):
    now = timezone.now()
    User.objects.filter(pk=staff_member.pk).update(
        last_login=now - timedelta(days=91), date_joined=now - timedelta(days=400)
    )
    recent = UserFactory(organization=provider)
    User.objects.filter(pk=recent.pk).update(
        last_login=now - timedelta(days=89), date_joined=now - timedelta(days=400)
    )
    never_signed_in_new = UserFactory(organization=provider)
    never_signed_in_old = UserFactory(organization=provider)
    User.objects.filter(pk=never_signed_in_old.pk).update(date_joined=now - timedelta(days=95))
    reactivated = UserFactory(organization=provider)
    User.objects.filter(pk=reactivated.pk).update(
        last_login=now - timedelta(days=200),
        date_joined=now - timedelta(days=400),
        reactivated_at=now - timedelta(days=3),
    )

    assert services.disable_inactive_accounts() == 2

    active = dict(User.objects.values_list("pk", "is_active"))
    assert active[staff_member.pk] is False
    assert active[never_signed_in_old.pk] is False
    assert active[recent.pk] and active[never_signed_in_new.pk] and active[reactivated.pk]
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.PERSON_DISABLED_INACTIVE, subject=staff_member
    )
    assert event.actor is None and "90 days" in event.reason
    assert User.objects.get(pk=staff_member.pk).deactivated_reason == "Not used for 90 days"


def test_the_beat_task_runs_the_sweep(staff_member, settings):
    settings.ACCOUNT_INACTIVITY_DISABLE_DAYS = 90
    User.objects.filter(pk=staff_member.pk).update(
        last_login=timezone.now() - timedelta(days=100),
        date_joined=timezone.now() - timedelta(days=100),
    )
    with time_machine.travel(timezone.now()):
        assert tasks.disable_inactive_accounts.apply().get() == 1
        assert tasks.disable_inactive_accounts.apply().get() == 0
    assert "accounts.tasks.disable_inactive_accounts" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_reactivating_gives_the_account_a_fresh_90_days(staff_member, org_admin):
    User.objects.filter(pk=staff_member.pk).update(
        last_login=timezone.now() - timedelta(days=100),
        date_joined=timezone.now() - timedelta(days=100),
    )
    services.disable_inactive_accounts()
    services.reactivate_person(person=staff_member, actor=org_admin, reason="Back from leave")

    assert services.disable_inactive_accounts() == 0
    staff_member.refresh_from_db()
    assert staff_member.is_active and staff_member.deactivated_reason == ""


# --- change history ------------------------------------------------------------------------


def test_organization_and_person_changes_are_kept_in_history(administrator, staff_member):
    services.suspend_organization(
        organization=staff_member.organization, actor=administrator, reason="audit"
    )
    staff_member.set_password("another long passphrase here")
    staff_member.save()

    org_events = list(
        Organization.pgh_event_model.objects.filter(pgh_obj=staff_member.organization)
        .order_by("pgh_id")
        .values_list("status", flat=True)
    )
    assert org_events[-1] == Status.SUSPENDED
    user_event_model = User.pgh_event_model
    field_names = {field.name for field in user_event_model._meta.fields}
    assert "password" not in field_names and "last_login" not in field_names
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {user_event_model._meta.db_table} WHERE pgh_obj_id = %s",  # noqa: S608
            [staff_member.pk],
        )
        (count,) = cursor.fetchone()
    # Created once; the password change alone added no history row.
    assert count == 1


# --- demo accounts -------------------------------------------------------------------------


def test_the_demo_seed_is_idempotent_and_enrols_authenticators():
    first = demo.seed()
    count = User.objects.count()
    second = demo.seed(previous=first)  # what seed_demo reads back from the accounts file

    assert first == second
    assert User.objects.count() == count
    import pyotp
    from allauth.mfa.models import Authenticator

    for account in first:
        user = User.objects.get(username=account["username"])
        assert user.check_password(account["password"])
        assert Authenticator.objects.filter(user=user, type="totp").exists()
        assert len(pyotp.TOTP(account["totp_secret"]).now()) == 6
