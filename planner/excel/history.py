"""A plan's audit trail as a workbook (pure: readable rows in, bytes out; see services/audit_view.py)."""
from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from planner.excel.cells import safe

HEADERS = ["Waktu", "Pengguna", "Tindakan", "Objek", "Uraian", "Perubahan (lama → baru)", "Catatan", "Versi"]
WIDTHS = [20, 14, 14, 14, 40, 60, 40, 14]


def _changes(changes) -> str:
    return "\n".join(f"{c.label}: {c.old} → {c.new}" for c in changes)


def history_workbook(title: str, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Riwayat"
    ws.append([safe(f"Riwayat perubahan: {title}")])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(HEADERS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for r in rows:
        ws.append([r.at, safe(r.username), r.action, r.object_label, safe(r.subject), safe(_changes(r.changes)),
                   safe(r.note), r.version])
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(65 + i)].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = wrap
    ws.freeze_panes = "A3"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
