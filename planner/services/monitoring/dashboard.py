"""The plan dashboard's evaluation, kept from one write of what it reads to the next (issue 12).

The dashboard needs every indicator of the plan evaluated at its period (status counts, early warnings,
missing reports and the spending scatter read them all), which costs a large plan most of a second. It is
kept in ``plan_memo`` under the plan's lineage stamp (``plan_stamps``: every realisation, its status and
evidence, target, budget and spending, indicator, node, closed period and scheme level of the lineage bumps
it), read before the data; the calculation settings are part of the key. A value computed from this
transaction's own uncommitted writes is never kept.

After a write of realisation or evidence cells only (what users do all day), the value kept at an earlier stamp
is brought up to date instead (``plan_stamps.since`` names the cells written since, from the database, so a
process that did not see the writes knows them too): those indicators' reports are read again, their rows
built again and the nodes above them rolled up again (``calc.tree.reevaluate``, its trend likewise). Any other
write since (structure, targets, budgets, closed periods, settings are in the key) evaluates the plan again.

What is kept is plain data: the evaluation's node, level, indicator, realisation and plan-version rows are
replaced by frozen copies of the fields pages read, so nothing bound to a database session is shared
between requests (callers read it only). Every figure still comes from ``planner.calc``.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Hashable

from sqlmodel import Session

from planner.calc import Settings, spending_ahead
from planner.calc import tree as ct
from planner.models import Plan
from planner.services import plan_memo, plan_stamps

from .read import (
    IndicatorRow, MissingReport, NodeProgress, PlanProgress, progress_for_plan, progress_with_rows, reports_of,
)


@dataclass(frozen=True, slots=True)
class NodeInfo:
    id: int
    key: str
    plan_id: int
    parent_id: int | None
    kind: str
    position: int
    code: str
    name: str
    pagu: Decimal | None
    unit_in_charge: str | None


@dataclass(frozen=True, slots=True)
class LevelInfo:
    kind: str
    label: str
    depth: int
    strategic: bool


@dataclass(frozen=True, slots=True)
class IndicatorInfo:
    id: int
    key: str
    node_id: int
    code: str | None
    name: str
    unit: str
    level: str
    frequency: str
    accumulation: str
    polarity: str
    target_type: str
    ratio_factor: float | None
    weight: float | None
    responsible: str | None


@dataclass(frozen=True, slots=True)
class ReportInfo:
    """A realisation as calc and the pages read it."""

    status: str
    value: float | None
    numerator: float | None
    denominator: float | None
    achieved: bool | None


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """The plan version a closed period was judged against."""

    id: int
    name: str
    revision_number: int


@dataclass
class Dashboard:
    progress: PlanProgress
    nodes: list[NodeProgress]  # every node, in tree order
    # methodology §5.2: serapan (a share of the annual pagu) against the annual achievement, like with like
    spending: list[NodeProgress]  # the nodes with both
    flagged: list[NodeProgress]  # of those, the ones spending well ahead of their results
    missing: list[MissingReport]  # by the person responsible, then the node's code
    key: tuple = ()  # where it is kept, at which stamps, and whether it may be (``dashboard_part``)
    stamps: tuple = ()
    keep: bool = False


def plan_dashboard(s: Session, plan: Plan, year: int, upto: str, settings: Settings) -> Dashboard:
    """The dashboard's figures (``progress_for_plan`` with its trend), computed once per write of what they
    read; shared between requests: read them only."""
    s.flush()  # the caller's own pending writes count, as in a computation (whose ORM reads autoflush)
    key, keep = ("dashboard", plan.id, plan.key, year, upto, settings), not plan_stamps.wrote(s.connection())
    earlier = plan_memo.peek(key)
    now, cells = plan_stamps.since(s.connection(), plan.key, earlier[0][0][1] if earlier else -1)  # before the data
    stamps = ((plan.key, now),)

    def compute() -> Dashboard:
        if earlier is not None and cells is not None:
            return _updated(s, plan, earlier[1], cells, settings, key, stamps, keep)
        return _dashboard(_plain(progress_for_plan(s, plan, year, upto, settings)), key, stamps, keep)
    # ~6 KB a row, with what an update reads again (the rows' inputs, the nodes' figures at the trend's periods)
    kept = plan_memo.get(key, stamps, compute, keep=keep,
                         weight=lambda d: 3 * (len(d.nodes) + len(d.progress.rows)) // 2)
    return dataclasses.replace(kept, progress=dataclasses.replace(kept.progress, plan=plan))


def dashboard_part(dash: Dashboard, part: Hashable, compute: Callable[[Any], Any],
                   weight: Callable[[Any], int] | None = None) -> Any:
    """A value computed from ``dash`` alone (a page's rendering of its long lists), kept while it is.
    ``compute`` is given the value computed for an earlier evaluation of the same key (None when none is
    kept): what it holds of rows ``dash`` shares with that evaluation (the same objects) may be reused."""
    key = (*dash.key, part)
    earlier = plan_memo.peek(key)
    return plan_memo.get(key, dash.stamps, lambda: compute(earlier[1] if earlier else None), keep=dash.keep,
                         weight=weight)


def _updated(s: Session, plan: Plan, kept: Dashboard, cells: plan_stamps.Cells, settings: Settings, key: tuple,
             stamps: tuple, keep: bool) -> Dashboard:
    """``kept`` with the reports of these cells (maybe some unchanged, or of other years) read again."""
    progress = kept.progress
    rows = {r.indicator.key: r for r in progress.rows}
    keys = {k for k, year, _ in cells if year == progress.year and k in rows}
    if not keys:
        return dataclasses.replace(kept, key=key, stamps=stamps, keep=keep)
    reports, evidence = reports_of(s, plan, progress.year, keys)
    fresh, copy = {}, _copier()
    for k in keys:
        row = ct.with_reports(rows[k], progress.upto, reports.get(k, {}), evidence.get(k, {}),
                              progress.closed_periods, settings)
        fresh[row.indicator.id] = _plain_row(row, row.node, copy)
    return _dashboard(progress_with_rows(progress, fresh, settings), key, stamps, keep, kept)


def _dashboard(progress: PlanProgress, key: tuple, stamps: tuple, keep: bool,
               earlier: Dashboard | None = None) -> Dashboard:
    """``earlier``: the dashboard ``progress`` was brought up to date from (its nodes the update kept, the
    same objects, are flagged as they were)."""
    nodes = list(progress.by_id.values())
    spending = [n for n in nodes
                if n.annual_achievement.value is not None and n.budget.absorption.value is not None]
    known = {id(n) for n in earlier.nodes} if earlier is not None else set()  # alive: ids stay theirs
    was_flagged = {id(n) for n in earlier.flagged} if earlier is not None else set()

    def flagged(n: NodeProgress) -> bool:
        if id(n) in known:
            return id(n) in was_flagged
        return spending_ahead(n.budget.absorption.value, n.annual_achievement.value)
    return Dashboard(progress, nodes, spending, [n for n in spending if flagged(n)],
                     sorted(progress.missing_reports, key=lambda m: (m.responsible or "~", m.row.node.code)),
                     key, stamps, keep)


Copy = Callable[[type, Any], Any]


def _copier() -> Copy:
    """``copy(cls, row)``: a frozen copy of a row's fields (one per row: shared rows stay shared)."""
    copies: dict[int, object] = {}

    def copy(cls, obj):
        if obj is None or isinstance(obj, cls):
            return obj
        found = copies.get(id(obj))  # the rows outlive this walk: their ids stay theirs
        if found is None:
            found = copies[id(obj)] = cls(**{f.name: getattr(obj, f.name) for f in dataclasses.fields(cls)})
        return found
    return copy


def _plain(progress: PlanProgress) -> PlanProgress:
    """The evaluation with its rows replaced by frozen copies (in place: it was just computed)."""
    copy = _copier()
    for top in progress.roots:
        for n in top.walk():
            n.node, n.level = copy(NodeInfo, n.node), copy(LevelInfo, n.level)
            for row in n.indicators:
                _plain_row(row, n.node, copy)
    return dataclasses.replace(progress, plan=None)


def _plain_row(row: IndicatorRow, node: NodeInfo, copy: Copy) -> IndicatorRow:
    """The row with frozen copies of its indicator and reports (in place); what the trend read of its cells
    (``inputs``) stays, for the trend of a later update (``progress_with_rows``)."""
    row.indicator, row.node = copy(IndicatorInfo, row.indicator), node
    for c in row.cells:
        counted = c.counted  # cached from the row being replaced: cached again, as its copy
        c.realization, c.target_from = copy(ReportInfo, c.realization), copy(VersionInfo, c.target_from)
        c.__dict__["counted"] = None if counted is None else c.realization
    return row
