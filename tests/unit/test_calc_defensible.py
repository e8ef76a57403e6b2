"""Numbers officials can defend: not computable (methodology §1.2), unit kinds and plausible ranges (§2.6,
§10.1), settings named in explanations (§9), serapan against capaian (§5.2), rounding (§6.5)."""

import pytest

from planner.calc import (
    Settings, TargetSpec, achievement, compute_ipp, period_and_annual, plausible_range, range_problem, rollup,
    rollup_status, spending_ahead, summable, unit_kind,
)

HIGHER, LOWER = "higher_is_better", "lower_is_better"
ZERO_FIRST = [TargetSpec(0), TargetSpec(2), TargetSpec(2), TargetSpec(2)]  # construction: nothing due in TW I


def test_zero_reported_against_a_zero_target_is_not_computable_not_unreported():
    p = period_and_annual(ZERO_FIRST, TargetSpec(6), [0, None, None, None], "sum", HIGHER, 1)
    assert p.realisation == 0
    assert p.achievement.value is None
    assert p.status == "tidak_dapat_dihitung"
    assert "target periode ini 0" in p.reason
    assert p.achievement.section == "tidak-dapat-dihitung"
    assert p.annual_achievement.value == 0.0  # the year still counts against 6


def test_t_over_r_with_zero_realisation_is_not_computable_with_its_reason():
    r = achievement(5, 0, LOWER, Settings(lower_is_better_formula="T/R", source="Dinas X"))
    assert r.not_computable and "pembagian dengan nol" in r.reason
    assert "pengaturan Dinas X" in r.formula


def test_lower_is_better_zero_against_zero_is_computable():
    r = achievement(0, 0, LOWER)
    assert r.value == 100.0 and not r.not_computable


def test_rollup_leaves_not_computable_out_and_counts_it_apart():
    r = rollup([(80, 1), (None, 1, "target_zero"), (None, 1), (100, 1)])
    assert r.value == 90.0
    assert (r.reported, r.unreported, r.not_computable) == (2, 1, 1)
    assert r.formula.endswith("; 1 belum dilaporkan; 1 tidak dapat dihitung")
    only = rollup([(None, 1, "target_zero")])
    assert rollup_status(only) == "tidak_dapat_dihitung"
    assert rollup_status(rollup([(None, 1)])) == "belum_dilaporkan"


@pytest.mark.parametrize("unit, kind", [("%", "percent"), ("persen (%)", "percent"), ("Persentase", "percent"),
                                        ("indeks", "index"), ("Indeks (0–5)", "index"), ("rasio", "ratio"),
                                        ("Rp", "money"), ("dokumen", "other"), (None, "other")])
def test_unit_kinds(unit, kind):
    assert unit_kind(unit) == kind


def test_an_index_is_never_summed_whatever_its_spelling():
    assert not summable("indeks")
    assert not summable("persen (%)")
    assert not summable("Indeks (1–4)")
    assert summable("km") and summable("dokumen")


def test_the_3502_case_is_refused_with_the_range_and_the_probable_value():
    ipp = plausible_range("indeks", "Indeks Pelayanan Publik (IPP) BPJN")
    assert (ipp.low, ipp.high) == (0.0, 5.0)
    message = range_problem(3502, ipp)  # "3.502" read in Indonesian format
    assert "di luar rentang 0–5; maksud Anda 3,502?" in message
    assert range_problem(3.502, ipp) is None


def test_default_ranges_by_unit_and_own_metadata():
    assert plausible_range("%").text == "0–1.000"
    assert plausible_range("indeks", "Indeks Kepuasan Masyarakat (IKM)").text == "25–100"
    assert plausible_range("orang").text == "≥ 0"
    assert plausible_range("%", negatives=True).low is None  # a growth rate planned below zero
    own = plausible_range("indeks", "IPP", valid_min=1, valid_max=4)
    assert own.text == "1–4" and own.basis == "metadata indikator"
    assert "maksud Anda" not in range_problem(-3, plausible_range("orang"))


def test_settings_are_named_in_every_explanation_that_used_them():
    own = Settings(tolerance=10, rollup_cap=110, source="Bapenda Kalbar")
    p = period_and_annual([TargetSpec(20)] * 4, TargetSpec(20), [18.23, None, None, None], "last", LOWER, 1,
                          settings=own)
    assert "rumus minimal 2T \u2212 R, pengaturan Bapenda Kalbar" in p.achievement.formula
    assert "toleransi 10 poin, pengaturan Bapenda Kalbar" in p.status_rule
    assert "batas capaian 110%, pengaturan Bapenda Kalbar" in rollup([(120, 1), (90, 1)], own).formula
    assert "pengaturan" not in achievement(20, 18.23, LOWER).formula  # calc alone: no source, no name


def test_spending_flag_compares_like_with_like():
    # 80 % of the pagu spent while the year's results stand at 50 % of the annual target: flagged.
    assert spending_ahead(80, 50)
    assert not spending_ahead(60, 50)
    assert not spending_ahead(None, 50) and not spending_ahead(80, None)


def _ipp(score_first_aspect: float):
    aspects = [{"code": "a", "weight": 100, "indicators": [{"code": "i", "weight": 100, "score": score_first_aspect}]}]
    return compute_ipp(aspects)


def test_ipp_explanations_show_the_decimal_that_decides_the_band():
    b, b_minus = _ipp(3.502), _ipp(3.50)
    assert b.category.code == "B" and b.formula.endswith("= 3,502")
    assert b_minus.category.code == "B\u2212" and b_minus.formula.endswith("= 3,500")
