"""The Permendagri 86 narrative (faktor pendorong/penghambat) and the follow-ups (tindak lanjut) of a cell."""
from __future__ import annotations

from sqlmodel import Session

from planner.errors import NotFound
from planner.models import FollowUp, Indicator, Narrative
from planner.models.base import utcnow
from planner.models.monitoring import FollowUpCreate, FollowUpUpdate
from planner.services import acting, concurrency
from planner.services.plans import get_plan

from .checks import cell_query, ensure_open, open_cell


def save_narrative(s: Session, ind: Indicator, year: int, period: str, *, faktor_pendorong: str = "",
                   faktor_penghambat: str = "", user_id: int | None = None, version=None) -> Narrative:
    open_cell(s, ind, year, period)
    row = s.exec(cell_query(Narrative, ind, year, period)).first()
    concurrency.expect_version(s, row, version, "Narasi periode ini")
    row = row or Narrative(indicator_id=ind.id, indicator_key=ind.key, year=year, period=period)
    row.faktor_pendorong, row.faktor_penghambat = faktor_pendorong.strip(), faktor_penghambat.strip()
    row.updated_by_id, row.updated_at = user_id, utcnow()
    s.add(row)
    s.flush()
    return row


def add_follow_up(s: Session, ind: Indicator, year: int, period: str, data: FollowUpCreate,
                  user_id: int | None = None) -> FollowUp:
    open_cell(s, ind, year, period)
    row = FollowUp.model_validate(data.model_dump(), update={
        "indicator_id": ind.id, "indicator_key": ind.key, "year": year, "period": period, "created_by_id": user_id})
    s.add(row)
    s.flush()
    return row


def get_follow_up(s: Session, follow_up_id: int) -> FollowUp:
    row = s.get(FollowUp, follow_up_id)
    if row is None:
        raise NotFound("Tindak lanjut tidak ditemukan.")
    return row


def _plan_of(s: Session, row: FollowUp):
    return get_plan(s, s.get(Indicator, row.indicator_id).plan_id)


def update_follow_up(s: Session, row: FollowUp, data: FollowUpUpdate) -> FollowUp:
    """Follow-ups are carried out after their period, so a closed period does not freeze them."""
    acting.require(s, "realization.edit", _plan_of(s, row))
    changes = data.model_dump(exclude_unset=True)
    concurrency.expect_version(s, row, changes.pop("version", None), "Tindak lanjut ini")
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
    plan = _plan_of(s, row)
    acting.require(s, "realization.edit", plan)
    ensure_open(s, plan, row.year, row.period)
    s.delete(row)
    s.flush()
