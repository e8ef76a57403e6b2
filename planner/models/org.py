"""Organisations (K/L/D and their units) and planning schemes as data."""
from __future__ import annotations

from typing import Optional

from sqlalchemy import UniqueConstraint, false
from sqlmodel import Field, SQLModel

ORG_KINDS = {
    "kementerian": "Kementerian",
    "lembaga": "Lembaga",
    "pemda": "Pemerintah Daerah",
    "perangkat_daerah": "Perangkat Daerah",
    "unit": "Unit Kerja",
    "subunit": "Sub Unit",
    "upt": "UPT",
    # training mode (issue 16): a class and a trainee's sandbox are organisations flagged ``sandbox``
    "kelas": "Kelas Pelatihan",
    "ruang_latihan": "Ruang Latihan",
}


class Organization(SQLModel, table=True):
    """A K/L/D or one of its units; ``parent_id`` makes the tree (a role holds for the sub-tree)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(max_length=60, unique=True, index=True)
    name: str = Field(max_length=300)
    kind: str = Field(max_length=30)
    parent_id: Optional[int] = Field(default=None, foreign_key="organization.id", index=True, ondelete="RESTRICT")
    # WIB, WITA or WIT: times in the audit trail and reports are shown in the unit's own local time.
    timezone: str = Field(default="WIB", max_length=4, sa_column_kwargs={"server_default": "WIB"})
    # A training class or a trainee's sandbox (and everything under it): never part of a real view.
    sandbox: bool = Field(default=False, index=True, sa_column_kwargs={"server_default": false()})
    # provinsi, kabupaten, kota, kl or upt: the unit type of the national evaluation tables (issue 18);
    # empty means inherited from the parent, else read from the kind and name (services/unit_types.py).
    unit_type: Optional[str] = Field(default=None, max_length=20)

    @property
    def kind_label(self) -> str:
        return ORG_KINDS.get(self.kind, self.kind)


class Scheme(SQLModel, table=True):
    """A level naming scheme: ``daerah`` (Permendagri 90) or ``kl`` (central, after the 2020 redesign)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(max_length=20, unique=True)
    name: str = Field(max_length=200)


class SchemeLevel(SQLModel, table=True):
    """One level of a scheme. Strategic levels (tujuan, sasaran) exist only in a Renstra.

    ``code_pattern`` is a regular expression; ``prefix_from_parent`` says the code must start
    with the parent's code and a dot (``1.01.01`` -> ``1.01.01.2.01``).
    """

    __table_args__ = (UniqueConstraint("scheme_id", "kind"), UniqueConstraint("scheme_id", "depth"))

    id: Optional[int] = Field(default=None, primary_key=True)
    scheme_id: int = Field(foreign_key="scheme.id", ondelete="CASCADE")
    depth: int
    kind: str = Field(max_length=30)
    label: str = Field(max_length=100)
    strategic: bool = False
    code_pattern: str = Field(default="", max_length=200)
    code_example: str = Field(default="", max_length=60)
    prefix_from_parent: bool = False
