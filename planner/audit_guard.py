"""The audit trail is append-only, enforced by the database: triggers refuse UPDATE and DELETE of
``audit_entry`` on SQLite and PostgreSQL, whoever sends them (the app, a script, a SQL console).

Installed by migration 0010. ``suspended`` lifts the guard for exactly one maintenance operation that
replaces the whole database (``planner restore --force``, the test suite's table reset) and puts it back.
"""
from __future__ import annotations

from contextlib import contextmanager

MESSAGE = "audit_entry is append-only"

_PG = [
    f"""CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()""",
    """CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()""",
]
_PG_DROP = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_entry",
    "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_entry",
    "DROP FUNCTION IF EXISTS audit_entry_append_only()",
]
_SQLITE = [
    f"CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
_SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_entry_no_update", "DROP TRIGGER IF EXISTS audit_entry_no_delete"]


def _run(conn, statements) -> None:
    for sql in statements:
        conn.exec_driver_sql(sql)


def install(conn) -> None:
    _run(conn, _PG if conn.dialect.name == "postgresql" else _SQLITE)


def uninstall(conn) -> None:
    _run(conn, _PG_DROP if conn.dialect.name == "postgresql" else _SQLITE_DROP)


@contextmanager
def suspended(conn):
    """Inside one transaction: drop the guard, run the block, reinstall it (rolled back together on error)."""
    uninstall(conn)
    yield conn
    install(conn)
