"""The Laporan Hasil Evaluasi (LHE) of one unit as a workbook: scores per aspect (self-assessment and verified),
findings and recommendations per aspect, interviews and visits, and the evaluators' signature block.
Pure: a view built by ``services.evaluation_rounds.lhe`` in, bytes out."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from planner.excel.cells import append_row

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def _row(ws, values, bold: bool = False) -> None:
    append_row(ws, values, BOLD if bold else None, WRAP)


def build(doc) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "LHE"
    r = doc.result
    ws.append(["LAPORAN HASIL EVALUASI KINERJA PELAYANAN PUBLIK"])
    ws["A1"].font = Font(bold=True, size=13)
    cat = r.category
    for label, value in (("Unit pelayanan", r.organization.name), ("Putaran evaluasi", doc.round.name),
                         ("Tahun", doc.round.year), ("Instrumen", doc.instrument_name),
                         ("Indeks mandiri", r.own.ipp), ("Indeks terverifikasi", r.index),
                         ("Kategori", f"{cat.code} ({cat.label})" if cat else None),
                         ("Peringkat", f"{r.rank} dari {doc.ranked}" if r.rank else None),
                         ("Kelompok percepatan", doc.group_label)):
        _row(ws, [label, value])
        if isinstance(value, float):
            ws.cell(row=ws.max_row, column=2).number_format = "0.000"
    ws.append([])
    _row(ws, ["Kode", "Aspek", "Bobot (%)", "Nilai mandiri", "Nilai terverifikasi", "Selisih"], bold=True)
    for a in r.aspects:
        _row(ws, [a.code, a.name, a.weight, a.self_score, a.verified, a.difference])
        for c in (4, 5, 6):
            ws.cell(row=ws.max_row, column=c).number_format = "0.000"
    ws.append([])
    _row(ws, ["Aspek", "Temuan", "Rekomendasi", "Penanggung jawab", "Batas waktu", "Status"], bold=True)
    for aspect_name, recs in doc.recommendations:
        for rec in recs:
            _row(ws, [aspect_name, rec.finding, rec.text, rec.owner, rec.due_on, doc.status_labels[rec.status]])
            if rec.due_on:
                ws.cell(row=ws.max_row, column=5).number_format = "DD-MM-YYYY"
    if doc.summary:
        ws.append([])
        _row(ws, ["Simpulan", doc.summary])
    ws.append([])
    _row(ws, [doc.place_date])
    _row(ws, ["Tim Penilai"], bold=True)
    for name in doc.evaluators or ["…………………………"]:
        ws.append([])
        ws.append([])
        _row(ws, [name])
    for col, width in zip("ABCDEF", (26, 48, 48, 22, 14, 18)):
        ws.column_dimensions[col].width = width

    visits = wb.create_sheet("Wawancara dan kunjungan")
    _row(visits, ["Tanggal", "Jenis", "Catatan"], bold=True)
    for v in doc.visits:
        _row(visits, [v.held_on, doc.visit_labels.get(v.kind, v.kind), v.note])
        visits.cell(row=visits.max_row, column=1).number_format = "DD-MM-YYYY"
    detail = wb.create_sheet("Nilai per indikator")
    _row(detail, ["Aspek", "Kode", "Indikator", "Nilai mandiri", "Nilai terverifikasi", "Selisih", "Catatan penilai"],
         bold=True)
    for line in r.indicators:
        _row(detail, [line.aspect_code, line.code, line.name, line.self_score, line.verified, line.difference,
                      line.note])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
