"""The referral's states are declared once; every move not declared raises."""

import pytest
from django.db import transaction
from django_fsm import TransitionNotAllowed

from referrals.models import Referral, Status
from tests.referrals.builders import in_state

pytestmark = pytest.mark.django_db

ALLOWED = {
    "submit": ({Status.DRAFT}, Status.SUBMITTED),
    "request_information": ({Status.SUBMITTED, Status.INFO_PROVIDED}, Status.INFO_REQUESTED),
    "provide_information": ({Status.INFO_REQUESTED}, Status.INFO_PROVIDED),
    "confirm": ({Status.SUBMITTED, Status.INFO_PROVIDED}, Status.CONFIRMED),
    "decline": ({Status.SUBMITTED, Status.INFO_PROVIDED}, Status.DECLINED),
    "withdraw": (
        {Status.SUBMITTED, Status.INFO_REQUESTED, Status.INFO_PROVIDED},
        Status.WITHDRAWN,
    ),
    "appeal": ({Status.DECLINED}, Status.APPEALED),
    "overturn_on_appeal": ({Status.APPEALED}, Status.CONFIRMED),
    "uphold_on_appeal": ({Status.APPEALED}, Status.DECLINED),
}
CASES = [
    (transition, status, status in sources, target)
    for transition, (sources, target) in ALLOWED.items()
    for status in Status.values
]


@pytest.mark.parametrize(
    ("transition", "status", "allowed", "target"),
    CASES,
    ids=[f"{c[0]}-from-{c[1]}" for c in CASES],
)
def test_each_transition_runs_only_from_its_declared_states(transition, status, allowed, target):
    referral = in_state(status)
    version = referral.version
    if allowed:
        getattr(referral, transition)()
        assert referral.status == target
        assert referral.version == version + 1
    else:
        with pytest.raises(TransitionNotAllowed):
            getattr(referral, transition)()
        assert referral.status == status
        assert referral.version == version


def test_decisions_record_when_they_were_made():
    referral = in_state(Status.SUBMITTED)
    assert referral.decided_at is None
    referral.confirm()
    assert referral.decided_at is not None


def test_the_status_cannot_be_assigned_directly():
    referral = in_state(Status.SUBMITTED)
    with pytest.raises(AttributeError):
        referral.status = Status.CONFIRMED


def test_a_stale_copy_cannot_overwrite_a_newer_transition():
    """Two people act on the same referral: the second save of an old copy fails."""
    from django_fsm import ConcurrentTransition

    referral = in_state(Status.SUBMITTED)
    first = Referral.objects.get(pk=referral.pk)
    second = Referral.objects.get(pk=referral.pk)
    first.confirm()
    first.save()
    second.decline()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()
    assert Referral.objects.get(pk=referral.pk).status == Status.CONFIRMED


def test_the_change_history_records_each_state_without_personal_fields():
    from referrals.models import PERSONAL_FIELDS

    referral = in_state(Status.SUBMITTED)
    referral.confirm()
    referral.save()
    history = list(referral.history.order_by("pgh_id").values_list("status", flat=True))
    assert history[-2:] == [Status.SUBMITTED, Status.CONFIRMED]
    columns = {field.name for field in referral.history.model._meta.fields}
    assert not columns & {*PERSONAL_FIELDS, "name_index", "dob_index"}
