"""The action-plan table in Excel (planner.excel.action_plan): the export's layout and its guard, and the
parser that reads the export, the import template and a unit's own form with every problem named."""
from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook, load_workbook

from planner.excel.action_plan import MARK, SHEET_NAME, CellError, Row, build_workbook, parse, parse_sheet

ROWS = [
    Row("Rapat persiapan", [1, 2], code="5.02.04.1.01", program="Program Pendapatan", kegiatan="Pelayanan Pajak",
        owner="Ani", output="Notulen", volume=2, unit="dokumen", budget=Decimal("1500000"), status="Selesai"),
    Row("@SUM(A1)", [3], code="5.02.04.1.01", program="Program Pendapatan", kegiatan="Pelayanan Pajak",
        owner="Bidang PAD"),
    Row("Konsultasi keliling", [4, 5, 6], code="5.02.04.1.01.0007", program="Program Pendapatan",
        kegiatan="Pelayanan Pajak", sub="Konsultasi Pajak", owner="UPT Samsat", output="Wajib pajak", volume=6000,
        unit="orang"),
]


def workbook(data: bytes):
    return load_workbook(BytesIO(data))[SHEET_NAME]


def test_export_is_laid_out_like_the_form():
    ws = workbook(build_workbook("RENCANA AKSI 2026", ROWS, "Bapenda", paper="f4"))
    assert ws["A1"].value == "RENCANA AKSI 2026" and ws["A2"].value == "Bapenda"
    assert [ws.cell(row=4, column=c).value for c in range(1, 8)] == [
        "No", "Kode", "Program", "Kegiatan", "Sub Kegiatan / RO", "Rincian Kegiatan", "Bulan ke-"]
    assert [ws.cell(row=5, column=c).value for c in range(7, 19)] == list(range(1, 13))
    assert ws.cell(row=4, column=19).value == "Penanggung Jawab (PIC)" and ws.cell(row=4, column=20).value == "Keluaran (Output)"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"G4:R4", "A4:A5", "C6:C8", "D6:D8", "B6:B7"} <= merged  # program and kegiatan merged down their rows
    assert ws["G6"].value == MARK and ws["H6"].value == MARK and ws["I6"].value is None
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 14
    assert ws.print_title_rows == "$4:$5" and ws.freeze_panes == "G6"


def test_text_that_looks_like_a_formula_stays_text():
    ws = workbook(build_workbook("T", ROWS))
    cell = ws["F7"]
    assert cell.value == "@SUM(A1)" and cell.data_type == "s" and cell.quotePrefix


def test_export_reads_back_the_same_rows():
    rows, errors = parse(build_workbook("T", ROWS))
    assert errors == []
    assert [(r.name, r.months, r.code, r.program, r.kegiatan, r.sub, r.owner, r.output, r.volume, r.budget)
            for r in rows] == [
        ("Rapat persiapan", [1, 2], "5.02.04.1.01", "Program Pendapatan", "Pelayanan Pajak", "", "Ani", "Notulen", 2.0,
         Decimal("1500000")),
        ("@SUM(A1)", [3], "5.02.04.1.01", "Program Pendapatan", "Pelayanan Pajak", "", "Bidang PAD", "", None, None),
        ("Konsultasi keliling", [4, 5, 6], "5.02.04.1.01.0007", "Program Pendapatan", "Pelayanan Pajak",
         "Konsultasi Pajak", "UPT Samsat", "Wajib pajak", 6000.0, None)]
    assert [r.row for r in rows] == [6, 7, 8]


def unit_form():
    """A unit's own sheet: one header row with the month numbers in it, heading rows for program and
    kegiatan, marks typed as "v", "x" or 1, numbers typed the Indonesian way."""
    wb = Workbook()
    ws = wb.active
    ws.title = "RA 2026"
    ws.append(["RENCANA AKSI BIDANG PELAYANAN 2026"])
    ws.append([])
    ws.append(["NO", "PROGRAM", "KEGIATAN", "RINCIAN KEGIATAN", *range(1, 13), "PIC", "OUTPUT", "VOLUME", "ANGGARAN"])
    ws.append([1, "Program Pendapatan"])
    ws.append([None, None, "Pelayanan Pajak"])
    ws.append([None, None, None, "Rapat koordinasi", "v", "v", *[None] * 10, "Ani", "Notulen", "2", "Rp 1.250.000"])
    ws.append([None, None, None, "Sosialisasi", None, None, "x", 1, *[None] * 8, "Bidang", "Konten", "12,5", None])
    ws.append([None, None, None, "Tanpa bulan", *[None] * 12, "Bidang", "Laporan", "banyak", "-5"])
    ws.append([None, None, None, None, "v", *[None] * 11, "Bidang"])
    ws.append([])
    return ws


def test_a_units_own_form_is_read_with_every_problem_named():
    rows, errors = parse_sheet(unit_form())
    assert [(r.name, r.months, r.program, r.kegiatan, r.owner) for r in rows[:2]] == [
        ("Rapat koordinasi", [1, 2], "Program Pendapatan", "Pelayanan Pajak", "Ani"),
        ("Sosialisasi", [3, 4], "Program Pendapatan", "Pelayanan Pajak", "Bidang")]
    assert rows[0].volume == 2 and rows[0].budget == Decimal("1250000") and rows[1].volume == 12.5
    assert [(e.sheet, e.row, e.column) for e in errors] == [
        ("RA 2026", 8, "E"), ("RA 2026", 8, "S"), ("RA 2026", 8, "T"), ("RA 2026", 9, "D")]
    assert "tandai minimal satu bulan" in errors[0].message
    assert "'banyak' bukan angka" in errors[1].message and errors[1].value == "banyak"
    assert "tidak boleh negatif" in errors[2].message
    assert "rincian kegiatan wajib diisi" in errors[3].message
    assert str(errors[3]) == "RA 2026!D9: rincian kegiatan wajib diisi"


def test_a_sheet_without_the_table_says_so():
    wb = Workbook()
    wb.active.append(["Nama", "Alamat"])
    rows, errors = parse_sheet(wb.active)
    assert rows == [] and errors == [CellError(wb.active.title, 1, "A", None, errors[0].message)]
    assert "Rincian Kegiatan" in errors[0].message


def test_a_missing_sheet_is_named():
    rows, errors = parse(build_workbook("T", ROWS), sheet="Lain")
    assert rows == [] and errors[0].sheet == "Lain" and "tidak ada" in errors[0].message
