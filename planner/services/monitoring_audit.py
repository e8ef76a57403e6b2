"""The monitoring tables under the audit trail (``services.audit``): every realisation, verification,
piece of evidence, narrative, follow-up, budget figure and closing or reopening of a period is
recorded with the plan, node and indicator it belongs to, so the plan's history shows it.

Imported by ``services.monitoring``; registering twice is harmless (the registry is a dict).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from planner import periods
from planner.models import (
    BudgetRealization, Evidence, FollowUp, Indicator, Narrative, NodeBudget, PeriodLock, PlanNode, Realization,
)
from planner.models.monitoring import REALIZATION_STATUSES
from planner.services import audit


def _loaded(session: OrmSession, cls: type, pk: int | None):
    return session.identity_map.get((cls, (pk,), None)) if pk is not None else None


def _indicator_context(session: OrmSession, indicator_id: int | None) -> dict:
    """Plan, node and indicator of a cell; read with one small statement when the indicator is not loaded."""
    ind = _loaded(session, Indicator, indicator_id)
    if ind is not None or indicator_id is None:
        return {"indicator_id": indicator_id, "node_id": getattr(ind, "node_id", None),
                "plan_id": getattr(ind, "plan_id", None)}
    row = session.connection().execute(
        select(Indicator.plan_id, Indicator.node_id).where(Indicator.id == indicator_id)).first()
    return {"indicator_id": indicator_id, "node_id": row.node_id if row else None,
            "plan_id": row.plan_id if row else None}


def _node_context(session: OrmSession, node_id: int | None) -> dict:
    node = _loaded(session, PlanNode, node_id)
    if node is not None or node_id is None:
        return {"node_id": node_id, "plan_id": getattr(node, "plan_id", None)}
    plan_id = session.connection().execute(select(PlanNode.plan_id).where(PlanNode.id == node_id)).scalar()
    return {"node_id": node_id, "plan_id": plan_id}


def _budget_context(session: OrmSession, node_budget_id: int | None) -> dict:
    budget = _loaded(session, NodeBudget, node_budget_id)
    if budget is not None:
        return _node_context(session, budget.node_id)
    node_id = session.connection().execute(
        select(NodeBudget.node_id).where(NodeBudget.id == node_budget_id)).scalar() if node_budget_id else None
    return _node_context(session, node_id)


def _cell(o: Any) -> str:
    return f"{periods.short_label(o.period)} {o.year}"


def _realization_label(o: Realization) -> str:
    # The trail leaves "status" out of its diffs (plan statuses have their own entries), so the
    # label says what a verification did: "Realisasi TW I 2026 (Terverifikasi)".
    return f"Realisasi {_cell(o)} ({REALIZATION_STATUSES.get(o.status, o.status)})"


def _evidence_label(o: Evidence) -> str:
    return f"Bukti dukung {_cell(o)}: {o.filename if o.kind == 'file' else o.url}"


def register() -> None:
    audit.register(Realization, "realization", _realization_label,
                   lambda s, o: _indicator_context(s, o.indicator_id))
    audit.register(Evidence, "evidence", _evidence_label, lambda s, o: _indicator_context(s, o.indicator_id))
    audit.register(Narrative, "narrative", lambda o: f"Faktor pendorong/penghambat {_cell(o)}",
                   lambda s, o: _indicator_context(s, o.indicator_id))
    audit.register(FollowUp, "follow_up", lambda o: f"Tindak lanjut {_cell(o)}: {o.action}",
                   lambda s, o: _indicator_context(s, o.indicator_id))
    audit.register(NodeBudget, "budget", lambda o: f"Pagu {o.year}", lambda s, o: _node_context(s, o.node_id))
    audit.register(BudgetRealization, "budget_realization",
                   lambda o: f"Realisasi anggaran {periods.short_label(o.period)}",
                   lambda s, o: _budget_context(s, o.node_budget_id))
    audit.register(PeriodLock, "period", lambda o: f"Periode {periods.label(o.period)} {o.year} "
                                                   f"{'ditutup' if o.closed else 'dibuka kembali'}",
                   lambda s, o: {"plan_id": o.plan_id})


register()
