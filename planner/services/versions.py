"""Which version of a unit's plan counts: the one in force, and the one being worked on.

A plan's versions share organisation, kind and first year and differ by ``revision_number``
(0 is the original; a Renja Perubahan is a revision of a locked one).
"""
from __future__ import annotations

from sqlmodel import Session, select

from planner.models import Plan


def _versions(s: Session, organization_id: int, kind: str, year: int):
    return (select(Plan).where(Plan.organization_id == organization_id, Plan.kind == kind,
                               Plan.first_year <= year, Plan.last_year >= year)
            .order_by(Plan.first_year.desc(), Plan.revision_number.desc(), Plan.id.desc()))


def plan_in_force(s: Session, organization_id: int, kind: str, year: int) -> Plan | None:
    """The plan of unit O for year Y: its latest locked (ditetapkan) version, else the latest
    draft or revision."""
    rows = list(s.exec(_versions(s, organization_id, kind, year)))
    return next((p for p in rows if p.status == "locked"), rows[0] if rows else None)


def plan_being_edited(s: Session, organization_id: int, kind: str, year: int) -> Plan | None:
    """The latest version that is not locked yet (a draft, one under review, or an open revision)."""
    rows = list(s.exec(_versions(s, organization_id, kind, year)))
    return next((p for p in rows if p.status != "locked"), None)
