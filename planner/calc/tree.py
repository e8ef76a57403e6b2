"""A plan evaluated as a tree at one period: indicator rows, node roll-ups, budgets, early warnings.

Pure, like the rest of ``planner.calc``: it takes rows already read (any objects with the attributes
named below) and never touches a database, so the whole evaluation is unit-tested in memory.
``planner.services.monitoring`` gathers the rows and calls :func:`evaluate`.

What the objects must carry (duck-typed):

* a tree node: ``.node`` (``.id``, ``.pagu``, ``.unit_in_charge``), ``.depth``, ``.level`` (``.strategic``,
  ``.depth`` or None), ``.indicators``, ``.children``;
* an indicator: ``.id``, ``.name`` (optional, names it in explanations), ``.frequency``, ``.accumulation``, ``.polarity``, ``.ratio_factor``, ``.weight``,
  ``.level``, ``.responsible``;
* a target: ``.value``, ``.lower``, ``.upper``, ``.text``; a realisation: ``.status``, ``.value``,
  ``.numerator``, ``.denominator``, ``.achieved``.
"""
from __future__ import annotations

import dataclasses
import operator
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal
from typing import Any, Callable, Iterator

from planner import periods

from .achievement import (
    HIGHER_IS_BETTER, STATUS_LABELS, IndicatorProgress, Result, RollupResult, Settings, TargetSpec, absorption,
    achievement, achievements_at, period_and_annual, rollup_status, status,
)
from .rollup import rollup
from .bands import predikat
from .coverage import NONE, Coverage, of_rows, predikat_withheld

NOT_DUE = "belum_jatuh_tempo"
MONITORING_STATUS_LABELS = {**STATUS_LABELS, NOT_DUE: "Belum jatuh tempo"}
# Only these count in achievement: a draft is not reported yet, a returned value awaits correction.
COUNTED_STATUSES = ("submitted", "verified")


# ---------------------------------------------------------------- one indicator

@dataclass
class Cell:
    """One (indicator, period) cell of the entry grid."""

    period: str
    target: TargetSpec
    realization: Any = None
    evidence: int = 0  # how many pieces of bukti dukung
    closed: bool = False
    # The plan version whose target this closed period was judged against, when it is not the
    # version being shown (a Perubahan changed the target after the period was closed).
    target_from: Any = None

    @cached_property  # read by every figure of the row (coverage, missing, series): a cell never changes
    def counted(self):
        """The realisation when it counts in the figures (submitted or verified)."""
        r = self.realization
        return r if r is not None and r.status in COUNTED_STATUSES else None


@dataclass
class IndicatorRow:
    """An indicator at ``upto``: its cells, how many periods are due, and its progress."""

    indicator: Any
    node: Any
    annual_target: TargetSpec
    cells: list[Cell]
    due: int  # periods of the indicator that have ended by ``upto``
    progress: IndicatorProgress | None  # None while no period is due
    # what calc reads of the cells at any period (``_fixed_inputs``), kept for ``achievements_of``
    inputs: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def status(self) -> str:
        return NOT_DUE if self.progress is None else self.progress.status

    @property
    def responsible(self) -> str:
        return self.indicator.responsible or self.node.unit_in_charge

    @cached_property  # coverage of every node above, completeness and the missing list each read it
    def missing(self) -> list[Cell]:
        """Due cells without a counted value (not entered, a draft, or returned)."""
        return [c for c in self.cells[:self.due] if c.counted is None]

    def summary(self) -> dict:
        """The API's achievement answer; numbers are None when they cannot be computed."""
        p = self.progress
        if p is None:
            return {"achievement": None, "annual_achievement": None, "status": NOT_DUE, "gap": None,
                    "forecast": None, "required_pace": None, "formula": None, "predikat": None, "reason": None,
                    "status_rule": None}
        return {"achievement": p.achievement.value, "annual_achievement": p.annual_achievement.value,
                "status": p.status, "gap": p.gap, "forecast": p.forecast, "required_pace": p.required_pace,
                "formula": p.achievement.formula, "predikat": p.predikat, "reason": p.reason,
                "status_rule": p.status_rule}


def spec(t) -> TargetSpec:
    return TargetSpec() if t is None else TargetSpec(value=t.value, lower=t.lower, upper=t.upper, text=t.text)


def _last_achieved(cells: list[Cell]) -> bool | None:
    """Qualitative: the latest counted verdict holds until a later period changes it."""
    verdicts = [c.counted.achieved for c in cells if c.counted is not None and c.counted.achieved is not None]
    return verdicts[-1] if verdicts else None


def series(rows: list) -> dict[str, list[float | None]]:
    """The value, numerator and denominator columns calc accumulates (None = not reported)."""
    return {"values": [r.value if r else None for r in rows],
            "numerators": [r.numerator if r else None for r in rows],
            "denominators": [r.denominator if r else None for r in rows]}


def _fixed_inputs(ind, annual: TargetSpec, cells: list[Cell]) -> dict:
    """The arguments of ``period_and_annual`` / ``achievements_at`` that do not depend on the period."""
    return dict(targets_by_period=[c.target for c in cells], annual_target=annual, accumulation=ind.accumulation,
                polarity=ind.polarity, factor=ind.ratio_factor, **series([c.counted for c in cells]))


def _progress(fixed: dict, cells: list[Cell], due: int, settings: Settings) -> IndicatorProgress | None:
    if due == 0:
        return None
    return period_and_annual(**fixed, upto=due, settings=settings, achieved=_last_achieved(cells[:due]))


def achievements_of(row: IndicatorRow, upto: str, settings: Settings) -> tuple[Result, Result] | None:
    """The row's indicator's period and annual achievement at another period ``upto`` (its cells hold every
    period); None while nothing is due then. Only what a roll-up reads: a trend asks it of earlier periods."""
    due = periods.periods_due([c.period for c in row.cells], upto)
    if due == row.due:
        p = row.progress
        return None if p is None else (p.achievement, p.annual_achievement)
    if due == 0:
        return None
    _, _, period_c, annual_c = achievements_at(**row.inputs, upto=due, settings=settings,
                                               achieved=_last_achieved(row.cells[:due]))
    return period_c, annual_c


# (period) -> (target row, the version it comes from); None when the cell uses the shown version's target
JudgedFn = Callable[[str], "tuple[Any, Any] | None"]


def indicator_row(ind, node, upto: str, targets: dict[str, Any], realizations: dict[str, Any],
                  evidence: dict[str, int], closed: list[str], settings: Settings,
                  judged: JudgedFn | None = None) -> IndicatorRow:
    """An indicator's row at ``upto`` from its targets, realisations and evidence counts by period code.

    ``closed`` lists the closed periods; ``judged`` gives, for a closed period, the target it was
    judged against when that came from another version of the plan. The cells do not depend on
    ``upto``: ``achievements_of`` reads the row at other periods."""
    codes = periods.reporting(ind.frequency)
    cells = []
    for p in codes:
        is_closed = any(periods.contains(c, p) for c in closed)
        target, source = targets.get(p), None
        if is_closed and judged is not None:
            found = judged(p)
            if found is not None:
                target, source = found
        cells.append(Cell(p, spec(target), realizations.get(p), evidence.get(p, 0), is_closed, source))
    annual = spec(targets.get(periods.ANNUAL))
    due = periods.periods_due(codes, upto)
    fixed = _fixed_inputs(ind, annual, cells)
    return IndicatorRow(ind, node, annual, cells, due, _progress(fixed, cells, due, settings), fixed)


def with_reports(row: IndicatorRow, upto: str, realizations: dict[str, Any], evidence: dict[str, int],
                 closed: list[str], settings: Settings) -> IndicatorRow:
    """``indicator_row`` of the row's indicator with other realisations and evidence counts: its targets, and
    the versions its closed periods were judged against, as they were."""
    cells = {c.period: c for c in row.cells}

    def judged(period: str):
        cell = cells.get(period)
        return None if cell is None or cell.target_from is None else (cell.target, cell.target_from)
    targets = {**{p: c.target for p, c in cells.items()}, periods.ANNUAL: row.annual_target}
    return indicator_row(row.indicator, row.node, upto, targets, realizations, evidence, closed, settings, judged)


# ---------------------------------------------------------------- the tree

@dataclass
class BudgetProgress:
    pagu: Decimal | None
    realised: Decimal | None  # None when nothing is reported
    absorption: Result  # serapan (%), calc.absorption


@dataclass
class NodeProgress:
    """A node at ``upto``. ``basis`` names what was averaged (methodology §2): the indicators of
    a level ("output", "outcome", "impact"), all its indicators ("all"), or its children ("children")."""

    node: Any
    depth: int
    level: Any
    basis: str
    achievement: RollupResult  # of the period achievements: drives the status colour
    annual_achievement: RollupResult  # of the annual achievements: drives the predikat (Permendagri 86)
    status: str
    predikat: str | None
    status_counts: dict[str, int]  # every indicator of the subtree, by status
    budget: BudgetProgress
    indicators: list[IndicatorRow]
    children: list["NodeProgress"] = field(default_factory=list)
    coverage: Coverage = NONE  # reports in of due, over the subtree's indicators
    predikat_note: str | None = None  # why no predikat is given (coverage below the threshold)

    def walk(self) -> Iterator["NodeProgress"]:
        yield self
        for child in self.children:
            yield from child.walk()

    def rows(self) -> list[IndicatorRow]:
        """The indicator rows of the subtree (the entry grid of one activity)."""
        return [r for n in self.walk() for r in n.indicators]

    def as_dict(self) -> dict:
        """The API's roll-up tree."""
        return {"id": self.node.id, "code": self.node.code, "name": self.node.name, "kind": self.node.kind,
                "achievement": self.achievement.value, "annual_achievement": self.annual_achievement.value,
                "predikat": self.predikat, "status": self.status,
                "coverage": {"reported": self.coverage.reported, "expected": self.coverage.expected}, "status_counts": self.status_counts,
                "basis": self.basis, "formula": self.achievement.formula,
                "budget": {"pagu": self.budget.pagu, "realized": self.budget.realised,
                           "absorption": self.budget.absorption.value},
                "children": [c.as_dict() for c in self.children]}


@dataclass
class EarlyWarning:
    """An indicator that misses its annual target at the current pace."""

    row: IndicatorRow
    forecast: float
    forecast_achievement: Result  # the forecast against the annual target
    required_pace: float | None  # per remaining period (calc gives it for ``sum`` indicators)


@dataclass
class MissingReport:
    row: IndicatorRow
    period: str
    reason: str  # "belum_dilaporkan" | "draft" | "returned"

    @property
    def responsible(self) -> str:
        return self.row.responsible


def basis_level(level, levels: list) -> str:
    """Methodology §2: programs and strategic targets average outcome indicators, activities and
    below output ones. Read from the scheme's order so both schemes share it: the first strategic
    level (tujuan) measures impact, the first operational level (program) outcome."""
    if level is None:
        return "output"
    same_kind = [lv for lv in levels if lv.strategic == level.strategic]
    first = level.depth == same_kind[0].depth
    if level.strategic:
        return "impact" if first else "outcome"
    return "outcome" if first else "output"


def _reported_any(result: RollupResult) -> bool:
    return result.counted > 0


def roll(rows: list[IndicatorRow], children: list[NodeProgress],
         settings: Settings) -> tuple[RollupResult, RollupResult]:
    """Period and annual roll-up of due indicator rows, or else of children that have something due."""
    due = [(r.indicator, r.progress.achievement, r.progress.annual_achievement) for r in rows if r.progress is not None]
    return _roll(due if rows else None, children, settings)


# (indicator, period achievement, annual achievement) of each due member of a node
Achieved = tuple[Any, Result, Result]


def _roll(due: list[Achieved] | None, children: list, settings: Settings,
          explain: bool = True) -> tuple[RollupResult, RollupResult]:
    """``roll`` of the due members' achievements (None: the node has no members, its children roll up);
    ``children`` need ``.achievement`` and ``.annual_achievement`` (and ``.node`` to be explained)."""
    if due is not None:
        # methodology §1.2: the flag lets the roll-up count "tidak dapat dihitung" apart from unreported
        period = [(c.value, ind.weight, c.flag) for ind, c, _ in due]
        annual = [(a.value, ind.weight, a.flag) for ind, _, a in due]
        names = [getattr(ind, "name", "") for ind, _, _ in due] if explain else None
    else:
        live = [c for c in children if _reported_any(c.achievement)]
        period = [(c.achievement.value, None) for c in live]
        annual = [(c.annual_achievement.value, None) for c in live]
        names = [getattr(c.node, "code", "") for c in live] if explain else None
    return rollup(period, settings, names, explain), rollup(annual, settings, names, explain)


def status_of(result: RollupResult, settings: Settings) -> str:
    return rollup_status(result, settings) if _reported_any(result) else NOT_DUE


def predikat_name(result: RollupResult, coverage: Coverage | None = None,
                  settings: Settings | None = None) -> str | None:
    """The predikat of an annual roll-up; None while its coverage is below the settings' threshold."""
    if coverage is not None and settings is not None and predikat_withheld(coverage, settings.coverage_threshold):
        return None
    found = predikat(result.value)
    return None if found is None else found.name


def count_statuses(rows: list[IndicatorRow], children: list[NodeProgress]) -> dict[str, int]:
    counts = Counter({key: 0 for key in MONITORING_STATUS_LABELS})
    counts.update(r.status for r in rows)
    for child in children:
        counts.update(child.status_counts)
    return dict(counts)


Figures = tuple[Decimal | None, list[Decimal]]  # pagu and the rupiah realised so far


@dataclass
class Budgets:
    """Execution budgets by node id: the pagu and the rupiah realised per period code."""

    pagu: dict[int, Decimal]
    amounts: dict[int, dict[str, Decimal]]
    plan_year: bool  # the plan's own pagu column speaks of this year

    def figures(self, node, upto: str, children: list[NodeProgress]) -> Figures:
        """A node's own execution budget; else its children's total (methodology §2: a parent keeps no
        copy of its children's numbers); else the pagu written in the plan, with nothing realised."""
        if node.id in self.pagu:
            spent = self.amounts.get(node.id, {})
            return self.pagu[node.id], [a for p, a in spent.items() if periods.ended_by(p, upto)]
        budgeted = [c.budget for c in children if c.budget.pagu is not None]
        if budgeted:
            return combine(budgeted)
        return (node.pagu if self.plan_year else None), []


def combine(parts: list[BudgetProgress]) -> Figures:
    pagus = [b.pagu for b in parts if b.pagu is not None]
    realised = [b.realised for b in parts if b.realised is not None]
    return (sum(pagus, Decimal(0)) if pagus else None), realised


def budget_progress(figures: Figures) -> BudgetProgress:
    pagu, amounts = figures
    realised = sum(amounts, Decimal(0)) if amounts else None
    return BudgetProgress(pagu, realised, absorption(amounts, pagu))


@dataclass
class Evaluation:
    roots: list[NodeProgress]
    rows: list[IndicatorRow]
    achievement: RollupResult
    annual_achievement: RollupResult
    budget: BudgetProgress
    coverage: Coverage = NONE


RowFn = Callable[[Any, Any, str], IndicatorRow]  # (indicator, node, upto) -> its row


def evaluate(roots: list, levels: list, row_of: RowFn, budgets: Budgets, upto: str,
             settings: Settings) -> Evaluation:
    """The whole plan at ``upto``: rows, node roll-ups, plan figures."""
    rows: list[IndicatorRow] = []

    def visit(tn) -> NodeProgress:
        own = [row_of(ind, tn.node, upto) for ind in tn.indicators]
        rows.extend(own)  # tree order: a node's rows before its children's
        children = [visit(c) for c in tn.children]
        basis = basis_level(tn.level, levels)
        if not any(r.indicator.level == basis for r in own):  # none of that level: all of its own, else children
            basis = "all" if own else "children"
        return _node(tn.node, tn.depth, tn.level, basis, own, children,
                     budget_progress(budgets.figures(tn.node, upto, children)), settings)

    top = [visit(tn) for tn in roots]
    period_c, annual_c = roll([], top, settings)
    return Evaluation(top, rows, period_c, annual_c, budget_progress(combine([r.budget for r in top])),
                      of_rows(rows))


def _members(basis: str, rows: list[IndicatorRow]) -> list[IndicatorRow]:
    """The rows a node with this basis averages (none: its children roll up)."""
    if basis in ("all", "children"):
        return rows if basis == "all" else []
    return [r for r in rows if r.indicator.level == basis]


def _node(node, depth: int, level, basis: str, own: list[IndicatorRow], children: list[NodeProgress],
          budget: BudgetProgress, settings: Settings) -> NodeProgress:
    period_c, annual_c = roll(_members(basis, own), children, settings)
    cover = sum((c.coverage for c in children), of_rows(own))
    return NodeProgress(
        node, depth, level, basis, period_c, annual_c, status_of(period_c, settings),
        predikat_name(annual_c, cover, settings), count_statuses(own, children), budget, own, children,
        coverage=cover, predikat_note=predikat_withheld(cover, settings.coverage_threshold))


def reevaluate(ev: Evaluation, fresh: dict[Any, IndicatorRow], settings: Settings) -> Evaluation:
    """``ev`` with some rows replaced (``fresh``, by indicator id: the same indicators, other reports): the
    nodes above them rolled up again, every other node kept as it was (the same object), budgets unchanged.
    What ``evaluate`` gives for the new rows: a node's figures depend on its subtree only."""
    holding = {id(r.node) for r in fresh.values()}  # a row's node is its node's (``evaluate``, ``with_reports``)

    def visit(n: NodeProgress) -> NodeProgress:
        children = [visit(c) for c in n.children]
        if id(n.node) not in holding and all(map(operator.is_, children, n.children)):
            return n
        own = [fresh.get(r.indicator.id, r) for r in n.indicators]
        return _node(n.node, n.depth, n.level, n.basis, own, children, n.budget, settings)

    top = [visit(n) for n in ev.roots]
    rows = [fresh.get(r.indicator.id, r) for r in ev.rows]
    period_c, annual_c = roll([], top, settings)
    return Evaluation(top, rows, period_c, annual_c, ev.budget, of_rows(rows))


@dataclass
class NodeFigures:
    """A node (or the plan) at another period: only what a roll-up and a trend read."""

    achievement: RollupResult
    annual_achievement: RollupResult
    budget: BudgetProgress
    node: Any = None  # named in the plan's explanation (a top node)


# Each node's figures at a trend's periods, by node id, with the node they were computed from
NodeTrends = dict[Any, tuple[NodeProgress, list[NodeFigures]]]


def trend(roots: list[NodeProgress], uptos: list[str], budgets: Budgets, settings: Settings,
          kept: NodeTrends | None = None) -> tuple[list[NodeFigures], NodeTrends]:
    """The plan's figures at each of ``uptos`` (a dashboard's trend) from its evaluation at another period:
    the rows' cells hold every period and a node's basis does not depend on the period, so each point is
    what ``evaluate`` gives at that period alone, without the per-row status, gap, forecast and the inner
    nodes' explanations. With every node's figures, for a later trend at the same periods (``kept``) to
    reuse those of the nodes ``reevaluate`` kept."""
    nodes: NodeTrends = dict(kept or {})

    def figures(n: NodeProgress) -> list[NodeFigures]:
        found = nodes.get(n.node.id)
        if found is not None and found[0] is n:
            return found[1]
        below = [figures(c) for c in n.children]
        nodes[n.node.id] = n, [_figures(n, upto, [c[i] for c in below], budgets, settings)
                               for i, upto in enumerate(uptos)]
        return nodes[n.node.id][1]

    top = [figures(n) for n in roots]
    out = []
    for i in range(len(uptos)):
        at = [dataclasses.replace(t[i], node=n.node) for n, t in zip(roots, top)]
        period_c, annual_c = _roll(None, at, settings)
        out.append(NodeFigures(period_c, annual_c, budget_progress(combine([t.budget for t in at]))))
    return out, nodes


def _figures(n: NodeProgress, upto: str, children: list[NodeFigures], budgets: Budgets,
             settings: Settings) -> NodeFigures:
    due = None if n.basis == "children" else [
        (r.indicator, *found) for r in _members(n.basis, n.indicators)
        if (found := achievements_of(r, upto, settings)) is not None]
    period_c, annual_c = _roll(due, children, settings, explain=False)
    return NodeFigures(period_c, annual_c, budget_progress(budgets.figures(n.node, upto, children)))


def early_warnings(rows: list[IndicatorRow], settings: Settings, kept: list[EarlyWarning] | None = None,
                   fresh: dict[Any, IndicatorRow] | None = None) -> list[EarlyWarning]:
    """Indicators with periods still to come whose forecast falls short of the annual target, read
    through ``achievement`` and ``status`` so every polarity is handled alike; in the order of their forecast
    achievement, then of the rows. ``kept``: the warnings of the same rows but ``fresh`` (by indicator id,
    ``reevaluate``), whose own are looked at again."""
    if kept is None:
        return sorted(filter(None, (_warning(r, settings) for r in rows)), key=lambda w: w.forecast_achievement.value)
    out = [w for w in kept if w.row.indicator.id not in fresh]
    out.extend(filter(None, (_warning(r, settings) for r in fresh.values())))
    position = {r.indicator.id: i for i, r in enumerate(rows)}
    return sorted(out, key=lambda w: (w.forecast_achievement.value, position[w.row.indicator.id]))


def _warning(r: IndicatorRow, settings: Settings) -> EarlyWarning | None:
    p = r.progress
    if p is None or p.forecast is None or r.due >= len(r.cells):
        return None
    at_year_end = achievement(r.annual_target, p.forecast, r.indicator.polarity, settings)
    if at_year_end.value is not None and status(at_year_end.value, settings) != "tercapai":
        return EarlyWarning(r, p.forecast, at_year_end, p.required_pace)
    return None


def missing_reports(rows: list[IndicatorRow]) -> list[MissingReport]:
    return [MissingReport(r, c.period, c.realization.status if c.realization else "belum_dilaporkan")
            for r in rows for c in r.missing]


def completeness(rows: list[IndicatorRow]) -> tuple[int, int, Result]:
    expected = sum(r.due for r in rows)
    reported = expected - sum(len(r.missing) for r in rows)
    # No formula of its own in calc: reported against expected is "R / T × 100" (methodology §5.3).
    share = achievement(TargetSpec(value=expected), reported, HIGHER_IS_BETTER)
    return reported, expected, Result(share.value, share.formula, share.flag, "kelengkapan")
