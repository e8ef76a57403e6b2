"""Public-service performance evaluation (PEKPPP): instruments as versioned data, and the self-assessment.

An ``Instrument`` is one version of a set of aspects and indicators with their weights. Once an
evaluation uses a version it is frozen: editing it makes the next version, so an evaluation always
reads the instrument it was scored with. Scores, evidence, tier overrides and the activities made
from gaps point at the evaluation and at the indicator row of that pinned version.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal, Optional

from sqlalchemy import JSON, Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from planner.models.base import utcnow, version_column

# A 0–5 scale read the same way by every instrument unless an indicator says more.
DEFAULT_SCALE = (
    "Tidak ada/tidak dilaksanakan",
    "Ada, belum sesuai ketentuan",
    "Sebagian sesuai ketentuan",
    "Sesuai ketentuan, belum diterapkan penuh",
    "Diterapkan penuh dan dipublikasikan",
    "Diterapkan, dievaluasi dan ditindaklanjuti (praktik baik)",
)
EVALUATION_STATUSES = {"draft": "Draf", "final": "Final"}
TIERS = {"I": "Prioritas I", "II": "Prioritas II", "III": "Prioritas III"}


def _text() -> str:
    return Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class Instrument(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, index=True)
    version: int = 1
    name: str = Field(max_length=300)
    source: str = _text()  # legal basis and what was read from where
    frozen: bool = False  # used by an evaluation: an edit makes the next version
    created_at: datetime = Field(default_factory=utcnow)


class InstrumentAspect(SQLModel, table=True):
    __tablename__ = "instrument_aspect"

    id: Optional[int] = Field(default=None, primary_key=True)
    instrument_id: int = Field(foreign_key="instrument.id", index=True, ondelete="CASCADE")
    position: int = 0
    code: str = Field(max_length=20)
    name: str = Field(max_length=300)
    weight: float  # percent of the index


class InstrumentIndicator(SQLModel, table=True):
    __tablename__ = "instrument_indicator"

    id: Optional[int] = Field(default=None, primary_key=True)
    aspect_id: int = Field(foreign_key="instrument_aspect.id", index=True, ondelete="CASCADE")
    position: int = 0
    code: str = Field(max_length=20)
    name: str = Field(max_length=500)
    weight: float  # percent within its aspect
    scale: list = Field(default_factory=lambda: list(DEFAULT_SCALE), sa_column=Column(JSON, nullable=False))
    evidence: str = _text()  # the evidence evaluators expect


_EVALUATION_VERSION = version_column()


class Evaluation(SQLModel, table=True):
    """One round of a unit's self-assessment in a year, pinned to an instrument version."""

    __table_args__ = (UniqueConstraint("organization_id", "year", "round"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_EVALUATION_VERSION)  # optimistic locking: 409 when stale
    __mapper_args__ = {"version_id_col": _EVALUATION_VERSION}
    organization_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    year: int
    round: int = 1
    label: str = Field(default="", max_length=200)  # e.g. "Sebelum pendampingan"
    instrument_id: int = Field(foreign_key="instrument.id", index=True)
    status: Literal["draft", "final"] = Field(default="draft", sa_type=String(10))
    note: str = _text()
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


_SCORE_VERSION = version_column()


class EvaluationScore(SQLModel, table=True):
    __tablename__ = "evaluation_score"
    __table_args__ = (UniqueConstraint("evaluation_id", "indicator_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_SCORE_VERSION)  # optimistic locking: 409 when stale
    __mapper_args__ = {"version_id_col": _SCORE_VERSION}
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True, ondelete="CASCADE")
    indicator_id: int = Field(foreign_key="instrument_indicator.id", ondelete="CASCADE")
    score: Optional[float] = None
    note: str = _text()
    # A tier set by hand over the computed one, with the reason (gap analysis).
    tier: Optional[str] = Field(default=None, max_length=3)
    tier_reason: str = _text()


class EvaluationEvidence(SQLModel, table=True):
    __tablename__ = "evaluation_evidence"

    id: Optional[int] = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True, ondelete="CASCADE")
    indicator_id: int = Field(foreign_key="instrument_indicator.id", ondelete="CASCADE")
    kind: Literal["file", "link"] = Field(sa_type=String(4))
    url: Optional[str] = Field(default=None, max_length=2000)
    filename: Optional[str] = Field(default=None, max_length=255)
    stored_name: Optional[str] = Field(default=None, max_length=80)
    content_type: Optional[str] = Field(default=None, max_length=100)
    title: str = Field(default="", max_length=300)
    uploaded_by_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    uploaded_at: datetime = Field(default_factory=utcnow)


class GapActivity(SQLModel, table=True):
    """A gap turned into a planned activity: the node and its output indicator in a Renja."""

    __tablename__ = "gap_activity"

    id: Optional[int] = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True, ondelete="CASCADE")
    indicator_id: int = Field(foreign_key="instrument_indicator.id", ondelete="CASCADE")
    node_id: int = Field(foreign_key="plan_node.id", index=True, ondelete="CASCADE")
    plan_indicator_id: Optional[int] = Field(default=None, foreign_key="indicator.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


# ---------------------------------------------------------------- input (forms and the API)

class IndicatorIn(SQLModel):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=2, max_length=500)
    weight: float = Field(ge=0, le=100)
    scale: Optional[list[str]] = None  # six descriptors, 0–5
    evidence: str = ""


class AspectIn(SQLModel):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=2, max_length=300)
    weight: float = Field(ge=0, le=100)
    indicators: list[IndicatorIn] = Field(min_length=1)


class InstrumentIn(SQLModel):
    code: str = Field(min_length=2, max_length=40)
    name: str = Field(min_length=3, max_length=300)
    source: str = ""
    aspects: list[AspectIn] = Field(min_length=1)


class EvaluationCreate(SQLModel):
    organization_id: int
    year: int = Field(ge=2000, le=2100)
    instrument_id: int
    label: str = Field(default="", max_length=200)
