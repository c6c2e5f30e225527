"""The statistics page, the drill-down, the exports and the scorecards over HTTP: who may see
what, what they see (exact for the state team, suppressed for everyone else). The number of
queries of each page: test_queries.py."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from access_log.models import AccessLog
from referral_portal.roles import Role
from tests.confirmations.helpers import pdf_text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
YEAR = "?period=year&year=2025"


def test_the_state_team_sees_exact_figures_marked_not_for_release(client, data, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("reports:statistics") + YEAR)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not for release." in page
    assert page.index("The closed loop") < page.index("Referrals by trafficking type")
    # The Albany County row with its exact small counts (4 sent, 3 acknowledged on time).
    stats = response.context["stats"]
    loop_rows = {row.label: cells for row, cells in stats.exact(stats.tables[0])}
    albany = loop_rows["Albany County Department of Social Services"]
    assert [cell.text for cell in albany[:3]] == ["4", "3", "75%"]
    assert "<svg" in page and "First decisions by month" in page


@pytest.mark.parametrize("role", [Role.REFERRER, Role.ORG_ADMIN, Role.RECEIVING_AGENCY])
def test_referrers_and_receiving_agencies_cannot_reach_the_state_pages(client, data, role):
    client.force_login(UserFactory(role=role))
    for name in ("reports:statistics", "reports:cases"):
        assert client.get(reverse(name) + YEAR).status_code == 403
    assert client.get(reverse("reports:export", args=["closed-loop", "csv"])).status_code == 403
    assert client.get(reverse("reports:task_force", args=[2025])).status_code == 403


def test_the_drill_down_lists_reference_numbers_and_no_names(client, data, supervisor):
    client.force_login(supervisor)
    url = reverse("reports:cases") + YEAR + "&scope=all&measure=open_past_deadline"
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "VC-TEST-R4" in page and "VC-TEST-R9" in page and "VC-TEST-R1<" not in page
    assert data.referrals["R4"].legal_name not in page
    assert client.get(reverse("reports:cases") + YEAR + "&scope=x&measure=y").status_code == 404


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_a_csv_export_is_suppressed_with_its_filters_on_top_and_is_logged(client, data, supervisor):
    client.force_login(supervisor)
    url = reverse("reports:export", args=["closed-loop", "csv"]) + YEAR
    rows = _csv(client.get(url))
    assert rows[0] == [
        "New York State victim confirmation: The closed loop: what happened after confirmation"
    ]
    assert ["Period", "The year 2025"] in rows and ["County of residence", "All"] in rows
    body = {
        row[0]: row[1:]
        for row in rows[
            rows.index(next(r for r in rows if r[:1] == ["Receiving organization"])) + 1 :
        ]
    }
    # Sent: 8 statewide; the providers' 2 is small; the districts' 6 would give it back.
    assert body["Statewide"][0] == "8"
    assert body["All RHTP providers"][0] == "fewer than 5"
    assert body["All local departments of social services"][0] == "suppressed"
    assert body["Albany County Department of Social Services"][:3] == [
        "fewer than 5", "fewer than 5", "suppressed"]  # fmt: skip
    log = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert log.user == supervisor and log.object_type == "statistics"
    assert log.detail == "table=closed-loop format=csv from=2025-01-01 to=2025-12-31"


def test_an_xlsx_export_holds_the_same_released_table(client, data, supervisor):
    client.force_login(supervisor)
    url = reverse("reports:export", args=["by-trafficking-type", "xlsx"]) + YEAR + "&county="
    response = client.get(url)
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[1][0] == "Produced"
    header = rows.index(next(r for r in rows if r[0] == "Trafficking type"))
    body = {row[0]: list(row[1:8]) for row in rows[header + 1 :]}
    assert body["All referrals"] == [9, 5, "fewer than 5", "fewer than 5", "fewer than 5",
                                     "fewer than 5", "fewer than 5"]  # fmt: skip
    assert (
        AccessLog.objects.filter(
            action="export", detail__startswith="table=by-trafficking-type format=xlsx"
        ).count()
        == 1
    )


def test_the_task_force_pdf_states_the_period_and_the_rule(client, data, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("reports:task_force", args=[2025]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Human-trafficking victim confirmation in New York State, 2025" in text
    assert "Period: The year 2025." in text
    assert 'Counts from 1 to 4 are shown as "fewer than 5"' in text
    assert "The closed loop: what happened after confirmation" in text
    assert "First decisions by month" in text
    assert AccessLog.objects.filter(detail__startswith="task_force_report").count() == 1


def test_a_receiving_agency_sees_its_own_scorecard_beside_statewide(client, data):
    albany = data.organizations["albany"]
    person = UserFactory(role=Role.RECEIVING_AGENCY, organization=albany)
    client.force_login(person)
    mine = reverse("reports:scorecard", args=[albany.public_id])
    assert client.get(reverse("reports:my_scorecard")).url == mine
    response = client.get(mine + YEAR)
    assert response.status_code == 200
    own, state = ([cell.text for cell in cells] for _row, cells in response.context["rows"])
    # Sent: Albany 4 (small), all districts 6; the rest (2) is small too, so 6 can be shown.
    assert own[0] == "fewer than 5" and state[0] == "6"
    page = response.content.decode()
    assert "Erie County" not in page and "New York City" not in page


def test_another_organizations_scorecard_is_a_404(client, data):
    person = UserFactory(role=Role.RECEIVING_AGENCY, organization=data.organizations["albany"])
    client.force_login(person)
    for other in ("erie", "capital", "provider"):
        url = reverse("reports:scorecard", args=[data.organizations[other].public_id])
        assert client.get(url).status_code == 404
    client.force_login(data.people["police"])
    url = reverse("reports:scorecard", args=[data.organizations["provider"].public_id])
    assert client.get(url).status_code == 404


def test_a_referring_organization_sees_what_became_of_its_referrals(client, data):
    client.force_login(data.people["provider"])
    url = reverse("reports:scorecard", args=[data.organizations["provider"].public_id]) + YEAR
    own, state = ([cell.text for cell in cells] for _row, cells in client.get(url).context["rows"])
    # Received, confirmed, declined, withdrawn, awaiting, appealed, overturned, reached, share.
    assert own == ["suppressed", "fewer than 5", "fewer than 5", "0", "0", "fewer than 5",
                   "fewer than 5", "fewer than 5", "suppressed"]  # fmt: skip
    assert state == ["9", "5", "fewer than 5", "fewer than 5", "fewer than 5", "fewer than 5",
                     "fewer than 5", "fewer than 5", "suppressed"]  # fmt: skip


def test_state_staff_open_any_scorecard(client, data, supervisor):
    client.force_login(supervisor)
    url = reverse("reports:scorecard", args=[data.organizations["erie"].public_id])
    assert client.get(url).status_code == 200
    assert client.get(reverse("reports:my_scorecard")).url == reverse("reports:statistics")
