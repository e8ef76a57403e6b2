"""Review and approval rules of issue #11, enforced in the workflow service: basic checks before
submission, approving with open comments, penetapan with its decree and after the Renstra."""
from __future__ import annotations

from datetime import date

import pytest

from planner.errors import Conflict, Invalid
from planner.models.plan import IndicatorCreate, NodeCreate, PlanCreate, TargetIn
from planner.permissions import principal_for
from planner.services import audit, plans, tasks, workflow

SK = workflow.Decree("050/123/BAPENDA/2026", date(2026, 1, 10))


@pytest.fixture
def people(s, org, make_user):
    users = {role: make_user(role, role, org) for role in ("penyusun", "reviewer", "pimpinan")}
    users["admin"] = make_user("root", "admin")
    return {role: principal_for(s, u) for role, u in users.items()}


def act(s, who, plan, action, note="", **kw):
    audit.set_actor(s, who.user.id, who.user.username)
    return workflow.transition(s, who, plan, action, note, **kw)


def test_an_empty_plan_cannot_be_submitted(s, org, people):
    plan = plans.create_plan(s, PlanCreate(organization_id=org.id, kind="renja", scheme="daerah", year=2026,
                                           name="Renja kosong"))
    with pytest.raises(Invalid, match="belum memiliki simpul") as exc:
        act(s, people["penyusun"], plan, "submit")
    assert exc.value.field == "checks" and plan.status == "draft"
    plans.create_node(s, plan, NodeCreate(kind="program", code="5.02.02", name="Program Pendapatan"))
    with pytest.raises(Invalid, match="belum memiliki indikator"):
        act(s, people["penyusun"], plan, "submit")


def test_an_indicator_without_its_annual_target_stops_the_submission(s, renja, people):
    keg = next(tn.node for tn in plans.load_tree(s, renja).walk() if tn.node.kind == "kegiatan")
    plans.create_indicator(s, keg, IndicatorCreate(name="Jumlah dokumen pajak", level="output", unit="dokumen",
                                                   accumulation="sum"))
    with pytest.raises(Invalid, match="T01") as exc:
        act(s, people["penyusun"], renja, "submit")
    assert "Jumlah dokumen pajak" in exc.value.message and renja.status == "draft"


def test_approving_with_open_comments_asks_for_confirmation(s, renja, people):
    act(s, people["penyusun"], renja, "submit")
    workflow.add_comment(s, people["reviewer"], renja, "Target TW IV terlalu rendah")
    with pytest.raises(Conflict, match="1 komentar reviu terbuka") as exc:
        act(s, people["pimpinan"], renja, "approve")
    assert exc.value.field == "confirm_open_comments" and renja.status == "submitted"
    act(s, people["pimpinan"], renja, "approve", confirm_open_comments=True)
    assert renja.status == "approved"


def test_penetapan_records_the_decree(s, renja, people):
    act(s, people["penyusun"], renja, "submit")
    act(s, people["pimpinan"], renja, "approve")
    with pytest.raises(Invalid) as exc:
        act(s, people["pimpinan"], renja, "lock")
    assert exc.value.field == "decree_number"
    with pytest.raises(Invalid) as exc:
        act(s, people["pimpinan"], renja, "lock", decree=workflow.Decree("050/123", None))
    assert exc.value.field == "decree_date" and renja.status == "approved"
    act(s, people["pimpinan"], renja, "lock", decree=SK)
    assert (renja.status, renja.decree_number, renja.decree_date) == ("locked", SK.number, SK.date)
    entry = next(e for e in audit.history(s, plan_id=renja.id) if e.action == "lock")
    assert entry.changes["decree_number"] == [None, SK.number]
    assert entry.changes["decree_date"] == [None, "2026-01-10"]
    assert not [e for e in audit.history(s, plan_id=renja.id) if e.action == "update" and e.object_type == "plan"]


def test_a_renja_waits_for_its_renstra_unless_an_admin_overrides_with_a_reason(s, org, people, make_renstra,
                                                                               make_renja):
    renstra = make_renstra(org)
    renja = make_renja(org, renstra=renstra)
    act(s, people["penyusun"], renja, "submit")
    act(s, people["pimpinan"], renja, "approve")
    with pytest.raises(Conflict, match="Renstra 2025–2029 yang diacunya belum ditetapkan") as exc:
        act(s, people["pimpinan"], renja, "lock", decree=SK)
    assert exc.value.field == "renstra_id"
    with pytest.raises(Invalid) as exc:
        act(s, people["admin"], renja, "lock", decree=SK)
    assert exc.value.field == "override_reason"
    act(s, people["admin"], renja, "lock", decree=SK, override_reason="Renstra menunggu Perda; Renja wajib terbit")
    entry = next(e for e in audit.history(s, plan_id=renja.id) if e.action == "lock")
    assert entry.changes["override_reason"] == [None, "Renstra menunggu Perda; Renja wajib terbit"]
    assert renja.status == "locked"


def test_a_renja_whose_renstra_is_fixed_is_fixed_without_override(s, org, people, make_renstra, make_renja):
    renstra = make_renstra(org)
    for who, action in (("penyusun", "submit"), ("pimpinan", "approve")):
        act(s, people[who], renstra, action)
    act(s, people["pimpinan"], renstra, "lock", decree=SK)
    renja = make_renja(org, renstra=renstra)
    act(s, people["penyusun"], renja, "submit")
    act(s, people["pimpinan"], renja, "approve")
    act(s, people["pimpinan"], renja, "lock", decree=workflow.Decree("050/124/BAPENDA/2026", date(2026, 1, 12)))
    assert renja.status == "locked"


def test_the_return_note_waits_for_the_penyusun_until_the_next_submission(s, renja, people):
    act(s, people["penyusun"], renja, "submit")
    act(s, people["reviewer"], renja, "return", "Lengkapi target triwulan kegiatan 2")
    note = workflow.return_note(s, renja)
    assert (note.note, note.username) == ("Lengkapi target triwulan kegiatan 2", "reviewer")
    mine = tasks.for_user(s, people["penyusun"], 2026, with_reports=False)
    assert mine.returned == [renja] and mine.return_notes[renja.id].note == "Lengkapi target triwulan kegiatan 2"
    act(s, people["penyusun"], renja, "submit")
    assert workflow.return_note(s, renja) is None
