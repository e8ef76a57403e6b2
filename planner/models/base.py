from __future__ import annotations

from datetime import datetime, timezone
from uuid import uuid4

from sqlalchemy import Column, Integer
from sqlmodel import Field


def utcnow() -> datetime:
    """Aware UTC: SQLModel stores datetimes as UTC on both SQLite and PostgreSQL."""
    return datetime.now(timezone.utc)


def new_key() -> str:
    """A lineage key: shared by every version of a plan, node or indicator (copies keep it), so what
    was reported against one version stays attached when a Perubahan replaces it."""
    return uuid4().hex


def key_field():
    # Not unique: every version of the same thing carries it. Indexed: monitoring joins on it.
    return Field(default_factory=new_key, max_length=32, index=True)


def version_column() -> Column:
    """Optimistic locking (SQLAlchemy's ``version_id_col``): every UPDATE of the row says ``WHERE version =
    <the version read>`` and bumps it, so of two writers holding the same version exactly one wins and the
    other's flush raises ``StaleDataError`` (answered 409). Pair it with ``__mapper_args__``::

        _V = version_column()
        class Thing(SQLModel, table=True):
            version: int = Field(default=1, sa_column=_V)
            __mapper_args__ = {"version_id_col": _V}
    """
    return Column("version", Integer, nullable=False, default=1, server_default="1")
