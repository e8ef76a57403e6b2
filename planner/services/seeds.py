"""Demo and training data from ``seeds/``, loaded through the same services as the UI.

Idempotent: organisations, plans and accounts that already exist are left as they are.
"""
from __future__ import annotations

from pathlib import Path

import yaml
from sqlmodel import Session, select

from pydantic import ValidationError

from planner.errors import DomainError, Invalid, from_pydantic
from planner.models import NodeObjective, Plan, PlanNode
from planner.models.plan import IndicatorCreate, NodeCreate, PlanCreate, TargetIn
from planner.services import accounts, orgs, plans, worksheet_seeds

DEMO_PASSWORD = "planner-demo"
# Which demo organisations each demo account works in (role -> organisation codes).
DEMO_ACCOUNTS = {
    "admin": ("Administrator Demo", "admin", [None]),
    "penyusun": ("Penyusun Demo", "penyusun", ["BAPENDA-KALBAR", "DISDUKCAPIL-PWK", "KEMENLU-PWNI", "SETKAB-DKK",
                                                "BPJN-KALBAR"]),
    "reviewer": ("Reviewer Biro Perencanaan", "reviewer", ["KEMENLU", "SETKAB", "PEMPROV-KALBAR", "PEMKAB-PURWAKARTA",
                                                            "KEMENPU"]),
    "pimpinan": ("Pimpinan Unit Demo", "pimpinan", ["BAPENDA-KALBAR", "DISDUKCAPIL-PWK", "KEMENLU-PWNI",
                                                     "SETKAB-DKK", "BPJN-KALBAR"]),
    "instruktur": ("Widyaiswara Demo", "instruktur", ["LAN-PKP"]),
    "peserta": ("Peserta PKP Demo", "peserta", ["LAN-PKP"]),
    # issue 18: the evaluation team; assigned per unit in the demo rounds (its role only lets it sign in)
    "penilai": ("Tim Penilai PEKPPP", "pengamat", ["LAN"]),
}


class SeedError(Invalid):
    """A seed file that breaks a rule; the message names the file and the entry."""


def load_demo(s: Session, seeds_dir: Path) -> dict[str, int]:
    counts = {"organizations": 0, "plans": 0, "users": 0, "worksheets": 0}
    counts["organizations"] = _load_orgs(s, yaml.safe_load((seeds_dir / "organizations.yaml").read_text("utf-8")))
    # Renstra first (a Renja links to its Renstra's sasaran), parent organisations' plans before their
    # units' (a unit's sasaran supports its parent's: the Pemda's RPJMD-level sasaran).
    parent = {o.id: o.parent_id for o in orgs.all_orgs(s)}
    depth = {o.code: _depth(parent, o.id) for o in orgs.all_orgs(s)}
    plan_files = sorted((seeds_dir / "plans").glob("*.yaml"),
                        key=lambda p: ("renja" in p.name, depth.get(p.name.split("-ren")[0], 0), p.name))
    for path in plan_files:
        try:
            counts["plans"] += load_plan(s, yaml.safe_load(path.read_text("utf-8")))
        except DomainError as exc:
            raise SeedError(f"{path.name}: {exc.message}", field=exc.field) from exc
    counts["users"] = _load_accounts(s)
    sheets = seeds_dir / "worksheets.yaml"
    if sheets.exists():
        try:
            counts["worksheets"] = worksheet_seeds.load_worksheets(s, yaml.safe_load(sheets.read_text("utf-8")))
        except DomainError as exc:
            raise SeedError(f"{sheets.name}: {exc.message}", field=exc.field) from exc
    counts["action_plans"] = _load_action_plans(s, seeds_dir / "action_plans.yaml")
    service = seeds_dir / "service.yaml"
    if service.exists():  # issue 14: evaluations, surveys, complaints, public pages
        from planner.services import service_seeds

        try:
            counts["service"] = service_seeds.load(s, yaml.safe_load(service.read_text("utf-8")))
        except DomainError as exc:
            raise SeedError(f"{service.name}: {exc.message}", field=exc.field) from exc
    if (seeds_dir / "training").exists():  # issue 16: a class with three trainees at different stages
        from planner.services.training import demo as training_demo

        counts["training"] = training_demo.load(s, DEMO_PASSWORD)
    evaluation_rounds = seeds_dir / "evaluation_rounds.yaml"
    if evaluation_rounds.exists():  # issue 18: rounds over the five units, verified scores, LHE, follow-ups
        from planner.services import round_seeds

        try:
            counts["evaluation_rounds"] = round_seeds.load(s, yaml.safe_load(evaluation_rounds.read_text("utf-8")))
        except DomainError as exc:
            raise SeedError(f"{evaluation_rounds.name}: {exc.message}", field=exc.field) from exc
    return counts


def _depth(parent: dict[int, int | None], org_id: int) -> int:
    steps = 0
    while parent.get(org_id) is not None:
        org_id, steps = parent[org_id], steps + 1
    return steps


def _load_action_plans(s: Session, path: Path) -> int:
    """``seeds/action_plans.yaml`` (issue #17), through the same service as the pages, as the system."""
    from planner.permissions import Principal
    from planner.services import action_plan_seeds

    if not path.exists():
        return 0
    system = Principal(user=accounts.by_username(s, "admin"), is_admin=True)
    try:
        return action_plan_seeds.load_action_plans(s, yaml.safe_load(path.read_text("utf-8")), system)
    except DomainError as exc:
        raise SeedError(f"{path.name}: {exc.message}", field=exc.field) from exc


def _load_orgs(s: Session, data: dict) -> int:
    created = 0

    def walk(items, parent_id):
        nonlocal created
        for item in items or []:
            org = orgs.by_code(s, item["code"])
            if org is None:
                org = orgs.create(s, item["code"], item["name"], item["kind"], parent_id)
                created += 1
            walk(item.get("children"), org.id)

    walk(data.get("organizations"), None)
    return created


def load_plan(s: Session, data: dict) -> int:
    """One plan file; returns 1 when created, 0 when the plan already exists."""
    head = data["plan"]
    org = orgs.by_code(s, head["organization"])
    if org is None:
        raise SeedError(f"organisasi '{head['organization']}' tidak ada di organizations.yaml", field="organization")
    first = head.get("year") or head.get("first_year")
    if s.exec(select(Plan).where(Plan.organization_id == org.id, Plan.kind == head["kind"],
                                 Plan.first_year == first)).first():
        return 0
    renstra_id = None
    if head["kind"] == "renja" and head.get("renstra_first_year"):
        renstra = s.exec(select(Plan).where(Plan.organization_id == org.id, Plan.kind == "renstra",
                                            Plan.first_year == head["renstra_first_year"])).first()
        renstra_id = renstra.id if renstra else None
    plan = plans.create_plan(s, PlanCreate(
        organization_id=org.id, kind=head["kind"], scheme=head["scheme"], name=head["name"],
        year=head.get("year"), first_year=head.get("first_year"), last_year=head.get("last_year"),
        vision=head.get("vision", ""), missions="\n".join(head.get("missions", [])), renstra_id=renstra_id))
    serves = _serves_lookup(s, plan)
    for item in data.get("nodes", []):
        _load_node(s, plan, item, None, serves)
    return 1


def _serves_lookup(s: Session, plan: Plan) -> dict[str, int]:
    source = plan.renstra_id if plan.kind == "renja" else None
    if source is None:
        return {}
    rows = s.exec(select(PlanNode).where(PlanNode.plan_id == source, PlanNode.kind == "sasaran"))
    return {n.code: n.id for n in rows}


def _load_node(s: Session, plan: Plan, item: dict, parent_id: int | None, serves: dict[str, int]) -> None:
    where = f"simpul {item.get('code')}"
    fields = {k: item[k] for k in ("kind", "code", "name", "activity_type", "unit_in_charge", "location", "pagu",
                                   "funding_source", "description") if item.get(k) is not None}
    serves_code = item.get("serves")
    if serves_code and plan.kind == "renstra":
        serves_code = None  # inside a Renstra the tree itself says which sasaran a program serves
    if serves_code and serves_code not in serves:
        raise SeedError(f"{where}: sasaran '{serves_code}' tidak ada di Renstra acuan", field="serves")
    node = plans.create_node(s, plan, NodeCreate(**fields, parent_id=parent_id, objectives=item.get("objectives", []),
                                                 serves_id=serves.get(serves_code) if serves_code else None,
                                                 supports_id=_supported(s, plan, item.get("supports"), where)))
    objective_ids = {}
    if item.get("objectives"):
        objective_ids = {o.text: o.id for o in s.exec(select(NodeObjective).where(NodeObjective.node_id == node.id))}
    for ind in item.get("indicators", []):
        try:
            data = _indicator(plan, ind, objective_ids)
        except ValidationError as exc:
            err = from_pydantic(exc)
            raise SeedError(f"{where}, indikator {ind.get('code') or ind.get('name')}: {err.message}",
                            field=err.field) from exc
        plans.create_indicator(s, node, data)
    for child in item.get("children", []):
        _load_node(s, plan, child, node.id, serves)


def _supported(s: Session, plan: Plan, ref: str | None, where: str) -> int | None:
    """``supports: ORG/CODE``: the sasaran of the parent organisation's Renstra for the same period."""
    if not ref:
        return None
    org_code, _, code = ref.partition("/")
    org = orgs.by_code(s, org_code)
    parent_plan = s.exec(select(Plan).where(Plan.organization_id == org.id, Plan.kind == "renstra",
                                            Plan.first_year == plan.first_year)).first() if org else None
    node = s.exec(select(PlanNode).where(PlanNode.plan_id == parent_plan.id, PlanNode.code == code)).first() \
        if parent_plan else None
    if node is None:
        raise SeedError(f"{where}: sasaran '{ref}' yang didukung tidak ada", field="supports")
    return node.id


def _indicator(plan: Plan, item: dict, objective_ids: dict[str, int]) -> IndicatorCreate:
    data = {k: v for k, v in item.items() if k not in ("targets", "baseline", "objective")}
    baseline = item.get("baseline") or {}
    value = baseline.get("value")
    text_value = isinstance(value, str)
    data.update(baseline_value=None if text_value else value, baseline_text=value if text_value else None,
                baseline_year=baseline.get("year"),
                objective_id=objective_ids.get(item.get("objective")))
    data["targets"] = [_target(plan, key, value) for key, value in (item.get("targets") or {}).items()]
    return IndicatorCreate.model_validate(data)


def _target(plan: Plan, key, value) -> TargetIn:
    """Renstra targets are keyed by year, Renja targets by period code."""
    year, period = (int(key), "Y") if plan.kind == "renstra" else (plan.first_year, str(key))
    if isinstance(value, dict):
        return TargetIn(year=year, period=period, lower=value.get("lower"), upper=value.get("upper"))
    if isinstance(value, str):
        return TargetIn(year=year, period=period, text=value)
    return TargetIn(year=year, period=period, value=value)


def _load_accounts(s: Session) -> int:
    created = 0
    for username, (full_name, role, org_codes) in DEMO_ACCOUNTS.items():
        user = accounts.by_username(s, username)
        if user is None:
            user = accounts.create_user(s, username, DEMO_PASSWORD, full_name)
            created += 1
        for code in org_codes:
            org = orgs.by_code(s, code) if code else None
            if code is None or org is not None:
                accounts.add_membership(s, user, role, org.id if org else None)
    return created
