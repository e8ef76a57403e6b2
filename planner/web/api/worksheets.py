"""API routes of the public-service activity worksheet (issue #5).

``GET /nodes/{id}/worksheet`` answers ``services.worksheet_json.as_dict``: ``{"node", "worksheet_id", "version",
"complete", "progress", "steps": [{"key", "number", "title", "complete", "rule", "missing", "rows" ...}]}``.
A step's dict is also its PUT body (labels, totals and other read-only keys are ignored), so a client may
read, change and send back. ``PUT /nodes/{id}/worksheet`` takes ``{"steps": [...]}`` (all five or some,
each with its ``key``; the optional top-level ``version`` is checked once, before the first step) and saves
them all or none; ``PUT /nodes/{id}/worksheet/{step}`` (step: needs, standards, success, resources, control) saves one step. Both answer the whole worksheet.
"""
from __future__ import annotations

from flask import g, jsonify

from planner import db
from planner.errors import DomainError, Invalid
from planner.models import PlanNode
from planner.models.bodies import WorksheetPut
from planner.models.worksheet import STEP_INPUTS, STEP_KEYS, STEP_TITLES
from planner.permissions import require
from planner.services import monitoring, plans
from planner.services import worksheet as svc
from planner.services.worksheet_json import as_dict
from planner.web.api import body, bp, on_conflict, validate
from planner.web.api.openapi import PATHS, SCHEMAS, from_model, operation

# Keys of a step's API dict that are read-only: accepted (so a GET's step can be sent back) and dropped.
_READ_ONLY = {"key", "number", "title", "complete", "rule", "missing"}


def _node(node_id: int, action: str = "plan.read") -> PlanNode:
    node = plans.get_node(db.session(), node_id)
    require(g.principal, action, plans.get_plan(db.session(), node.plan_id))
    svc.check_node(node)
    return node


def _require_save(node: PlanNode, key: str) -> None:
    """Who may save a step is the service's rule (``worksheet.require_save``): asked before anything is written."""
    s = db.session()
    svc.require_save(s, plans.get_plan(s, node.plan_id), key)


def _view(node: PlanNode):
    s = db.session()
    return svc.load(s, node, monitoring.realisation_lookup(s, plans.get_plan(s, node.plan_id)))


def _answer(node: PlanNode):
    return jsonify(as_dict(_view(node)))


def _step_input(item: dict) -> dict:
    """A step without its read-only keys. Unlike other bodies, a step's dict is the GET answer sent back, so
    the labels and totals it carries are accepted and dropped here (the top level refuses unknown keys)."""
    return {k: v for k, v in item.items() if k not in _READ_ONLY}


@bp.get("/nodes/<int:node_id>/worksheet")
def get_worksheet(node_id: int):
    return _answer(_node(node_id))


@bp.put("/nodes/<int:node_id>/worksheet")
def put_worksheet(node_id: int):
    node = _node(node_id)
    data = body(allowed={"steps", "version"}, extra={"node", "worksheet_id", "complete", "progress"})  # GET keys
    validate(WorksheetPut, {k: v for k, v in data.items() if k in ("steps", "version")})
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        raise Invalid("Kirim langkah yang disimpan: {\"steps\": [{\"key\": \"needs\", ...}]}.", field="steps")
    keys = []
    for i, item in enumerate(steps):
        key = item.get("key") if isinstance(item, dict) else None
        if key not in STEP_KEYS:
            raise Invalid(f"steps[{i}]: langkah '{key}' tidak dikenal; pilih salah satu: {', '.join(STEP_KEYS)}.",
                          field=f"steps.{i}.key")
        if key in keys:
            raise Invalid(f"steps[{i}]: langkah '{key}' dikirim dua kali.", field=f"steps.{i}.key")
        keys.append(key)
    for key in keys:
        _require_save(node, key)
    on_conflict(lambda: as_dict(_view(node)))
    version = data.get("version")
    for i, (key, item) in enumerate(zip(keys, steps)):
        step = _step_input(item)
        step["version"] = (version if version is not None else step.get("version")) if i == 0 else None
        try:
            svc.save_step(db.session(), node, key, step)
        except DomainError as exc:  # the field as a path into the body; the request is rolled back whole
            field = f"steps.{i}.{exc.field}" if exc.field and exc.field != "version" else exc.field
            raise type(exc)(f"Langkah {STEP_KEYS.index(key) + 1} ({STEP_TITLES[key]}): {exc.message}",
                            field=field, code=exc.code) from exc
    return _answer(node)


def put_worksheet_step(node_id: int, step: str):
    node = _node(node_id)
    _require_save(node, step)
    on_conflict(lambda: as_dict(_view(node)))
    svc.save_step(db.session(), node, step, _step_input(body()))
    return _answer(node)


# One rule per step (an unknown step is a plain 404): the paths are fixed words, listed as such below.
for _key in STEP_KEYS:
    bp.add_url_rule(f"/nodes/<int:node_id>/worksheet/{_key}", "put_worksheet_step", put_worksheet_step,
                    methods=["PUT"], defaults={"step": _key})


# ---------------------------------------------------------------- OpenAPI (next to the routes)

_str, _int = {"type": "string"}, {"type": "integer"}
PATHS.update({
    "/nodes/{node_id}/worksheet": {
        "get": operation("Lembar kerja kegiatan pelayanan publik: lima langkah dengan kelengkapannya"),
        "put": operation("Simpan beberapa atau semua langkah lembar kerja (semua atau tidak sama sekali)", "WorksheetPut"),
    },
})
PATHS.update({f"/nodes/{{node_id}}/worksheet/{key}": {
    "put": operation(f"Simpan langkah {i} ({STEP_TITLES[key]})", "WorksheetStep")} for i, key in enumerate(STEP_KEYS, 1)})
# Each step's body is its step model (the one save_step validates with); the read-only keys a GET answer
# carries may be sent back and are dropped, so they are declared too.
_STEP_READ_ONLY = {"key": {"enum": list(STEP_KEYS)}, "number": {"type": "integer"}, "title": {"type": "string"},
                   "complete": {"type": "boolean"}, "rule": {"type": "string"},
                   "missing": {"type": "array", "items": {"type": "string"}}}
for _key in STEP_KEYS:
    from_model(f"WorksheetStep_{_key}", STEP_INPUTS[_key], _STEP_READ_ONLY)
    PATHS[f"/nodes/{{node_id}}/worksheet/{_key}"]["put"] = operation(
        f"Simpan langkah {STEP_KEYS.index(_key) + 1} ({STEP_TITLES[_key]})", f"WorksheetStep_{_key}")
SCHEMAS["WorksheetStep"] = {"anyOf": [{"$ref": f"#/components/schemas/WorksheetStep_{k}"} for k in STEP_KEYS]}
from_model("WorksheetPut", WorksheetPut, {"steps": {"type": "array", "minItems": 1,
                                                    "items": {"$ref": "#/components/schemas/WorksheetStep"}},
                                          "node": {}, "worksheet_id": {}, "complete": {}, "progress": {}})
