"""Every table of the statistics page, in page order, and the charts drawn from them. The page,
the exports and the Task Force PDF all call `statistics()`, so they never disagree.

Suppression runs once over all tables together (a figure shown in two tables is one cell), and
the charts and exports use the released figures; the state team's page shows exact ones."""

from dataclasses import dataclass

from django.utils import timezone

from routing.models import Destination

from . import decisions, loop
from .charts import Chart, bar_chart
from .filters import ReportFilters
from .tables import Column, Table, cells, grid, release

FUNNEL_COLUMNS = [
    Column("routed", "Confirmed and sent"),
    Column("acknowledged", "Acknowledged"),
    Column("reached", "Reached"),
    Column("services_started", "Services started"),
]


def funnel_table(loop_table: Table) -> Table:
    """The loop funnel per destination kind, from the loop table's own rows (same cells)."""
    by_key = {row.key: row for row in loop_table.rows}
    kinds = [by_key[f"loop:{kind}"] for kind in Destination.values]
    total = by_key["loop:all"]
    return Table(
        slug="loop-funnel",
        title="From confirmation to services, by destination kind",
        row_heading="Destination",
        columns=FUNNEL_COLUMNS,
        rows=[*kinds, total],
        lines=grid(kinds, total, [c.key for c in FUNNEL_COLUMNS]),
    )


@dataclass
class Statistics:
    filters: ReportFilters
    tables: list[Table]
    released: dict

    def table(self, slug: str) -> Table | None:
        return next((t for t in self.tables if t.slug == slug), None)

    def exact(self, table: Table):
        return cells(table)

    def release(self, table: Table):
        return cells(table, self.released)

    def charts(self) -> list[tuple[Chart, Table]]:
        return [
            (self._chart(self.table("decisions-by-month"), ["confirmed", "declined"],
                         "First decisions by month", exclude_total=True),
             self.table("decisions-by-month")),
            (self._chart(self.table("decision-days"), ["decided"],
                         "First decisions by business days taken", exclude_total=True),
             self.table("decision-days")),
            (self._chart(self.table("loop-funnel"), [c.key for c in FUNNEL_COLUMNS],
                         "From confirmation to services, by destination kind"),
             self.table("loop-funnel")),
        ]  # fmt: skip

    def _chart(self, table: Table, keys, title, exclude_total=False) -> Chart:
        rows = [r for r in table.rows if not (exclude_total and r.group)]
        labels = {c.key: c.label for c in table.columns}
        series = [
            (labels[key], [None if self.released[(r.key, key)].hidden
                           else self.released[(r.key, key)].value for r in rows])
            for key in keys
        ]  # fmt: skip
        return bar_chart(title, [r.label for r in rows], series)


def statistics(filters: ReportFilters, now=None) -> Statistics:
    now = now or timezone.now()
    closed_loop = loop.loop_table(filters, now)
    tables = [
        closed_loop,
        funnel_table(closed_loop),
        *decisions.outcome_tables(filters),
        *decisions.decision_tables(filters),
    ]
    return Statistics(filters=filters, tables=tables, released=release(tables))


def released_rows(stats: Statistics, table: Table) -> list[list[str]]:
    """A table as it may leave the state team: the header, then one line per row."""
    header = [table.row_heading or "Figure", *(c.label for c in table.columns)]
    body = [
        [row.label, *(cell.text for cell in row_cells)] for row, row_cells in stats.release(table)
    ]
    return [header, *body]
