"""``Form`` -> .xlsx bytes: merged multi-row headers, a numbered column row, frozen header, Indonesian
number formats, print area on A4/F4 landscape with the header repeated on every page, and every text
through the formula-injection guard. Pure: forms in, bytes out."""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.excel.cells import write
from planner.excel.forms.model import Form
from planner.excel.styles import Styler

FORMATS = {"number": "#,##0.00", "money": '"Rp" #,##0', "percent": '0.00"%"', "int": "0"}
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
_GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
# Constants, not new objects per cell: the workbook's ``Styler`` knows a style by its identity.
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=12)
_NUMBERS = Font(italic=True, size=9)
_SIGN_NAME = Font(bold=True, underline="single")
_PLAIN = Font(bold=False)
_MIDDLE = Alignment(horizontal="center")
F4 = 14  # openpyxl's paper code for "Folio" 8.5 x 13 in, what Indonesian offices call F4


def _value(v):
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


@lru_cache(maxsize=16)
def _indented(indent: int) -> Alignment:
    return Alignment(vertical="top", wrap_text=True, indent=indent)


def _merge(styled: Styler, ws: Worksheet, r: int, c: int, r2: int, c2: int, value, **style):
    cell = write(ws.cell(row=r, column=c), _value(value))
    if r2 > r or c2 > c:
        ws.merge_cells(start_row=r, start_column=c, end_row=r2, end_column=c2)
    return styled(cell, **style)


def _header(styled: Styler, ws: Worksheet, form: Form, top: int) -> int:
    """Lay out the header grid (colspan/rowspan like HTML), return the next free row."""
    taken: set[tuple[int, int]] = set()
    for i, heads in enumerate(form.header):
        r, c = top + i, 1
        for h in heads:
            while (r, c) in taken:
                c += 1
            _merge(styled, ws, r, c, r + h.rowspan - 1, c + h.colspan - 1, h.text, font=_BOLD, fill=_HEAD_FILL,
                   alignment=_CENTER)
            for rr in range(r, r + h.rowspan):
                for cc in range(c, c + h.colspan):
                    taken.add((rr, cc))
                    styled(ws.cell(row=rr, column=cc), border=_BORDER)
            c += h.colspan
    row = top + len(form.header)
    if form.numbered:
        for c in range(1, form.width + 1):
            styled(ws.cell(row=row, column=c, value=c), alignment=_CENTER, border=_BORDER, font=_NUMBERS)
        row += 1
    return row


def _sheet(styled: Styler, wb: Workbook, form: Form) -> None:
    ws = wb.create_sheet(form.sheet[:31])
    width = form.width
    row = 1
    for line in form.title:
        _merge(styled, ws, row, 1, row, width, line, font=_TITLE, alignment=_CENTER)
        row += 1
    for label, value in form.meta:
        _merge(styled, ws, row, 1, row, 2, label, font=_BOLD)
        _merge(styled, ws, row, 3, row, width, f": {value}")
        row += 1
    for para in form.intro:
        _merge(styled, ws, row, 1, row, width, para, alignment=_WRAP)
        ws.row_dimensions[row].height = 15 * max(1, len(para) // 140 + 1)
        row += 1
    row += 1
    head_top = row
    row = _header(styled, ws, form, head_top)
    first_data = row
    for line in form.rows:
        if line.style == "group":
            _merge(styled, ws, row, 1, row, width, line.values[0], font=_BOLD, fill=_GROUP_FILL, border=_BORDER,
                   alignment=_WRAP)
            for c in range(2, width + 1):
                styled(ws.cell(row=row, column=c), border=_BORDER)
            row += 1
            continue
        for c, (v, col) in enumerate(zip(line.values, form.columns), 1):
            cell = write(ws.cell(row=row, column=c), _value(v))
            style = {"border": _BORDER, "alignment": _WRAP}
            if c - 1 == form.name_column and line.indent:
                style["alignment"] = _indented(min(line.indent, 10))
            if col.kind in FORMATS and isinstance(cell.value, (int, float)):
                whole = col.kind == "number" and float(cell.value).is_integer()  # "#,##0.##" would print "4."
                style["number_format"] = "#,##0" if whole else FORMATS[col.kind]
            if line.style == "total":
                style["font"] = _BOLD
            styled(cell, **style)
        row += 1
    last_data = row - 1
    row += 1
    for label, value in form.footer:
        _merge(styled, ws, row, 1, row, min(4, width), label, font=_BOLD, border=_BORDER, alignment=_WRAP)
        _merge(styled, ws, row, min(5, width), row, width, value, border=_BORDER, alignment=_WRAP)
        row += 1
    if form.signatures:
        row += 1
        span = max(1, width // len(form.signatures))
        for i, sig in enumerate(form.signatures):
            c1 = 1 + i * span
            c2 = min(width, c1 + span - 1)
            for j, text in enumerate([sig.place_date, sig.role, "", "", "", sig.name, sig.id_line]):
                _merge(styled, ws, row + j, c1, row + j, c2, text, alignment=_MIDDLE,
                       font=_SIGN_NAME if j == 5 else _PLAIN)
    for c, col in enumerate(form.columns, 1):
        ws.column_dimensions[get_column_letter(c)].width = col.width
    ws.freeze_panes = ws.cell(row=first_data, column=1)
    ws.print_title_rows = f"{head_top}:{first_data - 1}"
    ws.print_area = f"A1:{get_column_letter(width)}{max(row + 8, last_data)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = F4 if form.paper == "F4" else ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "Halaman &P dari &N"


def add_forms(wb: Workbook, forms: list[Form]) -> None:
    styled = Styler()
    for form in forms:
        _sheet(styled, wb, form)


def build(forms: list[Form]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    add_forms(wb, forms)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
