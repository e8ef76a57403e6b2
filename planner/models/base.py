from __future__ import annotations

import os
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


_V4_CLEAR = ~((0xF << 76) | (0xC << 60))  # the version nibble and the variant's two bits …
_V4_SET = (0x4 << 76) | (0x8 << 60)  # … set as uuid4 sets them: version 4, RFC 4122 variant


def new_keys(n: int) -> list[str]:
    """``n`` lineage keys of ``new_key``'s form (random version-4 UUIDs as hex), from one read of the system's
    randomness: a bulk copy's thousand keys cost one call, not a thousand ``UUID`` objects."""
    raw = os.urandom(16 * n)
    return ["%032x" % (int.from_bytes(raw[i:i + 16], "big") & _V4_CLEAR | _V4_SET) for i in range(0, 16 * n, 16)]


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
