"""Evaluation across units (issue 18): a round over a scope of units, evaluators per unit, verified scores beside
the unit's own self-assessment, interviews and field visits, findings and recommendations (the LHE) and their
follow-up, and the admin's rule for the acceleration groups.

Each unit of a round points at its #14 self-assessment (``Evaluation``): the unit scores there; the evaluator's
verified scores live beside it here, so both are kept and the difference shows.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Optional

from sqlalchemy import Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from planner.models.base import utcnow, version_column

ROUND_STATUSES = {"open": "Berjalan", "locked": "Dikunci", "published": "Dipublikasikan"}
VISIT_KINDS = {"wawancara": "Wawancara", "kunjungan": "Kunjungan lapangan", "klarifikasi": "Klarifikasi dokumen"}
UNIT_TYPES = {"provinsi": "Provinsi", "kabupaten": "Kabupaten", "kota": "Kota", "kl": "K/L", "upt": "UPT"}


def _text() -> str:
    return Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class EvaluationRound(SQLModel, table=True):
    __tablename__ = "evaluation_round"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    year: int
    instrument_id: int = Field(foreign_key="instrument.id", index=True)
    # The organisation running the round (its reviewers manage it); None: the installation's administrators.
    organization_id: Optional[int] = Field(default=None, foreign_key="organization.id", index=True,
                                           ondelete="CASCADE")
    status: Literal["open", "locked", "published"] = Field(default="open", sa_type=String(10))
    created_at: datetime = Field(default_factory=utcnow)
    locked_at: Optional[datetime] = None
    published_at: Optional[datetime] = None


_ROUND_UNIT_VERSION = version_column()


class RoundUnit(SQLModel, table=True):
    __tablename__ = "evaluation_round_unit"
    __table_args__ = (UniqueConstraint("round_id", "organization_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    # optimistic locking: 409 when stale; a verification save moves it on (it stands for the unit's score sheet)
    version: int = Field(default=1, sa_column=_ROUND_UNIT_VERSION)
    __mapper_args__ = {"version_id_col": _ROUND_UNIT_VERSION}
    round_id: int = Field(foreign_key="evaluation_round.id", index=True, ondelete="CASCADE")
    organization_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True, ondelete="CASCADE")
    summary: str = _text()  # the evaluator's overall conclusion, printed in the LHE


class RoundEvaluator(SQLModel, table=True):
    __tablename__ = "evaluation_round_evaluator"
    __table_args__ = (UniqueConstraint("round_unit_id", "user_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    round_unit_id: int = Field(foreign_key="evaluation_round_unit.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")


_VERIFIED_VERSION = version_column()


class VerifiedScore(SQLModel, table=True):
    __tablename__ = "evaluation_verified_score"
    __table_args__ = (UniqueConstraint("round_unit_id", "indicator_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_VERIFIED_VERSION)  # optimistic locking: 409 when stale
    __mapper_args__ = {"version_id_col": _VERIFIED_VERSION}
    round_unit_id: int = Field(foreign_key="evaluation_round_unit.id", index=True, ondelete="CASCADE")
    indicator_id: int = Field(foreign_key="instrument_indicator.id", ondelete="CASCADE")
    score: Optional[float] = None
    note: str = _text()
    verified_by_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    updated_at: datetime = Field(default_factory=utcnow)


class EvaluationVisit(SQLModel, table=True):
    """An interview, field visit or document clarification the evaluator held with the unit."""

    __tablename__ = "evaluation_visit"

    id: Optional[int] = Field(default=None, primary_key=True)
    round_unit_id: int = Field(foreign_key="evaluation_round_unit.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=20)
    held_on: date
    note: str = _text()
    user_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


_RECOMMENDATION_VERSION = version_column()


class Recommendation(SQLModel, table=True):
    """A finding of the LHE with its recommendation, per aspect; followed up by the unit."""

    __tablename__ = "evaluation_recommendation"

    id: Optional[int] = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_RECOMMENDATION_VERSION)  # optimistic locking: 409 when stale
    __mapper_args__ = {"version_id_col": _RECOMMENDATION_VERSION}
    round_unit_id: int = Field(foreign_key="evaluation_round_unit.id", index=True, ondelete="CASCADE")
    aspect_code: str = Field(max_length=20)
    finding: str = _text()
    text: str = Field(sa_column=Column(Text, nullable=False))
    owner: str = Field(default="", max_length=200)  # who in the unit acts on it
    due_on: Optional[date] = None
    status: Literal["belum", "proses", "selesai"] = Field(default="belum", sa_type=String(10))
    done_on: Optional[date] = None
    progress_note: str = _text()
    node_id: Optional[int] = Field(default=None, foreign_key="plan_node.id", index=True, ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


class AccelerationRule(SQLModel, table=True):
    """The admin's rule: which acceleration group a category falls in (default: methodology §12.3)."""

    __tablename__ = "acceleration_rule"

    category: str = Field(primary_key=True, max_length=3)
    group: str = Field(max_length=20)


# ---------------------------------------------------------------- input (forms and the API)

class RoundCreate(SQLModel):
    name: str = Field(min_length=3, max_length=200)
    year: int = Field(ge=2000, le=2100)
    instrument_id: int
    organization_ids: list[int] = Field(min_length=1)
    organization_id: Optional[int] = None  # the running organisation; default: the units' common parent


class RecommendationIn(SQLModel):
    round_id: int
    organization_id: int
    aspect: str = Field(min_length=1, max_length=20)
    text: str = Field(min_length=3, max_length=5000)
    finding: str = Field(default="", max_length=5000)
    owner: str = Field(default="", max_length=200)
    due_on: Optional[date] = None
    status: Literal["belum", "proses", "selesai"] = "belum"


class RecommendationUpdate(SQLModel):
    status: Optional[Literal["belum", "proses", "selesai"]] = None
    due_on: Optional[date] = None
    owner: Optional[str] = Field(default=None, max_length=200)
    progress_note: Optional[str] = Field(default=None, max_length=5000)
    done_on: Optional[date] = None
    node_id: Optional[int] = None
    version: Optional[int] = Field(default=None, ge=1)  # as the client read it: a stale one is refused (409)
