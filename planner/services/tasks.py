""""Tugas saya": what waits for the signed-in user today — plans returned to them, plans waiting for their
review or approval, and realisation reports due or overdue for the indicators of their units.

A report for a period is due from the day the period ends for ``REPORTING_DAYS`` days (the reporting window),
overdue after that. A fixed number of statements, whatever the size of the plans: the top bar shows the counts
on every page. Which periods are unreported is kept from one write of the plans to the next (``plan_memo``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import and_
from sqlmodel import Session, select

from planner import periods
from planner.models import Indicator, Plan
from planner.models.monitoring import Realization
from planner.permissions import RIGHTS, Principal
from planner.services import orgs, plan_memo, plan_stamps, workflow

REPORTING_DAYS = 15
MONITORED = ("approved", "locked")  # plans whose realisation is reported


class DueIndicator(NamedTuple):
    """What a due report names of its indicator; kept with the unreported periods (a page's top bar counts a
    unit's thousand indicators without reading them)."""
    id: int
    name: str


@dataclass(frozen=True)
class DueReport:
    plan: Plan
    indicator: DueIndicator
    period: str
    due_on: date  # the last day of the reporting window

    @property
    def overdue_on(self) -> date:
        return self.due_on + timedelta(days=1)


@dataclass
class Tasks:
    returned: list[Plan] = field(default_factory=list)
    to_review: list[Plan] = field(default_factory=list)
    to_fix: list[Plan] = field(default_factory=list)  # approved, waiting for the head's penetapan
    due: list[DueReport] = field(default_factory=list)
    overdue: list[DueReport] = field(default_factory=list)
    return_notes: dict = field(default_factory=dict)  # plan id -> the reviewer's return note (audit entry)
    reports_counted: int = 0  # due and overdue reports when only counted (``for_user(counting=True)``)

    @property
    def count(self) -> int:
        return (len(self.returned) + len(self.to_review) + len(self.to_fix) + len(self.due) + len(self.overdue)
                + self.reports_counted)


def _orgs_with(p: Principal, action: str) -> set[int] | None:
    """Organisations where the user may do ``action``; None means every one (admin)."""
    if p.is_admin:
        return None
    roles = RIGHTS.get(action, set())
    return set().union(*(ids for role, ids in p.scopes.items() if role in roles))


def _period_end(year: int, code: str) -> date:
    if code == periods.ANNUAL:
        month = 12
    elif code in periods.MONTH_CODES:
        month = periods.index(code)
    else:
        month = periods.index(code) * (3 if code in periods.QUARTERS else 6)
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def _plans(s: Session, org_ids: set[int] | None, year: int) -> list[Plan]:
    if org_ids is not None and not org_ids:
        return []
    q = select(Plan).where(Plan.first_year <= year, Plan.last_year >= year, orgs.real_plans(Plan.organization_id))
    if org_ids is not None:
        q = q.where(Plan.organization_id.in_(org_ids))
    return list(s.exec(q.order_by(Plan.organization_id, Plan.kind, Plan.revision_number.desc())))


def _reports(s: Session, renjas: list[Plan], year: int, today: date, tasks: Tasks, counting: bool) -> None:
    """Unreported periods that have ended, named from the kept list (no indicator read per request); only
    counted when ``counting`` (the top bar shows the number on every page)."""
    if not renjas:
        return
    found = _unreported(s, renjas, year, today)
    if counting:
        tasks.reports_counted = len(found)
        return
    by_id = {pl.id: pl for pl in renjas}
    for u in found:
        report = DueReport(by_id[u.plan_id], DueIndicator(u.indicator_id, u.name), u.period,
                           u.ended + timedelta(days=REPORTING_DAYS))
        (tasks.due if today <= report.due_on else tasks.overdue).append(report)


class Unreported(NamedTuple):
    indicator_id: int
    plan_id: int
    key: str  # the indicator's lineage key: what a stamp's record of written cells names
    period: str
    ended: date
    name: str


def _unreported(s: Session, renjas: list[Plan], year: int, today: date) -> list[Unreported]:
    """Each ended period without a realisation, computed once per write of these plans (their lineages' stamps,
    read before the data; an indicator's renaming bumps them too) and, after writes of realisation cells only,
    brought up to date for those cells alone (``plan_stamps.since_many``); the list is shared: read it only."""
    s.flush()  # the caller's own pending writes count
    conn = s.connection()
    key = ("unreported", tuple(sorted((pl.id, pl.key) for pl in renjas)), year, today)
    earlier = plan_memo.peek(key)
    kept_at = dict(earlier[0]) if earlier is not None else {}
    changes = plan_stamps.since_many(conn, {pl.key: kept_at.get(pl.key, -1) for pl in renjas})
    stamps = tuple(sorted((k, now) for k, (now, _) in changes.items()))
    written = [cells for _, cells in changes.values()]

    def compute() -> list[Unreported]:
        if earlier is None or None in written:
            return _find_unreported(s, renjas, year, today)
        keys = {k for k, y, _ in set().union(*written) if y == year}
        if not keys:
            return earlier[1]
        return [u for u in earlier[1] if u.key not in keys] + _find_unreported(s, renjas, year, today, keys)
    return plan_memo.get(key, stamps, compute, keep=not plan_stamps.wrote(conn))


def _find_unreported(s: Session, renjas: list[Plan], year: int, today: date, keys: set[str] | None = None
                     ) -> list[Unreported]:
    """From five columns per indicator (units of a thousand indicators); ``keys``: these indicators only."""
    ids = [pl.id for pl in renjas]
    scope = Indicator.plan_id.in_(ids) if keys is None else and_(Indicator.plan_id.in_(ids),
                                                                  Indicator.key.in_(sorted(keys)))
    rows = s.exec(select(Indicator.id, Indicator.plan_id, Indicator.key, Indicator.frequency, Indicator.name)
                  .where(scope)).all()
    reported = {(i, code) for i, code in s.exec(  # plain tuples: a set of result rows hashes slowly
        select(Realization.indicator_id, Realization.period).join(Indicator, Realization.indicator_id == Indicator.id)
        .where(scope, Realization.year == year))}
    ends: dict[str, date] = {}
    found = []
    for indicator_id, plan_id, ind_key, frequency, name in rows:
        for code in periods.for_frequency(frequency) or [periods.ANNUAL]:
            ended = ends.get(code) or ends.setdefault(code, _period_end(year, code))
            if ended < today and (indicator_id, code) not in reported:
                found.append(Unreported(indicator_id, plan_id, ind_key, code, ended, name))
    return found


def for_user(s: Session, p: Principal, year: int, today: date | None = None, with_reports: bool = True, *,
             counting: bool = False) -> Tasks:
    """``counting``: the due reports only counted (``Tasks.count`` holds, the lists of reports stay empty)."""
    today = today or date.today()
    tasks = Tasks()
    editable = _orgs_with(p, "plan.edit")
    reviewing = _orgs_with(p, "plan.approve")
    fixing = _orgs_with(p, "plan.lock")
    reporting = _orgs_with(p, "realization.edit")
    wanted = None if p.is_admin else set().union(editable, reviewing, fixing, reporting)
    latest: dict[tuple[int, str], Plan] = {}
    for pl in _plans(s, wanted, year):
        latest.setdefault((pl.organization_id, pl.kind), pl)  # the newest version of each plan
    for pl in latest.values():
        org = pl.organization_id
        if pl.status == "returned" and (editable is None or org in editable) and not p.is_admin:
            tasks.returned.append(pl)
        if pl.status == "submitted" and (reviewing is None or org in reviewing):
            tasks.to_review.append(pl)
        if pl.status == "approved" and (fixing is None or org in fixing):
            tasks.to_fix.append(pl)
    if tasks.returned:
        tasks.return_notes = workflow.return_notes(s, tasks.returned)
    if with_reports and not p.is_admin:
        _reports(s, [pl for pl in latest.values() if pl.kind == "renja" and pl.first_year == year
                     and pl.status in MONITORED and pl.organization_id in reporting], year, today, tasks, counting)
    tasks.due.sort(key=lambda r: r.due_on)
    tasks.overdue.sort(key=lambda r: r.due_on)
    return tasks
