"""JSON API under /api/v1: the same services and permissions as the pages.

One blueprint; its routes live in one module per area (plans, ...).

Errors are always ``{"error": {"code", "message", "field"}}``. Clients authenticate with
``POST /api/v1/auth/token`` and then ``Authorization: Bearer <token>``.
"""
from __future__ import annotations

import json
import math
import re
import typing
from decimal import Decimal

from flask import Blueprint, current_app, g, jsonify, request
from pydantic import ValidationError
from sqlalchemy import text

from planner import db
from planner.errors import DomainError, Invalid, from_pydantic
from planner.permissions import principal_for
from planner.services import accounts, acting, audit

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
    acting.act_as(db.session(), g.principal)
    audit.set_actor(db.session(), user.id, user.username)


_NON_FINITE = re.compile(r"\s*[+-]?(inf|infinity|nan)\s*$", re.IGNORECASE)  # as text pydantic would read as a float
INT_LIMIT = 10**18  # beyond any id, year or rupiah amount the database holds (and beyond SQLite's int64)


def _parse() -> object:
    """The JSON body; ``NaN``/``Infinity`` literals and numbers that overflow to infinity (``1e309``) refused."""
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw or b"null")
    except ValueError as exc:
        raise Invalid("Badan permintaan bukan JSON yang sah.", field=None) from exc
    _check_numbers(data, "")
    return data


def _check_numbers(value, path: str) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _check_numbers(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_numbers(v, f"{path}.{i}")
    elif isinstance(value, float) and not math.isfinite(value):
        raise Invalid(f"{path}: harus berupa angka terhingga (bukan Infinity atau NaN)", field=path or None)
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= INT_LIMIT:
        raise Invalid(f"{path}: angka di luar batas", field=path or None)
    elif isinstance(value, int) and path.rsplit(".", 1)[-1].endswith("_id") and not 0 <= value <= 2**31 - 1:
        raise Invalid(f"{path}: tidak ditemukan (di luar rentang id)", field=path)  # an id the database cannot hold


def numbers_as_text(data: dict, keys: tuple[str, ...], path: str = "") -> None:
    """Number fields of a body the API reads without a model: ``"Infinity"``/``"NaN"`` as text refused too."""
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and _NON_FINITE.match(value):
            where = f"{path}{key}"
            raise Invalid(f"{where}: harus berupa angka terhingga (bukan Infinity atau NaN)", field=where)


def finite_model(obj, path: str = "") -> None:
    """After validation: no float or Decimal of the model (nested models and lists included) is infinite or NaN."""
    from pydantic import BaseModel

    if isinstance(obj, BaseModel):
        for key in type(obj).model_fields:
            finite_model(getattr(obj, key, None), f"{path}.{key}" if path else key)
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            finite_model(item, f"{path}.{i}")
    elif isinstance(obj, float) and not math.isfinite(obj) or isinstance(obj, Decimal) and not obj.is_finite():
        raise Invalid(f"{path}: harus berupa angka terhingga (bukan Infinity atau NaN)", field=path)


def unknown_field(model, data, path: str = "", extra: frozenset = frozenset()) -> str | None:
    """The first key the model (and its nested models) does not know, as a path; None when all are known."""
    if not isinstance(data, dict):
        return None
    for key, value in data.items():
        field = model.model_fields.get(key)
        here = f"{path}.{key}" if path else key
        if field is None:
            if key in extra:
                continue
            return here
        inner = _nested_model(field.annotation)
        if inner is None:
            continue
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            found = unknown_field(inner, item, f"{here}.{i}" if isinstance(value, list) else here)
            if found:
                return found
    return None


def _nested_model(annotation):
    """The pydantic model inside ``X``, ``Optional[X]``, ``list[X]``; None for plain types."""
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def refuse_unknown(model_or_keys, data: dict, extra=()) -> None:
    extra = frozenset(extra)
    if isinstance(model_or_keys, (set, frozenset, tuple, list)):
        found = next((k for k in data if k not in model_or_keys and k not in extra), None)
    else:
        found = unknown_field(model_or_keys, data, extra=extra)
    if found:
        raise Invalid(f"{found}: kolom tidak dikenal.", field=found, code="unknown_field")


def body(model=None, allowed=None, extra=()):
    """The JSON object of the request, checked: no unknown key (422 naming it), finite numbers; validated with
    ``model`` when given, else checked against the ``allowed`` keys."""
    data = _parse()
    if not isinstance(data, dict):
        raise Invalid("Badan permintaan harus berupa objek JSON.", field=None)
    if model is not None or allowed is not None:
        refuse_unknown(model if model is not None else set(allowed), data, extra)
    if model is None:
        return data
    return validate(model, data)


def on_conflict(read) -> None:
    """How to read the record as it is now, should this request lose a write race or send a stale version:
    the 409 answer carries it as ``current`` (read after the rollback: what the winner committed)."""
    g.current_state = read


def num(v):
    """Decimals (pagu, rupiah) as JSON numbers: whole rupiah as integers."""
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def validate(model, data: dict, extra=()):
    refuse_unknown(model, data, extra)
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        raise from_pydantic(exc) from exc
    finite_model(obj)
    return obj


@bp.post("/auth/token")
def token():
    from planner.web.auth import login_attempt

    data = body(allowed={"username", "password"})
    user = login_attempt(str(data.get("username", "")), str(data.get("password", "")))
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
from planner.web.api import action_plans  # noqa: E402,F401  (issue #17: rencana aksi)
from planner.web.api import service  # noqa: E402,F401  (issue 14: instruments, evaluations, surveys, complaints)
from planner.web.api import checks  # noqa: E402,F401  (issue 15)
from planner.web.api import settings  # noqa: E402,F401  (organisation settings, methodology §9)
from planner.web.api import imports  # noqa: E402,F401
from planner.web.api import training  # noqa: E402,F401  (issue 16: training mode)
from planner.web.api import evaluation_rounds  # noqa: E402,F401  (issue 18: evaluation across units)
