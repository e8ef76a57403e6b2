"""The public-service activity worksheet (issue #5): the five planning steps of the LAN module, BAB III.B.

A worksheet belongs to one kegiatan / sub kegiatan / KRO / RO and reads the plan around it: its
success measures and control checkpoints link to the indicators of the node (or of the nodes below
it), its resources are compared with the node's pagu, its checkpoints show the plan's targets and,
once monitoring supplies them, the realisations. Nothing is copied, so the sheet cannot drift.

Entry points for the pages, the API, the seeds and the print/Excel builders:

* ``get_or_create(s, node)``, ``save_step(s, node, key, data)`` — write (flush, never commit);
* ``load(s, node, realisation_fn=None) -> WorksheetView`` — read, in a fixed number of statements;
* ``progress(view)``; the API shape is ``worksheet_json.as_dict(view)``; the printable "Rencana Kegiatan
  Pelayanan Publik" is built from the view by ``planner.excel.worksheet_sheet.plan_sheet``;
* ``worksheet_seeds.load_worksheets(s, data)`` — ``seeds/worksheets.yaml``.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Callable, Optional

from pydantic import ValidationError
from sqlalchemy import delete
from sqlmodel import Session

from planner import periods
from planner.errors import Invalid, from_pydantic
from planner.models import Indicator, Plan, PlanNode
from planner.models.base import utcnow
from planner.models.worksheet import (
    STEP_INPUTS, STEP_KEYS, ControlIn, ControlRow, ControlRowBase, NeedRow, NeedRowBase, NeedsIn, Partner,
    PartnerBase, ResourceRow, ResourceRowBase, ResourcesIn, StandardRow, StandardRowBase, StandardsIn, StepIn,
    SuccessIn, SuccessMeasure, SuccessMeasureBase, Worksheet,
)
from planner.permissions import Principal, can
from planner.services import acting, concurrency, plans
from planner.services.worksheet_view import (  # noqa: F401  (the worksheet's public read, under its one name)
    RULES, Progress, RealisationFn,
    WorksheetView, _NOTES, _linkable, _Outline, check_node, find, load, progress, progress_by_node,
)

__all__ = [
    "RULES", "RealisationFn", "WorksheetView", "Progress",
    "NeedsIn", "StandardsIn", "SuccessIn", "ResourcesIn", "ControlIn",
    "get_or_create", "save_step", "load", "progress", "may_save", "require_save",
]

# ---------------------------------------------------------------- writing

def get_or_create(s: Session, node: PlanNode) -> Worksheet:
    check_node(node)
    ws = find(s, node)
    if ws is None:
        ws = Worksheet(node_id=node.id, node_key=node.key)
        s.add(ws)
        s.flush()
    return ws


def save_step(s: Session, node: PlanNode, key: str, data: StepIn | dict) -> Worksheet:
    """Replace one step (its rows and its notes) with ``data``, validated as a whole before anything changes.

    Steps 1–4 follow the plan's editability; the control step stays open after approval, because its
    causes and follow-ups are written while the plan runs.
    """
    if key not in STEP_INPUTS:
        raise Invalid(f"Langkah '{key}' tidak dikenal; pilih salah satu: {', '.join(STEP_KEYS)}.", field="step")
    check_node(node)
    plan = plans.get_plan(s, node.plan_id)
    require_save(s, plan, key)
    step = _parse(STEP_INPUTS[key], data)
    ws = find(s, node)
    concurrency.expect_version(s, ws, step.version, "Lembar kerja")
    indicators = _linkable(s, _Outline(s, plan.id), node) if key in ("success", "control") else []
    rows = _SAVERS[key](step, _Links(indicators), plan)  # validates; raises before anything is written
    ws = ws or get_or_create(s, node)
    for table, items in rows.items():
        _replace(s, ws, table, items)
    _apply_notes(ws, key, step)
    ws.version += 1
    ws.updated_at = utcnow()
    s.add(ws)
    s.flush()
    return ws


def may_save(p: Principal | None, plan: Plan, key: str) -> bool:
    """Who may save a step, the one place it is decided: steps 1–4 follow the plan (draft or returned,
    with plan.edit); the control step stays open after approval for whoever edits the plan or reports
    its realisation. ``None`` is the system (seeds, CLI)."""
    if p is None or p.is_admin:
        return key == "control" or plan.status in plans.EDITABLE_STATUSES
    if key == "control":
        return can(p, "plan.edit", plan) or can(p, "realization.edit", plan)
    return can(p, "plan.edit", plan) and plan.status in plans.EDITABLE_STATUSES


def require_save(s: Session, plan: Plan, key: str) -> None:
    """Refuse a save the acting principal may not make (scope, right, then the plan's state and jadwal)."""
    if key == "control":
        if not acting.allowed(s, "realization.edit", plan):
            acting.require(s, "plan.edit", plan)
        return
    plans.check_edit(s, plan)  # right, status and the drafting window (jadwal), as for the plan itself


def _parse(model: type[StepIn], data: StepIn | dict) -> StepIn:
    if isinstance(data, model):
        data = data.model_dump()
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_pydantic(exc) from None


class _Links:
    """Resolves a row's indicator (by id or by plan code) among the indicators it may link."""

    def __init__(self, indicators: list[Indicator]):
        self.by_id = {i.id: i for i in indicators}
        self.by_code = {i.code: i for i in indicators if i.code}

    def resolve(self, row, i: int) -> Optional[int]:
        code = getattr(row, "indicator_code", None)
        if code:
            ind = self.by_code.get(code)
            if ind is None:
                raise _row_error(i, "indicator_code", f"indikator '{code}' bukan indikator kegiatan ini, induknya, atau turunannya")
            if row.indicator_id not in (None, ind.id):
                raise _row_error(i, "indicator_id", "kode dan id indikator menunjuk indikator yang berbeda")
            return ind.id
        if row.indicator_id is not None and row.indicator_id not in self.by_id:
            raise _row_error(i, "indicator_id", "indikator yang dipilih bukan indikator kegiatan ini, induknya, atau turunannya")
        return row.indicator_id


def _row_error(i: int, name: str, message: str, rows: str = "rows") -> Invalid:
    """People count rows from 1; the field path keeps pydantic's 0-based index (``rows.0.unit_cost``)."""
    return Invalid(f"Baris {i + 1}: {message}.", field=f"{rows}.{i}.{name}")


def _dump(row, base) -> dict:
    """The stored fields of an input row (input-only fields such as ``indicator_code`` dropped)."""
    return row.model_dump(include=set(base.model_fields))


def _needs_rows(step: NeedsIn, links: _Links, plan: Plan) -> dict:
    return {NeedRow: [_dump(r, NeedRowBase) for r in step.rows]}


def _standards_rows(step: StandardsIn, links: _Links, plan: Plan) -> dict:
    seen: set[tuple[str, str]] = set()
    for i, r in enumerate(step.rows):
        pair = (r.service.casefold(), r.component)
        if pair in seen:
            raise _row_error(i, "component", f"komponen '{r.component}' untuk layanan '{r.service}' diisi dua kali")
        seen.add(pair)
    return {StandardRow: [_dump(r, StandardRowBase) for r in step.rows]}


def _success_rows(step: SuccessIn, links: _Links, plan: Plan) -> dict:
    items = []
    for i, r in enumerate(step.rows):
        indicator_id = links.resolve(r, i)
        if indicator_id is None and not r.measure:
            raise _row_error(i, "indicator_id", "pilih indikator kegiatan atau tuliskan ukuran keberhasilannya")
        items.append(_dump(r, SuccessMeasureBase) | {"indicator_id": indicator_id})
    return {SuccessMeasure: items}


def _resource_rows(step: ResourcesIn, links: _Links, plan: Plan) -> dict:
    names: set[str] = set()
    for i, p in enumerate(step.partners):
        if p.name.casefold() in names:
            raise _row_error(i, "name", f"mitra '{p.name}' tercatat dua kali", rows="partners")
        names.add(p.name.casefold())
    for i, r in enumerate(step.rows):
        if r.source == "mitra" and r.partner.casefold() not in names:
            what = f"mitra '{r.partner}' belum tercatat di daftar mitra kolaborasi" if r.partner else \
                "sumber daya dari mitra harus menyebut nama mitranya"
            raise _row_error(i, "partner", what)
    rows = [_dump(r, ResourceRowBase) | ({"partner": ""} if r.source == "internal" else {}) for r in step.rows]
    return {ResourceRow: rows, Partner: [_dump(p, PartnerBase) for p in step.partners]}


def _control_rows(step: ControlIn, links: _Links, plan: Plan) -> dict:
    items = []
    for i, r in enumerate(step.rows):
        year = r.year or plan.first_year
        if not plan.first_year <= year <= plan.last_year:
            raise _row_error(i, "year", f"tahun {year} di luar periode rencana {plan.period_label}")
        if not periods.is_valid(r.period):
            raise _row_error(i, "period", f"periode '{r.period}' tidak dikenal (Y, S1–S2, TW1–TW4, M01–M12)")
        _check_due_date(plan, r.due_date, i)
        items.append(_dump(r, ControlRowBase) | {"indicator_id": links.resolve(r, i), "year": year})
    return {ControlRow: items}


def _check_due_date(plan: Plan, due: Optional[date], i: int) -> None:
    """A follow-up falls inside the plan's period, or early the next year for the last checkpoint's gaps."""
    if due is None:
        return
    first, last = date(plan.first_year, 1, 1), date(plan.last_year + 1, 12, 31)
    if not first <= due <= last:
        raise _row_error(i, "due_date", f"tenggat {due:%d-%m-%Y} harus antara {first:%d-%m-%Y} dan {last:%d-%m-%Y}")


_SAVERS: dict[str, Callable[[Any, _Links, Plan], dict]] = {
    "needs": _needs_rows, "standards": _standards_rows, "success": _success_rows,
    "resources": _resource_rows, "control": _control_rows,
}


def _replace(s: Session, ws: Worksheet, table, items: list[dict]) -> None:
    # the sheet's own lineage is stamped (plan_stamps), not every plan's
    s.exec(delete(table).where(table.worksheet_id == ws.id).execution_options(stamp_refs={"worksheet_id": {ws.id}}))
    s.add_all(table(**item, worksheet_id=ws.id, position=pos) for pos, item in enumerate(items))


# Which worksheet columns a step's notes fill: (input attribute, column prefix, the aspect list).
def _apply_notes(ws: Worksheet, key: str, step: StepIn) -> None:
    if key in _NOTES:
        attr, prefix, aspects = _NOTES[key]
        notes = getattr(step, attr)
        for aspect in aspects:
            setattr(ws, prefix + aspect, getattr(notes, aspect))
    if key == "control":
        ws.complaint_channels = ",".join(dict.fromkeys(step.complaint.channels))  # keeps order, drops repeats
    if key == "resources":
        ws.over_pagu_reason = step.over_pagu_reason
