"""The SKM report workbook (Permenpan RB 14/2017 layout, simplified): results, per-group breakdown and
the raw answers. Pure: a computed ``SurveyResult`` and the responses in, bytes out."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from planner.excel.cells import append_row
from planner.models.survey import GROUP_FIELDS

BOLD = Font(bold=True)


def _row(ws, values, bold: bool = False) -> None:
    append_row(ws, values, BOLD if bold else None)


def build(result, org_name: str, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Hasil SKM"
    sv = result.survey
    ws.append(["LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT"])
    ws["A1"].font = Font(bold=True, size=13)
    for label, value in (("Unit pelayanan", org_name), ("Survei", sv.name), ("Tahun", sv.year),
                         ("Periode", sv.period), ("Jumlah responden", result.respondents),
                         ("Sampel minimum (Krejcie–Morgan)", result.minimum_sample),
                         ("Populasi", sv.population)):
        _row(ws, [label, value])
    ws.append([])
    _row(ws, ["Kode", "Unsur pelayanan", "NRR", "Bobot", "NRR tertimbang", "Kepentingan"], bold=True)
    for e in result.elements:
        nrr, w = result.nrr.get(e.code), result.weights.get(e.code)
        _row(ws, [e.code, e.name, nrr, w, None if nrr is None or w is None else nrr * w,
                  result.importance.get(e.code)])
        for c in (3, 4, 5, 6):
            ws.cell(row=ws.max_row, column=c).number_format = "0.000"
    ws.append([])
    for label, value in (("IKM unit (1–4)", result.ikm_unit), ("IKM konversi (×25)", result.converted),
                         ("Mutu pelayanan", result.category.code if result.category else None),
                         ("Kinerja unit pelayanan", result.category.label if result.category else None)):
        _row(ws, [label, value], bold=True)
    ws.append([])
    _row(ws, ["Bobot tiap unsur tepat 1/n (untuk 9 unsur: 1/9), bukan 0,111 yang dicetak peraturan; "
              "karena itu IKM dapat mencapai 100."])
    _row(ws, ["Prioritas perbaikan (NRR terendah): " + ", ".join(p.code for p in result.priorities)])
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 48

    groups = wb.create_sheet("Per kelompok")
    _row(groups, ["Kelompok", "Nilai", "Responden", "IKM konversi", "Mutu"], bold=True)
    for key, items in result.groups.items():
        for g in items:
            _row(groups, [GROUP_FIELDS[key], g.value, g.respondents, g.converted,
                          g.category.code if g.category else None])

    raw = wb.create_sheet("Data responden")
    codes = [e.code for e in result.elements]
    _row(raw, ["No", *codes, *GROUP_FIELDS.values(), "Sumber", "Saran"], bold=True)
    for n, r in enumerate(rows, start=1):
        _row(raw, [n, *[r.answers.get(c) for c in codes], *[getattr(r, k) for k in GROUP_FIELDS], r.source,
                   r.suggestion])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
