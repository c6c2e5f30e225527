"""Administrators place and lift legal holds in the admin, always with a reason; each change
is recorded (hold record, change history, admin log). Nobody else can."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from referral_portal.roles import Role
from referrals.models import Referral
from retention import services
from retention.models import LegalHoldChange
from tests.confirmations import helpers
from tests.factories import UserFactory
from tests.retention import cases

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:retention_retainedreferral_changelist"


@pytest.fixture
def administrator(client):
    user = helpers.administrator()
    client.force_login(user)
    return user


@pytest.fixture
def referral(db):
    return cases.withdrawn()


def _action(client, action, referral, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [referral.pk], **extra}
    return client.post(reverse(CHANGELIST), data)


def test_an_administrator_places_a_hold_with_a_reason_and_it_is_recorded(
    client, administrator, referral
):
    asked = _action(client, "place_legal_hold", referral)
    assert asked.status_code == 200 and "Reason" in asked.content.decode()
    assert not Referral.objects.get(pk=referral.pk).legal_hold

    done = _action(client, "place_legal_hold", referral, apply="yes", reason="Pending lawsuit")

    assert done.status_code == 302
    assert Referral.objects.get(pk=referral.pk).legal_hold
    change = LegalHoldChange.objects.get(referral_public_id=referral.public_id)
    assert (change.placed, change.reason, change.changed_by) == (
        True,
        "Pending lawsuit",
        administrator,
    )
    assert LogEntry.objects.filter(
        object_id=str(referral.pk), change_message="Legal hold placed."
    ).exists()
    latest = referral.history.order_by("-pgh_id").first()
    assert latest.legal_hold is True and latest.pgh_context.metadata["user"] == administrator.pk


def test_a_hold_needs_a_reason(client, administrator, referral):
    response = _action(client, "place_legal_hold", referral, apply="yes", reason="   ")

    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not Referral.objects.get(pk=referral.pk).legal_hold
    with pytest.raises(services.HoldRefused):
        services.place_legal_hold(referral=referral, actor=administrator, reason=" \n ")
    assert not LegalHoldChange.objects.exists()


def test_lifting_a_hold_is_recorded_too(client, administrator, referral):
    services.place_legal_hold(referral=referral, actor=administrator, reason="Audit")

    _action(client, "lift_legal_hold", referral, apply="yes", reason="Audit finished")

    assert not Referral.objects.get(pk=referral.pk).legal_hold
    assert list(
        LegalHoldChange.objects.order_by("changed_at", "id").values_list("placed", "reason")
    ) == [(True, "Audit"), (False, "Audit finished")]


def test_holding_twice_or_a_purged_referral_is_refused(administrator, referral):
    services.place_legal_hold(referral=referral, actor=administrator, reason="Audit")
    with pytest.raises(services.HoldRefused):
        services.place_legal_hold(referral=referral, actor=administrator, reason="Again")
    Referral.objects.filter(pk=referral.pk).update(legal_hold=False, purged_at=timezone.now())
    with pytest.raises(services.HoldRefused):
        services.place_legal_hold(referral=referral, actor=administrator, reason="Too late")


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_only_administrators_change_holds(client, referral, role):
    person = UserFactory(role=role)

    with pytest.raises(PermissionDenied):
        services.place_legal_hold(referral=referral, actor=person, reason="Because")
    client.force_login(person)
    response = _action(client, "place_legal_hold", referral, apply="yes", reason="Because")

    assert response.status_code == 403
    assert not Referral.objects.get(pk=referral.pk).legal_hold


def test_the_admin_shows_no_personal_fields(client, administrator, referral):
    listing = client.get(reverse(CHANGELIST)).content.decode()
    detail = client.get(
        reverse("admin:retention_retainedreferral_change", args=[referral.pk])
    ).content.decode()

    assert referral.reference in listing and referral.reference in detail
    for value in (referral.legal_name, referral.narrative, referral.address, referral.phone):
        assert value not in listing and value not in detail


def test_hold_records_cannot_be_changed_or_deleted(administrator, referral):
    change = services.place_legal_hold(referral=referral, actor=administrator, reason="Audit")

    for statement in (
        "UPDATE retention_legalholdchange SET reason = 'x' WHERE id = %s",
        "DELETE FROM retention_legalholdchange WHERE id = %s",
    ):
        with (
            pytest.raises(Exception, match="Cannot"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [change.pk])
    assert LegalHoldChange.objects.get(pk=change.pk).reason == "Audit"


@pytest.mark.parametrize("model", ["purgerecord", "draftdeletion", "legalholdchange"])
def test_administrators_read_the_retention_records(client, administrator, referral, model):
    services.place_legal_hold(referral=referral, actor=administrator, reason="Audit")
    services.lift_legal_hold(referral=referral, actor=administrator, reason="Done")
    Referral.objects.filter(pk=referral.pk).update(updated_at=timezone.now() - timedelta(days=9000))
    services.purge_due_referrals(now=timezone.now() + timedelta(days=9000))
    draft = cases.draft_with_attachment()
    Referral.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - timedelta(days=60))
    draft.attachments.update(uploaded_at=timezone.now() - timedelta(days=60))
    services.warn_draft_author(draft=draft, now=timezone.now() - timedelta(days=8))
    assert services.delete_stale_draft(draft=draft) is not None

    response = client.get(reverse(f"admin:retention_{model}_changelist"))

    assert response.status_code == 200
    assert referral.legal_name not in response.content.decode()
