"""The public-service activity worksheet: the five planning steps of the LAN module (BAB III.B).

One ``Worksheet`` per kegiatan / sub kegiatan / KRO / RO holds the notes of each step; the rows of
each step live in their own table and point at the worksheet. Success measures and control rows
link to the node's own indicators, so the worksheet reads the plan instead of copying it.

The constant lists below are the module's words; their keys are the API's contract, the labels
what pages and printouts show. Row families follow plan.py: ``XBase`` (fields shared by the table
and the input), ``X`` (table), ``XIn`` (input only, where it adds something).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal, Optional

from pydantic import field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import Column, Numeric, String, Text
from sqlmodel import Field, SQLModel

from planner.calc.formatting import format_number, parse_number
from planner.models.base import utcnow, version_column

# ---------------------------------------------------------------- constant lists

STEP_KEYS = ("needs", "standards", "success", "resources", "control")
STEP_TITLES = {
    "needs": "Analisa Kebutuhan User/Stakeholder",
    "standards": "Penetapan Standar",
    "success": "Ukuran Keberhasilan",
    "resources": "Sumber Daya",
    "control": "Rencana Pengendalian",
}
# Nodes that carry a worksheet: the levels where a public service is actually delivered.
WORKSHEET_NODE_KINDS = ("kegiatan", "sub_kegiatan", "kro", "ro")

StakeholderGroup = Literal["penyelenggara", "pengguna", "stakeholder", "ahli", "oms", "media", "lainnya"]
STAKEHOLDER_GROUPS = {
    "penyelenggara": "Penyelenggara pelayanan",
    "pengguna": "Pengguna layanan",
    "stakeholder": "Stakeholder pelayanan publik",
    "ahli": "Ahli/pakar",
    "oms": "OMS/LSM",
    "media": "Media massa",
    "lainnya": "Lainnya",
}

NeedMethod = Literal["observasi", "studi_dokumen", "forum", "survei", "pengaduan"]
NEED_METHODS = {
    "observasi": "Observasi",
    "studi_dokumen": "Studi dokumen, kebijakan dan peraturan",
    "forum": "Forum/konsultasi publik",
    "survei": "Survei",
    "pengaduan": "Data pengaduan",
}

CAPACITY_ASPECTS = {
    "kelembagaan": "Kelembagaan",
    "sdm": "SDM",
    "sarpras": "Sarana prasarana",
    "anggaran": "Anggaran",
    "sistem_prosedur": "Sistem dan prosedur",
}

ComponentKey = Literal[
    "persyaratan", "prosedur", "jangka_waktu", "biaya", "produk", "pengaduan",
    "dasar_hukum", "sarpras", "kompetensi", "pengawasan", "jumlah_pelaksana",
    "jaminan_pelayanan", "jaminan_keamanan", "evaluasi_kinerja",
]
COMPONENT_GROUPS = {
    "delivery": "Penyampaian pelayanan",
    "manufacturing": "Pengelolaan pelayanan",
}
# The 14 components of a service standard (UU 25/2009 Pasal 21, Permenpan RB 15/2014), in the order
# of the regulation: (key, label, group).
STANDARD_COMPONENTS = (
    ("persyaratan", "Persyaratan", "delivery"),
    ("prosedur", "Sistem, mekanisme, dan prosedur", "delivery"),
    ("jangka_waktu", "Jangka waktu pelayanan", "delivery"),
    ("biaya", "Biaya/tarif", "delivery"),
    ("produk", "Produk pelayanan", "delivery"),
    ("pengaduan", "Penanganan pengaduan, saran, dan masukan", "delivery"),
    ("dasar_hukum", "Dasar hukum", "manufacturing"),
    ("sarpras", "Sarana, prasarana, dan/atau fasilitas", "manufacturing"),
    ("kompetensi", "Kompetensi pelaksana", "manufacturing"),
    ("pengawasan", "Pengawasan internal", "manufacturing"),
    ("jumlah_pelaksana", "Jumlah pelaksana", "manufacturing"),
    ("jaminan_pelayanan", "Jaminan pelayanan", "manufacturing"),
    ("jaminan_keamanan", "Jaminan keamanan dan keselamatan pelayanan", "manufacturing"),
    ("evaluasi_kinerja", "Evaluasi kinerja pelaksana", "manufacturing"),
)
COMPONENT_LABELS = {key: label for key, label, _ in STANDARD_COMPONENTS}
COMPONENT_GROUP_OF = {key: group for key, _, group in STANDARD_COMPONENTS}

StandardState = Literal["ada", "perlu_diperbarui", "belum_ada"]
STANDARD_STATES = {"ada": "Ada", "perlu_diperbarui": "Perlu diperbarui", "belum_ada": "Belum ada"}

# The capacity the standard is agreed against (module: "kesanggupan penyelenggara").
CONSTRAINT_ASPECTS = {
    "dana": "Dukungan pendanaan yang dialokasikan",
    "sdm": "SDM (kualitas dan kuantitas)",
    "sarpras": "Sarana, prasarana, dan/atau fasilitas",
}

SuccessDimension = Literal["sasaran", "waktu", "volume", "kepuasan", "lainnya"]
SUCCESS_DIMENSIONS = {
    "sasaran": "Target yang dilayani",
    "waktu": "Waktu",
    "volume": "Volume/jumlah",
    "kepuasan": "Kepuasan penerima layanan",
    "lainnya": "Lainnya",
}
MeasuringMethod = Literal["skm", "pengawasan", "pengaduan", "lainnya"]
MEASURING_METHODS = {
    "skm": "Survei kepuasan masyarakat (SKM)",
    "pengawasan": "Pengawasan pelayanan publik berkelanjutan",
    "pengaduan": "Penanganan pengaduan",
    "lainnya": "Lainnya",
}

ResourceCategory = Literal["sdm", "dana", "metode", "material", "peralatan", "lainnya"]
RESOURCE_CATEGORIES = {
    "sdm": "SDM",
    "dana": "Pendanaan",
    "metode": "Metode",
    "material": "Material",
    "peralatan": "Peralatan",
    "lainnya": "Lainnya",
}
ResourceSource = Literal["internal", "mitra"]
RESOURCE_SOURCES = {"internal": "Internal (anggaran unit)", "mitra": "Mitra kolaborasi"}

PartnerKind = Literal["swasta", "nirlaba", "perguruan_tinggi", "masyarakat", "pemerintah", "lainnya"]
PARTNER_KINDS = {
    "swasta": "Swasta (termasuk KPBU/CSR)",
    "nirlaba": "Organisasi non-profit",
    "perguruan_tinggi": "Perguruan tinggi",
    "masyarakat": "Masyarakat",
    "pemerintah": "Instansi pemerintah lain",
    "lainnya": "Lainnya",
}

COMPLAINT_ASPECTS = {
    "sdm": "SDM",
    "sop": "SOP",
    "sarpras": "Sarana dan prasarana",
    "monev": "Monitoring dan evaluasi",
}
ComplaintChannel = Literal["loket", "kotak", "ruang", "web", "aplikasi"]
COMPLAINT_CHANNELS = {
    "loket": "Loket pengaduan",
    "kotak": "Kotak pengaduan",
    "ruang": "Ruang pengaduan",
    "web": "Website",
    "aplikasi": "Aplikasi (Android/SP4N-LAPOR!)",
}


def _text(required: bool = False, **kw):
    """A Text column; each call builds its own Column (one Column object cannot serve two tables)."""
    column = Column(Text, nullable=False, server_default="")
    if required:
        return Field(sa_column=column, **kw)
    return Field(default="", sa_column=column, **kw)


def _money():
    return Field(default=Decimal(0), ge=0, sa_column=Column(Numeric(18, 2), nullable=False, server_default="0"))


class _Clean(SQLModel):
    """Input hygiene shared by every row: surrounding spaces are never meaningful."""

    @field_validator("*", mode="before")
    @classmethod
    def _strip(cls, v):
        return v.strip() if isinstance(v, str) else v


@dataclass(frozen=True)
class Note:
    """A free-text note on one aspect (capacity, constraint, complaint plan)."""

    key: str
    label: str
    text: str


def target_text(target, ind=None) -> str:
    """A target as the sheet prints it: "80", "10–20 hari", or its text; "" when there is none."""
    if target is None:
        return ""
    unit = f" {ind.unit}" if ind else ""
    if target.lower is not None and target.upper is not None:
        return f"{format_number(target.lower, None)}–{format_number(target.upper, None)}{unit}"
    if target.value is not None:
        return f"{format_number(target.value, None)}{unit}"
    return target.text or ""


def _worksheet_fk():
    return Field(foreign_key="worksheet.id", index=True, ondelete="CASCADE")


def _indicator_fk():
    # SET NULL: deleting an indicator must not delete the plan's reasoning about it.
    return Field(default=None, foreign_key="indicator.id", index=True, ondelete="SET NULL")


# ---------------------------------------------------------------- the worksheet

_WORKSHEET_VERSION = version_column()


class Worksheet(SQLModel, table=True):
    """The step notes of one activity. Column names are ``<step part>_<aspect key>`` of the lists above."""

    id: Optional[int] = Field(default=None, primary_key=True)
    node_id: int = Field(foreign_key="plan_node.id", unique=True, index=True, ondelete="CASCADE")
    # One worksheet per node lineage: every version of the plan shows (and saves) the same sheet.
    node_key: str = Field(max_length=32, unique=True, index=True)
    # Step 1: current capacity of the unit, per aspect of CAPACITY_ASPECTS.
    capacity_kelembagaan: str = _text()
    capacity_sdm: str = _text()
    capacity_sarpras: str = _text()
    capacity_anggaran: str = _text()
    capacity_sistem_prosedur: str = _text()
    # Step 2: what the standard was agreed against, per CONSTRAINT_ASPECTS.
    constraint_dana: str = _text()
    constraint_sdm: str = _text()
    constraint_sarpras: str = _text()
    # Step 4: why the internally funded resources may exceed the pagu.
    over_pagu_reason: str = _text()
    # Step 5: complaint-handling plan, per COMPLAINT_ASPECTS, and its channels (comma-separated keys).
    complaint_sdm: str = _text()
    complaint_sop: str = _text()
    complaint_sarpras: str = _text()
    complaint_monev: str = _text()
    complaint_channels: str = Field(default="", max_length=100)
    version: int = Field(default=1, sa_column=_WORKSHEET_VERSION)  # optimistic locking: 409 when stale
    __mapper_args__ = {"version_id_col": _WORKSHEET_VERSION}
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def channel_list(self) -> list[str]:
        return [c for c in self.complaint_channels.split(",") if c]


# ---------------------------------------------------------------- step 1: needs

class NeedRowBase(_Clean):
    service: str = Field(min_length=2, max_length=300)
    stakeholder_group: StakeholderGroup = Field(sa_type=String(20))
    stakeholder: str = Field(default="", max_length=300)  # who exactly, e.g. "WNI/BHI bermasalah hukum"
    need: str = _text(required=True, min_length=3)
    method: NeedMethod = Field(sa_type=String(20))
    activity: str = Field(default="", max_length=500)


class NeedRow(NeedRowBase, table=True):
    __tablename__ = "worksheet_need"

    id: Optional[int] = Field(default=None, primary_key=True)
    worksheet_id: int = _worksheet_fk()
    position: int = 0

    @property
    def stakeholder_group_label(self) -> str:
        return STAKEHOLDER_GROUPS[self.stakeholder_group]

    @property
    def method_label(self) -> str:
        return NEED_METHODS[self.method]


# ---------------------------------------------------------------- step 2: standards

class StandardRowBase(_Clean):
    service: str = Field(min_length=2, max_length=300)
    component: ComponentKey = Field(sa_type=String(30))
    content: str = _text()
    state: StandardState = Field(sa_type=String(20))
    activity: str = Field(default="", max_length=500)


class StandardRow(StandardRowBase, table=True):
    __tablename__ = "worksheet_standard"

    id: Optional[int] = Field(default=None, primary_key=True)
    worksheet_id: int = _worksheet_fk()
    position: int = 0

    @property
    def component_label(self) -> str:
        return COMPONENT_LABELS[self.component]

    @property
    def state_label(self) -> str:
        return STANDARD_STATES[self.state]

    @property
    def needs_activity(self) -> bool:
        return self.state != "ada"


# ---------------------------------------------------------------- step 3: success measures

class SuccessMeasureBase(_Clean):
    indicator_id: Optional[int] = None
    dimension: SuccessDimension = Field(default="lainnya", sa_type=String(20))
    measure: str = Field(default="", max_length=500)  # a measure not (yet) an indicator of the plan
    activity: str = Field(default="", max_length=500)  # the activity that measures it
    method: MeasuringMethod = Field(default="lainnya", sa_type=String(20))


class SuccessMeasure(SuccessMeasureBase, table=True):
    __tablename__ = "worksheet_success"

    id: Optional[int] = Field(default=None, primary_key=True)
    worksheet_id: int = _worksheet_fk()
    indicator_id: Optional[int] = _indicator_fk()
    position: int = 0


class _IndicatorRef(SQLModel):
    """Rows may name an indicator by plan code instead of id (seeds, API clients that keep codes)."""

    indicator_code: Optional[str] = Field(default=None, max_length=40)


class SuccessMeasureIn(SuccessMeasureBase, _IndicatorRef):
    pass


# ---------------------------------------------------------------- step 4: resources

class _MoneyInput(_Clean):
    @field_validator("quantity", "unit_cost", mode="before", check_fields=False)
    @classmethod
    def _indonesian_number(cls, v):
        """Accept "Rp 1.250.000" and "2,5" as people type them (formatting.parse_number)."""
        if isinstance(v, str) and v.strip():
            try:
                return Decimal(repr(parse_number(v)))
            except ValueError as exc:  # keep the Indonesian message, without pydantic's "Value error," prefix
                raise PydanticCustomError("angka", str(exc)) from None
        return v


class ResourceRowBase(_MoneyInput):
    category: ResourceCategory = Field(sa_type=String(12))
    description: str = Field(min_length=2, max_length=500)
    quantity: Decimal = Field(default=Decimal(1), ge=0, sa_column=Column(Numeric(18, 2), nullable=False))
    unit: str = Field(default="", max_length=40)
    unit_cost: Decimal = _money()
    source: ResourceSource = Field(default="internal", sa_type=String(10))
    partner: str = Field(default="", max_length=300)

    @property
    def total(self) -> Decimal:
        return (Decimal(self.quantity) * Decimal(self.unit_cost)).quantize(Decimal("0.01"))


class ResourceRow(ResourceRowBase, table=True):
    __tablename__ = "worksheet_resource"

    id: Optional[int] = Field(default=None, primary_key=True)
    worksheet_id: int = _worksheet_fk()
    position: int = 0

    @property
    def category_label(self) -> str:
        return RESOURCE_CATEGORIES[self.category]

    @property
    def source_label(self) -> str:
        return RESOURCE_SOURCES[self.source]


class PartnerBase(_Clean):
    name: str = Field(min_length=2, max_length=300)
    kind: PartnerKind = Field(default="lainnya", sa_type=String(20))
    role: str = _text()
    resource: str = _text()
    risk: str = _text()


class Partner(PartnerBase, table=True):
    __tablename__ = "worksheet_partner"

    id: Optional[int] = Field(default=None, primary_key=True)
    worksheet_id: int = _worksheet_fk()
    position: int = 0

    @property
    def kind_label(self) -> str:
        return PARTNER_KINDS[self.kind]


# ---------------------------------------------------------------- step 5: control

class ControlRowBase(_Clean):
    risk: str = _text(required=True, min_length=3)  # the risk or problem met
    control: str = _text()  # the control measure / SOP
    indicator_id: Optional[int] = None
    year: Optional[int] = Field(default=None, ge=2000, le=2100)  # None: the plan's (first) year
    period: str = Field(default="Y", max_length=3)  # checkpoint: Y, S1–S2, TW1–TW4, M01–M12
    cause: str = _text()
    follow_up: str = _text()
    owner: str = Field(default="", max_length=300)
    due_date: Optional[date] = None


class ControlRow(ControlRowBase, table=True):
    __tablename__ = "worksheet_control"

    id: Optional[int] = Field(default=None, primary_key=True)
    worksheet_id: int = _worksheet_fk()
    indicator_id: Optional[int] = _indicator_fk()
    year: int
    position: int = 0


class ControlRowIn(ControlRowBase, _IndicatorRef):
    pass


# ---------------------------------------------------------------- step input

class CapacityIn(_Clean):
    kelembagaan: str = ""
    sdm: str = ""
    sarpras: str = ""
    anggaran: str = ""
    sistem_prosedur: str = ""


class ConstraintsIn(_Clean):
    dana: str = ""
    sdm: str = ""
    sarpras: str = ""


class ComplaintPlanIn(_Clean):
    sdm: str = ""
    sop: str = ""
    sarpras: str = ""
    monev: str = ""
    channels: list[ComplaintChannel] = []


class StepIn(SQLModel):
    """A whole step, saved in one go. ``version``: the worksheet version the client last read."""

    version: Optional[int] = None


class NeedsIn(StepIn):
    rows: list[NeedRowBase] = []
    capacity: CapacityIn = CapacityIn()


class StandardsIn(StepIn):
    rows: list[StandardRowBase] = []
    constraints: ConstraintsIn = ConstraintsIn()


class SuccessIn(StepIn):
    rows: list[SuccessMeasureIn] = []


class ResourcesIn(StepIn):
    rows: list[ResourceRowBase] = []
    partners: list[PartnerBase] = []
    over_pagu_reason: str = ""


class ControlIn(StepIn):
    rows: list[ControlRowIn] = []
    complaint: ComplaintPlanIn = ComplaintPlanIn()


STEP_INPUTS: dict[str, type[StepIn]] = {
    "needs": NeedsIn, "standards": StandardsIn, "success": SuccessIn, "resources": ResourcesIn, "control": ControlIn,
}

