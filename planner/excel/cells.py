"""Spreadsheet formula injection guard (OWASP "CSV injection"), shared by every writer.

Text typed by users ends up in exported files. A cell whose text starts with ``=``, ``+``, ``-``, ``@``
(or a tab / carriage return, which some spreadsheet programs skip before reading a formula) could run as a
formula when the file is opened, e.g. ``=HYPERLINK("http://evil", "klik")``. Numbers, dates and booleans
are never formulas and pass unchanged.
"""
from __future__ import annotations

from openpyxl.cell.cell import Cell

RISKY_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value) -> bool:
    return isinstance(value, str) and value.startswith(RISKY_PREFIXES)


def safe(value):
    """The value for a writer that only takes values (CSV, pandas): risky text gets a leading apostrophe,
    which spreadsheet programs read as "this is text"."""
    return "'" + value if is_risky(value) else value


def write(cell: Cell, value) -> Cell:
    """Put a value into an openpyxl cell; risky text stays text, unchanged.

    openpyxl would store "=..." as a formula. Forcing the string type keeps it a plain string, and
    ``quotePrefix`` tells Excel/LibreOffice to keep it text even when someone edits the cell later.
    """
    cell.value = value
    if is_risky(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def append_row(ws, values, font=None, alignment=None) -> None:
    """Append one row of guarded cells to a sheet, each with the given font and alignment (reports' label
    and table rows)."""
    ws.append([None] * len(values))
    r = ws.max_row
    for c, value in enumerate(values, start=1):
        cell = write(ws.cell(row=r, column=c), value)
        if alignment is not None:
            cell.alignment = alignment
        if font is not None:
            cell.font = font
