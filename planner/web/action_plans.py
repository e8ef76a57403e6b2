"""Action plans (rencana aksi, issue #17): an activity's steps with their timeline, the editing form and the
status marks; the timeline of a whole plan and of a unit (filter by person, printable on A4/F4 landscape);
the Excel table; "Bulan saya" on the home page and the schedule panel of the plan dashboard.

Handlers are thin: rules in ``planner.services.action_plans``, every judgement (state, completion, flags,
where a bar goes) in ``planner.calc.schedule``. Forms work without JavaScript (POST, then a redirect); the
editing form keeps blank rows so steps can be added without a script.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Optional

from flask import Blueprint, Response, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from pydantic import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from planner import db, periods
from planner.calc import schedule
from planner.calc.formatting import format_number, parse_number
from planner.errors import Conflict, DomainError, Invalid, from_pydantic
from planner.excel import action_plan as xlsx
from planner.models import Organization, Plan, PlanNode
from planner.models.action_plan import ACTION_NODE_KINDS, STEP_STATUSES, StatusIn, StepIn
from planner.permissions import can, require
from planner.services import action_plans as svc
from planner.services.monitoring import EVIDENCE_TYPES
from planner.services import accounts, orgs, plans, step_evidence
from planner.web.filters import labels, t
from planner.web.helpers import principal, render, respond, send_evidence

bp = Blueprint("action_plans", __name__)
NODE_TPL = "action_plans/node.html"
TIMELINE_TPL = "action_plans/timeline.html"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BLANK_ROWS = 3
ROW_FIELDS = ("id", "version", "name", "start", "end", "owner", "output", "volume", "unit", "budget",
              "indicator_id", "period")
PAPERS = ("a4", "f4")


@bp.before_request
@login_required
def _logged_in():
    """Every page of this area needs a logged-in user."""


# ---------------------------------------------------------------- access

def _node_for(node_id: int, action: str = "plan.read") -> tuple[PlanNode, Plan]:
    s = db.session()
    node = plans.get_node(s, node_id)
    plan = plans.get_plan(s, node.plan_id)
    require(principal(), action, plan)
    svc.check_node(node)
    return node, plan


def _plan_for(plan_id: int) -> Plan:
    plan = plans.get_plan(db.session(), plan_id)
    require(principal(), "plan.read", plan)
    return plan


def _may_edit(plan: Plan) -> bool:
    return can(principal(), "plan.edit", plan) and plan.status in plans.EDITABLE_STATUSES and plan.kind == "renja"


def _paper() -> str:
    paper = (request.args.get("kertas") or "a4").lower()
    return paper if paper in PAPERS else "a4"


# ---------------------------------------------------------------- one activity

def _node_context(node: PlanNode, plan: Plan, **extra) -> dict:
    s = db.session()
    tl = svc.timeline(s, [plan], node_id=node.id)
    tree = plans.load_tree(s, plan)
    below = set(plans.subtree_ids(s, node))
    indicators = [i for tn in tree.walk() if tn.node.id in below for i in tn.indicators]
    rows = tl.rows
    ctx = dict(
        node=node, plan=plan, org=s.get(Organization, plan.organization_id), tl=tl, rows=rows,
        ancestors=tree.ancestors(node.id), can_edit=_may_edit(plan),
        can_mark=can(principal(), "realization.edit", plan), form_rows=extra.pop("form_rows", None),
        indicators=indicators, period_codes=periods.ALL,
        plan_steps=(choices := svc.step_choices(s, plan)), step_names=dict(choices), owners=svc.owner_choices(s, plan), blank_rows=BLANK_ROWS,
        completion=tl.completion(tl.today), paper=_paper(), error=None, status_error=None,
        mark_day=min(tl.today, date(plan.first_year, 12, 31)),  # a mark's default date lies in the plan's year
    )
    ctx["evidence"] = step_evidence.for_steps(s, [r.step.id for r in rows])
    ctx["uploaders"] = accounts.names(s, {e.uploaded_by_id for evs in ctx["evidence"].values() for e in evs})
    ctx["max_bytes"] = current_app.config["EVIDENCE_MAX_BYTES"]  # the page says the limit before an upload
    ctx["max_mb"] = ctx["max_bytes"] / (1024 * 1024)
    ctx["accept"] = ",".join(f".{ext}" for ext in EVIDENCE_TYPES)
    ctx.update(extra)
    if ctx["form_rows"] is None:
        ctx["form_rows"] = [_form_row(r) for r in rows]
    return ctx


def _form_row(r: svc.StepRow) -> dict:
    st = r.step
    return {"id": str(st.id), "version": str(st.version), "name": st.name, "months": [str(m) for m in st.month_list],
            "start": st.start_date.isoformat() if st.start_date else "",
            "end": st.end_date.isoformat() if st.end_date else "",
            "owner": r.owner_username or st.owner_text, "output": st.output,
            "volume": format_number(st.volume, None) if st.volume is not None else "", "unit": st.unit,
            "budget": format_number(st.budget, None).replace(".", "") if st.budget is not None else "",
            "indicator_id": str(st.indicator_id or ""), "period": st.period or "",
            "depends_on": [str(d) for d in r.depends_on]}


@bp.get("/nodes/<int:node_id>/rencana-aksi")
def node_page(node_id: int):
    node, plan = _node_for(node_id)
    return render(NODE_TPL, **_node_context(node, plan))


@bp.post("/nodes/<int:node_id>/rencana-aksi")
def save(node_id: int):
    node, plan = _node_for(node_id)  # the service checks plan.edit
    raw = _rows(request.form)
    try:
        items = [_step_in(r, i) for i, r in enumerate(raw)]
        svc.save_action_plan(db.session(), principal(), node, items)
    except (Invalid, Conflict) as exc:
        status = 409 if isinstance(exc, Conflict) else 422
        return render(NODE_TPL, block="editor", status=status,
                      **_node_context(node, plan, form_rows=raw, error=exc))
    flash(gettext("Rencana aksi %(code)s tersimpan.", code=node.code), "ok")
    return redirect(url_for("action_plans.node_page", node_id=node.id) + "#jadwal")


def _rows(form) -> list[dict]:
    """The submitted rows in index order, without blank or deleted ones."""
    indices = sorted({int(m.group(1)) for k in form if (m := re.match(r"^steps\.(\d+)\.", k))})
    out = []
    for i in indices:
        if form.get(f"steps.{i}._hapus"):
            continue
        row = {f: (form.get(f"steps.{i}.{f}") or "").strip() for f in ROW_FIELDS}
        row["months"] = [m for m in form.getlist(f"steps.{i}.months") if m]
        row["depends_on"] = [d for d in form.getlist(f"steps.{i}.depends_on") if d]
        if any(row[f] for f in ROW_FIELDS if f not in ("id", "version")) or row["months"]:
            out.append(row)
    return out


def _number(value: str, fld: str, i: int):
    if not value:
        return None
    try:
        return parse_number(value)
    except ValueError as exc:
        raise Invalid(f"Langkah {i + 1}: {exc}", field=f"steps.{i}.{fld}") from exc


def _step_in(r: dict, i: int) -> StepIn:
    data = {k: v for k, v in r.items() if k not in ("months", "depends_on", "volume", "budget") and v != ""}
    data["months"] = [int(m) for m in r["months"] if m.isdigit()]
    data["depends_on"] = [int(d) for d in r["depends_on"] if d.isdigit()]
    data["volume"] = _number(r["volume"], "volume", i)
    budget = _number(r["budget"], "budget", i)
    data["budget"] = None if budget is None else str(budget)
    try:
        return StepIn.model_validate(data)
    except ValidationError as exc:  # pydantic's error, with the row named
        err = from_pydantic(exc)
        raise Invalid(f"Langkah {i + 1}: {err.message}", field=f"steps.{i}.{err.field}") from exc


@bp.post("/langkah/<int:step_id>/status")
def set_status(step_id: int):
    s = db.session()
    step = svc.get_step(s, step_id)
    node, plan = _node_for(step.node_id)  # the service checks realization.edit
    form = request.form
    try:
        on = date.fromisoformat(form["on"]) if form.get("on") else None
    except ValueError:
        on = None
    try:
        data = StatusIn.model_validate({"status": form.get("status", ""), "on": on, "note": form.get("note", ""),
                                        "evidence_url": form.get("evidence_url") or None,
                                        "version": int(form["version"]) if form.get("version", "").isdigit()
                                        else None})
        svc.set_status(s, principal(), step, data)
    except (DomainError, ValueError) as exc:
        message = exc.message if isinstance(exc, DomainError) else gettext("Status tidak dikenal.")
        status = exc.status if isinstance(exc, DomainError) else 422
        ctx = _node_context(node, plan, status_error=(step.id, message))
        return render(NODE_TPL, status=status, **ctx)
    flash(gettext("Status langkah '%(name)s': %(status)s.", name=step.name, status=t(STEP_STATUSES[step.status])),
          "ok")
    back = form.get("back") or ""
    target = back if back.startswith("/") and not back.startswith("//") else \
        url_for("action_plans.node_page", node_id=node.id)
    return redirect(target + ("" if "#" in target else f"#step-{step.id}"))


# ---------------------------------------------------------------- a step's evidence (files and links)

def _back_to_step(step, node) -> str:
    return url_for("action_plans.node_page", node_id=node.id) + f"#step-{step.id}"


@bp.post("/langkah/<int:step_id>/bukti")
def add_evidence(step_id: int):
    """A file (checked as realisation evidence is) or a link; the page comes back at the step."""
    s, cfg = db.session(), current_app.config
    step = svc.get_step(s, step_id)
    node, plan = _node_for(step.node_id)  # the service checks realization.edit
    error = None
    try:
        try:
            upload = request.files.get("file")
            url = (request.form.get("url") or "").strip()
        except RequestEntityTooLarge as exc:
            limit = format_number(cfg["MAX_CONTENT_LENGTH"] / (1024 * 1024), None)
            raise Invalid(f"Berkas terlalu besar; batasnya {limit} MB.", field="file") from exc
        if upload is not None and upload.filename:
            step_evidence.add_file(s, step, upload.filename, upload.stream, cfg["UPLOAD_DIR"],
                                   cfg["EVIDENCE_MAX_BYTES"])
        elif url:
            step_evidence.add_link(s, step, url)
        else:
            raise Invalid("Pilih berkas atau tuliskan tautan bukti dukung.", field="file")
    except (Invalid, Conflict) as exc:
        error = exc
    return respond(NODE_TPL, status=error.status if error else 200, redirect_to=_back_to_step(step, node),
                   message=gettext("Bukti dukung langkah '%(name)s' ditambahkan.", name=step.name),
                   context=lambda: _node_context(node, plan, status_error=(step.id, error.message) if error else None))


def _step_evidence(evidence_id: int):
    s = db.session()
    row = step_evidence.get(s, evidence_id)
    step = svc.get_step(s, row.step_id)
    node, plan = _node_for(step.node_id)
    return row, step, node, plan


@bp.get("/langkah-bukti/<int:evidence_id>")
def evidence_file(evidence_id: int):
    """A file goes only to those who may read the plan, always as a download; a link is followed."""
    row, _, _, _ = _step_evidence(evidence_id)
    return send_evidence(row, step_evidence.path(row, current_app.config["UPLOAD_DIR"]))


@bp.post("/langkah-bukti/<int:evidence_id>/hapus")
def delete_evidence(evidence_id: int):
    row, step, node, plan = _step_evidence(evidence_id)  # the service checks realization.edit
    error = None
    try:
        step_evidence.delete(db.session(), row, current_app.config["UPLOAD_DIR"])
    except Conflict as exc:
        error = exc
    return respond(NODE_TPL, status=error.status if error else 200, redirect_to=_back_to_step(step, node),
                   message=gettext("Bukti dukung langkah dihapus."),
                   context=lambda: _node_context(node, plan, status_error=(step.id, error.message) if error else None))


# ---------------------------------------------------------------- plan and unit timelines

def _owner_filter() -> Optional[str]:
    return (request.args.get("pemilik") or "").strip() or None


@bp.get("/plans/<int:plan_id>/rencana-aksi")
def plan_timeline(plan_id: int):
    plan = _plan_for(plan_id)
    s = db.session()
    tl = svc.timeline(s, [plan], owner=_owner_filter())
    return render(TIMELINE_TPL, tl=tl, plan=plan, org=s.get(Organization, plan.organization_id), unit=None,
                  owner=_owner_filter(), paper=_paper(), completion=tl.completion(tl.today),
                  all_owners=svc.timeline(s, [plan]).owners if _owner_filter() else tl.owners)


@bp.get("/organisasi/<int:org_id>/rencana-aksi")
def unit_timeline(org_id: int):
    s = db.session()
    org = orgs.get(s, org_id)
    require(principal(), "org.read", org)
    raw = (request.args.get("year") or "").strip()
    year = int(raw) if raw.isdigit() else date.today().year
    readable = principal().readable_orgs
    unit = [pl for pl in svc.unit_plans(s, org, year) if principal().is_admin or pl.organization_id in readable]
    tl = svc.timeline(s, unit, owner=_owner_filter(), year=year)
    return render(TIMELINE_TPL, tl=tl, plan=None, org=org, unit=unit, owner=_owner_filter(), paper=_paper(),
                  completion=tl.completion(tl.today),
                  all_owners=svc.timeline(s, unit, year=year).owners if _owner_filter() else tl.owners)


# ---------------------------------------------------------------- Excel

def _xlsx_rows(tl: svc.Timeline) -> list[xlsx.Row]:
    out = []
    for group in tl.groups:
        node = group.node
        sub = node if node.kind in ("sub_kegiatan", "ro", "kro") else None
        for r in group.rows:
            st = r.step
            out.append(xlsx.Row(name=st.name, months=r.months, code=node.code,
                                program=group.program.name if group.program else "",
                                kegiatan=group.kegiatan.name if group.kegiatan else "", sub=sub.name if sub else "", owner=r.owner, output=st.output,
                                volume=st.volume, unit=st.unit, budget=st.budget,
                                status=schedule.STATE_LABELS[r.state]))
    return out


def _send(data: bytes, name: str) -> Response:
    return Response(data, mimetype=XLSX_TYPE, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _safe(code: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", code).strip("-")


@bp.get("/nodes/<int:node_id>/rencana-aksi.xlsx")
def node_xlsx(node_id: int):
    node, plan = _node_for(node_id)
    s = db.session()
    org = s.get(Organization, plan.organization_id)
    tl = svc.timeline(s, [plan], node_id=node.id)
    data = xlsx.build_workbook(f"RENCANA AKSI {node.code} {node.name.upper()} TAHUN {plan.first_year}",
                               _xlsx_rows(tl), f"{org.name} · {plan.name}", paper=_paper())
    return _send(data, f"rencana-aksi-{_safe(node.code)}-{plan.first_year}.xlsx")


@bp.get("/plans/<int:plan_id>/rencana-aksi.xlsx")
def plan_xlsx(plan_id: int):
    plan = _plan_for(plan_id)
    s = db.session()
    org = s.get(Organization, plan.organization_id)
    tl = svc.timeline(s, [plan], owner=_owner_filter())
    data = xlsx.build_workbook(f"RENCANA AKSI {org.name.upper()} TAHUN {plan.first_year}", _xlsx_rows(tl),
                               plan.name, paper=_paper())
    return _send(data, f"rencana-aksi-{_safe(org.code)}-{plan.first_year}.xlsx")


# ---------------------------------------------------------------- home and dashboard pieces

@bp.app_context_processor
def _shared():
    """Labels and helpers the home page, the plan tree and the dashboard use too."""
    return {"my_month": my_month, "schedule_panel": schedule_panel, "ACTION_NODE_KINDS": ACTION_NODE_KINDS,
            "state_labels": labels(schedule.STATE_LABELS), "step_statuses": labels(STEP_STATUSES),
            "flag_labels": labels(schedule.FLAG_LABELS), "month_names": labels(periods.MONTHS)}


def my_month() -> Optional[svc.MyMonth]:
    """The signed-in user's steps due this month and overdue (home page); computed once per request."""
    if not current_user.is_authenticated:
        return None
    if "my_month" not in g:
        g.my_month = svc.my_month(db.session(), current_user._get_current_object())
    return g.my_month


def schedule_panel(progress) -> dict:
    """The dashboard's schedule panel: each activity's step completion at the end of the dashboard's period
    beside the activity's achievement status there, and every step behind (for the early warnings)."""
    plan, year, upto = progress.plan, progress.year, progress.upto
    achievements = {n.node.id: n for root in progress.roots for n in root.walk()}
    tl = svc.timeline(db.session(), [plan], nodes={nid: n.node for nid, n in achievements.items()},
                      with_indicators=False)
    statuses = {nid: n.status for nid, n in achievements.items()}
    nodes = svc.schedule_by_node(tl, svc.period_end(year, upto), statuses)
    return {"nodes": nodes, "achievements": achievements, "behind": [r for r in tl.rows if r.behind],
            "groups": {grp.node.id: grp for grp in tl.groups}, "day": svc.period_end(year, upto), "today": tl.today,
            "plan": plan}

