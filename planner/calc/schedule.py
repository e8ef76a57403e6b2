"""Action-plan schedules (rencana aksi): when a step runs, whether it is on time, how much of what was due
is done, and where a timeline draws it. Pure: stdlib and ``planner.calc`` only.

A step runs in a *window*: its start and end dates when given, else from the first day of its first month
to the last day of its last month of the plan's year. A step nobody marked is ``planned``; monitoring marks
it ``done``, ``late`` or ``dropped`` with a date. What the timeline and the warnings show is its *state*:

``done``       marked done on or before the window's end
``done_late``  marked done after the window's end
``late``       marked late (the owner says it slipped)
``overdue``    still planned after the window's end: nobody reported it
``running``    planned, the window has started
``upcoming``   planned, the window is still to come
``dropped``    marked dropped (not counted in completion)
``unscheduled`` planned, with no month and no dates

Completion at a day (the end of a quarter, usually) is ``done / due × 100`` over the steps whose window
ended by that day, dropped ones left out: the same "R / T × 100" as any achievement, so a step finished
ahead of its window counts once it falls due, never before.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping, Optional

from .achievement import Result

STATE_LABELS = {
    "done": "Selesai",
    "done_late": "Selesai terlambat",
    "late": "Terlambat",
    "overdue": "Lewat jadwal",
    "running": "Berjalan",
    "upcoming": "Belum mulai",
    "dropped": "Dibatalkan",
    "unscheduled": "Belum dijadwalkan",
}
DONE_STATES = ("done", "done_late")
BEHIND_STATES = ("late", "overdue")
# Indicator statuses (calc.status) that count as fine, or as behind, for the schedule flags.
INDICATOR_FINE = ("tercapai", "on_track")
INDICATOR_BEHIND = ("perlu_perhatian", "kritis")
FLAG_LABELS = {
    "steps_ok_indicator_behind": "Jadwal sesuai, indikator tertinggal",
    "indicator_ok_steps_late": "Indikator baik, langkah terlambat",
    "both_behind": "Indikator dan langkah tertinggal",
}
COMPLETION_FORMULA = "langkah selesai / langkah jatuh tempo × 100"


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    def overlaps(self, first: date, last: date) -> bool:
        return self.start <= last and first <= self.end


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def window(year: int, months: Iterable[int] = (), start: date | None = None, end: date | None = None
           ) -> Optional[Window]:
    """Where a step sits in time; ``None`` when it has neither months nor dates. Dates win over months."""
    if start or end:
        first, last = start or end, end or start
        return Window(min(first, last), max(first, last))
    marks = sorted(set(months))
    if not marks:
        return None
    return Window(month_bounds(year, marks[0])[0], month_bounds(year, marks[-1])[1])


def window_months(w: Window | None, year: int) -> list[int]:
    """The months of ``year`` a window touches (the "bulan ke-" marks of a dated step)."""
    if w is None:
        return []
    return [m for m in range(1, 13) if w.overlaps(*month_bounds(year, m))]


def state(status: str, w: Window | None, today: date, status_on: date | None = None) -> str:
    if status == "dropped":
        return "dropped"
    if status == "done":
        return "done_late" if w is not None and status_on is not None and status_on > w.end else "done"
    if status == "late":
        return "late"
    if w is None:
        return "unscheduled"
    if today > w.end:
        return "overdue"
    return "running" if today >= w.start else "upcoming"


def is_behind(st: str) -> bool:
    return st in BEHIND_STATES


@dataclass(frozen=True)
class Completion:
    due: int  # steps whose window ended by the day, dropped ones left out
    done: int  # of those, marked done
    behind: int  # of those, late or overdue
    dropped: int
    result: Result  # done / due × 100; None when nothing is due yet

    @property
    def on_schedule(self) -> Optional[bool]:
        return None if self.due == 0 else self.behind == 0


def completion(items: Iterable[tuple[str, Window | None]], day: date) -> Completion:
    """Completion of ``(state, window)`` pairs at ``day`` (see the module doc)."""
    due = done = behind = dropped = 0
    for st, w in items:
        if st == "dropped":
            dropped += 1
            continue
        if w is None or w.end > day:
            continue
        due += 1
        done += st in DONE_STATES
        behind += st in BEHIND_STATES
    value = None if due == 0 else done / due * 100
    return Completion(due, done, behind, dropped, Result(value, COMPLETION_FORMULA if due else "tidak ada langkah "
                                                                "yang jatuh tempo"))


def flag(c: Completion, indicator_status: str | None) -> Optional[str]:
    """What stands out when steps and indicator disagree (or both are behind); ``None`` otherwise."""
    if c.on_schedule is None or indicator_status is None:
        return None
    if c.on_schedule and indicator_status in INDICATOR_BEHIND:
        return "steps_ok_indicator_behind"
    if not c.on_schedule and indicator_status in INDICATOR_FINE:
        return "indicator_ok_steps_late"
    if not c.on_schedule and indicator_status in INDICATOR_BEHIND:
        return "both_behind"
    return None


def year_fraction(day: date, year: int) -> float:
    """How far into ``year`` a day is (0 at 1 January 00:00, 1 at 31 December 24:00), clamped."""
    first, days = date(year, 1, 1), 366 if calendar.isleap(year) else 365
    return min(max((day - first).days / days, 0.0), 1.0)


def bar(w: Window | None, year: int) -> Optional[tuple[float, float]]:
    """A timeline bar as (left, width) in percent of the year; ``None`` when the step has no window or lies
    outside the year."""
    if w is None or w.end.year < year or w.start.year > year:
        return None
    left = year_fraction(w.start, year)
    right = year_fraction(w.end, year) + (1 / (366 if calendar.isleap(year) else 365) if w.end.year == year else 0)
    return round(left * 100, 3), round(max(min(right, 1.0) - left, 0.0) * 100, 3)


def bars(year: int, months: Iterable[int] = (), start: date | None = None, end: date | None = None
         ) -> list[tuple[float, float]]:
    """The bars of a step: one per run of consecutive months (a step in January–February and June shows two),
    or one for its dates."""
    if start or end:
        found = bar(window(year, (), start, end), year)
        return [found] if found else []
    out, run = [], []
    for m in sorted(set(months)):
        if run and m != run[-1] + 1:
            out.append(bar(window(year, run), year))
            run = []
        run.append(m)
    if run:
        out.append(bar(window(year, run), year))
    return [b for b in out if b]


def today_line(today: date, year: int) -> Optional[float]:
    """Where today's line stands on a timeline of ``year`` (percent), or ``None`` outside the year."""
    return round(year_fraction(today, year) * 100, 3) if today.year == year else None


def find_cycle(edges: Mapping[int, Iterable[int]]) -> Optional[list[int]]:
    """A dependency cycle (``step -> prerequisites``) as the list of steps around it, or ``None``."""
    colour: dict[int, int] = {}  # 1 on the current path, 2 finished

    def visit(node: int, path: list[int]) -> Optional[list[int]]:
        colour[node] = 1
        path.append(node)
        for nxt in edges.get(node, ()):
            if colour.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in colour:
                found = visit(nxt, path)
                if found:
                    return found
        path.pop()
        colour[node] = 2
        return None

    for start in list(edges):
        if start not in colour:
            found = visit(start, [])
            if found:
                return found
    return None


def dependency_clashes(windows: Mapping[int, Window | None], edges: Mapping[int, Iterable[int]]
                       ) -> list[tuple[int, int]]:
    """``(step, prerequisite)`` pairs scheduled out of order: the step starts before its prerequisite starts
    or ends before it ends. Overlap alone is allowed: with month marks, a step that follows another often
    begins in the month the other ends."""
    out = []
    for step, prereqs in edges.items():
        w = windows.get(step)
        for pre in prereqs:
            pw = windows.get(pre)
            if w is not None and pw is not None and (w.start < pw.start or w.end < pw.end):
                out.append((step, pre))
    return out
