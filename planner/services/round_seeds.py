"""Demo data of evaluation across units (``seeds/evaluation_rounds.yaml``), loaded through the same services as the
pages: rounds over the five demo units, self-assessments, verified scores with notes, interviews and visits,
recommendations with their follow-up, lock and publication. Idempotent: a round whose name exists is left alone."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from planner.models import User
from planner.models.evaluation import Instrument
from planner.models.evaluation_round import EvaluationRound, RecommendationIn, RoundCreate
from planner.services import evaluation_rounds as rounds, evaluations, instruments, orgs, recommendations


def load(s: Session, data: dict) -> int:
    instruments.ensure_standard(s)
    created = 0
    for item in data.get("rounds", []):
        if s.exec(select(EvaluationRound).where(EvaluationRound.name == item["name"])).first():
            continue
        _round(s, item)
        created += 1
    return created


def _scores(spec: dict, codes: list[str], base: dict | None = None) -> dict[str, float]:
    out = dict(base) if base else {c: spec["default"] for c in codes}
    out.update({str(k): v for k, v in spec.items() if k != "default"})
    return out


def _round(s: Session, item: dict) -> None:
    inst = s.exec(select(Instrument).where(Instrument.code == item["instrument"])
                  .order_by(Instrument.version.desc())).first()
    codes = [i.code for i in instruments.load(s, inst).indicators]
    units = {u["organization"]: orgs.by_code(s, u["organization"]) for u in item["units"]}
    rnd = rounds.create(s, RoundCreate(name=item["name"], year=item["year"], instrument_id=inst.id,
                                       organization_ids=[o.id for o in units.values() if o is not None]))
    for username, codes_of in item.get("evaluators", {}).items():
        user = s.exec(select(User).where(User.username == username)).first()
        for code in codes_of:
            if user is not None and units.get(code) is not None:
                rounds.assign_evaluator(s, rnd, units[code].id, user.id)
    for u in item["units"]:
        org = units[u["organization"]]
        if org is None:
            continue
        ru = rounds.round_unit(s, rnd, org.id)
        own = _scores(u["self"], codes)
        evaluations.save_scores(s, evaluations.get(s, ru.evaluation_id), own)
        rounds.verify(s, rnd, org.id, _scores(u.get("verified", {}), codes, own), u.get("notes"))
        for v in u.get("visits", []):
            rounds.add_visit(s, rnd, org.id, v["kind"], date.fromisoformat(str(v["held_on"])), v["note"])
        if u.get("summary"):
            rounds.save_summary(s, rnd, org.id, u["summary"])
        for rec in u.get("recommendations", []):
            recommendations.create(s, RecommendationIn(round_id=rnd.id, organization_id=org.id,
                                                       aspect=str(rec["aspect"]), text=rec["text"],
                                                       finding=rec.get("finding", ""), owner=rec.get("owner", ""),
                                                       due_on=rec.get("due_on"), status=rec.get("status", "belum")))
    if item.get("status") in ("locked", "published"):
        rounds.set_status(s, rnd, "locked")
    if item.get("status") == "published":
        rounds.set_status(s, rnd, "published")
    s.flush()


