"""Consultations with the other agency and extensions for good cause."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from confirmations import services
from confirmations.models import Consultation, Extension
from confirmations.services import ReviewRefused
from referral_portal.business_days import is_business_day, next_business_day
from referrals.models import EventKind
from tests.confirmations import helpers

pytestmark = pytest.mark.django_db


def test_a_consultation_is_recorded_with_an_event_for_state_staff_only(reviewer):
    referral = helpers.assigned(reviewer)

    consultation = helpers.consult(referral, reviewer, agency="DCJS", outcome="disagrees")

    assert consultation.agency == "DCJS"
    event = referral.events.get(kind=EventKind.CONSULTATION_RECORDED)
    assert event.visible_to_referrer is False
    assert "Disagrees" in event.note


def test_a_consultation_needs_the_agency_the_person_an_outcome_and_a_past_time(reviewer):
    referral = helpers.assigned(reviewer)

    for bad in (
        {"agency": "FBI"},
        {"outcome": "maybe"},
        {"consulted_with": " "},
        {"consulted_at": timezone.now() + timedelta(days=1)},
    ):
        with pytest.raises(ReviewRefused):
            helpers.consult(referral, reviewer, **bad)
    assert not Consultation.objects.exists()


def test_only_the_assigned_reviewer_records_a_consultation(reviewer, other_reviewer):
    referral = helpers.assigned(reviewer)

    with pytest.raises(ReviewRefused, match="assigned"):
        helpers.consult(referral, other_reviewer)


def test_the_database_refuses_an_unknown_agency(reviewer):
    consultation = helpers.consult(helpers.assigned(reviewer), reviewer)

    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=consultation.pk).update(agency="FBI")


def test_the_consultation_page_records_and_shows_errors_next_to_fields(client, reviewer):
    referral = helpers.assigned(reviewer)
    client.force_login(reviewer)
    url = reverse("confirmations:consultation", args=[referral.public_id])

    assert client.get(url).status_code == 200
    bad = client.post(url, {"agency": "OTDA", "consulted_at": "yesterday"})
    page = bad.content.decode()
    assert bad.status_code == 400
    assert "There is a problem" in page and "Enter who you consulted" in page
    assert "Enter a date and time" in page
    when = timezone.localtime() - timedelta(hours=2)
    response = client.post(url, {
        "agency": "OTDA", "consulted_with": "Deputy director", "outcome": "agrees_confirm",
        "consulted_at": when.strftime("%Y-%m-%dT%H:%M"), "note": "Agrees.",
    }, follow=True)  # fmt: skip

    assert "The consultation is recorded" in response.content.decode()
    assert Consultation.objects.get(referral=referral).consulted_with == "Deputy director"


def _later_business_day(after: date, skip: int = 3) -> date:
    day = after
    for _ in range(skip):
        day = next_business_day(day)
    return day


def test_an_extension_moves_the_deadline_and_keeps_the_reason(reviewer):
    referral = helpers.assigned(reviewer)
    old_due = referral.due_at
    new_day = _later_business_day(timezone.localdate(old_due))

    extension = services.extend_deadline(
        referral=referral,
        actor=reviewer,
        reason="Waiting for the police report.",
        new_due_date=new_day,
        expected_version=referral.version,
    )

    referral.refresh_from_db()
    assert timezone.localdate(referral.due_at) == new_day
    assert timezone.localtime(referral.due_at).hour == 17
    assert extension.previous_due_at == old_due
    event = referral.events.get(kind=EventKind.EXTENDED)
    assert event.visible_to_referrer is True
    assert "police report" not in event.note  # the reason stays with State staff


def test_an_extension_must_be_a_later_business_day(reviewer):
    referral = helpers.assigned(reviewer)
    due_day = timezone.localdate(referral.due_at)
    weekend = due_day + timedelta(days=(5 - due_day.weekday()) % 7 or 7)
    assert not is_business_day(weekend)

    with pytest.raises(ReviewRefused, match="business day"):
        services.extend_deadline(
            referral=referral, actor=reviewer, reason="x", new_due_date=weekend
        )
    with pytest.raises(ReviewRefused, match="later"):
        services.extend_deadline(
            referral=referral, actor=reviewer, reason="x", new_due_date=due_day
        )
    with pytest.raises(ReviewRefused, match="good cause"):
        services.extend_deadline(
            referral=referral, actor=reviewer, reason=" ", new_due_date=_later_business_day(due_day)
        )


def test_a_supervisor_may_extend_but_another_reviewer_may_not(reviewer, other_reviewer, supervisor):
    referral = helpers.assigned(reviewer)
    day = _later_business_day(timezone.localdate(referral.due_at))

    with pytest.raises(ReviewRefused):
        services.extend_deadline(
            referral=referral, actor=other_reviewer, reason="x", new_due_date=day
        )
    services.extend_deadline(
        referral=referral, actor=supervisor, reason="Holiday backlog.", new_due_date=day
    )

    assert Extension.objects.filter(referral=referral, granted_by=supervisor).exists()


def test_the_extension_page_explains_a_weekend(client, reviewer):
    referral = helpers.assigned(reviewer)
    client.force_login(reviewer)
    url = reverse("confirmations:extension", args=[referral.public_id])
    due_day = timezone.localdate(referral.due_at)
    saturday = due_day + timedelta(days=(5 - due_day.weekday()) % 7 or 7)

    response = client.post(
        url,
        {"version": referral.version, "reason": "Backlog", "new_due_date": saturday.isoformat()},
    )

    assert response.status_code == 400
    assert "business day" in response.content.decode()
    good = _later_business_day(due_day)
    client.post(
        url, {"version": referral.version, "reason": "Backlog", "new_due_date": good.isoformat()}
    )
    referral.refresh_from_db()
    assert timezone.localdate(referral.due_at) == good


def test_the_database_refuses_an_extension_to_an_earlier_date(reviewer):
    referral = helpers.assigned(reviewer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Extension.objects.create(
            referral=referral,
            reason="x",
            previous_due_at=referral.due_at,
            new_due_at=referral.due_at - timedelta(days=1),
            granted_by=reviewer,
        )
