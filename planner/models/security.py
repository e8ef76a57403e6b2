"""Security bookkeeping: failed logins (throttling per account and per address)."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from planner.models.base import utcnow


class LoginFailure(SQLModel, table=True):
    """One failed login, under a key such as ``user:ani`` or ``addr:10.0.0.7``.

    Rows older than the throttle window are ignored and pruned; a successful login clears its account's rows."""

    __tablename__ = "login_failure"

    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
