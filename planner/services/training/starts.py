"""A case's starting point: its shape in a case file, and the sandbox plans built from it.

``start`` is ``{plan: {...}, nodes: [...]}`` (the Renja the trainee begins with, in the seed files' shape) and,
optionally, ``renstra: {plan: {name, first_year, last_year, vision, missions}, nodes: [...]}``: an excerpt of the
unit's Renstra (tujuan, their sasaran, IKU with a target for every year). A sandbox gets that Renstra fixed
(ditetapkan, through the ordinary workflow) before the Renja, which therefore refers to it: the trainee links
programs to its sasaran, and the plan checks that need a Renstra (S03, T02) judge the draft.
"""
from __future__ import annotations

import secrets
from datetime import date

from sqlmodel import Session, select

from planner.errors import DomainError, Invalid
from planner.models import Comment, Indicator, Organization, Plan, PlanNode
from planner.models.training import FeedbackEntry, TrainingCase
from planner.services import acting, removal, seeds, workflow
from planner.services.training import as_system

RENSTRA_KINDS = ("tujuan", "sasaran")  # an excerpt: the trainee's Renja holds the programs


def _bad(message: str) -> Invalid:
    return Invalid(message, field="start")


def validate_start(start: object, year: int) -> dict:
    """The starting point checked (the message names what is wrong); ``renstra`` dropped when empty."""
    start = dict(start or {}) if isinstance(start, dict) or not start else None
    if start is None:
        raise _bad("start: harus objek rencana ({plan, nodes, renstra}) atau kosong.")
    renstra = start.pop("renstra", None)
    sasaran = _validate_renstra(renstra, year) if renstra else set()
    if renstra:
        start["renstra"] = renstra
    for code, serves in _serving(start.get("nodes") or []):
        if serves not in sasaran:
            raise _bad(f"start: simpul {code} melayani sasaran '{serves}' yang tidak ada di start.renstra.")
    return start


def _serving(nodes) -> list[tuple[str, str]]:
    out = []
    for n in nodes if isinstance(nodes, list) else []:
        if isinstance(n, dict):
            if n.get("serves"):
                out.append((str(n.get("code")), str(n["serves"])))
            out += _serving(n.get("children") or [])
    return out


def _validate_renstra(renstra: object, year: int) -> set[str]:
    """The Renstra excerpt's shape; returns its sasaran codes."""
    if not isinstance(renstra, dict) or not isinstance(renstra.get("nodes"), list) or not renstra["nodes"]:
        raise _bad("start.renstra: perlu plan (first_year, last_year) dan nodes (tujuan → sasaran).")
    head = renstra.get("plan") or {}
    try:
        first, last = int(head.get("first_year")), int(head.get("last_year"))
    except (TypeError, ValueError) as exc:
        raise _bad("start.renstra.plan: first_year dan last_year wajib diisi (tahun).") from exc
    if not first <= year <= last or last - first > 9:
        raise _bad(f"start.renstra.plan: periode {first}–{last} harus memuat tahun kasus {year} (paling lama "
                   "10 tahun).")
    sasaran: set[str] = set()
    for tujuan in renstra["nodes"]:
        _check_node(tujuan, "tujuan", first, last)
        for child in tujuan.get("children") or []:
            _check_node(child, "sasaran", first, last)
            if child.get("children"):
                raise _bad(f"start.renstra: sasaran {child['code']} adalah petikan — program disusun peserta di "
                           "Renja.")
            sasaran.add(str(child["code"]))
    if not sasaran:
        raise _bad("start.renstra: petikan Renstra memerlukan sedikitnya satu sasaran dengan IKU.")
    return sasaran


def _check_node(node: object, kind: str, first: int, last: int) -> None:
    if not isinstance(node, dict) or node.get("kind") != kind or not node.get("code") or not node.get("name"):
        raise _bad(f"start.renstra: setiap simpul tingkat ini harus {kind} dengan code dan name.")
    indicators = node.get("indicators") or []
    if kind == "sasaran" and not indicators:
        raise _bad(f"start.renstra: sasaran {node['code']} belum memiliki IKU.")
    for ind in indicators:
        if not isinstance(ind, dict) or not ind.get("name") or not ind.get("unit"):
            raise _bad(f"start.renstra: indikator pada {node['code']} perlu name dan unit.")
        targets = ind.get("targets") if isinstance(ind.get("targets"), dict) else {}
        years = {int(k) for k, v in targets.items() if str(k).isdigit() and isinstance(v, (int, float))}
        missing = [y for y in range(first, last + 1) if y not in years]
        if missing:
            raise _bad(f"start.renstra: indikator “{ind['name']}” belum memiliki target (angka) tahun "
                       f"{', '.join(map(str, missing))}.")


# ---------------------------------------------------------------- the sandbox plans

def try_seed(s: Session, case: TrainingCase) -> None:
    """Seed the starting point into a throwaway sandbox and roll it back: a start the plan services refuse (a code
    off the scheme's format, a level out of place) is refused when the case is saved, not when it is assigned."""
    savepoint = s.begin_nested()
    try:
        org = Organization(code=f"UJI-{secrets.token_hex(4).upper()}", name="Uji titik awal kasus",
                           kind="ruang_latihan", sandbox=True)
        s.add(org)
        s.flush()
        seed(s, org, case)
    except DomainError as exc:
        raise _bad(f"start: {exc.message}") from exc
    finally:
        savepoint.rollback()


def seed(s: Session, org: Organization, case: TrainingCase) -> Plan:
    """The case's starting point in a sandbox: the Renstra excerpt (fixed) first, then the Renja (its partial plan
    or empty), which refers to that Renstra; returns the Renja."""
    start = case.start or {}
    head = dict(start.get("plan") or {})
    head.update(organization=org.code, kind="renja", year=case.year, scheme=case.scheme)
    head.setdefault("name", f"Renja latihan {case.title} {case.year}")
    head.pop("renstra_first_year", None)  # the sandbox's own Renstra, found as the one in force
    with as_system(s):
        if start.get("renstra"):
            _seed_renstra(s, org, case, start["renstra"])
        seeds.load_plan(s, {"plan": head, "nodes": start.get("nodes") or []})
    return s.exec(select(Plan).where(Plan.organization_id == org.id, Plan.kind == "renja")).one()


def _seed_renstra(s: Session, org: Organization, case: TrainingCase, renstra: dict) -> Plan:
    head = dict(renstra.get("plan") or {})
    head.update(organization=org.code, kind="renstra", scheme=case.scheme)
    head.setdefault("name", f"Renstra {case.unit_name or case.title} {head['first_year']}–{head['last_year']}")
    seeds.load_plan(s, {"plan": head, "nodes": renstra.get("nodes") or []})
    plan = s.exec(select(Plan).where(Plan.organization_id == org.id, Plan.kind == "renstra")).one()
    decree = workflow.Decree(f"Latihan/{case.code}", date(plan.first_year, 1, 2))
    for action in ("submit", "approve", "lock"):  # fixed as a unit's Renstra in force is: read-only
        workflow.transition(s, acting.SYSTEM, plan, action, decree=decree if action == "lock" else None)
    return plan


def relink(s: Session, plan: Plan, source_renstra_id: int | None) -> None:
    """A copied Renja's ``serves`` links, moved from the source sandbox's Renstra to this sandbox's one (the
    same case: the same sasaran codes)."""
    if not source_renstra_id or not plan.renstra_id:
        return
    old = dict(s.exec(select(PlanNode.id, PlanNode.code).where(PlanNode.plan_id == source_renstra_id)).all())
    new = {code: nid for nid, code in s.exec(select(PlanNode.id, PlanNode.code)
                                             .where(PlanNode.plan_id == plan.renstra_id)).all()}
    for node in s.exec(select(PlanNode).where(PlanNode.plan_id == plan.id, PlanNode.serves_id.is_not(None))):
        node.serves_id = new.get(old.get(node.serves_id))
        s.add(node)
    s.flush()


def drop_plans(s: Session, org_id: int, kinds: tuple[str, ...] = ("renja", "renstra")) -> None:
    """A sandbox's plans of these kinds with their rows (the Renja before the Renstra it serves)."""
    for kind in kinds:
        for plan in s.exec(select(Plan).where(Plan.organization_id == org_id, Plan.kind == kind)).all():
            node_ids = list(s.exec(select(PlanNode.id).where(PlanNode.plan_id == plan.id)).all())
            ind_ids = list(s.exec(select(Indicator.id).where(Indicator.plan_id == plan.id)).all())
            for f in s.exec(select(FeedbackEntry).where(FeedbackEntry.node_id.in_(node_ids or [-1]))).all():
                f.node_id = None
            with as_system(s):
                removal.remove(s, ind_ids, node_ids)
            for c in s.exec(select(Comment).where(Comment.plan_id == plan.id)).all():
                s.delete(c)
            s.flush()
            s.delete(plan)
            s.flush()
