"""A Renja from its Renstra, read as plain rows: every operational branch whole (objectives, indicator metadata,
that year's targets of every type), its audit trail, and the checks of a single edit still applied."""
from __future__ import annotations

import pytest
from sqlmodel import select

from planner.errors import Invalid
from planner.models import NodeObjective, Plan, Target
from planner.models.plan import IndicatorCreate, NodeCreate, TargetIn
from planner.services import audit, plan_copy, plans

YEARS = range(2025, 2030)


@pytest.fixture
def renstra(s, org, make_renstra):
    """The fixture Renstra with a kegiatan (two objectives) below its program, measured by a range indicator
    linked to an objective and by a qualitative one, with targets for every year."""
    plan = make_renstra(org)
    program = next(tn.node for tn in plans.load_tree(s, plan).walk() if tn.node.kind == "program")
    keg = plans.create_node(s, plan, NodeCreate(kind="kegiatan", code="5.02.02.2.01", parent_id=program.id,
                                                name="Pengelolaan Pajak Daerah",
                                                objectives=["Meningkatnya kepatuhan wajib pajak", "Tertibnya data"]))
    second = s.exec(select(NodeObjective).where(NodeObjective.node_id == keg.id, NodeObjective.text == "Tertibnya data")
                    ).one()
    add_range_and_qualitative(s, keg, second.id)
    s.commit()
    return plan


def add_range_and_qualitative(s, keg, objective_id: int) -> None:
    """A range indicator under an objective and a qualitative one, with a target every Renstra year."""
    plans.create_indicator(s, keg, IndicatorCreate(
        code="IK-R", name="Persentase wajib pajak patuh", level="output", unit="%", target_type="range",
        accumulation="last", objective_id=objective_id, valid_max=100,
        targets=[TargetIn(year=y, lower=60 + y - 2025, upper=70 + y - 2025) for y in YEARS]))
    plans.create_indicator(s, keg, IndicatorCreate(
        code="IK-Q", name="Predikat layanan pajak", level="output", unit="predikat", target_type="qualitative",
        accumulation="last", targets=[TargetIn(year=y, text=f"Predikat {y}") for y in YEARS]))


def _shape(tree):
    """What a copy must keep of each node, in tree order: code, name, depth, objectives, indicators with their
    metadata, the text of the objective each serves, and their targets as (year, period, value, lower, upper, text)."""
    out = []
    for tn in tree.walk():
        objectives = {o.id: o.text for o in tn.objectives}
        out.append((tn.node.code, tn.node.name, tn.node.kind, [o.text for o in tn.objectives], [
            (i.code, i.name, i.unit, i.target_type, i.accumulation, i.valid_max, objectives.get(i.objective_id),
             sorted((t.year, t.period, t.value, t.lower, t.upper, t.text) for t in tree.targets.get(i.id, [])))
            for i in tn.indicators]))
    return out


def test_each_operational_branch_is_copied_whole_with_that_years_targets(s, renstra):
    renja = plan_copy.renja_from_renstra(s, renstra, 2027)
    s.commit()
    source, copy = plans.load_tree(s, renstra), plans.load_tree(s, renja)
    sasaran = next(tn for tn in source.walk() if tn.node.kind == "sasaran")
    expected = [(code, name, kind, objectives,
                 [ind[:-1] + ([t for t in ind[-1] if t[0] == 2027],) for ind in indicators])
                for code, name, kind, objectives, indicators in _shape(source) if kind in ("program", "kegiatan")]
    assert _shape(copy) == expected
    targets = {ind[0]: ind[-1] for ind in expected[1][4]}
    assert targets["IK-R"] == [(2027, "Y", None, 62, 72, None)]  # the range's bounds, not a value
    assert targets["IK-Q"] == [(2027, "Y", None, None, None, "Predikat 2027")]
    assert [tn.node.serves_id for tn in copy.roots] == [sasaran.node.id]
    assert {tn.node.source_id for tn in copy.walk()} == {tn.node.id for tn in sasaran.children} | {
        tn.node.id for tn in source.walk() if tn.node.kind == "kegiatan"}


def test_every_copied_row_leaves_its_audit_entry(s, renstra):
    renja = plan_copy.renja_from_renstra(s, renstra, 2027)
    s.commit()
    entries = [e for e in audit.history(s, plan_id=renja.id) if e.action == "create"]
    counts = {}
    for e in entries:
        counts[e.object_type] = counts.get(e.object_type, 0) + 1
    assert counts == {"plan": 1, "node": 2, "indicator": 3, "target": 3}
    keg = next(e for e in entries if e.object_type == "node" and e.changes["code"][1] == "5.02.02.2.01")
    assert keg.label == "5.02.02.2.01 Pengelolaan Pajak Daerah" and keg.node_id == keg.object_id
    objectives = [e.label for e in audit.history(s, node_id=keg.node_id) if e.object_type == "objective"]
    assert sorted(objectives) == ["Meningkatnya kepatuhan wajib pajak", "Tertibnya data"]
    target = next(e for e in entries if e.object_type == "target" and "lower" in e.changes)
    assert target.changes["lower"] == [None, 62] and target.changes["year"] == [None, 2027]


def test_a_stored_target_the_rules_refuse_stops_the_whole_copy(s, renstra):
    """The rows read are checked as a single edit checks them: a range stored upside down (written past the
    services) refuses the copy, and nothing of it stays (one transaction)."""
    ind = next(i for tn in plans.load_tree(s, renstra).walk() for i in tn.indicators if i.code == "IK-R")
    row = s.exec(select(Target).where(Target.indicator_id == ind.id, Target.year == 2027)).one()
    row.lower, row.upper = 90, 80
    s.commit()
    with pytest.raises(Invalid, match="batas bawah"):
        plan_copy.renja_from_renstra(s, renstra, 2027)
    s.rollback()
    assert s.exec(select(Plan).where(Plan.kind == "renja")).all() == []
