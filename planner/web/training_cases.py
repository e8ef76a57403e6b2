"""The case library's pages (training blueprint): list, write and edit a case, export and import case files."""
from __future__ import annotations

import yaml
from flask import Response, redirect, request, url_for
from flask_babel import gettext

from planner import db
from planner.calc.training import EXPECTATION_KINDS
from planner.errors import Invalid
from planner.models.training import TrainingCase
from planner.services.training import cases, require_manager
from planner.web.filters import t
from planner.web.helpers import render, respond
from planner.web.training import bp

# Edited as YAML text in the form; the start's Renstra excerpt (``start.renstra`` in a case file) has a box of its own.
YAML_FIELDS = ("documents", "start", "renstra", "expectations")
EMPTY = {"documents": [], "start": {}, "renstra": {}, "expectations": []}


def _manager() -> None:
    require_manager(db.session())


def _form_data(form) -> dict:
    data = {k: form.get(k, "") for k in ("code", "title", "unit_name", "scheme", "year", "chapter", "context")}
    for key in YAML_FIELDS:
        try:
            data[key] = yaml.safe_load(form.get(key, "") or "") or EMPTY[key]
        except yaml.YAMLError as exc:
            raise Invalid(gettext("%(field)s: YAML tidak sah (%(error)s)", field=key, error=exc), field=key) from exc
    renstra = data.pop("renstra")
    if renstra and isinstance(data["start"], dict):
        data["start"] = {"renstra": renstra, **data["start"]}
    return data


def _as_form(case: TrainingCase | None) -> dict:
    if case is None:
        return {"scheme": "daerah", "year": 2026} | {key: "" for key in YAML_FIELDS}
    data = cases.as_dict(case)
    data["start"] = dict(data["start"] or {})
    data["renstra"] = data["start"].pop("renstra", None)
    for key in YAML_FIELDS:
        data[key] = yaml.safe_dump(data[key], allow_unicode=True, sort_keys=False, width=110) if data[key] else ""
    return data


def _library(**extra) -> dict:
    return dict(cases=cases.list_cases(db.session()), kinds=t(EXPECTATION_KINDS), error=None) | extra


@bp.get("/kasus")
def case_list():
    _manager()
    return render("training/cases.html", **_library())[0]


@bp.post("/kasus/pustaka")
def load_library():
    _manager()
    added = cases.load_library(db.session())
    return respond("training/cases.html", context={}, redirect_to=url_for("training.case_list"),
                   message=gettext("%(n)s kasus dari pustaka ditambahkan.", n=added))


@bp.post("/kasus/impor")
def import_case():
    _manager()
    upload = request.files.get("file")
    try:
        if not upload or not upload.filename:
            raise Invalid(gettext("Pilih berkas kasus (.yaml atau .json)."), field="file")
        case = cases.import_file(db.session(), upload.read())
    except Invalid as exc:
        return render("training/cases.html", status=422, **_library(error=exc))
    return redirect(url_for("training.case_edit", case_id=case.id))


@bp.route("/kasus/baru", methods=["GET", "POST"])
def case_new():
    _manager()
    if request.method == "GET":
        return render("training/case.html", case=None, form=_as_form(None), error=None)[0]
    try:
        case = cases.save(db.session(), _form_data(request.form))
    except Invalid as exc:
        return render("training/case.html", status=422, case=None, form=request.form, error=exc)
    return redirect(url_for("training.case_edit", case_id=case.id))


@bp.route("/kasus/<int:case_id>", methods=["GET", "POST"])
def case_edit(case_id: int):
    _manager()
    case = cases.get(db.session(), case_id)
    if request.method == "GET":
        return render("training/case.html", case=case, form=_as_form(case), error=None)[0]
    try:
        cases.save(db.session(), _form_data(request.form), case)
    except Invalid as exc:
        return render("training/case.html", status=422, case=case, form=request.form, error=exc)
    return respond("training/case.html", context={}, redirect_to=url_for("training.case_edit", case_id=case.id),
                   message=gettext("Kasus disimpan."))


@bp.get("/kasus/<int:case_id>/berkas")
def case_file(case_id: int):
    _manager()
    case = cases.get(db.session(), case_id)
    fmt = "json" if request.args.get("format") == "json" else "yaml"
    name = f"{case.code.lower()}.{fmt}"
    return Response(cases.export_text(case, fmt), mimetype="application/json" if fmt == "json" else "application/yaml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
