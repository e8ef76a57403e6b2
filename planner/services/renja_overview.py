"""Renja achievement across units per quarter (issue 18): the same overview as the service evaluation (value,
band, change, ranking) built on the Renja in force of each unit (``services.versions``) and the monitoring read
model; every figure from ``calc`` (``calc.tree`` through ``progress_for_plan``, ranking and change from
``calc.evaluation_rounds``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from sqlmodel import Session

from planner.calc import Settings
from planner.calc import evaluation_rounds as cr
from planner.models import Organization, Plan
from planner.services import monitoring as mon, orgs, unit_types, versions

QUARTERS = ("TW1", "TW2", "TW3", "TW4")


@dataclass
class QuarterCell:
    period: str
    achievement: float | None
    predikat: str | None


@dataclass
class UnitRow:
    organization: Organization
    plan: Plan
    unit_type: str | None
    quarters: list[QuarterCell]
    latest: QuarterCell | None = None  # the last quarter with a computable achievement
    change: float | None = None  # against the quarter before it
    rank: int | None = None
    cells: dict[str, QuarterCell] = field(default_factory=dict)


def overview(s: Session, org_ids: Iterable[int] | None, year: int, settings_of: Callable[[Plan], Settings],
             upto: str = "TW4") -> list[UnitRow]:
    """Every unit with a Renja in force for ``year``: period achievement and predikat per quarter up to ``upto``,
    ranked by the latest quarter's achievement."""
    by_id = {o.id: o for o in orgs.all_orgs(s)}
    types = unit_types.resolve(list(by_id.values()))
    quarters = QUARTERS[:QUARTERS.index(upto) + 1] if upto in QUARTERS else QUARTERS
    rows = []
    for plan in versions.plans_in_force(s, org_ids, "renja", year):
        cells = []
        for q in quarters:
            p = mon.progress_for_plan(s, plan, year, q, settings_of(plan), with_trend=False)
            cells.append(QuarterCell(q, p.achievement.value, p.predikat))
        known = [c for c in cells if c.achievement is not None]
        row = UnitRow(by_id[plan.organization_id], plan, types.get(plan.organization_id), cells,
                      cells={c.period: c for c in cells})
        if known:
            row.latest = known[-1]
            row.change = cr.difference(known[-2].achievement, known[-1].achievement) if len(known) > 1 else None
        rows.append(row)
    ranks = cr.rank({r.plan.id: r.latest.achievement if r.latest else None for r in rows})
    for r in rows:
        r.rank = ranks[r.plan.id]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.organization.name))
    return rows


def by_type(rows: list[UnitRow]) -> dict[str, dict[str, float | None]]:
    """Mean achievement per unit type and quarter."""
    return cr.trend_by_type((c.period, r.unit_type, c.achievement) for r in rows for c in r.quarters)
