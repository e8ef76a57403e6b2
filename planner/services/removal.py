"""What goes when an indicator or a node is deleted, counted before and audited row by row.

A node or indicator takes its targets, realisations, evidence, narratives, follow-ups and budget rows with it.
Each row is deleted through the session, so the audit trail records every one with its last values; evidence
files are named in ``session.info["files_to_remove"]`` and removed by the web layer only after the commit
(a rolled-back delete keeps its files).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from planner.models import (
    ActionStep, BudgetRealization, Evidence, FollowUp, Indicator, Narrative, NodeBudget, NodeObjective, PlanNode,
    Realization, StepEvidence, Target,
)

FILES_KEY = "files_to_remove"


@dataclass
class Dependents:
    realizations: int = 0
    evidence: int = 0
    files: int = 0
    narratives: int = 0
    follow_ups: int = 0
    budgets: int = 0

    @property
    def any(self) -> bool:
        return any(vars(self).values())


def _count(s: Session, model, *where) -> int:
    return s.exec(select(func.count()).select_from(model).where(*where)).one()


def dependents(s: Session, indicator_ids: list[int], node_ids: list[int] = ()) -> Dependents:
    ind = list(indicator_ids) or [-1]
    nodes = list(node_ids) or [-1]
    return Dependents(
        realizations=_count(s, Realization, Realization.indicator_id.in_(ind)),
        evidence=_count(s, Evidence, Evidence.indicator_id.in_(ind)),
        files=_count(s, Evidence, Evidence.indicator_id.in_(ind), Evidence.kind == "file"),
        narratives=_count(s, Narrative, Narrative.indicator_id.in_(ind)),
        follow_ups=_count(s, FollowUp, FollowUp.indicator_id.in_(ind)),
        budgets=_count(s, NodeBudget, NodeBudget.node_id.in_(nodes)))


def remove(s: Session, indicator_ids: list[int], node_ids: list[int] = ()) -> None:
    """Delete, row by row and children first, everything hanging on these indicators and nodes (the nodes and
    indicators included), each deletion audited."""
    ind = list(indicator_ids) or [-1]
    nodes = list(node_ids) or [-1]
    budgets = select(NodeBudget.id).where(NodeBudget.node_id.in_(nodes))
    groups = [
        select(BudgetRealization).where(BudgetRealization.node_budget_id.in_(budgets)),
        select(NodeBudget).where(NodeBudget.node_id.in_(nodes)),
        select(Realization).where(Realization.indicator_id.in_(ind)),
        select(Evidence).where(Evidence.indicator_id.in_(ind)),
        select(Narrative).where(Narrative.indicator_id.in_(ind)),
        select(FollowUp).where(FollowUp.indicator_id.in_(ind)),
        select(Target).where(Target.indicator_id.in_(ind)),
        select(Indicator).where(Indicator.id.in_(ind)),
        select(NodeObjective).where(NodeObjective.node_id.in_(nodes)),
    ]
    files = s.info.setdefault(FILES_KEY, [])
    remove_step_evidence(s, select(ActionStep.id).where(ActionStep.node_id.in_(nodes)))
    for query in groups:
        for row in s.exec(query).all():
            if isinstance(row, Evidence) and row.kind == "file" and row.stored_name:
                files.append(row.stored_name)
            s.delete(row)
        s.flush()
    # nodes deepest first: a parent goes after its children
    rows = {n.id: n for n in s.exec(select(PlanNode).where(PlanNode.id.in_(nodes))).all()}
    def depth(n):
        d = 0
        while n.parent_id in rows:
            n, d = rows[n.parent_id], d + 1
        return d
    for n in sorted(rows.values(), key=depth, reverse=True):
        s.delete(n)
        s.flush()


def unshared_files(s: Session, rows: list[StepEvidence]) -> set[str]:
    """Files of these step evidence rows that no other row names (a Perubahan's copies share their file)."""
    names = {r.stored_name for r in rows if r.stored_name}
    if not names:
        return set()
    kept = set(s.exec(select(StepEvidence.stored_name).where(
        StepEvidence.stored_name.in_(names), StepEvidence.id.not_in([r.id for r in rows]))))
    return names - kept


def remove_step_evidence(s: Session, step_ids) -> None:
    """The evidence of these action steps (ids, or a query of them), audited row by row; their files go after
    the commit unless a copy on another version of the plan still names them."""
    rows = list(s.exec(select(StepEvidence).where(StepEvidence.step_id.in_(step_ids))))
    s.info.setdefault(FILES_KEY, []).extend(sorted(unshared_files(s, rows)))
    for row in rows:
        s.delete(row)
    s.flush()
