"""Closing and reopening reporting periods of a plan (all its versions at once)."""
from __future__ import annotations

from sqlmodel import Session, select

from planner import periods
from planner.errors import Conflict
from planner.models import PeriodLock, Plan
from planner.models.base import utcnow
from planner.services import acting, versions

from .checks import check_period_code, closing_lock, renja_year


def _plan_period(s: Session, plan: Plan, year: int, period: str) -> None:
    renja_year(plan, year)
    check_period_code(period)
    acting.require(s, "realization.verify", plan)


def _lock_row(s: Session, plan: Plan, year: int, period: str) -> PeriodLock | None:
    return s.exec(select(PeriodLock).where(PeriodLock.plan_key == plan.key, PeriodLock.year == year,
                                           PeriodLock.period == period)).first()


def close_period(s: Session, plan: Plan, year: int, period: str, user_id: int | None = None) -> PeriodLock:
    """Make a period (and every period inside it) read-only for the whole plan, every version.

    The lock remembers the version in force at closing: its targets are the ones the period was
    judged against, whatever a later Perubahan sets."""
    _plan_period(s, plan, year, period)
    lock = _lock_row(s, plan, year, period) or PeriodLock(plan_id=plan.id, plan_key=plan.key, year=year,
                                                          period=period)
    if lock.id is not None and lock.closed:
        raise Conflict(f"Periode {periods.label(period)} {year} sudah ditutup.", field="period")
    lock.plan_id = versions.in_force_of(s, plan).id
    lock.closed, lock.closed_by_id, lock.closed_at = True, user_id, utcnow()
    s.add(lock)
    s.flush()
    return lock


def reopen_period(s: Session, plan: Plan, year: int, period: str, *, note: str = "",
                  user_id: int | None = None) -> PeriodLock:
    _plan_period(s, plan, year, period)
    lock = closing_lock(s, plan, year, period)
    if lock is None:
        raise Conflict(f"Periode {periods.label(period)} {year} tidak sedang ditutup.", field="period")
    if lock.period != period:
        raise Conflict(f"Periode ini tertutup karena {periods.label(lock.period)} ditutup; buka periode itu.",
                       field="period")
    lock.closed = False
    lock.reopened_by_id, lock.reopened_at, lock.reopen_note = user_id, utcnow(), (note or "").strip()
    s.add(lock)
    s.flush()
    return lock
