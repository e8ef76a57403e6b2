"""Template workbook -> typed rows, naming every bad cell (sheet, row, column, value, expected).

Pure: a ``Book`` in, ``Parsed`` out. Numbers go through ``planner.calc.formatting.parse_number``
(``88,67``, ``88.67``, ``90%``, ``Rp 1.250.000.000`` and plain numbers); choices accept the word the
list shows, the stored code and any letter case.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from planner.calc.formatting import parse_number
from planner.excel.import_reader import Book, Sheet
from planner.excel.import_template import BY_NAME, CHOICES, SHEETS, Col, SheetSpec

MAX_RUPIAH = Decimal(10) ** 15  # a thousand trillion: above any Indonesian budget, inside Numeric(18, 2)
MAX_NUMBER = 1e15
HEADER_SCAN = 15


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "value": self.value,
                "message": self.message}

    def __str__(self) -> str:
        where = self.sheet + (f" baris {self.row}" if self.row else "") + (f" kolom '{self.column}'" if self.column else "")
        value = f" (nilai: {self.value!r})" if self.value not in (None, "") else ""
        return f"{where}{value}: {self.message}"


@dataclass
class Row:
    spec: SheetSpec
    number: int  # 1-based row in the sheet
    values: dict  # key -> parsed value (None when empty); only columns present in the sheet
    raw: dict  # key -> the cell as written, for messages

    def get(self, key, default=None):
        v = self.values.get(key)
        return default if v is None else v


@dataclass
class Parsed:
    rows: dict[str, list[Row]] = field(default_factory=dict)  # sheet name -> rows
    errors: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(r) for r in self.rows.values())


def _norm(v) -> str:
    return " ".join(str(v).split()).lower() if v is not None else ""


def _text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    return str(v).strip()


def find_header(sheet: Sheet, spec: SheetSpec) -> tuple[int, dict[str, int]] | None:
    """The 0-based header row and column index of each known header, or None."""
    wanted = {_norm(c.header): c.key for c in spec.columns}
    required = {c.key for c in spec.columns if c.required}
    for r in range(min(HEADER_SCAN, len(sheet.rows))):
        found = {}
        for c, v in enumerate(sheet.rows[r]):
            key = wanted.get(_norm(v))
            if key and key not in found:
                found[key] = c
        if required <= set(found):
            return r, found
    return None


def parse_cell(col: Col, v):
    """The stored value of one cell, or ValueError with what was expected."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if col.kind in ("text", "lines"):
        text = _text(v)
        if col.kind == "lines":
            parts = [p.strip() for p in text.replace("\r", "\n").replace(";", "\n").split("\n")]
            return [p for p in parts if p] or None
        if col.max_len and len(text) > col.max_len:
            raise ValueError(f"teks paling panjang {col.max_len} karakter (ada {len(text)})")
        return text
    if col.kind == "choice":
        options = CHOICES[col.choice]
        key = _norm(v)
        for word, stored in options.items():
            if key in (word, _norm(stored)):
                return stored
        words = list(dict.fromkeys(options))
        raise ValueError("pilih salah satu: " + ", ".join(words[:12]) + (" …" if len(words) > 12 else ""))
    if isinstance(v, (datetime, date)):
        raise ValueError("harus berupa angka, bukan tanggal")
    if col.kind == "int":
        number = parse_number(v) if isinstance(v, (str, int, float)) else None
        if number is None or not float(number).is_integer():
            raise ValueError("harus berupa bilangan bulat (mis. 2026)")
        if col.key in ("plan_year", "year", "first_year", "last_year", "baseline_year") and not 1990 <= number <= 2100:
            raise ValueError("tahun harus antara 1990 dan 2100")
        return int(number)
    number = parse_number(v) if isinstance(v, (str, int, float)) else None
    if number is None or not math.isfinite(number):
        raise ValueError("harus berupa angka")
    if col.kind == "rupiah":
        if number < 0:
            raise ValueError("rupiah tidak boleh negatif")
        amount = Decimal(str(v)) if isinstance(v, int) else Decimal(repr(number))
        if amount >= MAX_RUPIAH:
            raise ValueError("jumlah rupiah tidak wajar (≥ Rp 1.000 triliun)")
        return amount.quantize(Decimal("0.01"))
    if abs(number) >= MAX_NUMBER:
        raise ValueError("angka tidak wajar (terlalu besar)")
    return number


def parse_sheet(sheet: Sheet, spec: SheetSpec, out: Parsed) -> None:
    header = find_header(sheet, spec)
    if header is None:
        missing = ", ".join(f"'{c.header}'" for c in spec.columns if c.required)
        out.errors.append(Problem(spec.name, None, None, None,
                                  f"baris judul kolom tidak ditemukan; kolom wajib: {missing}"))
        return
    hrow, cols = header
    rows = []
    for r in range(hrow + 1, len(sheet.rows)):
        cells = sheet.rows[r]
        raw = {key: (cells[c] if c < len(cells) else None) for key, c in cols.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
            continue
        values = {}
        for key, v in raw.items():
            col = spec.col(key)
            try:
                values[key] = parse_cell(col, v)
            except ValueError as exc:
                out.errors.append(Problem(spec.name, r + 1, col.header, _text(v), str(exc)))
                continue
            if col.required and values[key] is None:
                out.errors.append(Problem(spec.name, r + 1, col.header, None, "wajib diisi"))
        rows.append(Row(spec, r + 1, values, {k: (None if v is None else _text(v)) for k, v in raw.items()}))
    out.rows[spec.name] = rows


def parse_book(book: Book) -> Parsed:
    out = Parsed()
    if book.format == "csv":  # one sheet: named after the file, or recognised by its headers
        sheet = book.sheets[0]
        spec = BY_NAME.get(sheet.name.strip().lower()) or next(
            (sp for sp in SHEETS if find_header(sheet, sp) is not None), None)
        if spec is None:
            out.errors.append(Problem(sheet.name, None, None, None,
                                      "CSV tidak cocok dengan sheet templat mana pun: beri nama berkas sesuai sheet "
                                      "(mis. Indikator.csv) dan pertahankan judul kolomnya"))
            return out
        parse_sheet(sheet, spec, out)
        return out
    known = 0
    for sheet in book.sheets:
        spec = BY_NAME.get(sheet.name.strip().lower())
        if spec is None:
            out.skipped.append(sheet.name)
            continue
        known += 1
        parse_sheet(sheet, spec, out)
    if not known:
        out.errors.append(Problem("(workbook)", None, None, None,
                                  "tidak ada sheet templat Planner (Rencana, Simpul, Indikator, Target, ...); "
                                  "untuk workbook sendiri gunakan wizard pemetaan kolom"))
    return out
