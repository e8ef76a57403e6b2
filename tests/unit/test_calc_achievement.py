"""methodology §1–§4: achievement, accumulation, gap/pace/forecast, status, roll-up."""

import pytest

from planner.calc import (
    STATUS_LABELS,
    Settings,
    TargetSpec,
    absorption,
    accumulate,
    achievement,
    forecast,
    gap,
    period_and_annual,
    required_pace,
    rollup,
    status,
    summable,
)

HIGHER, LOWER, BAND = "higher_is_better", "lower_is_better", "band"


# ---------------------------------------------------------------- TargetSpec and Settings


@pytest.mark.parametrize(
    "spec, kind",
    [
        (TargetSpec(20), "number"),
        (TargetSpec(0), "number"),
        (TargetSpec(lower=7, upper=8), "range"),
        (TargetSpec(value=5, lower=7, upper=8), "range"),
        (TargetSpec(text="Dokumen ditetapkan"), "qualitative"),
        (TargetSpec(text="  "), "none"),
        (TargetSpec(), "none"),
    ],
)
def test_target_kind(spec, kind):
    assert spec.kind == kind


def test_target_rejects_half_or_inverted_range():
    with pytest.raises(ValueError):
        TargetSpec(lower=7)
    with pytest.raises(ValueError):
        TargetSpec(lower=8, upper=7)


def test_settings_validated():
    with pytest.raises(ValueError):
        Settings(lower_is_better_formula="R/T")
    with pytest.raises(ValueError):
        Settings(tolerance=-1)
    with pytest.raises(ValueError):
        Settings(rollup_cap=0)


# ---------------------------------------------------------------- §1.1 polarity


def test_higher_is_better():
    r = achievement(TargetSpec(20), 18.23, HIGHER)
    assert r.value == pytest.approx(91.15)
    assert r.formula == "18,23 / 20 × 100 = 91,15%"
    assert r.flag is None
    assert r.text == "91,15%"


def test_lower_is_better_worked_example():
    r = achievement(TargetSpec(20), 18.23, LOWER)
    assert r.value == 108.85
    assert r.formula == "(2×20 \u2212 18,23) / 20 × 100 = 108,85%"


def test_lower_is_better_floored_at_zero():
    r = achievement(TargetSpec(20), 50, LOWER)
    assert r.value == 0.0
    assert r.formula.endswith("= 0,00%")


def test_lower_is_better_t_over_r_setting():
    r = achievement(TargetSpec(20), 16, LOWER, Settings(lower_is_better_formula="T/R"))
    assert r.value == 125.0
    assert r.formula == "20 / 16 × 100 = 125,00%"


def test_t_over_r_with_r_zero_is_undefined():
    r = achievement(TargetSpec(5), 0, LOWER, Settings(lower_is_better_formula="T/R"))
    assert r.value is None
    assert r.flag == "division_by_zero"
    assert r.text == "—"


def test_higher_is_better_target_zero_is_undefined():
    r = achievement(TargetSpec(0), 3, HIGHER)
    assert r.value is None
    assert r.flag == "target_zero"


@pytest.mark.parametrize("formula", ["2T-R", "T/R"])
def test_lower_is_better_target_zero(formula):
    settings = Settings(lower_is_better_formula=formula)
    assert achievement(TargetSpec(0), 0, LOWER, settings).value == 100.0
    assert achievement(TargetSpec(0), 2, LOWER, settings).value == 0.0
    assert achievement(TargetSpec(0), 0, LOWER, settings).flag == "target_zero"


def test_plain_number_target_accepted():
    assert achievement(20, 10, HIGHER).value == 50.0


def test_unknown_polarity_rejected():
    with pytest.raises(ValueError):
        achievement(TargetSpec(20), 10, "maksimal")


# ---------------------------------------------------------------- band polarity and range targets


@pytest.mark.parametrize(
    "r, expected",
    [
        (7, 100.0),
        (7.5, 100.0),
        (8, 100.0),
        (6, 6 / 7 * 100),  # R / L below
        (9, 87.5),  # (2U − R) / U above
        (20, 0.0),  # floored
    ],
)
def test_band_polarity(r, expected):
    assert achievement(TargetSpec(lower=7, upper=8), r, BAND).value == pytest.approx(expected)


def test_band_ignores_t_over_r_setting():
    r = achievement(TargetSpec(lower=7, upper=8), 9, BAND, Settings(lower_is_better_formula="T/R"))
    assert r.value == 87.5


def test_band_with_number_target_is_single_point():
    assert achievement(TargetSpec(10), 10, BAND).value == 100.0
    assert achievement(TargetSpec(10), 8, BAND).value == 80.0
    assert achievement(TargetSpec(10), 12, BAND).value == 80.0


def test_band_inside_formula():
    r = achievement(TargetSpec(lower=7, upper=8), 7.5, BAND)
    assert r.formula == "7 ≤ 7,5 ≤ 8 (dalam rentang) = 100,00%"


@pytest.mark.parametrize(
    "polarity, r, expected",
    [
        (HIGHER, 7.5, 100.0),
        (HIGHER, 9, 9 / 8 * 100),  # R / U
        (HIGHER, 6, 6 / 7 * 100),  # R / L
        (LOWER, 7.5, 100.0),
        (LOWER, 9, 87.5),  # (2U − R) / U
        (LOWER, 6, (14 - 6) / 7 * 100),  # (2L − R) / L
    ],
)
def test_range_target_uses_polarity_outside(polarity, r, expected):
    assert achievement(TargetSpec(lower=7, upper=8), r, polarity).value == pytest.approx(expected)


def test_range_target_lower_is_better_with_t_over_r():
    r = achievement(TargetSpec(lower=7, upper=8), 10, LOWER, Settings(lower_is_better_formula="T/R"))
    assert r.value == 80.0


def test_band_with_zero_lower_bound_below():
    r = achievement(TargetSpec(lower=0, upper=5), -1, BAND)
    assert r.value is None
    assert r.flag == "target_zero"


# ---------------------------------------------------------------- qualitative, missing


def test_qualitative():
    target = TargetSpec(text="Dokumen ditetapkan")
    assert achievement(target, None, HIGHER, achieved=True).value == 100.0
    assert achievement(target, None, HIGHER, achieved=False).value == 0.0
    unset = achievement(target, 55, HIGHER)
    assert unset.value is None
    assert unset.flag == "qualitative_unset"


def test_not_reported_is_not_zero():
    r = achievement(TargetSpec(20), None, HIGHER)
    assert r.value is None
    assert r.flag == "not_reported"
    assert r.formula == "belum dilaporkan"


def test_no_target():
    r = achievement(TargetSpec(), 5, HIGHER)
    assert r.value is None
    assert r.flag == "no_target"


def test_decimal_arithmetic_avoids_binary_noise():
    assert 1.1 / 1 * 100 == 110.00000000000001 and 0.57 / 1 * 100 == 56.99999999999999
    assert achievement(TargetSpec(1), 1.1, HIGHER).value == 110.0
    assert achievement(TargetSpec(1), 0.57, HIGHER).value == 57.0
    assert achievement(TargetSpec(10), 9, HIGHER).value == 90.0


# ---------------------------------------------------------------- §1.2 accumulation


def test_accumulate_sum_skips_unreported():
    assert accumulate([10, None, 5, 7], "sum", 3) == 15
    assert accumulate([0.1, 0.2], "sum", 2) == 0.3


def test_accumulate_last():
    assert accumulate([10, 20, None, 40], "last", 3) == 20
    assert accumulate([10, 20, None, 40], "last", 4) == 40


def test_accumulate_average_never_counts_missing_as_zero():
    assert accumulate([80, None, 90, None], "average", 4) == 85


def test_accumulate_nothing_reported():
    for kind in ("sum", "last", "average"):
        assert accumulate([None, None], kind, 2) is None


def test_accumulate_ratio():
    numerators = [3, 5, None, 2]
    denominators = [4, 6, 10, None]
    # only periods with both N and D: (3 + 5) / (4 + 6) × 100
    assert accumulate([None] * 4, "ratio", 4, numerators, denominators) == 80.0
    assert accumulate([], "ratio", 1, [1], [4], factor=1000) == 250.0


def test_accumulate_ratio_zero_denominator():
    assert accumulate([None, None], "ratio", 2, [0, 0], [0, 0]) is None


def test_accumulate_validates():
    with pytest.raises(ValueError):
        accumulate([1, 2], "sum", 3)
    with pytest.raises(ValueError):
        accumulate([1, 2], "sum", 0)
    with pytest.raises(ValueError):
        accumulate([1, 2], "median", 1)
    with pytest.raises(ValueError):
        accumulate([1, 2], "ratio", 1)


def test_percentages_are_not_summable():
    assert not summable("%")
    assert not summable(" Persen ")
    assert summable("dokumen")
    assert summable(None)


def test_absorption():
    r = absorption([250_000_000, None, 250_000_000], 1_000_000_000)
    assert r.value == 50.0
    assert absorption([None], 100).flag == "not_reported"
    assert absorption([10], 0).value is None


# ---------------------------------------------------------------- period and annual


QUARTERS = [TargetSpec(25), TargetSpec(25), TargetSpec(25), TargetSpec(25)]


def test_sum_period_and_annual():
    p = period_and_annual(QUARTERS, TargetSpec(100), [20, 30, None, None], "sum", HIGHER, 2)
    assert p.realisation == 50
    assert p.period_target == TargetSpec(50)
    assert p.achievement.value == 100.0  # against T1 + T2
    assert p.annual_achievement.value == 50.0  # Permendagri 86 col. 14: against the annual target
    assert p.gap == 0.0
    assert p.forecast == 100.0  # 50 × 4 / 2
    assert p.required_pace == 25.0  # (100 − 50) / 2
    assert p.status == "tercapai"
    assert p.predikat == "Sangat Rendah"  # predikat reads the annual achievement


def test_sum_behind_schedule():
    p = period_and_annual(QUARTERS, TargetSpec(100), [10, 20, None, None], "sum", HIGHER, 2)
    assert p.achievement.value == 60.0
    assert p.gap == 20.0
    assert p.status == "kritis"
    assert p.required_pace == 35.0


def test_last_compares_with_that_periods_target():
    targets = [TargetSpec(25), TargetSpec(50), TargetSpec(75), TargetSpec(100)]
    p = period_and_annual(targets, TargetSpec(100), [30, None, None, None], "last", HIGHER, 2)
    assert p.realisation == 30
    assert p.period_target == TargetSpec(25)  # the target of the period of the latest value
    assert p.achievement.value == 120.0
    assert p.annual_achievement.value == 30.0
    assert p.forecast == 30
    assert p.required_pace is None


def test_last_at_year_end_uses_annual_target():
    targets = [TargetSpec(25), TargetSpec(50), TargetSpec(75), TargetSpec(90)]
    p = period_and_annual(targets, TargetSpec(100), [30, 55, 80, 95], "last", HIGHER, 4)
    assert p.period_target == TargetSpec(100)
    assert p.achievement.value == 95.0


def test_average_compares_with_the_mean_of_period_targets():
    # methodology §2.3: mean of R₁..ₙ against the mean of T₁..ₙ; the annual target for the annual figure.
    targets = [TargetSpec(70), TargetSpec(80), TargetSpec(90), TargetSpec(95)]
    p = period_and_annual(targets, TargetSpec(80), [70, None, 90, None], "average", HIGHER, 3)
    assert p.realisation == 80
    assert p.period_target == TargetSpec(80)  # (70 + 80 + 90) / 3
    assert p.achievement.value == 100.0
    assert p.annual_achievement.value == 100.0
    assert p.forecast == 80


def test_average_without_period_targets_uses_the_annual_target():
    p = period_and_annual([TargetSpec()] * 4, TargetSpec(80), [70, None, 90, None], "average", HIGHER, 3)
    assert p.period_target == TargetSpec(80)
    assert p.achievement.value == 100.0


def test_ratio_compares_with_the_annual_target_when_no_period_target_is_set():
    p = period_and_annual(
        [TargetSpec()] * 4, TargetSpec(90), [None] * 4, "ratio", HIGHER, 2,
        numerators=[40, 50, None, None], denominators=[50, 50, None, None],
    )
    assert p.realisation == 90.0
    assert p.achievement.value == 100.0


def test_ikd_ratio_is_judged_against_the_target_of_its_quarter():
    # The Disdukcapil IKD case: TW I target 17 %, annual 25 %; 17 of 100 residents activated in TW I is
    # on target (methodology §2.4), not 68 % and kritis. The annual achievement stays against 25 %.
    targets = [TargetSpec(17), TargetSpec(20), TargetSpec(23), TargetSpec(25)]
    p = period_and_annual(targets, TargetSpec(25), [None] * 4, "ratio", HIGHER, 1,
                          numerators=[17, None, None, None], denominators=[100, None, None, None])
    assert p.realisation == 17.0
    assert p.period_target == TargetSpec(17)  # a position, never T₁ + … + Tₙ
    assert p.achievement.value == 100.0
    assert p.status == "tercapai"
    assert p.achievement.section == "akumulasi-rasio"
    assert p.annual_achievement.value == 68.0


def test_nothing_reported_yet():
    p = period_and_annual(QUARTERS, TargetSpec(100), [None] * 4, "sum", HIGHER, 1)
    assert p.realisation is None
    assert p.achievement.flag == "not_reported"
    assert p.status == "belum_dilaporkan"
    assert p.predikat is None
    assert p.forecast is None
    assert p.required_pace is None


def test_annual_indicator_single_period():
    p = period_and_annual([TargetSpec(20)], TargetSpec(20), [18.23], "last", LOWER, 1)
    assert p.achievement.value == 108.85
    assert p.required_pace is None
    assert p.predikat == "Sangat Tinggi"


def test_range_targets_summed():
    targets = [TargetSpec(lower=1, upper=2)] * 4
    p = period_and_annual(targets, TargetSpec(lower=4, upper=8), [2, 2, None, None], "sum", BAND, 2)
    assert p.period_target == TargetSpec(lower=2, upper=4)
    assert p.achievement.value == 100.0
    assert p.annual_achievement.value == 100.0


def test_qualitative_indicator_progress():
    target = TargetSpec(text="Perda ditetapkan")
    p = period_and_annual([target], target, [None], "last", HIGHER, 1, achieved=True)
    assert p.achievement.value == 100.0
    assert p.status == "tercapai"
    unset = period_and_annual([target], target, [None], "last", HIGHER, 1)
    assert unset.status == "belum_dilaporkan"


# ---------------------------------------------------------------- §1.3


@pytest.mark.parametrize(
    "target, r, polarity, expected",
    [
        (TargetSpec(20), 18, HIGHER, 2),
        (TargetSpec(20), 18, LOWER, -2),
        (TargetSpec(20), 25, LOWER, 5),
        (TargetSpec(lower=7, upper=8), 7.5, BAND, 0),
        (TargetSpec(lower=7, upper=8), 9, BAND, 1),
        (TargetSpec(lower=7, upper=8), 6, BAND, 1),
        (TargetSpec(lower=7, upper=8), 7.5, HIGHER, 0),
        (TargetSpec(lower=7, upper=8), 6, HIGHER, 1),
        (TargetSpec(lower=7, upper=8), 9, LOWER, 1),
        (TargetSpec(10), 12, BAND, 2),
    ],
)
def test_gap(target, r, polarity, expected):
    assert gap(target, r, polarity) == pytest.approx(expected)


def test_gap_not_computable():
    assert gap(TargetSpec(20), None, HIGHER) is None
    assert gap(TargetSpec(text="x"), 3, HIGHER) is None


def test_required_pace_and_forecast():
    assert required_pace(100, 40, 4, 2) == 30.0
    assert required_pace(100, 40, 4, 4) is None
    assert required_pace(100, None, 4, 2) is None
    assert forecast(40, "sum", 4, 1) == 160.0
    assert forecast(40, "last", 4, 1) == 40
    assert forecast(None, "sum", 4, 1) is None


@pytest.mark.parametrize(
    "c, expected",
    [
        (None, "belum_dilaporkan"),
        (120, "tercapai"),
        (100, "tercapai"),
        (99.999, "on_track"),
        (85, "on_track"),
        (84.99, "perlu_perhatian"),
        (70, "perlu_perhatian"),
        (69.99, "kritis"),
        (0, "kritis"),
    ],
)
def test_status_default_tolerance(c, expected):
    assert status(c) == expected


def test_status_custom_tolerance_and_labels():
    assert status(92, Settings(tolerance=5)) == "perlu_perhatian"
    assert status(100 - 15.000000000000002) == "on_track"  # float noise does not cross a bound
    assert STATUS_LABELS["perlu_perhatian"] == "Perlu perhatian"
    assert set(STATUS_LABELS) == {"tercapai", "on_track", "perlu_perhatian", "kritis", "belum_dilaporkan",
                                  "tidak_dapat_dihitung"}


# ---------------------------------------------------------------- §2 roll-up


def test_rollup_equal_weights():
    r = rollup([(90, 1), (110, 1)])
    assert r.value == 100.0
    assert (r.reported, r.unreported) == (2, 0)
    assert r.formula == "(90,00% + 110,00%) / 2 = 100,00%"


def test_rollup_weighted():
    r = rollup([(90, 1), (120, 2)])
    assert r.value == 110.0
    assert r.formula == "(1×90,00% + 2×120,00%) / 3 = 110,00%"


def test_rollup_unreported_left_out_and_counted():
    r = rollup([(80, 1), (None, 1), (100, 1)])
    assert r.value == 90.0  # not (80 + 0 + 100) / 3
    assert (r.reported, r.unreported) == (2, 1)
    assert "1 belum dilaporkan" in r.formula


@pytest.mark.parametrize("cap, expected", [(None, 105.0), (100, 85.0), (110, 90.0), (120, 95.0)])
def test_rollup_cap_applied_per_item(cap, expected):
    r = rollup([(70, 1), (140, 1)], Settings(rollup_cap=cap))
    assert r.value == expected


def test_rollup_nothing_reported():
    r = rollup([(None, 1), (None, 2)])
    assert r.value is None
    assert r.unreported == 2
    assert rollup([]).value is None


def test_rollup_default_weight_and_negative_weight():
    assert rollup([(50, None), (100, None)]).value == 75.0
    with pytest.raises(ValueError):
        rollup([(50, -1)])


def test_rollup_explanation_rounds_as_displayed_and_names_the_items():
    """Issue #11: not "(99,494949) / 1" but the rounded C after the name of what it measures."""
    one = rollup([(99.494949, 1)], names=["Persentase realisasi PAD"])
    assert one.formula == "Persentase realisasi PAD 99,49% = 99,49%"
    two = rollup([(99.494949, 1), (None, 1), (80, 1)], names=["PAD", "Dokumen", "Layanan"])
    assert two.formula == "(PAD 99,49% + Layanan 80,00%) / 2 = 89,75%; 1 belum dilaporkan"
