"""Pure computations of evaluation across units (methodology §12): ranking, change, percentages, means by unit
type, follow-up shares and the acceleration groups."""
from __future__ import annotations

from datetime import date

import pytest

from planner.calc import evaluation_rounds as cr


def test_competition_ranking_shares_ties_and_leaves_gaps():
    assert cr.rank({"a": 4.1, "b": 3.9, "c": 4.1, "d": None, "e": 2.0}) == {"a": 1, "c": 1, "b": 3, "e": 4, "d": None}


def test_ranking_ties_survive_float_noise():
    assert cr.rank({"a": 0.1 + 0.2, "b": 0.3}) == {"a": 1, "b": 1}


def test_difference_and_its_missing_sides():
    assert cr.difference(3.5, 3.2) == pytest.approx(-0.3)
    assert cr.difference(0.1, 0.3) == 0.2  # exact at 9 decimals, not 0.19999999999999998
    assert cr.difference(None, 3.0) is None and cr.difference(3.0, None) is None


def test_percent_and_mean():
    assert cr.percent(2, 3) == pytest.approx(66.666666667)
    assert cr.percent(0, 0) is None
    assert cr.mean([3.0, None, 4.0]) == 3.5 and cr.mean([None]) is None


def test_heat_band_is_the_ipp_category_of_the_aspect_score():
    assert cr.heat(4.5) == "A\u2212" and cr.heat(4.51) == "A" and cr.heat(None) is None
    assert cr.heat(3.5) == "B\u2212" and cr.heat(1.0) == "F"


def test_trend_by_unit_type_averages_per_round():
    rows = [(1, "provinsi", 3.0), (1, "provinsi", 4.0), (1, "kota", 2.0), (2, "provinsi", 4.0), (2, None, 3.0)]
    assert cr.trend_by_type(rows) == {"provinsi": {1: 3.5, 2: 4.0}, "kota": {1: 2.0}, "lainnya": {2: 3.0}}


@pytest.mark.parametrize("code, group", [("A", "mandiri"), ("A-", "mandiri"), ("A\u2212", "mandiri"),
                                         ("B", "pendampingan"), ("C\u2212", "pendampingan"), ("D", "prioritas"),
                                         ("F", "prioritas"), (None, None)])
def test_default_group_rule(code, group):
    assert cr.group_for(code) == group


def test_admin_rule_overrides_the_default_and_is_checked():
    assert cr.group_for("B", {"B": "mandiri"}) == "mandiri"
    with pytest.raises(ValueError, match="kategori 'Z'"):
        cr.check_rule({"Z": "mandiri"})
    with pytest.raises(ValueError, match="kelompok 'lain'"):
        cr.check_rule({"A": "lain"})


def item(i, unit, aspect, status, due, unit_type="provinsi"):
    return cr.FollowUpItem(i, unit, aspect, unit_type, status, due)


def test_follow_up_shares_worked_example():
    """Three units with recommendations, one without: unit 1 has one done, unit 2 one in progress, unit 3 none
    acted on: 2 of 3 units follow up (66,67%); 1 of 5 recommendations done (20%); 3 overdue on 1 April."""
    items = [item(1, "u1", "1", "selesai", date(2026, 3, 1)), item(2, "u1", "2", "belum", date(2026, 3, 1)),
             item(3, "u2", "1", "proses", date(2026, 3, 1), "kota"), item(4, "u2", "2", "belum", date(2026, 2, 1), "kota"),
             item(5, "u3", "1", "belum", date(2026, 12, 1))]
    units = {"u1": "provinsi", "u2": "kota", "u3": "provinsi", "u4": "provinsi"}
    s = cr.follow_up(items, units, date(2026, 4, 1))
    assert (s.total.units, s.total.units_acting) == (3, 2)
    assert s.total.units_acting_pct == pytest.approx(66.666666667)
    assert (s.total.items, s.total.done, s.total.done_pct, s.total.overdue) == (5, 1, 20.0, 3)
    assert s.overdue == (4, 2, 3)  # oldest due date first
    assert s.by_aspect["1"].done_pct == pytest.approx(33.333333333) and s.by_aspect["2"].done == 0
    assert s.by_unit_type["kota"].units_acting_pct == 100.0 and s.by_unit_type["provinsi"].units == 2


def test_due_today_is_not_overdue_and_done_never_is():
    today = date(2026, 4, 1)
    assert not cr.is_overdue(item(1, "u", "1", "belum", today), today)
    assert cr.is_overdue(item(1, "u", "1", "proses", date(2026, 3, 31)), today)
    assert not cr.is_overdue(item(1, "u", "1", "selesai", date(2020, 1, 1)), today)
    assert not cr.is_overdue(item(1, "u", "1", "belum", None), today)


def test_nothing_to_follow_up():
    s = cr.follow_up([], {"u1": "kota"}, date(2026, 1, 1))
    assert s.total.units_acting_pct is None and s.total.done_pct is None and s.overdue == ()
