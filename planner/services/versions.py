"""Which version of a plan is in force and which is being edited (minimal; issue 8 extends it)."""
from __future__ import annotations

from sqlmodel import Session, select

from planner.models import Plan


def _versions(s: Session, organization_id: int, kind: str, year: int) -> list[Plan]:
    return list(s.exec(select(Plan).where(Plan.organization_id == organization_id, Plan.kind == kind,
                                          Plan.first_year <= year, Plan.last_year >= year)
                       .order_by(Plan.revision_number.desc(), Plan.id.desc())))


def plan_in_force(s: Session, organization_id: int, kind: str, year: int) -> Plan | None:
    """The newest fixed (ditetapkan) version covering ``year``."""
    return next((p for p in _versions(s, organization_id, kind, year) if p.status == "locked"), None)


def plan_being_edited(s: Session, organization_id: int, kind: str, year: int) -> Plan | None:
    """The newest version that is not fixed yet (a draft, in review, or a revision), if any."""
    newest = next(iter(_versions(s, organization_id, kind, year)), None)
    return newest if newest is not None and newest.status != "locked" else None
