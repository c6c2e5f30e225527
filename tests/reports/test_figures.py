"""Every figure of the statistics page against the hand-computed data set (tests/reports/
dataset.py explains each number), and each filter."""

from datetime import date, timedelta

import pytest
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Cast

from referral_portal.models import County
from reports import decisions, loop
from reports.filters import ReportFilterForm
from reports.models import CalendarDay
from reports.sql import BusinessDays, ByDeadline, CountOf, DaysBetween, grouping_sets
from routing.models import District, RhtpRegion
from tests.reports.dataset import NOW, ny

pytestmark = pytest.mark.django_db

YEAR = {"period": "year", "year": "2025"}


def filters(**params):
    form = ReportFilterForm({**YEAR, **params})
    assert form.is_valid(), form.errors
    return form.filters()


def rows(table) -> dict:
    return {row.label: row.values for row in table.rows}


def pick(values: dict, *keys):
    return tuple(values[key] for key in keys)


LOOP_KEYS = (
    "routed",
    "acknowledged_on_time",
    "reported_on_time",
    "reached",
    "could_not_reach",
    "open_past_deadline",
    "median_days_to_contact",
)


def _one_case(**moments):
    """A queryset of one row whose columns are the given moments (a case, for reports/sql.py)."""
    values = {name: Cast(Value(moment), DateTimeField()) for name, moment in moments.items()}
    return CalendarDay.objects.filter(day=date(2025, 1, 2)).values(**values)


def _business_days(start, finish) -> set:
    """The business days from start to finish, counted both ways the statistics count them:
    joined to the calendar per case (DaysBetween) and as an expression (BusinessDays)."""
    case = _one_case(start=start, finish=finish)
    found = grouping_sets(
        case, [("days",)], {"cases": CountOf()}, {"days": DaysBetween("start", "finish")}
    )
    [joined] = found[("days",)]
    as_expression = case.values_list(BusinessDays(F("start"), F("finish")), flat=True).get()
    return {joined["days"], as_expression}


def test_business_days_in_postgresql_skip_weekends_and_state_holidays(db):
    cases = [
        (ny(2, 14), ny(2, 18), 1),  # Friday -> Tuesday over Washington's Birthday
        (ny(6, 18), ny(6, 20), 1),  # over Juneteenth
        (ny(3, 3, 9), ny(3, 3, 16), 0),  # the same day
        (ny(7, 3, 18), ny(7, 9), 3),  # after 5 pm, over July 4 and a weekend
        (ny(11, 5), ny(11, 12), 4),  # over Veterans Day
        (ny(12, 30, year=2024), ny(1, 2), 2),  # over New Year's Day
        (ny(1, 2), ny(1, 2, 23, 30), 0),  # late evening in New York is still the same day
        (ny(1, 2), ny(1, 1), 0),  # never negative
    ]
    for start, finish, expected in cases:
        assert _business_days(start, finish) == {expected}, (start, finish)
    assert _business_days(None, ny(1, 2)) == {None}
    assert _business_days(ny(1, 2), None) == {None}


def test_the_clock_in_postgresql_matches_the_decision_clock(db):
    from referral_portal.business_days import add_business_days

    on_time = {"on_time": ByDeadline("decided", "received", 3)}
    for received in [
        ny(2, 14),
        ny(7, 3, 18),
        ny(7, 3, 16, 59),
        ny(12, 31, 17, year=2024),
        ny(11, 1),
        ny(6, 18, 9),
    ]:
        due = add_business_days(received, 3)
        for decided, expected in [(due, 1), (due + timedelta(microseconds=1), 0)]:
            case = _one_case(received=received, decided=decided)
            [row] = grouping_sets(case, [()], {"on_time": CountOf("on_time")}, on_time)[()]
            assert row["on_time"] == expected, (received, decided)


def test_the_loop_table_statewide_by_destination_kind_and_by_organization(data):
    table = loop.loop_table(filters(), NOW)
    found = {label: pick(values, *LOOP_KEYS) for label, values in rows(table).items()}
    assert found == {
        "Statewide": (8, 4, 5, 5, 1, 2, 3.0),
        "All local departments of social services": (6, 4, 5, 5, 0, 1, 3.0),
        "Albany County Department of Social Services": (4, 3, 3, 3, 0, 1, 3.0),
        "Erie County Department of Social Services": (1, 1, 1, 1, 0, 0, 1.0),
        "New York City Human Resources Administration": (1, 0, 1, 1, 0, 0, 4.0),
        "All RHTP providers": (2, 0, 0, 0, 1, 1, None),
        "Capital Region RHTP Provider (demo)": (1, 0, 0, 0, 1, 0, None),
        "New York City South RHTP Provider (demo)": (1, 0, 0, 0, 0, 1, None),
    }
    assert [row.label for row in table.rows][:2] == [
        "Statewide",
        "All local departments of social services",
    ]


def test_the_loop_shares_as_the_page_shows_them(data):
    from reports.tables import cells

    table = loop.loop_table(filters(), NOW)
    statewide = {cell.column: cell.text for cell in cells(table)[0][1]}
    assert statewide == {
        "routed": "8", "acknowledged_on_time": "4", "acknowledged_on_time_share": "50%",
        "reported_on_time": "5", "reported_on_time_share": "62%", "reached": "5",
        "reached_share": "62%", "could_not_reach": "1", "could_not_reach_share": "12%",
        "open_past_deadline": "2", "open_past_deadline_share": "25%",
        "median_days_to_contact": "3",
    }  # fmt: skip


def test_the_funnel_counts_acknowledged_and_services_started(data):
    table = loop.loop_table(filters(), NOW)
    by_label = rows(table)
    assert pick(
        by_label["All local departments of social services"],
        "routed",
        "acknowledged",
        "reached",
        "services_started",
    ) == (6, 5, 5, 1)
    assert pick(
        by_label["All RHTP providers"], "routed", "acknowledged", "reached", "services_started"
    ) == (2, 1, 0, 0)


def test_outcomes_by_each_dimension(data):
    by_type, by_age, by_kind, by_county = decisions.outcome_tables(filters())
    keys = ("received", "confirmed", "declined", "withdrawn", "awaiting", "appealed", "overturned")
    assert {k: pick(v, *keys) for k, v in rows(by_type).items()} == {
        "Sex trafficking": (4, 2, 1, 0, 1, 1, 0),
        "Labor trafficking": (3, 3, 0, 0, 0, 1, 1),
        "Sex and labor trafficking": (1, 0, 1, 0, 0, 0, 0),
        "Not given": (1, 0, 0, 1, 0, 0, 0),
        "All referrals": (9, 5, 2, 1, 1, 2, 1),
    }
    assert {k: pick(v, *keys) for k, v in rows(by_age).items()} == {
        "Minors (under 18 when referred)": (2, 1, 1, 0, 0, 1, 0),
        "Adults": (7, 4, 1, 1, 1, 1, 1),
        "All referrals": (9, 5, 2, 1, 1, 2, 1),
    }
    assert {k: pick(v, *keys) for k, v in rows(by_kind).items()} == {
        "Law-enforcement agency": (3, 0, 1, 1, 1, 1, 0),
        "District attorney's office": (1, 1, 0, 0, 0, 0, 0),
        "Social-services provider": (5, 4, 1, 0, 0, 1, 1),
        "Legal-services provider": (0, 0, 0, 0, 0, 0, 0),
        "All referrals": (9, 5, 2, 1, 1, 2, 1),
    }
    assert {k: pick(v, *keys) for k, v in rows(by_county).items()} == {
        "Albany": (4, 3, 1, 0, 0, 0, 0),
        "Erie": (3, 1, 1, 1, 0, 2, 1),
        "Kings": (2, 1, 0, 0, 1, 0, 0),
        "All referrals": (9, 5, 2, 1, 1, 2, 1),
    }


def test_time_to_decision_in_business_days(data):
    time, _days, _months = decisions.decision_tables(filters())
    [row] = time.rows
    # First decisions in 2025 took 0, 1, 1, 1, 2, 3, 3 and 5 business days.
    assert row.values == {
        "decided": 8, "median_days": 1.5, "p90_days": pytest.approx(3.6),
        "by_deadline": 7,  # all but R5; R4 only thanks to its extension
        "extended": 1, "extension_days": 2.0, "asked": 1, "waiting_days": 3.0,
    }  # fmt: skip


def test_decisions_by_business_days_taken(data):
    _time, table, _months = decisions.decision_tables(filters())
    assert [row.values["decided"] for row in table.rows] == [1, 3, 1, 2, 0, 1, 0, 8]


def test_decisions_by_month(data):
    _time, _days, table = decisions.decision_tables(filters())
    found = {row.label: pick(row.values, "confirmed", "declined") for row in table.rows}
    assert found == {
        "January 2025": (1, 0), "February 2025": (1, 0), "March 2025": (1, 1),
        "April 2025": (0, 1), "May 2025": (0, 0), "June 2025": (1, 0), "July 2025": (0, 1),
        "August 2025": (0, 0), "September 2025": (0, 0), "October 2025": (0, 0),
        "November 2025": (1, 0), "December 2025": (0, 0), "All months": (5, 3),
    }  # fmt: skip


def _received(f):
    return rows(decisions.outcome_tables(f)[0])["All referrals"]["received"]


def test_each_filter(data):
    erie = County.objects.get(name="Erie")
    assert _received(filters(county=erie.pk)) == 3
    assert _received(filters(region=RhtpRegion.objects.get(name="Capital Region (demo)").pk)) == 4
    assert _received(filters(district=District.objects.get(name="New York City").pk)) == 2
    assert _received(filters(referrer_kind="law_enforcement")) == 3
    assert _received(filters(period="month", month="3")) == 2  # R3, R4
    assert _received(filters(period="quarter", quarter="2")) == 3  # R5, R7, R2
    assert _received(filters(period="custom", start="2025-06-18", end="2025-07-03")) == 2
    assert _received(filters(year="2024")) == 1  # R10


def test_filters_apply_to_the_loop_and_the_decision_times(data):
    erie = filters(county=County.objects.get(name="Erie").pk)
    assert rows(loop.loop_table(erie, NOW))["Statewide"]["routed"] == 1
    [row] = decisions.decision_tables(erie)[0].rows
    assert pick(row.values, "decided", "median_days", "by_deadline") == (2, 4.0, 1)  # R5, R6
    police = filters(referrer_kind="district_attorney")
    assert rows(loop.loop_table(police, NOW))["Statewide"]["routed"] == 2  # d6, d7
    january = filters(period="month", month="1")
    assert rows(loop.loop_table(january, NOW))["Statewide"]["routed"] == 1  # d8


def test_a_custom_period_must_be_in_order(db):
    form = ReportFilterForm({"period": "custom", "start": "2025-03-01", "end": "2025-02-01"})
    assert not form.is_valid()
    assert form.filters().start == date(form.today.year, 1, 1)  # invalid: the current year


def test_the_drill_down_lists_the_cases_behind_a_figure(data):
    label, found = loop.drill_down(filters(), scope="all", measure="open_past_deadline", now=NOW)
    assert label == "No contact reported, past the deadline"
    assert [d.referral.reference for d in found] == ["VC-TEST-R4", "VC-TEST-R9"]
    albany = str(data.organizations["albany"].public_id)
    _label, found = loop.drill_down(filters(), scope=albany, measure="reached", now=NOW)
    assert [d.referral.reference for d in found] == ["VC-TEST-R10", "VC-TEST-R1", "VC-TEST-R2"]
    _label, found = loop.drill_down(filters(), scope="rhtp_provider", measure="could_not_reach")
    assert [d.referral.reference for d in found] == ["VC-TEST-R1"]
    assert loop.drill_down(filters(), scope="nonsense", measure="reached") is None
    assert loop.drill_down(filters(), scope="all", measure="nonsense") is None
