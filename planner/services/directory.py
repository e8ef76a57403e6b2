"""Who may do what, and with which calculation settings, kept across requests (issue 12).

Every request needs the user's principal (memberships spread over the organisation tree) and most need the
settings of a plan's organisation (its own or inherited up the tree): three statements and a few dozen ORM
rows each time, for data that changes a few times a year. They are kept in this process (``plan_memo``)
under one stamp, the *directory stamp*: a row of ``plan_stamp`` with a key no plan has, bumped in the
writer's transaction by every change to an organisation, a membership or an organisation's settings
(a ``before_flush`` hook, ORM bulk statements too; Core writes outside the ORM call ``bump``).

The web request reads the stamp with its user (``stamp_column`` in the user loader: no statement of its
own) and notes it for its transaction (``note``); other sessions read it when first asked. A value is
served only at the stamp it was computed at, never at stamp 0 (no row: a fresh or restored database, where
two databases could share a stamp), and nothing is kept or served from the memo once the transaction has
written the directory itself or holds unflushed changes to it (a plan write does not count).
"""
from __future__ import annotations

from typing import Callable, TypeVar

from sqlalchemy import event, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession

from planner.models import Membership, Organization, PlanStamp
from planner.models.settings import OrganizationSettings
from planner.services import plan_memo, plan_stamps

KEY = "~directory"  # plan keys are hex digits: no lineage is stamped under this key
TABLES = (Organization, Membership, OrganizationSettings)
_NAMES = {cls.__table__.name for cls in TABLES}
_STAMP = "planner.directory_stamp"
_WROTE = "planner.directory_wrote"  # its own flag: a plan write (plan_stamps.wrote) leaves the directory kept
plan_stamps.per_transaction(_STAMP, _WROTE)
T = TypeVar("T")


def stamp_column():
    """The directory stamp as a scalar subquery, to be read along with another row (None: no stamp yet)."""
    table = PlanStamp.__table__
    return select(table.c.stamp).where(table.c.key == KEY).scalar_subquery()


def note(s: OrmSession, stamp: int | None) -> None:
    """The stamp read in this session's transaction (by ``stamp_column``), before the data it guards."""
    s.connection().info[_STAMP] = stamp or 0


def kept(s: OrmSession, key: tuple, compute: Callable[[], T]) -> T:
    """``compute()`` (read-only data of the directory tables), served from the memo at the directory stamp.
    The value is shared between requests: callers copy what they change."""
    if any(isinstance(obj, TABLES) for obj in (*s.new, *s.dirty, *s.deleted)):
        return compute()  # unflushed changes: computing flushes them (and bumps the stamp)
    conn = s.connection()
    if conn.info.get(_WROTE):
        return compute()
    stamp = conn.info.get(_STAMP)
    if stamp is None:
        stamp = conn.info[_STAMP] = conn.execute(select(stamp_column())).scalar() or 0
    if not stamp:
        return compute()
    return plan_memo.get(("directory", *key), stamp, compute)


def bump(conn: Connection) -> None:
    """A write to the directory tables: this transaction's values are its own from now on."""
    plan_stamps.bump(conn, [KEY])
    conn.info[_WROTE] = True


@event.listens_for(OrmSession, "before_flush")
def _flushing(session, _context, _instances):
    if any(isinstance(obj, TABLES) for obj in (*session.new, *session.dirty, *session.deleted)):
        bump(session.connection())


@event.listens_for(OrmSession, "do_orm_execute")
def _bulk(state):
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in _NAMES:
            bump(state.session.connection())
