"""Public satisfaction survey (SKM): a survey per unit and period, its elements and its responses.

Elements are copied into the survey when it is created (U1–U9 by default, the older fourteen of
Kepmenpan 25/2004, or custom elements with weights summing to 1), so a later change of a default list
never changes a survey already run. A response keeps its answers keyed by element code.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Optional

from sqlalchemy import JSON, Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from planner.models.base import utcnow

SURVEY_VERSIONS = {
    "skm2017": "Permenpan RB 14/2017 (U1–U9)",
    "ikm2004": "Kepmenpan 25/2004 (14 unsur)",
    "custom": "Unsur sendiri dengan bobot",
}
# The answer labels of the regulation's questionnaire, per element (1 = worst).
DEFAULT_LABELS = ("Tidak baik", "Kurang baik", "Baik", "Sangat baik")
RESPONSE_SOURCES = {"form": "Formulir petugas", "import": "Impor berkas", "public": "Kuesioner daring"}
GENDERS = {"L": "Laki-laki", "P": "Perempuan"}
AGE_GROUPS = ("<20", "20-29", "30-39", "40-49", "50-59", "60+")
EDUCATIONS = ("SD", "SMP", "SMA", "D3", "S1", "S2", "S3")
GROUP_FIELDS = {"gender": "Jenis kelamin", "age_group": "Kelompok umur", "education": "Pendidikan",
                "occupation": "Pekerjaan", "service": "Jenis layanan"}


class Survey(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    year: int
    name: str = Field(max_length=300)
    period: str = Field(default="", max_length=60)  # e.g. "Semester I"
    version: Literal["skm2017", "ikm2004", "custom"] = Field(default="skm2017", sa_type=String(10))
    population: Optional[int] = None
    starts_on: Optional[date] = None
    ends_on: Optional[date] = None
    services: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    asks_importance: bool = False
    public_token: str = Field(max_length=40, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def service_list(self) -> list[str]:
        return [line.strip() for line in self.services.splitlines() if line.strip()]


class SurveyElement(SQLModel, table=True):
    __tablename__ = "survey_element"
    __table_args__ = (UniqueConstraint("survey_id", "code"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True, ondelete="CASCADE")
    position: int = 0
    code: str = Field(max_length=10)
    name: str = Field(max_length=300)
    weight: Optional[float] = None  # None: exactly 1/n
    labels: list = Field(default_factory=lambda: list(DEFAULT_LABELS), sa_column=Column(JSON, nullable=False))


class SurveyResponse(SQLModel, table=True):
    __tablename__ = "survey_response"

    id: Optional[int] = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True, ondelete="CASCADE")
    source: Literal["form", "import", "public"] = Field(default="form", sa_type=String(6))
    answers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    importance: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    gender: Optional[str] = Field(default=None, max_length=1)
    age_group: Optional[str] = Field(default=None, max_length=10)
    education: Optional[str] = Field(default=None, max_length=20)
    occupation: Optional[str] = Field(default=None, max_length=100)
    service: Optional[str] = Field(default=None, max_length=300)
    suggestion: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    device_key: Optional[str] = Field(default=None, max_length=64, index=True)  # public form: one per session
    submitted_at: datetime = Field(default_factory=utcnow)


# ---------------------------------------------------------------- input

class ElementIn(SQLModel):
    code: str = Field(min_length=1, max_length=10)
    name: str = Field(min_length=2, max_length=300)
    weight: Optional[float] = Field(default=None, ge=0, le=1)
    labels: Optional[list[str]] = None


class SurveyCreate(SQLModel):
    organization_id: int
    year: int = Field(ge=2000, le=2100)
    name: str = Field(min_length=3, max_length=300)
    period: str = Field(default="", max_length=60)
    version: Literal["skm2017", "ikm2004", "custom"] = "skm2017"
    population: Optional[int] = Field(default=None, ge=1)
    starts_on: Optional[date] = None
    ends_on: Optional[date] = None
    services: str = ""
    asks_importance: bool = False
    elements: Optional[list[ElementIn]] = None
