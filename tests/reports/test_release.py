"""What leaves the state team, on the hand-computed data set: no released line (a row or a column
with its total, the same figure in two tables, a scorecard's hidden rest of the state) gives a
hidden count back, every chart draws exactly the released figures of the table beside it, and
the drill-down is logged with its filters."""

from collections import Counter

import pytest
from django.urls import reverse

from access_log.models import AccessLog
from reports import scorecards
from reports.filters import ReportFilterForm
from reports.statistics import statistics
from reports.suppression import FEWER_THAN, SUPPRESSED
from reports.tables import release
from tests.reports.dataset import NOW

pytestmark = pytest.mark.django_db


def year_2025():
    return ReportFilterForm({"period": "year", "year": "2025"}).filters()


def assert_no_line_gives_a_hidden_count_back(tables, released):
    for table in tables:
        for line in table.lines:
            hidden = [released[key].hidden for key in line]
            assert sum(hidden) != 1, (table.slug, line)


def test_no_released_line_of_the_statistics_has_a_single_hidden_cell(data):
    stats = statistics(year_2025(), NOW)
    assert_no_line_gives_a_hidden_count_back(stats.tables, stats.released)
    marks = Counter(str(released) for released in stats.released.values())
    # Both kinds of suppression happen on this data set.
    assert marks[FEWER_THAN] > 0 and marks[SUPPRESSED] > 0


def test_a_figure_shown_in_two_tables_is_released_alike(data):
    stats = statistics(year_2025(), NOW)
    # The loop's statewide and per-kind rows are also the funnel's rows: one cell each.
    loop, funnel = stats.table("closed-loop"), stats.table("loop-funnel")
    for row in funnel.rows:
        assert row in loop.rows
    texts = {
        (row.key, cell.column): cell.text
        for table in (loop, funnel)
        for row, row_cells in stats.release(table)
        for cell in row_cells
    }
    assert texts[("loop:rhtp_provider", "routed")] == FEWER_THAN  # 2
    assert texts[("loop:district", "routed")] == SUPPRESSED  # 6 would give back the 2
    assert texts[("loop:all", "routed")] == "8"


@pytest.mark.parametrize("organization", ["albany", "erie", "capital", "provider", "police"])
def test_a_scorecard_never_lets_the_rest_of_the_state_give_back_a_small_count(data, organization):
    chosen = data.organizations[organization]
    if scorecards.scorecard_kind(chosen) == scorecards.RECEIVING:
        table, _cells = scorecards.receiving_scorecard(chosen, year_2025(), NOW)
    else:
        table, _cells = scorecards.referring_scorecard(chosen, year_2025())
    released = release([table])
    assert_no_line_gives_a_hidden_count_back([table], released)
    # Every small count of the organization, of the state and of the rest is hidden.
    for (row, column), cell in released.items():
        assert cell.hidden or not 0 < cell.value < 5, (row, column)


def test_each_chart_draws_exactly_the_released_figures_of_its_table(data):
    stats = statistics(year_2025(), NOW)
    for chart, table in stats.charts():
        series = [legend for legend, _colour in chart.legend]
        labels = {column.label: column.key for column in table.columns}
        drawn_rows = {label for label, _y in chart.categories}
        shown = Counter(
            str(stats.released[(row.key, labels[name])].value)
            for row in table.rows
            if row.label in drawn_rows
            for name in series
            if not stats.released[(row.key, labels[name])].hidden
        )
        assert Counter(bar.text for bar in chart.bars) == shown, chart.title
    funnel = next(chart for chart, table in stats.charts() if table.slug == "loop-funnel")
    # The RHTP providers' 2 cases sent (fewer than 5) draw no bar; the statewide 8 does.
    assert "2" not in [bar.text for bar in funnel.bars]
    assert "8" in [bar.text for bar in funnel.bars]


def test_the_drill_down_is_logged_with_its_filters(client, data, supervisor):
    client.force_login(supervisor)
    albany = data.organizations["albany"].public_id
    url = reverse("reports:cases") + f"?period=year&year=2025&scope={albany}&measure=reached"
    assert client.get(url).status_code == 200
    log = AccessLog.objects.get(action=AccessLog.Action.SEARCH, object_type="statistics")
    assert log.user == supervisor
    assert log.detail == f"cases measure=reached scope={albany} from=2025-01-01 to=2025-12-31"
