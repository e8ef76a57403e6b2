"""The plan hierarchy: Renstra and Renja, their nodes, node objectives, indicators and targets.

One ``Plan`` table holds both kinds (a Renja has ``first_year == last_year``); one ``PlanNode``
table holds every level of every scheme, so central and regional plans share one code path.
Families follow SQLModel's docs: ``XBase`` (shared fields), ``X`` (table), ``XCreate``/``XUpdate``
(validated input for forms and the API).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal, Optional

from pydantic import field_validator
from sqlalchemy import Column, Numeric, String, Text, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from planner.models.base import key_field, utcnow, version_column

PlanKind = Literal["renstra", "renja"]
Level = Literal["input", "output", "outcome", "impact"]
Polarity = Literal["higher_is_better", "lower_is_better", "band"]
Accumulation = Literal["sum", "last", "average", "ratio"]
TargetType = Literal["number", "range", "qualitative"]
Frequency = Literal["monthly", "quarterly", "semester", "annual"]
ActivityType = Literal["prioritas_nasional", "prioritas_kld", "teknis", "generik"]

PLAN_STATUSES = {
    "draft": "Draf",
    "submitted": "Diajukan",
    "returned": "Dikembalikan",
    "approved": "Disetujui",
    "locked": "Ditetapkan",
}
LEVEL_LABELS = {"input": "Masukan (input)", "output": "Keluaran (output)", "outcome": "Hasil (outcome)", "impact": "Dampak (impact)"}
POLARITY_LABELS = {
    "higher_is_better": "Maksimal (makin tinggi makin baik)",
    "lower_is_better": "Minimal (makin rendah makin baik)",
    "band": "Rentang (stabil dalam batas)",
}
ACCUMULATION_LABELS = {
    "sum": "Kumulatif (jumlah)",
    "last": "Nilai akhir (posisi terakhir)",
    "average": "Rata-rata",
    "ratio": "Rasio (pembilang/penyebut)",
}
TARGET_TYPE_LABELS = {"number": "Angka", "range": "Rentang", "qualitative": "Kualitatif"}
FREQUENCY_LABELS = {"monthly": "Bulanan", "quarterly": "Triwulanan", "semester": "Semesteran", "annual": "Tahunan"}
ACTIVITY_TYPE_LABELS = {
    "prioritas_nasional": "Prioritas Nasional",
    "prioritas_kld": "Prioritas K/L/D",
    "teknis": "Teknis non-prioritas",
    "generik": "Generik (dukungan manajemen)",
}


class PlanBase(SQLModel):
    name: str = Field(min_length=3, max_length=300)
    vision: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    missions: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


_PLAN_VERSION = version_column()


class Plan(PlanBase, table=True):
    __table_args__ = (UniqueConstraint("organization_id", "kind", "first_year", "revision_number"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_PLAN_VERSION)  # optimistic locking: 409 when stale
    __mapper_args__ = {"version_id_col": _PLAN_VERSION}
    # One key for every version (murni, Perubahan 1, 2, …) of the plan of a unit for a year or period.
    key: str = key_field()
    organization_id: int = Field(foreign_key="organization.id", index=True, ondelete="RESTRICT")
    kind: str = Field(max_length=10)
    scheme_id: int = Field(foreign_key="scheme.id", ondelete="RESTRICT")
    first_year: int
    last_year: int
    renstra_id: Optional[int] = Field(default=None, foreign_key="plan.id", ondelete="SET NULL")
    status: str = Field(default="draft", max_length=20)
    revision_number: int = 0
    revision_of_id: Optional[int] = Field(default=None, foreign_key="plan.id", ondelete="SET NULL")
    revision_reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # The decree (SK) that fixed the plan, recorded at penetapan and printed on the plan and its forms.
    decree_number: str = Field(default="", sa_column=Column(String(100), nullable=False, server_default=""))
    decree_date: Optional[date] = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def year(self) -> Optional[int]:
        return self.first_year if self.kind == "renja" else None

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    @property
    def period_label(self) -> str:
        if self.kind == "renja":
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year}"

    @property
    def kind_label(self) -> str:
        return "Renstra" if self.kind == "renstra" else "Renja"

    @property
    def status_label(self) -> str:
        return PLAN_STATUSES.get(self.status, self.status)


class PlanCreate(PlanBase):
    organization_id: int
    kind: PlanKind
    scheme: Literal["daerah", "kl"]
    year: Optional[int] = Field(default=None, ge=2000, le=2100)
    first_year: Optional[int] = Field(default=None, ge=2000, le=2100)
    last_year: Optional[int] = Field(default=None, ge=2000, le=2100)
    renstra_id: Optional[int] = None


class PlanUpdate(SQLModel):
    name: Optional[str] = Field(default=None, min_length=3, max_length=300)
    vision: Optional[str] = None
    missions: Optional[str] = None
    renstra_id: Optional[int] = None
    # The version the client read (optimistic locking): a stale one is refused with 409.
    version: Optional[int] = Field(default=None, ge=1, le=2**31 - 1)


class NodeBase(SQLModel):
    code: str = Field(min_length=1, max_length=60)
    name: str = Field(min_length=2, max_length=500)
    activity_type: Optional[ActivityType] = Field(default=None, sa_type=String(30))
    unit_in_charge: str = Field(default="", max_length=300)
    location: str = Field(default="", max_length=300)
    pagu: Optional[Decimal] = Field(default=None, ge=0, sa_column=Column(Numeric(18, 2)))
    funding_source: str = Field(default="", max_length=100)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))

    @field_validator("code", "name", mode="before")
    @classmethod
    def _strip(cls, v):
        return v.strip() if isinstance(v, str) else v


_NODE_VERSION = version_column()


class PlanNode(NodeBase, table=True):
    """A program, kegiatan, sub kegiatan, KRO, RO — or, in a Renstra, a tujuan or sasaran strategis."""

    __tablename__ = "plan_node"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_NODE_VERSION)  # optimistic locking: 409 when stale
    __mapper_args__ = {"version_id_col": _NODE_VERSION}
    key: str = key_field()  # the node through the versions of its plan (see planner.services.versions)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    parent_id: Optional[int] = Field(default=None, foreign_key="plan_node.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=30)
    position: int = 0
    # The Renstra sasaran strategis (or program) this Renja node serves.
    serves_id: Optional[int] = Field(default=None, foreign_key="plan_node.id", index=True, ondelete="SET NULL")
    # A Renstra sasaran's link up the organisation tree: the sasaran of the parent organisation's plan
    # (the Pemda's RPJMD-level sasaran, a ministry's sasaran) it supports; the cross-unit cascade nests by it.
    supports_id: Optional[int] = Field(default=None, foreign_key="plan_node.id", index=True, ondelete="SET NULL")
    # The node this one was copied from (next year's Renja, a revision); keeps lineage for diffs.
    source_id: Optional[int] = Field(default=None, foreign_key="plan_node.id", ondelete="SET NULL")

    objectives: list["NodeObjective"] = Relationship(
        sa_relationship_kwargs={"order_by": "NodeObjective.position", "lazy": "raise"}
    )


class NodeCreate(NodeBase):
    kind: str = Field(min_length=2, max_length=30)
    parent_id: Optional[int] = None
    serves_id: Optional[int] = None
    supports_id: Optional[int] = None
    objectives: list[str] = []


class NodeUpdate(SQLModel):
    code: Optional[str] = Field(default=None, min_length=1, max_length=60)
    name: Optional[str] = Field(default=None, min_length=2, max_length=500)
    activity_type: Optional[ActivityType] = None
    unit_in_charge: Optional[str] = Field(default=None, max_length=300)
    location: Optional[str] = Field(default=None, max_length=300)
    pagu: Optional[Decimal] = Field(default=None, ge=0)
    funding_source: Optional[str] = Field(default=None, max_length=100)
    description: Optional[str] = None
    serves_id: Optional[int] = None
    objectives: Optional[list[str]] = None
    supports_id: Optional[int] = None
    # The version the client read (optimistic locking): a stale one is refused with 409.
    version: Optional[int] = Field(default=None, ge=1, le=2**31 - 1)


class NodeObjective(SQLModel, table=True):
    """A target statement of a node (sasaran program/kegiatan, KRISNA style) its indicators measure."""

    __tablename__ = "node_objective"

    id: Optional[int] = Field(default=None, primary_key=True)
    node_id: int = Field(foreign_key="plan_node.id", index=True, ondelete="CASCADE")
    text: str = Field(max_length=500)
    position: int = 0


class IndicatorBase(SQLModel):
    code: Optional[str] = Field(default=None, max_length=40)
    name: str = Field(min_length=3, max_length=500)
    level: Level = Field(default="output", sa_type=String(10))
    unit: str = Field(min_length=1, max_length=40)
    definition: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    formula: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    data_source: str = Field(default="", max_length=500)
    collection_method: str = Field(default="", max_length=500)
    frequency: Frequency = Field(default="quarterly", sa_type=String(10))
    responsible: str = Field(default="", max_length=300)
    baseline_value: Optional[float] = None
    baseline_year: Optional[int] = Field(default=None, ge=1990, le=2100)
    # A qualitative indicator's baseline is a condition, not a number ("Kategori A").
    baseline_text: Optional[str] = Field(default=None, max_length=300)
    polarity: Polarity = Field(default="higher_is_better", sa_type=String(20))
    accumulation: Accumulation = Field(default="last", sa_type=String(10))
    target_type: TargetType = Field(default="number", sa_type=String(12))
    weight: float = Field(default=1.0, ge=0, le=1000)
    ratio_factor: float = Field(default=100.0, gt=0)
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # The plausible range of targets and realisations (methodology §10.1); None takes the unit's default.
    valid_min: Optional[float] = None
    valid_max: Optional[float] = None
    # A Renstra indicator's target for the end of the period (kondisi kinerja akhir periode Renstra);
    # the yearly targets must agree with it under the accumulation (plan check T03). Unused on a Renja.
    end_target: Optional[float] = None

    @field_validator("code", mode="before")
    @classmethod
    def _blank_code(cls, v):
        return (v.strip() or None) if isinstance(v, str) else v


_INDICATOR_VERSION = version_column()


class Indicator(IndicatorBase, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    # The indicator through the versions of its plan: realisations, evidence, narratives and
    # follow-ups are stored against it, so a Perubahan shows what was reported before it.
    key: str = key_field()
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    node_id: int = Field(foreign_key="plan_node.id", index=True, ondelete="CASCADE")
    objective_id: Optional[int] = Field(default=None, foreign_key="node_objective.id", ondelete="SET NULL")
    position: int = 0
    version: int = Field(default=1, sa_column=_INDICATOR_VERSION)  # optimistic locking: 409 when stale
    __mapper_args__ = {"version_id_col": _INDICATOR_VERSION}
    source_id: Optional[int] = Field(default=None, foreign_key="indicator.id", ondelete="SET NULL")

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]


class TargetIn(SQLModel):
    """One target cell: a number, a range [lower, upper], or a text (qualitative)."""

    year: int = Field(ge=2000, le=2100)
    period: str = Field(default="Y", max_length=3)
    value: Optional[float] = None
    lower: Optional[float] = None
    upper: Optional[float] = None
    text: Optional[str] = Field(default=None, max_length=300)


class IndicatorCreate(IndicatorBase):
    objective_id: Optional[int] = None
    targets: list[TargetIn] = []


class IndicatorUpdate(SQLModel):
    code: Optional[str] = Field(default=None, max_length=40)
    name: Optional[str] = Field(default=None, min_length=3, max_length=500)
    level: Optional[Level] = None
    unit: Optional[str] = Field(default=None, min_length=1, max_length=40)
    definition: Optional[str] = None
    formula: Optional[str] = None
    data_source: Optional[str] = Field(default=None, max_length=500)
    collection_method: Optional[str] = Field(default=None, max_length=500)
    frequency: Optional[Frequency] = None
    responsible: Optional[str] = Field(default=None, max_length=300)
    baseline_value: Optional[float] = None
    baseline_year: Optional[int] = Field(default=None, ge=1990, le=2100)
    baseline_text: Optional[str] = Field(default=None, max_length=300)
    polarity: Optional[Polarity] = None
    accumulation: Optional[Accumulation] = None
    target_type: Optional[TargetType] = None
    weight: Optional[float] = Field(default=None, ge=0, le=1000)
    ratio_factor: Optional[float] = Field(default=None, gt=0)
    rationale: Optional[str] = None
    valid_min: Optional[float] = None
    valid_max: Optional[float] = None
    end_target: Optional[float] = None
    objective_id: Optional[int] = None
    version: Optional[int] = None


_TARGET_VERSION = version_column()


class Target(SQLModel, table=True):
    """A target for one (year, period): ``Y`` annual, ``TW1``–``TW4`` quarters, ``M01``–``M12`` months."""

    __table_args__ = (UniqueConstraint("indicator_id", "year", "period"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    version: int = Field(default=1, sa_column=_TARGET_VERSION)  # optimistic locking: 409 when stale
    __mapper_args__ = {"version_id_col": _TARGET_VERSION}
    key: str = key_field()  # the target cell through the versions of its plan
    indicator_id: int = Field(foreign_key="indicator.id", index=True, ondelete="CASCADE")
    year: int
    period: str = Field(default="Y", max_length=3)
    value: Optional[float] = None
    lower: Optional[float] = None
    upper: Optional[float] = None
    text: Optional[str] = Field(default=None, max_length=300)
