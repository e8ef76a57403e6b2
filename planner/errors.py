"""Domain errors: what went wrong and where, in words a planning official understands.

Services raise these; the web layer shows ``message`` next to ``field`` and the API answers
``{"error": {"code", "message", "field"}}`` with ``status``.
"""
from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}


class Invalid(DomainError):
    """Input that breaks a rule of the plan (422: understood but refused)."""

    status = 422
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


def from_pydantic(exc) -> Invalid:
    """The first error of a pydantic ValidationError, with its field path."""
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err.get("loc", ()) if p != "__root__") or None
    msg = err.get("msg", "nilai tidak valid")
    if err.get("type") == "missing":
        msg = "wajib diisi"
    elif err.get("type", "").startswith(("float", "int", "decimal")):
        msg = "harus berupa angka"
    elif err.get("type") == "string_too_short":
        least = err.get("ctx", {}).get("min_length", 1)
        msg = "wajib diisi" if not err.get("input") else f"terlalu pendek (minimal {least} karakter)"
    elif err.get("type") == "string_too_long":
        msg = f"terlalu panjang (maksimal {err.get('ctx', {}).get('max_length')} karakter)"
    elif err.get("type", "").startswith(("greater_than", "less_than")):
        msg = "di luar batas yang diizinkan: " + err.get("msg", "")
    elif err.get("type") == "literal_error":
        msg = "pilihan tidak dikenal: " + msg.split("Input should be ", 1)[-1]
    return Invalid(f"{field}: {msg}" if field else msg, field=field)


class Stale(Conflict):
    """A write based on a version of a record that someone else has changed since (optimistic locking).

    ``current`` is the record as it is now, when the caller can show it (the API answers it beside the
    error, a page beside the user's value)."""

    def __init__(self, message: str, field: str | None = "version", current: dict | None = None,
                 code: str | None = None):
        super().__init__(message, field=field, code=code)
        self.current = current

    def as_dict(self) -> dict:
        out = super().as_dict()
        if self.current is not None:
            out["current"] = self.current
        return out
