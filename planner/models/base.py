from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Aware UTC: SQLModel stores datetimes as UTC on both SQLite and PostgreSQL."""
    return datetime.now(timezone.utc)
