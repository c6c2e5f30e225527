"""The deadline shown to reviewers, and the daily reminders."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from confirmations import services
from confirmations.models import DeadlineReminder
from confirmations.tasks import send_deadline_reminders
from referral_portal.business_days import NEW_YORK, time_left
from referral_portal.models import OutboxMessage
from referral_portal.roles import Role
from referrals.models import Referral, Status
from tests.confirmations import helpers
from tests.factories import UserFactory


def _at(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("due", "now", "text", "overdue"),
    [
        # Due Friday at 5 pm, seen Wednesday at 10 am: Thursday and Friday, plus 7 hours today.
        (_at("2026-03-06", 17), _at("2026-03-04", 10), "2 business days and 7 hours left", False),
        (_at("2026-03-06", 17), _at("2026-03-06", 14), "Due today: 3 hours left", False),
        (_at("2026-03-06", 17), _at("2026-03-06", 16, 30), "Due within the hour", False),
        # Due the Wednesday before Thanksgiving, seen Tuesday evening after closing.
        (_at("2026-11-25", 17), _at("2026-11-24", 18), "1 business day left", False),
        # Seen Friday after Thanksgiving: Thanksgiving does not count as a day overdue.
        (_at("2026-11-25", 17), _at("2026-11-27", 9), "Overdue by 1 business day", True),
        # Due New Year's Eve; seen on Monday January 4th: Friday Jan 1 is a holiday.
        (_at("2026-12-31", 17), _at("2027-01-04", 12), "Overdue by 1 business day", True),
        (_at("2026-03-06", 17), _at("2026-03-06", 19), "Overdue by 2 hours", True),
        (_at("2026-03-06", 17), _at("2026-03-12", 9), "Overdue by 4 business days", True),
    ],
)
def test_time_left_in_words(due, now, text, overdue):
    left = time_left(due, now)

    assert left.text == text
    assert left.overdue is overdue


def test_a_paused_clock_says_so():
    left = time_left(_at("2026-03-06", 17), _at("2026-03-12", 9), paused=True)
    assert left.text == "Clock paused: waiting for the referrer" and not left.overdue


@pytest.mark.parametrize(
    ("now", "cutoff"),
    [
        (_at("2026-03-04", 8), _at("2026-03-05", 17)),  # Wednesday: Thursday's close
        (_at("2026-03-06", 8), _at("2026-03-09", 17)),  # Friday: Monday's close
        (_at("2026-11-25", 8), _at("2026-11-27", 17)),  # before Thanksgiving: Friday
    ],
)
def test_due_soon_means_by_the_close_of_the_next_business_day(now, cutoff):
    assert services.reminder_cutoff(now) == cutoff


@pytest.fixture
def due_referrals(db, reviewer, other_reviewer):
    referrer = UserFactory(role=Role.REFERRER)
    now = timezone.now()
    overdue, due_soon, later, unassigned, decided = helpers.bulk_open_referrals(
        5, referrer=referrer
    )
    Referral.objects.filter(pk=overdue.pk).update(
        due_at=now - timedelta(days=2), assigned_reviewer=reviewer
    )
    Referral.objects.filter(pk=due_soon.pk).update(
        due_at=services.reminder_cutoff(now) - timedelta(hours=1), assigned_reviewer=reviewer
    )
    Referral.objects.filter(pk=later.pk).update(
        due_at=now + timedelta(days=20), assigned_reviewer=other_reviewer
    )
    Referral.objects.filter(pk=unassigned.pk).update(due_at=now - timedelta(hours=3))
    Referral.objects.filter(pk=decided.pk).update(
        due_at=now - timedelta(days=5), status=Status.CONFIRMED, assigned_reviewer=other_reviewer
    )
    return {
        "overdue": overdue,
        "due_soon": due_soon,
        "later": later,
        "unassigned": unassigned,
        "decided": decided,
    }


@pytest.mark.django_db
def test_reminders_go_to_the_assigned_reviewer_and_supervisors_once_a_day(
    due_referrals,
    reviewer,
    other_reviewer,
    supervisor,
    drain_outbox,
):
    mail.outbox.clear()
    send_deadline_reminders()  # the beat task
    services.send_deadline_reminders()  # a second run the same day sends nothing more
    drain_outbox()

    by_person = {message.to[0]: message for message in mail.outbox}
    assert set(by_person) == {reviewer.email, supervisor.email}
    assert DeadlineReminder.objects.count() == 2
    mine = by_person[reviewer.email].body
    assert due_referrals["overdue"].reference in mine and "OVERDUE" in mine
    assert due_referrals["due_soon"].reference in mine
    assert due_referrals["unassigned"].reference not in mine
    everything = by_person[supervisor.email].body
    assert due_referrals["unassigned"].reference in everything
    assert "(not assigned)" in everything
    for message in mail.outbox:
        assert due_referrals["later"].reference not in message.body
        assert due_referrals["decided"].reference not in message.body
        assert "/review/" in message.body


@pytest.mark.django_db
def test_reminders_carry_ids_only_and_no_personal_data(reviewer, supervisor, drain_outbox):
    referral = helpers.assigned(reviewer)
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(days=1))
    mail.outbox.clear()

    services.send_deadline_reminders()

    payloads = [m.payload for m in OutboxMessage.objects.filter(kind=services.DEADLINE_REMINDER)]
    assert all(set(p) == {"recipient", "day"} for p in payloads) and payloads
    drain_outbox()
    for message in mail.outbox:
        for secret in (referral.legal_name, referral.phone, referral.narrative[:20]):
            assert secret not in message.body


@pytest.mark.django_db
def test_no_reminders_when_nothing_is_due(reviewer, supervisor):
    helpers.assigned(reviewer)  # due in three business days

    with_time = services.send_deadline_reminders(now=timezone.now() - timedelta(days=30))

    assert (
        with_time == 0
        and not OutboxMessage.objects.filter(kind=services.DEADLINE_REMINDER).exists()
    )


@pytest.mark.django_db
def test_a_paused_clock_is_not_reminded(reviewer, supervisor, settings):
    settings.CONFIRMATIONS_PAUSE_CLOCK_FOR_INFORMATION = True
    referral = helpers.assigned(reviewer)
    services.request_information(
        referral=referral, reviewer=reviewer, reasons=["other"], message="Anything else?"
    )
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(days=1))

    assert services.send_deadline_reminders() == 0


def test_the_beat_schedule_runs_the_reminders_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["confirmations-deadlines"]
    assert entry["task"] == "confirmations.tasks.send_deadline_reminders"
    assert entry["schedule"].hour == {7}
