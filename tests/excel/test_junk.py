"""Random junk in the template's cells: the import succeeds or names the cell; never a crash, and the
database is unchanged on failure."""
from __future__ import annotations

from io import BytesIO

from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import load_workbook

from planner.excel.import_template import SHEETS
from planner.services import exports, imports
from tests.excel.test_import_validation import counts

junk = st.one_of(st.text(max_size=600), st.integers(min_value=-10**20, max_value=10**20),
                 st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none(),
                 st.sampled_from(["88,67", "1.2.3", "Rp -5", "90%%", "=1+1", "renja", "TW5", "2026", "   ", "—"]))
EDITABLE = [sp for sp in SHEETS if sp.name in ("Rencana", "Simpul", "Indikator", "Target")]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_junk_in_cells_is_named_or_accepted(s, org, full_plan, as_admin, data):
    _, renja = full_plan
    s.rollback()
    base = exports.workbook(s, renja, "renja")
    wb = load_workbook(BytesIO(base))
    touched = []
    for _ in range(data.draw(st.integers(1, 4))):
        spec = data.draw(st.sampled_from(EDITABLE))
        ws = wb[spec.name]
        col = data.draw(st.integers(1, len(spec.columns)))
        row = data.draw(st.integers(4, max(4, ws.max_row)))
        value = data.draw(junk)
        if isinstance(value, str):
            value = "".join(ch for ch in value if ch.isprintable() or ch == "\n")
        ws.cell(row=row, column=col).value = value
        touched.append((spec.name, row, spec.columns[col - 1].header))
    out = BytesIO()
    wb.save(out)
    before = counts(s)
    result = imports.import_file(s, as_admin, out.getvalue(), "junk.xlsx", org, user_id=as_admin.user.id)
    if result.ok:
        s.rollback()  # kept out of the next example
        return
    s.rollback()
    assert counts(s) == before
    for e in result.errors:
        assert e.sheet and e.message
        if e.row is not None:
            assert e.sheet in {t[0] for t in touched} or e.sheet in ("Target", "Indikator", "Simpul", "Rencana")
