"""Rows a web request reads more than once, read once (issue 12).

One request asks for the same few rows from several services: the organisation tree (the acting principal,
the settings' inheritance chain, the layout's switcher), the closed periods of a plan year (the check of a
write, then the read model answering it), an indicator's targets (the plausible range of a value, then the
row's achievement). A session that shares its reads (``enable``: the web request's, which lives for one
request) keeps what ``once`` loaded and hands it back. A kept read is dropped as soon as it could be stale:

* a row of its table changed in the session and not flushed yet (``reads`` answers None: load again, which
  flushes first), or flushed (``before_flush``), or written by an ORM bulk statement (``do_orm_execute``);
* at the end of every transaction (commit, rollback, savepoint): another writer may have committed since.

A writer may put back, after its own flush, what it read with its write applied (``keep``): a saved cell's
year of realisations, read before the save like the closed periods and targets, answers the row after it.

Sessions that do not share (services' callers, the CLI, tests' own sessions) read every time, as before.
"""
from __future__ import annotations

from typing import Callable, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

KEY = "planner.session_reads"
T = TypeVar("T")


def enable(s: OrmSession) -> OrmSession:
    s.info[KEY] = {}
    return s


def reads(s: OrmSession, table: type) -> dict | None:
    """The kept reads of ``table`` (a dict to look up and fill), or None when this session does not share
    reads or holds unflushed changes to that table."""
    kept = s.info.get(KEY)
    if kept is None or any(isinstance(obj, table) for obj in (*s.new, *s.dirty, *s.deleted)):
        return None
    return kept.setdefault(table.__table__.name, {})


def once(s: OrmSession, table: type, key, load: Callable[[], T]) -> T:
    """``load()`` (a read of ``table``) once per session transaction for ``key``."""
    kept = reads(s, table)
    if kept is not None and key in kept:
        return kept[key]
    value = load()
    if (kept := reads(s, table)) is not None:  # looked up again: the load's autoflush may have dropped it
        kept[key] = value
    return value


def keep(s: OrmSession, table: type, key, value) -> None:
    """Keep what a writer knows ``table`` holds right after its own flush: the rows it read in this transaction
    with its write applied (a saved cell's year of realisations, which the row answering the save reads next).
    Only the writer can say so; its flush dropped every other kept read of the table."""
    if (kept := reads(s, table)) is not None:
        kept[key] = value


def _forget(session: OrmSession, name: str | None) -> None:
    kept = session.info.get(KEY)
    if kept and name:
        kept.pop(name, None)


@event.listens_for(OrmSession, "before_flush")
def _flushing(session, _context, _instances):
    if session.info.get(KEY):
        for obj in (*session.new, *session.dirty, *session.deleted):
            _forget(session, getattr(getattr(type(obj), "__table__", None), "name", None))


@event.listens_for(OrmSession, "do_orm_execute")
def _bulk(state):
    if state.is_insert or state.is_update or state.is_delete:
        _forget(state.session, getattr(getattr(state.statement, "table", None), "name", None))


@event.listens_for(OrmSession, "after_transaction_end")
def _transaction_ended(session, transaction):
    # the session's own transaction or a savepoint, not the inner one each flush opens
    if KEY in session.info and (transaction.parent is None or transaction.nested):
        session.info[KEY] = {}
