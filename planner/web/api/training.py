"""API routes of the training mode (issue 16): the case library, classes, enrolment, sandboxes, progress."""
from __future__ import annotations

from flask import g, jsonify

from planner import db
from planner.errors import Invalid
from planner.services.training import cases, classes, review
from planner.web.api import body, bp
from planner.web.api.openapi import PATHS, SCHEMAS, operation


def _may_manage() -> bool:
    return g.principal.is_admin or g.principal.holds("training.manage")


@bp.get("/cases")
def list_cases():
    """Every case; the expectations (the instructor's key) only for instructors."""
    show_key = _may_manage()
    rows = []
    for c in cases.list_cases(db.session()):
        row = {"id": c.id, "code": c.code, "title": c.title, "unit_name": c.unit_name, "scheme": c.scheme,
               "year": c.year, "chapter": c.chapter, "documents": [d["title"] for d in c.documents],
               "starts_empty": not c.start}
        if show_key:
            row["expectations"] = c.expectations
        rows.append(row)
    return jsonify(cases=rows)


def _class_json(k) -> dict:
    return {"id": k.id, "name": k.name, "organization_id": k.organization_id, "created_by": k.created_by,
            "created_at": k.created_at.isoformat()}


@bp.post("/classes")
def create_class():
    data = body(allowed={"name"})
    klass = classes.create_class(db.session(), str(data.get("name") or ""))
    return jsonify(_class_json(klass)), 201


@bp.post("/classes/<int:class_id>/trainees")
def enrol_trainees(class_id: int):
    data = body(allowed={"usernames", "group"})
    names = data.get("usernames")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise Invalid("usernames: daftar nama pengguna (teks) wajib diisi.", field="usernames")
    group = str(data.get("group") or "")
    klass = classes.get(db.session(), class_id, "training.manage")
    enrolled = classes.enrol(db.session(), klass, [(n, "", group) for n in names])
    return jsonify(class_id=klass.id, trainees=[{"username": e.user.username, "group": e.group_name,
                                                 "one_time_password": e.password} for e in enrolled]), 201


@bp.post("/classes/<int:class_id>/assignments")
def create_assignment(class_id: int):
    data = body(allowed={"username", "case_id", "group"})
    s = db.session()
    klass = classes.get(s, class_id, "training.manage")
    case_id = data.get("case_id")
    if not isinstance(case_id, int) or isinstance(case_id, bool):
        raise Invalid("case_id: wajib berupa id kasus (angka).", field="case_id")
    row = classes.assign(s, klass, cases.get(s, case_id), username=data.get("username") or None,
                         group=data.get("group") or None)
    return jsonify(assignment_id=row.id, class_id=klass.id, case_id=row.case_id, organization_id=row.organization_id,
                   plan_id=row.plan_id, username=data.get("username"), group=row.group_name or None,
                   status=row.status), 201


@bp.get("/classes/<int:class_id>/progress")
def class_progress(class_id: int):
    s = db.session()
    klass = classes.get(s, class_id, "training.manage")
    by_user: dict[str, review.ProgressRow] = {}
    for r in review.progress(s, klass):
        for name in r.usernames:
            by_user[name] = r
    out = []
    for e, u in classes.trainees(s, klass):
        r = by_user.get(u.username)
        a = r.assignment if r else None
        out.append({"username": u.username, "group": e.group_name or None,
                    "assignment_id": a.id if a else None, "case_id": a.case_id if a else None,
                    "plan_id": a.plan_id if a else None, "score": a.score if a else None,
                    "findings": a.findings if a else 0, "submitted": bool(r and r.submitted),
                    "status": a.status if a else None, "grade": a.grade if a else None,
                    "time_spent_seconds": a.active_seconds if a else 0})
    return jsonify(class_id=klass.id, name=klass.name, trainees=out)


PATHS.update({
    "/cases": {"get": operation("Pustaka kasus latihan (harapan instruktur hanya untuk instruktur)")},
    "/classes": {"post": operation("Buat kelas pelatihan (angkatan)", "ClassCreate", 201)},
    "/classes/{class_id}/trainees": {"post": operation(
        "Daftarkan peserta; akun baru mendapat kata sandi sekali pakai", "TraineesIn", 201)},
    "/classes/{class_id}/assignments": {"post": operation(
        "Tugaskan kasus kepada peserta (atau kelompok): ruang latihan dan rencananya", "AssignmentIn", 201)},
    "/classes/{class_id}/progress": {"get": operation("Kemajuan kelas: skor, temuan, diserahkan per peserta")},
})
SCHEMAS.update({
    "ClassCreate": {"type": "object", "required": ["name"], "additionalProperties": False,
                    "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 200}}},
    "TraineesIn": {"type": "object", "required": ["usernames"], "additionalProperties": False,
                   "properties": {"usernames": {"type": "array", "minItems": 1,
                                                "items": {"type": "string", "minLength": 1, "maxLength": 80}},
                                  "group": {"type": "string", "maxLength": 60}}},
    "AssignmentIn": {"type": "object", "required": ["case_id"], "additionalProperties": False,
                     "properties": {"username": {"type": "string"}, "group": {"type": "string"},
                                    "case_id": {"type": "integer", "minimum": 1}}},
})
