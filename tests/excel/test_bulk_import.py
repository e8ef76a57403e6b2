"""The bulk path of the import (issue 13): every row is checked before the first write, then the rows go in a few
multi-row statements with their audit entries; the rules of the single-row operations still hold."""
from __future__ import annotations

from sqlalchemy import event
from sqlmodel import select

from planner.excel.import_template import build_template
from planner.models import AuditEntry, Indicator, NodeObjective, Plan, PlanNode, Target
from planner.services import plans
from tests.excel.conftest import run_import

IND = ("outcome", "%")


def _book(n_keg: int = 3, extra_simpul=(), extra_ind=(), target_value="95,5") -> bytes:
    simpul = [("renja", 2027, "program", "5.02.02", None, "Program Pengelolaan Pendapatan Daerah")]
    indikator = [("renja", 2027, "5.02.02", "IKP-1", "Persentase realisasi PAD", None, *IND)]
    target = [("renja", 2027, "5.02.02", "IKP-1", None, 2027, "Y", target_value)]
    for k in range(1, n_keg + 1):
        code = f"5.02.02.2.{k:02d}"
        simpul.append(("renja", 2027, "kegiatan", code, "5.02.02", f"Kegiatan {k}", None, "teknis", "Bidang",
                       "Kota", "PAD", 1_000_000 * k, f"Terlayaninya wajib pajak {k}"))
        # The same indicator name under every kegiatan: rows of new nodes are told apart by their node.
        indikator.append(("renja", 2027, code, None, "Jumlah wajib pajak terlayani",
                          f"Terlayaninya wajib pajak {k}", "output", "orang"))
        target += [("renja", 2027, code, None, "Jumlah wajib pajak terlayani", 2027, p, v)
                   for p, v in (("Y", 100 * k), ("TW1", 25 * k))]
    return build_template({"Rencana": [("BAPENDA", "renja", 2027, 2027, "daerah", "Renja Bapenda 2027")],
                           "Simpul": simpul + list(extra_simpul), "Indikator": indikator + list(extra_ind),
                           "Target": target})


def test_everything_is_checked_before_the_first_write(s, engine, org, as_admin):
    """On SQLite the write lock is taken by the first INSERT: it comes only after every row was checked."""
    statements: list[str] = []
    wrote_after_check: list[bool] = []
    from planner.services import plan_bulk
    original = plan_bulk.Batch.write

    def spy(conn, cursor, statement, *args):
        statements.append(statement.split()[0].upper())

    def write(self):
        wrote_after_check.append(not any(st in ("INSERT", "UPDATE", "DELETE") for st in statements))
        return original(self)

    event.listen(engine, "before_cursor_execute", spy)
    plan_bulk.Batch.write = write
    try:
        out = run_import(s, as_admin, _book())
    finally:
        plan_bulk.Batch.write = original
        event.remove(engine, "before_cursor_execute", spy)
    assert out.ok, [str(e) for e in out.errors]
    assert wrote_after_check == [True]  # one write phase, and no row was written before it
    # plan, 2 node levels, objectives, indicators, targets, audit, the plan's write stamp (plan flush, bulk write)
    assert statements.count("INSERT") <= 14
    plan = s.exec(select(Plan).where(Plan.first_year == 2027)).one()
    tree = plans.load_tree(s, plan)
    keg = [tn for tn in tree.walk() if tn.node.kind == "kegiatan"]
    assert [tn.node.position for tn in keg] == [0, 1, 2] and all(tn.node.parent_id == tree.roots[0].node.id for tn in keg)
    third = keg[2]
    assert [o.text for o in third.objectives] == ["Terlayaninya wajib pajak 3"]
    ind = third.indicators[0]
    assert ind.objective_id == third.objectives[0].id
    assert {(t.period, t.value) for t in tree.targets[ind.id]} == {("Y", 300), ("TW1", 75)}
    # The audit trail has the same entries the flush hooks would write, with the acting user.
    entries = s.exec(select(AuditEntry).where(AuditEntry.plan_id == plan.id)).all()
    kinds = {e.object_type for e in entries}
    assert {"plan", "node", "indicator", "target"} <= kinds
    assert len({e.username for e in entries}) == 1  # the plan's entry (flush hook) and the bulk ones: one actor
    target_entry = next(e for e in entries if e.object_type == "target" and e.indicator_id == ind.id
                        and e.changes.get("period") == [None, "TW1"])
    assert target_entry.node_id == third.node.id and target_entry.changes["value"] == [None, 75]
    assert len(s.exec(select(NodeObjective)).all()) == 3
    # Re-importing the same file changes nothing.
    again = run_import(s, as_admin, _book())
    assert again.ok and again.total("created") == 0 and again.total("updated") == 0


def test_the_bulk_path_keeps_every_rule_and_writes_nothing_on_failure(s, org, as_admin):
    bad = _book(extra_simpul=[("renja", 2027, "kegiatan", "5.02.02.2.01", "5.02.02", "Kode ganda")],
                extra_ind=[("renja", 2027, "5.02.02.2.02", "IKK-X", "Rasio dijumlahkan", None, "output", "%",
                            None, None, None, None, None, None, None, None, None, None, "kumulatif")])
    out = run_import(s, as_admin, bad)
    problems = {(e.sheet, e.column): e.message for e in out.errors}
    assert not out.ok
    assert "sudah dipakai" in problems[("Simpul", "Kode")]
    assert "tidak boleh dijumlahkan" in problems[("Indikator", "Akumulasi")]
    assert s.exec(select(Plan).where(Plan.first_year == 2027)).first() is None
    assert s.exec(select(Indicator)).all() == [] and s.exec(select(Target)).all() == []
    wrong_level = _book(extra_simpul=[("renja", 2027, "sub_kegiatan", "5.02.03.2.01.0001", "5.02.02",
                                       "Sub kegiatan di bawah program")])
    out = run_import(s, as_admin, wrong_level)
    assert any("tidak boleh di sini" in e.message for e in out.errors)
    implausible = _book(target_value="2.500")  # a percentage target of 2.500
    out = run_import(s, as_admin, implausible)
    assert any(e.sheet == "Target" and "tidak wajar" in e.message for e in out.errors)
    assert s.exec(select(PlanNode)).all() == []


def test_a_renstra_and_its_renja_in_one_file_keep_their_links(s, org, as_admin):
    """Rows of one file refer to each other before anything is written: the Renja's program serves a sasaran
    created by the same file."""
    data = build_template({
        "Rencana": [("BAPENDA", "renstra", 2030, 2034, "daerah", "Renstra 2030"),
                    ("BAPENDA", "renja", 2031, 2031, "daerah", "Renja 2031")],
        "Simpul": [("renstra", 2030, "tujuan", "T1", None, "Tujuan"),
                   ("renstra", 2030, "sasaran", "SS1", "T1", "Sasaran"),
                   ("renja", 2031, "program", "5.02.02", None, "Program", "SS1")]})
    out = run_import(s, as_admin, data)
    assert out.ok, [str(e) for e in out.errors]
    sasaran = s.exec(select(PlanNode).where(PlanNode.code == "SS1")).one()
    program = s.exec(select(PlanNode).where(PlanNode.code == "5.02.02")).one()
    renja = s.get(Plan, program.plan_id)
    assert program.serves_id == sasaran.id and renja.renstra_id == sasaran.plan_id


def test_the_end_of_period_target_is_imported_and_checked(s, org, as_admin):
    from planner.services import checks
    ind_row = ("renstra", 2030, "SS1", "IKU-1", "Persentase kepatuhan wajib pajak", None, "outcome", "%",
               None, None, None, None, "tahunan", None, None, None, None, "maksimal", "nilai akhir", "angka",
               None, None, None, None, None, "75")
    data = build_template({
        "Rencana": [("BAPENDA", "renstra", 2030, 2034, "daerah", "Renstra 2030")],
        "Simpul": [("renstra", 2030, "tujuan", "T1", None, "Tujuan"),
                   ("renstra", 2030, "sasaran", "SS1", "T1", "Sasaran")],
        "Indikator": [ind_row],
        "Target": [("renstra", 2030, "SS1", "IKU-1", None, y, "Y", 60 + 2 * (y - 2030)) for y in range(2030, 2035)]})
    out = run_import(s, as_admin, data)
    assert out.ok, [str(e) for e in out.errors]
    ind = s.exec(select(Indicator).where(Indicator.code == "IKU-1")).one()
    assert ind.end_target == 75
    t03 = [f for f in checks.check_plan(s, s.get(Plan, ind.plan_id)).findings if f.rule == "T03"]
    assert len(t03) == 1 and "tertulis 75" in t03[0].message  # the years end at 68, not 75
