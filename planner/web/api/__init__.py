"""JSON API under /api/v1: the same services and permissions as the pages.

One blueprint; its routes live in one module per area (plans, ...).

Errors are always ``{"error": {"code", "message", "field"}}``. Clients authenticate with
``POST /api/v1/auth/token`` and then ``Authorization: Bearer <token>``.
"""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, current_app, g, jsonify, request
from pydantic import ValidationError
from sqlalchemy import text

from planner import db
from planner.errors import DomainError, Invalid, from_pydantic
from planner.permissions import principal_for
from planner.services import accounts, audit

bp = Blueprint("api", __name__, url_prefix="/api/v1")
PUBLIC = {"api.token", "api.openapi"}


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


@bp.before_request
def _authenticate():
    if request.endpoint in PUBLIC:
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = accounts.user_for_token(db.session(), token.strip()) if scheme.lower() == "bearer" and token else None
    if user is None:
        raise Unauthorized("Token tidak ada, salah, kedaluwarsa, atau dicabut.")
    g.api_user = user
    g.principal = principal_for(db.session(), user)
    audit.set_actor(db.session(), user.id, user.username)


def body(model=None):
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("Badan permintaan harus berupa objek JSON.", field=None)
    if model is None:
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_pydantic(exc) from exc




def num(v):
    """Decimals (pagu, rupiah) as JSON numbers: whole rupiah as integers."""
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def validate(model, data: dict):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_pydantic(exc) from exc


@bp.post("/auth/token")
def token():
    data = body()
    user = accounts.authenticate(db.session(), str(data.get("username", "")), str(data.get("password", "")))
    if user is None:
        raise Unauthorized("Nama pengguna atau kata sandi salah.", field="password")
    tok, row = accounts.issue_token(db.session(), user, current_app.config["API_TOKEN_HOURS"])
    return jsonify(token=tok, expires_at=row.expires_at.isoformat()), 201


@bp.delete("/auth/token")
def revoke():
    _, _, tok = request.headers.get("Authorization", "").partition(" ")
    accounts.revoke_token(db.session(), tok.strip())
    return "", 204


def healthz():
    """Liveness with a real database round trip; no login."""
    db.session().exec(text("SELECT 1"))
    return jsonify(status="ok")


from planner.web.api import monitoring, openapi, plans, review, worksheets  # noqa: E402,F401  (routes register on bp)
from planner.web.api import imports  # noqa: E402,F401
