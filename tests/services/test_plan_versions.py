"""Plan versions (issue 8): one plan of a unit for a year, and monitoring that follows it through its versions.

A Renja reported for TW I–II, closed, fixed, then revised mid-year: the Perubahan shows everything
reported before it, reporting continues on the same rows, closed periods keep the target they were
judged against, a removed indicator keeps its history, and every page and API that shows "the" plan
shows the version in force while the revision is open.
"""
from __future__ import annotations

import pytest

from planner.calc import Settings
from planner.errors import Conflict, Forbidden, NotFound
from planner.models.monitoring import FollowUpCreate
from planner.models.plan import NodeCreate, TargetIn
from planner.permissions import principal_for
from planner.services import acting, audit, plan_copy, plans, versions, workflow
from planner.services import monitoring as mon
from planner.services import worksheet as ws_svc

YEAR = 2026
SETTINGS = Settings()


def _lock(s, plan):
    plan.status = "locked"
    s.add(plan)
    s.flush()


def _kegiatan(s, plan):
    """The two kegiatan of the fixture Renja and their output indicators, in order."""
    tree = plans.load_tree(s, plan)
    return [(tn.node, tn.indicators[0]) for tn in tree.walk() if tn.node.kind == "kegiatan"]


@pytest.fixture
def admin(s, make_user):
    return principal_for(s, make_user("root", "admin"))


@pytest.fixture
def reported(s, org, renja, tmp_path):
    """TW I–II reported with evidence, narrative and follow-up, a budget, both quarters closed, plan fixed."""
    (keg1, ind1), (keg2, ind2) = _kegiatan(s, renja)
    for ind, values in ((ind1, (20, 30)), (ind2, (25, 25))):
        for q, v in zip(("TW1", "TW2"), values):
            mon.record_realization(s, ind, YEAR, q, value=v)
    mon.add_evidence_link(s, ind1, YEAR, "TW1", "https://contoh.go.id/laporan-tw1.pdf")
    mon.save_narrative(s, ind1, YEAR, "TW1", faktor_pendorong="Dukungan mitra", faktor_penghambat="Cuaca")
    mon.add_follow_up(s, ind1, YEAR, "TW1", FollowUpCreate(action="Percepat pelayanan keliling"))
    mon.set_budget(s, keg1, YEAR, 1_000_000, {"TW1": 200_000, "TW2": 300_000})
    ws_svc.save_step(s, keg1, "needs", {"rows": [{"service": "Layanan pajak", "stakeholder_group": "pengguna",
                                                  "need": "Antrean singkat", "method": "survei"}]})
    for q in ("TW1", "TW2"):
        mon.close_period(s, renja, YEAR, q)
    _lock(s, renja)
    s.commit()
    return renja


@pytest.fixture
def perubahan(s, reported, admin):
    rev = workflow.create_revision(s, admin, reported, "Refocusing anggaran")
    s.commit()
    return rev


def test_versions_share_one_identity_and_lineage_keys(s, reported, perubahan):
    assert perubahan.key == reported.key
    old, new = _kegiatan(s, reported), _kegiatan(s, perubahan)
    assert [n.key for n, _ in old] == [n.key for n, _ in new]
    assert [i.key for _, i in old] == [i.key for _, i in new]
    assert {n.id for n, _ in old}.isdisjoint({n.id for n, _ in new})
    old_targets = {(t.year, t.period): t.key for t in plans.load_tree(s, reported).targets[old[0][1].id]}
    new_targets = {(t.year, t.period): t.key for t in plans.load_tree(s, perubahan).targets[new[0][1].id]}
    assert old_targets == new_targets


def test_next_years_copy_starts_new_lineages(s, org, renja):
    _lock(s, renja)
    nxt = plan_copy.renja_from_previous(s, renja, YEAR + 1)
    assert nxt.key != renja.key
    assert {n.key for n, _ in _kegiatan(s, nxt)}.isdisjoint({n.key for n, _ in _kegiatan(s, renja)})


def test_in_force_and_being_edited(s, org, renja, admin):
    assert versions.plan_in_force(s, org.id, "renja", YEAR).id == renja.id  # a draft before any lock: both
    assert versions.plan_being_edited(s, org.id, "renja", YEAR).id == renja.id
    _lock(s, renja)
    assert versions.plan_being_edited(s, org.id, "renja", YEAR) is None
    rev = workflow.create_revision(s, admin, renja, "Perubahan")
    assert versions.plan_in_force(s, org.id, "renja", YEAR).id == renja.id
    assert versions.plan_being_edited(s, org.id, "renja", YEAR).id == rev.id
    _lock(s, rev)
    assert versions.plan_in_force(s, org.id, "renja", YEAR).id == rev.id
    assert versions.plan_in_force(s, org.id, "renja", YEAR + 1) is None
    assert [v.label for v in versions.version_list(s, rev)] == ["Murni", "Perubahan 1"]


def test_renstra_in_force_for_any_year_of_its_period(s, org, make_renstra, admin):
    renstra = make_renstra(org)
    _lock(s, renstra)
    rev = workflow.create_revision(s, admin, renstra, "RPJMD berubah")
    assert versions.plan_in_force(s, org.id, "renstra", 2027).id == renstra.id
    _lock(s, rev)
    assert versions.plan_in_force(s, org.id, "renstra", 2029).id == rev.id
    renja = plans.create_plan(s, plans.PlanCreate(organization_id=org.id, kind="renja", scheme="daerah", year=2027,
                                                  name="Renja 2027"))
    assert renja.renstra_id == rev.id  # the Renstra↔Renja link follows the version in force


def test_a_perubahan_shows_everything_reported_before_it(s, reported, perubahan):
    progress = mon.progress_for_plan(s, perubahan, YEAR, "TW2", SETTINGS)
    murni = mon.progress_for_plan(s, reported, YEAR, "TW2", SETTINGS)
    assert (progress.reported, progress.expected) == (murni.reported, murni.expected) == (4, 6)  # not "0 of …"
    achieved = [r.summary()["achievement"] for r in progress.rows]
    assert achieved == [r.summary()["achievement"] for r in murni.rows] and achieved[1] == pytest.approx(100.0)
    assert progress.closed_periods == ["TW1", "TW2"]
    (keg1, ind1), _ = _kegiatan(s, perubahan)
    detail = mon.period_detail(s, ind1, YEAR, "TW1")
    assert detail.realization.value == 20
    assert [e.url for e in detail.evidence] == ["https://contoh.go.id/laporan-tw1.pdf"]
    assert detail.narrative.faktor_pendorong == "Dukungan mitra"
    assert [f.action for f in detail.follow_ups] == ["Percepat pelayanan keliling"]
    assert detail.closed
    assert progress.node(keg1.id).budget.realised == 500_000  # budget realisation follows the node lineage
    sheet = ws_svc.load(s, keg1)
    assert sheet.worksheet.id is not None and sheet.needs.rows[0].service == "Layanan pajak"


def test_reporting_after_the_perubahan_continues_on_the_same_rows(s, reported, perubahan):
    _lock(s, perubahan)
    (_, new_ind), _ = _kegiatan(s, perubahan)
    (_, old_ind), _ = _kegiatan(s, reported)
    row = mon.record_realization(s, new_ind, YEAR, "TW3", value=15)
    again = mon.record_realization(s, old_ind, YEAR, "TW3", value=16)
    assert again.id == row.id  # one row per lineage and period
    assert mon.achievement_for_indicator(s, old_ind, YEAR, "TW3", SETTINGS).cells[2].realization.value == 16
    with pytest.raises(Conflict):  # closed periods stay closed in every version
        mon.record_realization(s, new_ind, YEAR, "TW1", value=99)


def test_closed_periods_keep_the_target_they_were_judged_against(s, reported, perubahan):
    (_, ind), _ = _kegiatan(s, perubahan)
    new_targets = [TargetIn(year=YEAR, period="Y", value=160)] + [
        TargetIn(year=YEAR, period=q, value=40) for q in ("TW1", "TW2", "TW3", "TW4")]
    plans.set_targets(s, ind, perubahan, new_targets)
    row = mon.achievement_for_indicator(s, ind, YEAR, "TW3", SETTINGS)
    tw1, tw2, tw3, _ = row.cells
    assert (tw1.target.value, tw2.target.value, tw3.target.value) == (25, 25, 40)
    assert tw1.target_from.id == reported.id and tw3.target_from is None
    assert row.annual_target.value == 160  # the year is not closed: the new annual target applies
    murni_row = mon.achievement_for_indicator(s, _kegiatan(s, reported)[0][1], YEAR, "TW3", SETTINGS)
    assert murni_row.cells[2].target.value == 25 and murni_row.cells[0].target_from is None


def test_an_indicator_removed_in_a_perubahan_keeps_its_history(s, reported, perubahan):
    _, (_, removed) = _kegiatan(s, perubahan)
    plans.delete_indicator(s, removed)
    progress = mon.progress_for_plan(s, perubahan, YEAR, "TW4", SETTINGS)
    assert removed.key not in {r.indicator.key for r in progress.rows}  # it stops asking for reports
    assert removed.key not in {m.row.indicator.key for m in progress.missing_reports}
    old = mon.progress_for_plan(s, reported, YEAR, "TW2", SETTINGS)
    kept = next(r for r in old.rows if r.indicator.key == removed.key)
    assert [c.realization.value for c in kept.cells[:2]] == [25, 25]  # still on the old version
    old_ind = _kegiatan(s, reported)[1][1]
    trail = audit.history(s, plan_id=reported.id)  # what the old version's history export lists
    assert {e.label for e in trail if e.object_type == "realization" and e.indicator_id == old_ind.id} >= {
        "Realisasi TW I 2026 (Dilaporkan)", "Realisasi TW II 2026 (Dilaporkan)"}


def test_every_page_and_api_shows_the_plan_in_force_while_a_revision_is_open(
        s, org, reported, perubahan, client, make_user, login, api_token):
    make_user("rev", "reviewer", org)
    assert [p.id for p in versions.plans_in_force(s, [org.id], "renja", YEAR)] == [reported.id]
    s.commit()
    api = client.get(f"/api/v1/plans?organization_id={org.id}&kind=renja&year={YEAR}&in_force=true",
                     headers=api_token("rev")).json
    assert [p["id"] for p in api["plans"]] == [reported.id]
    listed = client.get(f"/api/v1/plans/{perubahan.id}/versions", headers=api_token("rev")).json["versions"]
    assert [(v["label"], v["in_force"], v["being_edited"]) for v in listed] == [
        ("Murni", True, False), ("Perubahan 1", False, True)]
    login("rev")
    ranking = client.get(f"/monitoring?year={YEAR}&period=TW2").get_data(as_text=True)
    assert f"/plans/{reported.id}/dashboard" in ranking and f"/plans/{perubahan.id}/dashboard" not in ranking
    dash = client.get(f"/plans/{perubahan.id}/dashboard?period=TW2").get_data(as_text=True)
    assert f"/plans/{reported.id}/dashboard" in dash  # the draft's dashboard points at the version in force
    page = client.get(f"/plans/{perubahan.id}").get_data(as_text=True)
    assert "Perubahan 1" in page and "Refocusing anggaran" in page and f'/plans/{reported.id}?view=read' in page
    home = client.get("/").get_data(as_text=True)
    assert home.count('badge in-force') == 1 and f'/plans/{perubahan.id}"' in home
    row = home[home.index(f'/plans/{reported.id}"'):]
    assert row.index("badge in-force") < row.index("</tr>")  # the murni's row carries it
    diff = client.get(f"/plans/{reported.id}/diff?base={perubahan.id}")
    assert diff.status_code == 200 and "Perbandingan" in diff.get_data(as_text=True)


def test_diff_between_any_two_versions(s, reported, perubahan, admin):
    (keg, ind), _ = _kegiatan(s, perubahan)
    plans.update_node(s, keg, plans.NodeUpdate(name="Kegiatan yang diubah"))
    plans.create_node(s, perubahan, NodeCreate(kind="kegiatan", code="5.02.02.2.09", name="Kegiatan baru",
                                               parent_id=keg.parent_id))
    d = workflow.compare(s, reported, perubahan)
    assert {(c.kind, c.what) for c in d.changes} >= {("changed", "node"), ("added", "node")}
    back = workflow.compare(s, perubahan, reported)
    assert ("removed", "node") in {(c.kind, c.what) for c in back.changes}


# ---------------------------------------------------------------- rules live in the services

def test_services_refuse_an_unprivileged_principal(s, org, renja, make_user):
    """Called directly, with no page or API in between, the services still apply every rule."""
    (keg, ind), _ = _kegiatan(s, renja)
    acting.act_as(s, principal_for(s, make_user("lihat", "pengamat", org)))
    with pytest.raises(Forbidden):
        plans.create_node(s, renja, NodeCreate(kind="kegiatan", code="5.02.02.2.08", name="Kegiatan liar",
                                               parent_id=keg.parent_id))
    with pytest.raises(Forbidden):
        plans.update_indicator(s, ind, plans.IndicatorUpdate(name="Nama liar"))
    with pytest.raises(Forbidden):
        mon.record_realization(s, ind, YEAR, "TW1", value=10)
    with pytest.raises(Forbidden):
        mon.close_period(s, renja, YEAR, "TW1")
    with pytest.raises(Forbidden):
        ws_svc.save_step(s, keg, "needs", {"rows": []})
    acting.act_as(s, principal_for(s, make_user("luar", "penyusun", s.merge(_other_org(s)))))
    with pytest.raises(NotFound):  # outside the user's scope the plan does not exist
        mon.set_budget(s, keg, YEAR, 1000)
    acting.act_as(s, None)
    with pytest.raises(Forbidden):  # nobody acting is never "anyone"
        plans.move_node(s, keg, "up")


def test_services_refuse_changes_to_a_fixed_plan_even_for_its_editor(s, org, renja, make_user):
    (keg, ind), _ = _kegiatan(s, renja)
    _lock(s, renja)
    acting.act_as(s, principal_for(s, make_user("ani", "penyusun", org)))
    with pytest.raises(Conflict):
        plans.update_node(s, keg, plans.NodeUpdate(name="Diubah setelah ditetapkan"))
    with pytest.raises(Conflict):
        plans.set_targets(s, ind, renja, [])
    mon.record_realization(s, ind, YEAR, "TW1", value=10)  # reporting goes on against a fixed plan


def _other_org(s):
    from planner.services import orgs
    return orgs.create(s, "LAIN", "Dinas Lain", "perangkat_daerah", None)


def test_the_renja_follows_its_renstra_in_force(s, org, make_renstra, admin, make_user, client, login):
    """A Renja linked to the murni Renstra shows the Renstra Perubahan once it is fixed, with its
    programs still serving the (renamed) sasaran through the lineage key."""
    renstra = make_renstra(org)
    _lock(s, renstra)
    renja = plan_copy.renja_from_renstra(s, renstra, YEAR)
    rev = workflow.create_revision(s, admin, renstra, "Sasaran dirumuskan ulang")
    sasaran = next(tn.node for tn in plans.load_tree(s, rev).walk() if tn.node.kind == "sasaran")
    plans.update_node(s, sasaran, plans.NodeUpdate(name="Meningkatnya kemandirian fiskal daerah (revisi)"))
    _lock(s, rev)
    s.commit()
    make_user("ani", "penyusun", org)
    login("ani")
    page = client.get(f"/plans/{renja.id}").get_data(as_text=True)
    assert f'href="/plans/{rev.id}"' in page  # "mengacu Renstra …" links the version in force
    assert "(revisi)" in page
    cascade = page[page.index('class="panel cascade"'):page.index("</details>", page.index('class="panel cascade"'))]
    assert "Belum ada program/kegiatan yang melayani sasaran ini." not in cascade
    program = next(tn.node for tn in plans.load_tree(s, renja).walk() if tn.node.kind == "program")
    assert f"#node-{program.id}" in cascade
