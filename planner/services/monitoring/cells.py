"""Realisation cells: enter, clear and verify the value of one (indicator, year, period)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, select

from planner.calc import accumulate, format_number
from planner.errors import Conflict, Invalid, NotFound
from planner.models import Indicator, Realization, Target
from planner.models.base import utcnow
from planner.services import concurrency, ranges, session_reads

from .checks import FIELD_NAMES, cell_query, number, open_cell
from .evidence import add_link, check_url

def _check_bounds(s: Session, ind: Indicator, value: float, fld: str, what: str | None = None) -> None:
    # methodology §10.1: the indicator's plausible range (services.ranges), named when a value is refused.
    ranges.check_value(value, ranges.range_for(s, ind), what or FIELD_NAMES[fld], fld)


def _ratio(s: Session, ind: Indicator, numerator: Any, denominator: Any) -> dict:
    n, d = number(numerator, "numerator"), number(denominator, "denominator")
    if n is None:
        raise Invalid("Indikator rasio diisi pembilang dan penyebut: pembilang wajib diisi.", field="numerator")
    if d is None:
        raise Invalid("Indikator rasio diisi pembilang dan penyebut: penyebut wajib diisi.", field="denominator")
    if n < 0:
        raise Invalid("Pembilang tidak boleh negatif.", field="numerator")
    if d <= 0:
        raise Invalid("Penyebut harus lebih dari 0.", field="denominator")
    # Methodology §1.2 ratio, through calc: the bound applies to the value the pair stands for.
    _check_bounds(s, ind, accumulate([None], "ratio", 1, [n], [d], ind.ratio_factor), "numerator", "Nilai rasio")
    return {"value": None, "numerator": n, "denominator": d, "achieved": None}


def _measurement(s: Session, ind: Indicator, value: Any, numerator: Any, denominator: Any,
                 achieved: Any) -> dict:
    """The columns to store, by the kind of indicator: qualitative, ratio, or a plain number."""
    if ind.target_type == "qualitative":
        if not isinstance(achieved, bool):
            raise Invalid("Indikator kualitatif diisi 'tercapai' atau 'tidak tercapai'.", field="achieved")
        return {"value": None, "numerator": None, "denominator": None, "achieved": achieved}
    if ind.accumulation == "ratio":
        return _ratio(s, ind, numerator, denominator)
    v = number(value, "value")
    if v is None:
        raise Invalid("Realisasi wajib diisi dengan angka.", field="value")
    _check_bounds(s, ind, v, "value")
    return {"value": v, "numerator": None, "denominator": None, "achieved": None}


def get_realization(s: Session, ind: Indicator, year: int, period: str) -> Realization | None:
    return s.exec(cell_query(Realization, ind, year, period)).first()


def year_realizations(s: Session, ind: Indicator, year: int) -> dict[str, Realization]:
    """The indicator's realisations in ``year`` by period, read once per web request: a save reads its cell
    among them and keeps them with its write (``_kept_after``), so the row answering it reads none again."""
    return session_reads.once(s, Realization, _year_key(ind, year), lambda: {
        r.period: r for r in s.exec(_YEAR_REALIZATIONS, params={"key": ind.key, "year": year})})


def _year_key(ind: Indicator, year: int) -> tuple:
    return ("year", ind.key, year)


def _kept_after(s: Session, ind: Indicator, year: int, rows: dict[str, Realization]) -> None:
    """After this session's own flush of one cell: the year's rows as read, with that write applied."""
    session_reads.keep(s, Realization, _year_key(ind, year), rows)


_YEAR_REALIZATIONS = select(Realization).where(Realization.indicator_key == bindparam("key"),
                                               Realization.year == bindparam("year"))


def record_realization(s: Session, ind: Indicator, year: int, period: str, *, value: Any = None,
                       numerator: Any = None, denominator: Any = None, achieved: bool | None = None,
                       note: str | None = None, evidence_url: str | None = None, user_id: int | None = None,
                       draft: bool = False, version: Any = None) -> Realization:
    """Enter or replace the realisation of a cell. Numbers may come typed ("88,67").

    A new entry is ``submitted`` (``draft`` keeps it out of the figures); any change clears an
    earlier verification, so a reviewer sees it again. ``version``: the one the user read (a stale one is
    refused, naming who changed the cell and when); two first entries at once: the second gets 409."""
    open_cell(s, ind, year, period)
    columns = _measurement(s, ind, value, numerator, denominator, achieved)
    url = check_url(evidence_url) if evidence_url else None
    rows = year_realizations(s, ind, year)
    existing = rows.get(period)
    concurrency.expect_version(s, existing, version, "Realisasi periode ini")
    row = existing or Realization(indicator_id=ind.id, indicator_key=ind.key,
                                                               year=year, period=period)
    for key, val in columns.items():
        setattr(row, key, val)
    if note is not None:
        row.note = note.strip()
    row.status = "draft" if draft else "submitted"
    row.entered_by_id, row.entered_at = user_id, utcnow()
    row.verified_by_id = row.verified_at = None
    s.add(row)
    s.flush()
    _kept_after(s, ind, year, {**rows, period: row})
    if url:
        add_link(s, ind, year, period, url, user_id)
    return row


def clear_realization(s: Session, ind: Indicator, year: int, period: str) -> bool:
    """Remove a cell's value (evidence and narrative stay); False when there was none."""
    open_cell(s, ind, year, period)
    rows = year_realizations(s, ind, year)
    row = rows.get(period)
    if row is None:
        return False
    s.delete(row)
    s.flush()
    _kept_after(s, ind, year, {p: r for p, r in rows.items() if p != period})
    return True


def verify(s: Session, ind: Indicator, year: int, period: str, *, verified: bool, note: str = "",
           user_id: int | None = None) -> Realization:
    """A reviewer accepts a value (``verified``) or sends it back (``returned``, a note required).

    ``verified_by_id``/``verified_at`` record the last review either way."""
    open_cell(s, ind, year, period, "realization.verify")
    row = get_realization(s, ind, year, period)
    if row is None:
        raise NotFound("Realisasi periode ini belum diisi.")
    if row.status == "draft":
        raise Conflict("Realisasi masih draf dan belum diajukan; belum dapat diperiksa.", field="status")
    note = (note or "").strip()
    if not verified and not note:
        raise Invalid("Tuliskan alasan pengembalian agar pengisi tahu apa yang harus diperbaiki.", field="note")
    row.status = "verified" if verified else "returned"
    row.review_note = note
    row.verified_by_id, row.verified_at = user_id, utcnow()
    s.add(row)
    s.flush()
    return row
