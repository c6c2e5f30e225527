"""Every reports page runs a fixed number of queries, at most 15, however much there is to count:
the figures are aggregated in PostgreSQL (one statement per group of tables, reports/sql.py
grouping_sets), never fetched row by row. Each page is measured on the hand-computed data set,
then again after more referrals, counties, decisions, deliveries and organizations are added.

The figures are stored for a minute (reports/freshness.py), so the two paths are measured apart:
computing (the store switched off, REPORTS_FIGURES_MAX_AGE_SECONDS=0, so every request computes)
and stored (a second request within the minute runs no statistics statement at all)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from confirmations.models import Decision, Extension
from referral_portal.business_days import add_business_days
from referrals.models import InformationRequest, Status
from routing.models import OutcomeReport, RhtpProvider, RoutingDelivery
from tests.referrals.factories import stored_referral
from tests.reports.dataset import ny
from tests.routing.factories import district

pytestmark = pytest.mark.django_db
YEAR = "?period=year&year=2025"
MOST_QUERIES = 15
NEW_COUNTIES = ("Monroe", "Suffolk", "Onondaga", "Westchester")


def more_of_everything(data):
    """In each new county: a provider's referral, decided after a question and an extension,
    sent to the county's district and to an RHTP provider not in the data set, each reporting
    an outcome."""
    referrer, reviewer = data.people["provider"], data.people["reviewer"]
    used = [data.organizations[name] for name in ("capital", "nyc_south")]
    providers = RhtpProvider.objects.exclude(organization__in=used).select_related("organization")
    for n, (county, rhtp) in enumerate(zip(NEW_COUNTIES, providers, strict=False)):
        submitted = ny(5, 5 + n)
        referral = stored_referral(
            referrer=referrer,
            county=county,
            status=Status.CONFIRMED,
            submitted_at=submitted,
            due_at=add_business_days(submitted, 5),
            decided_at=ny(5, 20 + n),
            reference=f"VC-MORE-{n}",
        )
        InformationRequest.objects.create(
            referral=referral,
            requested_by=reviewer,
            reasons=["other"],
            requested_at=ny(5, 12 + n),
            responded_at=ny(5, 14 + n),
            responded_by=referrer,
        )
        Extension.objects.create(
            referral=referral,
            reason="Waiting for a police report.",
            previous_due_at=add_business_days(submitted, 3),
            new_due_at=add_business_days(submitted, 5),
            granted_by=reviewer,
            granted_at=ny(5, 6 + n),
        )
        Decision.objects.create(
            referral=referral,
            outcome=Decision.Outcome.CONFIRMED,
            decided_by=reviewer,
            decided_at=ny(5, 20 + n),
            basis="both",
            appears_eligible=True,
            referral_version=2,
            county_of_residence=referral.county_of_residence,
        )
        for entry in (district(f"{county} County"), rhtp):
            is_district = not isinstance(entry, RhtpProvider)
            delivery = RoutingDelivery.objects.create(
                referral=referral,
                organization=entry.organization,
                destination="district" if is_district else "rhtp_provider",
                district=entry if is_district else None,
                rhtp_provider=None if is_district else entry,
                appears_eligible=True,
                routed_by=reviewer,
                routed_at=ny(5, 20 + n),
                state="delivered",
                portal_delivered_at=ny(5, 20 + n),
                delivered_at=ny(5, 20 + n),
                acknowledge_due_at=add_business_days(ny(5, 20 + n), 2),
                first_contact_due_at=add_business_days(ny(5, 20 + n), 5),
                first_outcome_at=ny(5, 22 + n),
            )
            OutcomeReport.objects.create(
                delivery=delivery,
                outcome="contacted",
                reported_by=reviewer,
                reported_at=ny(5, 22 + n),
            )


def _statewide(response) -> str:
    """The scorecard's statewide figure in its first column."""
    _own, (_row, cells) = response.context["rows"]
    return cells[0].text


def _scorecard(name):
    return lambda data: (
        reverse("reports:scorecard", args=[data.organizations[name].public_id]) + YEAR
    )


# Each page: who opens it, its address, and what shows that the added cases were counted.
PAGES = {
    "statistics": (
        "supervisor",
        lambda data: reverse("reports:statistics") + YEAR,
        lambda response: "Monroe County Department of Social Services" in response.text,
    ),
    "drill-down": (
        "supervisor",
        lambda data: reverse("reports:cases") + YEAR + "&scope=all&measure=routed",
        lambda response: "VC-MORE-3" in response.text,
    ),
    # Sent to any district: 6 in the data set, 4 more.
    "district scorecard": ("albany", _scorecard("albany"), lambda r: _statewide(r) == "10"),
    # Referrals received statewide: 9 in the data set, 4 more.
    "referrer scorecard": ("provider", _scorecard("provider"), lambda r: _statewide(r) == "13"),
}


def _sign_in(client, data, supervisor, who):
    people = {
        "supervisor": supervisor,
        "albany": data.people["receivers"][data.organizations["albany"].pk],
        "provider": data.people["provider"],
    }
    client.force_login(people[who])


@pytest.mark.parametrize("page", PAGES)
def test_each_reports_page_runs_a_fixed_number_of_queries(
    client, data, supervisor, django_assert_max_num_queries, page, settings
):
    """The computing path: every request computes, as the first one after the minute does."""
    settings.REPORTS_FIGURES_MAX_AGE_SECONDS = 0
    who, url, grown = PAGES[page]
    _sign_in(client, data, supervisor, who)
    assert client.get(url(data)).status_code == 200  # the session's first request does more
    with django_assert_max_num_queries(MOST_QUERIES) as before:
        first = client.get(url(data))
    assert first.status_code == 200 and not grown(first)
    more_of_everything(data)
    with django_assert_max_num_queries(MOST_QUERIES) as after:
        second = client.get(url(data))
    assert second.status_code == 200 and grown(second)
    assert len(after) == len(before)


# The stored path: the session and the user, then only what the page reads live besides the
# figures (the statistics page: nothing, its filter form and tables are drawn once and kept
# with them; a scorecard: the organization).
STORED_QUERIES = {"statistics": 2, "district scorecard": 3, "referrer scorecard": 3}


@pytest.mark.parametrize("page", STORED_QUERIES)
def test_stored_figures_run_no_statistics_statement(
    client, data, supervisor, django_assert_num_queries, page
):
    who, url, grown = PAGES[page]
    _sign_in(client, data, supervisor, who)
    with CaptureQueriesContext(connection) as computing:
        assert client.get(url(data)).status_code == 200  # computes and stores
    assert any("GROUPING SETS" in query["sql"] for query in computing.captured_queries)
    more_of_everything(data)
    with django_assert_num_queries(STORED_QUERIES[page]) as stored:
        second = client.get(url(data))
    assert second.status_code == 200 and not grown(second)  # the figures of the first request
    assert not any("GROUPING SETS" in query["sql"] for query in stored.captured_queries)
