"""Action plans (issue #17): writing steps, marking them, following the plan's versions, and the read side
(timeline, "my month", the dashboard's completion)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from planner.errors import Conflict, Forbidden, Invalid, NotFound
from planner.models.action_plan import ActionStep, StatusIn, StepIn
from planner.permissions import principal_for
from planner.services import action_plans as ap
from planner.services import monitoring as mon
from planner.services import audit, plans, workflow

YEAR = 2026
TODAY = date(2026, 5, 15)


@pytest.fixture
def people(s, org, make_user):
    users = {role: make_user(role, role, org) for role in ("penyusun", "reviewer", "pimpinan")}
    users["admin"] = make_user("root", "admin")
    return {role: principal_for(s, u) for role, u in users.items()}


def activity(s, plan, i=0):
    """Kegiatan ``i + 1`` of the ``renja`` fixture (pagu 1.000.000 × (i + 1), one output indicator)."""
    return plans.load_tree(s, plan).roots[0].children[i]


def steps_in(*items) -> list[StepIn]:
    return [StepIn(**item) for item in items]


def save(s, p, node, *items, today=TODAY):
    rows = ap.save_action_plan(s, p, node, steps_in(*items), today=today)
    s.commit()
    return rows


def test_steps_are_saved_with_schedule_owner_output_budget_target_and_dependencies(s, people, renja):
    keg = activity(s, renja)
    ind = keg.indicators[0]
    first, second = save(s, people["penyusun"], keg.node,
                         {"name": "Rapat persiapan", "months": [2, 1, 1], "owner": "reviewer", "output": "Notulen",
                          "volume": 2, "unit": "dokumen", "budget": Decimal("250000")},
                         {"name": "Pelaksanaan layanan", "start": date(2026, 3, 2), "end": date(2026, 4, 10),
                          "owner": "Bidang Pelayanan", "indicator_id": ind.id, "period": "TW2"})
    assert first.months == "1,2" and first.owner_user_id == people["reviewer"].user.id and first.owner_text == ""
    assert second.months == "3,4" and second.owner_user_id is None and second.owner_text == "Bidang Pelayanan"
    assert (second.indicator_id, second.period) == (ind.id, "TW2")
    # Dependencies name steps by id: a second save links them.
    save(s, people["penyusun"], keg.node, {"id": first.id, "name": "Rapat persiapan", "months": [1, 2]},
         {"id": second.id, "name": "Pelaksanaan layanan", "months": [3, 4], "depends_on": [first.id]})
    assert ap.links_of(s, [second.id]) == {second.id: [first.id]}
    assert first.owner_user_id is None and first.owner_text == ""  # the owner was cleared on the second save


def test_a_put_replaces_the_list_and_bumps_versions_of_changed_steps(s, people, renja):
    keg = activity(s, renja)
    a, b = save(s, people["penyusun"], keg.node, {"name": "Langkah A", "months": [1]}, {"name": "Langkah B", "months": [2]})
    save(s, people["penyusun"], keg.node, {"id": b.id, "name": "Langkah B", "months": [2]},
         {"id": a.id, "name": "Langkah A diubah", "months": [1]}, {"name": "Langkah C", "months": [3]})
    rows = ap.node_steps(s, keg.node.id)
    assert [r.name for r in rows] == ["Langkah B", "Langkah A diubah", "Langkah C"]
    # B moved up (its position changed) and A's text changed: both rows were updated, so both versions moved
    # (the version is SQLAlchemy's version_id_col: every UPDATE of the row bumps it); C is new
    assert [r.version for r in rows] == [2, 2, 1]
    save(s, people["penyusun"], keg.node, {"id": b.id, "name": "Langkah B", "months": [2]})
    assert [r.name for r in ap.node_steps(s, keg.node.id)] == ["Langkah B"]


@pytest.mark.parametrize("item, field, words", [
    ({"name": "Tanpa jadwal"}, "steps.0.months", "tandai bulan"),
    ({"name": "Bulan salah", "months": [13]}, "steps.0.months", "bulan 13"),
    ({"name": "Tahun lain", "start": date(2025, 12, 1), "end": date(2026, 1, 5)}, "steps.0.start", "di luar tahun"),
    ({"name": "Terbalik", "start": date(2026, 5, 1), "end": date(2026, 4, 1)}, "steps.0.end", "setelah"),
    ({"name": "Periode tanpa indikator", "months": [1], "period": "TW1"}, "steps.0.period", "tanpa indikator"),
    ({"name": "Terlalu mahal", "months": [1], "budget": Decimal("1000001")}, "steps", "melebihi pagu"),
])
def test_bad_steps_are_refused_with_the_field(s, people, renja, item, field, words):
    keg = activity(s, renja)
    with pytest.raises(Invalid) as exc:
        ap.save_action_plan(s, people["penyusun"], keg.node, steps_in(item), today=TODAY)
    assert exc.value.field == field and words in exc.value.message


def test_indicator_and_period_must_fit(s, people, renja, org, make_renja):
    keg = activity(s, renja)
    other = activity(s, make_renja(org, year=2027, activities=1)).indicators[0]
    with pytest.raises(Invalid, match="tidak ada di rencana ini"):
        ap.save_action_plan(s, people["penyusun"], keg.node,
                            steps_in({"name": "Salah", "months": [1], "indicator_id": other.id}), today=TODAY)
    with pytest.raises(Invalid, match="bukan periode target"):
        ap.save_action_plan(s, people["penyusun"], keg.node, steps_in(
            {"name": "Salah", "months": [1], "indicator_id": keg.indicators[0].id, "period": "M03"}), today=TODAY)


def test_a_dependency_cycle_is_refused_and_nothing_is_kept(s, people, renja):
    keg = activity(s, renja)
    a, b = save(s, people["penyusun"], keg.node, {"name": "Langkah A", "months": [1]}, {"name": "Langkah B", "months": [2]})
    with pytest.raises(Invalid, match="melingkar"):
        ap.save_action_plan(s, people["penyusun"], keg.node, steps_in(
            {"id": a.id, "name": "Langkah A", "months": [1], "depends_on": [b.id]},
            {"id": b.id, "name": "Langkah B", "months": [2], "depends_on": [a.id]}), today=TODAY)
    s.rollback()
    assert ap.links_of(s, [a.id, b.id]) == {}


def test_a_stale_version_is_a_conflict(s, people, renja):
    keg = activity(s, renja)
    (a,) = save(s, people["penyusun"], keg.node, {"name": "Langkah A", "months": [1]})
    save(s, people["penyusun"], keg.node, {"id": a.id, "version": 1, "name": "Langkah A2", "months": [1]})
    with pytest.raises(Conflict):
        ap.save_action_plan(s, people["penyusun"], keg.node,
                            steps_in({"id": a.id, "version": 1, "name": "Langkah A3", "months": [1]}), today=TODAY)


def test_steps_follow_the_plan_editability_and_rights(s, people, renja):
    keg = activity(s, renja)
    with pytest.raises(Forbidden):
        ap.save_action_plan(s, people["reviewer"], keg.node, steps_in({"name": "Langkah", "months": [1]}))
    renja.status = "submitted"
    s.commit()
    with pytest.raises(Conflict, match="tidak dapat diubah"):
        ap.save_action_plan(s, people["penyusun"], keg.node, steps_in({"name": "Langkah", "months": [1]}))
    program = plans.load_tree(s, renja).roots[0].node
    with pytest.raises(NotFound):
        ap.save_action_plan(s, people["admin"], program, steps_in({"name": "Langkah", "months": [1]}))


# ---------------------------------------------------------------- marking steps

@pytest.fixture
def step(s, people, renja):
    (row,) = save(s, people["penyusun"], activity(s, renja).node, {"name": "Rapat koordinasi", "months": [2, 3]})
    return row


def mark(s, p, step, today=TODAY, **data):
    row = ap.set_status(s, p, step, StatusIn(**data), today=today)
    s.commit()
    return row


def test_marks_carry_date_note_and_evidence(s, people, step):
    mark(s, people["penyusun"], step, status="late", on=date(2026, 4, 2), note="Narasumber berhalangan",
         evidence_url="https://contoh.go.id/notulen")
    assert (step.status, step.status_on, step.status_note, step.evidence_url) == (
        "late", date(2026, 4, 2), "Narasumber berhalangan", "https://contoh.go.id/notulen")
    assert step.status_by_id == people["penyusun"].user.id and step.version == 2
    mark(s, people["penyusun"], step, status="done", on=date(2026, 4, 20))
    assert step.status == "done" and step.evidence_url == "https://contoh.go.id/notulen"
    mark(s, people["penyusun"], step, status="planned")
    assert (step.status, step.status_on, step.evidence_url) == ("planned", None, None)
    trail = [e for e in audit.history(s, plan_id=step.plan_id) if e.object_type == "action_step"]
    assert {e.action for e in trail} == {"create", "update", "mark"} and trail[0].node_id == step.node_id
    assert [e.changes["status"] for e in trail if e.action == "mark"] == [["done", "planned"], ["late", "done"],
                                                                          ["planned", "late"]]
    assert any(e.changes.get("status_note") == ["", "Narasumber berhalangan"] for e in trail)


@pytest.mark.parametrize("data, error, words", [
    ({"status": "late"}, Invalid, "Catatan wajib"),
    ({"status": "dropped"}, Invalid, "Catatan wajib"),
    ({"status": "done", "on": date(2026, 6, 1)}, Invalid, "masa depan"),
    ({"status": "done", "on": date(2025, 12, 30)}, Invalid, "di luar tahun"),
    ({"status": "done", "evidence_url": "javascript:alert(1)"}, Invalid, "http"),
    ({"status": "done", "version": 9}, Conflict, "diubah orang lain"),
])
def test_bad_marks_are_refused(s, people, step, data, error, words):
    with pytest.raises(error, match=words):
        ap.set_status(s, people["penyusun"], step, StatusIn(**data), today=TODAY)


def test_marks_need_the_realisation_right(s, people, step):
    with pytest.raises(Forbidden):
        ap.set_status(s, people["reviewer"], step, StatusIn(status="done"), today=TODAY)


def test_marks_stay_open_after_the_plan_is_fixed_but_not_in_a_closed_period(s, people, renja, step):
    renja.status = "locked"
    s.commit()
    mark(s, people["penyusun"], step, status="done", on=date(2026, 4, 1))  # monitoring goes on after locking
    mon.close_period(s, renja, YEAR, "TW1")
    s.commit()
    with pytest.raises(Conflict, match="Triwulan I 2026 sudah ditutup"):
        ap.set_status(s, people["penyusun"], step, StatusIn(status="done", on=date(2026, 3, 30)), today=TODAY)
    mon.reopen_period(s, renja, YEAR, "TW1", note="Koreksi")
    s.commit()
    mark(s, people["penyusun"], step, status="done", on=date(2026, 3, 30))
    assert step.status_on == date(2026, 3, 30)


# ---------------------------------------------------------------- versions

def test_a_revision_carries_steps_statuses_and_dependencies(s, people, renja):
    keg = activity(s, renja)
    ind = keg.indicators[0]
    a, b = save(s, people["penyusun"], keg.node, {"name": "Langkah A", "months": [1], "owner": "penyusun"},
                {"name": "Langkah B", "months": [2], "indicator_id": ind.id, "period": "TW1"})
    save(s, people["penyusun"], keg.node, {"id": a.id, "name": "Langkah A", "months": [1], "owner": "penyusun"},
         {"id": b.id, "name": "Langkah B", "months": [2], "indicator_id": ind.id, "period": "TW1",
          "depends_on": [a.id]})
    mark(s, people["penyusun"], a, status="done", on=date(2026, 1, 30), note="Selesai")
    renja.status = "locked"
    s.commit()
    rev = workflow.create_revision(s, people["pimpinan"], renja, "Penyesuaian pagu")
    s.commit()
    copies = list(s.exec(select(ActionStep).where(ActionStep.plan_id == rev.id).order_by(ActionStep.position)))
    assert [(c.name, c.status, c.status_on, c.source_id) for c in copies] == [
        ("Langkah A", "done", date(2026, 1, 30), a.id), ("Langkah B", "planned", None, b.id)]
    new_keg = activity(s, rev)
    assert {c.node_id for c in copies} == {new_keg.node.id}
    assert copies[1].indicator_id == new_keg.indicators[0].id and copies[0].owner_user_id == a.owner_user_id
    assert ap.links_of(s, [copies[1].id]) == {copies[1].id: [copies[0].id]}
    # The original keeps its own steps; the revision's are edited on their own.
    assert len(ap.node_steps(s, keg.node.id)) == 2


# ---------------------------------------------------------------- read side

def test_timeline_groups_steps_filters_by_person_and_stays_bounded(s, people, renja, count_queries, engine):
    k1, k2 = activity(s, renja, 0), activity(s, renja, 1)
    sub = k1.children[0].node
    save(s, people["penyusun"], k1.node, {"name": "Langkah kegiatan", "months": [1], "owner": "penyusun"})
    save(s, people["penyusun"], sub, {"name": "Langkah sub", "months": [6], "owner": "Seksi A"})
    save(s, people["penyusun"], k2.node, {"name": "Langkah kedua", "months": [12], "owner": "penyusun"},
         {"name": "Langkah ketiga", "months": [3], "indicator_id": k2.indicators[0].id})
    with count_queries(engine) as counter:
        tl = ap.timeline(s, [renja], today=TODAY)
    assert counter.count <= 5
    assert [g.node.code for g in tl.groups] == [k1.node.code, sub.code, k2.node.code]
    assert tl.groups[1].kegiatan.id == k1.node.id and tl.groups[1].program.kind == "program"
    assert [r.state for r in tl.rows] == ["overdue", "upcoming", "upcoming", "overdue"]
    assert tl.owners == ["penyusun", "Seksi A"]
    mine = ap.timeline(s, [renja], today=TODAY, owner="penyusun")
    assert [r.step.name for r in mine.rows] == ["Langkah kegiatan", "Langkah kedua"]
    assert tl.today_line == pytest.approx(134 / 365 * 100, abs=0.001)
    c = tl.completion(date(2026, 3, 31))
    assert (c.due, c.done, c.behind) == (2, 0, 2)


def test_my_month_lists_this_months_and_overdue_steps_of_the_account(s, people, renja):
    keg = activity(s, renja)
    save(s, people["penyusun"], keg.node,
         {"name": "Bulan lalu", "months": [4], "owner": "penyusun"},
         {"name": "Bulan ini", "months": [5, 6], "owner": "penyusun"},
         {"name": "Bulan depan", "months": [7], "owner": "penyusun"},
         {"name": "Orang lain", "months": [5], "owner": "reviewer"},
         {"name": "Teks bebas", "months": [5], "owner": "Penyusun"},  # the username in other case: an account
         {"name": "Sudah selesai", "months": [5], "owner": "penyusun"}, today=TODAY)
    done = ap.node_steps(s, keg.node.id)[-1]
    mark(s, people["penyusun"], done, status="done", on=date(2026, 5, 10))
    mm = ap.my_month(s, people["penyusun"].user, today=TODAY)
    assert [r.step.name for _, _, r in mm.overdue] == ["Bulan lalu"]
    assert [r.step.name for _, _, r in mm.due] == ["Bulan ini", "Teks bebas"]
    # Only the version in force counts: after a revision, its copies are listed, not the originals.
    renja.status = "locked"
    s.commit()
    rev = workflow.create_revision(s, people["pimpinan"], renja, "Perubahan")
    s.commit()
    mm = ap.my_month(s, people["penyusun"].user, today=TODAY)
    assert {plan.id for plan, _, _ in mm.overdue + mm.due} == {rev.id}


def test_schedule_by_node_sets_completion_beside_the_indicator_status(s, people, renja):
    k1, k2 = activity(s, renja, 0), activity(s, renja, 1)
    (a,) = save(s, people["penyusun"], k1.node, {"name": "Selesai tepat", "months": [1]})
    save(s, people["penyusun"], k2.node, {"name": "Terlewat", "months": [2]})
    mark(s, people["penyusun"], a, status="done", on=date(2026, 1, 20))
    tl = ap.timeline(s, [renja], today=TODAY)
    rows = ap.schedule_by_node(tl, ap.period_end(YEAR, "TW1"), {k1.node.id: "kritis", k2.node.id: "tercapai"})
    assert [(r.node.id, r.completion.result.value, r.flag) for r in rows] == [
        (k1.node.id, 100, "steps_ok_indicator_behind"), (k2.node.id, 0, "indicator_ok_steps_late")]
    assert [x.step.name for x in rows[1].behind] == ["Terlewat"]


def test_period_end():
    assert ap.period_end(2026, "TW2") == date(2026, 6, 30)
    assert ap.period_end(2026, "S1") == date(2026, 6, 30)
    assert ap.period_end(2026, "M02") == date(2026, 2, 28)
    assert ap.period_end(2026, "Y") == date(2026, 12, 31)


def test_demo_seeds_give_each_demo_activity_an_action_plan_with_a_mix_of_statuses(s):
    from planner.config import ROOT
    from planner.services import seeds

    counts = seeds.load_demo(s, ROOT / "seeds")
    s.commit()
    assert counts["action_plans"] == 5
    steps = s.exec(select(ActionStep)).all()
    assert len({st.node_id for st in steps}) == 5
    assert {st.status for st in steps} == {"planned", "done", "late", "dropped"}
    assert all(st.status_note for st in steps if st.status in ("late", "dropped"))
    assert seeds.load_demo(s, ROOT / "seeds")["action_plans"] == 0  # idempotent
