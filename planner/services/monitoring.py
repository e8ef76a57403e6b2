"""Monitoring (pemantauan): realisation entry, evidence, narrative, follow-up, budget and closing
of periods; and the read side that computes progress for the dashboards and the API.

Every number comes from ``planner.calc`` (formulas.md §1–§3); this module gathers the rows and
feeds them in. ``progress_for_plan`` reads a plan in a fixed number of statements, whatever its size.

Periods are compared by the month they end in (``TW2``, ``S1`` and ``M06`` all end in June).
``upto_period`` may be any period code: an indicator counts the periods of its own frequency that
end by then. At ``TW2`` a monthly indicator counts ``M01``–``M06``, a semester one ``S1``, a
quarterly one ``TW1``–``TW2``, and an annual one nothing yet: it is "belum jatuh tempo" (not due)
until year end (``TW4``, ``S2``, ``M12`` or ``Y``). At ``M05`` a quarterly indicator counts ``TW1``.
"""
from __future__ import annotations

import io
import secrets
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Mapping
from urllib.parse import urlparse

from sqlalchemy import func, or_
from sqlmodel import Session, select

from planner import periods
from planner.calc import (
    HIGHER_IS_BETTER, ROLLUP_CAPS, STATUS_LABELS, IndicatorProgress, Result, RollupResult, Settings,
    TargetSpec, absorption, accumulate, achievement, format_number, format_rupiah, parse_number,
    period_and_annual, predikat, rollup, status, to_decimal,
)
from planner.errors import Conflict, Invalid, NotFound
from planner.models import (
    BudgetRealization, Evidence, FollowUp, Indicator, Narrative, NodeBudget, PeriodLock, Plan, PlanNode,
    Realization, SchemeLevel, Target,
)
from planner.models.base import utcnow
from planner.models.monitoring import COUNTED_STATUSES, FollowUpCreate, FollowUpUpdate
from planner.models.plan import FREQUENCY_LABELS
from planner.services.plans import PERCENT_UNITS, Tree, TreeNode, get_plan, load_tree
from planner.services import monitoring_audit  # noqa: F401,E402  (puts these tables under the audit trail)

NOT_DUE = "belum_jatuh_tempo"
MONITORING_STATUS_LABELS = {**STATUS_LABELS, NOT_DUE: "Belum jatuh tempo"}
PERCENT_LIMIT = 1000  # a percentage above this is a typing error, not a result
MAX_URL = 1000


# ---------------------------------------------------------------- settings

def settings_from_config(config: Mapping) -> Settings:
    """``Settings`` from the app config (LOWER_IS_BETTER_FORMULA, TOLERANCE, ROLLUP_CAP).

    A wrong value is an operator's mistake at start-up, so it raises ``ValueError``."""
    cap_text = str(config.get("ROLLUP_CAP", "none")).strip().lower()
    cap = None if cap_text in ("", "none") else float(cap_text)
    if cap not in ROLLUP_CAPS:
        raise ValueError(f"ROLLUP_CAP must be none, 100, 110 or 120, not {cap_text!r}")
    return Settings(lower_is_better_formula=str(config.get("LOWER_IS_BETTER_FORMULA", "2T-R")),
                    tolerance=float(config.get("TOLERANCE", 15)), rollup_cap=cap)


# ---------------------------------------------------------------- periods

def _months(code: str) -> tuple[int, int]:
    """First and last month a period code covers."""
    if code == periods.ANNUAL:
        return 1, 12
    size = 1 if code in periods.MONTH_CODES else 3 if code in periods.QUARTERS else 6
    k = periods.index(code)
    return (k - 1) * size + 1, k * size


def contains(outer: str, inner: str) -> bool:
    (a, b), (c, d) = _months(outer), _months(inner)
    return a <= c and d <= b


def _family(code: str) -> list[str]:
    for family in (periods.MONTH_CODES, periods.QUARTERS, periods.SEMESTERS):
        if code in family:
            return family
    return [periods.ANNUAL]


def reporting_periods(ind: Indicator) -> list[str]:
    """The periods an indicator reports on: those of its frequency, or ``Y`` for an annual one."""
    return periods.for_frequency(ind.frequency) or [periods.ANNUAL]


def periods_due(codes: list[str], upto: str) -> int:
    """How many of ``codes`` (in order) have ended by the end of ``upto``."""
    end = _months(upto)[1]
    return sum(1 for c in codes if _months(c)[1] <= end)


def trend_periods(upto: str) -> list[str]:
    """The points of a trend up to ``upto``, in its own granularity (quarters for ``Y``)."""
    family = periods.QUARTERS if upto == periods.ANNUAL else _family(upto)
    return family[:periods_due(family, upto)]


def _check_period_code(period: str) -> None:
    if not periods.is_valid(period):
        raise Invalid(f"Periode '{period}' tidak dikenal (Y, S1–S2, TW1–TW4, M01–M12).", field="period")


# ---------------------------------------------------------------- checks shared by every write

def _renja_year(plan: Plan, year: int) -> None:
    if plan.kind != "renja":
        raise Invalid("Realisasi dicatat pada Renja, bukan Renstra.", field="plan")
    if year != plan.first_year:
        raise Invalid(f"Tahun {year} bukan tahun Renja ini ({plan.first_year}).", field="year")


def _check_cell(s: Session, ind: Indicator, year: int, period: str) -> Plan:
    """The plan of a valid (indicator, year, period) cell; refuses periods the frequency does not ask for."""
    plan = get_plan(s, ind.plan_id)
    _renja_year(plan, year)
    allowed = reporting_periods(ind)
    if period not in allowed:
        raise Invalid(f"Periode '{period}' tidak sesuai frekuensi {FREQUENCY_LABELS[ind.frequency].lower()} "
                      f"indikator ini; pilih {', '.join(allowed)}.", field="period")
    return plan


def _cell_query(model, indicator_id: int, year: int, period: str):
    """Rows of a table keyed by (indicator, year, period)."""
    return select(model).where(model.indicator_id == indicator_id, model.year == year, model.period == period)


def _closed_locks(s: Session, plan_id: int, year: int) -> list[PeriodLock]:
    return list(s.exec(select(PeriodLock).where(PeriodLock.plan_id == plan_id, PeriodLock.year == year,
                                                PeriodLock.closed == True)))  # noqa: E712


def _closing_lock(s: Session, plan_id: int, year: int, period: str) -> PeriodLock | None:
    """The closed period that contains ``period`` (closing TW1 closes M01–M03; Y closes the year)."""
    return next((lk for lk in _closed_locks(s, plan_id, year) if contains(lk.period, period)), None)


def _ensure_open(s: Session, plan_id: int, year: int, period: str) -> None:
    lock = _closing_lock(s, plan_id, year, period)
    if lock is not None:
        raise Conflict(f"Periode {periods.label(lock.period)} {year} sudah ditutup; minta reviewer membukanya "
                       "kembali untuk mengubah data.", field="period")


def _open_cell(s: Session, ind: Indicator, year: int, period: str) -> Plan:
    plan = _check_cell(s, ind, year, period)
    _ensure_open(s, plan.id, year, period)
    return plan


# ---------------------------------------------------------------- realisation

_FIELD_NAMES = {"value": "Realisasi", "numerator": "Pembilang", "denominator": "Penyebut",
                "pagu": "Pagu", "realized": "Realisasi anggaran"}


def _number(raw: Any, fld: str) -> float | None:
    """A number from a number or a typed text ("88,67", "1.250", "90%"); None when empty."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, Decimal)):
        raise Invalid(f"{_FIELD_NAMES[fld]} harus berupa angka.", field=fld)
    try:
        return parse_number(float(raw) if isinstance(raw, Decimal) else raw)  # refuses NaN and infinity
    except ValueError as exc:
        raise Invalid(f"{_FIELD_NAMES[fld]}: {exc}.", field=fld) from exc


def _negatives_planned(s: Session, ind: Indicator) -> bool:
    """Growth rates and the like may be negative: allowed when the plan itself has a negative figure."""
    if ind.baseline_value is not None and ind.baseline_value < 0:
        return True
    found = s.exec(select(Target.id).where(Target.indicator_id == ind.id,
                                           or_(Target.value < 0, Target.lower < 0))).first()
    return found is not None


def _check_bounds(s: Session, ind: Indicator, value: float, fld: str, what: str | None = None) -> None:
    what = what or _FIELD_NAMES[fld]
    if value < 0 and not _negatives_planned(s, ind):
        raise Invalid(f"{what} tidak boleh negatif untuk indikator ini.", field=fld)
    if ind.unit.strip().lower() in PERCENT_UNITS and value > PERCENT_LIMIT:
        raise Invalid(f"{what} {format_number(value)}% tidak wajar (lebih dari "
                      f"{format_number(PERCENT_LIMIT, 0)}%); periksa kembali.", field=fld)


def _ratio(s: Session, ind: Indicator, numerator: Any, denominator: Any) -> dict:
    n, d = _number(numerator, "numerator"), _number(denominator, "denominator")
    if n is None:
        raise Invalid("Indikator rasio diisi pembilang dan penyebut: pembilang wajib diisi.", field="numerator")
    if d is None:
        raise Invalid("Indikator rasio diisi pembilang dan penyebut: penyebut wajib diisi.", field="denominator")
    if n < 0:
        raise Invalid("Pembilang tidak boleh negatif.", field="numerator")
    if d <= 0:
        raise Invalid("Penyebut harus lebih dari 0.", field="denominator")
    # formulas.md §1.2 ratio, through calc: the bound applies to the value the pair stands for.
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
    v = _number(value, "value")
    if v is None:
        raise Invalid("Realisasi wajib diisi dengan angka.", field="value")
    _check_bounds(s, ind, v, "value")
    return {"value": v, "numerator": None, "denominator": None, "achieved": None}


def get_realization(s: Session, ind: Indicator, year: int, period: str) -> Realization | None:
    return s.exec(_cell_query(Realization, ind.id, year, period)).first()


def record_realization(s: Session, ind: Indicator, year: int, period: str, *, value: Any = None,
                       numerator: Any = None, denominator: Any = None, achieved: bool | None = None,
                       note: str | None = None, evidence_url: str | None = None, user_id: int | None = None,
                       draft: bool = False) -> Realization:
    """Enter or replace the realisation of a cell. Numbers may come typed ("88,67").

    A new entry is ``submitted`` (``draft`` keeps it out of the figures); any change clears an
    earlier verification, so a reviewer sees it again."""
    _open_cell(s, ind, year, period)
    columns = _measurement(s, ind, value, numerator, denominator, achieved)
    url = _check_url(evidence_url) if evidence_url else None
    row = get_realization(s, ind, year, period) or Realization(indicator_id=ind.id, year=year, period=period)
    for key, val in columns.items():
        setattr(row, key, val)
    if note is not None:
        row.note = note.strip()
    row.status = "draft" if draft else "submitted"
    row.entered_by_id, row.entered_at = user_id, utcnow()
    row.verified_by_id = row.verified_at = None
    s.add(row)
    s.flush()
    if url:
        _add_link(s, ind, year, period, url, user_id)
    return row


def clear_realization(s: Session, ind: Indicator, year: int, period: str) -> bool:
    """Remove a cell's value (evidence and narrative stay); False when there was none."""
    _open_cell(s, ind, year, period)
    row = get_realization(s, ind, year, period)
    if row is None:
        return False
    s.delete(row)
    s.flush()
    return True


def verify(s: Session, ind: Indicator, year: int, period: str, *, verified: bool, note: str = "",
           user_id: int | None = None) -> Realization:
    """A reviewer accepts a value (``verified``) or sends it back (``returned``, a note required).

    ``verified_by_id``/``verified_at`` record the last review either way."""
    _open_cell(s, ind, year, period)
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


# ---------------------------------------------------------------- closing periods

def _plan_period(plan: Plan, year: int, period: str) -> None:
    _renja_year(plan, year)
    _check_period_code(period)


def _lock_row(s: Session, plan: Plan, year: int, period: str) -> PeriodLock | None:
    return s.exec(select(PeriodLock).where(PeriodLock.plan_id == plan.id, PeriodLock.year == year,
                                           PeriodLock.period == period)).first()


def close_period(s: Session, plan: Plan, year: int, period: str, user_id: int | None = None) -> PeriodLock:
    """Make a period (and every period inside it) read-only for the whole plan."""
    _plan_period(plan, year, period)
    lock = _lock_row(s, plan, year, period) or PeriodLock(plan_id=plan.id, year=year, period=period)
    if lock.id is not None and lock.closed:
        raise Conflict(f"Periode {periods.label(period)} {year} sudah ditutup.", field="period")
    lock.closed, lock.closed_by_id, lock.closed_at = True, user_id, utcnow()
    s.add(lock)
    s.flush()
    return lock


def reopen_period(s: Session, plan: Plan, year: int, period: str, *, note: str = "",
                  user_id: int | None = None) -> PeriodLock:
    _plan_period(plan, year, period)
    lock = _closing_lock(s, plan.id, year, period)
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


# ---------------------------------------------------------------- narrative and follow-up

def save_narrative(s: Session, ind: Indicator, year: int, period: str, *, faktor_pendorong: str = "",
                   faktor_penghambat: str = "", user_id: int | None = None) -> Narrative:
    _open_cell(s, ind, year, period)
    row = s.exec(_cell_query(Narrative, ind.id, year, period)).first()
    row = row or Narrative(indicator_id=ind.id, year=year, period=period)
    row.faktor_pendorong, row.faktor_penghambat = faktor_pendorong.strip(), faktor_penghambat.strip()
    row.updated_by_id, row.updated_at = user_id, utcnow()
    s.add(row)
    s.flush()
    return row


def add_follow_up(s: Session, ind: Indicator, year: int, period: str, data: FollowUpCreate,
                  user_id: int | None = None) -> FollowUp:
    _open_cell(s, ind, year, period)
    row = FollowUp.model_validate(data.model_dump(), update={
        "indicator_id": ind.id, "year": year, "period": period, "created_by_id": user_id})
    s.add(row)
    s.flush()
    return row


def get_follow_up(s: Session, follow_up_id: int) -> FollowUp:
    row = s.get(FollowUp, follow_up_id)
    if row is None:
        raise NotFound("Tindak lanjut tidak ditemukan.")
    return row


def update_follow_up(s: Session, row: FollowUp, data: FollowUpUpdate) -> FollowUp:
    """Follow-ups are carried out after their period, so a closed period does not freeze them."""
    changes = data.model_dump(exclude_unset=True)
    for key, value in changes.items():
        if value is None and key != "due_date":
            continue
        setattr(row, key, value)
    if "done" in changes and changes["done"] is not None:
        row.done_at = utcnow() if row.done else None
    s.add(row)
    s.flush()
    return row


def delete_follow_up(s: Session, row: FollowUp) -> None:
    _ensure_open(s, s.get(Indicator, row.indicator_id).plan_id, row.year, row.period)
    s.delete(row)
    s.flush()


# ---------------------------------------------------------------- evidence

@dataclass(frozen=True)
class _FileType:
    content_type: str
    looks_right: Callable[[bytes], bool]  # the magic-byte check: an extension alone proves nothing


def _zip_with(folder: str) -> Callable[[bytes], bool]:
    """An Office Open XML file: a zip with a content-types part and the format's own folder."""
    def check(data: bytes) -> bool:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return False
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)
    return check


def _starts(magic: bytes) -> Callable[[bytes], bool]:
    return lambda data: data.startswith(magic)


_JPEG = _FileType("image/jpeg", _starts(b"\xff\xd8\xff"))
EVIDENCE_TYPES: dict[str, _FileType] = {
    "pdf": _FileType("application/pdf", _starts(b"%PDF-")),
    "png": _FileType("image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    "jpg": _JPEG,
    "jpeg": _JPEG,
    "xlsx": _FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _zip_with("xl/")),
    "docx": _FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                      _zip_with("word/")),
}


def _read_limited(data: bytes | BinaryIO, max_bytes: int) -> bytes:
    """At most ``max_bytes`` + 1 bytes are read, so an oversized upload is never held whole."""
    content = data[:max_bytes + 1] if isinstance(data, (bytes, bytearray)) else data.read(max_bytes + 1)
    if len(content) > max_bytes:
        limit = format_number(max_bytes / (1024 * 1024), None)
        raise Invalid(f"Berkas terlalu besar; batasnya {limit} MB.", field="file")
    if not content:
        raise Invalid("Berkas kosong.", field="file")
    return bytes(content)


def _file_type(filename: str) -> tuple[str, str, _FileType]:
    name = Path((filename or "").replace("\\", "/")).name.strip()[:255]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    ftype = EVIDENCE_TYPES.get(ext)
    if ftype is None:
        raise Invalid(f"Jenis berkas '{name or '(tanpa nama)'}' tidak diterima; unggah PDF, PNG, JPG, XLSX "
                      "atau DOCX.", field="file")
    return name, ext, ftype


def store_evidence_file(s: Session, ind: Indicator, year: int, period: str, filename: str,
                        data: bytes | BinaryIO, upload_dir: str | Path, max_bytes: int,
                        user_id: int | None = None) -> Evidence:
    """Check extension, size and content; store under ``upload_dir`` with a random name.

    ``upload_dir`` must lie outside ``static/``: files are served by a view that checks access."""
    _open_cell(s, ind, year, period)
    name, ext, ftype = _file_type(filename)
    content = _read_limited(data, max_bytes)
    if not ftype.looks_right(content):
        raise Invalid(f"Isi berkas '{name}' bukan {ext.upper()} yang sah (mungkin hanya berganti nama).",
                      field="file")
    folder = Path(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}.{ext}"
    with open(folder / stored, "xb") as out:  # "x": never overwrite another file
        out.write(content)
    row = Evidence(indicator_id=ind.id, year=year, period=period, kind="file", filename=name,
                   stored_name=stored, content_type=ftype.content_type, size=len(content),
                   uploaded_by_id=user_id)
    s.add(row)
    s.flush()
    return row


def _check_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Invalid("Tautan bukti dukung harus berupa alamat http:// atau https:// yang lengkap.",
                      field="evidence_url")
    if len(url) > MAX_URL:
        raise Invalid(f"Tautan bukti dukung terlalu panjang (maksimal {MAX_URL} karakter).", field="evidence_url")
    return url


def _add_link(s: Session, ind: Indicator, year: int, period: str, url: str, user_id: int | None) -> Evidence:
    """The same link given twice is kept once."""
    existing = s.exec(_cell_query(Evidence, ind.id, year, period).where(Evidence.url == url)).first()
    if existing is not None:
        return existing
    row = Evidence(indicator_id=ind.id, year=year, period=period, kind="link", url=url, uploaded_by_id=user_id)
    s.add(row)
    s.flush()
    return row


def add_evidence_link(s: Session, ind: Indicator, year: int, period: str, url: str,
                      user_id: int | None = None) -> Evidence:
    _open_cell(s, ind, year, period)
    return _add_link(s, ind, year, period, _check_url(url), user_id)


def get_evidence(s: Session, evidence_id: int) -> Evidence:
    row = s.get(Evidence, evidence_id)
    if row is None:
        raise NotFound("Bukti dukung tidak ditemukan.")
    return row


def evidence_path(row: Evidence, upload_dir: str | Path) -> Path | None:
    """Where a file lives (None for a link); the stored name is ours, never the uploader's."""
    return Path(upload_dir) / row.stored_name if row.kind == "file" and row.stored_name else None


def delete_evidence(s: Session, row: Evidence, upload_dir: str | Path) -> None:
    ind = s.get(Indicator, row.indicator_id)
    _ensure_open(s, ind.plan_id, row.year, row.period)
    path = evidence_path(row, upload_dir)
    s.delete(row)
    s.flush()
    if path is not None:
        path.unlink(missing_ok=True)


# ---------------------------------------------------------------- budget

def _rupiah(raw: Any, fld: str) -> Decimal | None:
    if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
        amount = Decimal(raw)  # exact: rupiah of a large pagu must not pass through a float
    else:
        number = _number(raw, fld)
        if number is None:
            return None
        amount = to_decimal(number)
    if not amount.is_finite() or amount < 0:
        raise Invalid(f"{_FIELD_NAMES[fld]} tidak boleh negatif.", field=fld)
    return amount.quantize(Decimal("0.01"))


def _budget_amounts(realized: Mapping[str, Any]) -> dict[str, Decimal]:
    """Per-period rupiah of one granularity (months, quarters, semesters or the year): mixing
    them would count the same money twice."""
    amounts: dict[str, Decimal] = {}
    for code, raw in realized.items():
        _check_period_code(code)
        amount = _rupiah(raw, "realized")
        if amount is not None:
            amounts[code] = amount
    if len({_family(code)[0] for code in amounts}) > 1:
        raise Invalid("Realisasi anggaran diisi per bulan, per triwulan, per semester atau per tahun; "
                      "jangan dicampur.", field="realized")
    return amounts


def _budget_rows(s: Session, budget: NodeBudget) -> dict[str, BudgetRealization]:
    if budget.id is None:
        return {}
    rows = s.exec(select(BudgetRealization).where(BudgetRealization.node_budget_id == budget.id)).all()
    return {r.period: r for r in rows}


def set_budget(s: Session, node: PlanNode, year: int, pagu: Any, realized: Mapping[str, Any] | None = None,
               user_id: int | None = None) -> NodeBudget:
    """Set a node's pagu for a year and its realised rupiah per period (the map replaces the old one).

    Amounts of closed periods cannot change; realised money cannot exceed the pagu."""
    plan = get_plan(s, node.plan_id)
    if year not in plan.years:
        raise Invalid(f"Tahun {year} di luar periode rencana {plan.period_label}.", field="year")
    pagu_d = _rupiah(pagu, "pagu")
    if pagu_d is None:
        raise Invalid("Pagu wajib diisi.", field="pagu")
    amounts = _budget_amounts(realized or {})
    total = sum(amounts.values(), Decimal(0))
    if total > pagu_d:
        raise Invalid(f"Realisasi anggaran {format_rupiah(total)} melebihi pagu {format_rupiah(pagu_d)}.",
                      field="realized")
    budget = s.exec(select(NodeBudget).where(NodeBudget.node_id == node.id, NodeBudget.year == year)).first()
    ensure_pagu_unchanged(plan, node, budget, pagu_d)
    budget = budget or NodeBudget(node_id=node.id, year=year, pagu=pagu_d)
    old = _budget_rows(s, budget)
    for code in set(old) | set(amounts):
        if (old[code].amount if code in old else None) != amounts.get(code):
            _ensure_open(s, plan.id, year, code)
    budget.pagu, budget.updated_by_id, budget.updated_at = pagu_d, user_id, utcnow()
    s.add(budget)
    s.flush()
    _replace_amounts(s, budget, old, amounts)
    return budget


LOCKED_PAGU_STATUSES = ("submitted", "approved", "locked")


def ensure_pagu_unchanged(plan: Plan, node: PlanNode, budget: NodeBudget | None, pagu: Decimal) -> None:
    """Locked means locked: once a plan is submitted, approved or fixed, a node's pagu changes only through a
    revision (Renja Perubahan). Realised amounts stay open; the pagu must stay what it is (or, for a first
    entry, what the plan says)."""
    if plan.status not in LOCKED_PAGU_STATUSES:
        return
    current = budget.pagu if budget is not None else node.pagu
    if current is not None and Decimal(current) != pagu:
        raise Conflict(f"Pagu tidak dapat diubah: rencana berstatus {plan.status_label}. Ubah pagu melalui "
                       f"revisi rencana (Renja Perubahan); pagu saat ini {format_rupiah(Decimal(current))}.",
                       field="pagu", code="locked")


def _replace_amounts(s: Session, budget: NodeBudget, old: dict[str, BudgetRealization],
                     amounts: dict[str, Decimal]) -> None:
    for code, row in old.items():
        if code not in amounts:
            s.delete(row)
    for code, amount in amounts.items():
        row = old.get(code) or BudgetRealization(node_budget_id=budget.id, period=code, amount=amount)
        row.amount = amount
        s.add(row)
    s.flush()


# ---------------------------------------------------------------- read side: one indicator

@dataclass
class Cell:
    """One (indicator, period) cell of the entry grid."""

    period: str
    target: TargetSpec
    realization: Realization | None = None
    evidence: int = 0  # how many pieces of bukti dukung
    closed: bool = False

    @property
    def counted(self) -> Realization | None:
        """The realisation when it counts in the figures (submitted or verified)."""
        r = self.realization
        return r if r is not None and r.status in COUNTED_STATUSES else None


@dataclass
class IndicatorRow:
    """An indicator at ``upto``: its cells, how many periods are due, and calc's progress."""

    indicator: Indicator
    node: PlanNode
    annual_target: TargetSpec
    cells: list[Cell]
    due: int  # periods of the indicator that have ended by ``upto``
    progress: IndicatorProgress | None  # None while no period is due

    @property
    def status(self) -> str:
        return NOT_DUE if self.progress is None else self.progress.status

    @property
    def responsible(self) -> str:
        return self.indicator.responsible or self.node.unit_in_charge

    @property
    def missing(self) -> list[Cell]:
        """Due cells without a counted value (not entered, a draft, or returned)."""
        return [c for c in self.cells[:self.due] if c.counted is None]

    def summary(self) -> dict:
        """The API's achievement answer; numbers are None when they cannot be computed."""
        p = self.progress
        if p is None:
            return {"achievement": None, "annual_achievement": None, "status": NOT_DUE, "gap": None,
                    "forecast": None, "required_pace": None, "formula": None, "predikat": None}
        return {"achievement": p.achievement.value, "annual_achievement": p.annual_achievement.value,
                "status": p.status, "gap": p.gap, "forecast": p.forecast, "required_pace": p.required_pace,
                "formula": p.achievement.formula, "predikat": p.predikat}


def _spec(t: Target | None) -> TargetSpec:
    return TargetSpec() if t is None else TargetSpec(value=t.value, lower=t.lower, upper=t.upper, text=t.text)


def _last_achieved(cells: list[Cell]) -> bool | None:
    """Qualitative: the latest counted verdict holds until a later period changes it."""
    verdicts = [c.counted.achieved for c in cells if c.counted is not None and c.counted.achieved is not None]
    return verdicts[-1] if verdicts else None


def _series(rows: list[Realization | None]) -> dict[str, list[float | None]]:
    """The value, numerator and denominator columns calc accumulates (None = not reported)."""
    return {"values": [r.value if r else None for r in rows],
            "numerators": [r.numerator if r else None for r in rows],
            "denominators": [r.denominator if r else None for r in rows]}


def _progress(ind: Indicator, annual: TargetSpec, cells: list[Cell], due: int,
              settings: Settings) -> IndicatorProgress | None:
    if due == 0:
        return None
    return period_and_annual(
        targets_by_period=[c.target for c in cells], annual_target=annual, accumulation=ind.accumulation,
        polarity=ind.polarity, upto=due, settings=settings, factor=ind.ratio_factor,
        achieved=_last_achieved(cells[:due]), **_series([c.counted for c in cells]))


@dataclass
class _CellData:
    """Rows of one plan year that belong to cells, keyed for lookups without further queries."""

    targets: dict[int, dict[tuple[int, str], Target]]
    realizations: dict[tuple[int, str], Realization]
    evidence: dict[tuple[int, str], int]
    closed: list[str]

    def row(self, ind: Indicator, node: PlanNode, year: int, upto: str, settings: Settings) -> IndicatorRow:
        targets = self.targets.get(ind.id, {})
        codes = reporting_periods(ind)
        cells = [Cell(p, _spec(targets.get((year, p))), self.realizations.get((ind.id, p)),
                      self.evidence.get((ind.id, p), 0), any(contains(c, p) for c in self.closed))
                 for p in codes]
        annual = _spec(targets.get((year, periods.ANNUAL)))
        due = periods_due(codes, upto)
        return IndicatorRow(ind, node, annual, cells, due, _progress(ind, annual, cells, due, settings))


def _load_cells(s: Session, plan: Plan, year: int, targets: dict[int, dict], indicator_id: int | None = None
                ) -> _CellData:
    """Realisations, evidence counts and closed periods: three statements for a plan or one indicator."""
    scope = (Indicator.id == indicator_id) if indicator_id is not None else (Indicator.plan_id == plan.id)
    reals = s.exec(select(Realization).join(Indicator, Realization.indicator_id == Indicator.id)
                   .where(scope, Realization.year == year)).all()
    counts = s.exec(select(Evidence.indicator_id, Evidence.period, func.count())
                    .join(Indicator, Evidence.indicator_id == Indicator.id)
                    .where(scope, Evidence.year == year).group_by(Evidence.indicator_id, Evidence.period)).all()
    return _CellData(targets=targets, realizations={(r.indicator_id, r.period): r for r in reals},
                     evidence={(i, p): n for i, p, n in counts},
                     closed=[lk.period for lk in _closed_locks(s, plan.id, year)])


def _check_read(plan: Plan, year: int, upto: str) -> None:
    _renja_year(plan, year)
    _check_period_code(upto)


def achievement_for_indicator(s: Session, ind: Indicator, year: int, period: str,
                              settings: Settings) -> IndicatorRow:
    """One indicator at ``period`` (any period code, see the module doc); ``.summary()`` for the API."""
    plan = get_plan(s, ind.plan_id)
    _check_read(plan, year, period)
    targets = s.exec(select(Target).where(Target.indicator_id == ind.id)).all()
    data = _load_cells(s, plan, year, {ind.id: {(t.year, t.period): t for t in targets}}, ind.id)
    return data.row(ind, s.get(PlanNode, ind.node_id), year, period, settings)


def realisation_lookup(s: Session, plan: Plan) -> Callable[[int, int, str], float | None]:
    """The worksheet's hook (``services.worksheet.RealisationFn``) over a plan's counted values, in two
    statements. A period the indicator reports on gives that period's own value (the worksheet sets it
    beside that period's target); ``Y`` for a sub-annual indicator gives the year's accumulated value."""
    indicators = {i.id: i for i in s.exec(select(Indicator).where(Indicator.plan_id == plan.id))}
    rows = s.exec(select(Realization).join(Indicator, Realization.indicator_id == Indicator.id)
                  .where(Indicator.plan_id == plan.id, Realization.status.in_(COUNTED_STATUSES))).all()
    by_cell = {(r.indicator_id, r.year, r.period): r for r in rows}

    def lookup(indicator_id: int, year: int, period: str) -> float | None:
        ind = indicators.get(indicator_id)
        codes = reporting_periods(ind) if ind else []
        picked = [period] if period in codes else codes if period == periods.ANNUAL else []
        if not picked:
            return None
        series = _series([by_cell.get((indicator_id, year, p)) for p in picked])
        return accumulate(accumulation=ind.accumulation, upto=len(picked), factor=ind.ratio_factor, **series)

    return lookup


@dataclass
class PeriodDetail:
    """Everything about one cell, for its detail page."""

    realization: Realization | None
    evidence: list[Evidence]
    narrative: Narrative | None
    follow_ups: list[FollowUp]
    closed: bool


def period_detail(s: Session, ind: Indicator, year: int, period: str) -> PeriodDetail:
    plan = _check_cell(s, ind, year, period)
    return PeriodDetail(
        realization=get_realization(s, ind, year, period),
        evidence=list(s.exec(_cell_query(Evidence, ind.id, year, period).order_by(Evidence.uploaded_at, Evidence.id))),
        narrative=s.exec(_cell_query(Narrative, ind.id, year, period)).first(),
        follow_ups=list(s.exec(_cell_query(FollowUp, ind.id, year, period).order_by(FollowUp.created_at,
                                                                                     FollowUp.id))),
        closed=_closing_lock(s, plan.id, year, period) is not None,
    )


# ---------------------------------------------------------------- read side: the plan

@dataclass
class BudgetProgress:
    pagu: Decimal | None
    realised: Decimal | None  # None when nothing is reported
    absorption: Result  # serapan (%), calc.absorption


@dataclass
class NodeProgress:
    """A node at ``upto``. ``basis`` names what was averaged (formulas.md §2): the indicators of
    a level ("output", "outcome", "impact"), all its indicators ("all"), or its children ("children")."""

    node: PlanNode
    depth: int
    level: SchemeLevel | None
    basis: str
    achievement: RollupResult  # of the period achievements: drives the status colour
    annual_achievement: RollupResult  # of the annual achievements: drives the predikat (Permendagri 86)
    status: str
    predikat: str | None
    status_counts: dict[str, int]  # every indicator of the subtree, by status
    budget: BudgetProgress
    indicators: list[IndicatorRow]
    children: list["NodeProgress"] = field(default_factory=list)

    def walk(self) -> Iterator["NodeProgress"]:
        yield self
        for child in self.children:
            yield from child.walk()

    def rows(self) -> list[IndicatorRow]:
        """The indicator rows of the subtree (the entry grid of one activity)."""
        return [r for n in self.walk() for r in n.indicators]

    def as_dict(self) -> dict:
        """The API's roll-up tree."""
        return {"id": self.node.id, "code": self.node.code, "name": self.node.name, "kind": self.node.kind,
                "achievement": self.achievement.value, "annual_achievement": self.annual_achievement.value,
                "predikat": self.predikat, "status": self.status, "status_counts": self.status_counts,
                "basis": self.basis, "formula": self.achievement.formula,
                "budget": {"pagu": self.budget.pagu, "realized": self.budget.realised,
                           "absorption": self.budget.absorption.value},
                "children": [c.as_dict() for c in self.children]}


@dataclass
class EarlyWarning:
    """An indicator that misses its annual target at the current pace."""

    row: IndicatorRow
    forecast: float
    forecast_achievement: Result  # the forecast against the annual target
    required_pace: float | None  # per remaining period (calc gives it for ``sum`` indicators)


@dataclass
class MissingReport:
    row: IndicatorRow
    period: str
    reason: str  # "belum_dilaporkan" | "draft" | "returned"

    @property
    def responsible(self) -> str:
        return self.row.responsible


@dataclass
class TrendPoint:
    period: str
    achievement: RollupResult
    annual_achievement: RollupResult
    absorption: Result


@dataclass
class PlanProgress:
    plan: Plan
    year: int
    upto: str
    achievement: RollupResult  # the plan: the mean of its top nodes (formulas.md §2)
    annual_achievement: RollupResult
    status: str
    predikat: str | None
    status_counts: dict[str, int]
    budget: BudgetProgress
    roots: list[NodeProgress]
    rows: list[IndicatorRow]  # every indicator, in tree order
    early_warnings: list[EarlyWarning]
    missing_reports: list[MissingReport]
    trend: list[TrendPoint]
    reported: int  # due cells with a counted value
    expected: int  # due cells
    completeness: Result  # reported / expected × 100
    closed_periods: list[str]
    by_id: dict[int, NodeProgress] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_id = {n.node.id: n for root in self.roots for n in root.walk()}

    def node(self, node_id: int) -> NodeProgress | None:
        return self.by_id.get(node_id)


def _basis_level(level: SchemeLevel | None, levels: list[SchemeLevel]) -> str:
    """formulas.md §2: programs and strategic targets average outcome indicators, activities and
    below output ones. Read from the scheme's order so both schemes share it: the first strategic
    level (tujuan) measures impact, the first operational level (program) outcome."""
    if level is None:
        return "output"
    same_kind = [lv for lv in levels if lv.strategic == level.strategic]
    first = level.depth == same_kind[0].depth
    if level.strategic:
        return "impact" if first else "outcome"
    return "outcome" if first else "output"


def _reported_any(result: RollupResult) -> bool:
    return result.reported + result.unreported > 0


def _roll(rows: list[IndicatorRow], children: list, settings: Settings) -> tuple[RollupResult, RollupResult]:
    """Period and annual roll-up of due indicator rows, or else of children that have something due."""
    due = [r for r in rows if r.progress is not None]
    if rows:
        period = [(r.progress.achievement.value, r.indicator.weight) for r in due]
        annual = [(r.progress.annual_achievement.value, r.indicator.weight) for r in due]
    else:
        live = [c for c in children if _reported_any(c.achievement)]
        period = [(c.achievement.value, None) for c in live]
        annual = [(c.annual_achievement.value, None) for c in live]
    return rollup(period, settings), rollup(annual, settings)


def _status_of(result: RollupResult, settings: Settings) -> str:
    return status(result.value, settings) if _reported_any(result) else NOT_DUE


def _predikat_name(result: RollupResult) -> str | None:
    found = predikat(result.value)
    return None if found is None else found.name


def _count_statuses(rows: list[IndicatorRow], children: list[NodeProgress]) -> dict[str, int]:
    counts = Counter({key: 0 for key in MONITORING_STATUS_LABELS})
    counts.update(r.status for r in rows)
    for child in children:
        counts.update(child.status_counts)
    return dict(counts)


_Figures = tuple[Decimal | None, list[Decimal]]  # pagu and the rupiah realised so far


@dataclass
class _Budgets:
    by_node: dict[int, NodeBudget]
    amounts: dict[int, dict[str, Decimal]]  # by node budget id
    plan_year: bool  # the plan's own pagu column speaks of this year

    def figures(self, node: PlanNode, upto: str, children: list[NodeProgress]) -> _Figures:
        """A node's own execution budget; else its children's total (formulas.md §2: a parent keeps no
        copy of its children's numbers); else the pagu written in the plan, with nothing realised."""
        budget = self.by_node.get(node.id)
        if budget is not None:
            end = _months(upto)[1]
            return budget.pagu, [a for p, a in self.amounts.get(budget.id, {}).items() if _months(p)[1] <= end]
        budgeted = [c.budget for c in children if c.budget.pagu is not None]
        if budgeted:
            return _combine(budgeted)
        return (node.pagu if self.plan_year else None), []


def _combine(parts: list[BudgetProgress]) -> _Figures:
    pagus = [b.pagu for b in parts if b.pagu is not None]
    realised = [b.realised for b in parts if b.realised is not None]
    return (sum(pagus, Decimal(0)) if pagus else None), realised


def _budget(figures: _Figures) -> BudgetProgress:
    pagu, amounts = figures
    realised = sum(amounts, Decimal(0)) if amounts else None
    return BudgetProgress(pagu, realised, absorption(amounts, pagu))


@dataclass
class _Evaluation:
    roots: list[NodeProgress]
    rows: list[IndicatorRow]
    achievement: RollupResult
    annual_achievement: RollupResult
    budget: BudgetProgress


def _evaluate(tree: Tree, cells: _CellData, budgets: _Budgets, year: int, upto: str,
              settings: Settings) -> _Evaluation:
    """The whole plan at ``upto``, in memory (no queries): rows, node roll-ups, plan figures."""
    rows: list[IndicatorRow] = []

    def visit(tn: TreeNode) -> NodeProgress:
        own = [cells.row(ind, tn.node, year, upto, settings) for ind in tn.indicators]
        rows.extend(own)
        children = [visit(c) for c in tn.children]
        basis = _basis_level(tn.level, tree.levels)
        members = [r for r in own if r.indicator.level == basis]
        if not members:  # no indicator of that level: all of its own, else its children
            basis, members = ("all", own) if own else ("children", [])
        period_c, annual_c = _roll(members, children, settings)
        return NodeProgress(tn.node, tn.depth, tn.level, basis, period_c, annual_c, _status_of(period_c, settings),
                            _predikat_name(annual_c), _count_statuses(own, children),
                            _budget(budgets.figures(tn.node, upto, children)), own, children)

    roots = [visit(tn) for tn in tree.roots]
    period_c, annual_c = _roll([], roots, settings)
    return _Evaluation(roots, rows, period_c, annual_c, _budget(_combine([r.budget for r in roots])))


def _early_warnings(rows: list[IndicatorRow], settings: Settings) -> list[EarlyWarning]:
    """Indicators with periods still to come whose forecast (calc.forecast) falls short of the annual
    target, read through calc.achievement and calc.status so every polarity is handled alike."""
    out = []
    for r in rows:
        p = r.progress
        if p is None or p.forecast is None or r.due >= len(r.cells):
            continue
        at_year_end = achievement(r.annual_target, p.forecast, r.indicator.polarity, settings)
        if at_year_end.value is not None and status(at_year_end.value, settings) != "tercapai":
            out.append(EarlyWarning(r, p.forecast, at_year_end, p.required_pace))
    return sorted(out, key=lambda w: w.forecast_achievement.value)


def _missing_reports(rows: list[IndicatorRow]) -> list[MissingReport]:
    return [MissingReport(r, c.period, c.realization.status if c.realization else "belum_dilaporkan")
            for r in rows for c in r.missing]


def _completeness(rows: list[IndicatorRow]) -> tuple[int, int, Result]:
    expected = sum(r.due for r in rows)
    reported = expected - sum(len(r.missing) for r in rows)
    # No formula of its own in calc: reported against expected is "R / T × 100" (formulas.md §1.1).
    return reported, expected, achievement(TargetSpec(value=expected), reported, HIGHER_IS_BETTER)


def _load_budgets(s: Session, plan: Plan, year: int) -> _Budgets:
    """Node budgets and their per-period amounts: two statements."""
    budgets = s.exec(select(NodeBudget).join(PlanNode, NodeBudget.node_id == PlanNode.id)
                     .where(PlanNode.plan_id == plan.id, NodeBudget.year == year)).all()
    amounts = s.exec(select(BudgetRealization).join(NodeBudget, BudgetRealization.node_budget_id == NodeBudget.id)
                     .join(PlanNode, NodeBudget.node_id == PlanNode.id)
                     .where(PlanNode.plan_id == plan.id, NodeBudget.year == year)).all()
    by_budget: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for a in amounts:
        by_budget[a.node_budget_id][a.period] = a.amount
    return _Budgets({b.node_id: b for b in budgets}, dict(by_budget), plan.kind == "renja" and year == plan.first_year)


def progress_for_plan(s: Session, plan: Plan, year: int, upto_period: str, settings: Settings, *,
                      with_trend: bool = True) -> PlanProgress:
    """A Renja's progress at ``upto_period``: the tree (load_tree) plus realisations, evidence counts,
    closed periods and budgets, in a fixed number of statements; every figure through calc.

    The trend evaluates the plan once per earlier period (12 times at ``M12``): pages that do not
    show it (the entry grid, the API roll-up, rankings) pass ``with_trend=False``."""
    _check_read(plan, year, upto_period)
    tree = load_tree(s, plan)
    targets = {iid: {(t.year, t.period): t for t in ts} for iid, ts in tree.targets.items()}
    cells, budgets = _load_cells(s, plan, year, targets), _load_budgets(s, plan, year)
    now = _evaluate(tree, cells, budgets, year, upto_period, settings)
    trend = []
    for point in trend_periods(upto_period) if with_trend else []:
        ev = now if point == upto_period else _evaluate(tree, cells, budgets, year, point, settings)
        trend.append(TrendPoint(point, ev.achievement, ev.annual_achievement, ev.budget.absorption))
    reported, expected, completeness = _completeness(now.rows)
    return PlanProgress(
        plan=plan, year=year, upto=upto_period, achievement=now.achievement,
        annual_achievement=now.annual_achievement, status=_status_of(now.achievement, settings),
        predikat=_predikat_name(now.annual_achievement), status_counts=_count_statuses([], now.roots),
        budget=now.budget, roots=now.roots, rows=now.rows, early_warnings=_early_warnings(now.rows, settings),
        missing_reports=_missing_reports(now.rows), trend=trend, reported=reported, expected=expected,
        completeness=completeness, closed_periods=cells.closed)


# ---------------------------------------------------------------- reviewer dashboard

@dataclass
class OrgRank:
    plan: Plan
    achievement: RollupResult  # the plan's period achievement (fair mid-year: against period targets)
    annual_achievement: RollupResult
    predikat: str | None
    reported: int
    expected: int
    completeness: Result


@dataclass
class Ranking:
    by_achievement: list[OrgRank]  # highest first; plans with nothing computable last
    by_completeness: list[OrgRank]


def _ranked(items: Iterable[OrgRank], value: Callable[[OrgRank], float | None]) -> list[OrgRank]:
    return sorted(items, key=lambda r: (value(r) is None, -(value(r) or 0), r.plan.id))


def org_ranking(s: Session, plans: Iterable[Plan], year: int, period: str, settings: Settings) -> Ranking:
    """Renja of the organisations in scope ranked by achievement and by reporting completeness.

    Each plan costs the fixed statements of ``progress_for_plan``."""
    ranks = []
    for plan in plans:
        p = progress_for_plan(s, plan, year, period, settings, with_trend=False)
        ranks.append(OrgRank(plan, p.achievement, p.annual_achievement, p.predikat, p.reported, p.expected,
                             p.completeness))
    return Ranking(by_achievement=_ranked(ranks, lambda r: r.achievement.value),
                   by_completeness=_ranked(ranks, lambda r: r.completeness.value))

