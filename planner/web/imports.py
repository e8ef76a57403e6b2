"""Import and export pages: upload a workbook, follow its job (htmx polling), download the template, the
official forms as Excel files and as print views."""
from __future__ import annotations

from flask import Blueprint, Response, redirect, request, url_for
from flask_login import login_required
from sqlmodel import select

from planner import db, jobs, periods
from planner.errors import Invalid
from planner.excel.import_template import build_template
from planner.models import Organization
from planner.models.imports import ImportMapping
from planner.permissions import can, require
from planner.services import exports, import_jobs, orgs, plans
from planner.web.helpers import form_int, page_redirect, principal, render

bp = Blueprint("imports", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TPL = "imports/index.html"
JOB_TPL = "imports/job.html"


@bp.before_request
@login_required
def _logged_in():
    """Every page of this area needs a logged-in user."""


def _importable_orgs():
    p = principal()
    return [(o, d) for o, d in orgs.tree_order(orgs.all_orgs(db.session())) if import_jobs.may_import(p, o)]


@bp.get("/imports")
def index():
    s = db.session()
    p = principal()
    org_ids = [o.id for o, _ in _importable_orgs()]
    mappings = list(s.exec(select(ImportMapping).where(ImportMapping.organization_id.in_(org_ids)))) if org_ids else []
    return render(TPL, importable=_importable_orgs(), jobs=import_jobs.recent_jobs(s, p), mappings=mappings,
                  error=None, org_names={o.id: o.name for o in orgs.all_orgs(s)})


@bp.post("/imports")
def upload():
    s = db.session()
    upload_file = request.files.get("file")
    org_id = form_int("organization_id")
    org = orgs.get(s, org_id) if org_id else None
    data = upload_file.read() if upload_file else b""
    job = import_jobs.create_job(s, principal(), org, upload_file.filename if upload_file else "", data,
                                 dry_run=bool(request.form.get("dry_run")), mapping_id=form_int("mapping_id"))
    s.commit()  # the worker reads the job from its own connection
    jobs.enqueue_import(job.id)
    return redirect(url_for("imports.job", job_id=job.id))


@bp.get("/imports/<int:job_id>")
def job(job_id: int):
    s = db.session()
    row = import_jobs.get_job(s, principal(), job_id)
    s.refresh(row)
    progress = jobs.progress(row.id)
    pct = int(100 * progress["done"] / progress["total"]) if progress.get("total") else 0
    return render(JOB_TPL, "progress", job=row, progress=progress, pct=pct)


@bp.post("/imports/<int:job_id>/run")
def run_for_real(job_id: int):
    """After a clean dry run: import the same file for real."""
    s = db.session()
    p = principal()
    dry = import_jobs.get_job(s, p, job_id)
    if not dry.dry_run or dry.status != "done" or dry.content is None:
        raise Invalid("Hanya uji coba yang berhasil yang dapat dijalankan sungguhan.", field="job")
    org = s.get(Organization, dry.organization_id) if dry.organization_id else None
    new = import_jobs.create_job(s, p, org, dry.filename, dry.content, mapping_id=dry.mapping_id)
    s.commit()
    jobs.enqueue_import(new.id)
    return redirect(url_for("imports.job", job_id=new.id))


@bp.get("/imports/template.xlsx")
def template():
    return Response(build_template(), mimetype=XLSX,
                    headers={"Content-Disposition": "attachment; filename=templat-impor-planner.xlsx"})


def _export_args(plan_id: int, kind: str):
    plan = plans.get_plan(db.session(), plan_id)
    require(principal(), "plan.read", plan)
    period = request.args.get("period") or None
    if period is not None and not periods.is_valid(period):
        raise Invalid(f"Periode '{period}' tidak dikenal.", field="period")
    return plan, period


@bp.get("/plans/<int:plan_id>/ekspor/<kind>.xlsx")
def export_xlsx(plan_id: int, kind: str):
    s = db.session()
    plan, period = _export_args(plan_id, kind)
    data = exports.workbook(s, plan, kind, period)
    name = exports.filename(plan, kind, orgs.get(s, plan.organization_id), period)
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/plans/<int:plan_id>/cetak/<kind>")
def print_view(plan_id: int, kind: str):
    s = db.session()
    plan, period = _export_args(plan_id, kind)
    forms = exports.forms_for(s, plan, kind, period)
    return render("imports/print.html", plan=plan, forms=forms, kind=kind, period=period,
                  title=exports.KINDS.get(kind, kind), can_edit=can(principal(), "plan.edit", plan))


# ---------------------------------------------------------------- the mapping wizard (a unit's own workbook)

WIZ_TPL = "imports/wizard.html"


def _wizard_job(s):
    job = import_jobs.get_job(s, principal(), form_int("job_id") or 0)
    if job.content is None:
        raise Invalid("Berkas wizard sudah tidak tersedia; unggah lagi.", field="file")
    return job


def _mapping_from_form(org_id: int) -> ImportMapping:
    from planner.services.import_mapping import FIELDS
    cols = {k: int(request.form[f"col_{k}"]) for k in FIELDS if (request.form.get(f"col_{k}") or "").isdigit()}
    return ImportMapping(organization_id=org_id, name=(request.form.get("name") or "").strip()[:200] or "Pemetaan",
                         sheet=request.form.get("sheet", ""), header_start=form_int("header_start") or 1,
                         header_rows=form_int("header_rows") or 1, data_start=form_int("data_start") or 2,
                         plan_kind="renja", year=form_int("year") or 2026, columns=cols)


@bp.get("/imports/wizard")
def wizard():
    return render(WIZ_TPL, "wizard", step="upload", importable=_importable_orgs(), ctx={})


@bp.post("/imports/wizard")
def wizard_step():
    """Steps: upload -> sheet -> columns (header rows, mapping, preview) -> save (then a dry run)."""
    from planner.excel.import_reader import read_book
    from planner.services import import_mapping as im

    s = db.session()
    p = principal()
    step = request.form.get("step", "upload")
    if step == "upload":
        f = request.files.get("file")
        org = orgs.get(s, form_int("organization_id") or 0)
        job = import_jobs.create_job(s, p, org, f.filename if f else "", f.read() if f else b"", dry_run=True)
        job.status = "mapping"
        book = read_book(job.content, job.filename)
        return render(WIZ_TPL, "wizard", step="sheet", job=job, sheets=[sh.name for sh in book.sheets],
                      year=form_int("year") or 2026, ctx={})
    job = _wizard_job(s)
    book = read_book(job.content, job.filename)
    sheet = book.sheet(request.form.get("sheet", "")) or book.sheets[0]
    if step == "sheet":
        start, rows, data_start = im.detect_header(sheet)
        labels = im.column_labels(sheet, start, rows)
        mapping = ImportMapping(organization_id=job.organization_id, name=f"{sheet.name}", sheet=sheet.name,
                                header_start=start, header_rows=rows, data_start=data_start,
                                year=form_int("year") or 2026, columns=im.guess_columns(labels))
    else:
        mapping = _mapping_from_form(job.organization_id)
        labels = im.column_labels(sheet, mapping.header_start, mapping.header_rows)
    if step == "save":
        existing = s.exec(select(ImportMapping).where(ImportMapping.organization_id == mapping.organization_id,
                                                      ImportMapping.name == mapping.name)).first()
        if existing is not None:
            for key in ("sheet", "header_start", "header_rows", "data_start", "plan_kind", "year", "columns"):
                setattr(existing, key, getattr(mapping, key))
            mapping = existing
        s.add(mapping)
        s.flush()
        job.mapping_id, job.status = mapping.id, "queued"
        s.commit()
        jobs.enqueue_import(job.id)
        target = url_for("imports.job", job_id=job.id)
        return page_redirect(target)
    preview = im.to_template(book, mapping, "", create_plan=False)
    return render(WIZ_TPL, "wizard", step="columns", job=job, sheet=sheet, mapping=mapping, labels=labels,
                  fields=im.FIELDS, preview=preview, ctx={})


@bp.app_context_processor
def _export_kinds():
    return {"export_kinds": exports.KINDS}
