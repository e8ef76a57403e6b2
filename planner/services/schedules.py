"""Schedules (jadwal): drafting and review windows and realisation deadlines per year.

A schedule set for an organisation holds for its sub-units; the nearest one up the tree wins.
Without any schedule nothing is restricted (a unit that does not use jadwal is not blocked).
"""
from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from planner.errors import Conflict, Invalid, NotFound
from planner.models import Organization, Schedule
from planner.models.workflow import SCHEDULE_KINDS
from planner.periods import MONTHS, label as period_label


def _fmt(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def applicable(s: Session, organization_id: int, year: int, kind: str, period: str | None = None) -> Schedule | None:
    """The schedule of the organisation or its nearest ancestor that has one."""
    orgs = {o.id: o for o in s.exec(select(Organization))}
    rows = s.exec(select(Schedule).where(Schedule.year == year, Schedule.kind == kind,
                                         Schedule.period == period)).all()
    by_org = {r.organization_id: r for r in rows}
    oid: int | None = organization_id
    if oid in orgs and orgs[oid].sandbox:
        return None  # a training sandbox keeps the class's pace, not a real unit's drafting calendar
    while oid is not None:
        if oid in by_org:
            return by_org[oid]
        oid = orgs[oid].parent_id if oid in orgs else None
    return None


def check_window(s: Session, organization_id: int, year: int, kind: str, today: date | None = None,
                 period: str | None = None) -> None:
    sched = applicable(s, organization_id, year, kind, period)
    if sched is None:
        return
    today = today or date.today()
    if (sched.opens_on and today < sched.opens_on) or today > sched.last_day:
        what = SCHEDULE_KINDS[kind] + (f" {period_label(period)}" if period else "")
        opens = f"{_fmt(sched.opens_on)} s.d. " if sched.opens_on else "sampai "
        raise Conflict(f"Di luar jadwal {what.lower()} {year}: {opens}{_fmt(sched.last_day)}. "
                       "Hubungi admin untuk perpanjangan.", field="schedule", code="outside_schedule")


def save(s: Session, organization_id: int, year: int, kind: str, closes_on: date, opens_on: date | None = None,
         period: str | None = None) -> Schedule:
    if kind not in SCHEDULE_KINDS:
        raise Invalid(f"Jenis jadwal '{kind}' tidak dikenal.", field="kind")
    if opens_on and opens_on > closes_on:
        raise Invalid("Tanggal mulai setelah tanggal selesai.", field="opens_on")
    if kind == "realization" and not period:
        raise Invalid("Batas pelaporan realisasi memerlukan periode (mis. TW1).", field="period")
    row = s.exec(select(Schedule).where(Schedule.organization_id == organization_id, Schedule.year == year,
                                        Schedule.kind == kind, Schedule.period == period)).first()
    row = row or Schedule(organization_id=organization_id, year=year, kind=kind, period=period, closes_on=closes_on)
    row.opens_on, row.closes_on, row.extended_until = opens_on, closes_on, None
    s.add(row)
    s.flush()
    return row


def extend(s: Session, schedule_id: int, until: date, note: str) -> Schedule:
    row = s.get(Schedule, schedule_id)
    if row is None:
        raise NotFound("Jadwal tidak ditemukan.")
    if until < row.closes_on:
        raise Invalid("Perpanjangan harus setelah tanggal selesai semula.", field="until")
    if not note.strip():
        raise Invalid("Alasan perpanjangan wajib diisi.", field="note")
    row.extended_until, row.extension_note = until, note.strip()
    s.add(row)
    s.flush()
    return row


def for_year(s: Session, year: int) -> list[Schedule]:
    return list(s.exec(select(Schedule).where(Schedule.year == year)
                       .order_by(Schedule.organization_id, Schedule.kind, Schedule.period)))
