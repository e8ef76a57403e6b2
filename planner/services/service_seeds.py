"""Demo data of service evaluation (``seeds/service.yaml``), loaded through the same services as the UI.

Idempotent: a unit that already has evaluations, surveys or complaints is left as it is."""
from __future__ import annotations

import random
from datetime import date

from sqlmodel import Session, select

from planner.models.complaint import Complaint
from planner.models.evaluation import Evaluation, EvaluationCreate, Instrument
from planner.models.survey import AGE_GROUPS, EDUCATIONS, Survey
from planner.services import complaints, evaluations, instruments, orgs, publication, surveys

TODAY = date(2026, 1, 15)  # the demo's "today" for complaint dates (never in the future)


def load(s: Session, data: dict) -> int:
    instruments.ensure_standard(s)
    created = 0
    for unit in data.get("units", []):
        org = orgs.by_code(s, unit["organization"])
        if org is None:
            continue
        created += _evaluations(s, org.id, unit.get("evaluations", []))
        created += _surveys(s, org.id, unit.get("surveys", []))
        created += _complaints(s, org.id, unit.get("complaints", []))
        if unit.get("publish") and publication.profile(s, org.id).id is None:
            publication.save_profile(s, org.id, {"published": True, "show_standards": True, "show_skm": True,
                                                 "show_complaints": True, "show_survey_link": True,
                                                 **unit["publish"]})
    return created


def _evaluations(s: Session, org_id: int, items: list[dict]) -> int:
    if s.exec(select(Evaluation).where(Evaluation.organization_id == org_id)).first():
        return 0
    for item in items:
        inst = s.exec(select(Instrument).where(Instrument.code == item["instrument"])
                      .order_by(Instrument.version.desc())).first()
        ev = evaluations.create(s, EvaluationCreate(organization_id=org_id, year=item["year"], instrument_id=inst.id,
                                                    label=item.get("label", "")))
        evaluations.save_scores(s, ev, {str(k): v for k, v in item["scores"].items()})
        view = instruments.load(s, inst)
        by_code = {i.code: i.id for i in view.indicators}
        for e in item.get("evidence", []):
            evaluations.add_evidence_link(s, ev, by_code[str(e["indicator"])], e["url"], e.get("title", ""))
    return len(items)


def _surveys(s: Session, org_id: int, items: list[dict]) -> int:
    if s.exec(select(Survey).where(Survey.organization_id == org_id)).first():
        return 0
    for item in items:
        spec = item.get("responses") or {}
        sv = surveys.create(s, {k: v for k, v in item.items() if k not in ("responses", "services")}
                            | {"organization_id": org_id, "services": "\n".join(item.get("services", []))})
        rng = random.Random(spec.get("seed", 1))
        codes = [e.code for e in surveys.elements(s, sv)]
        rows = []
        for _ in range(spec.get("count", 0)):
            row = {c: rng.choices((1, 2, 3, 4), weights=spec.get("elements", {}).get(c, spec["default"]))[0]
                   for c in codes}
            row.update(gender=rng.choice("LP"), age_group=rng.choice(AGE_GROUPS[1:5]),
                       education=rng.choice(EDUCATIONS[2:5]), service=rng.choice(item.get("services") or [None]))
            rows.append(row)
        if rows:
            surveys.add_responses(s, sv, rows, source="import")
    return len(items)


def _complaints(s: Session, org_id: int, items: list[dict]) -> int:
    if s.exec(select(Complaint).where(Complaint.organization_id == org_id)).first():
        return 0
    for item in items:
        row = complaints.create(s, {"organization_id": org_id, **{k: item[k] for k in (
            "channel", "received_on", "category", "summary") if k in item}}, TODAY)
        update = {k: item[k] for k in ("status", "resolved_on", "response") if k in item}
        if update:
            complaints.update(s, row, update)
    return len(items)
