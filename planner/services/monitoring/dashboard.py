"""The plan dashboard's evaluation, kept from one write of what it reads to the next (issue 12).

The dashboard needs every indicator of the plan evaluated at its period (status counts, early warnings,
missing reports and the spending scatter read them all), which costs a large plan most of a second. It is
kept in ``plan_memo`` under the plan's lineage stamp (``plan_stamps``: every realisation, its status and
evidence, target, budget and spending, indicator, node, closed period and scheme level of the lineage bumps
it), read before the data; the calculation settings are part of the key. A value computed from this
transaction's own uncommitted writes is never kept.

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
from planner.models import Plan
from planner.services import plan_memo, plan_stamps

from .read import MissingReport, NodeProgress, PlanProgress, progress_for_plan


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
    stamps = tuple(plan_stamps.current(s.connection(), [plan.key]).items())  # before the data
    key, keep = ("dashboard", plan.id, plan.key, year, upto, settings), not plan_stamps.wrote(s.connection())
    kept = plan_memo.get(key, stamps, lambda: _dashboard(progress_for_plan(s, plan, year, upto, settings),
                                                         key, stamps, keep),
                         keep=keep, weight=lambda d: len(d.nodes) + len(d.progress.rows))  # ~4 KB a row
    return dataclasses.replace(kept, progress=dataclasses.replace(kept.progress, plan=plan))


def dashboard_part(dash: Dashboard, part: Hashable, compute: Callable[[], Any],
                   weight: Callable[[Any], int] | None = None) -> Any:
    """A value computed from ``dash`` alone (a page's rendering of its long lists), kept while it is."""
    return plan_memo.get((*dash.key, part), dash.stamps, compute, keep=dash.keep, weight=weight)


def _dashboard(progress: PlanProgress, key: tuple, stamps: tuple, keep: bool) -> Dashboard:
    progress = _plain(progress)
    nodes = list(progress.by_id.values())
    spending = [n for n in nodes
                if n.annual_achievement.value is not None and n.budget.absorption.value is not None]
    return Dashboard(progress, nodes, spending,
                     [n for n in spending if spending_ahead(n.budget.absorption.value, n.annual_achievement.value)],
                     sorted(progress.missing_reports, key=lambda m: (m.responsible or "~", m.row.node.code)),
                     key, stamps, keep)


def _plain(progress: PlanProgress) -> PlanProgress:
    """The evaluation with its rows replaced by frozen copies (in place: it was just computed)."""
    copies: dict[int, object] = {}

    def copy(cls, obj):
        if obj is None:
            return None
        found = copies.get(id(obj))  # the rows outlive this walk: their ids stay theirs
        if found is None:
            found = copies[id(obj)] = cls(**{f.name: getattr(obj, f.name) for f in dataclasses.fields(cls)})
        return found

    for top in progress.roots:
        for n in top.walk():
            n.node, n.level = copy(NodeInfo, n.node), copy(LevelInfo, n.level)
            for row in n.indicators:
                row.indicator, row.node = copy(IndicatorInfo, row.indicator), n.node
                row.inputs = {}  # what the trend read of the cells at earlier periods: the trend is computed
                for c in row.cells:
                    counted = c.counted  # cached from the row being replaced: cached again, as its copy
                    c.realization, c.target_from = copy(ReportInfo, c.realization), copy(VersionInfo, c.target_from)
                    c.__dict__["counted"] = None if counted is None else c.realization
    return dataclasses.replace(progress, plan=None)
