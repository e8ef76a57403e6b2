"""API routes of the plan checks: a plan's findings and score, acknowledging a finding, the cascade."""
from __future__ import annotations

from flask import current_app, g, jsonify, request

from planner import db
from planner.services import cascade, checks, monitoring
from planner.web.api import body, bp
from planner.web.api.openapi import PATHS, SCHEMAS, operation
from planner.web.api.plans import _plan


@bp.get("/plans/<int:plan_id>/checks")
def plan_checks(plan_id: int):
    plan = _plan(plan_id)
    report = checks.check_plan(db.session(), plan)
    return jsonify(plan_id=plan.id, **report.as_dict())


@bp.post("/findings/<rule>/<int:node_or_indicator_id>/acknowledge")
def acknowledge_finding(rule: str, node_or_indicator_id: int):
    finding = checks.acknowledge(db.session(), g.principal, rule, node_or_indicator_id,
                                 str(body().get("reason") or ""))
    return jsonify(finding.as_dict())


@bp.get("/plans/<int:plan_id>/cascade")
def plan_cascade(plan_id: int):
    plan = _plan(plan_id)
    settings = monitoring.settings_from_config(current_app.config)
    picture = cascade.for_plan(db.session(), plan, request.args.get("mode", "findings"),
                               request.args.get("period") or None, settings)
    return jsonify(plan_id=plan.id, **picture.as_dict())


PATHS.update({
    "/plans/{plan_id}/checks": {"get": operation("Pemeriksaan rencana: skor mutu, skor per kelompok aturan, temuan")},
    "/findings/{rule}/{node_or_indicator_id}/acknowledge": {
        "post": operation("Terima temuan dengan alasan (berlaku untuk semua versi rencana)", "Acknowledge")},
    "/plans/{plan_id}/cascade": {"get": operation("Pohon kinerja dengan status per simpul (?mode=findings|achievement"
                                                  "&period=TW1..TW4)", params=("mode", "period"))},
})
SCHEMAS["Acknowledge"] = {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}
