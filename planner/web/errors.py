"""Error answers: JSON ``{"error": {"code", "message", "field"}}`` under /api/ for every status (404, 405 with
``Allow``, 413, 500, database conflicts), an error page elsewhere. Nothing leaks a traceback."""
from __future__ import annotations

import re

from flask import Flask, current_app, g, jsonify, request
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError


MESSAGES = {
    400: ("bad_request", "Permintaan tidak dapat dibaca."),
    404: ("not_found", "Alamat tidak dikenal."),
    405: ("method_not_allowed", "Metode tidak diizinkan."),
    413: ("too_large", "Kiriman terlalu besar: berkas melebihi batas unggah."),
    415: ("unsupported_media_type", "Jenis isi tidak didukung: kirim JSON."),
    500: ("server_error", "Terjadi kesalahan di server; tidak ada yang disimpan. Coba lagi atau hubungi admin."),
}


def _answer(status: int, code: str, message: str, field: str | None = None, headers: dict | None = None):
    from planner.web.helpers import render_error

    if request.path.startswith("/api/"):
        return jsonify({"error": {"code": code, "message": message, "field": field}}), status, headers or {}
    body, status, *extra = render_error(status, message)
    return body, status, {**(extra[0] if extra else {}), **(headers or {})}


def http_error(exc: HTTPException):
    code, message = MESSAGES.get(exc.code, (re.sub(r"\W+", "_", (exc.name or "error").lower()), exc.name or "Galat"))
    headers = {}
    if exc.code == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return _answer(exc.code or 500, code, message, headers=headers)


def server_error(exc):
    original = getattr(exc, "original_exception", exc)
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path, exc_info=original)
    _rollback()
    code, message = MESSAGES[500]
    return _answer(500, code, message)


def _rollback():
    s = g.get("db_session")
    if s is not None:
        s.rollback()


_COLUMNS = re.compile(r"(?:Key \(|failed: )([\w., ]+)")


def integrity_error(exc: IntegrityError):
    """A unique or foreign-key race the services did not foresee: 409 naming the column, never a 500."""
    _rollback()
    found = _COLUMNS.search(str(exc.orig))
    field = found.group(1).split(",")[-1].strip().split(".")[-1] if found else None
    return _answer(409, "conflict", "Data bentrok dengan data lain yang sudah ada"
                   + (f" ({field})." if field else ".") + " Muat ulang lalu coba lagi.", field)


def data_error(exc):
    """A value the database cannot hold (a number out of range) that slipped past validation."""
    _rollback()
    return _answer(422, "invalid", "Nilai di luar batas yang dapat disimpan.")


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, server_error)
    app.register_error_handler(IntegrityError, integrity_error)
    app.register_error_handler(DataError, data_error)
    app.register_error_handler(OverflowError, data_error)  # SQLite: an integer beyond 64 bits
