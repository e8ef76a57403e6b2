"""The action-plan table (rencana aksi) as units keep it in Excel: program, kegiatan, sub kegiatan / RO, the
rincian kegiatan, a mark under each "bulan ke-" 1–12, the person in charge (PIC) and the output.

Pure both ways: ``build_workbook(title, rows)`` turns rows into ``.xlsx`` bytes (two-row header with "Bulan
ke-" over 1–12 as on the forms, program and kegiatan cells merged down their rows, A4/F4 landscape, header
rows repeated on every printed page, formula-injection safe); ``parse_sheet(ws)`` reads a sheet with the same
columns back into rows plus every problem found, each naming the sheet, row and column. The parser finds
the header by its words, not its position, and fills merged or blank program / kegiatan / code cells from
the row above, so it reads the export, the import template and a unit's own copy of the form alike.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import Optional

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planner.calc.formatting import parse_number
from planner.excel.cells import write

SHEET_NAME = "Rencana Aksi"
# (key, header) of the columns before and after the twelve month columns.
LEAD = [("no", "No"), ("code", "Kode"), ("program", "Program"), ("kegiatan", "Kegiatan"),
        ("sub", "Sub Kegiatan / RO"), ("name", "Rincian Kegiatan")]
TAIL = [("owner", "Penanggung Jawab (PIC)"), ("output", "Keluaran (Output)"), ("volume", "Volume"),
        ("unit", "Satuan"), ("budget", "Anggaran (Rp)"), ("status", "Status")]
MONTHS_HEADER = "Bulan ke-"
WIDTHS = {"no": 5, "code": 16, "program": 26, "kegiatan": 28, "sub": 28, "name": 40, "owner": 22, "output": 28,
          "volume": 9, "unit": 10, "budget": 16, "status": 14}
MONTH_WIDTH = 4
MARK = "✓"
FILLED_DOWN = ("code", "program", "kegiatan", "sub")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDE4EE")
_MONTH_FILL = PatternFill("solid", fgColor="9DB3D1")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
PAPER = {"a4": 9, "f4": 14}  # openpyxl paper sizes: 9 = A4; 14 = folio (8.5 × 13 in, the F4 of Indonesian offices)


@dataclass
class Row:
    """One step of the table. ``months`` are 1–12; ``row`` is the sheet row it came from (parsing)."""

    name: str
    months: list[int] = field(default_factory=list)
    code: str = ""
    program: str = ""
    kegiatan: str = ""
    sub: str = ""
    owner: str = ""
    output: str = ""
    volume: Optional[float] = None
    unit: str = ""
    budget: Optional[Decimal] = None
    status: str = ""
    row: Optional[int] = None


@dataclass(frozen=True)
class CellError:
    """A problem in one cell: where (sheet, row, column letter and header) and what was expected."""

    sheet: str
    row: int
    column: str
    value: object
    message: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.column}{self.row}: {self.message}"


# ---------------------------------------------------------------- writing

def _columns() -> list[str]:
    return [k for k, _ in LEAD] + [f"m{m}" for m in range(1, 13)] + [k for k, _ in TAIL]


def build_workbook(title: str, rows: list[Row], subtitle: str = "", paper: str = "a4") -> bytes:
    """One sheet laid out like the rencana aksi form; ``rows`` in table order (grouped by activity)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    cols = _columns()
    width = len(cols)
    write(ws.cell(row=1, column=1), title).font = Font(bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    if subtitle:
        write(ws.cell(row=2, column=1), subtitle)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    head = 4
    _header(ws, head)
    first = head + 2
    for i, r in enumerate(rows):
        _row(ws, first + i, i + 1, r)
    _merge_runs(ws, rows, first, cols)
    for i, key in enumerate(cols, 1):
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS.get(key, MONTH_WIDTH)
    ws.freeze_panes = ws.cell(row=first, column=len(LEAD) + 1)
    ws.print_title_rows = f"{head}:{head + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER.get(paper, PAPER["a4"])
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = f"A1:{get_column_letter(width)}{max(first + len(rows) - 1, first)}"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _header(ws: Worksheet, head: int) -> None:
    """Two header rows: the lead and tail headers span both; "Bulan ke-" spans the twelve month numbers."""
    col = 1
    for _, label in LEAD:
        _head_cell(ws, head, col, label, span_rows=True)
        col += 1
    _head_cell(ws, head, col, MONTHS_HEADER)
    ws.merge_cells(start_row=head, start_column=col, end_row=head, end_column=col + 11)
    for m in range(1, 13):
        _head_cell(ws, head + 1, col + m - 1, m)
    col += 12
    for _, label in TAIL:
        _head_cell(ws, head, col, label, span_rows=True)
        col += 1


def _head_cell(ws: Worksheet, row: int, col: int, value, span_rows: bool = False) -> None:
    cell = write(ws.cell(row=row, column=col), value)
    cell.font, cell.fill, cell.alignment, cell.border = Font(bold=True), _HEAD_FILL, _CENTER, _BORDER
    if span_rows:
        ws.cell(row=row + 1, column=col).border = _BORDER
        ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)


def _row(ws: Worksheet, at: int, number: int, r: Row) -> None:
    values = {"no": number, "code": r.code, "program": r.program, "kegiatan": r.kegiatan, "sub": r.sub,
              "name": r.name, "owner": r.owner, "output": r.output, "volume": r.volume, "unit": r.unit,
              "budget": r.budget, "status": r.status}
    values.update({f"m{m}": MARK if m in r.months else None for m in range(1, 13)})
    for col, key in enumerate(_columns(), 1):
        cell = write(ws.cell(row=at, column=col), values[key])
        cell.border = _BORDER
        if key.startswith("m") and key[1:].isdigit():
            cell.alignment = _CENTER
            if values[key]:
                cell.fill = _MONTH_FILL
        else:
            cell.alignment = _WRAP
        if key == "budget":
            cell.number_format = '"Rp" #,##0'
        elif key == "volume":
            cell.number_format = "#,##0.##"


def _merge_runs(ws: Worksheet, rows: list[Row], first: int, cols: list[str]) -> None:
    """Program, kegiatan, sub kegiatan and code cells merged down the rows they share, as on the forms."""
    for key in FILLED_DOWN:
        col = cols.index(key) + 1
        start = 0
        for i in range(1, len(rows) + 1):
            if i == len(rows) or _run_key(rows[i], key) != _run_key(rows[start], key):
                if i - start > 1 and getattr(rows[start], key):
                    ws.merge_cells(start_row=first + start, start_column=col, end_row=first + i - 1, end_column=col)
                start = i


def _run_key(r: Row, key: str) -> tuple:
    """Rows share a cell only under the same parents: a kegiatan merges within its program, not across."""
    chain = ("program", "kegiatan", "sub", "code")
    return tuple(getattr(r, k) for k in chain[:chain.index(key) + 1])


# ---------------------------------------------------------------- reading

_HEADER_WORDS = {
    "code": ("kode",), "program": ("program",), "kegiatan": ("kegiatan",), "sub": ("sub kegiatan", "ro"),
    "name": ("rincian",), "owner": ("penanggung", "pic"), "output": ("keluaran", "output"),
    "volume": ("volume",), "unit": ("satuan",), "budget": ("anggaran", "biaya"), "no": ("no",),
}
EMPTY_MARKS = ("", "-", "0", "x̶")
MAX_ROWS = 5000


def parse(data: bytes, sheet: str | None = None) -> tuple[list[Row], list[CellError]]:
    """Read the action-plan table of a workbook (the sheet named ``sheet``, else "Rencana Aksi", else the first)."""
    wb = load_workbook(BytesIO(data), read_only=False, data_only=True)
    name = sheet or (SHEET_NAME if SHEET_NAME in wb.sheetnames else wb.sheetnames[0])
    if name not in wb.sheetnames:
        return [], [CellError(name, 1, "A", None, f"lembar '{name}' tidak ada di berkas")]
    return parse_sheet(wb[name])


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _match(header: str) -> Optional[str]:
    h = header.lower().strip()
    if h.startswith("sub kegiatan") or h in ("ro", "sub kegiatan / ro", "rincian output"):
        return "sub"
    if h.startswith("rincian"):
        return "name"
    for key, words in _HEADER_WORDS.items():
        if key in ("sub", "name"):
            continue
        if any(h == w or h.startswith(w + " ") or h.startswith(w + "(") or h.startswith(w + ".") for w in words):
            return key
    return None


def _find_header(ws: Worksheet) -> Optional[tuple[int, dict[str, int], dict[int, int]]]:
    """The header row (the one with "Rincian"), its columns by key, and the month columns (month -> column),
    read from the row holding the numbers 1–12 (the header row or the one below it)."""
    for r in range(1, min(ws.max_row, 30) + 1):
        texts = {c: _text(ws.cell(row=r, column=c).value) for c in range(1, ws.max_column + 1)}
        if not any(t.lower().startswith("rincian") for t in texts.values()):
            continue
        columns: dict[str, int] = {}
        for c, t in texts.items():
            key = _match(t) if t else None
            if key and key not in columns:
                columns[key] = c
        for months_row in (r + 1, r):
            months = {}
            for c in range(1, ws.max_column + 1):
                t = _text(ws.cell(row=months_row, column=c).value)
                if t.isdigit() and 1 <= int(t) <= 12 and int(t) not in months and c not in columns.values():
                    months[int(t)] = c
            if len(months) == 12:
                return (months_row if months_row > r else r), columns, months
        return r, columns, {}
    return None


def parse_sheet(ws: Worksheet) -> tuple[list[Row], list[CellError]]:
    """Rows of an action-plan sheet and every problem found (all of them, not the first)."""
    found = _find_header(ws)
    if found is None:
        return [], [CellError(ws.title, 1, "A", None, "tajuk tabel tidak ditemukan: perlu kolom 'Rincian Kegiatan', "
                                                        "'Bulan ke-' 1–12, 'Penanggung Jawab' dan 'Keluaran'")]
    last_head, columns, months = found
    errors: list[CellError] = []
    if len(months) != 12:
        errors.append(CellError(ws.title, last_head, "A", None, "kolom bulan 1–12 tidak lengkap di bawah 'Bulan ke-'"))
        return [], errors
    rows: list[Row] = []
    above: dict[str, str] = {}
    if ws.max_row - last_head > MAX_ROWS:
        return [], [CellError(ws.title, last_head + MAX_ROWS + 1, "A", None,
                              f"terlalu banyak baris (paling banyak {MAX_ROWS})")]
    for r in range(last_head + 1, ws.max_row + 1):
        get = {key: ws.cell(row=r, column=c).value for key, c in columns.items()}
        marks = {m: ws.cell(row=r, column=c).value for m, c in months.items()}
        name = _text(get.get("name"))
        marked = [m for m, v in marks.items() if _text(v).lower() not in EMPTY_MARKS]
        other = any(_text(get.get(k)) for k in ("owner", "output", "volume", "budget"))
        _fill_down(above, {k: _text(get.get(k)) for k in FILLED_DOWN})
        if not name and not marked and not other:
            continue  # a blank line, or a program / kegiatan heading row
        row = Row(name=name, months=sorted(marked), row=r, owner=_text(get.get("owner")),
                  output=_text(get.get("output")), unit=_text(get.get("unit")),
                  **{k: above.get(k, "") for k in FILLED_DOWN})
        where = _cell_error(ws.title, r)
        if not name:
            errors.append(where(columns.get("name"), None, "rincian kegiatan wajib diisi"))
        elif len(name) < 3:
            errors.append(where(columns.get("name"), name, "rincian kegiatan terlalu pendek (minimal 3 karakter)"))
        if not marked:
            errors.append(where(months[1], None, "tandai minimal satu bulan pelaksanaan (kolom 1–12)"))
        row.volume = _number(get.get("volume"), where(columns.get("volume"), get.get("volume"), ""), errors)
        budget = _number(get.get("budget"), where(columns.get("budget"), get.get("budget"), ""), errors)
        if budget is not None:
            try:
                row.budget = Decimal(str(budget))
            except InvalidOperation:  # pragma: no cover - parse_number gives finite floats
                row.budget = None
        rows.append(row)
    return rows, errors


def _fill_down(above: dict[str, str], cells: dict[str, str]) -> None:
    """Merged cells read empty below their first row: an empty program / kegiatan / sub / code cell means
    "as above". A new program clears the kegiatan and sub above it (and a new kegiatan the sub), unless the
    same row names them too; any new name clears a code that row does not give."""
    levels = ("program", "kegiatan", "sub")
    for i, key in enumerate(levels):
        if cells[key]:
            above[key] = cells[key]
            for lower in levels[i + 1:]:
                if not cells[lower]:
                    above.pop(lower, None)
            if not cells["code"]:
                above.pop("code", None)
    if cells["code"]:
        above["code"] = cells["code"]


def _cell_error(sheet: str, row: int):
    def make(col: Optional[int], value, message: str) -> CellError:
        return CellError(sheet, row, get_column_letter(col) if col else "A", value, message)
    return make


def _number(value, where: CellError, errors: list[CellError]) -> Optional[float]:
    """A number typed the Indonesian way or the English way ("1.250,5", "1250.5", "Rp 1.250.000")."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        try:
            number = parse_number(str(value))
        except ValueError:
            errors.append(CellError(where.sheet, where.row, where.column, value,
                                    f"'{value}' bukan angka (contoh: 1.250 atau 1.250,5)"))
            return None
    if number < 0:
        errors.append(CellError(where.sheet, where.row, where.column, value, "tidak boleh negatif"))
        return None
    return number
