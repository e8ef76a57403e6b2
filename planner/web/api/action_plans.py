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
* A step's evidence, as a realisation has it: ``GET /action-steps/{id}/evidence`` lists it;
  ``POST /action-steps/{id}/evidence`` adds a file (``multipart/form-data``, field ``file``) or a link
  (``{url}``), 201; ``GET /action-step-evidence/{id}`` downloads a file (a link redirects);
  ``DELETE /action-step-evidence/{id}`` removes it (204).
"""
from __future__ import annotations

from flask import current_app, g, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from planner import db
from planner.errors import DomainError, Invalid
from planner.models.action_plan import StatusIn, StepIn
from planner.permissions import require
from planner.services import action_plans as svc
from planner.services import plans, step_evidence
from planner.web.api import body, bp, num, validate
from planner.web.helpers import send_evidence
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
    node, plan = _node(node_id)  # the service checks plan.edit
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


# ---------------------------------------------------------------- a step's evidence

def evidence_json(e) -> dict:
    out = {"id": e.id, "step_id": e.step_id, "kind": e.kind, "uploaded_at": e.uploaded_at.isoformat()}
    if e.kind == "link":
        out["url"] = e.url
    else:
        out.update(filename=e.filename, content_type=e.content_type, size=e.size,
                   download=f"/api/v1/action-step-evidence/{e.id}")
    return out


@bp.get("/action-steps/<int:step_id>/evidence")
def list_step_evidence(step_id: int):
    step = svc.get_step(db.session(), step_id)
    _node(step.node_id)
    return jsonify(evidence=[evidence_json(e) for e in step_evidence.for_step(db.session(), step.id)])


@bp.post("/action-steps/<int:step_id>/evidence")
def add_step_evidence(step_id: int):
    s, cfg = db.session(), current_app.config
    step = svc.get_step(s, step_id)
    _node(step.node_id)  # the service checks realization.edit
    try:
        upload = request.files.get("file") if not request.is_json else None
    except RequestEntityTooLarge as exc:
        raise Invalid("Berkas terlalu besar.", field="file") from exc
    if upload is not None and upload.filename:
        row = step_evidence.add_file(s, step, upload.filename, upload.stream, cfg["UPLOAD_DIR"],
                                     cfg["EVIDENCE_MAX_BYTES"])
    else:
        url = body(allowed={"url"}).get("url")
        if not isinstance(url, str) or not url.strip():
            raise Invalid('Kirim berkas (multipart, kolom "file") atau tautan: {"url": "https://..."}.', field="url")
        row = step_evidence.add_link(s, step, url)
    return jsonify(evidence_json(row)), 201


def _evidence(evidence_id: int):
    s = db.session()
    row = step_evidence.get(s, evidence_id)
    _node(svc.get_step(s, row.step_id).node_id)
    return row


@bp.get("/action-step-evidence/<int:evidence_id>")
def get_step_evidence(evidence_id: int):
    row = _evidence(evidence_id)
    return send_evidence(row, step_evidence.path(row, current_app.config["UPLOAD_DIR"]))


@bp.delete("/action-step-evidence/<int:evidence_id>")
def delete_step_evidence(evidence_id: int):
    row = _evidence(evidence_id)  # the service checks realization.edit
    step_evidence.delete(db.session(), row, current_app.config["UPLOAD_DIR"])
    return "", 204


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
    "/action-steps/{step_id}/evidence": {
        "get": operation("Bukti dukung langkah (berkas dan tautan)"),
        "post": {**operation("Tambah bukti dukung langkah: berkas (multipart, kolom file) atau tautan", ok=201),
                 "requestBody": {"required": True, "content": {
                     "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                         "file": {"type": "string", "format": "binary"}}}},
                     "application/json": {"schema": {"$ref": "#/components/schemas/StepEvidenceLink"}}}}},
    },
    "/action-step-evidence/{evidence_id}": {
        "get": operation("Unduh berkas bukti dukung langkah (tautan: dialihkan)"),
        "delete": operation("Hapus bukti dukung langkah", ok=204),
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
    "StepEvidenceLink": {"type": "object", "required": ["url"], "additionalProperties": False,
                         "properties": {"url": {**_str, "format": "uri"}}},
})
