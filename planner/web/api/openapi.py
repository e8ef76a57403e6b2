"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json (no login).

Kept as data next to the routes: a test checks that every API route is described here.
"""
from __future__ import annotations

import re

from flask import jsonify

from planner.web.api import bp

ERROR = {"$ref": "#/components/schemas/Error"}
QUERY_PARAMS = {"organization_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                "year": {"type": "integer", "minimum": 2000, "maximum": 2100},
                "kind": {"enum": ["renstra", "renja"]},
                "period": {"type": "string", "pattern": "^(Y|S[12]|TW[1-4]|M(0[1-9]|1[0-2]))$"}}


def operation(summary: str, body: str | None = None, ok: int = 200, params: tuple[str, ...] = ()) -> dict:
    op: dict = {"summary": summary, "responses": {
        str(ok): {"description": "OK"},
        "2XX": {"description": "OK (201 when a record was created)"},
        "4XX": {"description": "Error", "content": {"application/json": {"schema": ERROR}}},
        "5XX": {"description": "Server error", "content": {"application/json": {"schema": ERROR}}}}}
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}}}
    if params:
        op["parameters"] = [{"name": p, "in": "query", "schema": QUERY_PARAMS.get(p, {"type": "string"})} for p in params]
    return op


PATHS: dict[str, dict] = {
    "/auth/token": {"post": {**operation("Tukar nama pengguna dan kata sandi dengan token", "TokenRequest", 201), "security": []},
                    "delete": operation("Cabut token yang dikirim", ok=204)},
    "/organizations": {"get": operation("Organisasi dalam cakupan pengguna")},
    "/plans": {"get": operation("Daftar rencana (in_force=true: hanya versi yang berlaku)",
                                params=("organization_id", "kind", "year", "in_force")),
               "post": operation("Buat Renstra atau Renja", "PlanCreate", 201)},
    "/plans/{plan_id}": {"get": operation("Satu rencana dengan status")},
    "/plans/{plan_id}/tree": {"get": operation("Pohon rencana: simpul, indikator, target")},
    "/plans/{plan_id}/nodes": {"post": operation("Tambah simpul", "NodeCreate", 201)},
    "/nodes/{node_id}": {"put": operation("Ubah simpul", "NodeUpdate"),
                         "delete": operation("Hapus simpul (dengan ?confirm=true bila ada turunan)")},
    "/nodes/{node_id}/indicators": {"post": operation("Tambah indikator dengan targetnya", "IndicatorCreate", 201)},
    "/indicators/{indicator_id}": {"get": operation("Satu indikator"), "put": operation("Ubah metadata indikator", "IndicatorUpdate")},
    "/indicators/{indicator_id}/targets": {"put": operation("Ganti semua target indikator", "Targets")},
    "/plans/{plan_id}/transitions": {"post": operation("Ajukan, kembalikan, setujui, tetapkan, buka kembali", "Transition")},
    "/plans/{plan_id}/revisions": {"post": operation("Buka revisi rencana yang ditetapkan", "Revision", 201)},
    "/plans/{plan_id}/diff": {"get": operation("Perubahan revisi terhadap versi yang ditetapkan")},
    "/plans/{plan_id}/history": {"get": operation("Riwayat perubahan rencana")},
    "/plans/{plan_id}/comments": {"get": operation("Komentar reviu"), "post": operation("Tambah komentar", "CommentCreate", 201)},
    "/comments/{comment_id}/resolve": {"post": operation("Tandai komentar selesai")},
    "/comments/{comment_id}": {"put": operation("Ubah komentar sendiri (teks lama tetap di jejak audit)", "CommentEdit"),
                               "delete": operation("Tarik komentar sendiri", ok=204)},
    # imports and exports (Excel)
    "/imports": {"post": {**operation("Impor workbook (multipart: file, organization_id, dry_run) sebagai pekerjaan "
                                      "latar; jawabannya {id, status, created, updated, unchanged, errors}", ok=202),
                          "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                              "type": "object", "required": ["file"], "properties": {
                                  "file": {"type": "string", "format": "binary"}, "organization_id": {"type": "integer"},
                                  "dry_run": {"type": "boolean"}}}}}}}},
    "/imports/{job_id}": {"get": operation("Kemajuan dan hasil sebuah impor")},
    "/plans/{plan_id}/export": {"get": operation("Unduh formulir resmi (.xlsx)", params=("kind", "period"))},
}
# issue 8: plan versions
PATHS["/plans/{plan_id}/versions"] = {"get": operation("Semua versi rencana: murni, Perubahan 1, 2, …; yang berlaku")}
PATHS["/plans/{plan_id}/diff"] = {"get": operation("Perubahan terhadap versi yang ditetapkan, atau terhadap versi "
                                                   "mana pun (?base=<id rencana>)", params=("base",))}

_str, _int, _num = {"type": "string"}, {"type": "integer"}, {"type": "number"}
SCHEMAS = {
    "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
        "code": _str, "message": _str, "field": {"type": ["string", "null"]}}}}},
    "TokenRequest": {"type": "object", "required": ["username", "password"],
                     "properties": {"username": _str, "password": _str}},
    "PlanCreate": {"type": "object", "required": ["organization_id", "kind", "scheme", "name"], "properties": {
        "organization_id": _int, "kind": {"enum": ["renstra", "renja"]}, "scheme": {"enum": ["daerah", "kl"]},
        "year": _int, "first_year": _int, "last_year": _int, "name": _str}},
    "NodeCreate": {"type": "object", "required": ["kind", "code", "name"], "properties": {
        "kind": _str, "code": _str, "name": _str, "parent_id": _int, "activity_type": _str, "unit_in_charge": _str,
        "location": _str, "pagu": _num, "funding_source": _str, "serves_id": _int, "supports_id": _int,
        "objectives": {"type": "array", "items": _str}}},
    "NodeUpdate": {"type": "object", "properties": {"code": _str, "name": _str, "pagu": _num,
                                                    "supports_id": {"type": ["integer", "null"]}}},
    "Target": {"type": "object", "required": ["year", "period"], "properties": {
        "year": _int, "period": _str, "value": _num, "lower": _num, "upper": _num, "text": _str}},
    "Targets": {"type": "object", "properties": {"targets": {"type": "array", "items": {"$ref": "#/components/schemas/Target"}}}},
    "IndicatorCreate": {"type": "object", "required": ["name", "unit"], "properties": {
        "name": _str, "level": {"enum": ["input", "output", "outcome", "impact"]}, "unit": _str, "definition": _str,
        "formula": _str, "data_source": _str, "polarity": {"enum": ["higher_is_better", "lower_is_better", "band"]},
        "accumulation": {"enum": ["sum", "last", "average", "ratio"]},
        "baseline": {"type": "object", "properties": {"value": _num, "year": _int, "text": _str}},
        "valid_min": {"type": ["number", "null"]}, "valid_max": {"type": ["number", "null"]},
        "end_target": {"type": ["number", "null"]},
        "targets": {"type": "array", "items": {"$ref": "#/components/schemas/Target"}}}},
    "IndicatorUpdate": {"type": "object", "properties": {"name": _str, "version": _int,
                                                         "valid_min": {"type": ["number", "null"]},
                                                         "valid_max": {"type": ["number", "null"]},
                                                         "end_target": {"type": ["number", "null"]}}},
}


# ---------------------------------------------------------------- generated from the validating models

def _closed(schema: dict) -> dict:
    """Objects refuse unknown keys, as the API does (422 naming the key)."""
    if schema.get("type") == "object" and "properties" in schema:
        schema.setdefault("additionalProperties", False)
    for value in schema.values():
        if isinstance(value, dict):
            _closed(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    _closed(item)
    return schema


def from_model(name: str, model, extra_properties: dict | None = None) -> None:
    """``SCHEMAS[name]`` from the pydantic model that validates the body: every field and constraint."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for def_name, sub in schema.pop("$defs", {}).items():
        SCHEMAS[def_name] = _closed(sub)
    schema["properties"].update(extra_properties or {})
    SCHEMAS[name] = _closed(schema)


def _generated() -> None:
    from planner.models.plan import IndicatorCreate, IndicatorUpdate, NodeCreate, NodeUpdate, PlanCreate, TargetIn

    baseline = {"baseline": {"type": "object", "additionalProperties": False, "properties": {
        "value": {"type": ["number", "null"]}, "year": {"type": ["integer", "null"], "minimum": 1990, "maximum": 2100},
        "text": {"type": ["string", "null"], "maxLength": 300}}}}
    from_model("PlanCreate", PlanCreate)
    from_model("NodeCreate", NodeCreate)
    from_model("NodeUpdate", NodeUpdate)
    from_model("Target", TargetIn)
    from_model("IndicatorCreate", IndicatorCreate, baseline)
    read_only = {"id": {"type": "integer"}, "node_id": {"type": "integer"}, "targets": {"type": "array"}}
    from_model("IndicatorUpdate", IndicatorUpdate, {**baseline, **read_only})
    from planner.models.bodies import CommentCreate, CommentEdit, RevisionIn, TransitionIn

    from_model("Transition", TransitionIn)
    from_model("Revision", RevisionIn)
    from_model("CommentCreate", CommentCreate)
    from_model("CommentEdit", CommentEdit)
    SCHEMAS["Targets"] = {"type": "object", "additionalProperties": False, "properties": {
        "targets": {"type": "array", "items": {"$ref": "#/components/schemas/Target"}}, "version": {"type": "integer"}}}


_ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
PATH_PARAMS = {"year": {"type": "integer", "minimum": 2000, "maximum": 2100},
               "period": {"type": "string", "pattern": "^(Y|S[12]|TW[1-4]|M(0[1-9]|1[0-2]))$"}}


def _with_path_parameters(paths: dict) -> dict:
    """Every ``{name}`` of a path declared, ids as bounded integers (a larger one is a 404)."""
    out = {}
    for path, ops in paths.items():
        names = re.findall(r"{(\w+)}", path)
        params = [{"name": n, "in": "path", "required": True, "schema": PATH_PARAMS.get(n, _ID)} for n in names]
        out[path] = {m: ({**op, "parameters": params + op.get("parameters", [])} if params else op)
                     for m, op in ops.items()}
    return out


def document() -> dict:
    if "NodeCreate" not in SCHEMAS or "title" not in SCHEMAS["NodeCreate"]:
        _generated()
    return {
        "openapi": "3.1.0",
        "info": {"title": "Planner API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": _with_path_parameters(PATHS),
        "components": {"schemas": SCHEMAS, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
