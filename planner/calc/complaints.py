"""Complaint handling (pengaduan): working days, the response limit, overdue flags, on-time share.

Days to respond are counted in working days (Monday–Friday, minus the holidays given) after the
day of receipt, as the legal limit is (UU 25/2009 with Perpres 76/2013: 15 working days by default;
the limit is a setting).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Iterable, Sequence

DEFAULT_LIMIT_DAYS = 15


def _working(day: date, holidays: frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def working_days(start: date, end: date, holidays: Iterable[date] = ()) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when answered the same day)."""
    if end < start:
        raise ValueError("tanggal selesai lebih awal dari tanggal diterima")
    off = frozenset(holidays)
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += _working(day, off)
    return days


def due_date(received: date, limit_days: int = DEFAULT_LIMIT_DAYS, holidays: Iterable[date] = ()) -> date:
    """The last day of the response limit: the ``limit_days``-th working day after receipt."""
    if limit_days < 1:
        raise ValueError("batas waktu minimal 1 hari kerja")
    off, day, left = frozenset(holidays), received, limit_days
    while left:
        day += timedelta(days=1)
        left -= _working(day, off)
    return day


@dataclass(frozen=True)
class ComplaintFacts:
    received_on: date
    resolved_on: date | None


def is_overdue(c: ComplaintFacts, today: date, limit_days: int = DEFAULT_LIMIT_DAYS,
               holidays: Iterable[date] = ()) -> bool:
    """Resolved after its due date, or still open after it."""
    due = due_date(c.received_on, limit_days, holidays)
    return (c.resolved_on or today) > due


@dataclass(frozen=True)
class ComplaintSummary:
    received: int
    resolved: int
    resolved_on_time: int
    resolved_on_time_pct: float | None  # of the resolved ones; None when none is resolved
    average_days: float | None  # working days from receipt to resolution, resolved ones
    overdue: int  # open past the limit or resolved late


def summarize(items: Sequence[ComplaintFacts], today: date, limit_days: int = DEFAULT_LIMIT_DAYS,
              holidays: Iterable[date] = ()) -> ComplaintSummary:
    off = frozenset(holidays)
    resolved = [c for c in items if c.resolved_on is not None]
    days = [working_days(c.received_on, c.resolved_on, off) for c in resolved]
    on_time = sum(d <= limit_days for d in days)
    overdue = sum(is_overdue(c, today, limit_days, off) for c in items)
    pct = float(Decimal(on_time) * 100 / len(resolved)) if resolved else None
    avg = float(Decimal(sum(days)) / len(days)) if days else None
    return ComplaintSummary(len(items), len(resolved), on_time, pct, avg, overdue)
