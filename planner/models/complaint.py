"""Complaint register (pengaduan) per unit, and what a unit publishes on its public page."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Optional

from sqlalchemy import Column, String, Text
from sqlmodel import Field, SQLModel

from planner.models.base import utcnow

CHANNELS = {
    "lapor": "SP4N-LAPOR!",
    "web": "Situs web",
    "loket": "Loket/tatap muka",
    "kotak_saran": "Kotak saran",
    "telepon": "Telepon/WhatsApp",
    "media_sosial": "Media sosial",
}
COMPLAINT_STATUSES = {"baru": "Baru", "diproses": "Diproses", "selesai": "Selesai", "ditolak": "Tidak dapat diproses"}
Channel = Literal["lapor", "web", "loket", "kotak_saran", "telepon", "media_sosial"]
Status = Literal["baru", "diproses", "selesai", "ditolak"]


class Complaint(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    number: str = Field(default="", max_length=60)  # e.g. the LAPOR! tracking id
    channel: Channel = Field(sa_type=String(15))
    received_on: date = Field(index=True)
    category: str = Field(default="", max_length=100)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    status: Status = Field(default="baru", sa_type=String(10))
    resolved_on: Optional[date] = None
    response: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow)


class ServiceProfile(SQLModel, table=True):
    """A unit's public-service settings: the complaint limit and what its public page shows."""

    __tablename__ = "service_profile"

    id: Optional[int] = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", unique=True, ondelete="CASCADE")
    complaint_limit_days: Optional[int] = None  # None: the configured default
    published: bool = False
    show_standards: bool = True
    show_skm: bool = True
    show_complaints: bool = True
    show_survey_link: bool = True
    maklumat: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    contact: str = Field(default="", max_length=300)


class ComplaintCreate(SQLModel):
    organization_id: int
    channel: Channel
    received_on: date
    category: str = Field(default="", max_length=100)
    summary: str = Field(min_length=3, max_length=5000)
    number: str = Field(default="", max_length=60)


class ComplaintUpdate(SQLModel):
    status: Optional[Status] = None
    resolved_on: Optional[date] = None
    response: Optional[str] = Field(default=None, max_length=10000)
    category: Optional[str] = Field(default=None, max_length=100)


class ProfileIn(SQLModel):
    complaint_limit_days: Optional[int] = Field(default=None, ge=1, le=365)
    published: bool = False
    show_standards: bool = False
    show_skm: bool = False
    show_complaints: bool = False
    show_survey_link: bool = False
    maklumat: str = Field(default="", max_length=5000)
    contact: str = Field(default="", max_length=300)
