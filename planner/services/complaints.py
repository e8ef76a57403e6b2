"""The complaint register (pengaduan) of a unit: entry, response, import, the overdue flag and the figures
units report (monthly recap, share resolved on time, average working days). Numbers come from
``planner.calc.complaints``; the response limit is the unit's setting, else the configured default.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, select

from planner.calc.complaints import ComplaintFacts, ComplaintSummary, due_date, is_overdue, summarize, working_days
from planner.errors import Invalid, NotFound, from_pydantic
from planner.models.complaint import (
    CHANNELS, COMPLAINT_STATUSES, Complaint, ComplaintCreate, ComplaintUpdate, ServiceProfile)
from planner.services import acting, orgs
from planner.services.surveys import MAX_REPORTED, read_table

CLOSED = ("selesai", "ditolak")
HEADERS = {"channel": ("kanal", "saluran", "channel"), "received_on": ("tanggal_diterima", "diterima", "received_on",
           "tanggal"), "category": ("kategori", "category"), "summary": ("uraian", "ringkasan", "isi", "summary"),
           "number": ("nomor", "no_tiket", "number"), "resolved_on": ("tanggal_selesai", "selesai", "resolved_on"),
           "response": ("tanggapan", "response"), "status": ("status",)}


def get(s: Session, complaint_id: int) -> Complaint:
    row = s.get(Complaint, complaint_id)
    if row is None:
        raise NotFound("Pengaduan tidak ditemukan.")
    return row


def limit_days(s: Session, organization_id: int, default: int) -> int:
    profile = s.exec(select(ServiceProfile).where(ServiceProfile.organization_id == organization_id)).first()
    return profile.complaint_limit_days if profile and profile.complaint_limit_days else default


def _parse(model, data):
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_pydantic(exc) from exc


def create(s: Session, data: dict | ComplaintCreate, today: date | None = None) -> Complaint:
    data = _parse(ComplaintCreate, data)
    acting.require(s, "complaint.edit", orgs.get(s, data.organization_id))
    if data.received_on > (today or date.today()):
        raise Invalid("Tanggal diterima tidak boleh di masa depan.", field="received_on")
    row = Complaint(**{k: v.strip() if isinstance(v, str) else v for k, v in data.model_dump().items()})
    s.add(row)
    s.flush()
    return row


def update(s: Session, row: Complaint, data: dict | ComplaintUpdate) -> Complaint:
    acting.require(s, "complaint.edit", row)
    data = _parse(ComplaintUpdate, data)
    changes = data.model_dump(exclude_unset=True)
    status = changes.get("status", row.status)
    resolved = changes.get("resolved_on", row.resolved_on)
    if status in CLOSED and resolved is None:
        raise Invalid("Isi tanggal selesai untuk pengaduan yang selesai.", field="resolved_on")
    if status not in CLOSED and "resolved_on" not in changes:
        resolved = None
    if resolved is not None and resolved < row.received_on:
        raise Invalid("Tanggal selesai lebih awal dari tanggal diterima.", field="resolved_on")
    if status == "selesai" and not (changes.get("response", row.response) or "").strip():
        raise Invalid("Tuliskan tanggapan atas pengaduan yang selesai.", field="response")
    for key, value in changes.items():
        setattr(row, key, value.strip() if isinstance(value, str) else value)
    row.resolved_on = resolved if status in CLOSED else None
    s.add(row)
    s.flush()
    return row


def list_for(s: Session, organization_id: int, year: int | None = None) -> list[Complaint]:
    q = select(Complaint).where(Complaint.organization_id == organization_id)
    if year is not None:
        q = q.where(Complaint.received_on >= date(year, 1, 1), Complaint.received_on <= date(year, 12, 31))
    return list(s.exec(q.order_by(Complaint.received_on.desc(), Complaint.id.desc())))


def counts_by_org(s: Session, org_ids: set[int], year: int) -> dict[int, int]:
    """Complaints received per unit in a year, in one statement (the hub)."""
    from sqlalchemy import func

    if not org_ids:
        return {}
    rows = s.exec(select(Complaint.organization_id, func.count()).where(
        Complaint.organization_id.in_(org_ids), Complaint.received_on >= date(year, 1, 1),
        Complaint.received_on <= date(year, 12, 31)).group_by(Complaint.organization_id)).all()
    return dict(rows)


def _facts(row: Complaint) -> ComplaintFacts:
    return ComplaintFacts(row.received_on, row.resolved_on)


@dataclass
class Line:
    complaint: Complaint
    due: date
    overdue: bool
    days: int | None  # working days to resolution


def lines(rows: list[Complaint], today: date, limit: int) -> list[Line]:
    return [Line(r, due_date(r.received_on, limit), is_overdue(_facts(r), today, limit),
                 working_days(r.received_on, r.resolved_on) if r.resolved_on else None) for r in rows]


def summary(rows: list[Complaint], today: date, limit: int) -> ComplaintSummary:
    return summarize([_facts(r) for r in rows], today, limit)


def summary_dict(sm: ComplaintSummary, limit: int) -> dict:
    return {"received": sm.received, "resolved": sm.resolved, "resolved_on_time": sm.resolved_on_time,
            "resolved_on_time_pct": sm.resolved_on_time_pct, "average_days": sm.average_days,
            "overdue": sm.overdue, "limit_days": limit}


@dataclass
class MonthRow:
    month: int
    by_channel: dict[str, int]
    received: int
    resolved: int
    on_time: int


def monthly(rows: list[Complaint], year: int, limit: int) -> list[MonthRow]:
    """Received per channel, resolved and resolved on time, per month of receipt (as units report)."""
    out = []
    for month in range(1, 13):
        items = [r for r in rows if r.received_on.year == year and r.received_on.month == month]
        by_channel = {c: sum(r.channel == c for r in items) for c in CHANNELS}
        resolved = [r for r in items if r.resolved_on]
        on_time = sum(working_days(r.received_on, r.resolved_on) <= limit for r in resolved)
        out.append(MonthRow(month, by_channel, len(items), len(resolved), on_time))
    return out


# ---------------------------------------------------------------- import

def _header(name: Any) -> str:
    low = str(name).strip().lower()
    return next((key for key, names in HEADERS.items() if low in names), low)


def _cell_date(raw: Any) -> Any:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, str) and "/" in raw:
        try:
            return datetime.strptime(raw.strip(), "%d/%m/%Y").date()
        except ValueError:
            return raw
    return raw


def _channel(raw: Any) -> Any:
    text = str(raw or "").strip().lower()
    return next((k for k, label in CHANNELS.items() if text in (k, label.lower())), text)


def import_file(s: Session, organization_id: int, filename: str, data: bytes, today: date | None = None) -> int:
    """One complaint per row (kanal, tanggal_diterima, kategori, uraian; optional nomor, status,
    tanggal_selesai, tanggapan). All or nothing; the message names each bad row and column."""
    acting.require(s, "complaint.edit", orgs.get(s, organization_id))
    frame = read_table(filename, data)
    frame.columns = [_header(c) for c in frame.columns]
    errors, items = [], []
    for n, rec in enumerate(frame.to_dict(orient="records"), start=2):
        rec = {k: (None if isinstance(v, float) and v != v else v) for k, v in rec.items()}
        try:
            create_data = ComplaintCreate.model_validate({
                "organization_id": organization_id, "channel": _channel(rec.get("channel")),
                "received_on": _cell_date(rec.get("received_on")), "category": str(rec.get("category") or ""),
                "summary": str(rec.get("summary") or ""), "number": str(rec.get("number") or "")})
            update_data = {k: v for k, v in (("status", rec.get("status")),
                                             ("resolved_on", _cell_date(rec.get("resolved_on"))),
                                             ("response", rec.get("response"))) if v is not None}
            if update_data:
                ComplaintUpdate.model_validate(update_data)
            items.append((n, create_data, update_data))
        except ValidationError as exc:
            err = from_pydantic(exc)
            errors.append(f"baris {n}: {err.message}")
    if errors:
        more = f" (dan {len(errors) - MAX_REPORTED} baris lain)" if len(errors) > MAX_REPORTED else ""
        raise Invalid("Tidak ada yang disimpan. " + " · ".join(errors[:MAX_REPORTED]) + more, field="file")
    if not items:
        raise Invalid("Berkas tidak berisi pengaduan.", field="file")
    for n, create_data, update_data in items:
        try:
            row = create(s, create_data, today)
            if update_data:
                update(s, row, update_data)
        except Invalid as exc:
            raise Invalid(f"Tidak ada yang disimpan. baris {n}: {exc.message}", field="file") from exc
    return len(items)


STATUS_LABELS = COMPLAINT_STATUSES
