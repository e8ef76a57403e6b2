"""Action-plan schedules (planner.calc.schedule): windows, states, completion, flags, timeline geometry."""
from __future__ import annotations

from datetime import date

import pytest

from planner.calc import schedule as sc
from planner.calc.schedule import Window

Y = 2026


def test_window_from_months_spans_first_to_last_day():
    assert sc.window(Y, [3, 2, 4]) == Window(date(2026, 2, 1), date(2026, 4, 30))
    assert sc.window(2028, [2]) == Window(date(2028, 2, 1), date(2028, 2, 29))  # leap year
    assert sc.window(Y, []) is None


def test_dates_win_over_months_and_a_single_date_is_one_day():
    assert sc.window(Y, [1], date(2026, 5, 4), date(2026, 5, 20)) == Window(date(2026, 5, 4), date(2026, 5, 20))
    assert sc.window(Y, [], None, date(2026, 7, 1)) == Window(date(2026, 7, 1), date(2026, 7, 1))


def test_window_months_of_a_dated_step():
    assert sc.window_months(Window(date(2026, 3, 20), date(2026, 5, 2)), Y) == [3, 4, 5]
    assert sc.window_months(None, Y) == []


@pytest.mark.parametrize("status,today,on,expected", [
    ("dropped", date(2026, 1, 1), None, "dropped"),
    ("done", date(2026, 6, 1), date(2026, 3, 31), "done"),
    ("done", date(2026, 6, 1), date(2026, 4, 1), "done_late"),
    ("late", date(2026, 2, 1), date(2026, 2, 1), "late"),
    ("planned", date(2026, 4, 1), None, "overdue"),
    ("planned", date(2026, 3, 31), None, "running"),
    ("planned", date(2026, 2, 1), None, "running"),
    ("planned", date(2026, 1, 31), None, "upcoming"),
])
def test_state_of_a_step_in_february_and_march(status, today, on, expected):
    assert sc.state(status, sc.window(Y, [2, 3]), today, on) == expected


def test_a_step_without_schedule_is_unscheduled_until_marked():
    assert sc.state("planned", None, date(2026, 6, 1)) == "unscheduled"
    assert sc.state("done", None, date(2026, 6, 1), date(2026, 5, 1)) == "done"


def test_completion_counts_due_steps_only_and_leaves_dropped_out():
    jan, jun, dec = sc.window(Y, [1]), sc.window(Y, [6]), sc.window(Y, [12])
    items = [("done", jan), ("overdue", jan), ("late", jun), ("dropped", jan), ("done", dec), ("upcoming", dec)]
    c = sc.completion(items, date(2026, 6, 30))
    assert (c.due, c.done, c.behind, c.dropped) == (3, 1, 2, 1)
    assert c.result.value == pytest.approx(100 / 3)
    assert c.result.formula == sc.COMPLETION_FORMULA
    assert c.on_schedule is False


def test_nothing_due_is_no_number_never_zero():
    c = sc.completion([("upcoming", sc.window(Y, [12]))], date(2026, 3, 31))
    assert c.due == 0 and c.result.value is None and c.on_schedule is None


def test_all_due_steps_done_is_on_schedule():
    c = sc.completion([("done", sc.window(Y, [1])), ("done_late", sc.window(Y, [2]))], date(2026, 3, 31))
    assert c.result.value == 100 and c.on_schedule is True


@pytest.mark.parametrize("items,status,expected", [
    ([("done", [1])], "kritis", "steps_ok_indicator_behind"),
    ([("done", [1])], "perlu_perhatian", "steps_ok_indicator_behind"),
    ([("overdue", [1])], "tercapai", "indicator_ok_steps_late"),
    ([("late", [1])], "on_track", "indicator_ok_steps_late"),
    ([("late", [1])], "kritis", "both_behind"),
    ([("done", [1])], "tercapai", None),
    ([("done", [1])], "belum_dilaporkan", None),
    ([("upcoming", [12])], "kritis", None),  # nothing due: no judgement
])
def test_flags_show_where_steps_and_indicator_disagree(items, status, expected):
    c = sc.completion([(st, sc.window(Y, months)) for st, months in items], date(2026, 3, 31))
    assert sc.flag(c, status) == expected


def test_bars_are_placed_in_percent_of_the_year():
    left, width = sc.bar(sc.window(Y, [1]), Y)
    assert left == 0 and width == pytest.approx(31 / 365 * 100, abs=0.01)
    left, width = sc.bar(sc.window(Y, [12]), Y)
    assert left + width == pytest.approx(100, abs=0.01)
    assert sc.bar(None, Y) is None
    assert sc.bar(sc.window(2025, [5]), Y) is None


def test_one_bar_per_run_of_months():
    assert len(sc.bars(Y, [1, 2, 6, 7, 12])) == 3
    assert len(sc.bars(Y, [], date(2026, 3, 1), date(2026, 4, 15))) == 1
    assert sc.bars(Y, []) == []


def test_today_line_only_inside_the_year():
    assert sc.today_line(date(2026, 1, 1), Y) == 0
    assert sc.today_line(date(2026, 7, 2), Y) == pytest.approx(182 / 365 * 100, abs=0.001)
    assert sc.today_line(date(2027, 1, 1), Y) is None


def test_find_cycle():
    assert sc.find_cycle({1: [2], 2: [3], 3: []}) is None
    cycle = sc.find_cycle({1: [2], 2: [3], 3: [1]})
    assert cycle[0] == cycle[-1] and set(cycle) == {1, 2, 3}
    assert sc.find_cycle({4: [4]}) == [4, 4]


def test_dependency_clashes_allow_overlap_but_not_going_first():
    w = {1: sc.window(Y, [1, 2]), 2: sc.window(Y, [2, 3]), 3: sc.window(Y, [1]), 4: None}
    assert sc.dependency_clashes(w, {2: [1]}) == []  # starts the month the prerequisite ends: fine
    assert sc.dependency_clashes(w, {3: [1]}) == [(3, 1)]  # ends before its prerequisite ends
    assert sc.dependency_clashes(w, {1: [2]}) == [(1, 2)]  # starts before its prerequisite starts
    assert sc.dependency_clashes(w, {4: [1]}) == []
