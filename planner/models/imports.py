"""Excel import: background jobs, saved column mappings of a unit's own workbooks, and the
indicative pagu per year of a Renstra node (the Renstra matrix has one Rupiah column per year)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import JSON, Column, LargeBinary, Numeric, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from planner.models.base import utcnow

JOB_STATUSES = {"queued": "Menunggu", "running": "Berjalan", "done": "Selesai", "failed": "Gagal"}


class ImportJob(SQLModel, table=True):
    """One uploaded workbook and what became of it. The file itself is kept here so any worker
    (another process or machine) can read it."""

    __tablename__ = "import_job"

    id: Optional[int] = Field(default=None, primary_key=True)
    organization_id: Optional[int] = Field(default=None, foreign_key="organization.id", index=True,
                                           ondelete="CASCADE")
    user_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    filename: str = Field(default="", max_length=255)
    content: Optional[bytes] = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    mapping_id: Optional[int] = Field(default=None, foreign_key="import_mapping.id", ondelete="SET NULL")
    dry_run: bool = False
    status: str = Field(default="queued", max_length=10)
    # {"sheet": {"created": n, "updated": n, "unchanged": n}}
    counts: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    errors: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    message: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: Optional[datetime] = None

    @property
    def status_label(self) -> str:
        return JOB_STATUSES.get(self.status, self.status)

    def total(self, what: str) -> int:
        return sum(c.get(what, 0) for c in (self.counts or {}).values())


class ImportMapping(SQLModel, table=True):
    """How a unit's own workbook maps onto Planner's fields, saved for next time."""

    __tablename__ = "import_mapping"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    sheet: str = Field(default="", max_length=100)
    header_start: int = 1  # 1-based first header row
    header_rows: int = 1
    data_start: int = 2  # 1-based first data row (after a numbered-column row "1 2 3 ...")
    plan_kind: str = Field(default="renja", max_length=10)
    year: int = 2026
    # field key -> 0-based column index
    columns: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)


class NodeYearPagu(SQLModel, table=True):
    """The indicative pagu (pagu indikatif) of a Renstra node for one year of the Renstra."""

    __tablename__ = "node_year_pagu"
    __table_args__ = (UniqueConstraint("node_id", "year"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    node_id: int = Field(foreign_key="plan_node.id", index=True, ondelete="CASCADE")
    year: int
    amount: Decimal = Field(sa_column=Column(Numeric(18, 2), nullable=False))
