"""Training mode (issue 16): cases, classes, trainees, sandboxes (assignments), feedback and quizzes.

A class and each sandbox are :class:`Organization` rows flagged ``sandbox``: the plans a trainee drafts
are ordinary plans, so every editor, check and worksheet works on them, while no real view lists them.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from planner.models.base import utcnow

ASSIGNMENT_STATUSES = {
    "draft": "Menyusun",
    "submitted": "Diserahkan",
    "returned": "Dikembalikan",
    "accepted": "Diterima",
}
FEEDBACK_KINDS = {
    "score": "Skor umpan balik",
    "submit": "Diserahkan",
    "return": "Dikembalikan instruktur",
    "accept": "Diterima instruktur",
    "comment": "Catatan instruktur",
    "reset": "Ruang latihan diatur ulang",
    "reopen": "Dibuka kembali (admin)",
}


def _json(default):
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))


def _text(**kw):
    return Field(default="", sa_column=Column(Text, nullable=False), **kw)


class TrainingCase(SQLModel, table=True):
    """A case of the library: context, documents to read, a starting point and the instructor's expectations.

    ``start`` is a plan in the seed files' shape (``{"plan": {...}, "nodes": [...]}``) or empty;
    ``expectations`` is a list of ``{id, kind, label, any_of, level?, node_kind?, chapter, hint}``
    (read by ``planner.calc.training``)."""

    __tablename__ = "training_case"

    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(max_length=60, unique=True, index=True)
    title: str = Field(max_length=300)
    unit_name: str = Field(default="", max_length=300)  # the unit the trainee plays
    scheme: str = Field(default="daerah", max_length=20)
    year: int = 2026
    chapter: str = Field(default="", max_length=100)  # the module's chapter the case practises
    context: str = _text()
    documents: list[dict[str, Any]] = _json(list)
    start: dict[str, Any] = _json(dict)
    expectations: list[dict[str, Any]] = _json(list)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="", max_length=80)


class TrainingClass(SQLModel, table=True):
    """A class (angkatan); ``organization_id`` is its sandbox organisation, parent of the trainees' sandboxes."""

    __tablename__ = "training_class"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    organization_id: int = Field(foreign_key="organization.id", unique=True, ondelete="CASCADE")
    created_by: str = Field(default="", max_length=80)
    created_at: datetime = Field(default_factory=utcnow)


class TrainingEnrolment(SQLModel, table=True):
    """A trainee in a class, optionally in a group (a group shares one sandbox)."""

    __tablename__ = "training_enrolment"
    __table_args__ = (UniqueConstraint("class_id", "user_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="training_class.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    group_name: str = Field(default="", max_length=60)


class TrainingAssignment(SQLModel, table=True):
    """A case given to a trainee or a group: its sandbox organisation and the plan drafted there."""

    __tablename__ = "training_assignment"

    id: Optional[int] = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="training_class.id", index=True, ondelete="CASCADE")
    case_id: int = Field(foreign_key="training_case.id", index=True, ondelete="RESTRICT")
    organization_id: int = Field(foreign_key="organization.id", unique=True, ondelete="CASCADE")
    plan_id: Optional[int] = Field(default=None, foreign_key="plan.id", ondelete="SET NULL")
    user_id: Optional[int] = Field(default=None, foreign_key="user.id", ondelete="SET NULL")  # one trainee
    group_name: str = Field(default="", max_length=60)  # or a group
    status: str = Field(default="draft", max_length=20)
    score: Optional[float] = None  # the last feedback score
    findings: int = 0  # open findings plus unmet expectations at the last feedback
    active_seconds: int = 0  # time spent, counted from the trainee's activity (idle gaps capped)
    last_seen_at: Optional[datetime] = None
    started_at: datetime = Field(default_factory=utcnow)
    submitted_at: Optional[datetime] = None
    grade: Optional[float] = None
    reviewed_by: str = Field(default="", max_length=80)

    @property
    def status_label(self) -> str:
        return ASSIGNMENT_STATUSES.get(self.status, self.status)


class FeedbackEntry(SQLModel, table=True):
    """One moment of a trainee's feedback history: a score change, a submission, the instructor's word."""

    __tablename__ = "training_feedback"

    id: Optional[int] = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="training_assignment.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=20)
    score: Optional[float] = None
    findings: int = 0
    note: str = _text()
    node_id: Optional[int] = Field(default=None, foreign_key="plan_node.id", ondelete="SET NULL")
    grade: Optional[float] = None
    username: str = Field(default="", max_length=80)
    at: datetime = Field(default_factory=utcnow)

    @property
    def kind_label(self) -> str:
        return FEEDBACK_KINDS.get(self.kind, self.kind)


class QuizAttempt(SQLModel, table=True):
    """A trainee's answers to one chapter's exercises (latihan soal), scored at once."""

    __tablename__ = "training_quiz_attempt"

    id: Optional[int] = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="training_class.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    chapter: str = Field(max_length=20)
    correct: int = 0
    total: int = 0
    score: float = 0
    answers: dict[str, Any] = _json(dict)
    at: datetime = Field(default_factory=utcnow)
