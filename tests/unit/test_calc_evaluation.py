"""methodology §7: PEKPPP index and gap analysis."""

import pytest

from planner.calc import EvalAspect, EvalIndicator, compute_ipp, gap_analysis

WEIGHTS_2022 = [24, 25, 18, 11, 10, 12]
CODES = ["kebijakan", "sdm", "sarpras", "sipp", "konsultasi", "inovasi"]


def worked_example():
    """methodology §7: one aspect of 24% with indicators 50/30/20 scored 4, 3, 5; the rest score 3."""
    first = {
        "code": "kebijakan",
        "weight": 24,
        "indicators": [
            {"code": "K1", "weight": 50, "score": 4},
            {"code": "K2", "weight": 30, "score": 3},
            {"code": "K3", "weight": 20, "score": 5},
        ],
    }
    others = [
        {"code": code, "weight": w, "indicators": [{"code": f"{code}-1", "weight": 60, "score": 3},
                                                   {"code": f"{code}-2", "weight": 40, "score": 3}]}
        for code, w in zip(CODES[1:], WEIGHTS_2022[1:])
    ]
    return [first, *others]


def test_ipp_worked_example():
    r = compute_ipp(worked_example())
    assert r.aspects[0].score == pytest.approx(3.9)
    assert r.aspects[0].contribution == pytest.approx(0.936)
    assert r.ipp == 3.216
    assert r.score_100 == pytest.approx(64.32)
    assert r.category.code == "B\u2212"
    assert r.category.label == "Baik (dengan catatan)"
    assert r.unscored == ()
    assert r.formula.endswith("= 3,216")  # methodology §6.5: IPP shows 3 decimals


def test_ipp_accepts_dataclasses():
    aspects = [EvalAspect(code, w, [EvalIndicator("x", 100, 4)]) for code, w in zip(CODES, WEIGHTS_2022)]
    r = compute_ipp(aspects)
    assert r.ipp == 4.0
    assert r.category.code == "B"


def test_ipp_unscored_indicator_means_no_index():
    aspects = worked_example()
    aspects[2]["indicators"][1]["score"] = None
    r = compute_ipp(aspects)
    assert r.ipp is None
    assert r.category is None
    assert r.unscored == (("sarpras", "sarpras-2"),)
    assert r.aspects[2].score is None
    assert r.aspects[0].score == pytest.approx(3.9)


def test_aspect_weights_must_sum_to_100():
    aspects = worked_example()
    aspects[0]["weight"] = 23
    with pytest.raises(ValueError, match="bobot aspek berjumlah 99%"):
        compute_ipp(aspects)


def test_indicator_weights_must_sum_to_100_naming_the_aspect():
    aspects = worked_example()
    aspects[3]["indicators"][0]["weight"] = 59
    with pytest.raises(ValueError, match="aspek sipp"):
        compute_ipp(aspects)


def test_weight_tolerance():
    aspects = worked_example()
    aspects[0]["indicators"] = [
        {"code": "a", "weight": 33.33, "score": 3},
        {"code": "b", "weight": 33.33, "score": 3},
        {"code": "c", "weight": 33.34, "score": 3},
    ]
    assert compute_ipp(aspects).ipp == pytest.approx(3.0)
    aspects[0]["indicators"][2]["weight"] = 33.32  # 99,98: off by more than 0,01
    with pytest.raises(ValueError):
        compute_ipp(aspects)


def test_score_out_of_range():
    aspects = worked_example()
    aspects[0]["indicators"][0]["score"] = 6
    with pytest.raises(ValueError, match="K1"):
        compute_ipp(aspects)


def test_empty_instrument():
    with pytest.raises(ValueError):
        compute_ipp([])


def test_gap_analysis_worked_example():
    rows = gap_analysis(worked_example())
    by_code = {r.indicator: r for r in rows}
    assert by_code["K1"].gap == 1.0
    assert by_code["K1"].weighted_gap == pytest.approx(1 * 0.5 * 0.24)
    assert by_code["K2"].weighted_gap == pytest.approx(2 * 0.3 * 0.24)
    assert by_code["K3"].weighted_gap == 0.0
    assert by_code["K3"].tier is None  # nothing lost there
    weighted = [r.weighted_gap for r in rows]
    assert weighted == sorted(weighted, reverse=True)
    # total lost = 5 − 3,216
    assert sum(weighted) == pytest.approx(5 - 3.216)
    assert sum(r.share for r in rows) == pytest.approx(1.0)


def tiers_case(scores):
    """One aspect (100%) of equal-weight indicators (n divides 100, so weights are exact)."""
    n = len(scores)
    indicators = [{"code": f"i{k}", "weight": 100 // n, "score": s} for k, s in enumerate(scores)]
    rest = [{"code": c, "weight": 0, "indicators": [{"code": "z", "weight": 100, "score": 5}]} for c in "xy"]
    return [{"code": "a", "weight": 100, "indicators": indicators}, *rest]


def test_priority_tiers_by_thirds_of_lost_points():
    # gaps 4, 3, 2, 1, 1 (total 11): a row is I when the points lost before it are under 1/3 of
    # the total, II under 2/3, else III; the lost points before each row are 0, 4, 7, 9, 10.
    rows = gap_analysis(tiers_case([1, 2, 3, 4, 4]))
    scored = [(r.indicator, r.tier) for r in rows if r.aspect == "a"]
    assert scored == [("i0", "I"), ("i1", "II"), ("i2", "II"), ("i3", "III"), ("i4", "III")]


def test_tier_bound_is_exact_third():
    # gaps 5, 4, 3, 2, 1 (total 15): the second row starts at exactly 5/15 = 1/3 of the lost points, so II.
    rows = gap_analysis(tiers_case([0, 1, 2, 3, 4]))
    assert [r.tier for r in rows if r.aspect == "a"] == ["I", "II", "II", "III", "III"]


def test_equal_gaps_share_a_tier():
    rows = gap_analysis(tiers_case([3, 3, 3, 3]))
    assert {r.tier for r in rows if r.aspect == "a"} == {"I"}
    # gaps 2, 1, 1, 1, 1: the equal gaps all take the tier of the first of them
    rows = gap_analysis(tiers_case([3, 4, 4, 4, 4]))
    assert [r.tier for r in rows if r.aspect == "a"] == ["I", "II", "II", "II", "II"]


def test_custom_tiers_and_unscored_last():
    case = tiers_case([1, 2, 3, None])
    rows = gap_analysis(case, tiers=(0.4, 0.7))  # lost before each row: 0, 4/9, 7/9
    assert [r.tier for r in rows if r.aspect == "a"] == ["I", "II", "III", None]
    assert rows[-1].score is None and rows[-1].gap is None
    with pytest.raises(ValueError):
        gap_analysis(case, tiers=(0.7, 0.5))


def test_gap_analysis_validates_weights():
    aspects = worked_example()
    aspects[0]["weight"] = 30
    with pytest.raises(ValueError):
        gap_analysis(aspects)
