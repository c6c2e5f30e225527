"""The SQL the figures need beyond Django's built-ins: business days over the calendar table
(reports.models.CalendarDay), and several groupings of one set of cases in one statement (GROUP
BY GROUPING SETS), which Django's ORM cannot write.

A figures module describes its cases as a Django queryset (filters, joins and per-case facts as
annotations, so every table, export and drill-down filters alike) and `grouping_sets` wraps it:
the cases are read once and counted per grouping, in PostgreSQL.

Business days are subtractions of the calendar's running count (`business_index`). For the
cases themselves (tens of thousands of rows a year) `grouping_sets` joins the calendar once per
date column (`DaysBetween`, `ByDeadline`): a join, which PostgreSQL plans as a whole, where a
lookup per row (a function that reads the table cannot be inlined) costs several times as much.
`BusinessDays` is the same count as an expression, for the few rows a correlated subquery sums
(extensions, information requests)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Func, IntegerField

from referral_portal.business_days import CLOSE_OF_BUSINESS, NEW_YORK

from .models import CalendarDay

CALENDAR = CalendarDay._meta.db_table
ZONE = NEW_YORK.key  # a constant of ours, formatted into the SQL below
CLOSING = CLOSE_OF_BUSINESS.isoformat()


def _local(moment_sql: str) -> str:
    """The New York wall-clock time of a timestamptz (its ::date is the New York date)."""
    return f"({moment_sql} AT TIME ZONE '{ZONE}')"


def _days_between(start_sql: str, finish_sql: str, start_index: str, finish_index: str) -> str:
    """Business days after the day of `start` up to and including the day of `finish`, from the
    two days' running counts: same day 0, Friday to Monday 1; never negative; NULL when either
    moment is NULL. (A day missing from the calendar counts as 0, as GREATEST ignores NULL.)"""
    return (
        f"CASE WHEN {start_sql} IS NULL OR {finish_sql} IS NULL THEN NULL "
        f"ELSE GREATEST({finish_index} - {start_index}, 0) END"
    )


class BusinessDays(Func):
    """Business days after the New York date of `start` up to and including that of `finish`,
    as an expression: two lookups in the calendar per row. For rows of correlated subqueries
    (extensions, information requests: few); the cases themselves use `DaysBetween`."""

    output_field = IntegerField()

    def __init__(self, start, finish):
        super().__init__(start, finish)

    def as_sql(self, compiler, connection, **extra_context):
        (start, start_params), (finish, finish_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        # Our own table name and the compiled expressions (their values are parameters).
        index = f"(SELECT business_index FROM {CALENDAR} WHERE day = {{}}::date)"  # noqa: S608
        sql = _days_between(
            start, finish, index.format(_local(start)), index.format(_local(finish))
        )
        return sql, (*start_params, *finish_params, *finish_params, *start_params)


def _name(column: str) -> str:
    return connection.ops.quote_name(column)


def _case(column: str) -> str:
    return f"cases.{_name(column)}"


class _Calendar:
    """The calendar rows that per-case figures read, each joined to the cases once."""

    def __init__(self):
        self.joins: dict[tuple, tuple[str, str]] = {}

    def _join(self, key: tuple, on) -> str:
        if key not in self.joins:
            alias = f"calendar_{len(self.joins)}"
            self.joins[key] = (alias, f"LEFT JOIN {CALENDAR} AS {alias} ON {on(alias)}")
        return self.joins[key][0]

    def day(self, column: str) -> str:
        """The row of the New York date of the case's `column`."""
        return self._join(("day", column), lambda row: f"{row}.day = {_local(_case(column))}::date")

    def clock_ends(self, received: str, days: int) -> str:
        """The row of the day a decision clock of `days` business days started at `received`
        runs out, as referral_portal.business_days.add_business_days counts it: day 1 is the
        day of receipt if that is a business day and it arrived before close of business,
        else the next business day."""
        arrival = self.day(received)
        late = (
            f"CASE WHEN {arrival}.is_business_day AND {_local(_case(received))}::time "
            f"< TIME '{CLOSING}' THEN 0 ELSE 1 END"
        )
        return self._join(
            ("clock", received, days),
            lambda row: (
                f"{row}.is_business_day AND {row}.business_index = "
                f"{arrival}.business_index + {days - 1} + {late}"
            ),
        )

    def sql(self) -> str:
        return " ".join(join for _alias, join in self.joins.values())


@dataclass(frozen=True)
class DaysBetween:
    """A per-case figure: the business days after the New York date of the case's `start` up
    to and including that of its `finish` (same day: 0; Friday to Monday: 1; a State holiday
    is not counted; NULL when either is NULL)."""

    start: str
    finish: str

    def sql(self, calendar: _Calendar) -> str:
        start, finish = calendar.day(self.start), calendar.day(self.finish)
        return _days_between(
            _case(self.start),
            _case(self.finish),
            f"{start}.business_index",
            f"{finish}.business_index",
        )


@dataclass(frozen=True)
class ByDeadline:
    """A per-case fact: the case's `moment` came at or before its deadline, the end (close of
    business in New York) of a decision clock of `days` business days started at `received`,
    or the latest of the `moved_to` columns (the deadlines an extension or a pause set) when
    that is later."""

    moment: str
    received: str
    days: int
    moved_to: tuple[str, ...] = ()

    def __post_init__(self):
        if not isinstance(self.days, int) or self.days < 1:
            raise ValueError("days must be a whole number, at least 1")

    def sql(self, calendar: _Calendar) -> str:
        ends = calendar.clock_ends(self.received, self.days)
        clock = f"(({ends}.day + TIME '{CLOSING}') AT TIME ZONE '{ZONE}')"
        deadlines = ", ".join([clock, *map(_case, self.moved_to)])
        return f"{_case(self.moment)} <= GREATEST({deadlines})"


@dataclass(frozen=True)
class CountOf:
    """How many cases (`fact` given: how many cases for which that boolean fact is true)."""

    fact: str | None = None

    def sql(self) -> str:
        return "COUNT(*)" if self.fact is None else f"COUNT(*) FILTER (WHERE {_name(self.fact)})"


@dataclass(frozen=True)
class Percentile:
    """The continuous percentile (0.5: the median) of a per-case figure, NULLs left out."""

    figure: str
    fraction: float

    def __post_init__(self):
        if not 0 <= self.fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")

    def sql(self) -> str:
        fraction = repr(float(self.fraction))
        return f"PERCENTILE_CONT({fraction}) WITHIN GROUP (ORDER BY {_name(self.figure)})"


def grouping_sets(
    cases,
    groupings: Sequence[tuple[str, ...]],
    measures: Mapping[str, CountOf | Percentile],
    per_case: Mapping[str, DaysBetween | ByDeadline] | None = None,
) -> dict[tuple[str, ...], list[dict]]:
    """`measures` of the `cases` (a values() queryset, one row per case, whose columns are
    named by the groupings' dimensions and the measures' facts) in each of `groupings`: the
    rows of each grouping, keyed by it. The empty grouping () is the total, always one row.
    `per_case` adds business-day figures and facts worked out from the cases' columns with the
    calendar joined once per date; groupings and measures may name them as any other column.
    One statement whatever the data."""
    groupings = [tuple(grouping) for grouping in groupings]
    if len(set(groupings)) != len(groupings):
        raise ValueError("each grouping once")
    dimensions = list(dict.fromkeys(d for grouping in groupings for d in grouping))
    # GROUPING(a, b, ...) has one bit per dimension, the first the highest, set when the row's
    # grouping leaves that dimension out: it names the grouping a row belongs to.
    bits = {
        sum(1 << (len(dimensions) - 1 - n) for n, d in enumerate(dimensions) if d not in g): g
        for g in groupings
    }
    inner, params = cases.order_by().query.sql_with_params()
    source = f"({inner}) AS cases"
    if per_case:
        calendar = _Calendar()
        figures = ", ".join(f"{f.sql(calendar)} AS {_name(key)}" for key, f in per_case.items())
        # Only our own names and constants are formatted in.
        # OFFSET 0 keeps the cases a subquery of their own, so that each case's columns are
        # worked out once: flattened, a column used in a join and in a figure (a subquery such
        # as the first contact) would be evaluated twice.
        source = (
            f"(SELECT cases.*, {figures} FROM ({inner} OFFSET 0) AS cases {calendar.sql()}) "  # noqa: S608
            "AS cases"
        )
    grouping_bits = f"GROUPING({', '.join(map(_name, dimensions))})" if dimensions else "0"
    select = ", ".join(
        [
            *map(_name, dimensions),
            f"{grouping_bits} AS grouping_bits",
            *(f"{measure.sql()} AS {_name(key)}" for key, measure in measures.items()),
        ]
    )
    sets = ", ".join(f"({', '.join(map(_name, grouping))})" for grouping in groupings)
    # Only our own quoted names are formatted in; every value is a parameter of `inner`.
    statement = f"SELECT {select} FROM {source} GROUP BY GROUPING SETS ({sets})"  # noqa: S608
    found = {grouping: [] for grouping in groupings}
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        names = [column.name for column in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            grouping = bits[row.pop("grouping_bits")]
            for dimension in dimensions:
                if dimension not in grouping:
                    del row[dimension]
            found[grouping].append(row)
    return found
