"""Findings and recommendations of the LHE (issue 18) and their follow-up by the unit.

Evaluators (and the round's managers) write them per aspect; once the round is published the unit follows them
up: status (belum / proses / selesai), owner, due date, progress note, and a link to the Renja activity that
carries it ("Jadikan kegiatan", as the gaps of issue 14 do). Shares and the overdue list come from
``calc.evaluation_rounds.follow_up``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from planner.calc import evaluation_rounds as cr
from planner.errors import Conflict, Forbidden, Invalid, NotFound
from planner.models import Organization, Plan, PlanNode
from planner.models.evaluation_round import (
    EvaluationRound, Recommendation, RecommendationIn, RecommendationUpdate, RoundUnit)
from planner.permissions import can
from planner.services import acting, concurrency, evaluation_rounds as rounds, evaluations, instruments, orgs, unit_types
from planner.services.evaluations import ActivityIn


def get(s: Session, rec_id: int) -> Recommendation:
    rec = s.get(Recommendation, rec_id)
    if rec is None:
        raise NotFound("Rekomendasi tidak ditemukan.")
    return rec


def context(s: Session, rec: Recommendation) -> tuple[EvaluationRound, RoundUnit]:
    ru = s.get(RoundUnit, rec.round_unit_id)
    return rounds.get(s, ru.round_id), ru


def _aspect_codes(s: Session, rnd: EvaluationRound) -> dict[str, str]:
    view = instruments.load(s, instruments.get(s, rnd.instrument_id))
    return {a.aspect.code: a.aspect.name for a in view.aspects}


def create(s: Session, data: RecommendationIn) -> Recommendation:
    """A finding and its recommendation on one aspect of a unit; by the unit's evaluator or a manager."""
    rnd = rounds.get(s, data.round_id)
    rounds.require_evaluator(s, rnd, data.organization_id)
    if data.aspect not in _aspect_codes(s, rnd):
        raise Invalid(f"Aspek '{data.aspect}' tidak ada pada instrumen putaran ini.", field="aspect")
    rec = Recommendation(round_unit_id=rounds.round_unit(s, rnd, data.organization_id).id, aspect_code=data.aspect,
                         finding=data.finding.strip(), text=data.text.strip(), owner=data.owner.strip(),
                         due_on=data.due_on, status=data.status,
                         done_on=date.today() if data.status == "selesai" else None)
    s.add(rec)
    s.flush()
    return rec


def _may_follow_up(s: Session, rnd: EvaluationRound, ru: RoundUnit) -> None:
    """The unit (evaluation.edit on it, after publication), its evaluators and the managers."""
    acc = rounds.readable(s, rnd)
    if not acc.sees(ru.organization_id):
        raise NotFound("Rekomendasi tidak ditemukan.")
    if acc.evaluates(ru.organization_id):
        return
    if not acting.allowed(s, "evaluation.edit", orgs.get(s, ru.organization_id)):
        raise Forbidden("Anda tidak berwenang menindaklanjuti rekomendasi unit ini.")
    if rnd.status != "published":
        raise Conflict("Rekomendasi dapat ditindaklanjuti setelah hasil evaluasi dipublikasikan.", field="status")


def update(s: Session, rec: Recommendation, data: RecommendationUpdate) -> Recommendation:
    rnd, ru = context(s, rec)
    _may_follow_up(s, rnd, ru)
    fields = data.model_dump(exclude_unset=True)
    concurrency.expect_version(s, rec, fields.pop("version", None), "Tindak lanjut rekomendasi ini")
    if "node_id" in fields and fields["node_id"] is not None:
        _check_node(s, ru, fields["node_id"])
    for key, value in fields.items():
        setattr(rec, key, value.strip() if isinstance(value, str) else value)
    if fields.get("status") == "selesai" and rec.done_on is None:
        rec.done_on = date.today()
    if fields.get("status") in ("belum", "proses") and "done_on" not in fields:
        rec.done_on = None
    s.add(rec)
    s.flush()
    return rec


def _check_node(s: Session, ru: RoundUnit, node_id: int) -> PlanNode:
    node = s.get(PlanNode, node_id)
    plan = s.get(Plan, node.plan_id) if node else None
    if node is None or plan.organization_id != ru.organization_id or plan.kind != "renja":
        raise Invalid("Kegiatan harus berasal dari Renja unit ini.", field="node_id")
    return node


def delete(s: Session, rec: Recommendation) -> None:
    rnd, ru = context(s, rec)
    rounds.require_evaluator(s, rnd, ru.organization_id)
    s.delete(rec)
    s.flush()


def make_activity(s: Session, rec: Recommendation, plan: Plan, data: ActivityIn) -> PlanNode:
    """"Jadikan kegiatan": the recommendation as an activity with an output indicator in the unit's Renja being
    edited, linked back from the recommendation."""
    rnd, ru = context(s, rec)
    _may_follow_up(s, rnd, ru)
    ev = s.get(evaluations.Evaluation, ru.evaluation_id)
    edited = evaluations.target_plan(s, ev)
    if edited is None or edited.id != plan.id:
        raise Conflict("Kegiatan hanya dapat ditambahkan ke Renja unit yang sedang disusun (draf).", field="plan_id")
    acting.require(s, "plan.edit", plan)
    note = f"Tindak lanjut rekomendasi {rnd.name} ({rnd.year}), aspek {rec.aspect_code}: {rec.text[:300]}"
    node, _ = evaluations.create_activity_node(s, plan, data, note)
    rec.node_id = node.id
    if rec.status == "belum":
        rec.status = "proses"
    s.add(rec)
    s.flush()
    return node


# ---------------------------------------------------------------- reading

@dataclass
class Line:
    rec: Recommendation
    organization: Organization
    round: EvaluationRound
    aspect_name: str
    node: PlanNode | None
    overdue: bool


def list_for(s: Session, round_id: int | None = None, organization_id: int | None = None,
             status: str | None = None, today: date | None = None) -> list[Line]:
    """The recommendations the actor may see (a unit's own only after publication), oldest due first."""
    today = today or date.today()
    q = select(Recommendation, RoundUnit).join(RoundUnit, Recommendation.round_unit_id == RoundUnit.id)
    if round_id is not None:
        q = q.where(RoundUnit.round_id == round_id)
    if organization_id is not None:
        q = q.where(RoundUnit.organization_id == organization_id)
    if status is not None:
        if status not in cr.FOLLOW_UP_STATES:
            raise Invalid("Status harus belum, proses atau selesai.", field="status")
        q = q.where(Recommendation.status == status)
    rows = s.exec(q.order_by(Recommendation.due_on, Recommendation.id)).all()
    org_by_id = {o.id: o for o in orgs.all_orgs(s, sandboxes=True)}  # rounds take no sandbox in
    cache: dict[int, tuple] = {}
    out = []
    for rec, ru in rows:
        if ru.round_id not in cache:
            rnd = rounds.get(s, ru.round_id)
            cache[ru.round_id] = (rnd, rounds.access(s, rnd), _aspect_codes(s, rnd))
        rnd, acc, aspects = cache[ru.round_id]
        if not acc.sees_results(rnd, ru.organization_id):
            continue
        node = s.get(PlanNode, rec.node_id) if rec.node_id else None
        item = _item(rec, ru, None)
        out.append(Line(rec, org_by_id[ru.organization_id], rnd, aspects.get(rec.aspect_code, rec.aspect_code), node,
                        cr.is_overdue(item, today)))
    return out


def for_unit(s: Session, ru: RoundUnit) -> list[Recommendation]:
    return list(s.exec(select(Recommendation).where(Recommendation.round_unit_id == ru.id)
                       .order_by(Recommendation.aspect_code, Recommendation.id)))


def _item(rec: Recommendation, ru: RoundUnit, unit_type: str | None) -> cr.FollowUpItem:
    return cr.FollowUpItem(rec.id, ru.organization_id, rec.aspect_code, unit_type, rec.status, rec.due_on)


def follow_up(s: Session, rnd: EvaluationRound, today: date | None = None) -> tuple[cr.FollowUpSummary, list[Line]]:
    """Follow-up of the round's recommendations (managers and evaluators: the units they see)."""
    today = today or date.today()
    acc = rounds.readable(s, rnd)
    if not (acc.manager or acc.evaluator_of):
        raise Forbidden("Pemantauan tindak lanjut hanya untuk pengelola putaran dan penilai.")
    types = unit_types.resolve(orgs.all_orgs(s))
    units = {u.organization_id: types.get(u.organization_id) for u in rounds.round_units(s, rnd)
             if acc.sees(u.organization_id)}
    rows = s.exec(select(Recommendation, RoundUnit).join(RoundUnit, Recommendation.round_unit_id == RoundUnit.id)
                  .where(RoundUnit.round_id == rnd.id)).all()
    items = [_item(rec, ru, types.get(ru.organization_id)) for rec, ru in rows if ru.organization_id in units]
    summary = cr.follow_up(items, units, today)
    lines = {line.rec.id: line for line in list_for(s, round_id=rnd.id, today=today)}
    return summary, [lines[i] for i in summary.overdue if i in lines]


def as_dict(line: Line) -> dict:
    r = line.rec
    return {"id": r.id, "round_id": line.round.id, "organization_id": line.organization.id,
            "organization": line.organization.name, "aspect": r.aspect_code, "aspect_name": line.aspect_name,
            "finding": r.finding, "text": r.text, "owner": r.owner,
            "due_on": r.due_on.isoformat() if r.due_on else None, "status": r.status,
            "done_on": r.done_on.isoformat() if r.done_on else None, "progress_note": r.progress_note,
            "node_id": r.node_id, "overdue": line.overdue, "version": r.version}


def share_dict(share: cr.Share) -> dict:
    return {"units": share.units, "units_following_up": share.units_acting,
            "units_following_up_pct": share.units_acting_pct, "recommendations": share.items,
            "recommendations_done": share.done, "recommendations_done_pct": share.done_pct, "overdue": share.overdue}


def can_follow_up(s: Session, rnd: EvaluationRound, org_id: int) -> bool:
    who = acting.actor(s)
    acc = rounds.access(s, rnd)
    return acc.evaluates(org_id) or (rnd.status == "published" and who is not None
                                     and (getattr(who, "is_admin", False)
                                          or can(who, "evaluation.edit", orgs.get(s, org_id))))
