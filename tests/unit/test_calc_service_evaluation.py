"""Service evaluation numbers (docs/service-evaluation.md): the worked examples, every band
edge reached through the real computations, priorities, round comparison and complaint figures."""
from datetime import date

import pytest

from planner.calc import compute_ipp, ikm, ipp_category, min_sample, skm_category
from planner.calc.complaints import ComplaintFacts, due_date, is_overdue, summarize, working_days
from planner.calc.evaluation import check_instrument, compare_rounds
from planner.calc.survey import IKM_2004_ELEMENTS, check_weights, priorities
from planner.services.instrument_library import STANDARD_INSTRUMENTS


def one_aspect(score: float) -> list[dict]:
    return [{"code": "1", "weight": 100, "indicators": [{"code": "1.1", "weight": 100, "score": score}]}]


def test_ipp_worked_example_gives_b_minus():
    aspects = [{"code": "1", "weight": 24, "indicators": [
        {"code": "a", "weight": 50, "score": 4}, {"code": "b", "weight": 30, "score": 3},
        {"code": "c", "weight": 20, "score": 5}]},
        {"code": "2", "weight": 76, "indicators": [{"code": "d", "weight": 100, "score": 3}]}]
    r = compute_ipp(aspects)
    assert r.aspects[0].score == pytest.approx(3.9)
    assert r.ipp == pytest.approx(3.216)
    assert (r.category.code, r.category.label) == ("B\u2212", "Baik (dengan catatan)")


@pytest.mark.parametrize("score, code", [
    (1.0, "F"), (1.001, "E"), (1.5, "E"), (1.501, "D"), (2.0, "D"), (2.001, "C\u2212"), (2.5, "C\u2212"),
    (2.501, "C"), (3.0, "C"), (3.001, "B\u2212"), (3.5, "B\u2212"), (3.502, "B"), (4.0, "B"), (4.001, "A\u2212"),
    (4.5, "A\u2212"), (4.501, "A"), (0, "F"), (5, "A")])
def test_ipp_every_band_edge_through_compute(score, code):
    assert compute_ipp(one_aspect(score)).category.code == code


def test_ipp_floating_point_sum_does_not_cross_a_bound():
    # 10 % × 3,75 + 20 % × 4,75 + 70 % × 0,25 is exactly 1,50 (E) but 1.5000000000000002 in plain floats (D).
    aspects = [{"code": str(n), "weight": w, "indicators": [{"code": f"{n}.1", "weight": 100, "score": s}]}
               for n, (w, s) in enumerate(((10, 3.75), (20, 4.75), (70, 0.25)), start=1)]
    assert 0.10 * 3.75 + 0.20 * 4.75 + 0.70 * 0.25 > 1.5
    r = compute_ipp(aspects)
    assert r.ipp == 1.5 and r.category.code == "E"
    assert ipp_category(3.5000000000000004).code == "B\u2212"


@pytest.mark.parametrize("unit, mutu", [
    (2.5996, "D"), (2.6, "C"), (3.064, "C"), (3.0644, "B"), (3.532, "B"), (3.5324, "A"), (1, "D"), (4, "A")])
def test_skm_band_edges_from_ikm_unit(unit, mutu):
    assert skm_category(unit * 25).code == mutu


@pytest.mark.parametrize("converted, mutu", [(64.99, "D"), (64.991, "C"), (76.6, "C"), (76.601, "B"),
                                             (88.3, "B"), (88.301, "A")])
def test_skm_exact_bounds_and_just_above(converted, mutu):
    assert skm_category(converted).code == mutu


def test_skm_worked_example_and_float_crossing():
    r = ikm({c: [4, 3, 3, 4] for c in ("U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9")})
    assert r.nrr["U1"] == 3.5 and r.ikm_unit == 3.5 and r.converted == 87.5 and r.category.code == "B"
    # 2,5996 × 25 = 64,99 exactly, but 64.99000000000001 in floats: it stays D.
    assert 2.5996 * 25 > 64.99
    assert skm_category(2.5996 * 25).code == "D"


def test_ikm_2004_has_fourteen_elements_at_one_fourteenth():
    r = ikm({c: [3] for c in IKM_2004_ELEMENTS})
    assert len(IKM_2004_ELEMENTS) == 14 and r.weights["U14"] == pytest.approx(1 / 14) and r.converted == 75.0


def test_custom_weights_must_sum_to_one():
    check_weights({"A": 0.5, "B": 0.5})
    with pytest.raises(ValueError, match="harus 1"):
        check_weights({"A": 0.5, "B": 0.4})


def test_krejcie_morgan_table_values():
    assert (min_sample(100), min_sample(1000), min_sample(1_000_000)) == (80, 278, 384)


def test_priorities_weakest_first_and_importance_quadrants():
    nrr = {"U1": 3.5, "U2": 2.8, "U3": 3.0, "U4": 3.9}
    assert [p.code for p in priorities(nrr, count=2)] == ["U2", "U3"]
    imp = {"U1": 3.9, "U2": 2.0, "U3": 3.8, "U4": 3.0}
    ranked = priorities(nrr, imp, count=4)
    assert ranked[0].code == "U3" and ranked[0].quadrant == "prioritas"  # important and below average
    assert {p.code: p.quadrant for p in ranked}["U2"] == "rendah"


def test_compare_rounds_per_aspect_and_index():
    before = compute_ipp(one_aspect(3.0))
    after = compute_ipp(one_aspect(3.6))
    rows = {r.code: r for r in compare_rounds(before, after)}
    assert rows["1"].delta == pytest.approx(0.6) and rows[""].previous == 3.0 and rows[""].current == pytest.approx(3.6)
    assert compare_rounds(None, after)[0].delta is None


def test_shipped_instruments_have_valid_weights():
    for inst in STANDARD_INSTRUMENTS:
        check_instrument(inst["aspects"])
    by_code = {i["code"]: i for i in STANDARD_INSTRUMENTS}
    assert [a["weight"] for a in by_code["PEKPPP-2017"]["aspects"]] == [30, 18, 15, 15, 15, 7]
    assert [a["weight"] for a in by_code["PEKPPP-2022"]["aspects"]] == [24, 25, 18, 11, 10, 12]
    assert [i["weight"] for i in by_code["PEKPPP-2022"]["aspects"][0]["indicators"]] == [17, 14, 7, 14, 10, 17, 7, 7, 7]
    assert sum(len(a["indicators"]) for a in by_code["PEKIN-SULBAR-2023"]["aspects"]) == 24


def test_working_days_skip_weekends_and_holidays():
    assert working_days(date(2025, 1, 3), date(2025, 1, 3)) == 0  # same day
    assert working_days(date(2025, 1, 3), date(2025, 1, 6)) == 1  # Friday → Monday
    assert working_days(date(2025, 1, 3), date(2025, 1, 10), holidays=[date(2025, 1, 7)]) == 4
    with pytest.raises(ValueError):
        working_days(date(2025, 1, 3), date(2025, 1, 2))


def test_due_date_and_overdue_at_the_exact_limit():
    received = date(2025, 1, 6)  # Monday
    assert due_date(received, 15) == date(2025, 1, 27)  # 15 working days later
    assert not is_overdue(ComplaintFacts(received, date(2025, 1, 27)), date(2025, 3, 1))  # on the last day
    assert is_overdue(ComplaintFacts(received, date(2025, 1, 28)), date(2025, 3, 1))  # one day late
    assert not is_overdue(ComplaintFacts(received, None), date(2025, 1, 27))  # still open, not yet late
    assert is_overdue(ComplaintFacts(received, None), date(2025, 1, 28))


def test_complaint_summary():
    rows = [ComplaintFacts(date(2025, 1, 6), date(2025, 1, 8)), ComplaintFacts(date(2025, 1, 6), date(2025, 2, 28)),
            ComplaintFacts(date(2025, 1, 6), None)]
    sm = summarize(rows, date(2025, 3, 1), 15)
    assert (sm.received, sm.resolved, sm.resolved_on_time, sm.overdue) == (3, 2, 1, 2)
    assert sm.resolved_on_time_pct == 50.0 and sm.average_days == pytest.approx((2 + 39) / 2)
    assert summarize([], date(2025, 3, 1)).resolved_on_time_pct is None


def test_radar_chart_draws_each_round_and_skips_unscored_points():
    from planner.charts import radar

    svg = radar(["Kebijakan", "SDM", "Sarpras", "SIPP", "Pengaduan", "Inovasi"],
                [("Putaran 2", [3.9, 4, 3, None, 2.5, 1], "#1565c0"), ("Putaran 1", [3, 3, 3, 3, 3, 3], "#c77700")])
    assert svg.startswith("<svg") and svg.count('fill-opacity="0.18"') == 2
    assert svg.count("<circle") == 11  # the unscored axis has no dot
    assert "Sistem" not in svg and "Inovasi" in svg and "Putaran 2: 3,90" in svg
    assert radar(["A", "B"], [("x", [1, 2], "#000")]) == ""  # fewer than three axes: no radar
