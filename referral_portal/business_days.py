"""New York State business days, for the statutory decision clock (9 NYCRR 6174.3).

Which calendar: the days New York State offices close, that is the public holidays of General
Construction Law section 24 as observed by the State (New Year's Day, Martin Luther King Jr.
Day, Lincoln's Birthday, Washington's Birthday, Memorial Day, Juneteenth, Independence Day,
Labor Day, Columbus Day, Election Day, Veterans Day, Thanksgiving, Christmas). They come from
`holidays.US(subdiv="NY", observed=False)`; we drop "Susan B. Anthony Day", which that
calendar lists but which is commemorative (offices stay open), and we apply section 24's
observance rule ourselves: a holiday on a Sunday moves to Monday; a Saturday holiday is not
moved (the federal Friday-before rule does not apply to the State). The day after Thanksgiving
and Christmas Eve and New Year's Eve are business days.

A referral counts from its day of receipt when it arrives on a business day before 5 pm New
York time; otherwise from the next business day. It is due at 5 pm on the nth business day.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

NEW_YORK = ZoneInfo("America/New_York")
CLOSE_OF_BUSINESS = time(17, 0)
NOT_STATE_HOLIDAYS = frozenset({"Susan B. Anthony Day"})


@lru_cache(maxsize=64)
def state_holidays(year: int) -> frozenset[date]:
    listed = holidays.US(subdiv="NY", years=year, observed=False)
    days = set()
    for day, names in listed.items():
        names_of_day = {name.strip() for name in names.split(";")}
        if names_of_day <= NOT_STATE_HOLIDAYS:
            continue
        days.add(day)
        if day.weekday() == 6:  # Sunday: observed on Monday (General Construction Law 24)
            days.add(day + timedelta(days=1))
    return frozenset(days)


def is_holiday(day: date) -> bool:
    return day in state_holidays(day.year)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and not is_holiday(day)


def next_business_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("aware datetimes only")
    return moment.astimezone(NEW_YORK)


def first_counted_day(received: datetime) -> date:
    """The business day a referral received at `received` counts as received."""
    local = _local(received)
    day = local.date()
    if is_business_day(day) and local.time() < CLOSE_OF_BUSINESS:
        return day
    return next_business_day(day)


def add_business_days(start: datetime, n: int) -> datetime:
    """The end (5 pm New York) of the nth business day counting the day of receipt as day 1."""
    if n < 1:
        raise ValueError("n must be at least 1")
    day = first_counted_day(start)
    for _ in range(n - 1):
        day = next_business_day(day)
    return datetime.combine(day, CLOSE_OF_BUSINESS, tzinfo=NEW_YORK)


def business_days_waited(paused_at: datetime, resumed_at: datetime) -> int:
    """Whole business days after the day of the pause, up to and including the day of the
    answer: asked Monday and answered Wednesday is two days."""
    day, last = _local(paused_at).date(), _local(resumed_at).date()
    waited = 0
    while day < last:
        day += timedelta(days=1)
        if is_business_day(day):
            waited += 1
    return waited


def shift_business_days(due: datetime, days: int) -> datetime:
    """The same time of day, `days` business days later (a paused clock's due date)."""
    local = _local(due)
    day = local.date()
    for _ in range(days):
        day = next_business_day(day)
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=NEW_YORK)


def business_time_left(due: datetime, now: datetime) -> tuple[int, int]:
    """(whole business days, hours) between now and due, counting only business hours up to
    5 pm and whole business days after today. Negative business days mean overdue (hours are
    then the hours past due, as a positive number, on the clock)."""
    due_local, now_local = _local(due), _local(now)
    if now_local >= due_local:
        overdue_days = 0
        day = now_local.date()
        while day > due_local.date():
            if is_business_day(day):
                overdue_days += 1
            day -= timedelta(days=1)
        hours = int((now_local - due_local).total_seconds() // 3600)
        return (-overdue_days, hours)
    today = now_local.date()
    full_days = 0
    day = today
    while day < due_local.date():
        day = next_business_day(day)
        if day <= due_local.date():
            full_days += 1
    hours_today = 0
    if is_business_day(today) and now_local.time() < CLOSE_OF_BUSINESS:
        close_today = datetime.combine(today, CLOSE_OF_BUSINESS, tzinfo=NEW_YORK)
        hours_today = int((min(close_today, due_local) - now_local).total_seconds() // 3600)
    if today == due_local.date():
        full_days = 0
    return (full_days, hours_today)


# --- time left, in words: the one computation the referrer's and the reviewers' pages show ---
@dataclass(frozen=True)
class TimeLeft:
    days: int
    hours: int
    overdue: bool
    paused: bool = False

    @property
    def text(self) -> str:
        """In words: the queue marks overdue with text, not with colour alone."""
        if self.paused:
            return "Clock paused: waiting for the referrer"
        if self.overdue:
            if self.days >= 1:
                return f"Overdue by {self.days} business day{'s' if self.days != 1 else ''}"
            if self.hours >= 1:
                return f"Overdue by {self.hours} hour{'s' if self.hours != 1 else ''}"
            return "Overdue"
        if self.days == 0:
            if self.hours == 0:
                return "Due within the hour"
            return f"Due today: {self.hours} hour{'s' if self.hours != 1 else ''} left"
        days = f"{self.days} business day{'s' if self.days != 1 else ''}"
        if self.hours:
            return f"{days} and {self.hours} hour{'s' if self.hours != 1 else ''} left"
        return f"{days} left"


def time_left(due_at: datetime | None, now: datetime, *, paused: bool = False) -> TimeLeft | None:
    if due_at is None:
        return None
    if paused:
        return TimeLeft(0, 0, overdue=False, paused=True)
    days, hours = business_time_left(due_at, now)
    if now >= due_at:
        return TimeLeft(-days, hours, overdue=True)
    return TimeLeft(days, hours, overdue=False)
