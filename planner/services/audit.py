"""The audit trail: every create, update and delete of plan data is recorded with old -> new values.

Recording is automatic: a flush of an audited table writes ``AuditEntry`` rows in the same
transaction, so a change and its record commit or roll back together. Who acted is read from
``session.info["actor"]`` (set per request by the web layer). Changes done with bulk statements
and workflow transitions are recorded explicitly with ``record``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, Callable

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from planner.models import AuditEntry, Indicator, NodeObjective, Plan, PlanNode, Target
from planner.models.base import utcnow

IGNORED = {"id", "updated_at", "created_at", "version", "status",
           "decree_number", "decree_date"}  # set only by a transition, which records them in its own entry


@dataclass(frozen=True)
class Audited:
    object_type: str
    label: Callable[[Any], str]
    context: Callable[[OrmSession, Any], dict]


def _indicator_context(session: OrmSession, indicator_id: int | None) -> dict:
    ind = session.identity_map.get((Indicator, (indicator_id,), None)) if indicator_id else None
    return {"indicator_id": indicator_id, "node_id": getattr(ind, "node_id", None), "plan_id": getattr(ind, "plan_id", None)}


REGISTRY: dict[type, Audited] = {
    Plan: Audited("plan", lambda o: o.name, lambda s, o: {"plan_id": o.id}),
    PlanNode: Audited("node", lambda o: f"{o.code} {o.name}",
                      lambda s, o: {"plan_id": o.plan_id, "node_id": o.id}),
    NodeObjective: Audited("objective", lambda o: o.text, lambda s, o: {"node_id": o.node_id}),
    Indicator: Audited("indicator", lambda o: o.name,
                       lambda s, o: {"plan_id": o.plan_id, "node_id": o.node_id, "indicator_id": o.id}),
    Target: Audited("target", lambda o: f"{o.period} {o.year}", lambda s, o: _indicator_context(s, o.indicator_id)),
}


def register(cls: type, object_type: str, label: Callable[[Any], str], context: Callable[[OrmSession, Any], dict]):
    """Other areas (monitoring, worksheets) put their tables under the same trail."""
    REGISTRY[cls] = Audited(object_type, label, context)


_PLAIN = (str, int, float, bool)  # already JSON: ``jsonable`` leaves them as they are


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _columns(obj) -> tuple[str, ...]:
    mapper = inspect(obj).mapper
    keys = _COLUMNS.get(mapper)
    if keys is None:
        keys = _COLUMNS[mapper] = tuple(a.key for a in mapper.column_attrs if a.key not in IGNORED)
    return keys


_COLUMNS: dict = {}  # audited column names by mapper, in column order


def _diff(obj, kind: str) -> dict[str, list]:
    state = inspect(obj)
    changes: dict[str, list] = {}
    # an update can only have changed the attributes set since the row was loaded (a saved cell: 3 of 15)
    keys = _columns(obj) if kind != "update" else [k for k in _columns(obj) if k in state.committed_state]
    for key in keys:
        if kind == "create":
            new = getattr(obj, key)
            if new not in (None, ""):
                changes[key] = [None, jsonable(new)]
        elif kind == "delete":
            old = getattr(obj, key)  # a deleted object keeps its last values
            if old not in (None, ""):
                changes[key] = [jsonable(old), None]
        else:
            hist = state.attrs[key].history
            if hist.has_changes():
                old = hist.deleted[0] if hist.deleted else None
                new = hist.added[0] if hist.added else None
                if jsonable(old) != jsonable(new):
                    changes[key] = [jsonable(old), jsonable(new)]
    return changes


def _actor(session: OrmSession) -> tuple[int | None, str]:
    return session.info.get("actor", (None, "sistem"))


@event.listens_for(OrmSession, "after_flush")
def _collect(session: OrmSession, _ctx) -> None:
    pending = session.info.setdefault("audit_pending", [])
    user_id, username = _actor(session)
    for kind, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            spec = REGISTRY.get(type(obj))
            if spec is None:
                continue
            changes = _diff(obj, kind)
            if kind == "update" and not changes:
                continue
            pending.append(dict(
                at=utcnow(), user_id=user_id, username=username, action=kind, object_type=spec.object_type,
                object_id=obj.id, label=spec.label(obj)[:500], changes=changes, note="",
                **{"plan_id": None, "node_id": None, "indicator_id": None, **spec.context(session, obj)}))


@event.listens_for(OrmSession, "after_flush_postexec")
def _write(session: OrmSession, _ctx) -> None:
    """The entries of a flush in one executemany INSERT, on the flush's connection, inside the same
    transaction (a bulk copy of 270 nodes writes ~800 entries: one statement, not 800 ORM rows)."""
    pending = session.info.pop("audit_pending", [])
    if pending:
        session.connection().execute(_INSERT, pending)


_INSERT = insert(AuditEntry.__table__)  # built once: every write's flush sends it


def set_actor(session: Session, user_id: int | None, username: str) -> None:
    session.info["actor"] = (user_id, username)


def created_entries(s: Session, cls: type, rows: list[dict], context: Callable[[dict], dict] | None = None) -> list[dict]:
    """The trail of new rows a bulk statement writes (the flush hooks do not see them): the same entries the hooks
    write, prepared before the write (``bulk_rows``). ``rows`` are the inserted values, ids included; ``context``
    gives plan/node/indicator ids where the model's own context would look into the session."""
    spec = REGISTRY[cls]
    user_id, username = _actor(s)
    at = utcnow()
    kept = [k for k in rows[0] if k not in IGNORED] if rows else []  # the rows share their columns
    base = {"at": at, "user_id": user_id, "username": username, "action": "create", "object_type": spec.object_type,
            "note": "", "plan_id": None, "node_id": None, "indicator_id": None}
    out = []
    for row in rows:
        obj = SimpleNamespace(**row)
        entry = base.copy()
        entry.update(object_id=row["id"], label=spec.label(obj)[:500],
                     changes={k: [None, v if type(v) in _PLAIN else jsonable(v)] for k in kept
                              if (v := row[k]) is not None and v != ""})
        entry.update(context(row) if context else spec.context(s, obj))
        out.append(entry)
    return out


def record(s: Session, action: str, obj, changes: dict | None = None, note: str = "", label: str | None = None) -> AuditEntry:
    """An explicit entry: transitions, revisions, bulk deletes."""
    spec = REGISTRY[type(obj)]
    user_id, username = _actor(s)
    entry = AuditEntry(user_id=user_id, username=username, action=action, object_type=spec.object_type,
                       object_id=obj.id, label=(label or spec.label(obj))[:500], changes=changes or {}, note=note,
                       **spec.context(s, obj))
    s.add(entry)
    s.flush()
    return entry


def history(s: Session, plan_id: int | None = None, node_id: int | None = None, indicator_id: int | None = None,
            limit: int | None = None) -> list[AuditEntry]:
    q = select(AuditEntry)
    if plan_id is not None:
        q = q.where(AuditEntry.plan_id == plan_id)
    if node_id is not None:
        q = q.where(AuditEntry.node_id == node_id)
    if indicator_id is not None:
        q = q.where(AuditEntry.indicator_id == indicator_id)
    q = q.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return list(s.exec(q.limit(limit) if limit else q))
