"""The printable "Rencana Kegiatan Pelayanan Publik" of a worksheet, as plain tables: one builder for the
HTML print view and the workbook (``worksheet_xlsx``), so the two never disagree.

Pure: it reads a worksheet view (``planner.services.worksheet.WorksheetView``, duck-typed) and the plan
rows it names, and imports no service.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from planner.calc import format_rupiah
from planner.models import Indicator, Organization, Plan, PlanNode
from planner.models.plan import ACTIVITY_TYPE_LABELS
from planner.models.worksheet import MEASURING_METHODS, SUCCESS_DIMENSIONS, Note, target_text

@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"  # text | money | number | date: how the HTML view and the workbook format it
    width: int = 20  # in characters (Excel); the print view may use it as a proportion


@dataclass
class SheetTable:
    caption: str
    columns: list[Column]
    rows: list[list]
    footer: list[list] = field(default_factory=list)  # totals, laid out on the same columns


@dataclass
class SheetSection:
    number: int
    title: str
    complete: bool
    rule: str
    missing: list[str]
    tables: list[SheetTable]
    notes: list[str] = field(default_factory=list)  # warnings, e.g. over the pagu


@dataclass
class PlanSheet:
    title: str
    identity: list[tuple[str, str]]
    progress: Any  # done and total steps (services.worksheet.Progress)
    sections: list[SheetSection]


SHEET_TITLE = "RENCANA KEGIATAN PELAYANAN PUBLIK"


def plan_sheet(view, node: PlanNode, plan: Plan, org: Organization) -> PlanSheet:
    """The "Rencana Kegiatan Pelayanan Publik" as plain tables: one builder for print and Excel."""
    sections = []
    for st in view.steps:
        tables, notes = _SECTION_BUILDERS[st.key](st)
        sections.append(SheetSection(st.number, st.title, st.complete, st.rule, st.missing, tables, notes))
    return PlanSheet(SHEET_TITLE, _identity(view, node, plan, org), view.progress, sections)


def _identity(view, node: PlanNode, plan: Plan, org: Organization) -> list[tuple[str, str]]:
    levels = view.level_labels
    lines = [("Unit kerja", org.name), ("Dokumen", f"{plan.name} ({plan.kind_label} {plan.period_label})")]
    lines += [(levels.get(a.kind, a.kind), f"{a.code} {a.name}") for a in view.ancestors]
    lines.append((levels.get(node.kind, node.kind), f"{node.code} {node.name}"))
    extra = [("Jenis kegiatan", ACTIVITY_TYPE_LABELS.get(node.activity_type or "", "")),
             ("Unit penanggung jawab", node.unit_in_charge), ("Lokasi", node.location),
             ("Pagu", format_rupiah(view.resources.pagu) if view.resources.pagu is not None else ""),
             ("Sumber dana", node.funding_source)]
    return lines + [(k, v) for k, v in extra if v]


# Every table puts its long text in the third column (C in the workbook), so columns line up down the sheet
# and the printed page stays readable when fitted to its width.
NO = Column("No", "number", 5)


def _needs_tables(st) -> tuple[list[SheetTable], list[str]]:
    needs = SheetTable("Kebutuhan pemangku kepentingan", [
        NO, Column("Jenis layanan", width=20), Column("Kebutuhan", width=40), Column("Pemangku kepentingan", width=20),
        Column("Cara mengetahui", width=16), Column("Kegiatan", width=24),
    ], [[i, r.service, r.need, _join(r.stakeholder_group_label, r.stakeholder), r.method_label, r.activity]
        for i, r in enumerate(st.rows, 1)])
    return [needs, _notes_table("Kapasitas unit saat ini", st.capacity)], []


def _standards_tables(st) -> tuple[list[SheetTable], list[str]]:
    columns = [NO, Column("Komponen", width=20), Column("Isi standar", width=40), Column("Keadaan", width=16),
               Column("Kegiatan", width=24), Column("Kelompok", width=16)]
    tables = [SheetTable(f"Standar pelayanan: {sv.service}", columns,
                         [[i, c.label, c.row.content if c.row else "", c.state_label,
                           c.row.activity if c.row else "", _GROUP_SHORT[c.group]] for i, c in enumerate(sv.cells, 1)])
              for sv in st.services]
    return tables + [_notes_table("Kesepakatan kemampuan penyelenggara", st.constraints)], []


_GROUP_SHORT = {"delivery": "Penyampaian", "manufacturing": "Pengelolaan"}


def _success_tables(st) -> tuple[list[SheetTable], list[str]]:
    table = SheetTable("Ukuran keberhasilan dan kegiatan pengukurannya", [
        NO, Column("Ukuran keberhasilan", width=20), Column("Indikator", width=40), Column("Target", width=16),
        Column("Kegiatan pengukuran", width=24), Column("Metode", width=18), Column("Dimensi", width=16),
    ], [[i, line.name, _indicator_label(line.indicator), target_text(line.target, line.indicator),
         line.row.activity, MEASURING_METHODS[line.row.method], SUCCESS_DIMENSIONS[line.row.dimension]]
        for i, line in enumerate(st.rows, 1)])
    return [table], []


def _resources_tables(st) -> tuple[list[SheetTable], list[str]]:
    rows = [[i, r.category_label, r.description, r.quantity, r.unit, r.unit_cost, r.total,
             r.partner if r.source == "mitra" else r.source_label] for i, r in enumerate(st.rows, 1)]
    pagu_label = "Pagu kegiatan" + (" (jumlah pagu di bawahnya)" if st.pagu_from_children else "")
    totals = [["", "", label, "", "", "", value, ""] for label, value in (
        ("Jumlah bersumber internal", st.total_internal), ("Jumlah dari mitra", st.total_partner),
        ("Jumlah seluruhnya", st.total), (pagu_label, st.pagu))]
    resources = SheetTable("Rincian sumber daya", [
        NO, Column("Jenis", width=12), Column("Uraian", width=40), Column("Volume", "number", 10),
        Column("Satuan", width=12), Column("Harga satuan", "money", 16), Column("Jumlah", "money", 18),
        Column("Sumber", width=20),
    ], rows, totals)
    partners = SheetTable("Mitra kolaborasi (berbagi peran, sumber daya, dan risiko)", [
        NO, Column("Mitra", width=20), Column("Peran", width=40), Column("Sumber daya", width=20),
        Column("Risiko", width=24), Column("Jenis mitra", width=18),
    ], [[i, p.name, p.role, p.resource, p.risk, p.kind_label] for i, p in enumerate(st.partners, 1)])
    notes = [st.warning] if st.warning else []
    if st.over_pagu_reason:
        notes.append(f"Alasan: {st.over_pagu_reason}")
    return [resources, partners], notes


def _control_tables(st) -> tuple[list[SheetTable], list[str]]:
    """Two tables numbered alike: the risks with their control measures, and the checkpoints (the module's
    "target yang akan dicapai, realisasi yang dicapai, gap/masalah yang dihadapi")."""
    measures = SheetTable("Risiko/masalah dan pengendaliannya", [
        NO, Column("Risiko/masalah", width=20), Column("Pengendalian (SOP)", width=40), Column("Penyebab", width=20),
        Column("Tindak lanjut", width=24), Column("Penanggung jawab", width=18), Column("Tenggat", "date", 12),
    ], [[i, c.row.risk, c.row.control, c.row.cause, c.row.follow_up, c.row.owner, c.row.due_date]
        for i, c in enumerate(st.rows, 1)])
    checkpoints = SheetTable("Titik kendali: target, realisasi, dan gap", [
        NO, Column("Periode", width=16), Column("Indikator", width=40), Column("Target", width=16),
        Column("Realisasi", "number", 12), Column("Gap (+ = tertinggal)", "number", 12),
    ], [[i, c.period_label, _indicator_label(c.indicator), target_text(c.target, c.indicator), c.realisation, c.gap]
        for i, c in enumerate(st.rows, 1)])
    complaint = _notes_table("Rencana penanganan pengaduan", st.complaint
                             + [Note("channels", "Saluran pengaduan", ", ".join(st.channel_labels))])
    return [measures, checkpoints, complaint], []


_SECTION_BUILDERS = {
    "needs": _needs_tables, "standards": _standards_tables, "success": _success_tables,
    "resources": _resources_tables, "control": _control_tables,
}


def _notes_table(caption: str, notes: Iterable) -> SheetTable:
    return SheetTable(caption, [NO, Column("Aspek", width=20), Column("Uraian", width=40)],
                      [[i, n.label, n.text] for i, n in enumerate(notes, 1)])


def _join(*parts: str) -> str:
    return " — ".join(p for p in parts if p)


def _indicator_label(ind: Optional[Indicator]) -> str:
    return _join(ind.code or "", ind.name) if ind else ""
