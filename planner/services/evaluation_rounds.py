"""Evaluation rounds across units (issue 18): the scope, evaluators per unit, verified scores beside the unit's
self-assessment (issue 14), interviews and visits, lock and publication, and who sees what.

Who sees what, decided here for the pages and the API alike:

* a round's *managers* (administrators, and reviewers of the organisation running it) see every unit;
* an *evaluator* sees only the units assigned to them (even units they could read by role), and verifies those
  while the round is open;
* a unit's own people see their unit's row, and its verified results only once the round is published.

Every number comes from ``planner.calc`` (IPP and category from ``calc.evaluation``, ranking, change and heat
bands from ``calc.evaluation_rounds``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping

from sqlmodel import Session, select

from planner.calc import compute_ipp
from planner.calc import evaluation_rounds as cr
from planner.calc.evaluation import IppResult
from planner.errors import Conflict, Forbidden, Invalid, NotFound
from planner.models import Membership, Organization, User
from planner.models.base import utcnow
from planner.models.evaluation import Evaluation, EvaluationCreate, EvaluationScore
from planner.models.evaluation_round import (
    VISIT_KINDS, EvaluationRound, EvaluationVisit, RoundCreate, RoundEvaluator, RoundUnit, VerifiedScore)
from planner.permissions import can
from planner.services import acting, audit, concurrency, evaluations, instruments, orgs, unit_types
from planner.services.evaluations import _score_value
from planner.services.instruments import InstrumentView

# The evaluator's scores and conclusion are audit evidence; the trail also names who made a score sheet stale.
audit.register(RoundUnit, "round_unit", lambda o: "Simpulan penilai", lambda s, o: {})
audit.register(VerifiedScore, "verified_score", lambda o: "Nilai terverifikasi", lambda s, o: {})


def get(s: Session, round_id: int) -> EvaluationRound:
    rnd = s.get(EvaluationRound, round_id)
    if rnd is None:
        raise NotFound("Putaran evaluasi tidak ditemukan.")
    return rnd


# ---------------------------------------------------------------- who sees what

@dataclass
class Access:
    manager: bool
    evaluator_of: set[int]  # organisation ids assigned to the actor
    member_of: set[int]  # organisation ids of the round the actor belongs to

    def sees(self, org_id: int) -> bool:
        return self.manager or org_id in self.evaluator_of or org_id in self.member_of

    def sees_results(self, rnd: EvaluationRound, org_id: int) -> bool:
        return self.manager or org_id in self.evaluator_of or (rnd.status == "published" and org_id in self.member_of)

    def evaluates(self, org_id: int) -> bool:
        return self.manager or org_id in self.evaluator_of

    @property
    def any(self) -> bool:
        return self.manager or bool(self.evaluator_of) or bool(self.member_of)


def _manages(who, owner_id: int | None, s: Session) -> bool:
    if who is None:
        return False
    if getattr(who, "is_admin", False):
        return True
    return owner_id is not None and can(who, "round.manage", orgs.get(s, owner_id))


def access(s: Session, rnd: EvaluationRound, units: list[RoundUnit] | None = None) -> Access:
    who = acting.actor(s)
    if who is None:
        raise Forbidden("Tidak ada pengguna yang bertindak; masuk terlebih dahulu.")
    units = units if units is not None else round_units(s, rnd)
    if _manages(who, rnd.organization_id, s):
        return Access(True, set(), set())
    user_id = who.user.id
    assigned = set(s.exec(select(RoundUnit.organization_id).join(RoundEvaluator, RoundEvaluator.round_unit_id == RoundUnit.id)
                          .where(RoundUnit.round_id == rnd.id, RoundEvaluator.user_id == user_id)).all())
    if assigned:  # an evaluator's view of the round is the units assigned to them, whatever else they may read
        return Access(False, assigned, set())
    members = {u.organization_id for u in units if can(who, "service.read", _OrgRef(u.organization_id))}
    return Access(False, set(), members)


@dataclass
class _OrgRef:
    """Enough of an organisation for ``permissions.can`` (which reads ``organization_id``)."""

    organization_id: int


def readable(s: Session, rnd: EvaluationRound) -> Access:
    """The actor's access; a round they have no part in does not exist for them (404)."""
    acc = access(s, rnd)
    if not acc.any:
        raise NotFound("Putaran evaluasi tidak ditemukan.")
    return acc


def require_manage(s: Session, rnd_or_owner: EvaluationRound | int | None) -> None:
    owner = rnd_or_owner.organization_id if isinstance(rnd_or_owner, EvaluationRound) else rnd_or_owner
    who = acting.actor(s)
    if not _manages(who, owner, s):
        if isinstance(rnd_or_owner, EvaluationRound):
            readable(s, rnd_or_owner)
        elif owner is not None and (who is None or owner not in who.readable_orgs):
            raise NotFound("Organisasi tidak ditemukan.")
        raise Forbidden("Hanya pengelola putaran (administrator atau reviewer instansi penyelenggara) yang dapat "
                        "melakukan ini.")


def require_evaluator(s: Session, rnd: EvaluationRound, org_id: int) -> None:
    acc = readable(s, rnd)
    if not acc.sees(org_id):
        raise NotFound("Unit ini tidak termasuk putaran evaluasi yang dapat Anda buka.")
    if not acc.evaluates(org_id):
        raise Forbidden("Hanya penilai yang ditugaskan pada unit ini yang dapat memverifikasi nilainya.")


def list_for(s: Session) -> list[EvaluationRound]:
    """The rounds the actor has a part in, newest first."""
    rounds = list(s.exec(select(EvaluationRound).order_by(EvaluationRound.year.desc(), EvaluationRound.id.desc())))
    return [r for r in rounds if access(s, r).any]


# ---------------------------------------------------------------- building a round

def _common_parent(all_orgs: list[Organization], ids: list[int]) -> int | None:
    """The nearest organisation above (or equal to) every unit; None when they share none."""
    parent = {o.id: o.parent_id for o in all_orgs}

    def chain(i: int) -> list[int]:
        out = []
        while i is not None:
            out.append(i)
            i = parent.get(i)
        return out

    common = chain(ids[0])
    for i in ids[1:]:
        ancestors = set(chain(i))
        common = [c for c in common if c in ancestors]
    return common[0] if common else None


def create(s: Session, data: RoundCreate) -> EvaluationRound:
    """A round over the units: each unit gets its self-assessment for the year with the round's instrument
    (an open one of that instrument is reused), so the unit scores on the page it knows."""
    ids = list(dict.fromkeys(data.organization_ids))
    all_orgs = orgs.all_orgs(s)
    known = {o.id for o in all_orgs}
    missing = [i for i in ids if i not in known]
    if missing:
        raise Invalid(f"Organisasi {missing[0]} tidak ditemukan.", field="organization_ids")
    owner = data.organization_id if data.organization_id is not None else _common_parent(all_orgs, ids)
    require_manage(s, owner)
    inst = instruments.get(s, data.instrument_id)
    rnd = EvaluationRound(name=data.name.strip(), year=data.year, instrument_id=inst.id, organization_id=owner)
    s.add(rnd)
    s.flush()
    taken = set(s.exec(select(RoundUnit.evaluation_id)).all())
    for org_id in ids:
        ev = s.exec(select(Evaluation).where(
            Evaluation.organization_id == org_id, Evaluation.year == data.year,
            Evaluation.instrument_id == inst.id, Evaluation.status == "draft")
            .order_by(Evaluation.round.desc())).first()
        if ev is None or ev.id in taken:
            ev = evaluations.create(s, EvaluationCreate(organization_id=org_id, year=data.year,
                                                        instrument_id=inst.id, label=data.name.strip()[:200]))
        s.add(RoundUnit(round_id=rnd.id, organization_id=org_id, evaluation_id=ev.id))
    s.flush()
    return rnd


def round_units(s: Session, rnd: EvaluationRound) -> list[RoundUnit]:
    return list(s.exec(select(RoundUnit).where(RoundUnit.round_id == rnd.id).order_by(RoundUnit.id)))


def round_unit(s: Session, rnd: EvaluationRound, org_id: int) -> RoundUnit:
    row = s.exec(select(RoundUnit).where(RoundUnit.round_id == rnd.id, RoundUnit.organization_id == org_id)).first()
    if row is None:
        raise NotFound("Unit ini tidak termasuk putaran evaluasi.")
    return row


def assign_evaluator(s: Session, rnd: EvaluationRound, org_id: int, user_id: int) -> RoundEvaluator:
    require_manage(s, rnd)
    ru = round_unit(s, rnd, org_id)
    if s.get(User, user_id) is None:
        raise Invalid("Pengguna tidak ditemukan.", field="user_id")
    row = s.exec(select(RoundEvaluator).where(RoundEvaluator.round_unit_id == ru.id,
                                              RoundEvaluator.user_id == user_id)).first()
    if row is None:
        row = RoundEvaluator(round_unit_id=ru.id, user_id=user_id)
        s.add(row)
        s.flush()
    return row


def remove_evaluator(s: Session, rnd: EvaluationRound, org_id: int, user_id: int) -> None:
    require_manage(s, rnd)
    ru = round_unit(s, rnd, org_id)
    for row in s.exec(select(RoundEvaluator).where(RoundEvaluator.round_unit_id == ru.id,
                                                   RoundEvaluator.user_id == user_id)):
        s.delete(row)
    s.flush()


def evaluator_names(s: Session, rnd: EvaluationRound) -> dict[int, list[User]]:
    """Organisation id → assigned evaluators (one statement)."""
    rows = s.exec(select(RoundUnit.organization_id, User).join(RoundEvaluator, RoundEvaluator.round_unit_id == RoundUnit.id)
                  .join(User, User.id == RoundEvaluator.user_id).where(RoundUnit.round_id == rnd.id)
                  .order_by(User.username)).all()
    out: dict[int, list[User]] = {}
    for org_id, user in rows:
        out.setdefault(org_id, []).append(user)
    return out


def candidates(s: Session) -> list[User]:
    """Accounts that may be assigned as evaluators: every active account with a membership."""
    ids = set(s.exec(select(Membership.user_id)).all())
    return [u for u in s.exec(select(User).order_by(User.username)) if u.id in ids and u.is_active]


# ---------------------------------------------------------------- the evaluator's work

def _open(rnd: EvaluationRound) -> None:
    if rnd.status != "open":
        raise Conflict("Putaran evaluasi sudah dikunci; nilai tidak dapat diubah lagi.", field="status")


def _verified_rows(s: Session, ru_ids: list[int]) -> dict[int, dict[int, VerifiedScore]]:
    rows = s.exec(select(VerifiedScore).where(VerifiedScore.round_unit_id.in_(ru_ids))).all() if ru_ids else []
    out: dict[int, dict[int, VerifiedScore]] = {}
    for r in rows:
        out.setdefault(r.round_unit_id, {})[r.indicator_id] = r
    return out


def verify(s: Session, rnd: EvaluationRound, org_id: int, scores: Mapping[str, Any],
           notes: Mapping[str, str] | None = None, version: Any = None) -> None:
    """The evaluator's scores (and notes) by indicator code; all or nothing. The unit's own scores stay.
    ``version`` is the round unit's as the client read it: every verification moves it on, so a score sheet
    opened before another evaluator's save is refused whole, naming who saved."""
    require_evaluator(s, rnd, org_id)
    _open(rnd)
    ru = round_unit(s, rnd, org_id)
    rows = _verified_rows(s, [ru.id]).get(ru.id, {})
    concurrency.expect_version(s, ru, version, "Verifikasi unit ini", related=rows.values())
    ru.version += 1  # a conditional UPDATE even when only score rows change
    s.add(ru)
    view = instruments.load(s, instruments.get(s, rnd.instrument_id))
    by_code = {i.code: i for i in view.indicators}
    unknown = [c for c in list(scores) + list(notes or {}) if c not in by_code]
    if unknown:
        raise Invalid(f"Indikator '{unknown[0]}' tidak ada pada instrumen putaran ini.", field=f"scores.{unknown[0]}")
    values = {code: _score_value(raw, code) for code, raw in scores.items()}
    for code in set(values) | set(notes or {}):
        ind = by_code[code]
        row = rows.get(ind.id) or VerifiedScore(round_unit_id=ru.id, indicator_id=ind.id)
        if code in values:
            row.score = values[code]
        if notes and code in notes:
            row.note = (notes[code] or "").strip()
        row.verified_by_id, row.updated_at = acting.user_id(s), utcnow()
        s.add(row)
    s.flush()


def accept_self_scores(s: Session, rnd: EvaluationRound, org_id: int) -> int:
    """Take the unit's own scores as verified where the evaluator has not scored yet; returns how many."""
    ru = round_unit(s, rnd, org_id)
    own = s.exec(select(EvaluationScore).where(EvaluationScore.evaluation_id == ru.evaluation_id)).all()
    done = _verified_rows(s, [ru.id]).get(ru.id, {})
    view = instruments.load(s, instruments.get(s, rnd.instrument_id))
    code_of = {i.id: i.code for i in view.indicators}
    todo = {code_of[r.indicator_id]: r.score for r in own
            if r.score is not None and r.indicator_id in code_of
            and (r.indicator_id not in done or done[r.indicator_id].score is None)}
    verify(s, rnd, org_id, todo)
    return len(todo)


def add_visit(s: Session, rnd: EvaluationRound, org_id: int, kind: str, held_on: date | str, note: str
              ) -> EvaluationVisit:
    require_evaluator(s, rnd, org_id)
    if kind not in VISIT_KINDS:
        raise Invalid("Jenis kegiatan harus wawancara, kunjungan lapangan atau klarifikasi dokumen.", field="kind")
    if isinstance(held_on, str):
        try:
            held_on = date.fromisoformat(held_on.strip())
        except ValueError as exc:
            raise Invalid("Tanggal harus berformat TTTT-BB-HH.", field="held_on") from exc
    if not (note or "").strip():
        raise Invalid("Catatan hasil wawancara/kunjungan wajib diisi.", field="note")
    row = EvaluationVisit(round_unit_id=round_unit(s, rnd, org_id).id, kind=kind, held_on=held_on,
                          note=note.strip()[:5000], user_id=acting.user_id(s))
    s.add(row)
    s.flush()
    return row


def visits(s: Session, ru: RoundUnit) -> list[EvaluationVisit]:
    return list(s.exec(select(EvaluationVisit).where(EvaluationVisit.round_unit_id == ru.id)
                       .order_by(EvaluationVisit.held_on, EvaluationVisit.id)))


def save_summary(s: Session, rnd: EvaluationRound, org_id: int, text: str) -> None:
    require_evaluator(s, rnd, org_id)
    ru = round_unit(s, rnd, org_id)
    ru.summary = (text or "").strip()[:10000]
    s.add(ru)
    s.flush()


def set_status(s: Session, rnd: EvaluationRound, status: str) -> None:
    """open → locked → published; an administrator may reopen a locked round. Locking makes the units'
    self-assessments final (they were judged as they stand)."""
    require_manage(s, rnd)
    allowed = {("open", "locked"), ("locked", "published"), ("locked", "open"), ("published", "locked")}
    if (rnd.status, status) not in allowed:
        raise Conflict(f"Putaran berstatus {rnd.status} tidak dapat diubah menjadi {status}.", field="status")
    if status == "locked":
        for ru in round_units(s, rnd):
            ev = s.get(Evaluation, ru.evaluation_id)
            ev.status = "final"
            s.add(ev)
        rnd.locked_at = utcnow()
    if status == "published":
        rnd.published_at = utcnow()
    rnd.status = status
    s.add(rnd)
    s.flush()


# ---------------------------------------------------------------- results

@dataclass
class AspectLine:
    code: str
    name: str
    weight: float
    self_score: float | None
    verified: float | None
    difference: float | None
    heat: str | None  # category band of the verified score (or the unit's own while unverified)


@dataclass
class IndicatorLine:
    aspect_code: str
    code: str
    name: str
    indicator_id: int
    self_score: float | None
    self_note: str
    verified: float | None
    note: str
    difference: float | None


@dataclass
class UnitResult:
    unit: RoundUnit
    organization: Organization
    unit_type: str | None
    own: IppResult
    verified: IppResult
    aspects: list[AspectLine]
    indicators: list[IndicatorLine]
    previous_index: float | None = None
    change: float | None = None
    rank: int | None = None
    group: str | None = None
    evaluators: list[User] = field(default_factory=list)
    results_visible: bool = True

    @property
    def index(self) -> float | None:
        return self.verified.ipp

    @property
    def difference(self) -> float | None:
        return cr.difference(self.own.ipp, self.verified.ipp)

    @property
    def category(self):
        return self.verified.category


def _calc_input(view: InstrumentView, scores: Mapping[int, float | None]) -> list[dict]:
    return [{"code": a.aspect.code, "name": a.aspect.name, "weight": a.aspect.weight,
             "indicators": [{"code": i.code, "name": i.name, "weight": i.weight, "score": scores.get(i.id)}
                            for i in a.indicators]} for a in view.aspects]


def _compute(s: Session, rnd: EvaluationRound, units: list[RoundUnit], view: InstrumentView) -> list[UnitResult]:
    """Self and verified results of the units: a fixed number of statements whatever the number of units."""
    org_by_id = {o.id: o for o in orgs.all_orgs(s)}
    units = [u for u in units if u.organization_id in org_by_id]  # a unit turned training sandbox drops out
    own_rows = s.exec(select(EvaluationScore).where(EvaluationScore.evaluation_id.in_(
        [u.evaluation_id for u in units]))).all() if units else []
    own: dict[int, dict[int, EvaluationScore]] = {}
    for r in own_rows:
        own.setdefault(r.evaluation_id, {})[r.indicator_id] = r
    verified = _verified_rows(s, [u.id for u in units])
    types = unit_types.resolve(list(org_by_id.values()))
    out = []
    for u in units:
        mine, checked = own.get(u.evaluation_id, {}), verified.get(u.id, {})
        own_result = compute_ipp(_calc_input(view, {k: r.score for k, r in mine.items()}))
        ver_result = compute_ipp(_calc_input(view, {k: r.score for k, r in checked.items()}))
        aspects = []
        for a_own, a_ver in zip(own_result.aspects, ver_result.aspects):
            shown = a_ver.score if a_ver.score is not None else None
            aspects.append(AspectLine(a_own.code, a_own.name or a_own.code, a_own.weight, a_own.score, a_ver.score,
                                      cr.difference(a_own.score, a_ver.score), cr.heat(shown)))
        lines = [IndicatorLine(a.aspect.code, i.code, i.name, i.id,
                               mine[i.id].score if i.id in mine else None, mine[i.id].note if i.id in mine else "",
                               checked[i.id].score if i.id in checked else None,
                               checked[i.id].note if i.id in checked else "",
                               cr.difference(mine[i.id].score if i.id in mine else None,
                                             checked[i.id].score if i.id in checked else None))
                 for a in view.aspects for i in a.indicators]
        out.append(UnitResult(u, org_by_id[u.organization_id], types.get(u.organization_id), own_result, ver_result,
                              aspects, lines))
    return out


def group_rule(s: Session) -> dict[str, str]:
    from planner.models.evaluation_round import AccelerationRule
    return {**cr.DEFAULT_GROUP_RULE, **{r.category: r.group for r in s.exec(select(AccelerationRule))}}


def _previous(s: Session, rnd: EvaluationRound, org_ids: set[int]) -> dict[int, float | None]:
    """Each unit's verified index in the last earlier round that evaluated it."""
    earlier = s.exec(select(EvaluationRound).where(
        (EvaluationRound.year < rnd.year) | ((EvaluationRound.year == rnd.year) & (EvaluationRound.id < rnd.id)))
        .order_by(EvaluationRound.year.desc(), EvaluationRound.id.desc())).all()
    found: dict[int, float | None] = {}
    for prev in earlier:
        todo = [u for u in round_units(s, prev) if u.organization_id in org_ids - set(found)]
        if not todo:
            continue
        view = instruments.load(s, instruments.get(s, prev.instrument_id))
        for r in _compute(s, prev, todo, view):
            found[r.organization.id] = r.index
        if len(found) == len(org_ids):
            break
    return found


def results(s: Session, rnd: EvaluationRound, acc: Access | None = None, *, with_previous: bool = True
            ) -> list[UnitResult]:
    """Every unit the actor may see, ranked by the verified index over all units of the round. A unit whose
    results the actor may not see yet (not published) keeps its row with verified figures withheld."""
    units = round_units(s, rnd)
    acc = acc or readable(s, rnd)
    view = instruments.load(s, instruments.get(s, rnd.instrument_id))
    rows = _compute(s, rnd, units, view)
    ranks = cr.rank({r.organization.id: r.index for r in rows})
    previous = _previous(s, rnd, {r.organization.id for r in rows}) if with_previous else {}
    rule, names = group_rule(s), evaluator_names(s, rnd)
    out = []
    for r in rows:
        org_id = r.organization.id
        if not acc.sees(org_id):
            continue
        r.rank, r.previous_index = ranks[org_id], previous.get(org_id)
        r.change = cr.difference(r.previous_index, r.index)
        r.group = cr.group_for(r.category.code if r.category else None, rule)
        r.evaluators = names.get(org_id, [])
        r.results_visible = acc.sees_results(rnd, org_id)
        out.append(r)
    out.sort(key=lambda r: (r.rank is None, r.rank or 0, r.organization.name))
    return out


def unit_result(s: Session, rnd: EvaluationRound, org_id: int) -> UnitResult:
    acc = readable(s, rnd)
    found = next((r for r in results(s, rnd, acc) if r.organization.id == org_id), None)
    if found is None:
        raise NotFound("Unit ini tidak termasuk putaran evaluasi yang dapat Anda buka.")
    return found


def api_unit(r: UnitResult) -> dict:
    """The contract's row: ``{organization_id, self_index, verified_index, category, rank, aspects}``."""
    shown = r.results_visible
    return {"organization_id": r.organization.id, "organization": r.organization.name, "unit_type": r.unit_type,
            "self_index": r.own.ipp,
            "verified_index": r.index if shown else None,
            "category": evaluations.api_category(r.category.code) if shown and r.category else None,
            "rank": r.rank if shown else None,
            "change": r.change if shown else None,
            "group": r.group if shown else None,
            "results_published": shown,
            "aspects": [{"code": a.code, "name": a.name, "weight": a.weight, "self_score": a.self_score,
                         "verified_score": a.verified if shown else None} for a in r.aspects]}


def trend(s: Session, rnd: EvaluationRound) -> tuple[list[EvaluationRound], dict[str, dict[int, float | None]]]:
    """Mean verified index per unit type over the rounds of the same running organisation (oldest first)."""
    require_manage(s, rnd)
    q = select(EvaluationRound).order_by(EvaluationRound.year, EvaluationRound.id)
    q = q.where(EvaluationRound.organization_id == rnd.organization_id) if rnd.organization_id is not None else \
        q.where(EvaluationRound.organization_id.is_(None))
    rounds = list(s.exec(q))
    rows = []
    for r in rounds:
        view = instruments.load(s, instruments.get(s, r.instrument_id))
        rows += [(r.id, u.unit_type, u.index) for u in _compute(s, r, round_units(s, r), view)]
    return rounds, cr.trend_by_type(rows)


def save_group_rule(s: Session, rule: Mapping[str, str]) -> dict[str, str]:
    """The administrator's rule: category → acceleration group (methodology §12.3)."""
    from planner.models.evaluation_round import AccelerationRule

    who = acting.actor(s)
    if not getattr(who, "is_admin", False):
        raise Forbidden("Hanya administrator yang menetapkan aturan kelompok percepatan.")
    try:
        cr.check_rule(rule)
    except ValueError as exc:
        raise Invalid(f"Aturan kelompok: {exc}.", field="rule") from exc
    existing = {r.category: r for r in s.exec(select(AccelerationRule))}
    for code, group in rule.items():
        row = existing.get(code) or AccelerationRule(category=code, group=group)
        row.group = group
        s.add(row)
    s.flush()
    return group_rule(s)


@dataclass
class LheView:
    """Everything the LHE (print view and workbook) shows for one unit."""

    round: EvaluationRound
    result: UnitResult
    instrument_name: str
    ranked: int  # units with a verified index
    group_label: str | None
    recommendations: list[tuple[str, list]]  # (aspect name, recommendations) in instrument order
    visits: list[EvaluationVisit]
    evaluators: list[str]
    summary: str
    place_date: str
    status_labels: dict[str, str] = field(default_factory=lambda: dict(cr.FOLLOW_UP_STATES))
    visit_labels: dict[str, str] = field(default_factory=lambda: dict(VISIT_KINDS))


def lhe(s: Session, rnd: EvaluationRound, org_id: int, place_date: str = "") -> LheView:
    """The unit's LHE: its evaluators and managers at any time, the unit itself once published."""
    from planner.services import recommendations

    acc = readable(s, rnd)
    if not acc.sees(org_id):
        raise NotFound("Unit ini tidak termasuk putaran evaluasi yang dapat Anda buka.")
    if not acc.sees_results(rnd, org_id):
        raise Forbidden("Laporan hasil evaluasi dapat dibuka unit setelah hasil dipublikasikan.")
    rows = results(s, rnd, acc)
    res = next((r for r in rows if r.organization.id == org_id), None)
    if res is None:  # a training sandbox is never part of a round's results
        raise NotFound("Unit ini tidak termasuk putaran evaluasi yang dapat Anda buka.")
    everyone = results(s, rnd, Access(True, set(), set()), with_previous=False)
    recs = recommendations.for_unit(s, res.unit)
    grouped = [(a.name, [x for x in recs if x.aspect_code == a.code]) for a in res.aspects]
    inst = instruments.get(s, rnd.instrument_id)
    return LheView(rnd, res, f"{inst.name} (versi {inst.version})", sum(1 for r in everyone if r.rank),
                   cr.GROUPS.get(res.group) if res.group else None, [g for g in grouped if g[1]],
                   visits(s, res.unit), [u.full_name or u.username for u in res.evaluators], res.unit.summary, place_date)
