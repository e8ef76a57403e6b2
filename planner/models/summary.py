"""The stored results of the cross-unit ranking, and the stamps that say whether they still hold.

``PlanStamp`` counts the writes to a plan lineage (every version of a plan shares ``Plan.key``): every write
that can change a plan's numbers bumps it in the writer's transaction (``services.plan_stamps``).
``PlanSummary`` keeps one plan's ranking figures at a year and period, computed by ``calc`` under one
set of settings and one version of the calculation code (``settings_key``), with the stamp its
inputs were read at. A summary whose stamp is not the lineage's current one is never served.
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class PlanStamp(SQLModel, table=True):
    __tablename__ = "plan_stamp"

    key: str = Field(primary_key=True, max_length=32)  # Plan.key
    stamp: int = Field(default=0)
    # What the writes after stamp ``base`` were (``services.plan_stamps``: realisation and evidence cells only,
    # "indicator key|year|period;" each); a write of anything else moves ``base`` to its own stamp.
    base: int = Field(default=0)
    cells: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class PlanSummary(SQLModel, table=True):
    __tablename__ = "plan_summary"
    __table_args__ = (UniqueConstraint("plan_id", "year", "period", "settings_key"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    year: int
    period: str = Field(max_length=3)
    settings_key: str = Field(max_length=64)  # digest of the settings and of the calculation code
    plan_key: str = Field(max_length=32)  # the lineage the stamp belongs to
    stamp: int
    payload: str = Field(sa_column=Column(Text, nullable=False))  # the figures as JSON
