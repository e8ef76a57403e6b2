"""Evidence (bukti dukung) of an action step, as a realisation has it: files and links.

Files go through the one evidence storage (``monitoring.evidence.store_file``: type by content, size limit,
a random name outside ``static/``); the rows are audited like every monitoring row. A step's evidence may be
added or removed while the step's status may be written: by those with ``realization.edit`` on its Renja,
unless the month of its mark lies in a closed period. A Renja Perubahan copies the steps and their evidence
rows; the copies share the file, which goes only when no row names it any more.
"""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Iterable

from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from planner import periods
from planner.errors import Conflict, Invalid, NotFound
from planner.models import ActionStep, Plan, StepEvidence
from planner.services import acting, audit, plans, removal
from planner.services.monitoring.evidence import check_url, evidence_path, store_file

MAX_PER_STEP = 50


def _context(session: OrmSession, row: StepEvidence) -> dict:
    step = session.identity_map.get((ActionStep, (row.step_id,), None))
    return {"plan_id": getattr(step, "plan_id", None), "node_id": getattr(step, "node_id", None),
            "indicator_id": getattr(step, "indicator_id", None)}


audit.register(StepEvidence, "step_evidence",
               lambda o: o.filename or o.url or "bukti dukung", _context)


def _writable(s: Session, step: ActionStep) -> Plan:
    """The step's Renja, when the acting principal may change the step's evidence now."""
    plan = plans.get_plan(s, step.plan_id)
    acting.require(s, "realization.edit", plan)
    if plan.kind != "renja":
        raise Invalid("Rencana aksi disusun pada Renja (rencana tahunan), bukan Renstra.", field="plan")
    if step.status_on is not None:
        from planner.services.action_plans import closed_month  # action_plans copies evidence: imported late

        closed = closed_month(s, plan, step.status_on)
        if closed is not None:
            raise Conflict(f"Periode {periods.label(closed)} {step.status_on.year} sudah ditutup; minta reviewer "
                           "membukanya kembali untuk mengubah bukti dukung langkah.", field="file")
    return plan


def _room(s: Session, step: ActionStep) -> None:
    if len(for_step(s, step.id)) >= MAX_PER_STEP:
        raise Invalid(f"Paling banyak {MAX_PER_STEP} bukti dukung per langkah.", field="file")


def add_file(s: Session, step: ActionStep, filename: str, data: bytes | BinaryIO, upload_dir: str | Path,
             max_bytes: int) -> StepEvidence:
    _writable(s, step)
    _room(s, step)
    f = store_file(filename, data, upload_dir, max_bytes)
    row = StepEvidence(step_id=step.id, kind="file", filename=f.filename, stored_name=f.stored_name,
                       content_type=f.content_type, size=f.size, uploaded_by_id=acting.user_id(s))
    s.add(row)
    s.flush()
    return row


def add_link(s: Session, step: ActionStep, url: str) -> StepEvidence:
    """The same link given twice is kept once."""
    _writable(s, step)
    return link_row(s, step, check_url(url))


def link_row(s: Session, step: ActionStep, url: str) -> StepEvidence:
    """A checked link as evidence of ``step`` (the caller has checked the right), kept once."""
    existing = next((e for e in for_step(s, step.id) if e.kind == "link" and e.url == url), None)
    if existing is not None:
        return existing
    _room(s, step)
    row = StepEvidence(step_id=step.id, kind="link", url=url, uploaded_by_id=acting.user_id(s))
    s.add(row)
    s.flush()
    return row


def get(s: Session, evidence_id: int) -> StepEvidence:
    row = s.get(StepEvidence, evidence_id)
    if row is None:
        raise NotFound("Bukti dukung langkah tidak ditemukan.")
    return row


def for_step(s: Session, step_id: int) -> list[StepEvidence]:
    return list(s.exec(select(StepEvidence).where(StepEvidence.step_id == step_id).order_by(StepEvidence.id)))


def for_steps(s: Session, step_ids: Iterable[int]) -> dict[int, list[StepEvidence]]:
    """Evidence by step id, for a page of steps (one statement)."""
    ids = list(step_ids)
    out: dict[int, list[StepEvidence]] = {i: [] for i in ids}
    if ids:
        for row in s.exec(select(StepEvidence).where(StepEvidence.step_id.in_(ids)).order_by(StepEvidence.id)):
            out[row.step_id].append(row)
    return out


def path(row: StepEvidence, upload_dir: str | Path) -> Path | None:
    return evidence_path(row, upload_dir)


def delete(s: Session, row: StepEvidence, upload_dir: str | Path) -> None:
    step = s.get(ActionStep, row.step_id)
    _writable(s, step)
    gone = removal.unshared_files(s, [row])
    s.delete(row)
    s.flush()
    file = path(row, upload_dir)
    if file is not None and row.stored_name in gone:
        file.unlink(missing_ok=True)


def drop_for_steps(s: Session, step_ids: Iterable[int]) -> None:
    """Steps leaving an action plan take their evidence along (audited); the files go after the commit."""
    removal.remove_step_evidence(s, list(step_ids))


def copy_to(s: Session, copies: dict[int, ActionStep]) -> None:
    """A Perubahan's step copies (old step id -> copy) get the old steps' evidence rows, sharing the files."""
    skip = {"id", "step_id"}
    for old_id, rows in for_steps(s, copies).items():
        s.add_all(StepEvidence(**{k: v for k, v in r.model_dump().items() if k not in skip},
                               step_id=copies[old_id].id) for r in rows)
    s.flush()
