from __future__ import annotations

from datetime import datetime, timezone
from uuid import uuid4

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
