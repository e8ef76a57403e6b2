"""`planner demo` gives a year to look at (issue 10): realisation TW I–III for the five units, budgets,
settings per organisation, a review history with a Renja Perubahan, and the seed facts corrected.

One test loads the whole demo once (it is the slow part) and checks everything a newcomer, a trainee and a
reviewer would look at, dashboards included.
"""
from __future__ import annotations

import yaml
from sqlmodel import select

from planner import migrate
from planner.calc import ipp_category
from planner.config import ROOT
from planner.db import make_engine
from planner.models import AuditEntry, Comment, Indicator, Organization, Plan, PlanNode, Target
from planner.models import ActionStep, Worksheet
from planner.permissions import principal_for
from planner.services import accounts, demo, seeds, workflow
from planner.services import monitoring as mon
from planner.services import settings as org_settings

SEEDS = ROOT / "seeds"
UNITS = ["BAPENDA-KALBAR", "BPJN-KALBAR", "DISDUKCAPIL-PWK", "KEMENLU-PWNI", "SETKAB-DKK"]
COLOURS = ["tercapai", "on_track", "perlu_perhatian", "kritis", "belum_dilaporkan", "tidak_dapat_dihitung"]


def _load(s):
    counts = seeds.load_demo(s, SEEDS) | demo.load_year(s, SEEDS)
    s.commit()
    return counts


def _renja(s, code: str) -> Plan:
    org = s.exec(select(Organization).where(Organization.code == code)).one()
    return s.exec(select(Plan).where(Plan.organization_id == org.id, Plan.kind == "renja",
                                     Plan.revision_number == 0)).one()


def _indicator(s, plan: Plan, code: str) -> Indicator:
    return s.exec(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.code == code)).one()


def test_the_demo_has_a_year_to_show(s, client, login):
    first = _load(s)
    assert first["realisations"] > 250 and first["budgets"] > 40 and first["reviews"] == 5
    assert first["settings"] == 2

    # Idempotent: a second run adds nothing.
    again = _load(s)
    assert {"organizations", "plans", "users", "worksheets", "settings", "realisations", "budgets",
            "reviews"} <= set(again) and set(again.values()) == {0}

    # Every unit's dashboard shows every status colour, the spending flag and the settings it used.
    web = login("admin", seeds.DEMO_PASSWORD)
    for code in UNITS:
        plan = _renja(s, code)
        settings = org_settings.for_plan(s, plan, org_settings.Settings())
        counts = mon.progress_for_plan(s, plan, 2026, "TW3", settings, with_trend=False).status_counts
        assert all(counts[c] > 0 for c in COLOURS), (code, counts)
        html = web.get(f"/plans/{plan.id}/dashboard?period=TW3").get_data(as_text=True)
        for colour in COLOURS:
            assert f'class="st-badge st-{colour}"' in html, (code, colour)
        assert 'id="settings-used"' in html

    # Disdukcapil's own settings (T/R) explain the not-computable same-day birth certificates; Bapenda
    # inherits the province's tolerance of 10 points.
    dukcapil = _renja(s, "DISDUKCAPIL-PWK")
    s_dukcapil = org_settings.for_plan(s, dukcapil, org_settings.Settings())
    row = mon.achievement_for_indicator(s, _indicator(s, dukcapil, "IKK-5"), 2026, "TW3", s_dukcapil)
    assert row.status == "tidak_dapat_dihitung" and "T / R" in row.progress.achievement.formula
    assert "pengaturan Dinas Kependudukan" in row.progress.achievement.formula
    ikd = mon.achievement_for_indicator(s, _indicator(s, dukcapil, "IKP-2"), 2026, "TW1", s_dukcapil)
    assert ikd.progress.achievement.value == 100.0 and ikd.status == "tercapai"  # 17 % against TW I's 17 %
    bapenda = org_settings.effective(s, _renja_org(s, "BAPENDA-KALBAR"), org_settings.Settings())
    assert bapenda.settings.tolerance == 10 and bapenda.source.code == "PEMPROV-KALBAR"

    # Evidence, narrative, follow-up and verification are there.
    ipp = _indicator(s, _renja(s, "BPJN-KALBAR"), "IKK-4")
    detail = mon.period_detail(s, ipp, 2026, "TW3")
    assert detail.evidence and detail.narrative.faktor_pendorong
    assert mon.get_realization(s, ipp, 2026, "TW1").status == "verified"
    assert mon.get_realization(s, ipp, 2026, "TW1").value == 3.502

    # The review history of Setkab's Renja and its Perubahan, waiting in the reviewer's queue.
    setkab = _renja(s, "SETKAB-DKK")
    actions = [e.action for e in s.exec(select(AuditEntry).where(AuditEntry.plan_id == setkab.id,
                                                                AuditEntry.object_type == "plan")
                                        .order_by(AuditEntry.id))]
    assert [a for a in actions if a in ("submit", "return", "approve", "lock")] == [
        "submit", "return", "submit", "approve", "lock"]
    comment = s.exec(select(Comment).where(Comment.plan_id == setkab.id, Comment.parent_id == None)).one()  # noqa
    assert comment.object_type == "indicator"
    revision = s.exec(select(Plan).where(Plan.revision_of_id == setkab.id)).one()
    assert revision.revision_reason and revision.status == "submitted"
    reviewer = principal_for(s, accounts.by_username(s, "reviewer"))
    assert [p.id for p, _ in workflow.review_queue(s, reviewer)] == [revision.id]
    assert all(_renja(s, c).status == "locked" for c in UNITS)

    # Seed facts: a Balai (BPJN), a semester indicator with S1/S2 targets, and the worksheet's starting
    # category agreeing with the Renja baseline.
    bpjn = s.exec(select(Organization).where(Organization.code == "BPJN-KALBAR")).one()
    assert bpjn.name.startswith("Balai Pelaksanaan Jalan Nasional")
    ikm = _indicator(s, _renja(s, "BPJN-KALBAR"), "IKK-5")
    assert ikm.frequency == "semester"
    assert {t.period for t in s.exec(select(Target).where(Target.indicator_id == ikm.id))} == {"Y", "S1", "S2"}
    start = ipp_category(ipp.baseline_value)
    sheet = next(w for w in yaml.safe_load((SEEDS / "worksheets.yaml").read_text("utf-8"))["worksheets"]
                 if w["organization"] == "BPJN-KALBAR")
    assert f"kategori awal {start.code}" in yaml.safe_dump(sheet, allow_unicode=True)

    # Its public-service activity sits where a K/L structure puts it: an RO under the directorate's kegiatan,
    # carrying the worksheet and the action plan (program → kegiatan → KRO → RO).
    renja = _renja(s, "BPJN-KALBAR")
    (ws,) = s.exec(select(Worksheet).join(PlanNode, Worksheet.node_id == PlanNode.id)
                   .where(PlanNode.plan_id == renja.id)).all()
    chain, node = [], s.get(PlanNode, ws.node_id)
    while node is not None:
        chain.append((node.kind, node.code))
        node = s.get(PlanNode, node.parent_id) if node.parent_id else None
    assert [k for k, _ in reversed(chain)] == ["program", "kegiatan", "kro", "ro"] and chain[2][1] == "2400"
    steps = s.exec(select(ActionStep).where(ActionStep.plan_id == renja.id)).all()
    assert steps and {st.node_id for st in steps} == {ws.node_id}
    assert not s.exec(select(PlanNode).where(PlanNode.plan_id == renja.id, PlanNode.code == "2410")).first()


def _renja_org(s, code):
    return s.exec(select(Organization).where(Organization.code == code)).one()


def test_reset_drops_every_table(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    migrate.upgrade(eng)
    demo.reset(eng)
    from sqlalchemy import inspect
    assert inspect(eng).get_table_names() == []
    eng.dispose()
