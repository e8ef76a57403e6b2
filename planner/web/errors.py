"""Error answers: JSON ``{"error": {"code", "message", "field"}}`` under /api/ for every status (404, 405 with
``Allow``, 413, 500, database conflicts), an error page elsewhere. Nothing leaks a traceback."""
from __future__ import annotations

import re

from flask import Flask, current_app, g, jsonify, request
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
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
        out = {"error": {"code": code, "message": message, "field": field}}
        if status == 409 and (state := current_state()) is not None:
            out["current"] = state
        return jsonify(out), status, headers or {}
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


def current_state():
    """The record as it is now, for a 409 (an API route registers how to read it: ``api.on_conflict``).
    Read after a rollback, so it shows what the winner committed, not this request's half-done change."""
    read = g.pop("current_state", None)
    if read is None:
        return None
    _rollback()
    try:
        return read()
    except Exception:  # the conflict answer matters more than the extra detail
        current_app.logger.exception("Reading the current state after a conflict failed")
        _rollback()
        return None


def stale_error(exc: StaleDataError):
    """Optimistic locking lost a race (``models.base.version_column``): another writer with the same version
    committed first. 409 with the record as it is now, never a silent overwrite."""
    _rollback()
    return _answer(409, "conflict", "Data ini baru saja diubah pengguna lain; perubahan Anda belum disimpan. "
                   "Muat ulang untuk melihat nilai terbaru, lalu simpan lagi bila perlu.", "version")


def operational_error(exc: OperationalError):
    """SQLite still busy after its busy timeout, or a PostgreSQL serialisation/deadlock abort: try again
    later (503 with Retry-After), never a 500."""
    message = str(getattr(exc, "orig", exc)).lower()
    if not any(word in message for word in ("locked", "busy", "deadlock", "could not serialize")):
        return server_error(exc)
    _rollback()
    return _answer(503, "busy", "Server sedang sibuk menyimpan data lain; coba lagi sebentar lagi.",
                   headers={"Retry-After": "2"})


def answer_commit_error(exc: Exception):
    """The final commit failed (a race the flushes did not meet): the same answers as during the request."""
    for kind, handler in ((StaleDataError, stale_error), (IntegrityError, integrity_error),
                          (DataError, data_error), (OperationalError, operational_error)):
        if isinstance(exc, kind):
            return handler(exc)
    raise exc


def data_error(exc):
    """A value the database cannot hold (a number out of range) that slipped past validation."""
    _rollback()
    return _answer(422, "invalid", "Nilai di luar batas yang dapat disimpan.")


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, server_error)
    app.register_error_handler(IntegrityError, integrity_error)
    app.register_error_handler(DataError, data_error)
    app.register_error_handler(StaleDataError, stale_error)
    app.register_error_handler(OperationalError, operational_error)
    app.register_error_handler(OverflowError, data_error)  # SQLite: an integer beyond 64 bits
