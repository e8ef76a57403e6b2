"""The complaint register of a unit: entry, response, import, the overdue flag, monthly recap and
"Jadikan realisasi" for the share resolved on time."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_login import login_required

from planner import db, periods
from planner.errors import DomainError, Invalid
from planner.models.complaint import CHANNELS, COMPLAINT_STATUSES
from planner.permissions import can, require
from planner.services import complaints, plans, surveys
from planner.web.evaluation import chosen_org, current_year, readable_orgs
from planner.web.helpers import form_int, principal, render

bp = Blueprint("complaints", __name__)
TPL = "complaints/register.html"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


@bp.before_request
@login_required
def _logged_in():
    """Every page of this area needs a logged-in user."""


def _limit(org_id: int) -> int:
    return complaints.limit_days(db.session(), org_id, current_app.config["COMPLAINT_LIMIT_DAYS"])


def _page(org, year: int, error: DomainError | None = None, status: int = 200, form=None):
    s = db.session()
    today, limit = date.today(), _limit(org.id)
    rows = complaints.list_for(s, org.id, year)
    return render(TPL, None, status, org=org, year=year, lines=complaints.lines(rows, today, limit),
                  summary=complaints.summary(rows, today, limit), limit=limit,
                  monthly=complaints.monthly(rows, year, limit), months=MONTHS, channels=CHANNELS,
                  statuses=COMPLAINT_STATUSES, editable=can(principal(), "complaint.edit", org),
                  units=readable_orgs(), indicators=surveys.outcome_indicators(s, org.id, year),
                  periods=[(p, periods.label(p)) for p in periods.ALL], error=error, form=form or {}, today=today)


@bp.get("/pengaduan")
def index():
    org = chosen_org() or next(iter(readable_orgs()), None)
    if org is None:
        raise Invalid("Tidak ada unit dalam cakupan Anda.", field="org")
    require(principal(), "service.read", org)
    return _page(org, current_year())


@bp.post("/pengaduan")
def create():
    org = chosen_org("complaint.edit")
    if org is None:
        raise Invalid("Pilih unit pelayanan.", field="organization_id")
    f = request.form
    try:
        complaints.create(db.session(), {"organization_id": org.id, "channel": f.get("channel", ""),
                                         "received_on": f.get("received_on", ""), "category": f.get("category", ""),
                                         "summary": f.get("summary", ""), "number": f.get("number", "")})
    except DomainError as exc:
        db.session().rollback()
        return _page(org, current_year(), exc, exc.status, dict(f))
    flash("Pengaduan dicatat.", "ok")
    return redirect(url_for("complaints.index", org=org.id, year=current_year()))


@bp.post("/pengaduan/<int:complaint_id>")
def update(complaint_id: int):
    s = db.session()
    row = complaints.get(s, complaint_id)
    f = request.form
    data = {k: f.get(k) for k in ("status", "resolved_on", "response") if f.get(k) is not None}
    if data.get("resolved_on") == "":
        data["resolved_on"] = None
    complaints.update(s, row, data)
    flash("Pengaduan diperbarui.", "ok")
    return redirect(url_for("complaints.index", org=row.organization_id, year=row.received_on.year))


@bp.post("/pengaduan/impor")
def import_file():
    org = chosen_org("complaint.edit")
    if org is None:
        raise Invalid("Pilih unit pelayanan.", field="organization_id")
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise Invalid("Pilih berkas .xlsx atau .csv.", field="file")
        n = complaints.import_file(db.session(), org.id, upload.filename, upload.read())
    except DomainError as exc:
        db.session().rollback()
        return _page(org, current_year(), exc, exc.status)
    flash(f"{n} pengaduan diimpor.", "ok")
    return redirect(url_for("complaints.index", org=org.id, year=current_year()))


@bp.post("/pengaduan/realisasi")
def post_realization():
    """The share resolved on time as the realisation of one of the unit's indicators."""
    org = chosen_org()
    if org is None:
        raise Invalid("Pilih unit pelayanan.", field="organization_id")
    s, year = db.session(), current_year()
    ind = plans.get_indicator(s, form_int("indicator_id") or 0)
    require(principal(), "realization.edit", plans.get_plan(s, ind.plan_id))
    sm = complaints.summary(complaints.list_for(s, org.id, year), date.today(), _limit(org.id))
    surveys.post_realization(s, org.id, ind.id, year, request.form.get("period") or "Y", sm.resolved_on_time_pct,
                             f"Pengaduan selesai tepat waktu: {sm.resolved_on_time} dari {sm.resolved}",
                             url_for("complaints.index", org=org.id, year=year, _external=True), principal().user.id)
    flash("Persentase pengaduan selesai tepat waktu dicatat sebagai realisasi.", "ok")
    return redirect(url_for("complaints.index", org=org.id, year=year))
