"""The New York State business-day calendar behind the decision deadline."""

from datetime import date, datetime

import pytest

from referral_portal.business_days import (
    NEW_YORK,
    add_business_days,
    business_time_left,
    is_business_day,
)


def ny(*args):
    return datetime(*args, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 6), True),  # a Friday
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 3, 8), False),  # Sunday
        (date(2026, 1, 1), False),  # New Year's Day
        (date(2026, 2, 12), False),  # Lincoln's Birthday: a New York State holiday
        (date(2026, 11, 3), False),  # Election Day: a New York State holiday
        (date(2026, 11, 11), False),  # Veterans Day
        (date(2026, 11, 25), True),  # the day before Thanksgiving
        (date(2026, 11, 26), False),  # Thanksgiving
        (date(2026, 11, 27), True),  # the day after Thanksgiving is not a State holiday
        (date(2026, 12, 24), True),  # Christmas Eve
        (date(2026, 12, 31), True),  # New Year's Eve
        (date(2026, 7, 3), True),  # Saturday holidays are not moved to Friday in New York
        (date(2023, 1, 2), False),  # New Year's Day on a Sunday is observed on Monday
        (date(2022, 6, 20), False),  # Juneteenth on a Sunday is observed on Monday
        (date(2028, 2, 15), True),  # Susan B. Anthony Day is commemorative, offices open
    ],
)
def test_new_york_state_business_days(day, expected):
    assert is_business_day(day) is expected


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # A weekday morning counts as day 1.
        (ny(2026, 3, 9, 10, 0), ny(2026, 3, 11, 17, 0)),
        # Friday before 5 pm: Friday, Monday, Tuesday.
        (ny(2026, 3, 6, 16, 59), ny(2026, 3, 10, 17, 0)),
        # Friday at 5 pm or later counts from Monday.
        (ny(2026, 3, 6, 17, 0), ny(2026, 3, 11, 17, 0)),
        # Saturday counts from Monday, across the switch to daylight time on March 8.
        (ny(2026, 3, 7, 12, 0), ny(2026, 3, 11, 17, 0)),
        # The day before Thanksgiving: Wednesday, (Thanksgiving), Friday, Monday.
        (ny(2026, 11, 25, 9, 0), ny(2026, 11, 30, 17, 0)),
        # New Year's Eve: Thursday, (New Year's Day, weekend), Monday, Tuesday.
        (ny(2026, 12, 31, 9, 0), ny(2027, 1, 5, 17, 0)),
        # New Year's Eve after 5 pm: counts from Monday January 4.
        (ny(2026, 12, 31, 18, 0), ny(2027, 1, 6, 17, 0)),
    ],
)
def test_three_business_days_end_at_five_pm_new_york_time(received, due):
    assert add_business_days(received, 3) == due


def test_the_due_time_is_five_pm_local_whatever_the_time_zone_of_receipt():
    received_utc = datetime.fromisoformat("2026-03-09T15:00:00+00:00")  # 11 am in New York
    due = add_business_days(received_utc, 3)
    assert due.astimezone(NEW_YORK).hour == 17
    assert due.utcoffset().total_seconds() == -4 * 3600  # daylight time by then


def test_one_business_day_is_the_day_of_receipt():
    assert add_business_days(ny(2026, 3, 9, 8, 0), 1) == ny(2026, 3, 9, 17, 0)


def test_naive_datetimes_and_zero_days_are_refused():
    with pytest.raises(ValueError):
        add_business_days(datetime(2026, 3, 9, 8, 0), 3)  # noqa: DTZ001
    with pytest.raises(ValueError):
        add_business_days(ny(2026, 3, 9, 8, 0), 0)


@pytest.mark.parametrize(
    ("now", "left"),
    [
        (ny(2026, 3, 9, 10, 0), (2, 7)),  # Monday morning, due Wednesday 5 pm
        (ny(2026, 3, 11, 15, 0), (0, 2)),  # due today in two hours
        (ny(2026, 3, 7, 12, 0), (3, 0)),  # a Saturday: three whole business days remain
        (ny(2026, 3, 12, 10, 0), (-1, 17)),  # a business day overdue
    ],
)
def test_business_time_left(now, left):
    assert business_time_left(ny(2026, 3, 11, 17, 0), now) == left


def test_time_left_skips_holidays():
    # Due Monday Nov 30; on the Wednesday before Thanksgiving at noon: Friday and Monday remain.
    assert business_time_left(ny(2026, 11, 30, 17, 0), ny(2026, 11, 25, 12, 0)) == (2, 5)
