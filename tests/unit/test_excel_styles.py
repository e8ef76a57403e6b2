"""The style memo of the Excel writers gives every cell exactly the style plain assignments give it."""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from planner.excel.cells import write
from planner.excel.styles import Styler

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True)


def _cells(assign):
    """The same sheet written twice: by ``assign`` (cell, **style)."""
    wb = Workbook()
    ws = wb.active
    plan = [("a", {"border": BORDER, "font": BOLD}), ("=risky", {"border": BORDER, "font": BOLD}),
            ("b", {"border": BORDER, "font": BOLD}), (4.5, {"border": BORDER, "number_format": "#,##0.00"}),
            (7, {"border": BORDER, "number_format": "0"}), ("c", {"alignment": WRAP, "font": Font(italic=True)}),
            ("d", {"alignment": WRAP, "font": Font(bold=True, size=9)})]
    for r, (value, style) in enumerate(plan * 3, 1):
        assign(write(ws.cell(row=r, column=1), value), **style)
    return [(c.value, repr(c.font), repr(c.border), repr(c.alignment), c.number_format, c.quotePrefix) for c in ws["A"]]


def test_the_memo_styles_each_cell_as_plain_assignments_do():
    def plain(cell, **style):
        for k, v in style.items():
            setattr(cell, k, v)

    got = _cells(Styler())
    assert got == _cells(plain)
    assert got[1][-1] is True and got[0][-1] is False  # risky text keeps its quote prefix, the others have none
    assert "i=True" in got[5][1] and "i=False" in got[6][1] and "sz=9" in got[6][1]  # new objects never share a style
