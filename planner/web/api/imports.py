"""API routes of imports and exports: start an import job, follow it, download an official form."""
from __future__ import annotations

from flask import Response, g, jsonify, request

from planner import db, jobs, periods
from planner.errors import Invalid
from planner.services import exports, import_jobs, orgs, plans
from planner.permissions import require
from planner.web.api import bp
from planner.web.imports import XLSX


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "ya", "on")


@bp.post("/imports")
def create_import():
    s = db.session()
    upload = request.files.get("file")
    raw_org = (request.form.get("organization_id") or "").strip()
    if raw_org and not raw_org.isdigit():
        raise Invalid("organization_id harus berupa angka.", field="organization_id")
    org = orgs.get(s, int(raw_org)) if raw_org else None
    job = import_jobs.create_job(s, g.principal, org, upload.filename if upload else "",
                                 upload.read() if upload else b"", dry_run=_flag(request.form.get("dry_run")))
    s.commit()  # the worker reads the job from its own connection
    jobs.enqueue_import(job.id)
    s.refresh(job)
    return jsonify(import_jobs.job_json(job, jobs.progress(job.id))), 202


@bp.get("/imports/<int:job_id>")
def get_import(job_id: int):
    job = import_jobs.get_job(db.session(), g.principal, job_id)
    return jsonify(import_jobs.job_json(job, jobs.progress(job.id)))


@bp.get("/plans/<int:plan_id>/export")
def export_plan(plan_id: int):
    s = db.session()
    plan = plans.get_plan(s, plan_id)
    require(g.principal, "plan.read", plan)
    kind = request.args.get("kind", "")
    period = request.args.get("period") or None
    if period is not None and not periods.is_valid(period):
        raise Invalid(f"Periode '{period}' tidak dikenal.", field="period")
    data = exports.workbook(s, plan, kind, period)
    name = exports.filename(plan, kind, orgs.get(s, plan.organization_id), period)
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={name}"})
