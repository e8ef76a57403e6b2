"""Transitions, revisions and their diff, schedule windows, comments, and the audit trail."""
from __future__ import annotations

from datetime import date

import pytest

from planner.errors import Conflict, Forbidden, Invalid
from planner.models.plan import IndicatorUpdate, NodeCreate, NodeUpdate, TargetIn
from planner.permissions import principal_for
from planner.services import audit, plans, schedules, workflow


@pytest.fixture
def people(s, org, make_user):
    users = {role: make_user(role, role, org) for role in ("penyusun", "reviewer", "pimpinan", "pengamat")}
    users["admin"] = make_user("root", "admin")
    return {role: principal_for(s, u) for role, u in users.items()}


def walk(s, people, plan, *steps):
    for role, action, note in steps:
        audit.set_actor(s, people[role].user.id, people[role].user.username)
        workflow.transition(s, people[role], plan, action, note, decree=SK if action == "lock" else None)
    return plan


SK = workflow.Decree("100/KEP/BAPENDA/2026", date(2026, 1, 5))


def test_the_whole_cycle(s, people, renja):
    walk(s, people, renja, ("penyusun", "submit", ""), ("reviewer", "return", "Target TW kurang jelas"),
         ("penyusun", "submit", ""), ("pimpinan", "approve", ""), ("pimpinan", "lock", ""))
    assert renja.status == "locked"
    actions = [e.action for e in reversed(audit.history(s, plan_id=renja.id)) if e.object_type == "plan"]
    assert actions[-5:] == ["submit", "return", "submit", "approve", "lock"]
    returned = next(e for e in audit.history(s, plan_id=renja.id) if e.action == "return")
    assert returned.note == "Target TW kurang jelas" and returned.changes == {"status": ["submitted", "returned"]}
    assert returned.username == "reviewer"


@pytest.mark.parametrize("role, action, status, error", [
    ("pengamat", "submit", "draft", Forbidden),
    ("penyusun", "approve", "submitted", Forbidden),
    ("reviewer", "lock", "approved", Forbidden),
    ("penyusun", "reopen", "locked", Forbidden),
    ("reviewer", "approve", "draft", Conflict),
    ("pimpinan", "lock", "submitted", Conflict),
])
def test_transitions_refused(s, people, renja, role, action, status, error):
    renja.status = status
    with pytest.raises(error):
        workflow.transition(s, people[role], renja, action, "catatan")


def test_return_and_reopen_need_a_note(s, people, renja):
    walk(s, people, renja, ("penyusun", "submit", ""))
    with pytest.raises(Invalid) as exc:
        workflow.transition(s, people["reviewer"], renja, "return", "  ")
    assert exc.value.field == "note"
    walk(s, people, renja, ("reviewer", "approve", ""), ("pimpinan", "lock", ""))
    with pytest.raises(Invalid):
        workflow.transition(s, people["admin"], renja, "reopen", "")
    workflow.transition(s, people["admin"], renja, "reopen", "Salah ketik pagu")
    assert renja.status == "draft"


def test_locked_plan_refuses_edits(s, people, renja):
    walk(s, people, renja, ("penyusun", "submit", ""))
    with pytest.raises(Conflict, match="tidak dapat diubah"):
        plans.ensure_editable(s, renja)


def test_revision_copies_everything_and_diff_shows_changes(s, people, renja):
    walk(s, people, renja, ("penyusun", "submit", ""), ("pimpinan", "approve", ""), ("pimpinan", "lock", ""))
    with pytest.raises(Invalid):
        workflow.create_revision(s, people["penyusun"], renja, "")
    rev = workflow.create_revision(s, people["penyusun"], renja, "Refocusing anggaran")
    s.commit()
    assert (rev.status, rev.revision_number, rev.revision_of_id) == ("draft", 1, renja.id)
    old, new = plans.load_tree(s, renja), plans.load_tree(s, rev)
    assert [tn.node.code for tn in new.walk()] == [tn.node.code for tn in old.walk()]
    assert [tn.node.pagu for tn in new.walk()] == [tn.node.pagu for tn in old.walk()]
    with pytest.raises(Conflict, match="masih terbuka"):
        workflow.create_revision(s, people["penyusun"], renja, "Lagi")

    keg1, keg2 = new.roots[0].children
    plans.update_node(s, keg1.node, NodeUpdate(name="Kegiatan 1 diperluas", pagu=2_500_000))
    plans.delete_node(s, keg2.node)
    plans.create_node(s, rev, NodeCreate(kind="kegiatan", code="5.02.02.2.09", parent_id=new.roots[0].node.id,
                                         name="Kegiatan baru"))
    ind = keg1.indicators[0]
    plans.update_indicator(s, ind, IndicatorUpdate(unit="wajib pajak"))
    plans.set_targets(s, ind, rev, [TargetIn(year=2026, period="Y", value=120)])
    s.commit()
    d = workflow.diff(s, rev)
    kinds = {(c.kind, c.what, c.label.split(" ")[0]) for c in d.changes}
    assert ("removed", "node", "5.02.02.2.02") in kinds
    assert ("added", "node", "5.02.02.2.09") in kinds
    changed = next(c for c in d.changes if c.kind == "changed" and c.what == "node")
    assert changed.fields["name"] == ("Kegiatan 1", "Kegiatan 1 diperluas") and "pagu" in changed.fields
    assert any(c.what == "indicator" and c.fields.get("unit") == ("layanan", "wajib pajak") for c in d.changes)
    target = next(c for c in d.changes if c.what == "target" and "Y 2026" in c.label)
    assert target.fields["target"] == ("100", "120")


def test_drafting_window(s, people, org, renja):
    schedules.save(s, org.id, 2026, "drafting", closes_on=date(2026, 3, 31), opens_on=date(2026, 1, 2))
    s.commit()
    plans.ensure_editable(s, renja, today=date(2026, 3, 31))
    with pytest.raises(Conflict, match="2 Januari 2026 s.d. 31 Maret 2026") as exc:
        plans.ensure_editable(s, renja, today=date(2026, 4, 1))
    assert exc.value.code == "outside_schedule"
    sched = schedules.applicable(s, org.id, 2026, "drafting")
    schedules.extend(s, sched.id, date(2026, 4, 15), "Penyesuaian RKPD")
    plans.ensure_editable(s, renja, today=date(2026, 4, 10))


def test_schedule_of_a_parent_holds_for_sub_units(s, make_org, make_renja):
    parent = make_org("PEMPROV", "Pemerintah Provinsi", "pemda")
    child = make_org("DINAS", "Dinas", "perangkat_daerah", parent=parent)
    plan = make_renja(child)
    schedules.save(s, parent.id, 2026, "drafting", closes_on=date(2026, 2, 1))
    with pytest.raises(Conflict):
        plans.ensure_editable(s, plan, today=date(2026, 2, 2))


def test_review_window_limits_approval(s, people, org, renja):
    walk(s, people, renja, ("penyusun", "submit", ""))
    schedules.save(s, org.id, 2026, "review", closes_on=date(2020, 1, 1))
    with pytest.raises(Conflict, match="reviu"):
        workflow.transition(s, people["reviewer"], renja, "approve")


def test_audit_records_old_and_new_values(s, people, renja):
    audit.set_actor(s, people["penyusun"].user.id, "penyusun")
    keg = plans.load_tree(s, renja).roots[0].children[0]
    plans.update_node(s, keg.node, NodeUpdate(name="Pelayanan Pajak", pagu=3_000_000))
    plans.set_targets(s, keg.indicators[0], renja, [TargetIn(year=2026, period="Y", value=150),
                                                    TargetIn(year=2026, period="TW1", value=25)])
    s.commit()
    node_entries = audit.history(s, node_id=keg.node.id)
    upd = next(e for e in node_entries if e.object_type == "node" and e.action == "update")
    assert upd.changes["name"] == ["Kegiatan 1", "Pelayanan Pajak"] and upd.changes["pagu"] == [1000000, 3000000]
    assert upd.username == "penyusun" and upd.plan_id == renja.id
    ind_entries = audit.history(s, indicator_id=keg.indicators[0].id)
    target_update = next(e for e in ind_entries if e.object_type == "target" and e.action == "update")
    assert target_update.changes == {"value": [100.0, 150.0]} and target_update.label == "Y 2026"
    deleted = [e for e in ind_entries if e.object_type == "target" and e.action == "delete"]
    assert {e.label for e in deleted} == {"TW2 2026", "TW3 2026", "TW4 2026"}


def test_a_rolled_back_change_leaves_no_audit_entry(s, renja):
    keg = plans.load_tree(s, renja).roots[0].children[0].node
    before = len(audit.history(s, plan_id=renja.id))
    plans.update_node(s, keg, NodeUpdate(name="Tidak jadi"))
    s.rollback()
    assert len(audit.history(s, plan_id=renja.id)) == before


def test_delete_is_recorded_with_what_went(s, renja):
    program = plans.load_tree(s, renja).roots[0].node
    plans.delete_node(s, program)
    s.commit()
    deleted = [e for e in audit.history(s, plan_id=renja.id) if e.action == "delete" and e.object_type == "node"]
    summary = next(e for e in deleted if "nodes" in e.changes)  # what went, in one entry
    assert summary.changes["nodes"] == [5, 0] and summary.changes["code"] == ["5.02.02", None]
    assert len(deleted) == 1 + 5  # and every removed node with its last values


def test_comments_threads_and_queue(s, people, renja):
    keg = plans.load_tree(s, renja).roots[0].children[0].node
    c = workflow.add_comment(s, people["reviewer"], renja, "Indikator belum SMART", "node", keg.id)
    workflow.add_comment(s, people["penyusun"], renja, "Sudah diperbaiki", parent_id=c.id)
    with pytest.raises(Forbidden):
        workflow.add_comment(s, people["pengamat"], renja, "Saya hanya membaca")
    with pytest.raises(Invalid):
        workflow.add_comment(s, people["reviewer"], renja, "  ")
    walk(s, people, renja, ("penyusun", "submit", ""))
    queue = workflow.review_queue(s, people["reviewer"])
    assert [(p.id, n) for p, n in queue] == [(renja.id, 1)]
    workflow.resolve_comment(s, people["reviewer"], c)
    assert workflow.open_comment_counts(s, [renja.id]) == {}
    (root, replies), = workflow.threads(workflow.comments(s, renja.id))
    assert root.object_type == "node" and [r.body for r in replies] == ["Sudah diperbaiki"]
