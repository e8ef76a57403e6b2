"""The PEKPPP self-assessment of a service unit: rounds, scores, evidence, gaps and the activities made
from gaps. Every number comes from ``planner.calc.evaluation`` (IPP, category, gaps, tiers).

Services check the rules (scores 0–5, indicator codes of the pinned instrument, a reason for a tier set
by hand, the Renja being edited); permissions are checked by the callers with ``planner.permissions``.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Mapping

from sqlmodel import Session, func, select

from planner.calc import Settings, compute_ipp, gap_analysis
from planner.calc.evaluation import GapRow, IppResult, RoundChange, compare_rounds
from planner.calc.formatting import parse_number
from planner.errors import Conflict, Invalid, NotFound
from planner.models import Indicator, Organization, Plan, PlanNode
from planner.models.base import utcnow
from planner.models.evaluation import (
    TIERS, Evaluation, EvaluationCreate, EvaluationEvidence, EvaluationScore, GapActivity, InstrumentIndicator)
from planner.models.plan import IndicatorCreate, NodeCreate, TargetIn
from planner.services import audit, concurrency, instruments, monitoring, orgs, plans
from planner.services.monitoring import evidence
from planner.services.instruments import InstrumentView
from planner.services.versions import plan_being_edited

# Scores are audit evidence like plan data; the trail also names who made a stale score sheet stale.
audit.register(EvaluationScore, "evaluation_score", lambda o: "Nilai evaluasi mandiri", lambda s, o: {})


def get(s: Session, evaluation_id: int) -> Evaluation:
    ev = s.get(Evaluation, evaluation_id)
    if ev is None:
        raise NotFound("Evaluasi tidak ditemukan.")
    return ev


def list_for(s: Session, org_ids: set[int] | None, year: int | None = None) -> list[Evaluation]:
    q = select(Evaluation).order_by(Evaluation.year.desc(), Evaluation.organization_id, Evaluation.round)
    if org_ids is not None:
        q = q.where(Evaluation.organization_id.in_(org_ids))
    if year is not None:
        q = q.where(Evaluation.year == year)
    return list(s.exec(q))


def create(s: Session, data: EvaluationCreate) -> Evaluation:
    """The next round of the unit's year, pinned to (and freezing) the chosen instrument version."""
    orgs.get(s, data.organization_id)
    inst = instruments.get(s, data.instrument_id)
    last = s.exec(select(func.max(Evaluation.round)).where(
        Evaluation.organization_id == data.organization_id, Evaluation.year == data.year)).one()
    ev = Evaluation(organization_id=data.organization_id, year=data.year, round=(last or 0) + 1,
                    label=data.label.strip(), instrument_id=inst.id)
    inst.frozen = True
    s.add_all([ev, inst])
    s.flush()
    return ev


def _editable(ev: Evaluation) -> None:
    if ev.status == "final":
        raise Conflict("Evaluasi sudah final; buka kembali untuk mengubah nilai.", field="status")


def _score_value(raw: Any, code: str) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = parse_number(raw) if isinstance(raw, str) else raw
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError
    except ValueError as exc:
        raise Invalid(f"Nilai indikator {code} harus berupa angka 0–5.", field=f"scores.{code}") from exc
    if not 0 <= value <= 5:
        raise Invalid(f"Nilai indikator {code} harus 0–5, bukan {raw}.", field=f"scores.{code}")
    return float(value)


def save_scores(s: Session, ev: Evaluation, scores: Mapping[str, Any], notes: Mapping[str, str] | None = None,
                version: Any = None) -> None:
    """Scores (and notes) keyed by indicator code of the pinned instrument; all or nothing.

    An empty value clears a score. Codes not in the instrument are refused, naming the code. ``version`` is the
    evaluation's as the client read it: every save moves it on (also one that only adds a score row), so a score
    sheet opened before someone else's save is refused whole, naming who saved."""
    _editable(ev)
    concurrency.expect_version(s, ev, version, "Penilaian evaluasi ini", related=_score_rows(s, ev).values())
    view = instruments.load(s, instruments.get(s, ev.instrument_id))
    by_code = {i.code: i for i in view.indicators}
    unknown = [c for c in list(scores) + list(notes or {}) if c not in by_code]
    if unknown:
        raise Invalid(f"Indikator '{unknown[0]}' tidak ada pada instrumen {view.instrument.code} "
                      f"versi {view.instrument.version}.", field=f"scores.{unknown[0]}")
    values = {code: _score_value(raw, code) for code, raw in scores.items()}
    rows = _score_rows(s, ev)
    for code in set(values) | set(notes or {}):
        ind = by_code[code]
        row = rows.get(ind.id) or EvaluationScore(evaluation_id=ev.id, indicator_id=ind.id)
        if code in values:
            row.score = values[code]
        if notes and code in notes:
            row.note = (notes[code] or "").strip()
        s.add(row)
    ev.updated_at = utcnow()
    s.add(ev)
    s.flush()


def _score_rows(s: Session, ev: Evaluation) -> dict[int, EvaluationScore]:
    return {r.indicator_id: r for r in s.exec(select(EvaluationScore).where(EvaluationScore.evaluation_id == ev.id))}


def set_tier(s: Session, ev: Evaluation, indicator_code: str, tier: str | None, reason: str = "") -> None:
    """Override the computed priority tier of a gap; a reason is required. ``None`` restores the computed one."""
    view = instruments.load(s, instruments.get(s, ev.instrument_id))
    ind = next((i for i in view.indicators if i.code == indicator_code), None)
    if ind is None:
        raise Invalid(f"Indikator '{indicator_code}' tidak ada pada instrumen ini.", field="indicator")
    if tier is not None and tier not in TIERS:
        raise Invalid("Prioritas harus I, II atau III.", field="tier")
    if tier is not None and not (reason or "").strip():
        raise Invalid("Alasan mengubah prioritas wajib diisi.", field="reason")
    row = _score_rows(s, ev).get(ind.id) or EvaluationScore(evaluation_id=ev.id, indicator_id=ind.id)
    row.tier, row.tier_reason = tier, (reason or "").strip() if tier else ""
    s.add(row)
    s.flush()


def set_status(s: Session, ev: Evaluation, status: str) -> None:
    if status not in ("draft", "final"):
        raise Invalid("Status evaluasi harus draft atau final.", field="status")
    ev.status = status
    s.add(ev)
    s.flush()


# ---------------------------------------------------------------- evidence

def _indicator_of(s: Session, ev: Evaluation, indicator_id: int) -> InstrumentIndicator:
    view = instruments.load(s, instruments.get(s, ev.instrument_id))
    ind = next((i for i in view.indicators if i.id == indicator_id), None)
    if ind is None:
        raise Invalid("Indikator tidak ada pada instrumen evaluasi ini.", field="indicator_id")
    return ind


def add_evidence_link(s: Session, ev: Evaluation, indicator_id: int, url: str, title: str = "",
                      user_id: int | None = None) -> EvaluationEvidence:
    _indicator_of(s, ev, indicator_id)
    row = EvaluationEvidence(evaluation_id=ev.id, indicator_id=indicator_id, kind="link",
                             url=evidence.check_url(url), title=title.strip()[:300], uploaded_by_id=user_id)
    s.add(row)
    s.flush()
    return row


def add_evidence_file(s: Session, ev: Evaluation, indicator_id: int, filename: str, data: bytes | BinaryIO,
                      upload_dir: str | Path, max_bytes: int, title: str = "",
                      user_id: int | None = None) -> EvaluationEvidence:
    """Same checks as monitoring evidence (type by content, size); stored under a random name."""
    _indicator_of(s, ev, indicator_id)
    name, ext, ftype = evidence.file_type(filename)
    content = evidence.read_limited(data, max_bytes)
    if not ftype.looks_right(content):
        raise Invalid(f"Isi berkas '{name}' bukan {ext.upper()} yang sah.", field="file")
    folder = Path(upload_dir) / "evaluasi"
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}.{ext}"
    with open(folder / stored, "xb") as out:
        out.write(content)
    row = EvaluationEvidence(evaluation_id=ev.id, indicator_id=indicator_id, kind="file", filename=name,
                             stored_name=stored, content_type=ftype.content_type, title=title.strip()[:300],
                             uploaded_by_id=user_id)
    s.add(row)
    s.flush()
    return row


def get_evidence(s: Session, evidence_id: int) -> EvaluationEvidence:
    row = s.get(EvaluationEvidence, evidence_id)
    if row is None:
        raise NotFound("Bukti dukung tidak ditemukan.")
    return row


def evidence_path(row: EvaluationEvidence, upload_dir: str | Path) -> Path | None:
    return Path(upload_dir) / "evaluasi" / row.stored_name if row.kind == "file" and row.stored_name else None


def delete_evidence(s: Session, row: EvaluationEvidence, upload_dir: str | Path) -> None:
    path = evidence_path(row, upload_dir)
    s.delete(row)
    s.flush()
    if path is not None and path.exists():
        path.unlink()


# ---------------------------------------------------------------- reading: scores, index, gaps

@dataclass
class LinkedActivity:
    link: GapActivity
    node: PlanNode
    plan: Plan
    indicator: Indicator | None
    achievement: float | None  # % of the annual target, from monitoring
    status: str | None


@dataclass
class GapLine:
    row: GapRow
    indicator: InstrumentIndicator
    aspect_name: str
    computed_tier: str | None
    tier: str | None  # the override when set, else the computed one
    reason: str
    activities: list[LinkedActivity] = field(default_factory=list)


@dataclass
class EvaluationView:
    evaluation: Evaluation
    organization: Organization
    instrument: InstrumentView
    scores: dict[int, EvaluationScore]
    result: IppResult
    gaps: list[GapLine]
    evidence: dict[int, list[tuple[str, EvaluationEvidence]]]  # indicator id -> (number, row)
    previous: Evaluation | None
    changes: tuple[RoundChange, ...]

    def score_of(self, ind: InstrumentIndicator) -> float | None:
        row = self.scores.get(ind.id)
        return row.score if row else None


def _calc_input(view: InstrumentView, scores: dict[int, EvaluationScore]) -> list[dict]:
    return [{"code": a.aspect.code, "name": a.aspect.name, "weight": a.aspect.weight,
             "indicators": [{"code": i.code, "name": i.name, "weight": i.weight,
                             "score": scores[i.id].score if i.id in scores else None} for i in a.indicators]}
            for a in view.aspects]


def result_of(s: Session, ev: Evaluation) -> IppResult:
    view = instruments.load(s, instruments.get(s, ev.instrument_id))
    return compute_ipp(_calc_input(view, _score_rows(s, ev)))


def previous_round(s: Session, ev: Evaluation) -> Evaluation | None:
    """The round before this one: same year, else the last round of an earlier year."""
    return s.exec(select(Evaluation).where(
        Evaluation.organization_id == ev.organization_id,
        (Evaluation.year < ev.year) | ((Evaluation.year == ev.year) & (Evaluation.round < ev.round)))
        .order_by(Evaluation.year.desc(), Evaluation.round.desc())).first()


def _evidence(s: Session, ev: Evaluation, view: InstrumentView) -> dict[int, list[tuple[str, EvaluationEvidence]]]:
    """Evidence numbered the way evaluators file it: aspect.indicator.sequence (e.g. 1.3.2)."""
    rows = s.exec(select(EvaluationEvidence).where(EvaluationEvidence.evaluation_id == ev.id)
                  .order_by(EvaluationEvidence.id)).all()
    place = {i.id: (a_no, i_no) for a_no, a in enumerate(view.aspects, 1) for i_no, i in enumerate(a.indicators, 1)}
    out: dict[int, list[tuple[str, EvaluationEvidence]]] = {}
    for row in rows:
        a_no, i_no = place.get(row.indicator_id, (0, 0))
        items = out.setdefault(row.indicator_id, [])
        items.append((f"{a_no}.{i_no}.{len(items) + 1}", row))
    return out


def _linked(s: Session, ev: Evaluation, settings: Settings) -> dict[int, list[LinkedActivity]]:
    links = s.exec(select(GapActivity).where(GapActivity.evaluation_id == ev.id)).all()
    out: dict[int, list[LinkedActivity]] = {}
    for link in links:
        node = s.get(PlanNode, link.node_id)
        plan = s.get(Plan, node.plan_id)
        ind = s.get(Indicator, link.plan_indicator_id) if link.plan_indicator_id else None
        value = state = None
        if ind is not None:
            row = monitoring.achievement_for_indicator(s, ind, plan.first_year, "Y", settings)
            summary = row.summary()
            value, state = summary["annual_achievement"], summary["status"]
        out.setdefault(link.indicator_id, []).append(LinkedActivity(link, node, plan, ind, value, state))
    return out


def load(s: Session, ev: Evaluation, settings: Settings) -> EvaluationView:
    view = instruments.load(s, instruments.get(s, ev.instrument_id))
    scores = _score_rows(s, ev)
    data = _calc_input(view, scores)
    result = compute_ipp(data)
    by_code = {i.code: (i, a.aspect.name) for a in view.aspects for i in a.indicators}
    linked = _linked(s, ev, settings)
    gaps = []
    for row in gap_analysis(data):
        ind, aspect_name = by_code[row.indicator]
        override = scores.get(ind.id)
        tier = override.tier if override and override.tier else row.tier
        gaps.append(GapLine(row, ind, aspect_name, row.tier, tier, override.tier_reason if override else "",
                            linked.get(ind.id, [])))
    prev = previous_round(s, ev)
    changes = compare_rounds(result_of(s, prev) if prev else None, result)
    return EvaluationView(ev, orgs.get(s, ev.organization_id), view, scores, result, gaps,
                          _evidence(s, ev, view), prev, changes)


def api_category(code: str | None) -> str | None:
    """The API spells the minus of "B−" as an ASCII hyphen: A, A-, B, B-, C, C-, D, E, F."""
    return code.replace("\u2212", "-") if code else None


def as_dict(view: EvaluationView) -> dict:
    ev, r = view.evaluation, view.result
    return {
        "id": ev.id, "version": ev.version, "organization_id": ev.organization_id, "year": ev.year, "round": ev.round,
        "round_label": ev.label,
        "status": ev.status,
        "instrument": {"id": view.instrument.instrument.id, "code": view.instrument.instrument.code,
                       "version": view.instrument.instrument.version},
        "index": r.ipp, "score_100": r.score_100,
        "category": api_category(r.category.code if r.category else None),
        "label": r.category.label if r.category else None,
        "unscored": [code for _, code in r.unscored],
        "aspects": [{"code": a.code, "name": a.name, "score": a.score, "weight": a.weight} for a in r.aspects],
        "scores": {i.code: view.score_of(i) for i in view.instrument.indicators},
        "gaps": [{"indicator": g.row.indicator, "aspect": g.row.aspect, "score": g.row.score, "gap": g.row.gap,
                  "lost_points": g.row.weighted_gap, "priority": g.tier, "computed_priority": g.computed_tier,
                  "priority_reason": g.reason,
                  "activities": [{"node_id": a.node.id, "plan_id": a.plan.id, "code": a.node.code,
                                  "achievement": a.achievement} for a in g.activities]} for g in view.gaps],
    }


# ---------------------------------------------------------------- "Jadikan kegiatan"

def target_plan(s: Session, ev: Evaluation) -> Plan | None:
    """The Renja being edited for next year, else for the evaluation's year."""
    return (plan_being_edited(s, ev.organization_id, "renja", ev.year + 1)
            or plan_being_edited(s, ev.organization_id, "renja", ev.year))


def suggest_code(s: Session, parent: PlanNode) -> str:
    """The next free code below ``parent``: the last child's code with its final number plus one."""
    codes = [n.code for n in s.exec(select(PlanNode).where(PlanNode.parent_id == parent.id)
                                     .order_by(PlanNode.position))]
    if codes:
        m = re.search(r"(\d+)$", codes[-1])
        if m:
            width = len(m.group(1))
            number = int(m.group(1)) + 1
            while True:
                code = codes[-1][:m.start(1)] + str(number).zfill(width)
                if code not in codes:
                    return code
                number += 1
    return f"{parent.code}.01"


@dataclass
class ActivityIn:
    parent_id: int
    code: str
    name: str
    indicator_name: str
    unit: str
    target: Any


def make_activity(s: Session, ev: Evaluation, indicator_code: str, plan: Plan, data: ActivityIn) -> GapActivity:
    """Turn a gap into an activity with an output indicator and annual target in the Renja being edited."""
    edited = target_plan(s, ev)
    if edited is None or edited.id != plan.id:
        raise Conflict("Kegiatan hanya dapat ditambahkan ke Renja unit yang sedang disusun (draf).", field="plan_id")
    plans.ensure_editable(s, plan)
    view = instruments.load(s, instruments.get(s, ev.instrument_id))
    ind = next((i for i in view.indicators if i.code == indicator_code), None)
    if ind is None:
        raise Invalid(f"Indikator '{indicator_code}' tidak ada pada instrumen ini.", field="indicator")
    note = (f"Tindak lanjut evaluasi PEKPPP {ev.year} putaran {ev.round}: indikator {ind.code} {ind.name}.")
    node, indicator = create_activity_node(s, plan, data, note)
    link = GapActivity(evaluation_id=ev.id, indicator_id=ind.id, node_id=node.id, plan_indicator_id=indicator.id)
    s.add(link)
    s.flush()
    return link


def create_activity_node(s: Session, plan: Plan, data: ActivityIn, note: str) -> tuple[PlanNode, Indicator]:
    """The activity and its output indicator with the annual target, below ``data.parent_id`` in ``plan``
    (shared by a gap's and a recommendation's "Jadikan kegiatan")."""
    parent = plans.get_node(s, data.parent_id)
    if parent.plan_id != plan.id:
        raise Invalid("Induk kegiatan harus berasal dari Renja yang sedang disusun.", field="parent_id")
    levels = plans.allowed_child_levels(orgs.scheme_levels(s, plan.scheme_id), plan, parent)
    if not levels:
        raise Invalid("Di bawah simpul ini tidak dapat ditambah kegiatan.", field="parent_id")
    target = _target(data.target)
    node = plans.create_node(s, plan, NodeCreate(kind=levels[0].kind, code=data.code.strip(), name=data.name.strip(),
                                                 parent_id=parent.id, description=note))
    indicator = plans.create_indicator(s, node, IndicatorCreate(
        name=data.indicator_name.strip(), level="output", unit=data.unit.strip() or "dokumen", accumulation="last",
        targets=[TargetIn(year=plan.first_year, period="Y", value=target)]))
    return node, indicator


def _target(raw: Any) -> float:
    try:
        value = parse_number(raw) if isinstance(raw, str) else raw
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError
    except ValueError as exc:
        raise Invalid("Target indikator keluaran harus berupa angka.", field="target") from exc
    return float(value)


def links_for_node(s: Session, node_id: int) -> list[GapActivity]:
    """The other direction of the link: which evaluation gaps a plan node answers."""
    return list(s.exec(select(GapActivity).where(GapActivity.node_id == node_id)))


def gap_nodes(s: Session, plan_id: int) -> dict[int, int]:
    """Node id → evaluation id for the nodes of a plan that answer an evaluation gap."""
    rows = s.exec(select(GapActivity.node_id, GapActivity.evaluation_id).join(PlanNode, GapActivity.node_id == PlanNode.id)
                  .where(PlanNode.plan_id == plan_id)).all()
    return {node_id: ev_id for node_id, ev_id in rows}
