"""Figures as of a minute ago (reports/freshness.py): the statistics and the scorecards come from
the store for REPORTS_FIGURES_MAX_AGE_SECONDS (60 here, the default), are computed again after
it, are stored per organization, and say when they were computed; state staff bring them up to
date at once; beat computes the default view every minute. Each test runs at the data set's
pinned moment (conftest.pinned_clock) and moves from it with time-machine."""

import csv
import io
import threading
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from referral_portal.roles import Role
from reports import freshness, scorecards, views
from reports.filters import ReportFilterForm
from reports.tasks import bring_default_statistics_up_to_date
from tests.confirmations.helpers import pdf_text
from tests.factories import UserFactory
from tests.reports.dataset import NOW
from tests.reports.test_queries import PAGES, STORED_QUERIES, YEAR, more_of_everything

pytestmark = pytest.mark.django_db
STATISTICS = reverse("reports:statistics") + YEAR
REFRESH = reverse("reports:refresh") + YEAR
AS_OF_NOW = "Figures as of 12:00 p.m. They are brought up to date every minute."
grown = PAGES["statistics"][2]


def _year_2025():
    return ReportFilterForm({"period": "year", "year": "2025"}).filters()


def _sent_statewide(response) -> str:
    """The closed loop's statewide "Sent": 8 in the data set, 16 once more_of_everything has
    sent four more people to a district and an RHTP provider each."""
    stats = response.context["stats"]
    rows = {row.key: cells for row, cells in stats.exact(stats.table("closed-loop"))}
    return rows["loop:all"][0].text


def test_the_page_says_when_its_figures_were_computed(client, data, supervisor):
    assert django_settings.REPORTS_FIGURES_MAX_AGE_SECONDS == 60
    client.force_login(supervisor)
    page = client.get(STATISTICS).content.decode()
    assert f'<p class="stats-as-of">{AS_OF_NOW}</p>' in page
    assert ">Bring up to date now</button>" in page
    # Read a day later (a result kept while another request computes): the date too.
    figures = freshness.Figures(value=None, computed_at=NOW)
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert figures.as_of == "December 15, 2025, 12:00 p.m."


def test_within_the_max_age_the_figures_come_from_the_store(
    client, data, supervisor, django_assert_num_queries
):
    client.force_login(supervisor)
    first = client.get(STATISTICS)
    more_of_everything(data)
    with (
        time_machine.travel(NOW + timedelta(seconds=59), tick=False),
        django_assert_num_queries(STORED_QUERIES["statistics"]) as stored,
    ):
        second = client.get(STATISTICS)
    assert not any("GROUPING SETS" in query["sql"] for query in stored.captured_queries)
    assert not grown(second) and _sent_statewide(second) == _sent_statewide(first) == "8"
    assert second.context["figures"].computed_at == NOW
    assert AS_OF_NOW in second.content.decode()


def test_after_the_max_age_the_figures_are_computed_again(client, data, supervisor):
    client.force_login(supervisor)
    client.get(STATISTICS)
    more_of_everything(data)
    later = NOW + timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        response = client.get(STATISTICS)
    assert grown(response) and _sent_statewide(response) == "16"  # 8 more deliveries
    assert response.context["figures"].computed_at == later
    assert "Figures as of 12:01 p.m." in response.content.decode()


def test_with_a_max_age_of_0_every_request_computes(client, data, supervisor, settings):
    settings.REPORTS_FIGURES_MAX_AGE_SECONDS = 0
    client.force_login(supervisor)
    client.get(STATISTICS)
    more_of_everything(data)
    response = client.get(STATISTICS)
    assert grown(response)
    assert "They are computed each time the page is opened." in response.content.decode()


def test_a_crowd_is_served_the_previous_figures_while_one_request_computes(
    client, data, supervisor, django_assert_num_queries
):
    """Stale while revalidate: past the max age, a request that finds another computing (its
    lock taken) is served the previous figures at once, without a statistics statement."""
    client.force_login(supervisor)
    client.get(STATISTICS)
    more_of_everything(data)
    key = freshness.key(freshness.STATISTICS, _year_2025())
    assert cache.add(f"{key}:computing", 1, timeout=30)  # another request is computing
    with time_machine.travel(NOW + timedelta(seconds=90), tick=False):
        client.get(reverse("reports:my_scorecard"))  # the session notes the time that passed
        with django_assert_num_queries(STORED_QUERIES["statistics"]) as stored:
            response = client.get(STATISTICS)
    assert not any("GROUPING SETS" in query["sql"] for query in stored.captured_queries)
    assert not grown(response) and AS_OF_NOW in response.content.decode()


def test_with_nothing_stored_a_request_waits_for_the_one_computing(
    pinned_clock, django_assert_num_queries
):
    filters = _year_2025()
    key = freshness.key(freshness.STATISTICS, filters)
    assert cache.add(f"{key}:computing", 1, timeout=30)
    computed = freshness.Figures(value="the other request's figures", computed_at=NOW)
    other = threading.Timer(0.3, lambda: cache.set(key, computed, timeout=60))
    other.start()
    with django_assert_num_queries(0):
        served = freshness.statistics(filters)
    other.join()
    assert served == computed


def test_an_organization_never_gets_another_organizations_scorecard(client, data):
    """Albany and Erie (both districts) open their scorecards for the same period, one after
    the other within the minute: each sees its own figures, as computed live for it."""
    filters = ReportFilterForm({"period": "year", "year": "2025"}, places=False).filters()
    own = {}
    for name in ("albany", "erie"):
        organization = data.organizations[name]
        client.force_login(data.people["receivers"][organization.pk])
        url = reverse("reports:scorecard", args=[organization.public_id]) + YEAR
        response = client.get(url)
        _table, rows = scorecards.receiving_scorecard(organization, filters, NOW)
        live = [[cell.text for cell in cells] for _row, cells in rows]
        assert [[cell.text for cell in cells] for _row, cells in response.context["rows"]] == live
        assert "Figures as of 12:00 p.m." in response.content.decode()
        own[name] = live[0]
    assert own["albany"] != own["erie"]
    albany, erie = data.organizations["albany"], data.organizations["erie"]
    assert freshness.key(
        freshness.scorecard_scope(albany, scorecards.RECEIVING), filters
    ) != freshness.key(freshness.scorecard_scope(erie, scorecards.RECEIVING), filters)


def test_bring_up_to_date_now_recomputes_that_filter_set(client, data, supervisor):
    client.force_login(supervisor)
    client.get(STATISTICS)
    month = reverse("reports:statistics") + "?period=month&year=2025&month=5"
    before_month = client.get(month)
    more_of_everything(data)

    response = client.post(REFRESH)

    assert response.status_code == 302 and response.url == STATISTICS
    assert grown(client.get(STATISTICS))
    assert not grown(client.get(month))  # another filter set keeps its stored figures
    assert client.get(month).context["figures"] == before_month.context["figures"]
    assert client.get(REFRESH).status_code == 405


@pytest.mark.parametrize("role", [Role.REFERRER, Role.ORG_ADMIN, Role.RECEIVING_AGENCY])
def test_referrers_and_agencies_cannot_bring_the_figures_up_to_date(client, data, role):
    key = freshness.key(freshness.STATISTICS, _year_2025())
    client.force_login(UserFactory(role=role))
    assert client.post(REFRESH).status_code == 403
    assert cache.get(key) is None  # nothing was computed


def test_bring_up_to_date_now_is_rate_limited(client, db, supervisor):
    limit = views.refresh.rate_limit["limit"]
    client.force_login(supervisor)
    codes = [client.post(REFRESH).status_code for _ in range(limit + 1)]
    assert codes == [302] * limit + [429]


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_exports_carry_the_figures_and_the_moment_of_the_page(client, data, supervisor):
    """The page is opened at 12:00:50 and the files downloaded at 12:01:20, after more cases
    arrived: they hold the page's figures and say "as of 12:00 p.m." as the page does."""
    client.force_login(supervisor)
    with time_machine.travel(NOW + timedelta(seconds=50), tick=False):
        page = client.get(STATISTICS)
    assert "Figures as of 12:00 p.m." in page.content.decode()
    more_of_everything(data)
    with time_machine.travel(NOW + timedelta(seconds=80), tick=False):
        rows = _csv(client.get(reverse("reports:export", args=["closed-loop", "csv"]) + YEAR))
        xlsx = client.get(reverse("reports:export", args=["closed-loop", "xlsx"]) + YEAR)
        pdf = pdf_text(client.get(reverse("reports:task_force", args=[2025])).content)
    assert ["Figures as of", "12:00 p.m."] in rows
    assert ["Produced", "December 15, 2025, 12:01 p.m."] in rows
    assert next(row for row in rows if row[:1] == ["Statewide"])[1] == "8"  # not 16
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert ("Figures as of", "12:00 p.m.") in [row[:2] for row in sheet.iter_rows(values_only=True)]
    assert "Figures as of 12:00 p.m." in pdf


def test_beat_computes_the_default_view_every_minute(
    client, data, supervisor, django_assert_num_queries
):
    entry = django_settings.CELERY_BEAT_SCHEDULE["reports-default-statistics"]
    assert entry == {"task": "reports.tasks.bring_default_statistics_up_to_date", "schedule": 60.0}
    with time_machine.travel(NOW - timedelta(seconds=30), tick=False):
        bring_default_statistics_up_to_date()
    client.force_login(supervisor)
    client.get(reverse("reports:my_scorecard"))  # the session's first request does more
    # Stored figures, drawn for the first time: the session, the person and the filter form's
    # three lists; no statistics statement.
    with django_assert_num_queries(STORED_QUERIES["statistics"] + 3) as first_view:
        response = client.get(reverse("reports:statistics"))  # no filters: the current year
    assert not any("GROUPING SETS" in q["sql"] for q in first_view.captured_queries)
    assert response.context["figures"].computed_at == NOW - timedelta(seconds=30)
    assert response.context["filters"].period_label == "The year 2025"
