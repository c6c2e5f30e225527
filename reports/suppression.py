"""Small-cell suppression: the rule for every figure that can leave the state team (scorecards,
exports, charts, the Task Force report). Pure functions, no database.

Primary suppression: a count from 1 to 4 is never released; it reads "fewer than 5". Zero is
released (nobody can be singled out of nobody).

Complementary suppression: tables carry totals, so a hidden cell could be worked out by
subtraction. A *line* is a group of cells of which one is the sum of the others (a row and its
total, a column and its total, the same figure shown in two places). While any line has exactly
one hidden cell, the smallest other cell of that line is hidden too and reads "suppressed"
(a non-zero cell if there is one: hiding a zero protects nothing when zeros are rare). Repeat
until every line has no hidden cell or at least two, so that no hidden cell is the only unknown
of any sum. Ties go to the cell listed first, so the result is the same every time.

Statistics computed over cases (shares, medians) are released only when they cannot give a
hidden count back: a share only when its numerator and denominator are both released, a median
only when it summarises at least 5 cases.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

THRESHOLD = 5
FEWER_THAN = f"fewer than {THRESHOLD}"
SUPPRESSED = "suppressed"


class Mark(StrEnum):
    SHOWN = "shown"
    PRIMARY = "primary"  # 1 to THRESHOLD - 1
    COMPLEMENTARY = "complementary"  # hidden so that a primary cell cannot be derived


@dataclass(frozen=True)
class Released:
    value: int
    mark: Mark

    @property
    def hidden(self) -> bool:
        return self.mark is not Mark.SHOWN

    def __str__(self) -> str:
        if self.mark is Mark.PRIMARY:
            return FEWER_THAN
        if self.mark is Mark.COMPLEMENTARY:
            return SUPPRESSED
        return str(self.value)


def is_small(value: int) -> bool:
    return 0 < value < THRESHOLD


def suppress(values: Mapping[Hashable, int], lines: Iterable[Sequence[Hashable]]):
    """Each cell of `values` with its mark. Every key of every line must be in `values`."""
    lines = [tuple(line) for line in lines if len(line) > 1]
    order = {key: position for position, key in enumerate(values)}
    hidden = {key for key, value in values.items() if is_small(value)}
    primary = frozenset(hidden)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(key in hidden for key in line) != 1:
                continue
            candidates = [key for key in line if key not in hidden]
            hidden.add(min(candidates, key=lambda k: (values[k] == 0, values[k], order[k])))
            changed = True
    return {
        key: Released(
            value,
            Mark.PRIMARY if key in primary else Mark.COMPLEMENTARY if key in hidden else Mark.SHOWN,
        )
        for key, value in values.items()
    }


def grid_lines(rows: Sequence, columns: Sequence, total) -> list[list[tuple]]:
    """The lines of a table of (row, column) cells whose last row and last column, both keyed
    `total`, hold the sums: every row with its total, every column with its total."""
    all_rows, all_columns = [*rows, total], [*columns, total]
    return [[(row, column) for column in all_columns] for row in all_rows] + [
        [(row, column) for row in all_rows] for column in all_columns
    ]


def share(numerator: Released, denominator: Released) -> float | None:
    """numerator / denominator, or None when either is hidden or there is nothing to divide."""
    if numerator.hidden or denominator.hidden or denominator.value == 0:
        return None
    return numerator.value / denominator.value


def statistic(value, cases: int):
    """A median or percentile of `cases` cases, or None when fewer than THRESHOLD."""
    return value if cases >= THRESHOLD else None
