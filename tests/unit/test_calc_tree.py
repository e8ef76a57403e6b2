"""The plan tree evaluated in memory (``planner.calc.tree``) and period arithmetic (``planner.periods``):
no database, plain objects standing in for the rows the services read."""
from __future__ import annotations

import random
from decimal import Decimal
from types import SimpleNamespace as NS

import pytest

from planner import periods
from planner.calc import Settings
from planner.calc import tree as ct

SETTINGS = Settings()
PROGRAM = NS(strategic=False, depth=2)
KEGIATAN = NS(strategic=False, depth=3)
LEVELS = [NS(strategic=True, depth=0), NS(strategic=True, depth=1), PROGRAM, KEGIATAN]


def indicator(iid, level="output", frequency="quarterly", accumulation="sum", weight=1.0, polarity="higher_is_better"):
    return NS(id=iid, level=level, frequency=frequency, accumulation=accumulation, weight=weight, polarity=polarity,
              ratio_factor=100.0, responsible="")


def target(value):
    return NS(value=value, lower=None, upper=None, text=None)


def real(value, status="submitted"):
    return NS(value=value, numerator=None, denominator=None, achieved=None, status=status)


def node(nid, level, indicators=(), children=(), pagu=None):
    return NS(node=NS(id=nid, code=f"N{nid}", name=f"Simpul {nid}", kind="x", pagu=pagu, unit_in_charge="Bidang"),
              depth=0, level=level, indicators=list(indicators), children=list(children))


QUARTERLY_TARGETS = {"Y": target(100), **{q: target(25) for q in periods.QUARTERS}}


def row_fn(reported: dict, closed=(), judged=None):
    def row(ind, n, upto):
        return ct.indicator_row(ind, n, upto, QUARTERLY_TARGETS, reported.get(ind.id, {}), {}, list(closed),
                                SETTINGS, judged)
    return row


# ---------------------------------------------------------------- periods

@pytest.mark.parametrize("frequency, upto, due", [
    ("monthly", "TW2", 6), ("semester", "TW2", 1), ("semester", "TW1", 0), ("quarterly", "M05", 1),
    ("quarterly", "S1", 2), ("annual", "TW3", 0), ("annual", "TW4", 1), ("annual", "M12", 1), ("quarterly", "Y", 4),
])
def test_periods_due_by_frequency(frequency, upto, due):
    assert periods.periods_due(periods.reporting(frequency), upto) == due


def test_period_containment_and_families():
    assert periods.contains("TW1", "M03") and not periods.contains("TW1", "M04")
    assert periods.contains("Y", "S2") and periods.contains("S1", "TW2") and not periods.contains("M01", "TW1")
    assert periods.family("M07") == periods.MONTH_CODES and periods.family("Y") == ["Y"]
    assert periods.trend_periods("Y") == periods.QUARTERS and periods.trend_periods("M02") == ["M01", "M02"]


# ---------------------------------------------------------------- the tree

def test_an_activity_rolls_up_its_output_indicators_and_the_plan_its_top_nodes():
    a, b, c = indicator(1), indicator(2), indicator(3, level="input")
    keg = node(2, KEGIATAN, [a, b, c])
    prog = node(1, PROGRAM, [], [keg])
    reported = {1: {"TW1": real(25), "TW2": real(25)}, 2: {"TW1": real(10)}, 3: {"TW1": real(1)}}
    ev = ct.evaluate([prog], LEVELS, row_fn(reported), ct.Budgets({}, {}, True), "TW2", SETTINGS)
    top = ev.roots[0]
    kegiatan = top.children[0]
    assert kegiatan.basis == "output" and top.basis == "children"
    assert kegiatan.achievement.value == pytest.approx((100 + 20) / 2)  # input indicator left out
    assert ev.achievement.value == top.achievement.value == kegiatan.achievement.value
    assert kegiatan.status_counts["kritis"] == 2 and kegiatan.status_counts["tercapai"] == 1  # every indicator
    missing = ct.missing_reports(ev.rows)
    assert [(m.row.indicator.id, m.period) for m in missing] == [(2, "TW2"), (3, "TW2")]
    assert ct.completeness(ev.rows)[:2] == (4, 6)


def test_a_draft_does_not_count():
    ind = indicator(1)
    row = row_fn({1: {"TW1": real(25, status="draft")}})(ind, node(1, KEGIATAN).node, "TW1")
    assert row.missing[0].period == "TW1" and row.progress.realisation is None


def test_budgets_come_from_the_node_or_its_children():
    keg1, keg2 = node(2, KEGIATAN, pagu=Decimal(500)), node(3, KEGIATAN, pagu=Decimal(700))
    prog = node(1, PROGRAM, [], [keg1, keg2])
    budgets = ct.Budgets({2: Decimal(1000)}, {2: {"TW1": Decimal(100), "TW3": Decimal(300)}}, plan_year=True)
    ev = ct.evaluate([prog], LEVELS, row_fn({}), budgets, "TW2", SETTINGS)
    top = ev.roots[0]
    assert top.children[0].budget.realised == 100  # TW3 has not ended by TW2
    assert top.children[1].budget.pagu == 700 and top.children[1].budget.realised is None
    assert top.budget.pagu == 1700 and top.budget.absorption.value == pytest.approx(100 / 1700 * 100)


def test_early_warning_when_the_pace_misses_the_annual_target():
    ind = indicator(1)
    ev = ct.evaluate([node(1, KEGIATAN, [ind])], LEVELS, row_fn({1: {"TW1": real(10), "TW2": real(10)}}),
                     ct.Budgets({}, {}, True), "TW2", SETTINGS)
    warnings = ct.early_warnings(ev.rows, SETTINGS)
    assert [w.row.indicator.id for w in warnings] == [1] and warnings[0].forecast == pytest.approx(40)


def test_a_closed_period_uses_the_target_it_was_judged_against():
    murni = NS(id=7, revision_number=0)
    judged = {"TW1": (target(10), murni)}
    row = row_fn({1: {"TW1": real(10)}}, closed=["TW1"], judged=judged.get)(indicator(1), node(1, KEGIATAN).node,
                                                                            "TW2")
    tw1, tw2 = row.cells[:2]
    assert tw1.closed and tw1.target.value == 10 and tw1.target_from is murni
    assert not tw2.closed and tw2.target.value == 25 and tw2.target_from is None
    assert row.progress.achievement.value == pytest.approx(10 / 35 * 100)  # judged TW1 target + new TW2 target


# ---------------------------------------------------------------- the trend in one pass

def _mixed_plan():
    """Every frequency and accumulation, levels that fall back to "all" and "children", budgets by period."""
    freq_codes = {"monthly": periods.MONTH_CODES, "semester": periods.SEMESTERS, "quarterly": periods.QUARTERS,
                  "annual": []}
    inds, reported, targets = [], {}, {}
    for iid, (frequency, accumulation, polarity, level) in enumerate([
            ("monthly", "sum", "higher_is_better", "output"), ("quarterly", "last", "lower_is_better", "output"),
            ("semester", "average", "higher_is_better", "input"), ("quarterly", "ratio", "higher_is_better", "outcome"),
            ("annual", "last", "higher_is_better", "output"), ("quarterly", "sum", "higher_is_better", "output")], 1):
        ind = indicator(iid, level=level, frequency=frequency, accumulation=accumulation, polarity=polarity,
                        weight=float(iid))
        codes = freq_codes[frequency]
        targets[iid] = {"Y": target(100), **{c: target(100 / max(len(codes), 1)) for c in codes}}
        reported[iid] = {c: NS(value=(7 * iid + 3 * k) % 40 + 1, numerator=k + iid, denominator=10 + k,
                               achieved=None, status="verified" if k % 3 else "submitted")
                         for k, c in enumerate(codes[:-1]) if (k + iid) % 4}
        inds.append(ind)
    keg1, keg2 = node(3, KEGIATAN, inds[:3]), node(4, KEGIATAN, inds[3:5], pagu=Decimal(900))
    prog1, prog2 = node(1, PROGRAM, [inds[5]], [keg1, keg2]), node(2, PROGRAM, [], [node(5, KEGIATAN)])
    budgets = ct.Budgets({3: Decimal(1000)}, {3: {"TW1": Decimal(100), "TW2": Decimal(250), "TW4": Decimal(50)}},
                         plan_year=True)

    def row_of(ind, n, upto):
        return ct.indicator_row(ind, n, upto, targets[ind.id], reported[ind.id], {}, ["TW1"], SETTINGS)
    return [prog1, prog2], row_of, budgets


def _plan_figures(ev) -> tuple:
    return ev.achievement, ev.annual_achievement, ev.budget


@pytest.mark.parametrize("upto", ["TW1", "TW3", "Y", "M07", "S2", "M12"])
def test_the_trend_from_one_evaluation_equals_one_evaluation_per_period(upto):
    roots, row_of, budgets = _mixed_plan()
    now = ct.evaluate(roots, LEVELS, row_of, budgets, upto, SETTINGS)
    points = periods.trend_periods(upto)
    trend, _nodes = ct.trend(now.roots, points, budgets, SETTINGS)
    per_period = [ct.evaluate(roots, LEVELS, row_of, budgets, u, SETTINGS) for u in points]
    assert [_plan_figures(f) for f in trend] == [_plan_figures(e) for e in per_period]  # values and formulas
    assert len(points) == 1 or len({f.achievement.value for f in trend}) > 1  # the periods really differ


def _generated_plan(seed: int):
    """A random plan: random depth and fan-out, every frequency, accumulation, polarity and target kind
    (number, range, qualitative, none, zero), drafts and returned values, budgets on some nodes."""
    rnd = random.Random(seed)
    levels = LEVELS
    freq_codes = {"monthly": periods.MONTH_CODES, "semester": periods.SEMESTERS, "quarterly": periods.QUARTERS,
                  "annual": []}
    targets, reported, pagu, amounts = {}, {}, {}, {}
    ids = iter(range(1, 10**6))

    def a_target(kind, scale):
        if kind == "range":
            lo = rnd.uniform(0, scale)
            return NS(value=None, lower=round(lo, 2), upper=round(lo + rnd.uniform(0, scale), 2), text=None)
        if kind == "qualitative":
            return NS(value=None, lower=None, upper=None, text="Tersusun")
        if kind == "none":
            return None
        return target(0 if kind == "zero" else round(rnd.uniform(1, scale), 2))

    def an_indicator():
        iid = next(ids)
        frequency = rnd.choice(list(freq_codes))
        accumulation = rnd.choice(["sum", "last", "average", "ratio"])
        ind = indicator(iid, level=rnd.choice(["output", "outcome", "impact", "input"]), frequency=frequency,
                        accumulation=accumulation, weight=rnd.choice([None, 1.0, 2.0, 0.5]),
                        polarity=rnd.choice(["higher_is_better", "lower_is_better", "band"]))
        kind = rnd.choice(["number"] * 6 + ["range", "qualitative", "none", "zero"])
        codes = freq_codes[frequency]
        targets[iid] = {"Y": a_target(kind, 100), **{c: a_target(kind if rnd.random() < .9 else "number", 40)
                                                     for c in codes}}
        reported[iid] = reports(codes or ["Y"])
        return ind

    def reports(codes):
        return {c: NS(value=round(rnd.uniform(0, 50), 2), numerator=rnd.randint(0, 9), denominator=rnd.randint(0, 9),
                      achieved=rnd.choice([None, True, False]),
                      status=rnd.choice(["submitted", "verified", "verified", "draft", "returned"]))
                for c in codes if rnd.random() < .75}

    def a_node(depth):
        nid = next(ids)
        inds = [an_indicator() for _ in range(rnd.choice([0, 0, 1, 2, 3]))]
        kids = [a_node(depth + 1) for _ in range(rnd.randint(0, 3))] if depth < 3 else []
        if rnd.random() < .4:
            pagu[nid] = Decimal(rnd.randint(0, 5) * 1000)
            amounts[nid] = {c: Decimal(rnd.randint(0, 900)) for c in rnd.sample(periods.QUARTERS + ["M05"], 2)}
        return NS(node=NS(id=nid, code=f"N{nid}", name=f"Simpul {nid}", kind="x", pagu=Decimal(700),
                          unit_in_charge="Bidang"), depth=depth, level=levels[min(depth, 3)], indicators=inds,
                  children=kids)

    roots = [a_node(rnd.randint(0, 2)) for _ in range(rnd.randint(1, 4))]
    budgets = ct.Budgets(pagu, amounts, plan_year=rnd.random() < .5)
    settings = Settings(lower_is_better_formula=rnd.choice(["2T-R", "T/R"]), rollup_cap=rnd.choice([None, 100.0]))

    def row_of(ind, n, upto):
        return ct.indicator_row(ind, n, upto, targets[ind.id], reported[ind.id], {}, ["TW1"], settings)
    return roots, row_of, budgets, settings, reported, reports


@pytest.mark.parametrize("seed", range(40))
def test_the_trend_of_generated_plans_equals_one_evaluation_per_period(seed):
    roots, row_of, budgets, settings, _reported, _reports = _generated_plan(seed)
    for upto in ("TW3", "Y", "M08", "S2"):
        now = ct.evaluate(roots, LEVELS, row_of, budgets, upto, settings)
        points = periods.trend_periods(upto)
        trend, _nodes = ct.trend(now.roots, points, budgets, settings)
        assert [_plan_figures(f) for f in trend] == [
            _plan_figures(ct.evaluate(roots, LEVELS, row_of, budgets, u, settings)) for u in points]


@pytest.mark.parametrize("seed", range(40))
def test_rows_reported_again_give_what_evaluating_the_plan_again_gives(seed):
    """``reevaluate`` of rows with other reports (``with_reports``), the trend from the kept nodes' figures and
    the early warnings from the kept ones equal the whole plan evaluated again, round after round."""
    roots, row_of, budgets, settings, reported, reports = _generated_plan(seed)
    rnd = random.Random(seed)
    for upto in ("TW3", "M08"):
        now = ct.evaluate(roots, LEVELS, row_of, budgets, upto, settings)
        points = [p for p in periods.trend_periods(upto) if p != upto]
        _points, nodes = ct.trend(now.roots, points, budgets, settings)
        warnings = ct.early_warnings(now.rows, settings)
        for _round in range(4):
            changed = rnd.sample(now.rows, min(len(now.rows), rnd.randint(1, 3)))
            for r in changed:
                reported[r.indicator.id] = reports([c.period for c in r.cells])
            fresh = {r.indicator.id: ct.with_reports(r, upto, reported[r.indicator.id], {}, ["TW1"], settings)
                     for r in changed}
            again, whole = ct.reevaluate(now, fresh, settings), ct.evaluate(roots, LEVELS, row_of, budgets, upto,
                                                                              settings)
            assert again == whole
            figures, nodes = ct.trend(again.roots, points, budgets, settings, nodes)
            assert figures == ct.trend(whole.roots, points, budgets, settings)[0]
            warnings = ct.early_warnings(again.rows, settings, warnings, fresh)
            assert warnings == ct.early_warnings(whole.rows, settings)
            now = again
