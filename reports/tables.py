"""A statistics table as the page, the exports, the charts and the PDF all read it: rows of
figures under declared columns, and the lines along which its counts add up (for suppression).

The figures modules fill tables with exact numbers from PostgreSQL. `cells(table)` formats them
exactly (the state team's page, marked not for release); `cells(table, released)` formats what
may leave the team, after reports.suppression has marked the counts.
"""

from dataclasses import dataclass, field, replace

from . import suppression

COUNT, SHARE, DAYS = "count", "share", "days"
NO_DATA = "no cases"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = COUNT
    of: tuple[str, str] | None = None  # a share: (numerator, denominator) count columns
    cases: str | None = None  # a statistic in days: the count column of the cases it summarises


@dataclass
class Row:
    key: str  # unique across the tables released together
    label: str
    values: dict
    group: bool = False  # a total or a subtotal, shown in bold
    scope: str = ""  # what a drill-down from this row lists (loop table)


@dataclass
class Table:
    slug: str
    title: str
    row_heading: str
    columns: list[Column]
    rows: list[Row]
    lines: list[list[tuple]] = field(default_factory=list)
    note: str = ""
    # Cells never shown but derivable (a scorecard's "rest of the state"): in the lines, so
    # that suppression protects them too.
    hidden_rows: list[Row] = field(default_factory=list)

    @property
    def count_columns(self) -> list[Column]:
        return [column for column in self.columns if column.kind == COUNT]


def grid(rows: list[Row], total: Row, columns, *, whole=None, parts=()) -> list[list[tuple]]:
    """Lines of a table whose rows add up to `total` in each of `columns`, and (when given)
    whose `parts` columns add up to the `whole` column in every row."""
    keys = [row.key for row in rows]
    lines = [[(key, column) for key in keys] + [(total.key, column)] for column in columns]
    if whole:
        lines += [[(key, whole)] + [(key, part) for part in parts] for key in [*keys, total.key]]
    return lines


def release(tables: list[Table]) -> dict:
    """Suppression over several tables at once: a row key shared by two tables (the totals) is
    one cell, so hiding it in one hides it in all."""
    values, lines = {}, []
    for table in tables:
        for row in [*table.rows, *table.hidden_rows]:
            for column in table.count_columns:
                values[(row.key, column.key)] = row.values.get(column.key) or 0
        lines += table.lines
    return suppression.suppress(values, lines)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


def _days(value) -> str:
    if value is None:
        return ""
    return f"{value:.1f}".removesuffix(".0")


@dataclass(frozen=True)
class Cell:
    text: str
    value: float | int | None  # the number behind the text, None when withheld
    hidden: bool = False
    column: str = ""
    heading: str = ""  # the column's label, for the drill-down link's accessible name


def _cell(row: Row, column: Column, released: dict | None) -> Cell:
    raw = row.values.get(column.key)
    if column.kind == COUNT:
        if released is None:
            return Cell(str(raw or 0), raw or 0, column=column.key)
        mark = released[(row.key, column.key)]
        return Cell(str(mark), None if mark.hidden else mark.value, mark.hidden, column.key)
    if column.kind == SHARE:
        numerator, denominator = column.of
        if released is None:
            top, bottom = row.values.get(numerator) or 0, row.values.get(denominator) or 0
            value = top / bottom if bottom else None
        else:
            value = suppression.share(
                released[(row.key, numerator)], released[(row.key, denominator)]
            )
            if value is None and (row.values.get(denominator) or 0):
                return Cell(suppression.SUPPRESSED, None, True, column.key)
        return Cell(_percent(value) or NO_DATA, value, column=column.key)
    cases = row.values.get(column.cases) or 0
    if released is not None:
        raw = suppression.statistic(raw, cases)
        if raw is None and cases:
            return Cell(suppression.SUPPRESSED, None, True, column.key)
    return Cell(_days(raw) or NO_DATA, raw, column=column.key)


def cells(table: Table, released: dict | None = None) -> list[tuple[Row, list[Cell]]]:
    return [
        (row, [replace(_cell(row, column, released), heading=column.label)
               for column in table.columns])
        for row in table.rows
    ]  # fmt: skip
