"""The Simpul sheet's "Mendukung Sasaran Induk" column: a Renstra sasaran supporting a parent organisation's
sasaran (``PlanNode.supports_id``) goes out with the export and comes back with the import; a link the rules
refuse is named on its cell."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlmodel import select

from planner.models import Plan, PlanNode
from planner.models.plan import NodeUpdate
from planner.permissions import principal_for
from planner.services import accounts, exports, orgs, plans
from tests.conftest import PASSWORD
from tests.excel.conftest import run_import

HEADER = "Mendukung Sasaran Induk"


def _node(s, plan, code) -> PlanNode:
    return s.exec(select(PlanNode).where(PlanNode.plan_id == plan.id, PlanNode.code == code)).one()


def _linked(s, make_org, make_renstra):
    """A Pemda with a unit and a sibling; the unit's SS1 supports the Pemda's SS1."""
    pemda = make_org("PEMPROV", "Pemerintah Provinsi", kind="pemda")
    unit = make_org("DINKES", "Dinas Kesehatan", parent=pemda)
    sibling = make_org("DISHUB", "Dinas Perhubungan", parent=pemda)
    higher, own, other = make_renstra(pemda), make_renstra(unit), make_renstra(sibling)
    plans.update_node(s, _node(s, own, "SS1"), NodeUpdate(supports_id=_node(s, higher, "SS1").id))
    s.commit()
    return unit, higher, own, other


def _set_cell(data: bytes, code: str, value: str | None) -> tuple[bytes, int]:
    """The workbook with the supports cell of node ``code`` set; returns it and that row's number."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Simpul"]
    header_row = next(r for r in ws.iter_rows() if any(c.value == HEADER for c in r))
    col = next(c.column for c in header_row if c.value == HEADER)
    code_col = next(c.column for c in header_row if c.value == "Kode")
    row = next(r for r in range(header_row[0].row + 1, ws.max_row + 1) if ws.cell(r, code_col).value == code)
    ws.cell(row, col).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), row


def test_the_export_names_the_supported_sasaran_with_its_organisation(s, make_org, make_renstra):
    _, _, own, _ = _linked(s, make_org, make_renstra)
    rows = exports.template_rows(s, own)["Simpul"]
    assert [r[-1] for r in rows if r[3] == "SS1"] == ["PEMPROV:SS1"]
    assert all(r[-1] is None for r in rows if r[3] != "SS1")


def test_export_then_import_into_an_empty_database_gives_the_same_link(s, make_org, make_renstra, empty_db):
    unit, higher, own, _ = _linked(s, make_org, make_renstra)
    files = {"PEMPROV": exports.workbook(s, higher, "renstra"), "DINKES": exports.workbook(s, own, "renstra")}

    empty_db()
    pemda = orgs.create(s, "PEMPROV", "Pemerintah Provinsi", "pemda")
    unit = orgs.create(s, "DINKES", "Dinas Kesehatan", "perangkat_daerah", pemda.id)
    user = accounts.create_user(s, "root", PASSWORD)
    accounts.add_membership(s, user, "admin", None)
    s.commit()
    p = principal_for(s, user)
    for org in (pemda, unit):  # the Pemda's Renstra first: the unit's sasaran supports one of its sasaran
        out = run_import(s, p, files[org.code], org)
        assert out.ok, [str(e) for e in out.errors]
    higher = s.exec(select(Plan).where(Plan.organization_id == pemda.id)).one()
    own = s.exec(select(Plan).where(Plan.organization_id == unit.id)).one()
    assert _node(s, own, "SS1").supports_id == _node(s, higher, "SS1").id
    assert _node(s, own, "T1").supports_id is None


def test_import_export_import_changes_nothing_and_a_changed_cell_moves_the_link(s, make_org, make_renstra, as_admin):
    unit, higher, own, _ = _linked(s, make_org, make_renstra)
    first = exports.workbook(s, own, "renstra")
    again = run_import(s, as_admin, first, unit)
    assert again.ok and (again.total("created"), again.total("updated")) == (0, 0)
    second = exports.workbook(s, own, "renstra")
    assert run_import(s, as_admin, second, unit).total("updated") == 0

    moved, _ = _set_cell(second, "SS1", "PEMPROV:T1")  # a tujuan may be supported too
    out = run_import(s, as_admin, moved, unit)
    assert out.ok and out.counts["Simpul"]["updated"] == 1
    assert _node(s, own, "SS1").supports_id == _node(s, higher, "T1").id
    cleared, _ = _set_cell(moved, "SS1", None)
    assert run_import(s, as_admin, cleared, unit).ok
    assert _node(s, own, "SS1").supports_id is None


def test_a_link_the_rules_refuse_is_named_on_its_cell(s, make_org, make_renstra, as_admin):
    unit, higher, own, _ = _linked(s, make_org, make_renstra)
    data = exports.workbook(s, own, "renstra")
    cases = {
        "PEMPROV:SS9": "tidak ditemukan",  # no such sasaran
        "DISHUB:SS1": "organisasi induk",  # a sibling is no ancestor
        "PEMPROV:5.02.02": "tidak ditemukan",  # a program is no sasaran to support
        "NOWHERE:SS1": "tidak dikenal",
        "SS1": "PEMPROV:SS1",  # the organisation is missing: the message shows how to write it
    }
    for value, message in cases.items():
        bad, row = _set_cell(data, "SS1", value)
        out = run_import(s, as_admin, bad, unit)
        assert not out.ok
        [problem] = out.errors
        assert (problem.sheet, problem.row, problem.column, problem.value) == ("Simpul", row, HEADER, value)
        assert message in problem.message
        assert _node(s, own, "SS1").supports_id == _node(s, higher, "SS1").id  # nothing written
    program, row = _set_cell(data, "5.02.02", "PEMPROV:SS1")  # only a tujuan or sasaran supports
    [problem] = run_import(s, as_admin, program, unit).errors
    assert (problem.row, problem.column) == (row, HEADER) and "tujuan atau sasaran" in problem.message
