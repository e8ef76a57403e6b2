"""The planning bureau's review screen: every unit in the reviewer's scope with its plan for the year,
status, version, quality score, findings by severity, open comments and days in review."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from sqlalchemy import func
from sqlmodel import Session, select

from planner.calc.checks import CheckReport
from planner.models import AuditEntry, Organization, Plan
from planner.permissions import Principal
from planner.services import checks, orgs, versions, workflow

# Units that keep their own plan: shown even before they have one, so a missing plan is seen.
PLANNING_KINDS = {"perangkat_daerah", "unit", "upt"}
SORTS = ("score", "-score", "name", "-days", "-errors", "-comments")


@dataclass
class UnitRow:
    org: Organization
    plan: Optional[Plan]
    report: Optional[CheckReport]
    open_comments: int = 0
    days_in_review: Optional[int] = None

    @property
    def counts(self) -> dict[str, int]:
        return self.report.counts() if self.report else {"error": 0, "warning": 0, "info": 0}

    @property
    def status(self) -> str:
        return self.plan.status if self.plan else "none"


def review_scope(p: Principal) -> Optional[set[int]]:
    return None if p.is_admin else p.scopes.get("reviewer", set()) | p.scopes.get("pimpinan", set())


def _submitted_on(s: Session, plan_ids: list[int]) -> dict[int, date]:
    if not plan_ids:
        return {}
    rows = s.exec(select(AuditEntry.plan_id, func.max(AuditEntry.at)).where(
        AuditEntry.plan_id.in_(plan_ids), AuditEntry.action == "submit").group_by(AuditEntry.plan_id)).all()
    return {pid: at.date() for pid, at in rows}


def unit_rows(s: Session, p: Principal, year: int, kind: str = "renja", today: date | None = None) -> list[UnitRow]:
    today = today or date.today()
    scope = review_scope(p)
    units = [o for o in orgs.all_orgs(s) if scope is None or o.id in scope]
    with_plans = {pl.organization_id for pl in plans_for(s, [o.id for o in units], kind, year)}
    rows = []
    for o in units:
        if o.id not in with_plans and o.kind not in PLANNING_KINDS:
            continue
        plan = versions.plan_being_edited(s, o.id, kind, year) or versions.plan_in_force(s, o.id, kind, year)
        rows.append(UnitRow(org=o, plan=plan, report=checks.check_plan(s, plan) if plan else None))
    ids = [r.plan.id for r in rows if r.plan]
    comments, submitted = workflow.open_comment_counts(s, ids), _submitted_on(s, ids)
    for r in rows:
        if r.plan:
            r.open_comments = comments.get(r.plan.id, 0)
            if r.plan.status == "submitted" and r.plan.id in submitted:
                r.days_in_review = (today - submitted[r.plan.id]).days
    return rows


def plans_for(s: Session, org_ids: list[int], kind: str, year: int) -> list[Plan]:
    if not org_ids:
        return []
    return list(s.exec(select(Plan).where(Plan.organization_id.in_(org_ids), Plan.kind == kind,
                                          Plan.first_year <= year, Plan.last_year >= year)))


def filter_rows(rows: list[UnitRow], q: str = "", status: str = "", severity: str = "") -> list[UnitRow]:
    q = q.strip().lower()
    out = []
    for r in rows:
        if q and q not in r.org.name.lower() and q not in r.org.code.lower():
            continue
        if status and r.status != status:
            continue
        if severity == "clean" and (r.report is None or any(r.counts.values())):
            continue
        if severity in ("error", "warning", "info") and not r.counts.get(severity):
            continue
        out.append(r)
    return out


def sort_rows(rows: list[UnitRow], sort: str) -> list[UnitRow]:
    """Worst first by default: the lowest score, units without a plan at the end."""
    keys = {
        "score": lambda r: (r.report is None, r.report.score if r.report else 0, r.org.name),
        "-score": lambda r: (r.report is None, -(r.report.score if r.report else 0), r.org.name),
        "name": lambda r: r.org.name,
        "-days": lambda r: (r.days_in_review is None, -(r.days_in_review or 0), r.org.name),
        "-errors": lambda r: (-r.counts["error"], -r.counts["warning"], r.org.name),
        "-comments": lambda r: (-r.open_comments, r.org.name),
    }
    return sorted(rows, key=keys.get(sort, keys["score"]))
