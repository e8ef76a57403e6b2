"""Backup and restore: one zip archive with every table (portable JSON, so a SQLite backup restores into
PostgreSQL and back) and every evidence file.

``backup`` reads all tables in one read transaction (a consistent snapshot on both databases) while the app
keeps running. ``restore`` refuses a database that holds data unless ``force``; it writes everything in one
transaction (the audit guard lifted only for the wipe of a forced restore) and the files after the commit.
The archive carries the schema revision: it restores only into a database at the same revision.
"""
from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Date, DateTime, Numeric, bindparam, func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import planner.models  # noqa: F401  (every table on the metadata)
from planner import audit_guard, migrate
from planner.services import plan_stamps

FORMAT = "planner-backup"
REFERENCE_TABLES = {"scheme", "schemelevel"}  # seeded by the migrations; replaced by the archive's copy


class RestoreRefused(Exception):
    pass


def _tables():
    return list(SQLModel.metadata.sorted_tables)


def _encode(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decode(column, value):
    if value is None:
        return None
    t = getattr(column.type, "impl", column.type)  # sqlmodel wraps DateTime in a TypeDecorator
    if isinstance(t, DateTime) and isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    if isinstance(t, Date) and isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(t, Numeric) and isinstance(value, str):
        return Decimal(value)
    return value


def backup(engine: Engine, upload_dir: str | Path, out: str | Path) -> dict:
    """Write the archive; returns the row count per table and the number of files."""
    counts: dict[str, int] = {}
    files: list[Path] = []
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
            for table in _tables():
                rows = [{k: _encode(v) for k, v in r._mapping.items()}
                        for r in conn.execute(select(table).order_by(*table.primary_key.columns))]
                counts[table.name] = len(rows)
                z.writestr(f"tables/{table.name}.json", json.dumps(rows, ensure_ascii=False))
                if table.name in ("evidence", "action_step_evidence"):  # both kept in the upload folder
                    files += [Path(upload_dir) / r["stored_name"] for r in rows if r.get("stored_name")]
            stored = 0
            for path in dict.fromkeys(files):  # a file shared by versions is stored once
                if path.is_file():
                    z.write(path, f"files/{path.name}")
                    stored += 1
            manifest = {"format": FORMAT, "version": 1, "revision": revision, "dialect": engine.dialect.name,
                        "created_at": datetime.now(timezone.utc).isoformat(), "tables": counts, "files": stored}
            z.writestr("manifest.json", json.dumps(manifest, indent=2))
        conn.rollback()
    return manifest


def holds_data(engine: Engine) -> list[str]:
    """Tables (other than reference data) that hold rows."""
    found = []
    with engine.connect() as conn:
        for table in _tables():
            if table.name not in REFERENCE_TABLES and conn.execute(select(func.count()).select_from(table)).scalar():
                found.append(table.name)
    return found


def restore(engine: Engine, upload_dir: str | Path, archive: str | Path, force: bool = False) -> dict:
    with zipfile.ZipFile(archive) as z:
        manifest = json.loads(z.read("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise RestoreRefused("Bukan arsip cadangan Planner.")
        migrate.upgrade(engine)
        if manifest["revision"] != migrate.current(engine):
            raise RestoreRefused(f"Arsip dari skema {manifest['revision']}, basis data pada {migrate.current(engine)}: "
                                 "pulihkan dengan versi Planner yang membuat arsip itu.")
        busy = holds_data(engine)
        if busy and not force:
            raise RestoreRefused("Basis data tidak kosong (" + ", ".join(busy[:5]) + "): pemulihan akan menimpa "
                                 "data. Ulangi dengan --force bila memang itu maksudnya.")
        with engine.begin() as conn:
            floor = plan_stamps.highest(conn)
            _wipe(conn)
            for table in _tables():
                name = f"tables/{table.name}.json"
                rows = json.loads(z.read(name)) if name in z.namelist() else []
                _insert(conn, table, rows)
            reset_sequences(conn)
            plan_stamps.advance_past(conn, floor)  # no running server may take restored rows for the replaced ones
        folder = Path(upload_dir)
        if force and folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for member in z.namelist():
            if member.startswith("files/") and not member.endswith("/"):
                target = folder / Path(member).name  # the name only: nothing escapes the folder
                with z.open(member) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
    return manifest


def _wipe(conn) -> None:
    names = [t.name for t in reversed(_tables())]
    with audit_guard.suspended(conn):
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " CASCADE")
        else:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            for n in names:
                conn.exec_driver_sql(f'DELETE FROM "{n}"')


def _insert(conn, table, rows: list[dict]) -> None:
    cols = {c.name: c for c in table.columns}
    insert_rows(conn, table, [{k: _decode(cols[k], v) for k, v in r.items() if k in cols} for r in rows])


def insert_rows(conn, table, rows: list[dict]) -> None:
    """Rows of one table in one statement. A row pointing at a row of its own table that comes after it (a
    node moved under a newer parent, a plan's Renstra) gets that reference once every row is in, so row
    order never matters to the foreign keys."""
    if not rows:
        return
    self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    pk = list(table.primary_key.columns)[0].name
    before, later = set(), set()
    for i, r in enumerate(rows):
        if any(r.get(c) is not None and r[c] not in before for c in self_refs):
            later.add(i)
        before.add(r[pk])
    conn.execute(table.insert(), [{**r, **{c: None for c in self_refs}} if i in later else r
                                  for i, r in enumerate(rows)])
    if later:
        conn.execute(table.update().where(table.c[pk] == bindparam("_pk")).values(
            {c: bindparam(f"_{c}") for c in self_refs}),
            [{"_pk": rows[i][pk], **{f"_{c}": rows[i].get(c) for c in self_refs}} for i in sorted(later)])


def reset_sequences(conn) -> None:
    """New rows continue after the largest id of every table (PostgreSQL's sequences)."""
    if conn.dialect.name != "postgresql":
        return  # SQLite continues after the largest rowid by itself
    for table in _tables():
        if "id" in table.columns:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                              f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 1), "
                              f"(SELECT MAX(id) FROM \"{table.name}\") IS NOT NULL)"))
