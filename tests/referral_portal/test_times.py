"""One time format everywhere, in New York State style, from one place (referral_portal.times)."""

import datetime
import re
import zoneinfo
from pathlib import Path

from django.template import Context, Template
from django.utils import timezone, translation

from referral_portal import times
from tests.conftest import ROOT

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
# 22:32 in New York on Wednesday March 4, 2026, given in UTC as the database holds it.
LATE_EVENING = datetime.datetime(2026, 3, 5, 3, 32, tzinfo=datetime.UTC)
# A time format spelled in a template: "g:i a", "g:i A", "H:i", "P", or strftime's "%I:%M %p".
TIME_FORMAT_IN_TEMPLATE = re.compile(r"\|date:\"[^\"]*(g:i|G:i|h:i|H:i|\bP\b|\bA\b)[^\"]*\"")


def test_the_styles_of_a_time():
    assert times.when(LATE_EVENING) == "March 4, 2026, 10:32 p.m."
    assert times.when(LATE_EVENING, "short") == "Mar 4, 2026, 10:32 p.m."
    assert times.when(LATE_EVENING, "day") == "Wednesday, March 4, 2026, 10:32 p.m."
    assert times.when(LATE_EVENING, "time") == "10:32 p.m."
    assert times.when(None) == ""


def test_a_time_written_once_is_not_reused_in_another_zone_or_language():
    """times.when keeps what it wrote (by instant, style, zone and language)."""
    assert times.when(LATE_EVENING.astimezone(NEW_YORK)) == "March 4, 2026, 10:32 p.m."
    assert times.when(LATE_EVENING, "short") == "Mar 4, 2026, 10:32 p.m."
    with timezone.override(zoneinfo.ZoneInfo("America/Los_Angeles")):
        assert times.when(LATE_EVENING) == "March 4, 2026, 7:32 p.m."
    with translation.override("ru"):
        assert times.when(LATE_EVENING, "short") != "Mar 4, 2026, 10:32 p.m."
        assert times.when(LATE_EVENING, "short") == Template(
            "{{ at|date:'M j, Y' }}, {{ at|date:'g:i a' }}"
        ).render(Context({"at": LATE_EVENING}))
    assert times.when(LATE_EVENING, "short") == "Mar 4, 2026, 10:32 p.m."


def test_a_deadline_names_the_time_zone():
    due = datetime.datetime(2026, 3, 6, 17, 0, tzinfo=NEW_YORK)
    assert times.deadline(due) == "Friday, March 6, 2026, 5:00 p.m. Eastern Time"


def test_templates_use_the_filters_without_loading_them():
    rendered = Template("{{ at|when }} / {{ at|when:'time' }} / {{ due|deadline }}").render(
        Context({"at": LATE_EVENING, "due": LATE_EVENING})
    )
    assert rendered == (
        "March 4, 2026, 10:32 p.m. / 10:32 p.m. / Wednesday, March 4, 2026, 10:32 p.m. Eastern Time"
    )


def test_no_template_spells_a_time_format_of_its_own():
    spelled = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in Path(ROOT).glob("**/templates/**/*.html")
        if ".venv" not in path.parts and "staticfiles" not in path.parts
        for match in TIME_FORMAT_IN_TEMPLATE.finditer(path.read_text())
    ]
    assert spelled == []
