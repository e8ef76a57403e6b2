"""Accounts, memberships (a role in an organisation and its sub-units) and API tokens."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import UniqueConstraint
from sqlalchemy import false
from sqlmodel import Field, SQLModel

from planner.models.base import utcnow

ROLES = {
    "admin": "Administrator",
    "penyusun": "Penyusun",
    "reviewer": "Reviewer (Biro Perencanaan)",
    "pimpinan": "Pimpinan",
    "pengamat": "Pengamat",
    "instruktur": "Instruktur",
    "peserta": "Peserta Pelatihan",
}


class User(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True, index=True)
    full_name: str = Field(default="", max_length=200)
    password_hash: str = Field(max_length=300)
    is_active: bool = True
    # Bumped on password change: every session and token issued before is no longer valid.
    auth_version: int = 1
    # Bumped on logout: a copied session cookie stops working once its owner logs out (API tokens stay).
    session_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # An account made with a one-time password (training enrolment): the first login asks for a new one.
    must_change_password: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    created_at: datetime = Field(default_factory=utcnow)

    # Flask-Login protocol, kept here so the web layer needs no wrapper class.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.auth_version}:{self.session_version}"


class Membership(SQLModel, table=True):
    """A role held in an organisation; ``organization_id`` is empty only for ``admin``."""

    __table_args__ = (UniqueConstraint("user_id", "organization_id", "role"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    organization_id: Optional[int] = Field(default=None, foreign_key="organization.id", ondelete="CASCADE")
    role: str = Field(max_length=20)


class ApiToken(SQLModel, table=True):
    """Only the SHA-256 of a token is stored; the token itself is shown once."""

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    auth_version: int
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: Optional[datetime] = None
