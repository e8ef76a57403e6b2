"""API routes of the plans area: organisations, plans, the tree, nodes, indicators, targets."""
from __future__ import annotations

from flask import g, jsonify, request
from pydantic import ValidationError
from sqlmodel import select

from planner import db
from planner.errors import Conflict, Invalid, from_pydantic
from planner.models import Indicator, Plan, PlanNode, Scheme, Target
from planner.models.plan import IndicatorCreate, IndicatorUpdate, NodeCreate, NodeUpdate, PlanCreate, TargetIn
from planner.permissions import require
from planner.services import orgs, plans, versions
from planner.web.api import _parse, body, bp, finite_model, num, on_conflict, refuse_unknown, validate


# ---------------------------------------------------------------- serialisers

def org_json(o) -> dict:
    return {"id": o.id, "code": o.code, "name": o.name, "parent_id": o.parent_id, "kind": o.kind}


def plan_json(p: Plan) -> dict:
    out = {"id": p.id, "organization_id": p.organization_id, "kind": p.kind, "name": p.name, "status": p.status,
           "first_year": p.first_year, "last_year": p.last_year, "year": p.year, "renstra_id": p.renstra_id,
           "revision_number": p.revision_number, "revision_of_id": p.revision_of_id,
           "scheme": _scheme_key(p), "vision": p.vision, "missions": p.missions,
           "version": p.version}
    out["decree_number"] = p.decree_number or None  # the SK of penetapan
    out["decree_date"] = p.decree_date.isoformat() if p.decree_date else None
    return out


def _scheme_key(p: Plan) -> str:
    cache = g.setdefault("scheme_keys", {})
    if p.scheme_id not in cache:
        cache[p.scheme_id] = db.session().get(Scheme, p.scheme_id).key
    return cache[p.scheme_id]


def target_json(t: Target) -> dict:
    out = {"year": t.year, "period": t.period}
    if t.text is not None:
        out["text"] = t.text
    elif t.lower is not None or t.upper is not None:
        out.update(lower=t.lower, upper=t.upper)
    else:
        out["value"] = t.value
    return out


def indicator_json(ind: Indicator, targets: list[Target]) -> dict:
    fields = ("id", "code", "name", "level", "unit", "definition", "formula", "data_source", "collection_method",
              "frequency", "responsible", "polarity", "accumulation", "target_type", "weight", "ratio_factor",
              "rationale", "objective_id", "version", "node_id", "valid_min", "valid_max", "end_target")
    out = {f: getattr(ind, f) for f in fields}
    out["baseline"] = {"value": ind.baseline_value, "year": ind.baseline_year, "text": ind.baseline_text}
    out["targets"] = [target_json(t) for t in targets]
    return out


def node_json(tn, tree) -> dict:
    n = tn.node
    return {"id": n.id, "kind": n.kind, "code": n.code, "name": n.name, "parent_id": n.parent_id,
            "position": n.position, "activity_type": n.activity_type, "unit_in_charge": n.unit_in_charge,
            "location": n.location, "pagu": num(n.pagu), "funding_source": n.funding_source,
            "serves_id": n.serves_id, "supports_id": n.supports_id, "version": n.version,
            "objectives": [{"id": o.id, "text": o.text} for o in tn.objectives],
            "indicators": [indicator_json(i, tree.targets.get(i.id, [])) for i in tn.indicators],
            "children": [node_json(c, tree) for c in tn.children]}


# ---------------------------------------------------------------- organisations and plans

@bp.get("/organizations")
def organizations():
    p = g.principal
    rows = [o for o in orgs.all_orgs(db.session()) if p.is_admin or o.id in p.readable_orgs]
    return jsonify(organizations=[org_json(o) for o in rows])


@bp.get("/plans")
def list_plans():
    p = g.principal
    org_id = request.args.get("organization_id", type=int)
    scope = None if p.is_admin else p.readable_orgs
    ids = [org_id] if org_id is not None else scope
    if org_id is not None and scope is not None and org_id not in scope:
        ids = []
    rows = plans.list_plans(db.session(), ids, kind=request.args.get("kind"), year=request.args.get("year", type=int))
    if request.args.get("in_force", "").lower() in ("1", "true", "yes"):
        rows = versions.in_force_among(rows)  # one version per plan: the one in force
    return jsonify(plans=[plan_json(pl) for pl in rows])


@bp.get("/plans/<int:plan_id>/versions")
def plan_versions(plan_id: int):
    """Every version of the plan (murni, Perubahan 1, 2, …) with which one is in force and which is being edited."""
    rows = versions.version_list(db.session(), _plan(plan_id))
    return jsonify(versions=[plan_json(v.plan) | {"label": v.label, "in_force": v.in_force,
                                                  "being_edited": v.being_edited, "reason": v.plan.revision_reason,
                                                  "opened_by": v.opened_by, "fixed_by": v.fixed_by,
                                                  "fixed_at": v.fixed_at.isoformat() if v.fixed_at else None}
                             for v in rows])


@bp.post("/plans")
def create_plan():
    data = body(PlanCreate)
    plan = plans.create_plan(db.session(), data)  # it checks plan.create on the organisation
    return jsonify(plan_json(plan)), 201


def _plan(plan_id: int, action: str = "plan.read") -> Plan:
    plan = plans.get_plan(db.session(), plan_id)
    require(g.principal, action, plan)
    return plan


@bp.get("/plans/<int:plan_id>")
def get_plan(plan_id: int):
    return jsonify(plan_json(_plan(plan_id)))


@bp.get("/plans/<int:plan_id>/tree")
def tree(plan_id: int):
    plan = _plan(plan_id)
    t = plans.load_tree(db.session(), plan)
    return jsonify(plan=plan_json(plan), nodes=[node_json(tn, t) for tn in t.roots])


def _editable(plan_id: int) -> Plan:
    plan = _plan(plan_id, "plan.edit")
    plans.ensure_editable(db.session(), plan)
    return plan


def _one_node_json(node: PlanNode) -> dict:
    t = plans.load_tree(db.session(), plans.get_plan(db.session(), node.plan_id))
    return node_json(t.by_id[node.id], t)


@bp.post("/plans/<int:plan_id>/nodes")
def create_node(plan_id: int):
    plan = _editable(plan_id)
    node = plans.create_node(db.session(), plan, body(NodeCreate))
    return jsonify(_one_node_json(node)), 201


def _node(node_id: int) -> PlanNode:
    """Every node route of the API changes the plan, so the plan must be editable."""
    node = plans.get_node(db.session(), node_id)
    _editable(node.plan_id)
    return node


@bp.put("/nodes/<int:node_id>")
def update_node(node_id: int):
    node = _node(node_id)
    on_conflict(lambda: _one_node_json(node))
    plans.update_node(db.session(), node, body(NodeUpdate))
    return jsonify(_one_node_json(node))


@bp.delete("/nodes/<int:node_id>")
def delete_node(node_id: int):
    """Deleting a node with children or indicators needs ``?confirm=true``: nothing is lost by accident."""
    node = _node(node_id)
    count = plans.count_subtree(db.session(), node)
    if count.has_dependents and request.args.get("confirm") not in ("1", "true"):
        raise Conflict(f"Simpul memiliki {count.nodes - 1} simpul turunan dan {count.indicators} indikator; "
                          "ulangi dengan ?confirm=true untuk menghapus semuanya.", field="confirm", code="confirm_required")
    plans.delete_node(db.session(), node)
    return jsonify(deleted={"nodes": count.nodes, "indicators": count.indicators, "targets": count.targets,
                            "realizations": count.realizations, "evidence": count.evidence})


@bp.post("/nodes/<int:node_id>/indicators")
def create_indicator(node_id: int):
    node = _node(node_id)
    data = _baseline_flat(body())  # the tree's shape is accepted as input too
    model = validate(IndicatorCreate, data)
    ind = plans.create_indicator(db.session(), node, model)
    return jsonify(indicator_json(ind, _targets(ind))), 201


# Keys of an indicator's GET answer that a client may send back unchanged: accepted and ignored.
_READ_ONLY = {"id", "node_id", "targets"}


def _baseline_flat(data: dict) -> dict:
    """``{"baseline": {value, year, text}}`` (the tree's shape) as the model's three fields."""
    base = data.pop("baseline", None)
    if base is None:
        return data
    if not isinstance(base, dict):
        raise Invalid("baseline harus berupa objek {value, year, text}.", field="baseline")
    refuse_unknown({"value", "year", "text"}, base)
    for key in ("value", "year", "text"):
        if key in base:
            data.setdefault(f"baseline_{key}", base[key])
    return data


def _targets(ind: Indicator) -> list[Target]:
    return list(db.session().exec(select(Target).where(Target.indicator_id == ind.id)
                                  .order_by(Target.year, Target.period)))


def _indicator(indicator_id: int) -> tuple[Indicator, Plan]:
    ind = plans.get_indicator(db.session(), indicator_id)
    return ind, (_plan(ind.plan_id) if request.method == "GET" else _editable(ind.plan_id))


@bp.get("/indicators/<int:indicator_id>")
def get_indicator(indicator_id: int):
    ind, _ = _indicator(indicator_id)
    return jsonify(indicator_json(ind, _targets(ind)))


@bp.put("/indicators/<int:indicator_id>")
def update_indicator(indicator_id: int):
    ind, _ = _indicator(indicator_id)
    data = _baseline_flat(body())
    model = validate(IndicatorUpdate, data, extra=_READ_ONLY)
    on_conflict(lambda: indicator_json(ind, _targets(ind)))
    plans.update_indicator(db.session(), ind, model)
    return jsonify(indicator_json(ind, _targets(ind)))


@bp.put("/indicators/<int:indicator_id>/targets")
def put_targets(indicator_id: int):
    ind, plan = _indicator(indicator_id)
    payload = _parse()
    if isinstance(payload, dict):
        refuse_unknown({"targets", "version"}, payload)
    on_conflict(lambda: indicator_json(ind, _targets(ind)))
    items = payload.get("targets") if isinstance(payload, dict) else payload
    if not isinstance(items, list):
        raise Invalid("Kirim daftar target: {\"targets\": [{year, period, value}]}.", field="targets")
    cells = []
    for i, item in enumerate(items):
        extra = next((k for k in item if k not in TargetIn.model_fields), None) if isinstance(item, dict) else None
        if extra:
            raise Invalid(f"targets[{i}].{extra}: kolom tidak dikenal.", field=f"targets[{i}].{extra}", code="unknown_field")
        try:
            cells.append(TargetIn.model_validate(item))
            finite_model(cells[-1])
        except ValidationError as exc:
            err = from_pydantic(exc)
            raise Invalid(f"targets[{i}].{err.message}", field=f"targets[{i}].{err.field}") from exc
        except Invalid as exc:
            raise Invalid(f"targets[{i}].{exc.message}", field=f"targets[{i}].{exc.field}") from exc
    plans.set_targets(db.session(), ind, plan, cells, payload.get("version") if isinstance(payload, dict) else None)
    return jsonify(indicator_json(ind, _targets(ind)))
