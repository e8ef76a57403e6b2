"""Which version of a unit's plan is being edited and which is in force.

Placeholder of the plan-versions work (issue 8), which owns this module: only the two questions other
features ask are answered here, with the same names and signatures.
"""
from __future__ import annotations

from sqlmodel import Session, select

from planner.models import Plan
from planner.services.plans import EDITABLE_STATUSES


def _versions(s: Session, organization_id: int, kind: str, year: int) -> list[Plan]:
    return list(s.exec(select(Plan).where(Plan.organization_id == organization_id, Plan.kind == kind,
                                          Plan.first_year == year).order_by(Plan.revision_number.desc())))


def plan_being_edited(s: Session, organization_id: int, kind: str, year: int) -> Plan | None:
    """The draft (or returned) version of the unit's plan for that year, else None."""
    return next((p for p in _versions(s, organization_id, kind, year) if p.status in EDITABLE_STATUSES), None)


def plan_in_force(s: Session, organization_id: int, kind: str, year: int) -> Plan | None:
    """The latest fixed (ditetapkan) version, else None."""
    return next((p for p in _versions(s, organization_id, kind, year) if p.status == "locked"), None)
