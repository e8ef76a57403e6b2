"""The review workflow around a plan: audit trail, review comments, schedules (jadwal)."""
from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from planner.models.base import utcnow, version_column

SCHEDULE_KINDS = {
    "drafting": "Penyusunan",
    "review": "Penelaahan (reviu)",
    "realization": "Batas pelaporan realisasi",
}
COMMENT_TARGETS = ("plan", "node", "indicator")


class AuditEntry(SQLModel, table=True):
    """One recorded change: who, when, what (old -> new per field) and why. Append-only."""

    __tablename__ = "audit_entry"

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    user_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    username: str = Field(default="", max_length=80)  # kept even if the account is removed later
    action: str = Field(max_length=20)  # create, update, delete, submit, return, approve, lock, reopen, revise
    object_type: str = Field(max_length=30)
    object_id: Optional[int] = None
    label: str = Field(default="", max_length=500)  # what the object was called at the time
    # No foreign keys: the trail outlives the rows it describes.
    plan_id: Optional[int] = Field(default=None, index=True)
    node_id: Optional[int] = Field(default=None, index=True)
    indicator_id: Optional[int] = Field(default=None, index=True)
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


_COMMENT_VERSION = version_column()


class Comment(SQLModel, table=True):
    """A review comment on a plan, one of its nodes or indicators; ``parent_id`` threads replies."""

    id: Optional[int] = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_COMMENT_VERSION)  # optimistic locking: 409 when stale
    __mapper_args__ = {"version_id_col": _COMMENT_VERSION}
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    object_type: str = Field(default="plan", max_length=20)
    object_id: Optional[int] = None
    parent_id: Optional[int] = Field(default=None, foreign_key="comment.id", ondelete="CASCADE")
    author_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    resolved_at: Optional[datetime] = None
    resolved_by_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    # Edited or withdrawn by its author; the earlier text stays in the audit trail.
    edited_at: Optional[datetime] = None
    withdrawn_at: Optional[datetime] = None


class Schedule(SQLModel, table=True):
    """A window for one year and an organisation (with its sub-units): drafting, review, or a
    realisation deadline for a period (e.g. TW I by 10 April)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    year: int
    kind: str = Field(max_length=20)
    period: Optional[str] = Field(default=None, max_length=3)
    opens_on: Optional[date] = None
    closes_on: date
    extended_until: Optional[date] = None
    extension_note: str = Field(default="", max_length=500)

    @property
    def last_day(self) -> date:
        return self.extended_until or self.closes_on

    @property
    def kind_label(self) -> str:
        return SCHEDULE_KINDS.get(self.kind, self.kind)
