"""Per-lineage write stamps: every write that can change a plan's numbers bumps ``PlanStamp`` of its lineage
(``Plan.key``) in the writer's own transaction, as its last statement before the commit (``bump``), so a stored
summary (``monitoring.ranking``) read at an older stamp is never served.

No service has to remember it: a ``before_flush`` hook looks at every new, changed and deleted row of the
classes the read models read (plans, nodes, objectives, indicators, targets, realisations, evidence, period
locks, node budgets and their spending, scheme levels; for the plan checks also the worksheets with their rows
and the findings' acknowledgements) and bumps the lineages they belong to, resolved by the same lineage keys
the read models join on. ORM bulk INSERT/UPDATE/DELETE statements on those tables bump every lineage (they
pass the flush), unless they name their references (``execution_options(stamp_refs=...)``). Core statements
outside the ORM call ``bump`` themselves (``plan_bulk.Batch.write``, ``bench.generate``). Calculation settings
are not stamped: they are part of the summary's key. The stamp is read before the data it guards, so a write
that lands during a computation leaves that summary already stale.

A connection that bumped a stamp holds uncommitted writes until its transaction ends (``wrote``): what is
computed from them must not outlive the transaction (``plan_memo``); ``current`` answers ``PENDING`` for the
lineages it wrote, at which nothing is kept or stored.

Each stamp also records what its writes were when they only touched realisation or evidence cells (what users
do all day): ``PlanStamp.cells`` lists the cells written after stamp ``base``, in the same upsert; any other
write, a bulk or Core write, or a record grown past ``CELLS_CAP`` moves ``base`` to its own stamp. A process
that kept a value at stamp N ≥ ``base`` knows from the database alone which cells changed since (``since``).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from sqlalchemy import and_, event, func, inspect, or_, select, text, union
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.util import identity_key
from sqlalchemy.pool import Pool

from planner.models import (
    BudgetRealization, Evidence, Indicator, NodeBudget, NodeObjective, PeriodLock, Plan, PlanNode, PlanStamp,
    Realization, Scheme, SchemeLevel, Target,
)
from planner.models.checks import FindingAck
from planner.models.worksheet import (
    ControlRow, NeedRow, Partner, ResourceRow, StandardRow, SuccessMeasure, Worksheet,
)

# What a changed row says about its lineage: (attribute, what the attribute holds), by class.
# An attribute may be a tuple of attributes: the reference is then the tuple of their values.
REFERENCES: dict[type, tuple[tuple[str | tuple[str, ...], str], ...]] = {
    Plan: (("key", "plan_key"),),
    PeriodLock: (("plan_key", "plan_key"),),
    PlanNode: (("plan_id", "plan_id"),),
    Indicator: (("plan_id", "plan_id"),),
    Target: (("indicator_id", "indicator_id"),),
    NodeObjective: (("node_id", "node_id"),),
    Realization: (("indicator_key", "indicator_key"), ("indicator_id", "indicator_id")),
    Evidence: (("indicator_key", "indicator_key"), ("indicator_id", "indicator_id")),
    NodeBudget: (("node_key", "node_key"), ("node_id", "node_id")),
    BudgetRealization: (("node_budget_id", "node_budget_id"),),
    SchemeLevel: (("scheme_id", "scheme_id"),),
    Scheme: (("id", "scheme_id"),),
    # what the plan checks read besides the trees (services.checks): worksheets (one per node lineage) and
    # the acknowledgements, which hold for every plan of their organisation, kind and first year
    Worksheet: (("node_key", "node_key"), ("node_id", "node_id")),
    **{row: (("worksheet_id", "worksheet_id"),)
       for row in (NeedRow, StandardRow, SuccessMeasure, ResourceRow, Partner, ControlRow)},
    FindingAck: ((("organization_id", "plan_kind", "first_year"), "ack_scope"),),
}
STAMPED_TABLES = {cls.__table__.name for cls in REFERENCES}


def _lineages(refs: dict[str, set]) -> list:
    """One SELECT of ``Plan.key`` per kind of reference present, as one UNION statement (or none)."""
    p, n, i = Plan.__table__.c, PlanNode.__table__.c, Indicator.__table__.c
    nb, ws = NodeBudget.__table__.c, Worksheet.__table__.c
    by_kind = {
        "plan_id": lambda v: select(p.key).where(p.id.in_(v)),
        "indicator_id": lambda v: select(p.key).join(Indicator.__table__, i.plan_id == p.id).where(i.id.in_(v)),
        "indicator_key": lambda v: select(p.key).join(Indicator.__table__, i.plan_id == p.id).where(i.key.in_(v)),
        "node_id": lambda v: select(p.key).join(PlanNode.__table__, n.plan_id == p.id).where(n.id.in_(v)),
        "node_key": lambda v: select(p.key).join(PlanNode.__table__, n.plan_id == p.id).where(n.key.in_(v)),
        "node_budget_id": lambda v: select(p.key).join(PlanNode.__table__, n.plan_id == p.id)
        .join(NodeBudget.__table__, nb.node_key == n.key).where(nb.id.in_(v)),
        "scheme_id": lambda v: select(p.key).where(p.scheme_id.in_(v)),
        "worksheet_id": lambda v: select(p.key).join(PlanNode.__table__, n.plan_id == p.id)
        .join(Worksheet.__table__, ws.node_key == n.key).where(ws.id.in_(v)),
        "ack_scope": lambda v: select(p.key).where(or_(*(
            and_(p.organization_id == org, p.kind == kind, p.first_year == year) for org, kind, year in v))),
        "all": lambda _v: select(p.key),
    }
    return [by_kind[kind](sorted(values)) for kind, values in refs.items() if values and kind != "plan_key"]


def bump_refs(conn: Connection, refs: dict[str, set], cells: Cells | None = None) -> None:
    """Bump the lineages the references belong to: at most one SELECT and one upsert."""
    keys = set(refs.get("plan_key", ()))
    selects = _lineages(refs)
    if selects:
        stmt = selects[0] if len(selects) == 1 else union(*selects)
        keys |= {k for (k,) in conn.execute(stmt)}
    bump(conn, keys, cells)


Cells = set[tuple[str, int, str]]  # (indicator key, year, period) of realisation and evidence rows


def bump(conn: Connection, keys: Iterable[str], cells: Cells | None = None) -> None:
    """Add one to the stamp of each lineage (created at 1) when the transaction commits: in one call (a row per
    lineage), in sorted order, as its last statement (``_committing``). Every save of a plan updates that
    plan's row; written earlier, its lock was held while the request went on (reading, rendering the answer),
    and PostgreSQL queued every other save of the plan behind it. Taken last, the lock is held only for the
    commit, and a transaction holding a stamp never waits for another lock (no deadlock). ``cells``: the write
    touched only these cells (recorded for ``since``); None: anything else."""
    keys = {k for k in keys if k}
    if keys:
        pending = conn.info.setdefault(_PENDING, {})
        for k in keys:
            known = pending.get(k, set())
            pending[k] = None if cells is None or known is None else known | cells
        conn.info[_WROTE] = True


CELLS_CAP = 8000  # characters of the record (~200 cells): past it, the next reader evaluates the plan again
# The same text on SQLite and PostgreSQL; a text statement is compiled once (the dialects' ON CONFLICT
# construct has no cache key, so it was compiled again at every write). The SET clauses read the row as it was.
_RESTART = "CAST(:cells AS TEXT) IS NULL OR length(plan_stamp.cells) + length(CAST(:cells AS TEXT)) > :cap"
_BUMP = text('INSERT INTO plan_stamp ("key", stamp, base, cells) VALUES (:key, 1, '
             'CASE WHEN CAST(:cells AS TEXT) IS NULL THEN 1 ELSE 0 END, COALESCE(CAST(:cells AS TEXT), \'\')) '
             'ON CONFLICT ("key") DO UPDATE SET stamp = plan_stamp.stamp + 1, '
             f'base = CASE WHEN {_RESTART} THEN plan_stamp.stamp + 1 ELSE plan_stamp.base END, '
             f'cells = CASE WHEN {_RESTART} THEN \'\' ELSE plan_stamp.cells || CAST(:cells AS TEXT) END')


_WROTE = "planner.stamps_bumped"
_PENDING = "planner.stamps_pending"  # the lineages this transaction bumps when it commits, with their cells
_PER_TRANSACTION = [_WROTE, _PENDING]  # connection.info keys that hold for the open transaction only
PENDING = -1  # ``current`` of a lineage this transaction has written: matches no kept value (none is kept at it)


def per_transaction(*names: str) -> None:
    """Connection.info keys (of other modules too) dropped when the transaction ends."""
    _PER_TRANSACTION.extend(n for n in names if n not in _PER_TRANSACTION)


def wrote(conn: Connection) -> bool:
    """Whether the connection's open transaction has bumped a stamp (writes not committed yet)."""
    return bool(conn.info.get(_WROTE))


@event.listens_for(Engine, "commit")
def _committing(conn: Connection) -> None:
    """The transaction's bumps, its last statement before the commit itself."""
    pending = conn.info.get(_PENDING)
    if pending:
        conn.execute(_BUMP, [{"key": k, "cells": _record(pending[k]), "cap": CELLS_CAP} for k in sorted(pending)])
    _transaction_ended(conn)


@event.listens_for(Engine, "rollback")
def _transaction_ended(conn: Connection) -> None:
    for name in _PER_TRANSACTION:
        conn.info.pop(name, None)


@event.listens_for(Pool, "reset")
def _connection_reset(_dbapi_connection, record, _reset_state) -> None:
    """A connection given back to the pool mid-transaction is rolled back without the engine's events."""
    for name in _PER_TRANSACTION:
        record.info.pop(name, None)


def highest(conn: Connection) -> int:
    """The highest stamp of any lineage (0 with none)."""
    table = PlanStamp.__table__
    return conn.execute(select(func.coalesce(func.max(table.c.stamp), 0))).scalar_one()


def advance_past(conn: Connection, floor: int) -> None:
    """Move every stamp above ``floor``: after a restore replaced the data, a stamp the restored rows carry
    could equal one a running process kept a value under (``plan_memo``) for the data that was replaced."""
    table = PlanStamp.__table__
    conn.execute(table.update().values(stamp=table.c.stamp + floor + 1, base=table.c.stamp + floor + 1, cells=""))


def current(conn: Connection, keys: Iterable[str]) -> dict[str, int]:
    """The stamps of these lineages now (0 for one never written since stamps began); ``PENDING`` for one this
    transaction has written (its bump comes at the commit): what is computed from its writes is never kept, and
    nothing kept is served for it."""
    keys = sorted(set(keys))
    table = PlanStamp.__table__
    found = dict(conn.execute(select(table.c.key, table.c.stamp).where(table.c.key.in_(keys))).all()) if keys else {}
    pending = conn.info.get(_PENDING, ())
    return {k: PENDING if k in pending else found.get(k, 0) for k in keys}


def since(conn: Connection, key: str, stamp: int) -> tuple[int, Cells | None]:
    """The lineage's stamp now and the cells written after ``stamp`` (a superset: maybe some written before),
    or None when a write of anything else came after it (or its record was restarted): one statement. A
    lineage this transaction wrote is at ``PENDING``, its own cells included."""
    return since_many(conn, {key: stamp})[key]


def since_many(conn: Connection, stamps: dict[str, int]) -> dict[str, tuple[int, Cells | None]]:
    """``since`` for several lineages in one statement (none unchanged since its stamp: no cells)."""
    table = PlanStamp.__table__
    rows = {key: (now, base, written) for key, now, base, written in conn.execute(
        select(table.c.key, table.c.stamp, table.c.base, table.c.cells).where(table.c.key.in_(sorted(stamps))))}
    own = conn.info.get(_PENDING, {})
    found = {}
    for key, stamp in stamps.items():
        now, base, written = rows.get(key, (0, 0, ""))
        cells = None
        if stamp == now:
            cells = set()
        elif base <= stamp <= now:
            cells = set()
            for cell in filter(None, written.split(";")):
                ind_key, year, period = cell.split("|")
                cells.add((ind_key, int(year), period))
        if key in own:  # this transaction's writes too (stamped at its commit): ``PENDING``, as ``current`` says
            now, cells = PENDING, None if cells is None or own[key] is None else cells | own[key]
        found[key] = now, cells
    return found


def _record(cells: Cells | None) -> str | None:
    return None if cells is None else "".join(f"{key}|{year}|{period};" for key, year, period in sorted(cells))


_CELL_ROWS = (Realization, Evidence)  # rows whose writes are recorded by cell


def _cells(session: OrmSession) -> Cells | None:
    """The cells the flushed rows belong to, before and after the change, when every stamped row is a
    realisation or an evidence row; None otherwise."""
    cells = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if type(obj) not in REFERENCES:
            continue
        if type(obj) not in _CELL_ROWS:
            return None
        state = inspect(obj)
        for read in (lambda a: getattr(obj, a), lambda a: _before(state, a)):
            cell = _value(("indicator_key", "year", "period"), read)
            if cell is None:
                return None
            cells.add(cell)
    return cells


def _collect(session: OrmSession) -> dict[str, set]:
    refs: dict[str, set] = defaultdict(set)
    for obj in (*session.new, *session.dirty, *session.deleted):
        wanted = REFERENCES.get(type(obj))
        if wanted is None:
            continue
        state = inspect(obj)
        for attr, kind in wanted:
            refs[kind].add(_value(attr, lambda a: getattr(obj, a)))
            if state.persistent or state.deleted:  # a reference changed in place: its old lineage too
                refs[kind].add(_value(attr, lambda a: _before(state, a)))
    for values in refs.values():
        values.discard(None)
    return refs


def _value(attr: str | tuple[str, ...], read):
    """A reference's value (a tuple for a tuple of attributes; None when any part is missing)."""
    if isinstance(attr, str):
        return read(attr)
    parts = tuple(read(a) for a in attr)
    return None if None in parts else parts


def _before(state, attr: str):
    """The attribute's value before the change being flushed (its current value when unchanged)."""
    history = state.attrs[attr].history
    return history.deleted[0] if history.deleted else getattr(state.obj(), attr)


def _held(session: OrmSession, refs: dict[str, set]) -> set[str] | None:
    """The lineages of ``refs`` from the plans and indicators the session already holds (a saved cell's
    request has read its indicator and plan), or None when one is not held: then they are selected.

    An indicator key belongs to one lineage (revisions keep it, copies into another plan get a new one),
    so the key of a held indicator answers for every indicator sharing it."""
    if any(values for kind, values in refs.items() if kind not in ("plan_key", "plan_id", "indicator_id",
                                                                      "indicator_key")):
        return None
    imap = session.identity_map

    def loaded(cls, ident) -> dict:
        obj = imap.get(identity_key(cls, ident)) if ident is not None else None
        return inspect(obj).dict if obj is not None else {}  # attributes as loaded: nothing is read here

    found = set(refs.get("plan_key", ()))
    found.update(loaded(Plan, plan_id).get("key") for plan_id in refs.get("plan_id", ()))
    by_indicator_key = {}
    for ind_id in refs.get("indicator_id", ()):
        ind = loaded(Indicator, ind_id)
        by_indicator_key[ind.get("key")] = key = loaded(Plan, ind.get("plan_id")).get("key")
        found.add(key)
    found.update(by_indicator_key.get(ind_key) for ind_key in refs.get("indicator_key", ()))
    return None if None in found else found


@event.listens_for(OrmSession, "before_flush")
def _stamp_flush(session, _context, _instances):
    """Bump, before the rows are written (deleted rows can still be followed to their plan)."""
    with session.no_autoflush:  # reading an expired attribute must not flush from inside the flush
        refs = _collect(session)
        if any(refs.values()):
            held, cells = _held(session, refs), _cells(session)
            if held is None:
                bump_refs(session.connection(), refs, cells)
            else:
                bump(session.connection(), held, cells)


@event.listens_for(OrmSession, "do_orm_execute")
def _stamp_bulk(state):
    """An ORM bulk INSERT, UPDATE or DELETE on a stamped table passes the flush: the lineages its
    ``stamp_refs`` execution option names are bumped, else every lineage."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and getattr(table, "name", None) in STAMPED_TABLES:
        bump_refs(state.session.connection(), state.execution_options.get("stamp_refs") or {"all": {True}})
