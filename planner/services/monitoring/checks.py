"""What every monitoring write checks first: the cell exists (a Renja, its year, a period the
indicator's frequency asks for), the period is open, the number is a number, and the acting
principal holds the right (``planner.services.acting``)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, select

from planner import periods
from planner.calc import parse_number
from planner.errors import Conflict, Invalid
from planner.models import Indicator, PeriodLock, Plan
from planner.models.plan import FREQUENCY_LABELS
from planner.services import acting, session_reads
from planner.services.plans import get_plan

FIELD_NAMES = {"value": "Realisasi", "numerator": "Pembilang", "denominator": "Penyebut",
               "pagu": "Pagu", "realized": "Realisasi anggaran"}


def reporting_periods(ind: Indicator) -> list[str]:
    """The periods an indicator reports on: those of its frequency, or ``Y`` for an annual one."""
    return periods.reporting(ind.frequency)


def check_period_code(period: str) -> None:
    if not periods.is_valid(period):
        raise Invalid(f"Periode '{period}' tidak dikenal (Y, S1–S2, TW1–TW4, M01–M12).", field="period")


def renja_year(plan: Plan, year: int) -> None:
    if plan.kind != "renja":
        raise Invalid("Realisasi dicatat pada Renja, bukan Renstra.", field="plan")
    if year != plan.first_year:
        raise Invalid(f"Tahun {year} bukan tahun Renja ini ({plan.first_year}).", field="year")


def check_cell(s: Session, ind: Indicator, year: int, period: str) -> Plan:
    """The plan of a valid (indicator, year, period) cell; refuses periods the frequency does not ask for."""
    plan = get_plan(s, ind.plan_id)
    renja_year(plan, year)
    allowed = reporting_periods(ind)
    if period not in allowed:
        raise Invalid(f"Periode '{period}' tidak sesuai frekuensi {FREQUENCY_LABELS[ind.frequency].lower()} "
                      f"indikator ini; pilih {', '.join(allowed)}.", field="period")
    return plan


def cell_query(model, ind: Indicator, year: int, period: str):
    """Rows of a table keyed by (indicator lineage, year, period): every version of the indicator shares them.

    The statement is built once per table and given its values (``params``): building it and its cache key
    took ~0,1 ms of each saved cell."""
    stmt = _CELL_QUERIES.get(model)
    if stmt is None:
        stmt = _CELL_QUERIES[model] = select(model).where(
            model.indicator_key == bindparam("key"), model.year == bindparam("year"),
            model.period == bindparam("period"))
    return stmt.params(key=ind.key, year=year, period=period)


_CELL_QUERIES: dict[type, Any] = {}


def closed_locks(s: Session, plan: Plan, year: int) -> list[PeriodLock]:
    """The closed periods of the plan (every version of it) in ``year``."""
    return closed_locks_many(s, [plan], year)[plan.key]


_CLOSED_LOCKS = select(PeriodLock).where(PeriodLock.plan_key.in_(bindparam("keys", expanding=True)),
                                         PeriodLock.year == bindparam("year"), PeriodLock.closed == True)  # noqa: E712


def closed_locks_many(s: Session, plans: list[Plan], year: int) -> dict[str, list[PeriodLock]]:
    """``closed_locks`` of many plans in one statement, by plan key; a request reads a plan year's once (the
    check of a write and the read model answering it share it, ``services.session_reads``)."""
    kept = session_reads.reads(s, PeriodLock) or {}
    found: dict[str, list[PeriodLock]] = {p.key: [] for p in plans if (p.key, year) not in kept}
    if found:
        for lk in s.exec(_CLOSED_LOCKS, params={"keys": list(found), "year": year}):
            found[lk.plan_key].append(lk)
        if (fresh := session_reads.reads(s, PeriodLock)) is not None:
            fresh.update({(key, year): locks for key, locks in found.items()})
    return {p.key: list(found[p.key] if p.key in found else kept[(p.key, year)]) for p in plans}


def closing_lock(s: Session, plan: Plan, year: int, period: str) -> PeriodLock | None:
    """The closed period that contains ``period`` (closing TW1 closes M01–M03; Y closes the year)."""
    return next((lk for lk in closed_locks(s, plan, year) if periods.contains(lk.period, period)), None)


def ensure_open(s: Session, plan: Plan, year: int, period: str) -> None:
    lock = closing_lock(s, plan, year, period)
    if lock is not None:
        raise Conflict(f"Periode {periods.label(lock.period)} {year} sudah ditutup; minta reviewer membukanya "
                       "kembali untuk mengubah data.", field="period")


def open_cell(s: Session, ind: Indicator, year: int, period: str, right: str = "realization.edit") -> Plan:
    """The plan of a cell that may be written now, by the acting principal."""
    plan = check_cell(s, ind, year, period)
    acting.require(s, right, plan)
    ensure_open(s, plan, year, period)
    return plan


def number(raw: Any, fld: str) -> float | None:
    """A number from a number or a typed text ("88,67", "1.250", "90%"); None when empty."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, Decimal)):
        raise Invalid(f"{FIELD_NAMES[fld]} harus berupa angka.", field=fld)
    try:
        return parse_number(float(raw) if isinstance(raw, Decimal) else raw)  # refuses NaN and infinity
    except ValueError as exc:
        raise Invalid(f"{FIELD_NAMES[fld]}: {exc}.", field=fld) from exc
