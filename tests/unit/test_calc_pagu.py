"""Pagu sums of the plan tree's upper rows (issue #11)."""
from decimal import Decimal

from planner.calc.pagu import pagu_sums


def test_program_shows_the_sum_of_its_activities_and_flags_its_own_pagu_when_it_differs():
    nodes = [(1, None, None), (2, 1, 1_000_000), (3, 1, 2_500_000), (4, 3, 2_000_000), (5, 3, 500_000),
             (10, None, 5_000_000), (11, 10, 4_000_000), (20, None, None), (21, 20, None)]
    sums = pagu_sums(nodes)
    assert sums[1].own is None and sums[1].below == Decimal(3_500_000) and sums[1].amount == Decimal(3_500_000)
    assert sums[3].below == Decimal(2_500_000) and sums[3].difference is None  # kegiatan agrees with its sub kegiatan
    assert sums[10].difference == Decimal(1_000_000)  # own 5 jt, activities 4 jt: flagged
    assert sums[20].below is None and sums[20].amount is None  # nothing budgeted below
    assert sums[2].below is None and sums[2].amount == Decimal(1_000_000)
