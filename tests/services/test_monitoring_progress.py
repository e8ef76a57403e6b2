"""Monitoring, the read side: period mapping, roll-up (methodology §4), budget absorption, early
warning, missing reports, trend, ranking, and a bounded number of SQL statements."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import event

from planner.calc import Settings
from planner.errors import Conflict, Invalid
from planner.models.plan import NodeCreate
from planner.services import monitoring as mon
from planner.services import plans
from test_monitoring_service import SETTINGS, YEAR, Build, build, engine, record, s  # noqa: F401  (fixtures)


def progress(s, build, upto="TW2", settings=SETTINGS):
    return mon.progress_for_plan(s, build.plan, YEAR, upto, settings)


# ---------------------------------------------------------------- periods

@pytest.mark.parametrize("frequency, upto, due", [
    ("monthly", "TW2", 6), ("semester", "TW2", 1), ("semester", "TW1", 0), ("quarterly", "M05", 1),
    ("quarterly", "S1", 2), ("annual", "TW3", 0), ("annual", "TW4", 1), ("annual", "M12", 1), ("quarterly", "Y", 4),
])
def test_upto_maps_to_the_periods_of_each_frequency(frequency, upto, due):
    codes = mon.periods.for_frequency(frequency) or ["Y"]
    assert mon.periods_due(codes, upto) == due


@pytest.mark.parametrize("upto, points", [("TW3", ["TW1", "TW2", "TW3"]), ("M02", ["M01", "M02"]),
                                          ("S1", ["S1"]), ("Y", ["TW1", "TW2", "TW3", "TW4"])])
def test_trend_points(upto, points):
    assert mon.trend_periods(upto) == points


def test_monthly_indicator_at_a_quarter(s, build):
    ind = build.indicator(frequency="monthly", annual=120, quarters=[10] * 12)
    for i in range(1, 7):
        record(s, ind, f"M{i:02d}", value=10)
    row = mon.achievement_for_indicator(s, ind, YEAR, "TW2", SETTINGS)
    assert row.due == 6
    assert row.progress.realisation == 60
    assert row.summary()["achievement"] == pytest.approx(100.0)


def test_annual_indicator_is_not_due_before_year_end(s, build):
    ind = build.indicator(frequency="annual", quarters=None, responsible="Bidang Program")
    p = progress(s, build, "TW2")
    assert p.rows[0].status == mon.NOT_DUE
    assert p.missing_reports == []
    assert p.status_counts[mon.NOT_DUE] == 1
    p = progress(s, build, "TW4")
    assert [(m.row.indicator.id, m.period, m.responsible) for m in p.missing_reports] == [
        (ind.id, "Y", "Bidang Program")]


def test_read_side_refuses_other_years_and_unknown_periods(s, build):
    with pytest.raises(Invalid):
        mon.progress_for_plan(s, build.plan, YEAR - 1, "TW1", SETTINGS)
    with pytest.raises(Invalid):
        mon.progress_for_plan(s, build.plan, YEAR, "TW9", SETTINGS)


# ---------------------------------------------------------------- roll-up

def test_activity_rolls_up_its_output_indicators_and_counts_the_unreported(s, build):
    a = build.activity()
    o1 = build.indicator(a, level="output")
    o2 = build.indicator(a, level="output")
    build.indicator(a, level="output")  # not reported
    i1 = build.indicator(a, level="input")
    for ind, v in ((o1, 25), (o2, 20), (i1, 10)):
        record(s, ind, "TW1", value=v)
    b = build.activity()
    i2 = build.indicator(b, level="input")
    record(s, i2, "TW1", value=12.5)

    p = progress(s, build, "TW1")
    na, nb, program = p.node(a.id), p.node(b.id), p.node(build.program.id)
    assert (na.basis, na.achievement.value, na.achievement.reported, na.achievement.unreported) == (
        "output", pytest.approx(90.0), 2, 1)  # (100 + 80) / 2; the input indicator is not averaged
    assert (nb.basis, nb.achievement.value) == ("all", pytest.approx(50.0))
    assert (program.basis, program.achievement.value) == ("children", pytest.approx(70.0))
    assert program.status == "perlu_perhatian" and na.status == "on_track"  # 70 = 100 − 2 × 15; 90
    assert program.status_counts["tercapai"] == 1 and program.status_counts["belum_dilaporkan"] == 1
    assert sum(program.status_counts.values()) == 5
    assert p.achievement.value == pytest.approx(70.0)
    assert p.status_counts == program.status_counts


def test_weights_and_rollup_cap(s, build):
    a = build.activity()
    over = build.indicator(a, weight=3)
    under = build.indicator(a, weight=1)
    record(s, over, "TW1", value=50)  # 200 %
    record(s, under, "TW1", value=10)  # 40 %
    assert progress(s, build, "TW1").node(a.id).achievement.value == pytest.approx((3 * 200 + 40) / 4)
    capped = progress(s, build, "TW1", Settings(rollup_cap=100)).node(a.id).achievement
    assert capped.value == pytest.approx((3 * 100 + 40) / 4)


def test_program_uses_its_outcome_indicators(s, build):
    outcome = build.indicator(build.program, level="outcome", accumulation="last", unit="%", annual=80,
                              quarters=None)
    child = build.indicator(level="output")
    record(s, child, "TW1", value=25)
    p = progress(s, build, "TW1")
    program = p.node(build.program.id)
    assert program.basis == "outcome" and program.achievement.value is None
    assert program.achievement.unreported == 1 and program.status == "belum_dilaporkan"
    record(s, outcome, "TW1", value=60)
    program = progress(s, build, "TW1").node(build.program.id)
    assert program.achievement.value == pytest.approx(75.0)
    assert program.predikat == "Sedang"  # annual achievement 60 / 80 = 75 %


def test_rollup_api_shape(s, build):
    ind = build.indicator()
    record(s, ind, "TW1", value=25)
    tree = [r.as_dict() for r in progress(s, build, "TW1").roots]
    program = tree[0]
    assert program["id"] == build.program.id and program["achievement"] == pytest.approx(100.0)
    assert set(program) >= {"achievement", "annual_achievement", "predikat", "status", "status_counts", "budget",
                            "children"}
    assert program["children"][0]["status_counts"]["tercapai"] == 1


# ---------------------------------------------------------------- budget

def test_budget_absorption_by_period_and_up_the_tree(s, build):
    a = build.activity()
    b = build.activity(pagu=Decimal("500000"))  # the plan's pagu, no execution budget yet
    mon.set_budget(s, a, YEAR, "Rp 1.000.000", {"TW1": 100000, "TW2": "150.000", "TW3": None})
    p1, p2 = progress(s, build, "TW1"), progress(s, build, "TW2")
    assert p1.node(a.id).budget.absorption.value == pytest.approx(10.0)
    assert p2.node(a.id).budget.realised == Decimal("250000")
    assert p2.node(a.id).budget.absorption.value == pytest.approx(25.0)
    nb = p2.node(b.id).budget
    assert (nb.pagu, nb.realised, nb.absorption.value) == (Decimal("500000"), None, None)
    program = p2.node(build.program.id).budget
    assert program.pagu == Decimal("1500000") and program.absorption.value == pytest.approx(250000 / 1500000 * 100)
    assert p2.budget.absorption.value == program.absorption.value
    mon.set_budget(s, build.program, YEAR, 3000000, {"TW1": 300000})  # its own execution budget comes first
    assert progress(s, build, "TW2").node(build.program.id).budget.absorption.value == pytest.approx(10.0)
    assert [t.absorption.value for t in p2.trend] == [pytest.approx(100000 / 15000), pytest.approx(50 / 3)]


def test_budget_replaces_the_period_map(s, build):
    a = build.activity()
    mon.set_budget(s, a, YEAR, 1000, {"M01": 100, "M02": 100})
    mon.set_budget(s, a, YEAR, 2000, {"M01": 300})
    budget = progress(s, build, "Y").node(a.id).budget
    assert (budget.pagu, budget.realised) == (Decimal("2000"), Decimal("300"))


@pytest.mark.parametrize("pagu, realized, fld", [
    (1000, {"TW1": 600, "TW2": 500}, "realized"),
    (1000, {"TW1": 100, "M04": 100}, "realized"),
    (1000, {"TW1": -1}, "realized"),
    (1000, {"Q1": 1}, "period"),
    ("seribu", {}, "pagu"),
    (-5, {}, "pagu"),
    (None, {}, "pagu"),
])
def test_bad_budget_is_refused(s, build, pagu, realized, fld):
    with pytest.raises(Invalid) as err:
        mon.set_budget(s, build.activity(), YEAR, pagu, realized)
    assert err.value.field == fld


def test_budget_year_and_closed_periods(s, build):
    a = build.activity()
    with pytest.raises(Invalid) as err:
        mon.set_budget(s, a, YEAR + 1, 1000, {})
    assert err.value.field == "year"
    mon.set_budget(s, a, YEAR, 1000, {"TW1": 100})
    mon.close_period(s, build.plan, YEAR, "TW1")
    with pytest.raises(Conflict):
        mon.set_budget(s, a, YEAR, 1000, {"TW1": 200})
    with pytest.raises(Conflict):
        mon.set_budget(s, a, YEAR, 1000, {})
    mon.set_budget(s, a, YEAR, 1200, {"TW1": 100, "TW2": 300})  # TW1 unchanged: allowed
    assert progress(s, build, "TW2").node(a.id).budget.realised == Decimal("400")


# ---------------------------------------------------------------- dashboard lists

def test_early_warning_lists_indicators_behind_pace_with_the_pace_needed(s, build):
    behind = build.indicator(name="Jumlah pelatihan")
    ahead = build.indicator(name="Jumlah sosialisasi")
    fewer = build.indicator(name="Jumlah kecelakaan kerja", polarity="lower_is_better", annual=20,
                            quarters=(5, 5, 5, 5))
    record(s, behind, "TW1", value=10)
    record(s, ahead, "TW1", value=30)
    record(s, fewer, "TW1", value=8)
    warnings = progress(s, build, "TW1").early_warnings
    got = {w.row.indicator.id: w for w in warnings}
    assert set(got) == {behind.id, fewer.id}
    assert got[behind.id].forecast == pytest.approx(40.0)
    assert got[behind.id].required_pace == pytest.approx(30.0)  # (100 − 10) / 3
    assert got[fewer.id].forecast_achievement.value == pytest.approx(40.0)  # (2×20 − 32) / 20
    assert [w.row.indicator.id for w in warnings] == [behind.id, fewer.id]  # worst first (40 %, 40 %: tree order)


def test_no_early_warning_at_year_end(s, build):
    ind = build.indicator()
    for q in ("TW1", "TW2", "TW3", "TW4"):
        record(s, ind, q, value=5)
    assert progress(s, build, "TW4").early_warnings == []


def test_missing_reports_name_the_period_and_who_is_responsible(s, build):
    a = build.activity(unit_in_charge="Subbag Umum")
    ind = build.indicator(a)
    named = build.indicator(a, responsible="Kasi Pelayanan")
    record(s, ind, "TW1", value=25)
    record(s, named, "TW1", value=25, draft=True)
    got = [(m.row.indicator.id, m.period, m.responsible, m.reason) for m in progress(s, build, "TW2").missing_reports]
    assert got == [(ind.id, "TW2", "Subbag Umum", "belum_dilaporkan"),
                   (named.id, "TW1", "Kasi Pelayanan", "draft"),
                   (named.id, "TW2", "Kasi Pelayanan", "belum_dilaporkan")]
    p = progress(s, build, "TW2")
    assert (p.reported, p.expected, p.completeness.value) == (1, 4, 25.0)


def test_trend_per_period(s, build):
    ind = build.indicator()
    record(s, ind, "TW1", value=25)
    record(s, ind, "TW2", value=15)
    trend = progress(s, build, "TW3").trend
    assert [t.period for t in trend] == ["TW1", "TW2", "TW3"]
    assert [t.achievement.value for t in trend] == [pytest.approx(100.0), pytest.approx(80.0),
                                                    pytest.approx(40 / 75 * 100)]
    assert mon.progress_for_plan(s, build.plan, YEAR, "TW3", SETTINGS, with_trend=False).trend == []


def test_trend_in_one_pass_equals_each_period_on_its_own(s, build):
    """The dashboard's trend is evaluated in one walk of the tree; each point is what that period shows alone."""
    ind, annual = build.indicator(), build.indicator(frequency="annual")
    for q, v in (("TW1", 25), ("TW2", 15), ("TW3", 30)):
        record(s, ind, q, value=v)
    record(s, annual, "Y", value=70)
    for upto in ("TW3", "Y"):
        p = progress(s, build, upto)
        alone = {q: mon.progress_for_plan(s, build.plan, YEAR, q, SETTINGS, with_trend=False)
                 for q in [t.period for t in p.trend] + [upto]}
        assert [(t.achievement, t.annual_achievement, t.absorption) for t in p.trend] == [
            (alone[t.period].achievement, alone[t.period].annual_achievement, alone[t.period].budget.absorption)
            for t in p.trend]
        assert (p.achievement, p.roots, p.rows) == (alone[upto].achievement, alone[upto].roots, alone[upto].rows)


def test_entry_grid_cells(s, build, tmp_path):
    ind = build.indicator()
    record(s, ind, "TW1", value=25)
    mon.add_evidence_link(s, ind, YEAR, "TW1", "https://contoh.id/bukti")
    mon.close_period(s, build.plan, YEAR, "TW1")
    p = progress(s, build, "TW2")
    cells = p.node(build.program.id).rows()[0].cells
    assert [(c.period, c.target.value, c.realization is not None, c.evidence, c.closed) for c in cells] == [
        ("TW1", 25, True, 1, True), ("TW2", 25, False, 0, False), ("TW3", 25, False, 0, False),
        ("TW4", 25, False, 0, False)]
    assert p.closed_periods == ["TW1"]


# ---------------------------------------------------------------- reviewer dashboard

def test_org_ranking_by_achievement_and_completeness(s):
    good, poor, silent = Build(s, "K01"), Build(s, "K02"), Build(s, "K03")
    for b, values in ((good, (25, 25)), (poor, (10,))):
        ind = b.indicator()
        for q, v in zip(("TW1", "TW2"), values):
            record(s, ind, q, value=v)
    silent.indicator()
    ranking = mon.org_ranking(s, [silent.plan, poor.plan, good.plan], YEAR, "TW2", SETTINGS)
    assert [r.plan.id for r in ranking.by_achievement] == [good.plan.id, poor.plan.id, silent.plan.id]
    assert [r.completeness.value for r in ranking.by_completeness] == [100.0, 50.0, 0.0]
    assert ranking.by_achievement[0].achievement.value == pytest.approx(100.0)


# ---------------------------------------------------------------- bounded SQL

def _statements(engine, fn) -> int:
    count = 0

    def count_one(*_args):
        nonlocal count
        count += 1

    event.listen(engine, "before_cursor_execute", count_one)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count_one)
    return count


def _plan_with(s, code: str, activities: int) -> Build:
    b = Build(s, code)
    for i in range(activities):
        a = plans.create_node(s, b.plan, NodeCreate(kind="kegiatan", code=f"{2000 + i}", name=f"Kegiatan {i}",
                                                    parent_id=b.program.id))
        ind = b.indicator(a)
        record(s, ind, "TW1", value=i % 30)
        mon.add_evidence_link(s, ind, YEAR, "TW1", f"https://contoh.id/{code}/{i}")
        mon.set_budget(s, a, YEAR, 1000, {"TW1": 100})
    return b


def test_progress_issues_the_same_statements_for_10_and_200_activities(s, engine):
    small, large = _plan_with(s, "K10", 10), _plan_with(s, "K200", 200)
    s.flush()
    counts = [_statements(engine, lambda b=b: mon.progress_for_plan(s, b.plan, YEAR, "TW2", SETTINGS))
              for b in (small, large)]
    assert counts[0] == counts[1]
    assert counts[0] <= 12
    assert len(mon.progress_for_plan(s, large.plan, YEAR, "TW2", SETTINGS).rows) == 200


def test_realisation_lookup_for_the_worksheet(s, build):
    counts = build.indicator()
    ratio = build.indicator(accumulation="ratio", unit="%", annual=80, quarters=None)
    record(s, counts, "TW1", value=20)
    record(s, counts, "TW2", value=30)
    record(s, counts, "TW3", value=5, draft=True)
    record(s, ratio, "TW1", numerator=3, denominator=4)
    lookup = mon.realisation_lookup(s, build.plan)
    assert lookup(counts.id, YEAR, "TW2") == 30  # that period's own value, beside that period's target
    assert lookup(counts.id, YEAR, "Y") == 50  # the year accumulated; drafts do not count
    assert lookup(counts.id, YEAR, "TW3") is None
    assert lookup(counts.id, YEAR, "M01") is None
    assert lookup(ratio.id, YEAR, "TW1") == pytest.approx(75.0)
    assert lookup(-1, YEAR, "TW1") is None


def test_rupiah_stay_exact(s, build):
    a = build.activity()
    budget = mon.set_budget(s, a, YEAR, Decimal("98765432101234.56"), {"S1": "Rp 1.250.000.000,50"})
    assert budget.pagu == Decimal("98765432101234.56")
    assert progress(s, build, "S1").node(a.id).budget.realised == Decimal("1250000000.50")
