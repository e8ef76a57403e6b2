"""Acknowledged plan-check findings: a reviewer's "seen, and acceptable because …"."""
from datetime import datetime
from typing import Optional

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from planner.models.base import utcnow


class FindingAck(SQLModel, table=True):
    """Keyed on what stays the same across versions of a plan (organisation, plan kind and first year,
    rule code and the subject's codes), never on row ids: a revision or next draft keeps it."""

    __tablename__ = "finding_ack"
    __table_args__ = (UniqueConstraint("organization_id", "plan_kind", "first_year", "rule", "subject"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    plan_kind: str = Field(max_length=10)
    first_year: int
    rule: str = Field(max_length=10)
    subject: str = Field(max_length=600)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    user_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    username: str = Field(default="", max_length=80)
    plan_id: Optional[int] = None  # the version it was given on (no key: the row outlives it)
    created_at: datetime = Field(default_factory=utcnow)
