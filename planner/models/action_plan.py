"""Action plans (rencana aksi): the steps (rincian kegiatan) of a kegiatan / sub kegiatan / KRO / RO, when
they run, who carries them out, what they deliver, and whether they happened.

A step's schedule is a set of months of the plan's year (the "bulan ke-" marks of the forms units fill
in), or a start and end date; the months are kept as text ("3,4,5") so the audit trail reads plainly.
The step's status is written by monitoring (done / late / dropped, with a date, a note, and evidence:
files and links, as a realisation has them); "planned" is a step nobody has marked yet. Whether a planned step is overdue is computed
(``planner.calc.schedule``), never stored.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal, Optional

from pydantic import field_validator
from sqlalchemy import Column, Numeric, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from planner.models.base import utcnow, version_column

StepStatus = Literal["planned", "done", "late", "dropped"]
STEP_STATUSES = {
    "planned": "Direncanakan",
    "done": "Selesai",
    "late": "Terlambat",
    "dropped": "Dibatalkan",
}
ACTION_NODE_KINDS = ("kegiatan", "sub_kegiatan", "kro", "ro")


_STEP_VERSION = version_column()


class ActionStep(SQLModel, table=True):
    """One step of an activity's action plan."""

    __tablename__ = "action_step"

    id: Optional[int] = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    node_id: int = Field(foreign_key="plan_node.id", index=True, ondelete="CASCADE")
    position: int = 0
    name: str = Field(max_length=500)
    months: str = Field(default="", max_length=40)  # "1,2,3": months of the plan's year
    start_date: Optional[date] = None
    end_date: Optional[date] = None
    owner_user_id: Optional[int] = Field(default=None, foreign_key="user.id", index=True, ondelete="SET NULL")
    owner_text: str = Field(default="", max_length=300)  # a person or unit without an account
    output: str = Field(default="", max_length=500)
    volume: Optional[float] = None
    unit: str = Field(default="", max_length=40)
    budget: Optional[Decimal] = Field(default=None, sa_column=Column(Numeric(18, 2)))
    indicator_id: Optional[int] = Field(default=None, foreign_key="indicator.id", ondelete="SET NULL")
    period: Optional[str] = Field(default=None, max_length=3)
    status: str = Field(default="planned", sa_type=String(10))
    status_on: Optional[date] = None
    status_note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    evidence_url: Optional[str] = Field(default=None, max_length=1000)
    status_by_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    status_at: Optional[datetime] = None
    version: int = Field(default=1, sa_column=_STEP_VERSION)  # optimistic locking: 409 when stale
    __mapper_args__ = {"version_id_col": _STEP_VERSION}
    # The step this one was copied from (a Renja Perubahan), for lineage.
    source_id: Optional[int] = Field(default=None, foreign_key="action_step.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def month_list(self) -> list[int]:
        return [int(m) for m in self.months.split(",") if m.strip()]

    @property
    def status_label(self) -> str:
        return STEP_STATUSES.get(self.status, self.status)


class ActionStepLink(SQLModel, table=True):
    """A dependency: ``step_id`` can only start once ``prerequisite_id`` is finished."""

    __tablename__ = "action_step_link"
    __table_args__ = (UniqueConstraint("step_id", "prerequisite_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    step_id: int = Field(foreign_key="action_step.id", index=True, ondelete="CASCADE")
    prerequisite_id: int = Field(foreign_key="action_step.id", index=True, ondelete="CASCADE")


class StepEvidence(SQLModel, table=True):
    """Bukti dukung of a step, as a realisation has it: an uploaded file (checked by content, kept outside
    ``static/`` under a random name, by the same storage as realisation evidence) or a link."""

    __tablename__ = "action_step_evidence"

    id: Optional[int] = Field(default=None, primary_key=True)
    step_id: int = Field(foreign_key="action_step.id", index=True, ondelete="CASCADE")
    kind: str = Field(sa_type=String(4))  # "file" or "link"
    filename: str = Field(default="", max_length=255)  # as uploaded, for display and download only
    stored_name: Optional[str] = Field(default=None, max_length=64)
    content_type: str = Field(default="", max_length=100)
    size: Optional[int] = None
    url: Optional[str] = Field(default=None, max_length=1000)
    uploaded_by_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    uploaded_at: datetime = Field(default_factory=utcnow)


def _strip(cls, v):
    return v.strip() if isinstance(v, str) else v


class StepIn(SQLModel):
    """One step as a form or the API sends it. ``id`` names an existing step (its ``version`` is checked
    when given); ``depends_on`` lists ids of steps of the same plan."""

    id: Optional[int] = None
    name: str = Field(min_length=3, max_length=500)
    months: list[int] = []
    start: Optional[date] = None
    end: Optional[date] = None
    owner: str = Field(default="", max_length=300)  # a username (an account) or free text
    owner_user_id: Optional[int] = None
    output: str = Field(default="", max_length=500)
    volume: Optional[float] = Field(default=None, ge=0)
    unit: str = Field(default="", max_length=40)
    budget: Optional[Decimal] = Field(default=None, ge=0)
    indicator_id: Optional[int] = None
    period: Optional[str] = Field(default=None, max_length=3)
    depends_on: list[int] = []
    version: Optional[int] = None

    _strip = field_validator("name", "owner", "output", "unit", mode="before")(_strip)

    @field_validator("period", mode="before")
    @classmethod
    def _blank_period(cls, v):
        return (v.strip().upper() or None) if isinstance(v, str) else v


class StatusIn(SQLModel):
    """``PUT /action-steps/{id}/status``: the mark, the day it applies to, why, and the evidence."""

    status: StepStatus
    on: Optional[date] = None
    note: str = Field(default="", max_length=2000)
    evidence_url: Optional[str] = Field(default=None, max_length=1000)
    version: Optional[int] = None

    _strip = field_validator("note", mode="before")(_strip)
