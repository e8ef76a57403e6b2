"""A case's Renstra: seeded (fixed) into the sandbox before the Renja, isolated from real views, judged by S03 in
the feedback, carried by case files, kept through reset and duplicate."""
from __future__ import annotations

import copy

import pytest
from sqlmodel import select

from planner.errors import Conflict, Invalid
from planner.models import Organization, Plan, PlanNode
from planner.models.plan import IndicatorCreate, NodeCreate, NodeUpdate, TargetIn
from planner.models.training import TrainingCase
from planner.permissions import principal_for
from planner.services import accounts, acting, orgs, plans, versions
from planner.services.training import cases, classes, feedback

ROAD = "KASUS-BPJN-PEKPPP"


@pytest.fixture
def library(s):
    cases.load_library(s)
    s.commit()
    return {c.code: c for c in cases.list_cases(s)}


def act(s, username):
    acting.act_as(s, principal_for(s, accounts.by_username(s, username)))


@pytest.fixture
def klass(s, make_org, make_user, library):
    make_user("guru", "instruktur", make_org("LAN", "Lembaga Administrasi Negara", "lembaga"))
    act(s, "guru")
    k = classes.create_class(s, "PKP Angkatan Renstra")
    classes.enrol(s, k, classes.parse_roster("andi, Andi Saputra\nbudi, Budi Santoso"))
    s.commit()
    acting.act_as(s, acting.SYSTEM)
    return k


def _assign(s, klass, case, username="andi"):
    act(s, "guru")
    row = classes.assign(s, klass, case, username=username)
    s.commit()
    acting.act_as(s, acting.SYSTEM)
    return row


def _renstra(s, org_id) -> list[Plan]:
    return list(s.exec(select(Plan).where(Plan.organization_id == org_id, Plan.kind == "renstra")))


def _s03(fb) -> list:
    return [f for f in fb.open_findings if f.rule == "S03"]


def test_every_library_case_seeds_a_sandbox(s, klass, library):
    for n, case in enumerate(library.values()):
        act(s, "guru")
        row = classes.assign(s, klass, case, username="andi" if n % 2 else "budi")
        assert s.get(Plan, row.plan_id).kind == "renja"
        assert bool(_renstra(s, row.organization_id)) == bool(case.start.get("renstra"))


@pytest.mark.parametrize("code", [ROAD, "KASUS-KEMENLU-PWNI"])
def test_assigning_the_case_seeds_its_renstra_fixed_and_isolated(s, klass, library, org, make_renstra, code):
    real = make_renstra(org)
    row = _assign(s, klass, library[code])
    [renstra] = _renstra(s, row.organization_id)
    renja = s.get(Plan, row.plan_id)
    assert renstra.status == "locked" and renja.renstra_id == renstra.id
    tree = plans.load_tree(s, renstra)
    assert [tn.node.kind for tn in tree.walk()][:2] == ["tujuan", "sasaran"]
    assert {tn.node.code for tn in tree.walk() if tn.node.kind == "sasaran"} == {"SS1", "SS2"}
    assert all(tree.target_map(i.id).get((2026, "Y")) for tn in tree.walk() for i in tn.indicators)
    # isolated: no real view lists it, and the real unit's Renstra is untouched
    assert renstra.id not in {p.id for p in plans.list_plans(s)}
    assert renstra.id not in {p.id for p in versions.plans_in_force(s, None, "renstra", 2026)}
    assert real.id in {p.id for p in plans.list_plans(s)}
    assert row.organization_id not in {o.id for o in orgs.all_orgs(s)}
    # fixed: the trainee drafts the Renja, not the Renstra
    act(s, "andi")
    sasaran = next(tn.node for tn in tree.walk() if tn.node.kind == "sasaran")
    with pytest.raises(Conflict):
        plans.update_node(s, sasaran, NodeUpdate(name="Sasaran yang diubah peserta"))


def test_a_renja_without_the_link_gets_s03_and_the_link_raises_the_score(s, klass, library):
    row = _assign(s, klass, library[ROAD])
    act(s, "andi")
    plan = s.get(Plan, row.plan_id)
    program = plans.load_tree(s, plan).roots[0].node
    kegiatan = plans.create_node(s, plan, NodeCreate(kind="kegiatan", code="6299", parent_id=program.id,
                                                     name="Pelayanan izin pemanfaatan ruang milik jalan"))
    plans.create_indicator(s, kegiatan, IndicatorCreate(
        name="Persentase permohonan izin rumija yang diselesaikan sesuai standar waktu", level="output", unit="%",
        accumulation="last", targets=[TargetIn(year=2026, period="Y", value=90)]))
    before = feedback.refresh(s, row, working=True)
    assert [f.node_id for f in _s03(before)] == [program.id] and _s03(before)[0].severity == "error"
    assert any(h.kind == "check" and "sasaran strategis Renstra" in h.text for h in before.hints)
    renstra_id = s.get(Plan, row.plan_id).renstra_id
    ss1 = s.exec(select(PlanNode).where(PlanNode.plan_id == renstra_id, PlanNode.code == "SS1")).one()
    plans.update_node(s, program, NodeUpdate(serves_id=ss1.id))
    after = feedback.refresh(s, row, working=True)
    assert not _s03(after)
    assert after.result.score > before.result.score and after.findings_count < before.findings_count
    assert [e.score for e in feedback.history(s, row)][:2] == [after.result.score, before.result.score]


def test_a_case_without_a_renstra_is_not_judged_on_s03(s, klass, library):
    row = _assign(s, klass, library["KASUS-BAPENDA-PAJAK"])
    assert not _renstra(s, row.organization_id) and s.get(Plan, row.plan_id).renstra_id is None
    assert not _s03(feedback.compute(s, row))


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_case_export_and_import_keep_the_renstra(s, klass, library, fmt):
    road = library[ROAD]
    data = cases.parse_file(cases.export_text(road, fmt).encode())
    assert data["start"]["renstra"] == road.start["renstra"] or fmt == "json"  # JSON writes year keys as text
    data["code"] = f"KASUS-SALINAN-{fmt.upper()}"
    act(s, "guru")
    copy = cases.import_file(s, cases.export_text(TrainingCase(**data), fmt).encode())
    assert copy.id != road.id
    assert [n["code"] for n in copy.start["renstra"]["nodes"][0]["children"]] == ["SS1", "SS2"]
    row = _assign(s, klass, copy, "budi")
    [renstra] = _renstra(s, row.organization_id)
    assert plans.load_tree(s, renstra).indicator_count == 4


def test_a_bad_renstra_is_refused_naming_what_is_wrong(s, library):
    data = copy.deepcopy(cases.as_dict(library[ROAD]))
    ss1 = data["start"]["renstra"]["nodes"][0]["children"][0]
    targets = ss1["indicators"][0]["targets"]
    targets.pop(2027, None) or targets.pop("2027")  # stored as JSON: the year keys are text
    with pytest.raises(Invalid, match="start.renstra: .*tahun 2027"):
        cases.validate(data)
    data = copy.deepcopy(cases.as_dict(library[ROAD]))
    data["start"]["nodes"][0]["serves"] = "SS9"
    with pytest.raises(Invalid, match="SS9"):
        cases.validate(data)
    data["start"]["renstra"]["plan"]["first_year"] = 2027
    with pytest.raises(Invalid, match="tahun kasus 2026"):
        cases.validate(data)


def test_a_start_the_plan_services_refuse_is_refused_when_saved(s, klass, library):
    data = copy.deepcopy(cases.as_dict(library[ROAD]))
    data["start"]["nodes"][0]["code"] = "033.FC"  # off the K/L program format (the library's own slip, once)
    act(s, "guru")
    with pytest.raises(Invalid, match="start: Kode '033.FC'"):
        cases.save(s, data, library[ROAD])
    s.rollback()
    assert library[ROAD].start["nodes"][0]["code"] == "033.04.FC"
    assert not s.exec(select(Organization).where(Organization.code.like("UJI-%"))).all()


def test_reset_duplicate_and_delete_keep_one_linked_renstra(s, klass, library):
    row = _assign(s, klass, library[ROAD])
    act(s, "andi")
    plan = s.get(Plan, row.plan_id)
    program = plans.load_tree(s, plan).roots[0].node
    ss2 = s.exec(select(PlanNode).where(PlanNode.plan_id == plan.renstra_id, PlanNode.code == "SS2")).one()
    plans.update_node(s, program, NodeUpdate(serves_id=ss2.id))
    plans.create_node(s, plan, NodeCreate(kind="program", code="033.04.WA", name="Program Dukungan Manajemen"))
    act(s, "guru")
    copy = classes.duplicate(s, row, "budi")
    copy_plan = s.get(Plan, copy.plan_id)
    [copy_renstra] = _renstra(s, copy.organization_id)
    assert copy_plan.renstra_id == copy_renstra.id != plan.renstra_id
    served = {tn.node.code: tn.node.serves_id and s.get(PlanNode, tn.node.serves_id)
              for tn in plans.load_tree(s, copy_plan).roots}
    assert served["033.04.FC"].code == "SS2" and served["033.04.FC"].plan_id == copy_renstra.id
    assert served["033.04.WA"] is None
    classes.reset(s, row)
    [renstra] = _renstra(s, row.organization_id)
    assert s.get(Plan, row.plan_id).renstra_id == renstra.id
    assert not plans.load_tree(s, s.get(Plan, row.plan_id)).roots[0].node.serves_id  # the case's start again
    classes.delete_class(s, klass)
    s.commit()
    assert not s.exec(select(Plan).where(Plan.organization_id.in_([row.organization_id, copy.organization_id]))).all()
    assert s.get(Organization, copy.organization_id) is None
