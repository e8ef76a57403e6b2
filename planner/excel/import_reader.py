"""Reading an uploaded workbook safely: refuse hostile files before parsing them, then read cell values.

Checks run on the raw bytes with bounded reads (the zip directory, the first kilobytes of each sheet):
size, zip bombs (total and per-entry expansion), macros, external links, the number of sheets and each
sheet's declared dimension. Only then does python-calamine (Rust, fast, reads ``.xlsx``, ``.xls`` and
``.ods`` alike, whether saved by Excel or LibreOffice) read the values. ``.csv`` is read as one sheet.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from python_calamine import CalamineWorkbook

from planner.errors import Invalid

FORMATS = ".xlsx, .xls, .ods, .csv"


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_sheets: int = 50
    max_rows: int = 100_000
    max_columns: int = 300
    max_cells: int = 3_000_000
    max_unzipped: int = 400 * 1024 * 1024
    max_ratio: int = 150  # a sheet's XML compresses about 10-40x; a bomb a thousand times


LIMITS = Limits()


@dataclass
class Sheet:
    name: str
    rows: list[list]  # cell values from A1, row by row: str, int, float, bool, date, None
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based (r0, c0, r1, c1)

    def cell(self, r: int, c: int):
        row = self.rows[r] if r < len(self.rows) else []
        return row[c] if c < len(row) else None


@dataclass
class Book:
    sheets: list[Sheet]
    format: str

    def sheet(self, name: str) -> Sheet | None:
        wanted = name.strip().lower()
        return next((sh for sh in self.sheets if sh.name.strip().lower() == wanted), None)


def refuse(message: str) -> Invalid:
    return Invalid(message, field="file", code="refused")


def read_book(data: bytes, filename: str = "", limits: Limits = LIMITS) -> Book:
    if len(data) > limits.max_bytes:
        raise refuse(f"Berkas {len(data) // (1024 * 1024)} MB melebihi batas {limits.max_bytes // (1024 * 1024)} MB.")
    if not data:
        raise refuse("Berkas kosong.")
    name = filename.lower()
    if data[:4] == b"PK\x03\x04":
        fmt = _check_zip(data, limits)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        fmt = _check_ole(data)
    elif name.endswith((".csv", ".txt")):
        return Book([_read_csv(data, filename, limits)], "csv")
    else:
        raise refuse(f"Format berkas tidak dikenali. Yang dapat dibaca: {FORMATS}.")
    return _read_calamine(data, fmt, limits)


def _check_zip(data: bytes, limits: Limits) -> str:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise refuse("Berkas rusak: bukan arsip xlsx/ods yang sah.") from exc
    if len(infos) > 5000:
        raise refuse("Berkas berisi terlalu banyak bagian (lebih dari 5.000).")
    names = {i.filename for i in infos}
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped:
        raise refuse("Berkas terlalu besar setelah dibuka (kemungkinan 'zip bomb'); ditolak.")
    for i in infos:
        if i.file_size > 1024 * 1024 and i.file_size > limits.max_ratio * max(i.compress_size, 1):
            raise refuse("Berkas terkompresi secara tidak wajar (kemungkinan 'zip bomb'); ditolak.")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise refuse("Berkas berisi makro (VBA); simpan sebagai .xlsx tanpa makro lalu unggah lagi.")
    if any(n.startswith("xl/externalLinks/") for n in names):
        raise refuse("Berkas berisi tautan ke workbook lain (external links); salin nilainya (Paste Special → "
                     "Values) lalu unggah lagi.")
    if "mimetype" in names:
        if b"opendocument.spreadsheet" not in zf.read("mimetype")[:100]:
            raise refuse(f"Berkas OpenDocument ini bukan lembar kerja. Yang dapat dibaca: {FORMATS}.")
        return "ods"
    if "xl/workbook.xml" not in names:
        raise refuse(f"Berkas zip ini bukan workbook Excel. Yang dapat dibaca: {FORMATS}.")
    sheets = [n for n in names if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n)]
    if len(sheets) > limits.max_sheets:
        raise refuse(f"Workbook berisi {len(sheets)} sheet; paling banyak {limits.max_sheets}.")
    for n in sheets:
        with zf.open(n) as fh:
            head = fh.read(4096).decode("utf-8", "replace")
        m = re.search(r'<(?:\w+:)?dimension ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"', head)
        if m and m.group(3):
            rows, cols = int(m.group(4)), _col_number(m.group(3))
            _check_size(rows, cols, limits)
    return "xlsx"


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _check_size(rows: int, cols: int, limits: Limits, name: str = "") -> None:
    where = f"Sheet '{name}'" if name else "Sebuah sheet"
    if rows > limits.max_rows or cols > limits.max_columns or rows * cols > limits.max_cells:
        raise refuse(f"{where} berukuran {rows:,} baris × {cols:,} kolom, melebihi batas "
                     f"{limits.max_rows:,} baris × {limits.max_columns} kolom.".replace(",", "."))


def _check_ole(data: bytes) -> str:
    if "_VBA_PROJECT".encode("utf-16-le") in data:
        raise refuse("Berkas berisi makro (VBA); simpan sebagai .xlsx tanpa makro lalu unggah lagi.")
    return "xls"


def _plain(value):
    """calamine gives floats for every number: whole numbers become ints (codes, years)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, (datetime, date)):
        return value
    return value


def _read_calamine(data: bytes, fmt: str, limits: Limits) -> Book:
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = wb.sheet_names
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise refuse(f"Berkas tidak dapat dibaca ({type(exc).__name__}). Yang dapat dibaca: {FORMATS}.") from exc
    if len(names) > limits.max_sheets:
        raise refuse(f"Workbook berisi {len(names)} sheet; paling banyak {limits.max_sheets}.")
    sheets = []
    for name in names:
        try:
            sh = wb.get_sheet_by_name(name)
            _check_size(sh.total_height, sh.total_width, limits, name)
            raw = sh.to_python(skip_empty_area=False)
            merged = [(a[0], a[1], b[0], b[1]) for a, b in (sh.merged_cell_ranges or [])]
        except Invalid:
            raise
        except Exception as exc:
            raise refuse(f"Sheet '{name}' tidak dapat dibaca ({type(exc).__name__}).") from exc
        rows = [[_plain(v) for v in row] for row in raw]
        sheets.append(Sheet(name, rows, merged))
    return Book(sheets, fmt)


def _read_csv(data: bytes, filename: str, limits: Limits) -> Sheet:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    rows = []
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        if len(rows) >= limits.max_rows or len(row) > limits.max_columns:
            _check_size(len(rows) + 1, len(row), limits)
        rows.append([_plain(v) for v in row])
    stem = re.sub(r"\.(csv|txt)$", "", filename.rsplit("/", 1)[-1], flags=re.I)
    return Sheet(stem, rows)
