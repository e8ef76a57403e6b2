"""Validation first and complete; one transaction or nothing; rights and editability before any write."""
from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from sqlmodel import select

from planner.models import Indicator, Plan, PlanNode, Target
from planner.permissions import principal_for
from planner.services import exports
from tests.excel.conftest import run_import


def edit(data: bytes, sheet: str, changes: dict[str, object], row: int = 4) -> bytes:
    """Set cells of one data row (by column header) of a template sheet."""
    wb = load_workbook(BytesIO(data))
    ws = wb[sheet]
    headers = {c.value: c.column for c in ws[3]}
    for header, value in changes.items():
        ws.cell(row=row, column=headers[header]).value = value
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def counts(s):
    return [s.exec(select(Target)).all().__len__(), len(s.exec(select(PlanNode)).all()), len(s.exec(select(Indicator)).all())]


def target_row(data: bytes, indicator_name: str, period: str = "Y") -> int:
    """The Target sheet row of one indicator's target for one period."""
    ws = load_workbook(BytesIO(data))["Target"]
    headers = {c.value: c.column - 1 for c in ws[3]}
    for row in ws.iter_rows(min_row=4):
        if row[headers["Nama Indikator"]].value == indicator_name and row[headers["Periode"]].value == period:
            return row[0].row
    raise AssertionError(f"no Target row for {indicator_name} {period}")


def test_indonesian_and_plain_numbers_are_read(s, org, full_plan, as_admin):
    _, renja = full_plan
    data = exports.workbook(s, renja, "renja")
    count_row = target_row(data, "Jumlah layanan kegiatan 1")  # a count: 1.250 (thousands) is plausible there,
    # unlike in a percent indicator, whose plausible range stops at 1.000
    for text, expected, row in [("88,67", 88.67, 4), ("88.67", 88.67, 4), ("90%", 90.0, 4),
                                ("1.250", 1250.0, count_row)]:
        out = run_import(s, as_admin, edit(data, "Target", {"Target": text}, row=row), org)
        assert out.ok, [str(e) for e in out.errors]
        values = {t.value for t in s.exec(select(Target))}
        assert expected in values
    out = run_import(s, as_admin, edit(data, "Simpul", {"Pagu (Rp)": "Rp 1.250.000.000"}, row=5), org)
    assert out.ok and out.counts["Simpul"]["updated"] == 1
    assert any(n.pagu == 1_250_000_000 for n in s.exec(select(PlanNode)))


def test_every_problem_is_named_and_nothing_is_written(s, org, full_plan, as_admin):
    _, renja = full_plan
    before = counts(s)
    data = exports.workbook(s, renja, "renja")
    data = edit(data, "Target", {"Target": "sepuluh"})
    data = edit(data, "Indikator", {"Polaritas": "naik", "Satuan": None}, row=5)
    data = edit(data, "Simpul", {"Kode": "5.02.02.2.99", "Nama": "Kegiatan baru"}, row=6)  # would be created
    out = run_import(s, as_admin, data, org)
    assert not out.ok
    found = {(e.sheet, e.row, e.column) for e in out.errors}
    assert ("Target", 4, "Target") in found
    assert ("Indikator", 5, "Polaritas") in found and ("Indikator", 5, "Satuan") in found
    bad = next(e for e in out.errors if e.column == "Target")
    assert bad.value == "sepuluh" and "angka" in bad.message
    assert counts(s) == before


def test_service_rules_are_named_with_their_row(s, org, full_plan, as_admin):
    _, renja = full_plan
    data = edit(exports.workbook(s, renja, "renja"), "Simpul",
                {"Jenis Rencana": "renja", "Tahun": 2026, "Kode": "9.99", "Nama": "Program salah kode",
                 "Tingkat": "program"}, row=20)
    out = run_import(s, as_admin, data, org)
    assert not out.ok
    e = out.errors[0]
    assert (e.sheet, e.row, e.column) == ("Simpul", 20, "Kode") and "format" in e.message


def test_dry_run_counts_and_writes_nothing(s, org, full_plan, as_admin):
    _, renja = full_plan
    before = counts(s)
    data = edit(exports.workbook(s, renja, "renja"), "Simpul",
                {"Jenis Rencana": "renja", "Tahun": 2026, "Tingkat": "sub_kegiatan", "Kode": "5.02.02.2.01.0009",
                 "Kode Induk": "5.02.02.2.01", "Nama": "Sub kegiatan baru"}, row=30)
    out = run_import(s, as_admin, data, org, dry_run=True)
    assert out.ok and out.counts["Simpul"]["created"] == 1 and out.counts["Simpul"]["unchanged"] >= 5
    assert counts(s) == before


def test_a_locked_plan_is_refused_before_anything_is_written(s, org, full_plan, as_admin):
    _, renja = full_plan
    data = exports.workbook(s, renja, "renja")
    renja.status = "locked"
    s.commit()
    assert run_import(s, as_admin, data, org).ok  # the same content changes nothing: allowed
    changed = edit(data, "Simpul", {"Nama": "Nama baru program"})
    out = run_import(s, as_admin, changed, org)
    assert not out.ok and "Ditetapkan" in out.errors[0].message and out.errors[0].row == 4
    assert s.exec(select(PlanNode).where(PlanNode.name == "Nama baru program")).first() is None


def test_another_units_plan_is_refused(s, org, full_plan, make_org, make_user):
    _, renja = full_plan
    other = make_org("DISHUB", "Dinas Perhubungan")
    user = make_user("budi", "penyusun", other)
    out = run_import(s, principal_for(s, user), exports.workbook(s, renja, "renja"), org)
    assert not out.ok and "tidak" in out.errors[0].message.lower()
    out = run_import(s, principal_for(s, user), exports.workbook(s, renja, "renja"), other)
    assert not out.ok and any("organisasi lain" in e.message for e in out.errors)


def test_realisation_and_budget_rows_use_the_monitoring_rules(s, org, full_plan, as_admin):
    from planner.excel.import_template import build_template
    _, renja = full_plan
    data = build_template({"Realisasi": [(2026, "5.02.02.2.01", None, "Jumlah layanan kegiatan 1", "TW2", "30,5")],
                           "Realisasi Anggaran": [(2026, "5.02.02.2.01", "Rp 1.000.000", 250000, 300000)]})
    out = run_import(s, as_admin, data, org)
    assert out.ok, [str(e) for e in out.errors]
    assert out.counts["Realisasi"]["created"] == 1 and out.counts["Realisasi Anggaran"]["updated"] == 1
    again = run_import(s, as_admin, data, org)
    assert again.total("created") + again.total("updated") == 0
    too_much = build_template({"Realisasi Anggaran": [(2026, "5.02.02.2.01", 1000, 5000)]})
    out = run_import(s, as_admin, too_much, org)
    assert not out.ok and out.errors[0].sheet == "Realisasi Anggaran" and "melebihi" in out.errors[0].message


def test_organisations_sheet_is_for_administrators(s, org, as_admin, make_user):
    from planner.excel.import_template import build_template
    data = build_template({"Organisasi": [("BAPENDA-UPT", "UPT Samsat", "upt", "BAPENDA")]})
    user = make_user("ani", "penyusun", org)
    out = run_import(s, principal_for(s, user), data, org)
    assert not out.ok and "administrator" in out.errors[0].message
    out = run_import(s, as_admin, data, org)
    assert out.ok and out.counts["Organisasi"]["created"] == 1


def test_a_plan_named_in_the_rencana_sheet_is_created(s, org, as_admin):
    from planner.excel.import_template import build_template
    data = build_template({
        "Rencana": [("BAPENDA", "renja", 2027, 2027, "daerah", "Renja Bapenda 2027")],
        "Simpul": [("renja", 2027, "program", "5.02.02", None, "Program Pengelolaan Pendapatan Daerah")],
        "Indikator": [("renja", 2027, "5.02.02", "IKP-1", "Persentase realisasi PAD", None, "outcome", "%")],
        "Target": [("renja", 2027, "5.02.02", "IKP-1", None, 2027, "Y", "95,5")]})
    out = run_import(s, as_admin, data)  # no --org: the Rencana sheet names it
    assert out.ok, [str(e) for e in out.errors]
    plan = s.exec(select(Plan).where(Plan.first_year == 2027)).one()
    assert plan.organization_id == org.id
    assert s.exec(select(Target)).one().value == 95.5


def test_a_csv_sheet_imports_like_the_template_sheet(s, org, full_plan, as_admin):
    _, renja = full_plan
    csv = ("Jenis Rencana;Tahun;Kode Simpul;Kode Indikator;Nama Indikator;Tahun Target;Periode;Target\n"
           "renja;2026;5.02.02.2.01;;Jumlah layanan kegiatan 1;2026;Y;120,5\n").encode()
    out = run_import(s, as_admin, csv, org, filename="Target.csv")
    assert out.ok and out.counts["Target"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert 120.5 in {t.value for t in s.exec(select(Target))}
    out = run_import(s, as_admin, b"a;b\n1;2\n", org, filename="lain.csv")
    assert not out.ok and "CSV" in out.errors[0].message
