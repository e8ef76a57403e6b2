"""Planner's own import template: the sheets, their columns, the lists users pick from.

One description (``SHEETS``) serves three purposes: the downloadable template (instructions, data
validation lists, example rows), the parser (``import_parse``) and the ``renja``/``renstra`` exports,
which write the same sheets so an exported plan imports back unchanged.
Pure: rows in, bytes out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from planner.excel.cells import write
from planner.excel.styles import Styler
from planner.models.org import ORG_KINDS

# choice lists: what the cell shows -> the value Planner stores. Codes are accepted too.
CHOICES: dict[str, dict[str, str]] = {
    "plan_kind": {"renstra": "renstra", "renja": "renja"},
    "scheme": {"daerah": "daerah", "kl": "kl"},
    "org_kind": {k: k for k in ORG_KINDS},
    "level": {"input": "input", "output": "output", "outcome": "outcome", "impact": "impact",
              "masukan": "input", "keluaran": "output", "hasil": "outcome", "dampak": "impact"},
    "polarity": {"maksimal": "higher_is_better", "minimal": "lower_is_better", "rentang": "band"},
    "accumulation": {"kumulatif": "sum", "nilai akhir": "last", "rata-rata": "average", "rasio": "ratio"},
    "target_type": {"angka": "number", "rentang": "range", "kualitatif": "qualitative"},
    "frequency": {"bulanan": "monthly", "triwulanan": "quarterly", "semesteran": "semester", "tahunan": "annual"},
    "period": {p: p for p in ["Y", "S1", "S2", "TW1", "TW2", "TW3", "TW4"] + [f"M{i:02d}" for i in range(1, 13)]},
    "activity_type": {"prioritas nasional": "prioritas_nasional", "prioritas k/l/d": "prioritas_kld",
                      "teknis": "teknis", "generik": "generik"},
    "node_kind": {k: k for k in ["tujuan", "sasaran", "program", "kegiatan", "sub_kegiatan", "kro", "ro"]},
    "yes_no": {"ya": "ya", "tidak": "tidak"},
}


def shown(choice: str, value) -> str | None:
    """The word a cell shows for a stored value (the first list entry that maps to it)."""
    if value is None:
        return None
    return next((k for k, v in CHOICES[choice].items() if v == value), str(value))


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    kind: str = "text"  # text | int | number | rupiah | choice | lines
    required: bool = False
    choice: str | None = None
    max_len: int | None = None
    width: int = 14
    note: str = ""


@dataclass(frozen=True)
class SheetSpec:
    name: str
    title: str
    columns: tuple[Col, ...]
    help: str
    examples: tuple[tuple, ...] = field(default=())

    def col(self, key: str) -> Col:
        return next(c for c in self.columns if c.key == key)


PLAN_KIND = Col("plan_kind", "Jenis Rencana", "choice", True, "plan_kind", width=12)
PLAN_YEAR = Col("plan_year", "Tahun", "int", True, width=8, note="tahun Renja, atau tahun awal Renstra")
NODE = Col("node", "Kode Simpul", "text", True, max_len=60, width=20)
IND_CODE = Col("indicator", "Kode Indikator", "text", max_len=40, width=14,
               note="kosong: indikator dikenali dari Kode Simpul + Nama Indikator")
IND_NAME = Col("indicator_name", "Nama Indikator", "text", max_len=500, width=36)
PERIOD = Col("period", "Periode", "choice", True, "period", width=8)

ORGANISASI = SheetSpec("Organisasi", "Organisasi dan unit kerja", (
    Col("code", "Kode", required=True, max_len=60),
    Col("name", "Nama", required=True, max_len=300, width=40),
    Col("kind", "Jenis", "choice", True, "org_kind", width=16),
    Col("parent", "Kode Induk", max_len=60),
), "Satu baris per organisasi. Hanya administrator yang dapat menambah atau mengubah organisasi.",
    (("BAPENDA", "Badan Pendapatan Daerah", "perangkat_daerah", "PEMDA"),))

RENCANA = SheetSpec("Rencana", "Rencana (Renstra dan Renja)", (
    Col("org", "Kode Organisasi", required=True, max_len=60),
    Col("plan_kind", "Jenis Rencana", "choice", True, "plan_kind", width=12),
    Col("first_year", "Tahun Awal", "int", True, width=10),
    Col("last_year", "Tahun Akhir", "int", width=10, note="Renja: sama dengan tahun awal"),
    Col("scheme", "Skema", "choice", True, "scheme", width=8),
    Col("name", "Nama Rencana", required=True, max_len=300, width=40),
    Col("vision", "Visi", width=30),
    Col("missions", "Misi", width=30),
), "Satu baris per rencana. Rencana yang belum ada dibuat; yang sudah ada dikenali dari jenis dan tahun awalnya.",
    (("BAPENDA", "renstra", 2025, 2029, "daerah", "Renstra Bapenda 2025–2029", "", ""),
     ("BAPENDA", "renja", 2026, 2026, "daerah", "Renja Bapenda 2026", "", "")))

SIMPUL = SheetSpec("Simpul", "Tujuan, sasaran, program, kegiatan, sub kegiatan", (
    PLAN_KIND, PLAN_YEAR,
    Col("kind", "Tingkat", "choice", True, "node_kind", width=12),
    Col("code", "Kode", required=True, max_len=60, width=20),
    Col("parent", "Kode Induk", max_len=60, width=20),
    Col("name", "Nama", required=True, max_len=500, width=40),
    Col("serves", "Melayani Sasaran (kode)", max_len=60, width=14, note="Renja: kode sasaran Renstra yang dilayani"),
    Col("activity_type", "Jenis Kegiatan", "choice", choice="activity_type", width=16),
    Col("unit_in_charge", "Unit Penanggung Jawab", max_len=300, width=24),
    Col("location", "Lokasi", max_len=300, width=18),
    Col("funding_source", "Sumber Dana", max_len=100, width=14),
    Col("pagu", "Pagu (Rp)", "rupiah", width=18),
    Col("objectives", "Sasaran Simpul", "lines", width=30, note="satu per baris (Alt+Enter)"),
    Col("description", "Keterangan", width=24),
    Col("supports", "Mendukung Sasaran Induk", max_len=130, width=18,
        note="Renstra: organisasi induk dan kode tujuan/sasarannya yang didukung, mis. PEMPROV:SS1"),
), "Satu baris per simpul. Kode mengenali baris: impor ulang hanya mengubah sel yang berbeda. Induk ditulis "
   "sebelum anaknya atau di mana saja (urutan diatur menurut tingkat).",
    (("renstra", 2025, "tujuan", "T1", "", "Meningkatnya pendapatan daerah"),
     ("renstra", 2025, "sasaran", "SS1", "T1", "Meningkatnya kemandirian fiskal"),
     ("renja", 2026, "program", "5.02.02", "", "Program Pengelolaan Pendapatan Daerah", "SS1"),
     ("renja", 2026, "kegiatan", "5.02.02.2.01", "5.02.02", "Perencanaan Pengelolaan Pendapatan Daerah", "", "teknis",
      "Bidang Pendapatan", "Kota Pontianak", "PAD", 1250000000)))

PAGU_INDIKATIF = SheetSpec("Pagu Indikatif", "Pagu indikatif Renstra per tahun", (
    Col("plan_year", "Tahun Awal Renstra", "int", True, width=10),
    NODE,
    Col("year", "Tahun", "int", True, width=8),
    Col("amount", "Pagu Indikatif (Rp)", "rupiah", width=20),
), "Satu baris per simpul Renstra dan tahun.",
    ((2025, "5.02.02", 2025, 1200000000), (2025, "5.02.02", 2026, 1250000000)))

INDIKATOR = SheetSpec("Indikator", "Indikator dan metadatanya", (
    PLAN_KIND, PLAN_YEAR, NODE,
    IND_CODE,
    Col("name", "Nama Indikator", required=True, max_len=500, width=36),
    Col("objective", "Sasaran yang Diukur", max_len=500, width=24),
    Col("level", "Tingkat Indikator", "choice", choice="level", width=10),
    Col("unit", "Satuan", required=True, max_len=40, width=10),
    Col("definition", "Definisi", width=30),
    Col("formula", "Formula", width=24),
    Col("data_source", "Sumber Data", max_len=500, width=20),
    Col("collection_method", "Cara Pengumpulan", max_len=500, width=20),
    Col("frequency", "Frekuensi", "choice", choice="frequency", width=12),
    Col("responsible", "Penanggung Jawab", max_len=300, width=20),
    Col("baseline_value", "Baseline", "number", width=10),
    Col("baseline_year", "Tahun Baseline", "int", width=8),
    Col("baseline_text", "Baseline (kualitatif)", max_len=300, width=14),
    Col("polarity", "Polaritas", "choice", choice="polarity", width=10),
    Col("accumulation", "Akumulasi", "choice", choice="accumulation", width=12),
    Col("target_type", "Jenis Target", "choice", choice="target_type", width=10),
    Col("weight", "Bobot", "number", width=8),
    Col("ratio_factor", "Faktor Rasio", "number", width=8),
    Col("rationale", "Alasan Pemilihan", width=24),
    Col("valid_min", "Batas Bawah Wajar", "number", width=10,
        note="rentang wajar target dan realisasi; kosong: menurut satuan"),
    Col("valid_max", "Batas Atas Wajar", "number", width=10,
        note="rentang wajar target dan realisasi; kosong: menurut satuan"),
    Col("end_target", "Target Akhir Periode Renstra", "number", width=12,
        note="kondisi kinerja akhir periode Renstra; kosong pada Renja"),
), "Satu baris per indikator dengan seluruh metadatanya. Kosong berarti nilai bawaan.",
    (("renstra", 2025, "SS1", "IKU-1", "Rasio PAD terhadap pendapatan daerah", "", "outcome", "%",
      "Perbandingan PAD dengan total pendapatan", "PAD / Pendapatan × 100", "LRA", "", "tahunan", "Bapenda",
      38.5, 2024, "", "maksimal", "nilai akhir", "angka", 1, 100),))

TARGET = SheetSpec("Target", "Target per tahun dan periode", (
    PLAN_KIND, PLAN_YEAR, NODE, IND_CODE, IND_NAME,
    Col("year", "Tahun Target", "int", True, width=8),
    PERIOD,
    Col("value", "Target", "number", width=12),
    Col("lower", "Batas Bawah", "number", width=10),
    Col("upper", "Batas Atas", "number", width=10),
    Col("text", "Target Kualitatif", max_len=300, width=20),
), "Satu baris per sel target. Renstra: periode Y per tahun; Renja: Y dan periode sesuai frekuensi. Sel "
   "Target dikosongkan menghapus target itu.",
    (("renstra", 2025, "SS1", "IKU-1", "", 2025, "Y", "40,5"), ("renstra", 2025, "SS1", "IKU-1", "", 2026, "Y", 42)))

REALISASI = SheetSpec("Realisasi", "Realisasi indikator per periode", (
    PLAN_YEAR, NODE, IND_CODE, IND_NAME, PERIOD,
    Col("value", "Realisasi", "number", width=12),
    Col("numerator", "Pembilang", "number", width=10),
    Col("denominator", "Penyebut", "number", width=10),
    Col("achieved", "Tercapai", "choice", choice="yes_no", width=8, note="indikator kualitatif: ya/tidak"),
    Col("note", "Catatan", width=30),
), "Satu baris per indikator dan periode Renja.",
    ((2026, "5.02.02.2.01", "", "Jumlah wajib pajak terdata", "TW1", 120),))

ANGGARAN = SheetSpec("Realisasi Anggaran", "Pagu DPA dan realisasi anggaran per triwulan", (
    PLAN_YEAR, NODE,
    Col("pagu", "Pagu DPA (Rp)", "rupiah", True, width=18),
    Col("TW1", "Realisasi TW I (Rp)", "rupiah", width=16),
    Col("TW2", "Realisasi TW II (Rp)", "rupiah", width=16),
    Col("TW3", "Realisasi TW III (Rp)", "rupiah", width=16),
    Col("TW4", "Realisasi TW IV (Rp)", "rupiah", width=16),
), "Satu baris per simpul Renja. Sel kosong: belum ada realisasi triwulan itu.",
    ((2026, "5.02.02.2.01", "Rp 1.250.000.000", 250000000),))

SHEETS: tuple[SheetSpec, ...] = (ORGANISASI, RENCANA, SIMPUL, PAGU_INDIKATIF, INDIKATOR, TARGET, REALISASI, ANGGARAN)
BY_NAME = {sp.name.lower(): sp for sp in SHEETS}
HEADER_ROW = 3  # title, a note, then the header (the parser finds the header wherever it is)

INSTRUCTIONS = [
    "Templat impor Planner",
    "",
    "1. Isi sheet yang diperlukan saja; sheet yang kosong atau dihapus dilewati.",
    "2. Jangan ubah judul kolom. Urutan kolom boleh berubah; kolom tambahan diabaikan.",
    "3. Baris dikenali dari kodenya: mengimpor berkas yang sama dua kali tidak mengubah apa pun; sel yang "
    "berubah memperbarui isian itu saja. Impor tidak pernah menghapus simpul atau indikator.",
    "4. Angka boleh ditulis 88,67 atau 88.67, 90%, 1.250.000 atau Rp 1.250.000.000.",
    "5. Semua kesalahan ditampilkan sekaligus (sheet, baris, kolom, nilai, yang diharapkan); bila ada satu "
    "kesalahan, tidak ada yang disimpan.",
    "6. Coba dulu dengan 'uji coba' (dry run): Planner menghitung yang akan dibuat, diubah, dan tetap.",
    "7. Rencana yang sudah ditetapkan atau sedang direviu tidak dapat diubah lewat impor; buka revisi.",
    "8. Baris contoh (abu-abu) di setiap sheet: hapus atau timpa sebelum mengimpor.",
    "",
    "Sheet dan isinya:",
]


def _lists_sheet(wb: Workbook) -> dict[str, str]:
    """A hidden sheet with one column per choice list; data validations point at it."""
    ws = wb.create_sheet("Daftar")
    refs = {}
    for i, (key, options) in enumerate(CHOICES.items(), 1):
        letter = get_column_letter(i)
        ws.cell(row=1, column=i, value=key)
        words = list(dict.fromkeys(shown(key, v) for v in options.values()))
        for r, word in enumerate(words, 2):
            ws.cell(row=r, column=i, value=word)
        refs[key] = f"Daftar!${letter}$2:${letter}${len(words) + 1}"
    ws.sheet_state = "hidden"
    return refs


_HEAD = PatternFill("solid", fgColor="DDE4EE")
_EXAMPLE = Font(color="808080", italic=True)
_BOLD = Font(bold=True)  # constants: the workbook's ``Styler`` knows a style by its identity
_HEAD_ALIGN = Alignment(wrap_text=True, vertical="center")
_LINES = Alignment(wrap_text=True, vertical="top")


def write_sheet(wb: Workbook, spec: SheetSpec, rows: list[tuple], refs: dict[str, str] | None = None,
                example: bool = False, max_rows: int = 2000, styled: Styler | None = None):
    """One template sheet: title, note, header, the rows; lists on choice columns. ``styled``: the workbook's
    ``Styler`` when it has one."""
    styled = styled or Styler()
    ws = wb.create_sheet(spec.name)
    write(ws.cell(row=1, column=1), spec.title).font = Font(bold=True, size=13)
    write(ws.cell(row=2, column=1), spec.help).font = Font(italic=True)
    for c, col in enumerate(spec.columns, 1):
        styled(write(ws.cell(row=HEADER_ROW, column=c), col.header), font=_BOLD, fill=_HEAD, alignment=_HEAD_ALIGN)
        ws.column_dimensions[get_column_letter(c)].width = col.width
    for r, values in enumerate(rows, HEADER_ROW + 1):
        for c, value in enumerate(values, 1):
            if value is None or value == "":
                continue
            cell = write(ws.cell(row=r, column=c), value)
            style = {"font": _EXAMPLE} if example else {}
            if spec.columns[c - 1].kind == "lines":
                style["alignment"] = _LINES
            elif spec.columns[c - 1].kind == "rupiah" and isinstance(value, (int, float)):
                style["number_format"] = "#,##0"
            if style:
                styled(cell, **style)
    if refs:
        last = HEADER_ROW + max(len(rows), max_rows)
        for c, col in enumerate(spec.columns, 1):
            if col.choice:
                dv = DataValidation(type="list", formula1=refs[col.choice], allow_blank=True,
                                    showErrorMessage=True, errorTitle=col.header,
                                    error="Pilih dari daftar.")
                letter = get_column_letter(c)
                dv.add(f"{letter}{HEADER_ROW + 1}:{letter}{last}")
                ws.add_data_validation(dv)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    return ws


def build_template(data: dict[str, list[tuple]] | None = None, first_sheets=None) -> bytes:
    """The template: instructions, then every sheet with ``data`` rows (or the example rows),
    ``first_sheets(wb)`` may put official-looking sheets in front (the exports do)."""
    wb = Workbook()
    guide = wb.active
    guide.title = "Petunjuk"
    lines = INSTRUCTIONS + [f"• {sp.name}: {sp.help}" for sp in SHEETS] + [
        "", "Kolom yang wajib diisi:"] + [
        f"• {sp.name}: " + ", ".join(c.header for c in sp.columns if c.required) for sp in SHEETS]
    for r, line in enumerate(lines, 1):
        write(guide.cell(row=r, column=1), line)
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 140
    guide.column_dimensions["A"].width = 140
    if first_sheets:  # the official matrix opens first; the instructions and data sheets follow
        before = len(wb.sheetnames)
        first_sheets(wb)
        for offset in range(len(wb.sheetnames) - before):
            wb.move_sheet(wb.sheetnames[before + offset], offset=-(before + offset) + offset)
    refs, styled = _lists_sheet(wb), Styler()
    for spec in SHEETS:
        if data is None:
            write_sheet(wb, spec, list(spec.examples), refs, example=True, styled=styled)
        elif data.get(spec.name):
            write_sheet(wb, spec, data[spec.name], refs, max_rows=len(data[spec.name]) + 200, styled=styled)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
