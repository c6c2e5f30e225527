"""The suppression rule, on its own (reports/suppression.py is pure)."""

from reports.suppression import FEWER_THAN, SUPPRESSED, Mark, grid_lines, share, statistic, suppress


def marks(result):
    return {key: released.mark for key, released in result.items()}


def texts(result):
    return {key: str(released) for key, released in result.items()}


def test_counts_from_one_to_four_are_fewer_than_five_and_zero_and_five_are_shown():
    result = suppress({"a": 0, "b": 1, "c": 4, "d": 5, "e": 120}, lines=[])
    assert texts(result) == {"a": "0", "b": FEWER_THAN, "c": FEWER_THAN, "d": "5", "e": "120"}


def test_a_lone_small_cell_in_a_row_hides_the_smallest_other_non_zero_cell():
    # total = a + b + c + d; a is small; d is zero and protects nothing.
    values = {"a": 3, "b": 40, "c": 12, "d": 0, "total": 55}
    result = suppress(values, [["a", "b", "c", "d", "total"]])
    assert marks(result) == {
        "a": Mark.PRIMARY,
        "b": Mark.SHOWN,
        "c": Mark.COMPLEMENTARY,
        "d": Mark.SHOWN,
        "total": Mark.SHOWN,
    }
    assert str(result["c"]) == SUPPRESSED


def test_two_small_cells_in_a_line_need_no_complement():
    result = suppress({"a": 2, "b": 3, "c": 50, "t": 55}, [["a", "b", "c", "t"]])
    assert marks(result) == {"a": Mark.PRIMARY, "b": Mark.PRIMARY, "c": Mark.SHOWN, "t": Mark.SHOWN}


def test_a_small_total_is_protected_too():
    # A total of 3 made of one cell of 3 and zeros: both are small, nothing else is hidden.
    result = suppress({"a": 3, "b": 0, "t": 3}, [["a", "b", "t"]])
    assert marks(result) == {"a": Mark.PRIMARY, "b": Mark.SHOWN, "t": Mark.PRIMARY}


def test_only_zeros_left_to_hide_then_a_zero_is_hidden():
    result = suppress({"a": 2, "b": 0, "t": 7, "c": 5}, [["a", "b", "c", "t"], ["c", "t"]])
    # The line [c, t] is an equality (the same figure twice): once c is hidden, so is t.
    assert marks(result) == {
        "a": Mark.PRIMARY,
        "b": Mark.SHOWN,
        "t": Mark.COMPLEMENTARY,
        "c": Mark.COMPLEMENTARY,
    }


def test_complementary_suppression_on_rows_and_columns_of_a_table_with_totals():
    #            x    y    z  | total
    #   r1       2   10   30  |   42
    #   r2       8    9   40  |   57
    #   r3      20   25   11  |   56
    #   total   30   44   81  |  155
    body = {
        ("r1", "x"): 2,
        ("r1", "y"): 10,
        ("r1", "z"): 30,
        ("r2", "x"): 8,
        ("r2", "y"): 9,
        ("r2", "z"): 40,
        ("r3", "x"): 20,
        ("r3", "y"): 25,
        ("r3", "z"): 11,
    }
    values = dict(body)
    for row in ("r1", "r2", "r3"):
        values[(row, "T")] = sum(v for (r, _c), v in body.items() if r == row)
    for column in ("x", "y", "z"):
        values[("T", column)] = sum(v for (_r, c), v in body.items() if c == column)
    values[("T", "T")] = sum(body.values())
    result = suppress(values, grid_lines(["r1", "r2", "r3"], ["x", "y", "z"], "T"))
    hidden = sorted(key for key, released in result.items() if released.hidden)
    # Row r1 hides its smallest other cell (y: 10); column x its smallest (r2: 8); that
    # leaves row r2 and column y with one hidden cell each, closed by (r2, y): a rectangle.
    assert hidden == [("r1", "x"), ("r1", "y"), ("r2", "x"), ("r2", "y")]
    assert result[("r1", "x")].mark is Mark.PRIMARY
    # No line (row or column with its total) has exactly one hidden cell.
    for line in grid_lines(["r1", "r2", "r3"], ["x", "y", "z"], "T"):
        assert sum(result[key].hidden for key in line) != 1


def test_the_result_is_the_same_every_time():
    values = {"a": 1, "b": 9, "c": 9, "t": 19}
    first = marks(suppress(values, [["a", "b", "c", "t"]]))
    assert first == marks(suppress(values, [["a", "b", "c", "t"]]))
    assert first["b"] is Mark.COMPLEMENTARY  # the tie goes to the cell listed first


def test_shares_and_medians_are_withheld_when_they_would_reveal_a_hidden_count():
    result = suppress({"n": 3, "d": 40, "m": 20}, [])
    assert share(result["n"], result["d"]) is None
    assert share(result["m"], result["d"]) == 0.5
    assert share(result["m"], suppress({"z": 0}, [])["z"]) is None
    assert statistic(2.5, cases=4) is None
    assert statistic(2.5, cases=5) == 2.5
