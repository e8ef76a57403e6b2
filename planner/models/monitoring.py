"""Monitoring (pemantauan): realisation per indicator and period, its evidence, narrative and
follow-up, the node budget and its absorption, and the closing of periods.

Rows are keyed by (indicator lineage key, year, period) rather than by the realisation row, so evidence, the
narrative and follow-ups can be written before the number exists and survive when a number is
cleared. The lineage key (``Indicator.key``) is shared by every version of the indicator, so a Renja
Perubahan shows what was reported against the murni and later reports land on the same rows;
``indicator_id`` records the version a row was first entered against. Period codes are those of ``planner.periods`` (``Y``, ``S1``–``S2``, ``TW1``–``TW4``,
``M01``–``M12``).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal, Optional

from pydantic import field_validator
from sqlalchemy import Column, Index, Numeric, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from planner.models.base import utcnow, version_column


def _lineage():
    return Field(max_length=32, index=True)

RealizationStatus = Literal["draft", "submitted", "verified", "returned"]
EvidenceKind = Literal["file", "link"]

REALIZATION_STATUSES = {
    "draft": "Draf",
    "submitted": "Dilaporkan",
    "verified": "Terverifikasi",
    "returned": "Dikembalikan",
}
from planner.calc.tree import COUNTED_STATUSES  # noqa: E402,F401  (re-exported: the rule lives in calc)


_REALIZATION_VERSION = version_column()


class Realization(SQLModel, table=True):
    """The realisation of one indicator in one (year, period).

    Which of ``value`` / ``numerator`` + ``denominator`` / ``achieved`` is set follows the
    indicator: ratio accumulation, qualitative target, or a plain number. Links given with the
    value are stored as ``Evidence`` rows (one place for every piece of bukti dukung).
    """

    __table_args__ = (UniqueConstraint("indicator_key", "year", "period"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_REALIZATION_VERSION)  # optimistic locking: 409 when stale
    __mapper_args__ = {"version_id_col": _REALIZATION_VERSION}
    indicator_id: int = Field(foreign_key="indicator.id", index=True, ondelete="CASCADE")
    indicator_key: str = _lineage()
    year: int
    period: str = Field(max_length=3)
    value: Optional[float] = None
    numerator: Optional[float] = None
    denominator: Optional[float] = None
    achieved: Optional[bool] = None
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    status: RealizationStatus = Field(default="submitted", sa_type=String(12))
    review_note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    entered_by_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    entered_at: datetime = Field(default_factory=utcnow)
    verified_by_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    verified_at: Optional[datetime] = None

    @property
    def status_label(self) -> str:
        return REALIZATION_STATUSES.get(self.status, self.status)

    @property
    def counted(self) -> bool:
        return self.status in COUNTED_STATUSES


class Evidence(SQLModel, table=True):
    """Bukti dukung: an uploaded file (kept outside ``static/`` under a random name) or a link."""

    __table_args__ = (Index("ix_evidence_cell", "indicator_key", "year", "period"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True, ondelete="CASCADE")
    indicator_key: str = Field(max_length=32)
    year: int
    period: str = Field(max_length=3)
    kind: EvidenceKind = Field(sa_type=String(4))
    filename: str = Field(default="", max_length=255)  # as uploaded, for display and download only
    stored_name: Optional[str] = Field(default=None, max_length=64)
    content_type: str = Field(default="", max_length=100)
    size: Optional[int] = None
    url: Optional[str] = Field(default=None, max_length=1000)
    uploaded_by_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    uploaded_at: datetime = Field(default_factory=utcnow)


_NARRATIVE_VERSION = version_column()


class Narrative(SQLModel, table=True):
    """Faktor pendorong and faktor penghambat of the Permendagri 86/2017 evaluation form."""

    __table_args__ = (UniqueConstraint("indicator_key", "year", "period"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_NARRATIVE_VERSION)  # optimistic locking: 409 when stale
    __mapper_args__ = {"version_id_col": _NARRATIVE_VERSION}
    indicator_id: int = Field(foreign_key="indicator.id", index=True, ondelete="CASCADE")
    indicator_key: str = _lineage()
    year: int
    period: str = Field(max_length=3)
    faktor_pendorong: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    faktor_penghambat: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    updated_by_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    updated_at: datetime = Field(default_factory=utcnow)


_FOLLOW_UP_VERSION = version_column()


class FollowUp(SQLModel, table=True):
    """Tindak lanjut: an action decided in a period, with its owner and due date."""

    __tablename__ = "follow_up"
    __table_args__ = (Index("ix_follow_up_cell", "indicator_key", "year", "period"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_FOLLOW_UP_VERSION)  # optimistic locking: 409 when stale
    __mapper_args__ = {"version_id_col": _FOLLOW_UP_VERSION}
    indicator_id: int = Field(foreign_key="indicator.id", index=True, ondelete="CASCADE")
    indicator_key: str = Field(max_length=32)
    year: int
    period: str = Field(max_length=3)
    action: str = Field(sa_column=Column(Text, nullable=False))
    owner: str = Field(default="", max_length=300)
    due_date: Optional[date] = None
    done: bool = False
    done_at: Optional[datetime] = None
    created_by_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


def _strip_text(cls, v):
    return v.strip() if isinstance(v, str) else v


class FollowUpCreate(SQLModel):
    action: str = Field(min_length=3, max_length=2000)
    owner: str = Field(default="", max_length=300)
    due_date: Optional[date] = None

    _strip = field_validator("action", "owner", mode="before")(_strip_text)


class FollowUpUpdate(SQLModel):
    action: Optional[str] = Field(default=None, min_length=3, max_length=2000)
    owner: Optional[str] = Field(default=None, max_length=300)
    due_date: Optional[date] = None  # sent as null: the due date is removed
    done: Optional[bool] = None
    version: Optional[int] = Field(default=None, ge=1, le=2**31 - 1)  # the version read; stale: 409

    _strip = field_validator("action", "owner", mode="before")(_strip_text)


_BUDGET_VERSION = version_column()


class NodeBudget(SQLModel, table=True):
    """The execution pagu (DPA/DIPA) of a node for a year.

    ``PlanNode.pagu`` is the pagu written in the plan; when a row here exists for the plan's
    year it takes precedence for absorption (budgets are revised during the year)."""

    __tablename__ = "node_budget"
    __table_args__ = (UniqueConstraint("node_key", "year"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_BUDGET_VERSION)  # optimistic locking: 409 when stale
    __mapper_args__ = {"version_id_col": _BUDGET_VERSION}
    node_id: int = Field(foreign_key="plan_node.id", index=True, ondelete="CASCADE")
    node_key: str = _lineage()  # the node through the plan's versions (PlanNode.key)
    year: int
    pagu: Decimal = Field(sa_column=Column(Numeric(18, 2), nullable=False))
    updated_by_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    updated_at: datetime = Field(default_factory=utcnow)


_BUDGET_REALIZATION_VERSION = version_column()


class BudgetRealization(SQLModel, table=True):
    """Rupiah realised in one period of a node's budget year."""

    __tablename__ = "budget_realization"
    __table_args__ = (UniqueConstraint("node_budget_id", "period"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_BUDGET_REALIZATION_VERSION)  # optimistic locking: 409 when stale
    __mapper_args__ = {"version_id_col": _BUDGET_REALIZATION_VERSION}
    node_budget_id: int = Field(foreign_key="node_budget.id", index=True, ondelete="CASCADE")
    period: str = Field(max_length=3)
    amount: Decimal = Field(sa_column=Column(Numeric(18, 2), nullable=False))


class PeriodLock(SQLModel, table=True):
    """A closed reporting period of a plan (all its versions: ``plan_key``). Closing ``TW1`` also closes
    ``M01``–``M03``; closing ``Y`` closes the whole year (a period is closed when a closed period contains it).

    ``plan_id`` is the version in force when the period was closed: its targets are the ones the
    period was judged against, even after a Perubahan changes them."""

    __tablename__ = "period_lock"
    __table_args__ = (UniqueConstraint("plan_key", "year", "period"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    plan_key: str = _lineage()
    year: int
    period: str = Field(max_length=3)
    closed: bool = True
    closed_by_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    closed_at: Optional[datetime] = None
    reopened_by_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    reopened_at: Optional[datetime] = None
    reopen_note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
