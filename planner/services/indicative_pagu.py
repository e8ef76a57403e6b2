"""The indicative pagu of Renstra nodes, one amount per year of the Renstra."""
from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session, select

from planner.errors import Invalid
from planner.models import Plan, PlanNode
from planner.models.imports import NodeYearPagu
from planner.services.plans import check_edit, get_plan


def for_plan(s: Session, plan: Plan) -> dict[int, dict[int, Decimal]]:
    """node id -> {year: amount}, in one statement."""
    rows = s.exec(select(NodeYearPagu).join(PlanNode, NodeYearPagu.node_id == PlanNode.id)
                  .where(PlanNode.plan_id == plan.id)).all()
    out: dict[int, dict[int, Decimal]] = {}
    for r in rows:
        out.setdefault(r.node_id, {})[r.year] = r.amount
    return out


def set_pagu(s: Session, node: PlanNode, year: int, amount: Decimal | None) -> NodeYearPagu | None:
    """Set (or with None remove) a node's indicative pagu for one year of its Renstra."""
    plan = get_plan(s, node.plan_id)
    check_edit(s, plan)
    if plan.kind != "renstra":
        raise Invalid("Pagu indikatif per tahun hanya untuk simpul Renstra; Renja memakai kolom pagu.", field="year")
    if year not in plan.years:
        raise Invalid(f"Tahun {year} di luar periode Renstra {plan.period_label}.", field="year")
    if amount is not None and amount < 0:
        raise Invalid("Pagu indikatif tidak boleh negatif.", field="amount")
    row = s.exec(select(NodeYearPagu).where(NodeYearPagu.node_id == node.id, NodeYearPagu.year == year)).first()
    if amount is None:
        if row is not None:
            s.delete(row)
            s.flush()
        return None
    row = row or NodeYearPagu(node_id=node.id, year=year, amount=amount)
    row.amount = Decimal(amount).quantize(Decimal("0.01"))
    s.add(row)
    s.flush()
    return row


def set_years(s: Session, node: PlanNode, amounts: dict[int, Decimal | None]) -> None:
    """Several years of a node's indicative pagu at once (the tree page's form), in the caller's transaction."""
    for year, amount in sorted(amounts.items()):
        set_pagu(s, node, year, amount)
