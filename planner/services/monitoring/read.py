"""The read model: a plan's (or one indicator's) progress at a period, for dashboards, grids and the API.

Rows are gathered here in a fixed number of statements whatever the plan's size; every figure is
computed by ``planner.calc`` (``calc.tree`` evaluates the tree). Realisations, evidence, closed
periods and budgets are read by lineage key, so every version of a plan shows the same reports.

``upto_period`` may be any period code: an indicator counts the periods of its own frequency that
end by then. At ``TW2`` a monthly indicator counts ``M01``–``M06``, a semester one ``S1``, a
quarterly one ``TW1``–``TW2``, and an annual one nothing yet: it is "belum jatuh tempo" (not due)
until year end (``TW4``, ``S2``, ``M12`` or ``Y``). At ``M05`` a quarterly indicator counts ``TW1``.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Mapping

from sqlalchemy import and_, bindparam, func
from sqlmodel import Session, select

from planner import periods
from planner.calc import Result, RollupResult, Settings, accumulate
from planner.calc import tree as ct
from planner.calc.coverage import NONE, Coverage, predikat_withheld
from planner.errors import NotFound
from planner.calc.tree import (  # noqa: F401  (the read model's vocabulary, re-exported)
    MONITORING_STATUS_LABELS, NOT_DUE, BudgetProgress, Cell, EarlyWarning, IndicatorRow, MissingReport,
    NodeProgress,
)
from planner.models import (
    BudgetRealization, Evidence, FollowUp, Indicator, Narrative, NodeBudget, PeriodLock, Plan, PlanNode,
    Realization, Target,
)
from planner.models.monitoring import COUNTED_STATUSES
from planner.services import ranges, settings as org_settings
from planner.services.plan_tree import load_subtree
from planner.services.plans import get_plan, load_trees

from .cells import year_realizations
from .checks import (
    check_cell, check_period_code, closed_locks_many, closing_lock, renja_year, reporting_periods,
)


def settings_from_config(config: Mapping) -> Settings:
    """The install default (``services.settings.install_default``); a unit's own settings come from
    ``services.settings.for_plan``."""
    return org_settings.install_default(config)


# ---------------------------------------------------------------- cells of a plan year

@dataclass
class _CellData:
    """Rows of one plan year that belong to cells, keyed for lookups without further queries."""

    plan: Plan
    year: int
    targets: dict[int, dict[tuple[int, str], Target]]  # by indicator id
    realizations: dict[str, dict[str, Realization]]  # by indicator key, then period
    evidence: dict[str, dict[str, int]]
    locks: list[PeriodLock]
    # Targets of the versions closed periods were judged against: version id -> indicator key -> period
    judged: dict[int, dict[str, dict[str, Target | None]]] = field(default_factory=dict)
    judged_versions: dict[int, Plan] = field(default_factory=dict)

    @property
    def closed(self) -> list[str]:
        return [lk.period for lk in self.locks]

    def _judged(self, ind: Indicator) -> Callable[[str], tuple | None] | None:
        if not self.judged:
            return None

        def find(period: str):
            lock = next((lk for lk in self.locks if periods.contains(lk.period, period)), None)
            version = self.judged.get(lock.plan_id) if lock is not None else None
            if version is None or ind.key not in version:
                return None
            return version[ind.key].get(period), self.judged_versions[lock.plan_id]
        return find

    def row(self, ind: Indicator, node: PlanNode, upto: str, settings: Settings) -> IndicatorRow:
        targets = {p: t for (y, p), t in self.targets.get(ind.id, {}).items() if y == self.year}
        return ct.indicator_row(ind, node, upto, targets, self.realizations.get(ind.key, {}),
                                self.evidence.get(ind.key, {}), self.closed, settings, self._judged(ind))


def _load_cells(s: Session, plan: Plan, year: int, targets: dict[int, dict], indicator: Indicator | None = None
                ) -> _CellData:
    """Realisations, evidence counts and closed periods: three statements for a plan or one indicator
    (two more when a closed period was judged against another version of the plan)."""
    return _load_cells_many(s, [plan], year, {plan.id: targets}, indicator)[plan.id]


def _cell_statements(scope) -> tuple:
    """The realisations and the evidence counts of a year (``:year``) for the indicators in ``scope``."""
    reals = (select(Realization, Indicator.plan_id).join(Indicator, Realization.indicator_key == Indicator.key)
             .where(scope, Realization.year == bindparam("year")))
    counts = (select(Indicator.plan_id, Evidence.indicator_key, Evidence.period, func.count())
              .join(Indicator, Evidence.indicator_key == Indicator.key)
              .where(scope, Evidence.year == bindparam("year"))
              .group_by(Indicator.plan_id, Evidence.indicator_key, Evidence.period))
    return reals, counts


# Built once (a saved cell's answer spent ~0,2 ms building them and their cache keys): one indicator, plans, nodes.
_CELL_STATEMENTS = {
    "indicator": _cell_statements(Indicator.id == bindparam("scope")),
    "plans": _cell_statements(Indicator.plan_id.in_(bindparam("scope", expanding=True))),
    "nodes": _cell_statements(Indicator.node_id.in_(bindparam("scope", expanding=True))),
    "keys": _cell_statements(and_(Indicator.plan_id == bindparam("plan"),
                                  Indicator.key.in_(bindparam("scope", expanding=True)))),
}


def _load_cells_many(s: Session, plans: list[Plan], year: int, targets: dict[int, dict[int, dict]],
                     indicator: Indicator | None = None, nodes: set[int] | None = None) -> dict[int, _CellData]:
    """``_load_cells`` for many plans in the same statements (by plan id); ``nodes``: only their indicators."""
    if indicator is not None:
        by_key, evidence = _reports(s, "indicator", indicator.id, year, indicator)
    else:
        by_key, evidence = _reports(s, "plans", [p.id for p in plans], year) if nodes is None \
            else _reports(s, "nodes", list(nodes), year)
    locks = closed_locks_many(s, plans, year)
    data = {p.id: _CellData(p, year, targets[p.id], dict(by_key[p.id]), dict(evidence[p.id]), locks[p.key])
            for p in plans}
    _load_judged(s, list(data.values()))
    return data


Reports = dict[str, dict[str, Realization]]  # by indicator key, then period
Counts = dict[str, dict[str, int]]  # evidence by indicator key, then period


def _reports(s: Session, scope: str, values, year: int, indicator: Indicator | None = None, **params
             ) -> tuple[dict[int, Reports], dict[int, Counts]]:
    """Realisations and evidence counts of the indicators in ``scope`` (``_CELL_STATEMENTS``), by plan id: two
    statements, one when a save already read the indicator's year of realisations."""
    reals_stmt, counts_stmt = _CELL_STATEMENTS[scope]
    params = {"scope": values, "year": year, **params}
    if indicator is not None:  # read once per request: a save read them and kept them with its write
        reals = [(r, indicator.plan_id) for r in year_realizations(s, indicator, year).values()]
    else:
        reals = s.exec(reals_stmt, params=params).all()
    if s.autoflush:  # what the ORM's autoflush does, before a plain read of counts (no rows to load: ~0,15 ms less)
        s.flush()
    counts = s.connection().execute(counts_stmt, params).all()
    by_key: dict[int, Reports] = defaultdict(lambda: defaultdict(dict))
    for r, plan_id in reals:
        by_key[plan_id][r.indicator_key][r.period] = r
    evidence: dict[int, Counts] = defaultdict(lambda: defaultdict(dict))
    for plan_id, key, period, n in counts:
        evidence[plan_id][key][period] = n
    return by_key, evidence


def reports_of(s: Session, plan: Plan, year: int, keys: set[str]) -> tuple[Reports, Counts]:
    """The realisations and evidence counts of these indicators (by key) of the plan: two statements."""
    by_key, evidence = _reports(s, "keys", sorted(keys), year, plan=plan.id)
    return by_key[plan.id], evidence[plan.id]


def _load_judged(s: Session, many: list[_CellData]) -> None:
    """Targets of the other versions that closed periods were judged against (a Perubahan keeps them)."""
    wanted = {d.plan.id: {lk.plan_id for lk in d.locks if lk.plan_id != d.plan.id} for d in many}
    ids = set().union(*wanted.values()) if wanted else set()
    if not ids:
        return
    year = many[0].year
    rows = s.exec(select(Indicator.plan_id, Indicator.key, Target)
                  .outerjoin(Target, and_(Target.indicator_id == Indicator.id, Target.year == year))
                  .where(Indicator.plan_id.in_(ids))).all()
    judged: dict[int, dict[str, dict[str, Target | None]]] = {}
    for plan_id, key, target in rows:
        cells = judged.setdefault(plan_id, {}).setdefault(key, {})
        if target is not None:
            cells[target.period] = target
    versions_ = {p.id: p for p in s.exec(select(Plan).where(Plan.id.in_(ids)))}
    for d in many:
        if wanted[d.plan.id]:
            d.judged = {pid: judged[pid] for pid in wanted[d.plan.id] if pid in judged}
            d.judged_versions = {pid: versions_[pid] for pid in wanted[d.plan.id]}


def _check_read(plan: Plan, year: int, upto: str) -> None:
    renja_year(plan, year)
    check_period_code(upto)


def achievement_for_indicator(s: Session, ind: Indicator, year: int, period: str,
                              settings: Settings) -> IndicatorRow:
    """One indicator at ``period`` (any period code, see the module doc); ``.summary()`` for the API."""
    plan = get_plan(s, ind.plan_id)
    _check_read(plan, year, period)
    targets = ranges.stored_targets(s, ind)
    data = _load_cells(s, plan, year, {ind.id: {(t.year, t.period): t for t in targets}}, ind)
    return data.row(ind, s.get(PlanNode, ind.node_id), period, settings)


def realisation_lookup(s: Session, plan: Plan) -> Callable[[int, int, str], float | None]:
    """The worksheet's hook (``services.worksheet.RealisationFn``) over a plan's counted values, in two
    statements. A period the indicator reports on gives that period's own value (the worksheet sets it
    beside that period's target); ``Y`` for a sub-annual indicator gives the year's accumulated value."""
    indicators = {i.id: i for i in s.exec(select(Indicator).where(Indicator.plan_id == plan.id))}
    rows = s.exec(select(Realization).join(Indicator, Realization.indicator_key == Indicator.key)
                  .where(Indicator.plan_id == plan.id, Realization.status.in_(COUNTED_STATUSES))).all()
    by_cell = {(r.indicator_key, r.year, r.period): r for r in rows}

    def lookup(indicator_id: int, year: int, period: str) -> float | None:
        ind = indicators.get(indicator_id)
        codes = reporting_periods(ind) if ind else []
        picked = [period] if period in codes else codes if period == periods.ANNUAL else []
        if not picked:
            return None
        series = ct.series([by_cell.get((ind.key, year, p)) for p in picked])
        return accumulate(accumulation=ind.accumulation, upto=len(picked), factor=ind.ratio_factor, **series)

    return lookup


@dataclass
class PeriodDetail:
    """Everything about one cell, for its detail page."""

    realization: Realization | None
    evidence: list[Evidence]
    narrative: Narrative | None
    follow_ups: list[FollowUp]
    closed: bool


def _cell_rows(model, ind: Indicator, year: int, period: str):
    return select(model).where(model.indicator_key == ind.key, model.year == year, model.period == period)


def period_detail(s: Session, ind: Indicator, year: int, period: str) -> PeriodDetail:
    plan = check_cell(s, ind, year, period)
    return PeriodDetail(
        realization=s.exec(_cell_rows(Realization, ind, year, period)).first(),
        evidence=list(s.exec(_cell_rows(Evidence, ind, year, period).order_by(Evidence.uploaded_at, Evidence.id))),
        narrative=s.exec(_cell_rows(Narrative, ind, year, period)).first(),
        follow_ups=list(s.exec(_cell_rows(FollowUp, ind, year, period).order_by(FollowUp.created_at, FollowUp.id))),
        closed=closing_lock(s, plan, year, period) is not None,
    )


# ---------------------------------------------------------------- the plan

@dataclass
class TrendPoint:
    period: str
    achievement: RollupResult
    annual_achievement: RollupResult
    absorption: Result


@dataclass
class PlanProgress:
    plan: Plan
    year: int
    upto: str
    achievement: RollupResult  # the plan: the mean of its top nodes (methodology §2)
    annual_achievement: RollupResult
    status: str
    predikat: str | None
    status_counts: dict[str, int]
    budget: BudgetProgress
    roots: list[NodeProgress]
    rows: list[IndicatorRow]  # every indicator, in tree order
    early_warnings: list[EarlyWarning]
    missing_reports: list[MissingReport]
    trend: list[TrendPoint]
    reported: int  # due cells with a counted value
    expected: int  # due cells
    completeness: Result  # reported / expected × 100
    closed_periods: list[str]
    coverage: Coverage = NONE  # reports in of due: beside every aggregate
    predikat_note: str | None = None  # why no predikat is given (coverage below the threshold)
    # what the trend read, for ``progress_with_rows`` to bring it up to date
    budgets: ct.Budgets | None = field(default=None, repr=False, compare=False)
    trend_nodes: ct.NodeTrends = field(default_factory=dict, repr=False, compare=False)
    by_id: dict[int, NodeProgress] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_id = {n.node.id: n for root in self.roots for n in root.walk()}

    def node(self, node_id: int) -> NodeProgress | None:
        return self.by_id.get(node_id)


def _load_budgets(s: Session, plan: Plan, year: int) -> ct.Budgets:
    """Node budgets (by node lineage) and their per-period amounts: two statements."""
    return _load_budgets_many(s, [plan], year)[plan.id]


def _load_budgets_many(s: Session, plans: list[Plan], year: int, nodes: set[int] | None = None
                       ) -> dict[int, ct.Budgets]:
    ids = [p.id for p in plans]
    scope = PlanNode.plan_id.in_(ids) if nodes is None else PlanNode.id.in_(nodes)
    budgets = s.exec(select(NodeBudget, PlanNode.id, PlanNode.plan_id)
                     .join(PlanNode, NodeBudget.node_key == PlanNode.key)
                     .where(scope, NodeBudget.year == year)).all()
    node_of = {(b.id, plan_id): node_id for b, node_id, plan_id in budgets}
    amounts = s.exec(select(BudgetRealization, PlanNode.plan_id)
                     .join(NodeBudget, BudgetRealization.node_budget_id == NodeBudget.id)
                     .join(PlanNode, NodeBudget.node_key == PlanNode.key)
                     .where(scope, NodeBudget.year == year)).all()
    pagu: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for b, node_id, plan_id in budgets:
        pagu[plan_id][node_id] = b.pagu
    by_node: dict[int, dict[int, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for a, plan_id in amounts:
        by_node[plan_id][node_of[(a.node_budget_id, plan_id)]][a.period] = a.amount
    return {p.id: ct.Budgets(dict(pagu[p.id]), dict(by_node[p.id]), p.kind == "renja" and year == p.first_year)
            for p in plans}


def progress_for_plan(s: Session, plan: Plan, year: int, upto_period: str, settings: Settings, *,
                      with_trend: bool = True) -> PlanProgress:
    """A Renja's progress at ``upto_period``: the tree (load_tree) plus realisations, evidence counts,
    closed periods and budgets, in a fixed number of statements; every figure through calc.

    The trend adds the plan's figures at every earlier period (12 at ``M12``, ``calc.tree.trend``): pages
    that do not show it (the entry grid, the API roll-up, rankings) pass ``with_trend=False``."""
    return progress_for_plans(s, [plan], year, upto_period, lambda _plan: settings, with_trend=with_trend)[plan.id]


def progress_for_plans(s: Session, plans: list[Plan], year: int, upto_period: str,
                       settings_of: Callable[[Plan], Settings], *, with_trend: bool = True) -> dict[int, PlanProgress]:
    """``progress_for_plan`` of many plans in the same fixed number of statements (by plan id)."""
    for plan in plans:
        _check_read(plan, year, upto_period)
    if not plans:
        return {}
    trees = load_trees(s, plans, read_only=True)  # the read model only reads the targets
    targets = {p.id: {iid: {(t.year, t.period): t for t in ts} for iid, ts in trees[p.id].targets.items()}
               for p in plans}
    cells, budgets = _load_cells_many(s, plans, year, targets), _load_budgets_many(s, plans, year)
    return {p.id: _progress(p, trees[p.id], cells[p.id], budgets[p.id], year, upto_period, settings_of(p), with_trend)
            for p in plans}


def _progress(plan: Plan, tree, cells: _CellData, budgets: ct.Budgets, year: int, upto_period: str,
              settings: Settings, with_trend: bool) -> PlanProgress:
    now = ct.evaluate(tree.roots, tree.levels, lambda ind, node, u: cells.row(ind, node, u, settings), budgets,
                      upto_period, settings)
    return _plan_progress(plan, now, budgets, cells.closed, year, upto_period, settings, with_trend)


def progress_with_rows(kept: PlanProgress, fresh: dict[int, IndicatorRow], settings: Settings) -> PlanProgress:
    """``kept`` (with its trend) with some indicator rows replaced, by indicator id (the same indicators,
    targets, budgets and closed periods; other reports): only the nodes above them and their trend are
    computed again (``calc.tree.reevaluate``)."""
    now = ct.reevaluate(ct.Evaluation(kept.roots, kept.rows, kept.achievement, kept.annual_achievement,
                                      kept.budget, kept.coverage), fresh, settings)
    return _plan_progress(kept.plan, now, kept.budgets, kept.closed_periods, kept.year, kept.upto, settings,
                          bool(kept.trend), kept.trend_nodes,
                          ct.early_warnings(now.rows, settings, kept.early_warnings, fresh))


def _plan_progress(plan: Plan, now: ct.Evaluation, budgets: ct.Budgets, closed: list[str], year: int,
                   upto_period: str, settings: Settings, with_trend: bool,
                   kept_trend: ct.NodeTrends | None = None, warnings: list[EarlyWarning] | None = None
                   ) -> PlanProgress:
    points = periods.trend_periods(upto_period) if with_trend else []
    earlier = [p for p in points if p != upto_period]
    # the earlier periods from the same rows (calc.tree.trend: the plan's figures only, no second evaluation)
    figures, trend_nodes = ct.trend(now.roots, earlier, budgets, settings, kept_trend) if earlier else ([], {})
    at = {**dict(zip(earlier, figures)), upto_period: now}
    trend = [TrendPoint(p, at[p].achievement, at[p].annual_achievement, at[p].budget.absorption) for p in points]
    reported, expected, completeness = ct.completeness(now.rows)
    return PlanProgress(
        plan=plan, year=year, upto=upto_period, achievement=now.achievement,
        annual_achievement=now.annual_achievement, status=ct.status_of(now.achievement, settings),
        predikat=ct.predikat_name(now.annual_achievement, now.coverage, settings), status_counts=ct.count_statuses([], now.roots),
        budget=now.budget, roots=now.roots, rows=now.rows, early_warnings=ct.early_warnings(now.rows, settings) if warnings is None else warnings,
        missing_reports=ct.missing_reports(now.rows), trend=trend, reported=reported, expected=expected,
        completeness=completeness, closed_periods=closed, coverage=now.coverage,
        predikat_note=predikat_withheld(now.coverage, settings.coverage_threshold),
        budgets=budgets if with_trend else None, trend_nodes=trend_nodes)


@dataclass
class BranchProgress:
    """Branches of a plan at a period (``subtree_progress``, ``branches_progress``): what a page about them
    shows."""

    roots: list[NodeProgress]
    rows: list[IndicatorRow]  # the branches' indicators, in tree order
    closed_periods: list[str]

    @property
    def root(self) -> NodeProgress:
        return self.roots[0]


def subtree_progress(s: Session, plan: Plan, node_id: int, year: int, upto_period: str,
                     settings: Settings) -> BranchProgress:
    """A node of a Renja and its descendants at ``upto_period``, read and evaluated without the rest of the
    plan (a node's figures depend on its subtree only, methodology §2), in a fixed number of statements."""
    _check_read(plan, year, upto_period)
    tree = load_subtree(s, plan, node_id, read_only=True)  # as progress_for_plans: the targets are only read
    if not tree.roots:
        raise NotFound("Node tidak ditemukan di rencana ini.")
    return _branches(s, plan, tree, year, upto_period, settings)


def branches_progress(s: Session, plan: Plan, node_ids: set[int], year: int, upto_period: str,
                      settings: Settings) -> BranchProgress:
    """The given nodes of a Renja at ``upto_period``: each node whose parent is not among them is a root
    (whole subtrees read by their node ids evaluate as ``subtree_progress`` does), in the statements of
    ``progress_for_plan``."""
    _check_read(plan, year, upto_period)
    return _branches(s, plan, load_trees(s, [plan], node_ids, read_only=True)[plan.id], year, upto_period,
                     settings)


def _branches(s: Session, plan: Plan, tree, year: int, upto_period: str, settings: Settings) -> BranchProgress:
    targets = {iid: {(t.year, t.period): t for t in ts} for iid, ts in tree.targets.items()}
    nodes = set(tree.by_id)
    cells = _load_cells_many(s, [plan], year, {plan.id: targets}, nodes=nodes)[plan.id]
    budgets = _load_budgets_many(s, [plan], year, nodes)[plan.id]
    ev = ct.evaluate(tree.roots, tree.levels, lambda ind, node, u: cells.row(ind, node, u, settings),
                     budgets, upto_period, settings)
    return BranchProgress(ev.roots, ev.rows, cells.closed)


def own_budgets(s: Session, plan: Plan, year: int) -> dict[int, tuple[Decimal, dict[str, Decimal]]]:
    """Each node's own execution budget for ``year`` and its rupiah per period, by node id (two statements)."""
    budgets = _load_budgets(s, plan, year)
    return {node_id: (pagu, budgets.amounts.get(node_id, {})) for node_id, pagu in budgets.pagu.items()}

