"""Satisfaction survey pages (SKM): list and create, results with entry form and file import, the report
workbook and print view, and "Jadikan realisasi". The public questionnaire lives in ``web.public``."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_login import login_required

from planner import db, periods
from planner.errors import DomainError, Invalid
from planner.excel import skm_xlsx
from planner.models import Plan
from planner.models.survey import (
    AGE_GROUPS, EDUCATIONS, GENDERS, GROUP_FIELDS, RESPONSE_SOURCES, SURVEY_VERSIONS)
from planner.permissions import can, require
from planner.services import orgs, surveys
from planner.web.evaluation import chosen_org, current_year, readable_orgs
from planner.web.helpers import form_int, principal, render

bp = Blueprint("surveys", __name__)
TPL = "surveys/survey.html"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LABELS = dict(genders=GENDERS, ages=AGE_GROUPS, educations=EDUCATIONS, groups=GROUP_FIELDS,
              sources=RESPONSE_SOURCES, versions=SURVEY_VERSIONS)


@bp.before_request
@login_required
def _logged_in():
    """Every page of this area needs a logged-in user."""


@bp.get("/skm")
def index():
    units = readable_orgs()
    s = db.session()
    listed = surveys.list_for(s, {o.id for o in units})
    counts = surveys.response_counts(s, [sv.id for sv in listed])
    rows = [(sv, counts.get(sv.id, 0)) for sv in listed]
    return render("surveys/index.html", rows=rows, org_names={o.id: o.name for o in units},
                  editable=readable_orgs("survey.edit"), year=current_year(), labels=LABELS, error=None,
                  form={})[0]


def _date(name: str) -> date | None:
    value = (request.form.get(name) or "").strip()
    try:
        return date.fromisoformat(value) if value else None
    except ValueError as exc:
        raise Invalid(f"Tanggal '{value}' tidak valid (format YYYY-MM-DD).", field=name) from exc


@bp.post("/skm")
def create():
    org = chosen_org("survey.edit")
    if org is None:
        raise Invalid("Pilih unit pelayanan.", field="organization_id")
    f = request.form
    data = surveys.parse({"organization_id": org.id, "year": form_int("year") or current_year(),
                          "name": f.get("name", ""), "period": f.get("period", ""),
                          "version": f.get("version") or "skm2017", "population": form_int("population"),
                          "starts_on": _date("starts_on"), "ends_on": _date("ends_on"),
                          "services": f.get("services", ""), "asks_importance": bool(f.get("asks_importance")),
                          "elements": _custom_elements(f.get("elements", ""))})
    sv = surveys.create(db.session(), data)
    flash(f"Survei '{sv.name}' dibuat.", "ok")
    return redirect(url_for("surveys.show", survey_id=sv.id))


def _custom_elements(text: str) -> list[dict] | None:
    """Custom elements, one per line: ``kode | nama | bobot`` (bobot optional, as a fraction)."""
    from planner.calc.formatting import parse_number

    items = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2:
            raise Invalid(f"Unsur baris {n}: tulis 'kode | nama | bobot'.", field="elements")
        try:
            weight = parse_number(parts[2]) if len(parts) > 2 and parts[2] else None
        except ValueError as exc:
            raise Invalid(f"Unsur baris {n}: bobot '{parts[2]}' bukan angka.", field="elements") from exc
        items.append({"code": parts[0], "name": parts[1], "weight": weight})
    return items or None


def _survey(survey_id: int, action: str = "service.read"):
    sv = surveys.get(db.session(), survey_id)
    require(principal(), action, sv)
    return sv


def _page(sv, error: DomainError | None = None, status: int = 200, form=None):
    s = db.session()
    result = surveys.result(s, sv)
    indicators = surveys.outcome_indicators(s, sv.organization_id, sv.year)
    return render(TPL, None, status, sv=sv, r=result, org=orgs.get(s, sv.organization_id), labels=LABELS,
                  editable=can(principal(), "survey.edit", sv), indicators=indicators,
                  responses=surveys.responses(s, sv)[-20:], error=error, form=form or {},
                  public_url=url_for("public.questionnaire", token=sv.public_token, _external=True),
                  periods=[(p, periods.label(p)) for p in periods.ALL], today=date.today())


@bp.get("/skm/<int:survey_id>")
def show(survey_id: int):
    return _page(_survey(survey_id))


@bp.post("/skm/<int:survey_id>/responden")
def add_response(survey_id: int):
    sv = _survey(survey_id, "survey.edit")
    f = request.form
    row = {k: v for k, v in f.items() if k != "csrf_token" and v.strip()}
    try:
        surveys.add_responses(db.session(), sv, [row], source="form", row_label="responden")
    except DomainError as exc:
        db.session().rollback()
        return _page(_survey(survey_id), exc, exc.status, form=dict(f))
    flash("Jawaban responden disimpan.", "ok")
    return redirect(url_for("surveys.show", survey_id=sv.id, _anchor="isi"))


@bp.post("/skm/<int:survey_id>/impor")
def import_responses(survey_id: int):
    sv = _survey(survey_id, "survey.edit")
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise Invalid("Pilih berkas .xlsx atau .csv.", field="file")
        n = surveys.import_file(db.session(), sv, upload.filename, upload.read())
    except DomainError as exc:
        db.session().rollback()
        return _page(_survey(survey_id), exc, exc.status)
    flash(f"{n} responden diimpor.", "ok")
    return redirect(url_for("surveys.show", survey_id=sv.id))


@bp.get("/skm/<int:survey_id>/laporan.xlsx")
def report_xlsx(survey_id: int):
    sv = _survey(survey_id)
    s = db.session()
    data = skm_xlsx.build(surveys.result(s, sv), orgs.get(s, sv.organization_id).name, surveys.responses(s, sv))
    return Response(data, mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="laporan-skm-{sv.year}-{sv.id}.xlsx"'})


@bp.get("/skm/<int:survey_id>/cetak")
def print_view(survey_id: int):
    sv = _survey(survey_id)
    s = db.session()
    return render("surveys/print.html", sv=sv, r=surveys.result(s, sv), org=orgs.get(s, sv.organization_id),
                  labels=LABELS)[0]


@bp.post("/skm/<int:survey_id>/realisasi")
def post_realization(survey_id: int):
    """"Jadikan realisasi": the converted IKM as a realisation of one of the unit's indicators."""
    sv = _survey(survey_id)
    s = db.session()
    ind_id = form_int("indicator_id") or 0
    plan = _plan_of_indicator(ind_id)
    require(principal(), "realization.edit", plan)
    result = surveys.result(s, sv)
    surveys.post_realization(s, sv.organization_id, ind_id, sv.year, request.form.get("period") or "Y",
                             result.converted, f"IKM dari {sv.name} ({result.respondents} responden)",
                             url_for("surveys.show", survey_id=sv.id, _external=True), principal().user.id)
    flash("IKM dicatat sebagai realisasi indikator.", "ok")
    return redirect(url_for("surveys.show", survey_id=sv.id))


def _plan_of_indicator(indicator_id: int) -> Plan:
    from planner.services import plans

    ind = plans.get_indicator(db.session(), indicator_id)
    return plans.get_plan(db.session(), ind.plan_id)
