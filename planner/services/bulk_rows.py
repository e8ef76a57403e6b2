"""Writing many new rows in a few statements, with every value (ids included) prepared before the first write.

Why: SQLite has one write lock for the whole database, held from a transaction's first write to its commit;
every other user's save waits for it. A bulk write (an import, a Renja copied from its Renstra) therefore
checks and prepares everything first — the rows, their ids and references, their audit entries — and only
then sends them, so the lock is held for the inserts alone, and the whole stays one transaction.

Ids are reserved before that write (``reserve``): on PostgreSQL from each table's sequence (one statement; the
ids are ours, whoever else inserts); on SQLite the ids after the table's largest, which only hold if no one
inserted meanwhile, so ``confirm`` takes the write lock and checks them; when another writer came first, the
caller prepares again with the ids ``reserve`` gives under the lock (rare, still correct).
"""
from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Callable

from sqlalchemy import Table, func, select, text
from sqlmodel import Session

from planner.models import AuditEntry
from planner.services import audit

Ids = dict[str, list[int]]  # table name -> the ids reserved for its new rows, in order


def _sqlite(s: Session) -> bool:
    return s.get_bind().dialect.name == "sqlite"


def reserve(s: Session, wanted: dict[Table, int]) -> Ids:
    """``n`` new ids for each table (see the module text for what makes them safe)."""
    conn, ids = s.connection(), {table.name: [] for table in wanted}
    wanted = {table: n for table, n in wanted.items() if n}
    if _sqlite(s):
        for (table, n), top in zip(wanted.items(), _largest_ids(s, list(wanted))):
            ids[table.name] = list(range(top + 1, top + 1 + n))
        return ids
    for table, n in wanted.items():
        ids[table.name] = list(conn.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table.name, "n": n}).scalars())
    return ids


def _largest_ids(s: Session, tables: list[Table]) -> list[int]:
    """Each table's largest id (0 when empty), in one statement."""
    if not tables:
        return []
    return [top or 0 for top in s.connection().execute(
        select(*(select(func.max(t.c.id)).scalar_subquery() for t in tables))).one()]


def confirm(s: Session, ids: Ids, tables: list[Table]) -> bool:
    """Take the write lock (SQLite) and say whether the reserved ids are still free; from here on they stay so."""
    if not _sqlite(s):
        return True
    s.connection().execute(text("UPDATE plan SET id = id WHERE 0"))  # a write that changes nothing: the lock, now
    mine = [t for t in tables if ids.get(t.name)]
    return all(top < ids[t.name][0] for t, top in zip(mine, _largest_ids(s, mine)))


@dataclass
class Prepared:
    """Rows of one table ready to send: the driver's own values (every column type's conversion done), for one
    ``executemany`` of the driver (SQLite) or one ``COPY`` (PostgreSQL)."""

    table: Table
    columns: list[str]
    rows: list


def prepare(s: Session, table: Table, rows: list[dict]) -> Prepared:
    """Convert the values now, before the lock (SQLite), so the write only sends them."""
    columns = list(rows[0]) if rows else []
    if not rows:
        return Prepared(table, columns, rows)
    dialect = s.get_bind().dialect
    convert = [(i, f) for i, k in enumerate(columns) if (f := _converter(table, k, rows, dialect))]
    get = itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)
    if not convert:
        return Prepared(table, columns, [get(row) for row in rows])
    values = []
    for row in rows:  # only the columns whose type converts (dates, JSON): most values pass as they are
        v = list(get(row))
        for i, f in convert:
            v[i] = f(v[i])
        values.append(tuple(v))
    return Prepared(table, columns, values)


def _converter(table: Table, column: str, rows: list[dict], dialect) -> Callable | None:
    """What converts the column's values for the driver; None when nothing needs it (no conversion for the
    type, or a column of None the conversion leaves None: a new year's empty pagu)."""
    convert = table.c[column].type._cached_bind_processor(dialect)
    if convert is None or (convert(None) is None and all(row[column] is None for row in rows)):
        return None
    return _last_value(convert) if rows[0][column] is rows[-1][column] else convert


def _last_value(convert: Callable) -> Callable:
    """``convert`` remembering its last answer: the rows of one write often share a value object (the time of
    every audit entry), converted once then (used where the first and last rows share theirs: elsewhere the
    check would only cost)."""
    last: list = [object(), None]

    def once(value):
        if value is not last[0]:
            last[:] = value, convert(value)
        return last[1]
    return once


def insert(s: Session, prepared: Prepared) -> None:
    """One statement for the rows (ids included)."""
    if not prepared.rows:
        return
    quote = s.get_bind().dialect.identifier_preparer.quote
    into = f"{quote(prepared.table.name)} ({', '.join(quote(c) for c in prepared.columns)})"
    if not _sqlite(s):
        # COPY: psycopg's executemany sends one INSERT per row (two thirds of a 1.000-row copy went there), and
        # SQLAlchemy's multi-row INSERT took longer still; COPY streams them, five times faster.
        with s.connection().connection.cursor() as cur, cur.copy(f"COPY {into} FROM STDIN") as copy:
            for row in prepared.rows:
                copy.write_row(row)
        return
    s.connection().exec_driver_sql(f"INSERT INTO {into} VALUES ({', '.join('?' for _ in prepared.columns)})",
                                   prepared.rows)


class Rows:
    """New rows of several tables (parents first) with their audit entries, converted for sending."""

    def __init__(self, s: Session):
        self.s = s
        self.tables: list[Prepared] = []
        self.entries: list[dict] = []

    def add(self, cls: type, rows: list[dict], context: Callable[[dict], dict] | None = None) -> None:
        """``rows`` hold every column of ``cls``'s table, ids included; ``context`` as ``audit.created_entries``."""
        if rows:
            self.tables.append(prepare(self.s, cls.__table__, rows))
            self.entries += audit.created_entries(self.s, cls, rows, context)


def write(s: Session, counts: dict[Table, int], build: Callable[[Ids], Rows]) -> None:
    """Reserve ``counts`` ids per table, ``build`` every row with them, then take the lock and send the rows.
    Pending ORM rows (a plan created with them, its id reserved by ``build``) are flushed first, under the lock."""

    def ready(ids: Ids) -> list[Prepared]:
        rows = build(ids)
        return rows.tables + [prepare(s, AuditEntry.__table__, rows.entries)]

    ids = reserve(s, counts)
    tables = ready(ids)
    if not confirm(s, ids, list(counts)):  # another writer took those ids: again, under the lock now
        tables = ready(reserve(s, counts))
    s.flush()
    for prepared in tables:
        insert(s, prepared)
