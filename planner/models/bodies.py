"""Request bodies of the API that have no table behind them: realisation, verification, budget, workflow
transitions, revisions and comments. Each route validates its body with the model here, and
``/api/v1/openapi.json`` describes the body from the same model (``openapi.from_model``), so the document
cannot drift from what the API accepts.

Numbers may come as JSON numbers or as typed text ("88,67", "Rp 2.000.000"): the services read the text.
Unknown keys are refused (422 naming the key). ``version`` is the optimistic-locking version the client read.
"""
from __future__ import annotations

from datetime import date
from typing import Literal, Optional, Union

from pydantic import ConfigDict, Field
from sqlmodel import SQLModel

from planner.models.workflow import COMMENT_TARGETS

Number = Union[float, str]  # a JSON number, or text in Indonesian format read by the service
Version = Optional[int]
_VERSION = Field(default=None, ge=1, le=2**31 - 1, description="Versi yang dibaca klien; basi: 409")
_ID = Field(default=None, ge=1, le=2**31 - 1)


class _Body(SQLModel):
    model_config = ConfigDict(extra="forbid")


class RealizationIn(_Body):
    """``PUT /indicators/{id}/realizations/{year}/{period}``: which measure is needed follows the indicator."""

    value: Optional[Number] = None
    numerator: Optional[Number] = None
    denominator: Optional[Number] = None
    achieved: Optional[bool] = None
    note: Optional[str] = Field(default=None, max_length=20_000)
    evidence_url: Optional[str] = Field(default=None, max_length=1000)
    version: Version = _VERSION


class VerificationIn(_Body):
    verified: bool
    note: Optional[str] = Field(default=None, max_length=20_000)


class BudgetIn(_Body):
    """``PUT /nodes/{id}/budget/{year}``: the pagu and the rupiah realised per period (the map replaces)."""

    pagu: Optional[Number] = None
    realized: Optional[dict[str, Number]] = None
    version: Version = _VERSION


class TransitionIn(_Body):
    action: Literal["submit", "return", "approve", "lock", "reopen"]
    note: Optional[str] = Field(default=None, max_length=20_000)
    # penetapan (lock): the decree; approve with open comments: the confirmation; a Renja fixed before its
    # Renstra: the admin's reason
    decree_number: Optional[str] = Field(default=None, max_length=100)
    decree_date: Optional[date] = None
    confirm_open_comments: Optional[bool] = None
    override_reason: Optional[str] = Field(default=None, max_length=20_000)
    # approve of a trainee's plan in a training sandbox: the instructor's grade (0–100)
    grade: Optional[float] = Field(default=None, ge=0, le=100)


class RevisionIn(_Body):
    reason: str = Field(max_length=20_000)


class CommentCreate(_Body):
    body: str = Field(max_length=5000)
    object_type: Literal[COMMENT_TARGETS] = "plan"  # type: ignore[valid-type]
    object_id: Optional[int] = _ID
    parent_id: Optional[int] = _ID


class CommentEdit(_Body):
    body: str = Field(max_length=5000)
    version: Version = _VERSION


class WorksheetPut(_Body):
    """``PUT /nodes/{id}/worksheet``: some or all steps, each as its step's model (``WorksheetStep``)."""

    steps: list[dict] = Field(min_length=1)
    version: Version = _VERSION
