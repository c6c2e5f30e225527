"""The one way the portal writes a time or a date: New York State style, "March 4, 2026,
10:32 p.m.".

Templates use these through the |when and |deadline filters (a template builtin, see
referral_portal/templatetags/portal_time.py); e-mails, notices and exports written in Python call
them directly, so that no page or message spells a time format of its own. Django's "a" gives
"a.m." and "p.m." with the periods, as the NYS style guide writes them. Deadlines also name the
time zone: someone outside New York must not read 5:00 p.m. as their own 5:00 p.m.
"""

import datetime
from functools import lru_cache

from django.utils import dateformat, timezone, translation

TIME = "g:i a"
DATE = "F j, Y"
SHORT_DATE = "M j, Y"
TIME_ZONE_NAME = "Eastern Time"
FORMATS = {
    "": f"{DATE}, {TIME}",
    "short": f"{SHORT_DATE}, {TIME}",
    "day": f"l, {DATE}, {TIME}",
    "time": TIME,
    "seconds": f"{SHORT_DATE}, g:i:s a",
    "time_seconds": "g:i:s a",
    # A day without a time, for dates (birth, consent) and for times where the day is enough.
    "date": DATE,
    "short_date": SHORT_DATE,
    "day_date": f"l, {DATE}",
}


def when(value, style: str = "") -> str:
    """A date and time in New York ("March 4, 2026, 10:32 p.m."). Styles: "short"
    ("Mar 4, 2026, 10:32 p.m."), "day" ("Wednesday, March 4, 2026, 10:32 p.m."), "time"
    ("10:32 p.m."), "seconds" ("Mar 4, 2026, 10:32:05 p.m."), "time_seconds" ("10:32:05 p.m.");
    the day alone: "date" ("March 4, 2026"), "short_date" ("Mar 4, 2026"), "day_date"
    ("Wednesday, March 4, 2026"), which also take a date. Empty for no value."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        # One key per instant (aware times in one zone compare by wall clock, not instant).
        value = value.astimezone(datetime.UTC)
    # Django's formatting took longer than anything else in a row of a list (issue 13); the
    # same times come back on every visit, so each is written once per style, zone and language.
    zone, language = timezone.get_current_timezone_name(), translation.get_language()
    return _formatted(value, style, zone, language)


@lru_cache(maxsize=8192)
def _formatted(value, style: str, zone: str, language: str | None) -> str:
    """`value` written in the current time zone and language (`zone` and `language`: the key)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, FORMATS[style])


def deadline(value, style: str = "day") -> str:
    """A time something must be done by, with the time zone:
    "Wednesday, March 4, 2026, 5:00 p.m. Eastern Time"."""
    if value in (None, ""):
        return ""
    return f"{when(value, style)} {TIME_ZONE_NAME}"
