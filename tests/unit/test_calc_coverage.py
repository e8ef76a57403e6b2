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
