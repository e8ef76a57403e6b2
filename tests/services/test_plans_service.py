"""The plan services: the rules of the hierarchy, the bad inputs, copying, and bounded loading."""
from __future__ import annotations

import pytest

from planner.errors import Conflict, Invalid
from planner.models.plan import (
    IndicatorCreate, IndicatorUpdate, NodeCreate, NodeUpdate, PlanCreate, TargetIn,
)
from planner.services import plan_copy, plans


def test_renja_links_itself_to_the_renstra_covering_its_year(s, org, make_renstra):
    renstra = make_renstra(org)
    renja = plans.create_plan(s, PlanCreate(organization_id=org.id, kind="renja", scheme="daerah", year=2027,
                                            name="Renja 2027"))
    assert renja.renstra_id == renstra.id and renja.year == 2027 and renja.status == "draft"


@pytest.mark.parametrize("data, field", [
    ({"kind": "renja", "year": None}, "year"),
    ({"kind": "renstra", "first_year": 2025, "last_year": 2024}, "last_year"),
    ({"kind": "renstra", "first_year": 2025, "last_year": None}, "last_year"),
])
def test_plan_years_are_checked(s, org, data, field):
    with pytest.raises(Invalid) as exc:
        plans.create_plan(s, PlanCreate(organization_id=org.id, scheme="daerah", name="Rencana", **data))
    assert exc.value.field == field


def test_a_second_renja_for_the_same_year_is_refused(s, org, make_renja):
    make_renja(org)
    with pytest.raises(Invalid, match="sudah memiliki Renja 2026"):
        plans.create_plan(s, PlanCreate(organization_id=org.id, kind="renja", scheme="daerah", year=2026, name="Lagi"))


def test_node_kinds_follow_the_scheme(s, org, make_renja):
    plan = make_renja(org, activities=1)
    with pytest.raises(Invalid, match="Yang boleh: Program") as exc:
        plans.create_node(s, plan, NodeCreate(kind="kegiatan", code="5.02.02.2.09", name="Kegiatan di akar"))
    assert exc.value.field == "kind"
    program = plans.load_tree(s, plan).roots[0].node
    with pytest.raises(Invalid, match="Kegiatan"):
        plans.create_node(s, plan, NodeCreate(kind="sub_kegiatan", code="5.02.02.2.01.0009", parent_id=program.id,
                                              name="Sub kegiatan langsung di bawah program"))


@pytest.mark.parametrize("code, message", [
    ("5.2.2.2.1", "tidak sesuai format"),
    ("5.02.03.2.01", "harus diawali kode induknya"),
    ("5.02.02.2.01", "sudah dipakai"),
])
def test_bad_codes_are_refused_with_the_field_named(s, org, make_renja, code, message):
    plan = make_renja(org, activities=1)
    program = plans.load_tree(s, plan).roots[0].node
    with pytest.raises(Invalid, match=message) as exc:
        plans.create_node(s, plan, NodeCreate(kind="kegiatan", code=code, parent_id=program.id, name="Kegiatan baru"))
    assert exc.value.field == "code"


def test_central_scheme_codes(s, org):
    plan = plans.create_plan(s, PlanCreate(organization_id=org.id, kind="renja", scheme="kl", year=2026, name="Renja K/L"))
    prog = plans.create_node(s, plan, NodeCreate(kind="program", code="011.01.DN", name="Program Diplomasi"))
    keg = plans.create_node(s, plan, NodeCreate(kind="kegiatan", code="2545", parent_id=prog.id, name="Kegiatan"))
    kro = plans.create_node(s, plan, NodeCreate(kind="kro", code="2545.QAA", parent_id=keg.id, name="KRO"))
    ro = plans.create_node(s, plan, NodeCreate(kind="ro", code="2545.QAA.001", parent_id=kro.id, name="RO satu"))
    assert [tn.node.kind for tn in plans.load_tree(s, plan).walk()] == ["program", "kegiatan", "kro", "ro"]
    with pytest.raises(Invalid, match="tidak boleh di sini"):
        plans.create_node(s, plan, NodeCreate(kind="ro", code="2545.QAA.002", parent_id=ro.id, name="RO di bawah RO"))


def test_percent_indicator_cannot_be_summed(s, org, make_renja):
    plan = make_renja(org, activities=1)
    node = plans.load_tree(s, plan).roots[0].node
    with pytest.raises(Invalid, match="persentase") as exc:
        plans.create_indicator(s, node, IndicatorCreate(name="Persentase layanan", unit="%", accumulation="sum"))
    assert exc.value.field == "accumulation"
    ind = plans.load_tree(s, plan).roots[0].indicators[0]
    with pytest.raises(Invalid):
        plans.update_indicator(s, ind, IndicatorUpdate(accumulation="sum"))


def test_band_polarity_needs_range_targets(s, org, make_renja):
    plan = make_renja(org, activities=1)
    node = plans.load_tree(s, plan).roots[0].node
    with pytest.raises(Invalid) as exc:
        plans.create_indicator(s, node, IndicatorCreate(name="Waktu tunggu", unit="bulan", polarity="band"))
    assert exc.value.field == "target_type"
    ind = plans.create_indicator(s, node, IndicatorCreate(
        name="Waktu tunggu", unit="bulan", polarity="band", target_type="range",
        targets=[TargetIn(year=2026, period="Y", lower=7, upper=8)]))
    t = plans.load_tree(s, plan).target_map(ind.id)[(2026, "Y")]
    assert (t.lower, t.upper, t.value) == (7, 8, None)


@pytest.mark.parametrize("target, field, message", [
    (TargetIn(year=2031, period="Y", value=1), "year", "di luar periode"),
    (TargetIn(year=2026, period="TW5", value=1), "period", "tidak dikenal"),
    (TargetIn(year=2026, period="Y", text="seratus"), "value", "harus berupa angka"),
])
def test_bad_targets_are_refused(s, org, make_renstra, make_renja, target, field, message):
    renja = make_renja(org, activities=1)
    ind = plans.load_tree(s, renja).roots[0].children[0].indicators[0]
    with pytest.raises(Invalid, match=message) as exc:
        plans.set_targets(s, ind, renja, [target])
    assert exc.value.field == field


def test_renstra_targets_only_within_its_years(s, org, make_renstra):
    renstra = make_renstra(org)
    ind = next(i for tn in plans.load_tree(s, renstra).walk() for i in tn.indicators)
    with pytest.raises(Invalid, match="2030 di luar periode rencana 2025–2029"):
        plans.set_targets(s, ind, renstra, [TargetIn(year=2030, period="Y", value=50)])
    with pytest.raises(Invalid, match="hanya per tahun"):
        plans.set_targets(s, ind, renstra, [TargetIn(year=2026, period="TW1", value=50)])


def test_a_failed_target_update_keeps_the_old_targets(s, org, make_renja):
    plan = make_renja(org, activities=1)
    ind = plans.load_tree(s, plan).roots[0].children[0].indicators[0]
    with pytest.raises(Invalid):
        plans.set_targets(s, ind, plan, [TargetIn(year=2026, period="Y", value=200), TargetIn(year=2031, period="Y", value=1)])
    s.rollback()
    assert plans.load_tree(s, plan).target_map(ind.id)[(2026, "Y")].value == 100


def test_stale_version_is_a_conflict(s, org, make_renja):
    plan = make_renja(org, activities=1)
    ind = plans.load_tree(s, plan).roots[0].indicators[0]
    plans.update_indicator(s, ind, IndicatorUpdate(name="Nama baru indikator", version=ind.version))
    with pytest.raises(Conflict):
        plans.update_indicator(s, ind, IndicatorUpdate(name="Nama lain", version=1))


def test_update_node_and_objectives(s, org, make_renja):
    plan = make_renja(org, activities=1)
    keg = plans.load_tree(s, plan).roots[0].children[0].node
    plans.update_node(s, keg, NodeUpdate(name="Pelayanan dan Konsultasi Pajak Daerah", pagu=2_500_000,
                                         objectives=["Meningkatnya pemahaman wajib pajak"]))
    tn = plans.load_tree(s, plan).by_id[keg.id]
    assert tn.node.name == "Pelayanan dan Konsultasi Pajak Daerah" and tn.node.pagu == 2_500_000
    assert [o.text for o in tn.objectives] == ["Meningkatnya pemahaman wajib pajak"]


def test_move_reorders_siblings(s, org, make_renja):
    plan = make_renja(org, activities=3)
    program = plans.load_tree(s, plan).roots[0]
    third = program.children[2].node
    plans.move_node(s, third, "up")
    s.commit()
    codes = [c.node.code for c in plans.load_tree(s, plan).roots[0].children]
    assert codes == ["5.02.02.2.01", "5.02.02.2.03", "5.02.02.2.02"]


def test_delete_removes_the_subtree_in_one_go(s, org, make_renja):
    plan = make_renja(org, activities=2)
    program = plans.load_tree(s, plan).roots[0].node
    count = plans.count_subtree(s, program)
    assert (count.nodes, count.indicators, count.targets) == (5, 3, 11) and count.has_dependents
    plans.delete_node(s, program)
    s.commit()
    tree = plans.load_tree(s, plan)
    assert tree.roots == [] and tree.targets == {}


def test_renja_from_renstra_copies_programs_with_that_years_targets(s, org, make_renstra):
    renstra = make_renstra(org)
    renja = plan_copy.renja_from_renstra(s, renstra, 2027)
    s.commit()
    tree = plans.load_tree(s, renja)
    program = tree.roots[0]
    sasaran = next(tn.node for tn in plans.load_tree(s, renstra).walk() if tn.node.kind == "sasaran")
    assert program.node.kind == "program" and program.node.serves_id == sasaran.id
    assert renja.renstra_id == renstra.id
    targets = tree.target_map(program.indicators[0].id)
    assert list(targets) == [(2027, "Y")] and targets[(2027, "Y")].value == 97


def test_renja_from_previous_carries_structure_without_targets(s, org, make_renja):
    previous = make_renja(org, activities=2)
    nxt = plan_copy.renja_from_previous(s, previous, 2027)
    s.commit()
    old, new = plans.load_tree(s, previous), plans.load_tree(s, nxt)
    assert [tn.node.code for tn in new.walk()] == [tn.node.code for tn in old.walk()]
    assert new.indicator_count == old.indicator_count and new.targets == {}
    assert all(tn.node.pagu is None for tn in new.walk())


def test_load_tree_is_bounded(s, engine, org, make_renja, make_org, count_queries):
    small = make_renja(org, activities=10)
    big = make_renja(make_org("BIG", "Dinas Besar"), activities=500, sub=False)
    counts = []
    for plan in (small, big):
        s.expire_all()
        with count_queries(engine) as c:
            tree = plans.load_tree(s, plan)
        counts.append(c.count)
    assert tree.indicator_count == 506
    assert counts[0] == counts[1] <= 6


def test_search_keeps_ancestors(s, org, make_renja):
    plan = make_renja(org, activities=3)
    tree = plans.load_tree(s, plan)
    keep = plans.filter_tree(tree, "sub kegiatan 2")
    codes = {tree.by_id[i].node.code for i in keep}
    assert codes == {"5.02.02", "5.02.02.2.02", "5.02.02.2.02.0001"}


def test_cascade_shows_which_sasaran_each_program_serves(s, org, make_renstra):
    renstra = make_renstra(org)
    renja = plan_copy.renja_from_renstra(s, renstra, 2026)
    plans.create_node(s, renja, NodeCreate(kind="program", code="5.02.05", name="Program tanpa sasaran"))
    rows, unlinked = plan_copy.cascade(plans.load_tree(s, renstra), plans.load_tree(s, renja))
    (row,) = rows
    assert row.sasaran.code == "SS1" and [n.code for n in row.serving] == ["5.02.02"]
    (ind, target), = row.indicators
    assert ind.code == "IKU-1" and target.value == 41
    assert [n.code for n in unlinked] == ["5.02.05"]
