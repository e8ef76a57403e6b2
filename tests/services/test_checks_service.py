"""Plan checks on stored plans: loading in bounded statements, acknowledgements across versions,
the demo plans, the review screen rows, the cascade and ``planner check``."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from planner import create_app
from planner.errors import Forbidden, Invalid, NotFound
from planner.models.plan import IndicatorUpdate
from planner.permissions import principal_for
from planner.services import cascade, checks, plan_copy, plans, review_screen, versions, workflow


@pytest.fixture
def reviewer(s, org, make_user):
    return principal_for(s, make_user("rina", "reviewer", org))


def _m01(report, indicator_id):
    return next(f for f in report.findings if f.rule == "M01" and f.indicator_id == indicator_id)


def test_plan_data_reads_a_plan_in_bounded_statements(s, org, make_org, make_renja, make_renstra, count_queries):
    renstra = make_renstra(org)
    small = make_renja(org, year=2026, activities=2, renstra=renstra)
    big = make_renja(make_org("BIG", "Dinas Besar"), year=2026, activities=120)
    counts = []
    for plan in (small, big):
        s.expire_all()
        with count_queries(s.get_bind()) as c:
            data = checks.plan_data(s, plan)
        counts.append(c.count)
        assert len(data.nodes) == len(plans.load_tree(s, plan).by_id)
    assert counts[1] <= counts[0] <= 16, counts  # 120 activities cost no more than 2


def test_renja_is_read_against_its_renstra(s, org, make_renja, make_renstra):
    renstra = make_renstra(org)
    renja = plan_copy.renja_from_renstra(s, renstra, 2026)
    data = checks.plan_data(s, renja)
    program = next(n for n in data.nodes if n.kind == "program")
    assert program.serves == "SS1" and data.has_renstra
    ind = program.indicators[0]
    assert ind.renstra_counterpart and ind.renstra_target.value == 96  # 95 + 2026 - 2025
    report = checks.check_plan(s, renja)
    assert not [f for f in report.findings if f.rule in ("S03", "T02")]
    # The Renja's target drifts from the Renstra's: T02 says so.
    plans.set_targets(s, plans.get_indicator(s, ind.id), renja, [plans.TargetIn(year=2026, period="Y", value=90)])
    found = [f for f in checks.check_plan(s, renja).findings if f.rule == "T02"]
    assert found and "(90)" in found[0].message and "(96)" in found[0].message


def test_acknowledgement_survives_a_revision(s, org, renja, reviewer, make_user):
    tree = plans.load_tree(s, renja)
    ind = tree.roots[0].children[0].indicators[0]  # no definition, formula, ... : an M01 finding
    finding = checks.acknowledge(s, reviewer, "M01", ind.id, "Metadata ada di lampiran Renja")
    assert finding.acknowledged
    report = checks.check_plan(s, renja)
    assert _m01(report, ind.id).acknowledged
    admin = principal_for(s, make_user("root", "admin"))
    renja.status = "locked"
    revision = workflow.create_revision(s, admin, renja, "Penyesuaian pagu")
    new_ind = plans.load_tree(s, revision).roots[0].children[0].indicators[0]
    again = _m01(checks.check_plan(s, revision), new_ind.id)
    assert new_ind.id != ind.id and again.acknowledged and again.ack_reason == "Metadata ada di lampiran Renja"


def test_acknowledging_needs_the_right_a_reason_and_a_real_finding(s, org, renja, reviewer, make_user, make_org):
    ind = plans.load_tree(s, renja).roots[0].children[0].indicators[0]
    drafter = principal_for(s, make_user("ani", "penyusun", org))
    with pytest.raises(Forbidden):
        checks.acknowledge(s, drafter, "M01", ind.id, "Boleh")
    with pytest.raises(Invalid, match="Alasan"):
        checks.acknowledge(s, reviewer, "M01", ind.id, "  ")
    with pytest.raises(Invalid, match="Tidak ada temuan K01"):
        checks.acknowledge(s, reviewer, "K01", ind.id, "Tidak relevan")
    with pytest.raises(NotFound):
        checks.acknowledge(s, reviewer, "X99", ind.id, "Tidak relevan")
    outsider = principal_for(s, make_user("budi", "reviewer", make_org("LAIN", "Dinas Lain")))
    with pytest.raises(NotFound):
        checks.acknowledge(s, outsider, "M01", ind.id, "Boleh")
    # Fixing the indicator makes the finding go away: nothing left to accept.
    plans.update_indicator(s, ind, IndicatorUpdate(definition="D", formula="Σ layanan", data_source="SIMPAD",
                                                   responsible="Bidang", baseline_value=10))
    with pytest.raises(Invalid):
        checks.acknowledge(s, reviewer, "M01", ind.id, "Boleh")


def test_withdrawing_an_acknowledgement(s, renja, reviewer):
    ind = plans.load_tree(s, renja).roots[0].children[0].indicators[0]
    checks.acknowledge(s, reviewer, "M01", ind.id, "Lampiran")
    checks.withdraw(s, reviewer, "M01", ind.id)
    assert not _m01(checks.check_plan(s, renja), ind.id).acknowledged
    with pytest.raises(Invalid):
        checks.withdraw(s, reviewer, "M01", ind.id)


def test_demo_plans_score_high_with_few_real_findings(s, demo):
    for plan in plans.list_plans(s):  # real plans: the demo class's training drafts are unfinished work
        report = checks.check_plan(s, plan)
        assert report.score >= 90, (plan.name, report.score)
        assert len(report.findings) <= 8, (plan.name, [f.message for f in report.findings])
        if plan.kind == "renja":  # every demo Renja follows its Renstra and targets agree with it
            assert not [f for f in report.findings if f.rule in ("S03", "T02", "M01", "T03")]


def test_review_screen_rows(s, org, make_org, make_renja, make_user):
    other = make_org("DISHUB", "Dinas Perhubungan")
    make_org("UPT-X", "UPT Tanpa Rencana", kind="upt", parent=org)
    plan = make_renja(org)
    make_renja(other)
    p = principal_for(s, make_user("rina", "reviewer", org))
    workflow.transition(s, principal_for(s, make_user("ani", "penyusun", org)), plan, "submit")
    rows = review_screen.unit_rows(s, p, 2026)
    assert {r.org.code for r in rows} == {"BAPENDA", "UPT-X"}  # the scope only; a unit without a plan shows
    mine = next(r for r in rows if r.plan)
    assert mine.status == "submitted" and mine.days_in_review == 0 and mine.report.score < 100
    assert [r.org.code for r in review_screen.filter_rows(rows, status="none")] == ["UPT-X"]
    assert [r.org.code for r in review_screen.filter_rows(rows, q="bapenda")] == ["BAPENDA"]
    assert review_screen.sort_rows(rows, "score")[-1].plan is None


def test_versions_pick_the_plan_in_force_and_the_one_being_edited(s, org, renja, make_user):
    assert versions.plan_being_edited(s, org.id, "renja", 2026).id == renja.id
    assert versions.plan_in_force(s, org.id, "renja", 2026).id == renja.id  # no locked one yet: the draft
    renja.status = "locked"
    rev = workflow.create_revision(s, principal_for(s, make_user("root", "admin")), renja, "Perubahan")
    assert versions.plan_in_force(s, org.id, "renja", 2026).id == renja.id
    assert versions.plan_being_edited(s, org.id, "renja", 2026).id == rev.id
    assert versions.plan_in_force(s, org.id, "renja", 2030) is None


def test_cascade_puts_a_renja_under_the_sasaran_it_serves(s, org, make_renstra):
    renstra = make_renstra(org)
    renja = plan_copy.renja_from_renstra(s, renstra, 2026)
    picture = cascade.for_plan(s, renja)
    tujuan = picture.roots[0]
    assert tujuan.kind == "tujuan" and tujuan.status == "context"
    sasaran = tujuan.children[0]
    assert [c.kind for c in sasaran.children] == ["program"]
    collapsed = cascade.for_plan(s, renja, collapsed=[sasaran.key])
    assert collapsed.roots[0].children[0].collapsed and collapsed.size == 2
    with pytest.raises(Invalid):
        cascade.for_plan(s, renstra, mode="achievement")


def test_cascade_across_units(s, org, make_org, make_renstra):
    pemda = make_org("PEMPROV", "Pemerintah Provinsi", kind="pemda")
    unit = make_org("DINKES", "Dinas Kesehatan", parent=pemda)
    make_renstra(unit)
    picture = cascade.for_organization(s, pemda, 2026, None)
    root = picture.roots[0]
    assert root.kind == "org" and [c.code for c in root.children] == ["DINKES"]
    kinds = [n.kind for n in root.walk()]
    assert "sasaran" in kinds and "program" not in kinds  # down to the sasaran by default
    deep = cascade.for_organization(s, pemda, 2026, None, depth="all")
    assert "program" in [n.kind for n in deep.roots[0].walk()]
    assert cascade.for_organization(s, pemda, 2026, readable=set()).roots == []


def _cli(args, database_url):
    from planner.cli import main
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "x"})
    return CliRunner().invoke(main, args, obj=__import__("flask.cli", fromlist=["ScriptInfo"]).ScriptInfo(
        create_app=lambda: app))


def test_planner_check_command(s, org, renja, make_org, make_renja, database_url):
    s.commit()
    res = _cli(["check", "--org", "BAPENDA", "--year", "2026", "--json"], database_url)
    findings = json.loads(res.output)
    assert {"rule", "severity", "node_id", "indicator_id", "message"} <= set(findings[0])
    assert res.exit_code == (1 if any(f["severity"] == "error" for f in findings) else 0)
    text = _cli(["check", "--org", "BAPENDA", "--year", "2026"], database_url)
    assert "Skor mutu:" in text.output and "[M01]" in text.output
    assert _cli(["check", "--org", "NOPE", "--year", "2026"], database_url).exit_code == 2
    assert _cli(["check", "--org", "BAPENDA", "--year", "2031"], database_url).exit_code == 2


def test_planner_check_exit_code_follows_errors(s, org, make_renja, database_url):
    plan = make_renja(org, activities=1)
    keg = plans.load_tree(s, plan).roots[0].children[0]
    plans.delete_indicator(s, keg.indicators[0])  # a kegiatan without an output indicator: S01 error
    s.commit()
    res = _cli(["check", "--org", "BAPENDA", "--year", "2026", "--json"], database_url)
    assert res.exit_code == 1 and any(f["rule"] == "S01" and f["severity"] == "error" for f in json.loads(res.output))
