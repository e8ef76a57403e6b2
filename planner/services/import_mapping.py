"""A unit's own workbook: find its header (merged two- and three-row headers, a numbered column row
"1 2 3 ..."), guess which column holds what, and turn its rows into template rows for the same import.

The regional code tells each row's level and parent (``1.01.01`` program, ``1.01.01.2.01`` kegiatan,
``1.01.01.2.01.0001`` sub kegiatan), as in SIPD and Bappeda workbooks.
"""
from __future__ import annotations

import re

from planner.excel.import_parse import Parsed, Problem, Row, parse_cell
from planner.excel.import_reader import Book, Sheet
from planner.excel.import_template import INDIKATOR, RENCANA, SIMPUL, TARGET, Col

FIELDS = {  # key -> (label, keywords that identify the column)
    "code": ("Kode", ("kode",)),
    "name": ("Program / Kegiatan / Sub Kegiatan", ("program", "kegiatan", "uraian", "nomenklatur")),
    "indicator": ("Indikator", ("indikator", "tolok ukur", "tolak ukur")),
    "unit": ("Satuan", ("satuan",)),
    "target": ("Target tahunan", ("target", "volume", "k")),
    "pagu": ("Pagu (Rp)", ("pagu", "anggaran", "rp", "dana indikatif")),
    "location": ("Lokasi", ("lokasi",)),
    "funding_source": ("Sumber Dana", ("sumber dana",)),
    "unit_in_charge": ("Unit Penanggung Jawab", ("penanggung jawab", "unit kerja", "pd penanggung")),
}
LEVELS = {3: "program", 5: "kegiatan", 6: "sub_kegiatan"}
NUMBER = Col("n", "", "number")
RUPIAH = Col("r", "", "rupiah")


def _text(v) -> str:
    return "" if v is None else " ".join(str(v).split())


def merged_fill(sheet: Sheet, r: int, c: int):
    """A cell's value, or the value of the merged range covering it."""
    v = sheet.cell(r, c)
    if v is not None:
        return v
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= r <= r1 and c0 <= c <= c1:
            return sheet.cell(r0, c0)
    return None


def _numbered(row: list) -> bool:
    values = [v for v in row if v is not None]
    return len(values) >= 3 and all(isinstance(v, int) for v in values[:3]) and values[:3] == [1, 2, 3]


def detect_header(sheet: Sheet) -> tuple[int, int, int]:
    """(header_start, header_rows, data_start), 1-based: the first row with three or more texts starts the
    header; a numbered row ends it, else the deepest merged range starting there does."""
    start = next((r for r in range(min(30, len(sheet.rows)))
                  if sum(isinstance(v, str) for v in sheet.rows[r]) >= 3), 0)
    for r in range(start + 1, min(start + 6, len(sheet.rows))):
        if _numbered(sheet.rows[r]):
            return start + 1, r - start, r + 2
    depth = max([r1 - r0 + 1 for r0, c0, r1, c1 in sheet.merged if r0 == start] or [1])
    return start + 1, depth, start + depth + 1


def column_labels(sheet: Sheet, header_start: int, header_rows: int) -> list[str]:
    width = max((len(sheet.rows[r]) for r in range(header_start - 1, min(len(sheet.rows), header_start - 1 + header_rows))),
                default=0)
    labels = []
    for c in range(width):
        parts = []
        for r in range(header_start - 1, header_start - 1 + header_rows):
            t = _text(merged_fill(sheet, r, c))
            if t and t not in parts:
                parts.append(t)
        labels.append(" / ".join(parts) or f"Kolom {c + 1}")
    return labels


def guess_columns(labels: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, (_, words) in FIELDS.items():
        for i, label in enumerate(labels):
            low = label.lower()
            parts = re.split(r"[ /]+", low)
            if i not in out.values() and any((w in low) if len(w) > 2 else (w in parts) for w in words):
                out[key] = i
                break
    return out


def level_of(code: str) -> str | None:
    return LEVELS.get(len(code.split(".")))


def to_template(book: Book, mapping, org_code: str = "", create_plan: bool = False) -> Parsed:
    """Rows of the mapped sheet as template rows (Simpul, Indikator, Target) for ``imports.run``."""
    out = Parsed()
    sheet = book.sheet(mapping.sheet) or (book.sheets[0] if book.sheets else None)
    if sheet is None:
        out.errors.append(Problem(mapping.sheet, None, None, None, "sheet tidak ditemukan"))
        return out
    labels = column_labels(sheet, mapping.header_start, mapping.header_rows)
    cols = {k: int(v) for k, v in (mapping.columns or {}).items() if v is not None and str(v) != ""}
    for need in ("code", "name"):
        if need not in cols:
            out.errors.append(Problem(sheet.name, None, FIELDS[need][0], None, "kolom ini belum dipetakan"))
    if out.errors:
        return out
    kind, year = mapping.plan_kind, mapping.year
    base = {"plan_kind": kind, "plan_year": year}
    simpul, indikator, target = [], [], []
    if create_plan:
        out.rows["Rencana"] = [Row(RENCANA, 0, {"org": org_code, "plan_kind": kind, "first_year": year,
                                                "last_year": year, "scheme": "daerah",
                                                "name": f"Renja {org_code} {year}"}, {})]
    last_code = None
    for r in range(mapping.data_start - 1, len(sheet.rows)):
        get = lambda key: sheet.cell(r, cols[key]) if key in cols else None  # noqa: E731
        code = _text(get("code"))
        raw = {k: _text(get(k)) for k in cols}
        if not any(raw.values()):
            continue

        def bad(key, message):
            out.errors.append(Problem(sheet.name, r + 1, labels[cols[key]] if cols[key] < len(labels) else None,
                                      raw.get(key), message))

        if code:
            level = level_of(code)
            if level is None:
                bad("code", "kode tidak dikenali (program 1.01.01, kegiatan 1.01.01.2.01, sub kegiatan 1.01.01.2.01.0001)")
                continue
            parent = ".".join(code.split(".")[:3 if level == "kegiatan" else 5]) if level != "program" else None
            values = {**base, "kind": level, "code": code, "parent": parent, "name": _text(get("name")) or None}
            for key in ("location", "funding_source", "unit_in_charge"):
                if key in cols:
                    values[key] = _text(get(key)) or None
            if "pagu" in cols:
                try:
                    values["pagu"] = parse_cell(RUPIAH, get("pagu"))
                except ValueError as exc:
                    bad("pagu", str(exc))
            simpul.append(Row(SIMPUL, r + 1, values, raw))
            last_code = code
        name = _text(get("indicator")) if "indicator" in cols else ""
        if name and last_code:
            indikator.append(Row(INDIKATOR, r + 1, {**base, "node": last_code, "name": name,
                                                    "unit": _text(get("unit")) or "-"}, raw))
            if "target" in cols:
                try:
                    value = parse_cell(NUMBER, get("target"))
                except ValueError as exc:
                    bad("target", str(exc))
                    continue
                if value is not None:
                    target.append(Row(TARGET, r + 1, {**base, "node": last_code, "indicator_name": name, "year": year,
                                                      "period": "Y", "value": value}, raw))
    out.rows.update({"Simpul": simpul, "Indikator": indikator, "Target": target})
    return out
