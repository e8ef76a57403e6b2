"""API routes of action plans (rencana aksi, issue #17).

Contract (names are fixed; extend, never rename):

* ``GET /nodes/{id}/action-plan`` -> ``{steps: [{id, name, months: [1..12], start, end, owner, output,
  indicator_id, period, status, version, ...}]}``; ``owner`` is the account's username, or the free text.
  Extra keys: ``volume, unit, budget, depends_on, state, status_on, status_note, evidence_url, owner_name``.
* ``PUT /nodes/{id}/action-plan`` with ``{steps: [...]}`` replaces the node's steps, all or none: a step with
  an ``id`` is updated (its ``version``, when sent, must be current: else 409), one without is created, the
  others are removed. Read-only keys of a GET's step are accepted and ignored, so a client can read, change
  and send back.
* ``PUT /action-steps/{id}/status`` with ``{status, on, note}`` (optionally ``evidence_url`` and ``version``;
  a stale ``version`` is a 409) marks a step ``done``, ``late``, ``dropped`` or back to ``planned``.
"""
from __future__ import annotations

from flask import g, jsonify

from planner import db
from planner.errors import DomainError, Invalid
from planner.models.action_plan import StatusIn, StepIn
from planner.permissions import require
from planner.services import action_plans as svc
from planner.services import plans
from planner.web.api import body, bp, num, validate
from planner.web.api.openapi import PATHS, SCHEMAS, operation

_READ_ONLY = {"state", "status", "status_on", "status_note", "evidence_url", "owner_name"}


def _node(node_id: int, action: str = "plan.read"):
    s = db.session()
    node = plans.get_node(s, node_id)
    plan = plans.get_plan(s, node.plan_id)
    require(g.principal, action, plan)
    svc.check_node(node)
    return node, plan


def _answer(node, plan, status: int = 200):
    tl = svc.timeline(db.session(), [plan], node_id=node.id)
    steps = [{k: num(v) for k, v in svc.step_json(r).items()} for r in tl.rows]
    return jsonify(node_id=node.id, plan_id=plan.id, year=plan.first_year, steps=steps), status


@bp.get("/nodes/<int:node_id>/action-plan")
def get_action_plan(node_id: int):
    return _answer(*_node(node_id))


@bp.put("/nodes/<int:node_id>/action-plan")
def put_action_plan(node_id: int):
    node, plan = _node(node_id)
    require(g.principal, "plan.edit", plan)
    data = body()
    steps = data.get("steps")
    if not isinstance(steps, list):
        raise Invalid('Kirim langkah-langkahnya: {"steps": [{"name": ..., "months": [1, 2]}]}.', field="steps")
    items = []
    for i, item in enumerate(steps):
        if not isinstance(item, dict):
            raise Invalid(f"steps[{i}] harus berupa objek.", field=f"steps.{i}")
        try:
            items.append(validate(StepIn, {k: v for k, v in item.items() if k not in _READ_ONLY}))
        except DomainError as exc:
            raise Invalid(f"Langkah {i + 1}: {exc.message}", field=f"steps.{i}.{exc.field}" if exc.field
                          else f"steps.{i}") from exc
    svc.save_action_plan(db.session(), g.principal, node, items)
    return _answer(node, plan)


@bp.put("/action-steps/<int:step_id>/status")
def put_step_status(step_id: int):
    s = db.session()
    step = svc.get_step(s, step_id)
    node, plan = _node(step.node_id)
    svc.set_status(s, g.principal, step, body(StatusIn))
    tl = svc.timeline(s, [plan], node_id=node.id)
    row = next(r for r in tl.rows if r.step.id == step.id)
    return jsonify({k: num(v) for k, v in svc.step_json(row).items()})


# ---------------------------------------------------------------- OpenAPI (next to the routes)

_str, _int, _num = {"type": "string"}, {"type": "integer"}, {"type": "number"}
_date = {"type": ["string", "null"], "format": "date"}
PATHS.update({
    "/nodes/{node_id}/action-plan": {
        "get": operation("Rencana aksi kegiatan: langkah, bulan, penanggung jawab, keluaran, status"),
        "put": operation("Ganti seluruh langkah rencana aksi kegiatan (semua atau tidak sama sekali)", "ActionPlan"),
    },
    "/action-steps/{step_id}/status": {
        "put": operation("Tandai langkah selesai, terlambat, dibatalkan atau kembali direncanakan", "StepStatus"),
    },
})
SCHEMAS.update({
    "ActionStep": {"type": "object", "required": ["name"], "properties": {
        "id": _int, "name": _str, "months": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 12}},
        "start": _date, "end": _date, "owner": {**_str, "description": "nama pengguna (akun) atau teks bebas"},
        "output": _str, "volume": _num, "unit": _str, "budget": _num, "indicator_id": _int, "period": _str,
        "depends_on": {"type": "array", "items": _int}, "version": _int}},
    "ActionPlan": {"type": "object", "required": ["steps"], "properties": {
        "steps": {"type": "array", "items": {"$ref": "#/components/schemas/ActionStep"}}}},
    "StepStatus": {"type": "object", "required": ["status"], "properties": {
        "status": {"enum": ["planned", "done", "late", "dropped"]}, "on": _date, "note": _str,
        "evidence_url": _str, "version": _int}},
})
