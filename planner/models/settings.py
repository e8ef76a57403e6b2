"""Calculation settings of an organisation (methodology §9): the choices institutions make differently.

One row per organisation that set its own; a unit without a row inherits from the nearest ancestor
that has one, and the install-wide default (``PLANNER_*`` variables) holds where none has.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal, Optional

from sqlmodel import Field, SQLModel

from planner.models.base import utcnow, version_column

LowerIsBetterFormula = Literal["2T-R", "T/R"]


class SettingsIn(SQLModel):
    """What a form or the API sends; ``rollup_cap`` None means no cap."""

    lower_is_better_formula: LowerIsBetterFormula = "2T-R"
    tolerance: float = Field(default=15.0, ge=0, le=50)
    rollup_cap: Optional[float] = Field(default=None, gt=0, le=1000)
    # Below this share of due reports (percent), an aggregate shows its coverage but no predikat.
    coverage_threshold: float = Field(default=80.0, ge=0, le=100)


_SETTINGS_VERSION = version_column()


class OrganizationSettings(SettingsIn, table=True):
    __tablename__ = "organization_settings"

    id: Optional[int] = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_SETTINGS_VERSION)  # optimistic locking: 409 when stale
    __mapper_args__ = {"version_id_col": _SETTINGS_VERSION}
    organization_id: int = Field(foreign_key="organization.id", unique=True, index=True, ondelete="CASCADE")
    lower_is_better_formula: str = Field(default="2T-R", max_length=4)
    coverage_threshold: float = Field(default=80.0, ge=0, le=100, sa_column_kwargs={"server_default": "80"})
    updated_by_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    updated_at: datetime = Field(default_factory=utcnow)
