"""Plan identity: the one answer to "which plan of unit O for year Y is in force, and which is being edited".

A plan of a unit for a year (Renja) or a period (Renstra) exists in versions: the murni (revision 0)
and its Perubahan 1, 2, … All versions share ``Plan.key``; their nodes and indicators share their
own lineage keys (``PlanNode.key``, ``Indicator.key``), so monitoring data follows the plan from one
version to the next.

* In force: the latest ``locked`` version; before any version is locked, the draft.
* Being edited: an open (not locked) version; before any version is locked, that same draft;
  None when every version is locked.

Dashboards, rankings, worksheets, the Renstra↔Renja link and the API ask here and nowhere else.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from sqlmodel import Session, select

from planner.errors import NotFound
from planner.models import AuditEntry, Plan
from planner.services import orgs


def _pick_in_force(versions: list[Plan]) -> Plan | None:
    locked = [v for v in versions if v.status == "locked"]
    if locked:
        return max(locked, key=lambda v: v.revision_number)
    return min(versions, key=lambda v: v.revision_number) if versions else None


def _pick_being_edited(versions: list[Plan]) -> Plan | None:
    open_ = [v for v in versions if v.status != "locked"]
    return max(open_, key=lambda v: v.revision_number) if open_ else None


def _versions_for(s: Session, organization_id: int, kind: str, year: int) -> list[Plan]:
    """Every version of the plan of the unit covering ``year`` (the latest Renstra period if two overlap)."""
    rows = list(s.exec(select(Plan).where(Plan.organization_id == organization_id, Plan.kind == kind,
                                          Plan.first_year <= year, Plan.last_year >= year)))
    if not rows:
        return []
    key = max(rows, key=lambda p: (p.first_year, p.revision_number)).key
    return sorted((p for p in rows if p.key == key), key=lambda p: p.revision_number)


def plan_in_force(s: Session, organization_id: int, kind: str, year: int) -> Plan | None:
    """The version in force of the unit's Renja for ``year`` (or the Renstra whose period holds it)."""
    return _pick_in_force(_versions_for(s, organization_id, kind, year))


def plan_being_edited(s: Session, organization_id: int, kind: str, year: int) -> Plan | None:
    """The version open for editing, or None when every version is locked."""
    return _pick_being_edited(_versions_for(s, organization_id, kind, year))


def versions(s: Session, plan: Plan) -> list[Plan]:
    """Every version of ``plan``, murni first."""
    return list(s.exec(select(Plan).where(Plan.key == plan.key).order_by(Plan.revision_number)))


def in_force_of(s: Session, plan: Plan) -> Plan:
    """The version in force of the plan ``plan`` is a version of."""
    return _pick_in_force(versions(s, plan)) or plan


def get_version(s: Session, plan: Plan, revision_number: int) -> Plan:
    found = next((v for v in versions(s, plan) if v.revision_number == revision_number), None)
    if found is None:
        raise NotFound(f"Versi {revision_number} rencana ini tidak ada.")
    return found


def in_force_among(plans: Iterable[Plan]) -> list[Plan]:
    """The version in force of each plan identity found in ``plans`` (already loaded: no statement)."""
    groups: dict[str, list[Plan]] = {}
    for p in plans:
        groups.setdefault(p.key, []).append(p)
    return [pick for vs in groups.values() if (pick := _pick_in_force(vs)) is not None]


def plans_in_force(s: Session, org_ids: Iterable[int] | None, kind: str, year: int) -> list[Plan]:
    """The version in force of every unit's plan for ``year`` (one statement), by organisation id."""
    q = select(Plan).where(Plan.kind == kind, Plan.first_year <= year, Plan.last_year >= year,
                           orgs.real_plans(Plan.organization_id))  # training sandboxes are never "in force"
    if org_ids is not None:
        q = q.where(Plan.organization_id.in_(list(org_ids)))
    found = in_force_among(s.exec(q).all())
    return sorted(found, key=lambda p: (p.organization_id, p.first_year))


@dataclass
class VersionInfo:
    """A version as the plan page lists it: murni or Perubahan n, status, reason, dates and who."""

    plan: Plan
    in_force: bool
    being_edited: bool
    opened_by: str = ""  # who created the murni or opened the Perubahan
    fixed_by: str = ""  # who fixed (menetapkan) it, the last time
    fixed_at: datetime | None = None

    @property
    def label(self) -> str:
        return version_label(self.plan)


def version_label(plan: Plan) -> str:
    return "Murni" if plan.revision_number == 0 else f"Perubahan {plan.revision_number}"


def version_list(s: Session, plan: Plan) -> list[VersionInfo]:
    """Every version with who opened and who fixed it, from the audit trail (two statements)."""
    vs = versions(s, plan)
    force, edit = _pick_in_force(vs), _pick_being_edited(vs)
    entries = s.exec(select(AuditEntry).where(AuditEntry.object_type == "plan",
                                              AuditEntry.object_id.in_([v.id for v in vs]),
                                              AuditEntry.action.in_(("create", "revise", "lock")))
                     .order_by(AuditEntry.at, AuditEntry.id)).all()
    opened = {e.object_id: e.username for e in entries if e.action in ("create", "revise")}
    fixed = {e.object_id: e for e in entries if e.action == "lock"}
    return [VersionInfo(v, force is not None and v.id == force.id, edit is not None and v.id == edit.id,
                        opened.get(v.id, ""), fixed[v.id].username if v.id in fixed else "",
                        fixed[v.id].at if v.id in fixed else None)
            for v in vs]
