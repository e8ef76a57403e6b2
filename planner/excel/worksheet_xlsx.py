"""The "Rencana Kegiatan Pelayanan Publik" as an Excel workbook (issue #5).

Pure: a ``WorksheetView`` in, ``.xlsx`` bytes out. The tables come from
``planner.excel.worksheet_sheet.plan_sheet``, the same builder the HTML print view uses, so the two
printouts cannot drift apart; this module only lays them out and formats them.
"""
from __future__ import annotations

import re
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet as Sheet

from planner.excel.cells import write
from planner.models import Plan, PlanNode
from planner.excel.worksheet_sheet import PlanSheet, SheetSection, SheetTable

SHEET_NAME = "Rencana Kegiatan"
FORMATS = {"money": '"Rp" #,##0', "number": "#,##0", "decimal": "#,##0.00", "date": "DD-MM-YYYY"}
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_WRAP = Alignment(wrap_text=True, vertical="top")
_BOLD = Font(bold=True)


def build_workbook(sheet: PlanSheet) -> bytes:
    """One sheet: title, the activity's identity, then the five steps as tables, ready to print."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    width = max(len(t.columns) for sec in sheet.sections for t in sec.tables)
    row = _title(ws, sheet, width)
    for section in sheet.sections:
        row = _section(ws, section, row + 1, width)
    _column_widths(ws, sheet, width)
    _print_setup(ws)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def filename(node: PlanNode, plan: Plan) -> str:
    """``rencana-kegiatan-2545-2026.xlsx``: safe in a Content-Disposition header."""
    code = re.sub(r"[^A-Za-z0-9.]+", "-", node.code).strip("-")
    return f"rencana-kegiatan-{code}-{plan.period_label.replace('–', '-')}.xlsx"


def _merged(ws: Sheet, row: int, first: int, last: int, value, **style):
    """A text spanning columns ``first``..``last`` (1-based) of one row."""
    cell = write(ws.cell(row=row, column=first), value)
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    for key, val in style.items():
        setattr(cell, key, val)
    return cell


def _title(ws: Sheet, sheet: PlanSheet, width: int) -> int:
    _merged(ws, 1, 1, width, sheet.title, font=Font(bold=True, size=14), alignment=Alignment(horizontal="center"))
    row = 2
    for label, value in sheet.identity + [("Kelengkapan", sheet.progress.label)]:
        row += 1
        _merged(ws, row, 1, 2, label, font=_BOLD)
        _merged(ws, row, 3, width, value, alignment=_WRAP)
    return row + 1


def _section(ws: Sheet, section: SheetSection, row: int, width: int) -> int:
    status = "lengkap" if section.complete else "belum lengkap"
    _merged(ws, row, 1, width, f"{section.number}. {section.title.upper()} ({status})", font=Font(bold=True, size=12))
    row += 1
    _merged(ws, row, 1, width, f"Aturan kelengkapan: {section.rule}", font=Font(italic=True), alignment=_WRAP)
    for missing in section.missing:
        row += 1
        _merged(ws, row, 1, width, f"Belum lengkap: {missing}", font=Font(color="9C5700"), alignment=_WRAP)
    for table in section.tables:
        row = _table(ws, table, row + 2, width)
    for note in section.notes:
        row += 1
        _merged(ws, row, 1, width, note, font=Font(bold=True, color="C00000"), alignment=_WRAP)
    return row + 1


def _table(ws: Sheet, table: SheetTable, row: int, width: int) -> int:
    """Caption, header and rows; the last column spans what is left of the sheet's width."""
    _merged(ws, row, 1, width, table.caption, font=_BOLD)
    row += 1
    _line(ws, row, [c.label for c in table.columns], table, width, header=True)
    if not table.rows:
        row += 1
        _merged(ws, row, 1, width, "(belum diisi)", font=Font(italic=True, color="808080"))
    for values in table.rows:
        row += 1
        _line(ws, row, values, table, width)
    for values in table.footer:
        row += 1
        _line(ws, row, values, table, width, bold=True)
    return row


def _line(ws: Sheet, row: int, values: list, table: SheetTable, width: int, header: bool = False,
          bold: bool = False) -> None:
    last = len(values)
    for col, (value, column) in enumerate(zip(values, table.columns), 1):
        cell = _merged(ws, row, col, width if col == last else col, value, border=_BORDER, alignment=_WRAP)
        if header:
            cell.font, cell.fill = _BOLD, _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            continue
        if bold:
            cell.font = _BOLD
        if column.kind in FORMATS and value is not None and not isinstance(value, str):
            cell.number_format = _number_format(column.kind, value)
    for col in range(last + 1, width + 1):  # the merged span keeps its border on every printed edge
        ws.cell(row=row, column=col).border = _BORDER


def _number_format(kind: str, value) -> str:
    """Whole numbers without decimals ("#,##0.##" would print "4." for 4), fractions with two."""
    if kind == "number" and value != int(value):
        return FORMATS["decimal"]
    return FORMATS[kind]


def _column_widths(ws: Sheet, sheet: PlanSheet, width: int) -> None:
    """Each column as wide as the widest table column that sits there."""
    widths = [0] * width
    for section in sheet.sections:
        for table in section.tables:
            for i, column in enumerate(table.columns):
                widths[i] = max(widths[i], column.width)
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w or 12


def _print_setup(ws: Sheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "Halaman &P dari &N"
