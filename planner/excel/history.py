"""A plan's audit trail as a workbook (pure: readable rows in, bytes out; see services/audit_view.py)."""
from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle

from planner.excel.cells import safe

HEADERS = ["Waktu", "Pengguna", "Tindakan", "Objek", "Uraian", "Perubahan (lama → baru)", "Catatan", "Versi"]
WIDTHS = [20, 14, 14, 14, 40, 60, 40, 14]


def _changes(changes) -> str:
    return "\n".join(f"{c.label}: {c.old} → {c.new}" for c in changes)


def history_workbook(title: str, rows) -> bytes:
    """Write-only mode with named styles: rows stream out and every cell shares one style record (a
    style object per cell in openpyxl's in-memory mode made a long trail slow to export)."""
    wb = Workbook(write_only=True)
    wb.add_named_style(NamedStyle(name="wrap", alignment=Alignment(wrap_text=True, vertical="top")))
    wb.add_named_style(NamedStyle(name="wrap_time", alignment=Alignment(wrap_text=True, vertical="top"),
                                  number_format="yyyy-mm-dd h:mm:ss"))  # openpyxl's own format for a datetime
    wb.add_named_style(NamedStyle(name="head", font=Font(bold=True)))
    wb.add_named_style(NamedStyle(name="title", font=Font(bold=True, size=13)))
    ws = wb.create_sheet("Riwayat")
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(65 + i)].width = width
    ws.freeze_panes = "A3"

    def styled(values, style, first=None):
        cells = []
        for i, value in enumerate(values):
            cell = WriteOnlyCell(ws, value)
            cell.style = first if (i == 0 and first) else style
            cells.append(cell)
        return cells

    ws.append(styled([safe(f"Riwayat perubahan: {title}")], "title"))
    ws.append(styled(HEADERS, "head"))
    for r in rows:
        ws.append(styled([r.at, safe(r.username), r.action, r.object_label, safe(r.subject),
                          safe(_changes(r.changes)), safe(r.note), r.version], "wrap", first="wrap_time"))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
