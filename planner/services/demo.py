"""A demo with a year in it: realisation TW I–III, evidence, narrative, follow-up and budget for the five
demo units, per-organisation settings, and a plan's review history with a Renja Perubahan.

Everything goes through the services the UI uses (monitoring, workflow, settings), so the demo obeys the
same rules as a user. Figures come from ``seeds/monitoring-<year>.yaml`` where it gives them; the rest are
derived from each indicator's own targets by a rotating scenario, so every dashboard shows every status.
Idempotent: a plan that already has realisation, and a plan already past draft, are left alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, select

from planner.calc import Settings, unit_kind
from planner.calc.units import INDEX, PERCENT
from planner.models import Indicator, Plan, Realization, Target
from planner.models.monitoring import FollowUpCreate
from planner.permissions import principal_for
from planner.services import accounts, audit, orgs, plans, workflow
from planner.services import monitoring as mon
from planner.services import settings as org_settings

# Target achievement each scenario aims at (methodology §3.2): far from every status bound, for a tolerance
# of 10 as well as 15 points.
FACTORS = {"tercapai": 1.05, "on_track": 0.95, "perlu_perhatian": 0.83, "kritis": 0.5}
CYCLE = ("tercapai", "on_track", "tercapai", "perlu_perhatian", "on_track", "kritis", "tercapai", "late",
         "on_track", "unreported", "tercapai", "perlu_perhatian")
NARRATIVES = {
    "tercapai": ("Dukungan pimpinan dan koordinasi lintas bidang berjalan baik; data dihimpun tepat waktu.", ""),
    "on_track": ("Pelaksanaan sesuai jadwal kerja triwulan.",
                 "Sebagian kecil kegiatan bergeser karena menunggu penyelesaian administrasi pengadaan."),
    "perlu_perhatian": ("Tim pelaksana telah dibentuk dan anggaran tersedia.",
                        "Keterlambatan proses pengadaan dan keterbatasan petugas lapangan."),
    "kritis": ("Anggaran tersedia.",
               "Kontrak baru ditandatangani akhir triwulan II; kondisi cuaca menghambat pekerjaan lapangan."),
}
FOLLOW_UPS = {
    "perlu_perhatian": "Percepat pengadaan dan tambah petugas pada triwulan berikutnya",
    "kritis": "Rapat percepatan bersama penyedia; susun kurva-S baru dan laporkan mingguan kepada pimpinan",
}


@dataclass
class _Actors:
    penyusun: Any
    reviewer: Any
    pimpinan: Any


def load_year(s: Session, seeds_dir: Path, default: Settings = Settings()) -> dict[str, int]:
    """Load ``monitoring-<year>.yaml``; returns what was created. ``default``: the install's settings."""
    path = next(iter(sorted(seeds_dir.glob("monitoring-*.yaml"))), None)
    counts = {"settings": 0, "realisations": 0, "budgets": 0, "reviews": 0}
    if path is None:
        return counts
    data = yaml.safe_load(path.read_text("utf-8"))
    actors = _Actors(*(accounts.by_username(s, name) for name in ("penyusun", "reviewer", "pimpinan")))
    year, upto = int(data["year"]), str(data.get("upto", "TW3"))
    counts["settings"] = _load_settings(s, data.get("settings") or {})
    for code, plan in _renja_by_org(s, year).items():
        figures = (data.get("indicators") or {}).get(code, {})
        realised, budgets = _load_plan_year(s, plan, year, upto, figures, actors, default)
        counts["realisations"] += realised
        counts["budgets"] += budgets
    counts["reviews"] = _load_reviews(s, data.get("review") or {}, year, actors)
    return counts


def _renja_by_org(s: Session, year: int) -> dict[str, Plan]:
    """The first Renja of the year of every organisation that has one (revisions are not re-filled)."""
    rows = s.exec(select(Plan).where(Plan.kind == "renja", Plan.first_year == year, Plan.revision_number == 0,
                                     orgs.real_plans(Plan.organization_id)))  # training sandboxes have no year
    by_id = {o.id: o.code for o in orgs.all_orgs(s)}
    return {by_id[p.organization_id]: p for p in rows}


def _load_settings(s: Session, items: dict) -> int:
    created = 0
    for code, values in items.items():
        org = orgs.by_code(s, code)
        if org is None or org_settings.effective(s, org, Settings()).own:
            continue
        parsed = org_settings.parse(values, Settings())
        org_settings.save(s, org, parsed)
        created += 1
    return created


# ---------------------------------------------------------------- realisation


def _load_plan_year(s: Session, plan: Plan, year: int, upto: str, figures: dict, actors: _Actors,
                    default: Settings) -> tuple[int, int]:
    has_any = s.exec(select(Realization.id).join(Indicator, Realization.indicator_id == Indicator.id)
                     .where(Indicator.plan_id == plan.id, Realization.year == year)).first()
    if has_any is not None:
        return 0, 0
    audit.set_actor(s, actors.penyusun.id, actors.penyusun.username)
    settings = org_settings.for_plan(s, plan, default)
    tree = plans.load_tree(s, plan)
    targets = {iid: {(t.year, t.period): t for t in ts} for iid, ts in tree.targets.items()}
    org_code = orgs.get(s, plan.organization_id).code
    scenarios: dict[int, str] = {}
    count, turn = 0, 0
    for tn in (n for root in tree.roots for n in _walk(root)):
        for ind in tn.indicators:
            own = figures.get(ind.code) or {}
            scenario = own.get("scenario") or CYCLE[turn % len(CYCLE)]
            turn += 0 if "scenario" in own else 1
            scenarios[ind.id] = scenario
            count += _report(s, ind, targets.get(ind.id, {}), year, upto, scenario, own, settings, org_code,
                             actors)
    budgets = _load_budgets(s, tree, year, upto, scenarios, actors)
    _verify_and_close(s, plan, year, actors)
    return count, budgets


def _walk(tn):
    yield tn
    for child in tn.children:
        yield from _walk(child)


def _due_periods(ind: Indicator, upto: str) -> list[str]:
    codes = mon.reporting_periods(ind)
    return codes[:mon.periods_due(codes, upto)]


def _report(s: Session, ind: Indicator, targets: dict[tuple[int, str], Target], year: int, upto: str,
            scenario: str, own: dict, settings, org_code: str, actors: _Actors) -> int:
    due = _due_periods(ind, upto)
    entries = _entries(ind, targets, year, due, scenario, own, settings)
    reported = 0
    for period, columns in entries:
        name = f"{(ind.code or str(ind.id)).lower()}-{period.lower()}.pdf"
        url = f"https://arsip.example.org/{org_code.lower()}/{year}/{name}"
        mon.record_realization(s, ind, year, period, evidence_url=url, user_id=actors.penyusun.id,
                               note="Data dari laporan bidang; bukti dukung terlampir.", **columns)
        reported += 1
    if not entries:
        return 0
    last = entries[-1][0]
    key = "kritis" if scenario == "kritis" else scenario if scenario in NARRATIVES else "on_track"
    pendorong, penghambat = NARRATIVES[key]
    mon.save_narrative(s, ind, year, last, faktor_pendorong=pendorong, faktor_penghambat=penghambat,
                       user_id=actors.penyusun.id)
    if scenario in FOLLOW_UPS:
        mon.add_follow_up(s, ind, year, last, FollowUpCreate(action=FOLLOW_UPS[scenario],
                                                             owner=ind.responsible or "Kepala bidang"),
                          user_id=actors.penyusun.id)
    return reported


def _entries(ind, targets, year, due, scenario, own, settings) -> list[tuple[str, dict]]:
    """(period, measurement) pairs to record: the seed's own figures, else derived from the targets."""
    if "values" in own:
        return [(p, {"value": v}) for p, v in zip(due, own["values"]) if v is not None]
    if "ratio" in own:
        return [(p, {"numerator": n, "denominator": d}) for p, (n, d) in zip(due, own["ratio"])]
    if "achieved" in own:
        return [(p, {"achieved": bool(a)}) for p, a in zip(due, own["achieved"])]
    if scenario == "unreported":
        return []
    periods = due[:-1] if scenario == "late" else due
    factor = FACTORS.get(scenario, FACTORS["on_track"])
    if ind.target_type == "qualitative":
        return [(p, {"achieved": scenario != "kritis"}) for p in periods]
    values = _derived(ind, [targets.get((year, p)) for p in due], factor, settings)
    if ind.accumulation == "ratio":
        return list(zip(periods, _ratio_pairs(values, ind.ratio_factor)))
    return [(p, {"value": v}) for p, v in zip(periods, values) if v is not None]


RATIO_BASE = 1000  # the denominator reported each period (e.g. cases received)


def _ratio_pairs(positions: list[float | None], factor: float) -> list[dict]:
    """Numerators and denominators whose running ratio (ΣN / ΣD × factor, methodology §2.4) is each period's
    position: N_k = D / factor × (k·p_k − (k−1)·p_(k−1))."""
    pairs, previous = [], 0.0
    for k, p in enumerate(positions, start=1):
        p = previous / max(k - 1, 1) if p is None else p
        numerator = RATIO_BASE / factor * max(k * p - previous, 0.0)
        pairs.append({"numerator": _round(numerator, 2), "denominator": RATIO_BASE})
        previous = k * p
    return pairs


def _derived(ind: Indicator, targets: list[Target | None], factor: float, settings) -> list[float | None]:
    """Per-period values whose period achievement comes out near ``factor`` × 100 % (methodology §1–§2)."""
    whole = unit_kind(ind.unit) not in (PERCENT, INDEX) and all(
        t is None or t.value is None or float(t.value).is_integer() for t in targets)
    places = 0 if whole else 2
    if ind.target_type == "range" or ind.polarity == "band":
        return [None if t is None or t.lower is None else
                _round((t.lower + t.upper) / 2 if factor >= 1 else t.lower * factor, places) for t in targets]
    if ind.polarity == "lower_is_better":
        factor = 1 / factor if settings.lower_is_better_formula == "T/R" else 2 - factor
    values = [None if t is None or t.value is None else t.value * factor for t in targets]
    if ind.accumulation == "sum":  # keep the running total rounded, so small counts stay honest
        out, total, running = [], 0.0, 0.0
        for v in values:
            running += v or 0.0
            cum = _round(running, places)
            out.append(None if v is None else _round(cum - total, places))
            total = cum
        return out
    if unit_kind(ind.unit) == PERCENT:
        values = [None if v is None else min(v, 100.0) for v in values]
    return [None if v is None else _round(v, places) for v in values]


def _round(x: float, places: int) -> float:
    return float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _verify_and_close(s: Session, plan: Plan, year: int, actors: _Actors) -> None:
    """The reviewer has checked TW I and II; TW I is closed."""
    audit.set_actor(s, actors.reviewer.id, actors.reviewer.username)
    rows = s.exec(select(Realization).join(Indicator, Realization.indicator_id == Indicator.id)
                  .where(Indicator.plan_id == plan.id, Realization.year == year,
                         Realization.period.in_(["TW1", "TW2", "M01", "M02", "M03"]))).all()
    for r in rows:
        mon.verify(s, s.get(Indicator, r.indicator_id), year, r.period, verified=True, user_id=actors.reviewer.id)
    mon.close_period(s, plan, year, "TW1", user_id=actors.reviewer.id)


# ---------------------------------------------------------------- budget


# Share of the pagu spent per quarter: usual pace, and a node that spends ahead of its results (§5.2).
USUAL, AHEAD = (0.17, 0.23, 0.22), (0.30, 0.30, 0.28)


def _load_budgets(s: Session, tree, year: int, upto: str, scenarios: dict[int, str], actors: _Actors) -> int:
    """Pagu and serapan TW I–III on every node that carries its own pagu and has no child with one."""
    count, ahead_done = 0, False
    for tn in (n for root in tree.roots for n in _walk(root)):
        if tn.node.pagu is None or any(c.node.pagu is not None for c in tn.children):
            continue
        behind = any(scenarios.get(i.id) in ("kritis", "perlu_perhatian") for i in tn.indicators)
        shares = AHEAD if behind and not ahead_done else USUAL
        ahead_done = ahead_done or shares is AHEAD
        pagu = Decimal(tn.node.pagu)
        realised = {q: (pagu * Decimal(str(share))).quantize(Decimal(1))
                    for q, share in zip(("TW1", "TW2", "TW3"), shares)}
        mon.set_budget(s, tn.node, year, pagu, realised, user_id=actors.penyusun.id)
        count += 1
    return count


# ---------------------------------------------------------------- review history


def _load_reviews(s: Session, data: dict, year: int, actors: _Actors) -> int:
    by_org = _renja_by_org(s, year)
    people = {k: principal_for(s, u) for k, u in vars(actors).items()}
    done = 0
    for code in data.get("locked", []):
        plan = by_org.get(code)
        if plan is not None and plan.status == "draft":
            _step(s, people, plan, [("penyusun", "submit", ""), ("reviewer", "approve", "Sesuai Renstra."),
                                    ("pimpinan", "lock", "")])
            done += 1
    plan = by_org.get(data.get("full_history", ""))
    if plan is not None and plan.status == "draft":
        _full_history(s, people, plan, data)
        done += 1
    return done


def _step(s: Session, people: dict, plan: Plan, steps: list[tuple[str, str, str]]) -> None:
    for who, action, note in steps:
        if action == "lock":
            _fix_renstra_first(s, people, plan)
        audit.set_actor(s, people[who].user.id, people[who].user.username)
        workflow.transition(s, people[who], plan, action, note,
                            decree=_decree(s, plan) if action == "lock" else None)


def _decree(s: Session, plan: Plan) -> workflow.Decree:
    """A decree number as units write them (050/<serial>/<unit>/<year>), dated early in the first year."""
    code = orgs.get(s, plan.organization_id).code
    serial = 100 + plan.id
    return workflow.Decree(f"050/{serial}/{code}/{plan.first_year - 1 if plan.kind == 'renja' else plan.first_year}",
                           date(plan.first_year - 1, 12, 15) if plan.kind == "renja" else date(plan.first_year, 3, 1))


def _fix_renstra_first(s: Session, people: dict, plan: Plan) -> None:
    """A Renja is fixed after its Renstra (issue #11): the demo fixes the Renstra first when it is not."""
    renstra = workflow.renstra_fixed(s, plan)
    if renstra is not None and renstra.status == "draft":
        _step(s, people, renstra, [("penyusun", "submit", ""), ("reviewer", "approve", "Sesuai RPJMD."),
                                   ("pimpinan", "lock", "")])


def _full_history(s: Session, people: dict, plan: Plan, data: dict) -> None:
    """Submitted, returned with a comment on an indicator, answered, resubmitted, approved, fixed; then a
    Renja Perubahan with its reason, submitted and waiting in the reviewer's queue."""
    _step(s, people, plan, [("penyusun", "submit", "")])
    ind = s.exec(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.code == data["comment_on"])).first()
    audit.set_actor(s, people["reviewer"].user.id, people["reviewer"].user.username)
    comment = workflow.add_comment(s, people["reviewer"], plan, data["comment"], "indicator", ind.id)
    _step(s, people, plan, [("reviewer", "return", "Perbaiki target indikator sesuai catatan.")])
    audit.set_actor(s, people["penyusun"].user.id, people["penyusun"].user.username)
    workflow.add_comment(s, people["penyusun"], plan, data["reply"], parent_id=comment.id)
    workflow.resolve_comment(s, people["penyusun"], comment)
    _step(s, people, plan, [("penyusun", "submit", "Catatan reviu telah ditanggapi."),
                            ("reviewer", "approve", "Tanggapan diterima."), ("pimpinan", "lock", "")])
    audit.set_actor(s, people["pimpinan"].user.id, people["pimpinan"].user.username)
    revision = workflow.create_revision(s, people["pimpinan"], plan, data["revision_reason"])
    _step(s, people, revision, [("penyusun", "submit", "Renja Perubahan diajukan.")])


def reset(engine) -> None:
    """Drop every table, so ``planner demo --reset`` rebuilds from the seeds (demo databases only)."""
    from sqlalchemy import MetaData

    meta = MetaData()
    meta.reflect(bind=engine)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            # Tables that reference each other cannot be dropped in an order the foreign keys accept while
            # rows remain; SQLite checks them on DROP TABLE unless told not to (outside a transaction).
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        meta.drop_all(bind=conn)
        conn.commit()

