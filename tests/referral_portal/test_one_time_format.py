"""Issue 17, "one time format everywhere": pages, e-mails and messages write a time or a date
only through referral_portal.times (|when and |deadline in templates). Python code and templates
that spell a format of their own for people to read are found here by reading the sources."""

import datetime
import re
from pathlib import Path

from django.template import Context, Template

from referral_portal import times
from tests.conftest import ROOT

APPS = ["accounts", "api", "confirmations", "referral_portal", "referrals", "reports", "retention"]
APPS += ["routing", "templates", "access_log"]
# A clock time spelled by hand: strftime's %I, %l and %p ("10:32 PM"), Django's g:i / h:i with
# A ("10:32 PM"), or django.utils.dateformat.time_format. Machine formats (%H:%M in ISO stamps,
# file names and form widgets) are not for reading and stay.
CLOCK_TIME_IN_PYTHON = re.compile(r"%-?[Ilp]\b|['\"][^'\"]*[gh]:i[^'\"]*['\"]|time_format\(")
# Any |date or |time filter in a template: |when:"date" and friends are the one way.
DATE_FILTER_IN_TEMPLATE = re.compile(r"\|(date|time)\b")
LATE_EVENING = datetime.datetime(2026, 3, 5, 3, 32, 5, tzinfo=datetime.UTC)  # 10:32 p.m. NY


def _sources(pattern: str):
    for app in APPS:
        for path in (Path(ROOT) / app).glob(pattern):
            if "migrations" not in path.parts and path.name != "times.py":
                yield path


def test_no_python_code_spells_a_clock_time_of_its_own():
    spelled = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _sources("**/*.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if CLOCK_TIME_IN_PYTHON.search(line)
    ]
    assert spelled == []


def test_no_template_formats_a_date_or_time_with_djangos_own_filters():
    spelled = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for suffix in ("html", "txt")
        for path in _sources(f"**/templates/**/*.{suffix}")
        for match in DATE_FILTER_IN_TEMPLATE.finditer(path.read_text())
    ]
    assert spelled == []


def test_the_day_alone_and_a_time_to_the_second():
    assert times.when(LATE_EVENING, "date") == "March 4, 2026"
    assert times.when(LATE_EVENING, "short_date") == "Mar 4, 2026"
    assert times.when(LATE_EVENING, "day_date") == "Wednesday, March 4, 2026"
    assert times.when(datetime.date(2026, 3, 4), "day_date") == "Wednesday, March 4, 2026"
    assert times.deadline(LATE_EVENING, "time_seconds") == "10:32:05 p.m. Eastern Time"
    rendered = Template(
        '{{ day|when:"short_date"|default:"Not given" }}, '
        '{{ none|when:"date"|default:"Not given" }}'
    ).render(Context({"day": datetime.date(2026, 3, 4), "none": None}))
    assert rendered == "Mar 4, 2026, Not given"
