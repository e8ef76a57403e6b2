"""The last line before the database: every row written must fit its column.

A ``before_flush`` check on every session (pages, API, CLI, seeds, imports) refuses, with a 422 naming the
field, what a column cannot hold or a page cannot show: non-finite numbers (``1e309``, ``"Infinity"``,
``NaN``), integers beyond PostgreSQL's ``integer``, amounts beyond ``Numeric(p, s)``, and text longer than
its column (``String(n)``) or than ``TEXT_LIMIT`` for unbounded ``Text`` columns. Input models validate
first and give the friendlier message; this catches every path they do not cover.
"""
from __future__ import annotations

import math
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Float, Integer, Numeric, String, event, inspect
from sqlalchemy.orm import Session

from planner.errors import Invalid

INT_MAX = 2**31 - 1
TEXT_LIMIT = 20_000  # characters of one free-text field (a description, a narrative, a comment)
TEXT_LIMITS = {"comment.body": 5_000}
SKIP_TABLES: set[str] = set()


def _problem(column, value) -> str | None:
    t = column.type
    if isinstance(t, (Boolean, JSON)):
        return None
    if isinstance(t, Integer):
        if isinstance(value, int) and not -INT_MAX - 1 <= value <= INT_MAX:
            return f"di luar batas (maksimal {INT_MAX})"
        return None
    if isinstance(t, (Float, Numeric)) and isinstance(value, (int, float, Decimal)):
        if not (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
            return "harus berupa angka terhingga (bukan Infinity atau NaN)"
        if isinstance(t, Numeric) and not isinstance(t, Float) and t.precision and t.scale is not None:
            digits = t.precision - t.scale
            if abs(Decimal(str(value))) >= Decimal(10) ** digits:
                return f"terlalu besar (maksimal {digits} digit sebelum koma)"
        return None
    if isinstance(t, String) and isinstance(value, str):
        limit = t.length or TEXT_LIMITS.get(f"{column.table.name}.{column.name}", TEXT_LIMIT)
        if len(value) > limit:
            return f"terlalu panjang ({len(value)} karakter; maksimal {limit})"
    return None


def check_row(obj, changed: set[str] | None = None) -> None:
    """Every column of a new row, or only the ``changed`` attributes of a loaded one (what its UPDATE sends:
    the others came from the database, so they fit)."""
    table = getattr(obj, "__table__", None)
    if table is None or table.name in SKIP_TABLES:
        return
    for column in _checked(table):
        if changed is None or column.key in changed:
            _check(column, getattr(obj, column.key, None))


def check_values(table, values: dict) -> None:
    """``check_row`` for the values of a row written without the ORM (a bulk insert)."""
    for column in _checked(table):
        _check(column, values.get(column.key))


def _check(column, value) -> None:
    if value is not None and (problem := _problem(column, value)):
        raise Invalid(f"{column.key}: {problem}", field=column.key)


def _checked(table) -> tuple:
    """The table's columns that can refuse a value (not booleans or JSON), listed once per table."""
    columns = _CHECKED.get(table)
    if columns is None:
        columns = _CHECKED[table] = tuple(c for c in table.columns if not isinstance(c.type, (Boolean, JSON)))
    return columns


_CHECKED: dict = {}


@event.listens_for(Session, "before_flush")
def _before_flush(session, _context, _instances):
    """Refuse the flush; the refused row leaves the session (a new one) or loses its unsaved change (a
    changed one), so a page that catches the error can still query and re-render the form."""
    new = session.new
    for obj in list(new) + list(session.dirty):
        try:
            check_row(obj, None if obj in new else set(inspect(obj).committed_state))
        except Invalid:
            if obj in session.new:
                session.expunge(obj)
            else:
                session.expire(obj)
            raise
