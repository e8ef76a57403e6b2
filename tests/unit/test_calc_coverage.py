"""Coverage beside every aggregate, and no predikat below the threshold (issue #11, methodology §4)."""
from types import SimpleNamespace

from planner.calc import Settings
from planner.calc.coverage import Coverage, of_rows, predikat_withheld
from planner.calc.tree import predikat_name
from planner.calc.achievement import RollupResult


def test_coverage_text_and_share():
    c = Coverage(10, 75)
    assert c.text == "10 dari 75 laporan masuk"
    assert round(c.share, 2) == 13.33
    assert not c.sufficient(80) and Coverage(60, 75).sufficient(80)
    assert Coverage(0, 0).share is None and Coverage(0, 0).text == "belum ada laporan yang jatuh tempo"
    assert Coverage(1, 2) + Coverage(3, 4) == Coverage(4, 6)
    assert Coverage(1200, 1500).text == "1.200 dari 1.500 laporan masuk"


def test_of_rows_counts_due_periods_without_a_counted_report():
    rows = [SimpleNamespace(due=3, missing=[1]), SimpleNamespace(due=3, missing=[]), SimpleNamespace(due=0, missing=[])]
    assert of_rows(rows) == Coverage(5, 6)


def test_no_predikat_below_the_threshold():
    annual = RollupResult(99.49, 10, 0, "")
    settings = Settings(coverage_threshold=80)
    assert predikat_name(annual, Coverage(10, 75), settings) is None
    assert predikat_withheld(Coverage(10, 75), 80) == (
        "predikat belum diberikan: 10 dari 75 laporan masuk (13%), di bawah ambang 80%")
    assert predikat_name(annual, Coverage(70, 75), settings) == "Sangat Tinggi"
    assert predikat_name(annual, Coverage(10, 75), Settings(coverage_threshold=0)) == "Sangat Tinggi"
    assert predikat_withheld(Coverage(0, 0), 80) is None  # nothing due: no coverage to judge


# ---------------------------------------------------------------- numbers by their unit (issue #11)

from planner.calc.units import format_by_unit, unit_decimals  # noqa: E402


def test_numbers_are_shown_at_their_units_precision():
    assert format_by_unit(2200.0, "dokumen", True) == "2.200 dokumen"
    assert format_by_unit(183333.333, "orang") == "183.333"
    assert format_by_unit(1250000.4, "Rp", True) == "Rp 1.250.000"
    assert format_by_unit(88.666, "%", True) == "88,67%"
    assert format_by_unit(3.256, "indeks") == "3,26"
    assert format_by_unit(12.5, "km", True) == "12,5 km" and format_by_unit(12.0, "km") == "12"
    assert format_by_unit(None, "orang") == "—"
    assert [unit_decimals(u) for u in ("orang", "Rp", "persen (%)", "indeks", "km")] == [0, 0, 2, 2, None]
