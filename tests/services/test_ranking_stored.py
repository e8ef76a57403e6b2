"""The ranking's stored figures (issue 12) are never stale: every kind of write that can change a plan's
numbers bumps its lineage's stamp, and after any series of writes the stored ranking equals the one computed
afresh by calc."""
from __future__ import annotations

import json

import pytest
from sqlmodel import delete, select

from planner.models import Indicator, PlanNode, PlanSummary, Realization, SchemeLevel
from planner.models.plan import IndicatorCreate, IndicatorUpdate, NodeCreate, PlanUpdate, TargetIn
from planner.models.settings import SettingsIn
from planner.services import monitoring as mon
from planner.services import plan_bulk, plan_stamps, plans
from planner.services import settings as org_settings

YEAR = 2026
DEFAULT = mon.Settings()


@pytest.fixture
def world(s, make_org, make_renja):
    province = make_org("PROV", "Pemerintah Provinsi", "pemda")
    a, b = make_org("OPDA", "Dinas A", parent=province), make_org("OPDB", "Dinas B", parent=province)
    plan_a, plan_b = make_renja(a, activities=3), make_renja(b, activities=2)
    for plan, value in ((plan_a, 20), (plan_b, 30)):
        for ind in _sums(s, plan):
            mon.record_realization(s, ind, YEAR, "TW1", value=value)
    s.commit()
    return dict(a=a, plan_a=plan_a, plan_b=plan_b)


def _sums(s, plan) -> list[Indicator]:
    return list(s.exec(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.accumulation == "sum")
                       .order_by(Indicator.id)))


def _settings_of(s, ps):
    used = org_settings.for_plans(s, ps, DEFAULT)
    return lambda plan: used[plan.id]


def _figures(ranking: mon.Ranking) -> list:
    return [[(r.plan.id, r.achievement, r.annual_achievement, r.predikat, r.reported, r.expected, r.completeness)
             for r in order] for order in (ranking.by_achievement, ranking.by_completeness)]


def _assert_stored_equals_computed(s, ps) -> None:
    settings_of = _settings_of(s, ps)
    for period in ("TW1", "TW2", "Y"):
        stored = mon.org_ranking(s, ps, YEAR, period, settings_of)
        s.commit()
        again = mon.org_ranking(s, ps, YEAR, period, settings_of)  # now read from the stored rows
        computed = mon.org_ranking(s, ps, YEAR, period, settings_of, stored=False)
        assert _figures(stored) == _figures(computed) == _figures(again), period


def _stamp(s, plan) -> int:
    return plan_stamps.current(s.connection(), [plan.key])[plan.key]


# Every kind of write the read model depends on, applied to plan A through the services (or the ORM).
def _record(s, w):
    mon.record_realization(s, _sums(s, w["plan_a"])[0], YEAR, "TW2", value=7)


def _update_value(s, w):
    mon.record_realization(s, _sums(s, w["plan_a"])[0], YEAR, "TW1", value=25)


def _verify(s, w):
    mon.verify(s, _sums(s, w["plan_a"])[0], YEAR, "TW1", verified=True)


def _return(s, w):
    mon.verify(s, _sums(s, w["plan_a"])[1], YEAR, "TW1", verified=False, note="Angka tidak sesuai bukti")


def _draft(s, w):
    mon.record_realization(s, _sums(s, w["plan_a"])[1], YEAR, "TW1", value=12, draft=True)


def _clear(s, w):
    mon.clear_realization(s, _sums(s, w["plan_a"])[2], YEAR, "TW1")


def _targets(s, w):
    ind = _sums(s, w["plan_a"])[0]
    plans.set_targets(s, ind, w["plan_a"], [TargetIn(year=YEAR, period="Y", value=80)]
                      + [TargetIn(year=YEAR, period=f"TW{q}", value=40) for q in range(1, 5)])


def _indicator_polarity(s, w):
    plans.update_indicator(s, _sums(s, w["plan_a"])[1], IndicatorUpdate(polarity="lower_is_better"))


def _indicator_new(s, w):
    keg = s.exec(select(PlanNode).where(PlanNode.plan_id == w["plan_a"].id, PlanNode.kind == "kegiatan")).first()
    plans.create_indicator(s, keg, IndicatorCreate(
        name="Jumlah dokumen baru", level="output", unit="dokumen", accumulation="sum",
        targets=[TargetIn(year=YEAR, period="Y", value=10)]
        + [TargetIn(year=YEAR, period=f"TW{q}", value=2.5) for q in range(1, 5)]))


def _indicator_delete(s, w):
    plans.delete_indicator(s, _sums(s, w["plan_a"])[-1])


def _node_new(s, w):
    program = s.exec(select(PlanNode).where(PlanNode.plan_id == w["plan_a"].id, PlanNode.kind == "program")).first()
    keg = plans.create_node(s, w["plan_a"], NodeCreate(kind="kegiatan", code=f"{program.code}.2.50",
                                                       parent_id=program.id, name="Kegiatan tambahan"))
    ind = plans.create_indicator(s, keg, IndicatorCreate(
        name="Jumlah layanan tambahan", level="output", unit="layanan", accumulation="sum",
        targets=[TargetIn(year=YEAR, period="Y", value=40)]
        + [TargetIn(year=YEAR, period=f"TW{q}", value=10) for q in range(1, 5)]))
    mon.record_realization(s, ind, YEAR, "TW1", value=1)


def _node_delete(s, w):
    keg = s.exec(select(PlanNode).where(PlanNode.plan_id == w["plan_a"].id, PlanNode.kind == "kegiatan")
                 .order_by(PlanNode.id.desc())).first()
    plans.delete_node(s, keg)


def _budget(s, w):
    keg = s.exec(select(PlanNode).where(PlanNode.plan_id == w["plan_a"].id, PlanNode.kind == "kegiatan")).first()
    mon.set_budget(s, keg, YEAR, 1_000_000, {"TW1": 250_000})


def _evidence(s, w):
    mon.add_evidence_link(s, _sums(s, w["plan_a"])[0], YEAR, "TW1", "https://contoh.id/bukti")


def _close(s, w):
    mon.close_period(s, w["plan_a"], YEAR, "TW1")


def _plan_fields(s, w):
    plans.update_plan(s, w["plan_a"], PlanUpdate(name="Renja Dinas A (nama baru)"))


def _plan_status(s, w):
    w["plan_a"].status = "submitted"
    s.add(w["plan_a"])
    s.flush()


def _bulk_import(s, w):
    program = s.exec(select(PlanNode).where(PlanNode.plan_id == w["plan_a"].id, PlanNode.kind == "program")).first()
    batch = plan_bulk.Batch(s)
    keg = batch.add_node(w["plan_a"], program, NodeCreate(kind="kegiatan", code=f"{program.code}.2.60",
                                                          name="Kegiatan impor"))
    batch.add_indicator(w["plan_a"], keg, IndicatorCreate(
        name="Jumlah layanan impor", level="output", unit="layanan", accumulation="sum",
        targets=[TargetIn(year=YEAR, period="Y", value=8)]
        + [TargetIn(year=YEAR, period=f"TW{q}", value=2) for q in range(1, 5)]))
    batch.write()


WRITES = [_record, _update_value, _verify, _return, _draft, _clear, _targets, _indicator_polarity, _indicator_new,
          _indicator_delete, _node_new, _node_delete, _budget, _evidence, _close, _plan_fields, _bulk_import,
          _plan_status]  # last: a submitted plan takes no more edits


@pytest.mark.parametrize("write", WRITES, ids=lambda f: f.__name__.strip("_"))
def test_each_kind_of_write_makes_the_plans_stored_figures_stale(s, world, write):
    ps = [world["plan_a"], world["plan_b"]]
    _assert_stored_equals_computed(s, ps)
    before_a, before_b = _stamp(s, world["plan_a"]), _stamp(s, world["plan_b"])
    write(s, world)
    s.commit()
    assert _stamp(s, world["plan_a"]) > before_a
    assert _stamp(s, world["plan_b"]) == before_b  # the other unit's figures stay stored
    _assert_stored_equals_computed(s, ps)


def test_stored_figures_equal_computed_after_a_series_of_writes(s, world):
    ps = [world["plan_a"], world["plan_b"]]
    for write in WRITES:
        write(s, world)
        s.commit()
        _assert_stored_equals_computed(s, ps)
    org_settings.save(s, world["a"], SettingsIn(lower_is_better_formula="T/R", tolerance=5, rollup_cap=100,
                                                coverage_threshold=50))
    s.commit()
    _assert_stored_equals_computed(s, ps)  # a unit's settings are part of the key: no stamp needed


def test_a_stored_summary_is_read_until_a_write(s, world):
    ps = [world["plan_a"], world["plan_b"]]
    mon.org_ranking(s, ps, YEAR, "TW2", DEFAULT)
    s.commit()
    row = s.exec(select(PlanSummary).where(PlanSummary.plan_id == world["plan_a"].id)).one()
    marked = json.loads(row.payload) | {"expected": 999}  # a figure no computation gives: proves what is served
    row.payload = json.dumps(marked)
    s.add(row)
    s.commit()
    served = {r.plan.id: r.expected for r in mon.org_ranking(s, ps, YEAR, "TW2", DEFAULT).by_achievement}
    assert served[world["plan_a"].id] == 999
    _record(s, world)
    s.commit()
    served = {r.plan.id: r.expected for r in mon.org_ranking(s, ps, YEAR, "TW2", DEFAULT).by_achievement}
    computed = {r.plan.id: r.expected for r in mon.org_ranking(s, ps, YEAR, "TW2", DEFAULT, stored=False)
                .by_achievement}
    assert served == computed


def test_bulk_statements_and_scheme_changes_make_every_plan_stale(s, world):
    ps = [world["plan_a"], world["plan_b"]]
    before = [_stamp(s, p) for p in ps]
    s.exec(delete(Realization).where(Realization.indicator_key == _sums(s, world["plan_b"])[0].key))
    s.commit()
    middle = [_stamp(s, p) for p in ps]
    assert all(m > b for m, b in zip(middle, before))
    level = s.exec(select(SchemeLevel).where(SchemeLevel.scheme_id == world["plan_a"].scheme_id)).first()
    label = level.label
    level.label = label + " (diubah)"
    s.add(level)
    s.commit()
    level.label = label  # reference data outlives the test
    s.add(level)
    s.commit()
    assert all(a > m for a, m in zip([_stamp(s, p) for p in ps], middle))
    _assert_stored_equals_computed(s, ps)


def test_the_callers_own_unflushed_writes_count(s, world):
    ps = [world["plan_a"], world["plan_b"]]
    mon.org_ranking(s, ps, YEAR, "TW2", DEFAULT)
    s.commit()
    row = s.exec(select(Realization).where(Realization.indicator_key == _sums(s, world["plan_a"])[0].key)).first()
    row.value = 99  # pending in the session, not flushed yet
    s.add(row)
    stored = mon.org_ranking(s, ps, YEAR, "TW2", DEFAULT)
    assert _figures(stored) == _figures(mon.org_ranking(s, ps, YEAR, "TW2", DEFAULT, stored=False))


@pytest.mark.parametrize("held", [True, False], ids=["plan-held", "plan-not-held"])
def test_a_write_bumps_its_lineage_whether_or_not_the_session_holds_its_plan(s, world, engine, held):
    """A saved cell's request holds its indicator and plan, so the lineage is known without a statement; a
    session that holds neither selects it. Either way that lineage, and only it, is bumped."""
    from sqlmodel import Session

    from planner.models import Plan
    from planner.services import acting

    plan_a, plan_b = world["plan_a"], world["plan_b"]
    before_a, before_b = _stamp(s, plan_a), _stamp(s, plan_b)
    s.commit()
    with Session(engine) as other:
        acting.act_as(other, acting.SYSTEM)
        row = other.exec(select(Realization).join(Indicator, Indicator.key == Realization.indicator_key)
                         .where(Indicator.plan_id == plan_a.id)).first()
        held_rows = []  # the session keeps them while they are referenced, as a request's handler does
        if held:
            held_rows.append(other.get(Indicator, row.indicator_id))
            held_rows.append(other.get(Plan, held_rows[0].plan_id))
        assert (plan_stamps._held(other, {"indicator_id": {row.indicator_id}, "indicator_key": {row.indicator_key}})
                is not None) == held
        row.note = "diperiksa"
        other.commit()
    assert (_stamp(s, plan_a), _stamp(s, plan_b)) == (before_a + 1, before_b)
