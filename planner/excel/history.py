"""A plan's audit trail as a workbook (pure: entries in, bytes out)."""
from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from planner.excel.cells import safe

HEADERS = ["Waktu (UTC)", "Pengguna", "Tindakan", "Objek", "Uraian", "Perubahan (lama → baru)", "Catatan"]
WIDTHS = [20, 14, 14, 12, 40, 60, 40]


def _changes(changes: dict) -> str:
    return "\n".join(f"{field}: {old if old is not None else '—'} → {new if new is not None else '—'}"
                     for field, (old, new) in changes.items())


def history_workbook(plan, entries) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Riwayat"
    ws.append([safe(f"Riwayat perubahan: {plan.name}")])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(HEADERS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for e in entries:
        ws.append([e.at.strftime("%Y-%m-%d %H:%M:%S"), safe(e.username), e.action, e.object_type, safe(e.label),
                   safe(_changes(e.changes)), safe(e.note)])
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(65 + i)].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A3"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
