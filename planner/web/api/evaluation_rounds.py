"""API of evaluation across units (issue 18).

Contract (fields may be added, never renamed):
``POST /evaluation-rounds {name, year, instrument_id, organization_ids}``;
``GET /evaluation-rounds/{id}/results`` → ``{units: [{organization_id, self_index, verified_index, category, rank,
aspects}]}``; ``GET/POST /recommendations`` with ``status`` and ``due_on``;
``GET /evaluation-rounds/{id}/follow-up`` → ``{units_following_up_pct, recommendations_done_pct, overdue}``.
Visibility is the services': an evaluator gets only assigned units, a unit its own row and its verified figures
only once the round is published.
"""
from __future__ import annotations

from flask import jsonify, request

from planner import db
from planner.errors import Invalid
from planner.models.evaluation_round import RecommendationIn, RecommendationUpdate, RoundCreate
from planner.services import evaluation_rounds as rounds, recommendations
from planner.web.api import body, bp, on_conflict
from planner.web.api.openapi import PATHS, SCHEMAS, operation


def _round_dict(rnd) -> dict:
    return {"id": rnd.id, "name": rnd.name, "year": rnd.year, "instrument_id": rnd.instrument_id,
            "organization_id": rnd.organization_id, "status": rnd.status,
            "organization_ids": [u.organization_id for u in rounds.round_units(db.session(), rnd)]}


@bp.get("/evaluation-rounds")
def list_rounds():
    return jsonify([_round_dict(r) for r in rounds.list_for(db.session())])


@bp.post("/evaluation-rounds")
def create_round():
    data = body(RoundCreate)
    return jsonify(_round_dict(rounds.create(db.session(), data))), 201


@bp.get("/evaluation-rounds/<int:round_id>/results")
def round_results(round_id: int):
    s = db.session()
    rnd = rounds.get(s, round_id)
    rows = rounds.results(s, rnd)
    return jsonify({"round": _round_dict(rnd), "units": [rounds.api_unit(r) for r in rows]})


@bp.get("/evaluation-rounds/<int:round_id>/follow-up")
def round_follow_up(round_id: int):
    s = db.session()
    summary, overdue = recommendations.follow_up(s, rounds.get(s, round_id))
    total = recommendations.share_dict(summary.total)
    return jsonify({"units_following_up_pct": total["units_following_up_pct"],
                    "recommendations_done_pct": total["recommendations_done_pct"],
                    "overdue": [recommendations.as_dict(line) for line in overdue],
                    "total": total,
                    "by_aspect": {k: recommendations.share_dict(v) for k, v in summary.by_aspect.items()},
                    "by_unit_type": {k: recommendations.share_dict(v) for k, v in summary.by_unit_type.items()}})


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 10:
        raise Invalid(f"{name} harus bilangan bulat.", field=name)
    return int(raw)


@bp.get("/recommendations")
def list_recommendations():
    lines = recommendations.list_for(db.session(), round_id=_int_arg("round_id"),
                                     organization_id=_int_arg("organization_id"),
                                     status=request.args.get("status") or None)
    return jsonify([recommendations.as_dict(line) for line in lines])


def _line(rec) -> dict:
    lines = recommendations.list_for(db.session(), round_id=recommendations.context(db.session(), rec)[0].id)
    return recommendations.as_dict(next(line for line in lines if line.rec.id == rec.id))


@bp.post("/recommendations")
def create_recommendation():
    rec = recommendations.create(db.session(), body(RecommendationIn))
    return jsonify(_line(rec)), 201


@bp.put("/recommendations/<int:rec_id>")
def update_recommendation(rec_id: int):
    s = db.session()
    rec = recommendations.get(s, rec_id)
    on_conflict(lambda: _line(recommendations.get(db.session(), rec_id)))
    rec = recommendations.update(s, rec, body(RecommendationUpdate))
    return jsonify(_line(rec))


_str, _int, _date = {"type": "string"}, {"type": "integer"}, {"type": ["string", "null"], "format": "date"}
_status = {"enum": ["belum", "proses", "selesai"]}
PATHS.update({
    "/evaluation-rounds": {"get": operation("Putaran evaluasi lintas unit yang dapat Anda buka"),
                           "post": operation("Buat putaran evaluasi atas unit-unit", "RoundCreate", 201)},
    "/evaluation-rounds/{round_id}/results": {"get": operation(
        "Hasil per unit: indeks mandiri dan terverifikasi, kategori, peringkat, aspek (unit: setelah publikasi)")},
    "/evaluation-rounds/{round_id}/follow-up": {"get": operation(
        "Tindak lanjut rekomendasi: % unit menindaklanjuti, % rekomendasi selesai, yang lewat batas waktu")},
    "/recommendations": {"get": operation("Rekomendasi LHE yang dapat Anda lihat",
                                          params=("round_id", "organization_id", "status")),
                         "post": operation("Catat temuan dan rekomendasi per aspek (penilai)", "RecommendationIn",
                                           201)},
    "/recommendations/{rec_id}": {"put": operation("Tindak lanjut: status, batas waktu, penanggung jawab, kegiatan",
                                                   "RecommendationUpdate")},
})
SCHEMAS.update({
    "RoundCreate": {"type": "object", "additionalProperties": False,
                    "required": ["name", "year", "instrument_id", "organization_ids"], "properties": {
                        "name": {"type": "string", "minLength": 3, "maxLength": 200},
                        "year": {"type": "integer", "minimum": 2000, "maximum": 2100}, "instrument_id": _int,
                        "organization_ids": {"type": "array", "minItems": 1, "items": _int},
                        "organization_id": {"type": ["integer", "null"]}}},
    "RecommendationIn": {"type": "object", "additionalProperties": False,
                         "required": ["round_id", "organization_id", "aspect", "text"], "properties": {
                             "round_id": _int, "organization_id": _int,
                             "aspect": {"type": "string", "minLength": 1, "maxLength": 20},
                             "text": {"type": "string", "minLength": 3, "maxLength": 5000},
                             "finding": {"type": "string", "maxLength": 5000},
                             "owner": {"type": "string", "maxLength": 200}, "due_on": _date, "status": _status}},
    "RecommendationUpdate": {"type": "object", "additionalProperties": False, "properties": {
        "status": _status, "due_on": _date, "owner": {"type": ["string", "null"], "maxLength": 200},
        "progress_note": {"type": ["string", "null"], "maxLength": 5000}, "done_on": _date,
        "node_id": {"type": ["integer", "null"]}}},
})
