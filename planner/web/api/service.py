"""API of service evaluation (issue 14): instruments, PEKPPP evaluations, SKM surveys and complaints.

Contract (fields may be added, never renamed):
``POST /instruments {code, name, aspects: [{code, name, weight, indicators: [{code, name, weight}]}]}``;
``POST /evaluations {organization_id, year, instrument_id}``; ``PUT /evaluations/{id}/scores
{"scores": {"<indicator code>": score}, "version"?}`` (a stale ``version``: 409 with ``current``); ``GET /evaluations/{id}`` → ``{index, category, label, aspects:
[{code, score, weight}], gaps: [{indicator, lost_points, priority}]}`` (category A, A-, B, B-, C, C-, D, E, F);
``POST /surveys {organization_id, year, name, population?, elements?}``; ``POST /surveys/{id}/responses
{"responses": [{"U1": 4, …}]}`` (all or nothing, 422 naming element and row); ``GET /surveys/{id}/result``;
``GET /surveys/sample-size?population=N``; ``POST /complaints {organization_id, channel, received_on, category,
summary}``; ``PUT /complaints/{id} {status, resolved_on, response}``; ``GET /complaints/summary?organization_id=&year=``.
"""
from __future__ import annotations

from datetime import date

from flask import current_app, g, jsonify, request

from planner import db
from planner.calc import min_sample
from planner.errors import Forbidden, Invalid
from planner.models.evaluation import EvaluationCreate
from planner.permissions import require
from planner.services import complaints, evaluations, instruments, monitoring, orgs, surveys
from planner.web.api import body, bp, on_conflict, validate
from planner.web.api.openapi import PATHS, SCHEMAS, operation


def _instrument_dict(view) -> dict:
    return {"id": view.instrument.id, "version": view.instrument.version, "frozen": view.instrument.frozen,
            **view.as_input()}


def _admin() -> None:
    if not g.principal.is_admin:
        raise Forbidden("Hanya administrator yang mengelola instrumen evaluasi.")


@bp.get("/instruments")
def list_instruments():
    s = db.session()
    return jsonify([{"id": i.id, "code": i.code, "version": i.version, "name": i.name, "frozen": i.frozen}
                    for i in instruments.list_all(s)])


@bp.post("/instruments")
def create_instrument():
    _admin()
    inst = instruments.create(db.session(), body())
    return jsonify(_instrument_dict(instruments.load(db.session(), inst))), 201


@bp.get("/instruments/<int:instrument_id>")
def get_instrument(instrument_id: int):
    s = db.session()
    return jsonify(_instrument_dict(instruments.load(s, instruments.get(s, instrument_id))))


@bp.put("/instruments/<int:instrument_id>")
def update_instrument(instrument_id: int):
    """A frozen version answers with the new version it created (its ``id`` differs)."""
    _admin()
    s = db.session()
    inst = instruments.update(s, instruments.get(s, instrument_id), body())
    return jsonify(_instrument_dict(instruments.load(s, inst)))


def _evaluation_dict(ev) -> dict:
    return evaluations.as_dict(evaluations.load(db.session(), ev, monitoring.settings_from_config(current_app.config)))


def _evaluation_answer(ev, status: int = 200):
    return jsonify(_evaluation_dict(ev)), status


@bp.post("/evaluations")
def create_evaluation():
    s = db.session()
    data = validate(EvaluationCreate, body())
    require(g.principal, "evaluation.edit", orgs.get(s, data.organization_id))
    return _evaluation_answer(evaluations.create(s, data), 201)


def _evaluation(evaluation_id: int, action: str = "service.read"):
    ev = evaluations.get(db.session(), evaluation_id)
    require(g.principal, action, ev)
    return ev


@bp.get("/evaluations/<int:evaluation_id>")
def get_evaluation(evaluation_id: int):
    return _evaluation_answer(_evaluation(evaluation_id))


@bp.put("/evaluations/<int:evaluation_id>/scores")
def put_scores(evaluation_id: int):
    ev = _evaluation(evaluation_id, "evaluation.edit")
    data = body()
    scores = data.get("scores")
    if not isinstance(scores, dict):
        raise Invalid('Kirim {"scores": {"<kode indikator>": nilai}}.', field="scores")
    notes = data.get("notes") if isinstance(data.get("notes"), dict) else None
    on_conflict(lambda: _evaluation_dict(evaluations.get(db.session(), evaluation_id)))
    evaluations.save_scores(db.session(), ev, scores, notes, data.get("version"))
    return _evaluation_answer(ev)


@bp.post("/surveys")
def create_survey():
    s = db.session()
    data = surveys.parse(body())
    require(g.principal, "survey.edit", orgs.get(s, data.organization_id))
    sv = surveys.create(s, data)
    return jsonify({"id": sv.id, "public_token": sv.public_token, "version": sv.version,
                    "elements": [{"code": e.code, "name": e.name, "weight": e.weight}
                                 for e in surveys.elements(s, sv)]}), 201


def _survey(survey_id: int, action: str = "service.read"):
    sv = surveys.get(db.session(), survey_id)
    require(g.principal, action, sv)
    return sv


@bp.post("/surveys/<int:survey_id>/responses")
def post_responses(survey_id: int):
    sv = _survey(survey_id, "survey.edit")
    rows = body().get("responses")
    if not isinstance(rows, list):
        raise Invalid('Kirim {"responses": [{"U1": 4, ...}]}.', field="responses")
    n = surveys.add_responses(db.session(), sv, rows, source="import", row_label="baris")
    return jsonify({"added": n, "respondents": surveys.count_responses(db.session(), sv)}), 201


@bp.get("/surveys/<int:survey_id>/result")
def survey_result(survey_id: int):
    return jsonify(surveys.as_dict(surveys.result(db.session(), _survey(survey_id))))


@bp.get("/surveys/sample-size")
def sample_size():
    raw = request.args.get("population", "")
    if not raw.isdigit() or int(raw) < 1:
        raise Invalid("population harus bilangan bulat ≥ 1.", field="population")
    return jsonify({"population": int(raw), "minimum_sample": min_sample(int(raw))})


def _complaint_dict(row, limit: int) -> dict:
    line = complaints.lines([row], date.today(), limit)[0]
    return {"id": row.id, "organization_id": row.organization_id, "number": row.number, "channel": row.channel,
            "received_on": row.received_on.isoformat(), "category": row.category, "summary": row.summary,
            "status": row.status, "resolved_on": row.resolved_on.isoformat() if row.resolved_on else None,
            "response": row.response, "due_on": line.due.isoformat(), "overdue": line.overdue, "days": line.days}


def _limit(org_id: int) -> int:
    return complaints.limit_days(db.session(), org_id, current_app.config["COMPLAINT_LIMIT_DAYS"])


@bp.post("/complaints")
def create_complaint():
    s = db.session()
    data = body()
    org_id = data.get("organization_id")
    if not isinstance(org_id, int):
        raise Invalid("organization_id wajib diisi.", field="organization_id")
    row = complaints.create(s, data)
    return jsonify(_complaint_dict(row, _limit(row.organization_id))), 201


@bp.put("/complaints/<int:complaint_id>")
def update_complaint(complaint_id: int):
    s = db.session()
    row = complaints.get(s, complaint_id)
    complaints.update(s, row, body())
    return jsonify(_complaint_dict(row, _limit(row.organization_id)))


@bp.get("/complaints/summary")
def complaint_summary():
    s = db.session()
    org_id, year = request.args.get("organization_id", ""), request.args.get("year", "")
    if not org_id.isdigit():
        raise Invalid("organization_id wajib diisi.", field="organization_id")
    org = orgs.get(s, int(org_id))
    require(g.principal, "service.read", org)
    limit = _limit(org.id)
    rows = complaints.list_for(s, org.id, int(year) if year.isdigit() else None)
    return jsonify({"organization_id": org.id, "year": int(year) if year.isdigit() else None,
                    **complaints.summary_dict(complaints.summary(rows, date.today(), limit), limit)})


_str, _int, _num = {"type": "string"}, {"type": "integer"}, {"type": "number"}
PATHS.update({
    "/instruments": {"get": operation("Instrumen evaluasi PEKPPP (semua versi)"),
                     "post": operation("Buat instrumen (admin)", "InstrumentIn", 201)},
    "/instruments/{instrument_id}": {"get": operation("Satu versi instrumen"),
                                     "put": operation("Ubah instrumen; yang sudah dipakai menjadi versi baru (admin)",
                                                      "InstrumentIn")},
    "/evaluations": {"post": operation("Buat putaran evaluasi mandiri PEKPPP", "EvaluationCreate", 201)},
    "/evaluations/{evaluation_id}": {"get": operation("Indeks, kategori, aspek dan celah evaluasi")},
    "/evaluations/{evaluation_id}/scores": {"put": operation("Simpan nilai indikator (0–5)", "Scores")},
    "/surveys": {"post": operation("Buat survei kepuasan masyarakat", "SurveyCreate", 201)},
    "/surveys/{survey_id}/responses": {"post": operation("Tambah responden (semua atau tidak sama sekali)",
                                                         "Responses", 201)},
    "/surveys/{survey_id}/result": {"get": operation("NRR, IKM, mutu, responden dan sampel minimum")},
    "/surveys/sample-size": {"get": operation("Sampel minimum Krejcie–Morgan", params=("population",))},
    "/complaints": {"post": operation("Catat pengaduan", "ComplaintCreate", 201)},
    "/complaints/{complaint_id}": {"put": operation("Tanggapi/selesaikan pengaduan", "ComplaintUpdate")},
    "/complaints/summary": {"get": operation("Rekap pengaduan unit", params=("organization_id", "year"))},
})
SCHEMAS.update({
    "InstrumentIn": {"type": "object", "required": ["code", "name", "aspects"], "properties": {
        "code": _str, "name": _str, "source": _str, "aspects": {"type": "array", "items": {
            "type": "object", "required": ["code", "name", "weight", "indicators"], "properties": {
                "code": _str, "name": _str, "weight": _num, "indicators": {"type": "array", "items": {
                    "type": "object", "required": ["code", "name", "weight"], "properties": {
                        "code": _str, "name": _str, "weight": _num, "evidence": _str,
                        "scale": {"type": "array", "items": _str}}}}}}}}},
    "EvaluationCreate": {"type": "object", "required": ["organization_id", "year", "instrument_id"], "properties": {
        "organization_id": _int, "year": _int, "instrument_id": _int, "label": _str}},
    "Scores": {"type": "object", "required": ["scores"], "properties": {
        "scores": {"type": "object", "additionalProperties": {"type": ["number", "null"]}},
        "notes": {"type": "object", "additionalProperties": _str},
        "version": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1,
                    "description": "Versi evaluasi yang dibaca klien; basi: 409 dengan current"}}},
    "SurveyCreate": {"type": "object", "required": ["organization_id", "year", "name"], "properties": {
        "organization_id": _int, "year": _int, "name": _str, "population": _int, "period": _str,
        "version": {"enum": ["skm2017", "ikm2004", "custom"]}, "starts_on": _str, "ends_on": _str,
        "elements": {"type": "array", "items": {"type": "object", "properties": {
            "code": _str, "name": _str, "weight": _num}}}}},
    "Responses": {"type": "object", "required": ["responses"], "properties": {
        "responses": {"type": "array", "items": {"type": "object"}}}},
    "ComplaintCreate": {"type": "object", "required": ["organization_id", "channel", "received_on", "summary"],
                        "properties": {"organization_id": _int, "channel": {"enum": list(
                            ["lapor", "web", "loket", "kotak_saran", "telepon", "media_sosial"])},
                            "received_on": _str, "category": _str, "summary": _str, "number": _str}},
    "ComplaintUpdate": {"type": "object", "properties": {
        "status": {"enum": ["baru", "diproses", "selesai", "ditolak"]}, "resolved_on": _str, "response": _str}},
})
