"""The execution budget of a node (pagu DPA/DIPA) per year and the rupiah realised per period."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

from sqlmodel import Session, select

from planner import periods
from planner.calc import format_rupiah, to_decimal
from planner.errors import Conflict, Invalid
from planner.models import BudgetRealization, NodeBudget, Plan, PlanNode
from planner.models.base import utcnow
from planner.services import acting, concurrency
from planner.services.plans import get_plan

from .checks import FIELD_NAMES, check_period_code, ensure_open, number


def _rupiah(raw: Any, fld: str) -> Decimal | None:
    if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
        amount = Decimal(raw)  # exact: rupiah of a large pagu must not pass through a float
    else:
        typed = number(raw, fld)
        if typed is None:
            return None
        amount = to_decimal(typed)
    if not amount.is_finite() or amount < 0:
        raise Invalid(f"{FIELD_NAMES[fld]} tidak boleh negatif.", field=fld)
    return amount.quantize(Decimal("0.01"))


def _budget_amounts(realized: Mapping[str, Any]) -> dict[str, Decimal]:
    """Per-period rupiah of one granularity (months, quarters, semesters or the year): mixing
    them would count the same money twice."""
    amounts: dict[str, Decimal] = {}
    for code, raw in realized.items():
        check_period_code(code)
        amount = _rupiah(raw, "realized")
        if amount is not None:
            amounts[code] = amount
    if len({periods.family(code)[0] for code in amounts}) > 1:
        raise Invalid("Realisasi anggaran diisi per bulan, per triwulan, per semester atau per tahun; "
                      "jangan dicampur.", field="realized")
    return amounts


def _budget_rows(s: Session, budget: NodeBudget) -> dict[str, BudgetRealization]:
    if budget.id is None:
        return {}
    rows = s.exec(select(BudgetRealization).where(BudgetRealization.node_budget_id == budget.id)).all()
    return {r.period: r for r in rows}


def set_budget(s: Session, node: PlanNode, year: int, pagu: Any, realized: Mapping[str, Any] | None = None,
               user_id: int | None = None, version: Any = None) -> NodeBudget:
    """Set a node's pagu for a year and its realised rupiah per period (the map replaces the old one).

    Amounts of closed periods cannot change; realised money cannot exceed the pagu. ``version`` is the
    budget's (pagu and amounts together) as the user read it: a stale one is refused (409)."""
    plan = get_plan(s, node.plan_id)
    acting.require(s, "realization.edit", plan)
    if year not in plan.years:
        raise Invalid(f"Tahun {year} di luar periode rencana {plan.period_label}.", field="year")
    pagu_d = _rupiah(pagu, "pagu")
    if pagu_d is None:
        raise Invalid("Pagu wajib diisi.", field="pagu")
    amounts = _budget_amounts(realized or {})
    total = sum(amounts.values(), Decimal(0))
    if total > pagu_d:
        raise Invalid(f"Realisasi anggaran {format_rupiah(total)} melebihi pagu {format_rupiah(pagu_d)}.",
                      field="realized")
    budget = s.exec(select(NodeBudget).where(NodeBudget.node_key == node.key, NodeBudget.year == year)).first()
    concurrency.expect_version(s, budget, version, "Anggaran simpul ini")
    ensure_pagu_unchanged(plan, node, budget, pagu_d)
    budget = budget or NodeBudget(node_id=node.id, node_key=node.key, year=year, pagu=pagu_d)
    old = _budget_rows(s, budget)
    for code in set(old) | set(amounts):
        if (old[code].amount if code in old else None) != amounts.get(code):
            ensure_open(s, plan, year, code)
    budget.pagu, budget.updated_by_id, budget.updated_at = pagu_d, user_id, utcnow()
    s.add(budget)
    s.flush()
    _replace_amounts(s, budget, old, amounts)
    return budget


def budget_versions(s: Session, plan: Plan, year: int) -> dict[str, int]:
    """The version of each node budget of the plan in ``year``, by node lineage key: the budget forms carry it
    so a save based on an old read is refused (optimistic locking)."""
    nodes = select(PlanNode.key).where(PlanNode.plan_id == plan.id)
    return dict(s.exec(select(NodeBudget.node_key, NodeBudget.version)
                       .where(NodeBudget.year == year, NodeBudget.node_key.in_(nodes))).all())


LOCKED_PAGU_STATUSES = ("submitted", "approved", "locked")


def ensure_pagu_unchanged(plan: Plan, node: PlanNode, budget: NodeBudget | None, pagu: Decimal) -> None:
    """Locked means locked: once a plan is submitted, approved or fixed, a node's pagu changes only through a
    revision (Renja Perubahan). Realised amounts stay open; the pagu must stay what it is (or, for a first
    entry, what the plan says)."""
    if plan.status not in LOCKED_PAGU_STATUSES:
        return
    current = budget.pagu if budget is not None else node.pagu
    if current is not None and Decimal(current) != pagu:
        raise Conflict(f"Pagu tidak dapat diubah: rencana berstatus {plan.status_label}. Ubah pagu melalui "
                       f"revisi rencana (Renja Perubahan); pagu saat ini {format_rupiah(Decimal(current))}.",
                       field="pagu", code="locked")


def _replace_amounts(s: Session, budget: NodeBudget, old: dict[str, BudgetRealization],
                     amounts: dict[str, Decimal]) -> None:
    for code, row in old.items():
        if code not in amounts:
            s.delete(row)
    for code, amount in amounts.items():
        row = old.get(code) or BudgetRealization(node_budget_id=budget.id, period=code, amount=amount)
        row.amount = amount
        s.add(row)
    s.flush()
