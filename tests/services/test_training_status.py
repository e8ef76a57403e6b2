"""One truth for a sandbox plan's status: whichever door a transition takes (the training review, the plan
workflow as the plan page, the API and the CLI call it), the assignment and its plan move together."""
from __future__ import annotations

from datetime import date

import pytest

from planner.errors import Conflict, Invalid
from planner.models import Plan
from planner.models.training import TrainingClass
from planner.permissions import principal_for
from planner.services import accounts, acting, workflow
from planner.services.training import cases, classes, feedback, review


@pytest.fixture
def row(s, make_org, make_user):
    cases.load_library(s)
    make_user("guru", "instruktur", make_org("LAN", "Lembaga Administrasi Negara", "lembaga"))
    make_user("root", "admin")
    acting.act_as(s, _p(s, "guru"))
    klass = classes.create_class(s, "PKP Angkatan Status")
    classes.enrol(s, klass, [("andi", "Andi", "")])
    case = next(c for c in cases.list_cases(s) if c.code == "KASUS-BAPENDA-PAJAK")
    r = classes.assign(s, klass, case, username="andi")
    s.commit()
    acting.act_as(s, acting.SYSTEM)
    return r


def _p(s, username):
    return principal_for(s, accounts.by_username(s, username))


def _move(s, row, who, action, note="", **kw):
    """A transition through the plan workflow itself (what the plan page, the API and the CLI call)."""
    p = _p(s, who)
    acting.act_as(s, p)
    workflow.transition(s, p, s.get(Plan, row.plan_id), action, note, **kw)
    s.commit()


def _both(s, row) -> tuple[str, str]:
    s.refresh(row)
    return s.get(Plan, row.plan_id).status, row.status


def _kinds(s, row) -> list[str]:
    return [e.kind for e in reversed(feedback.history(s, row)) if e.kind != "score"]


def test_the_plan_workflow_moves_the_assignment(s, row):
    _move(s, row, "andi", "submit", "Dari halaman rencana")
    assert _both(s, row) == ("submitted", "submitted") and row.submitted_at is not None and row.score is not None
    _move(s, row, "guru", "return", "Lengkapi indikator pengaduan")
    assert _both(s, row) == ("returned", "returned") and row.reviewed_by == "guru"
    _move(s, row, "andi", "submit")
    with pytest.raises(Invalid, match="nilai"):  # the plan page's "Setujui" without a grade changes nothing
        _move(s, row, "guru", "approve")
    s.rollback()
    assert _both(s, row) == ("submitted", "submitted")
    _move(s, row, "guru", "approve", "Baik", grade="80,5")
    assert _both(s, row) == ("approved", "accepted") and row.grade == 80.5
    assert _kinds(s, row) == ["submit", "return", "submit", "accept"]
    assert feedback.history(s, row)[0].grade == 80.5
    assert review.progress(s, s.get(TrainingClass, row.class_id))[0].submitted


def test_the_training_review_moves_the_plan(s, row):
    acting.act_as(s, _p(s, "andi"))
    review.submit(s, row, "Mohon diperiksa")
    assert _both(s, row) == ("submitted", "submitted")
    with pytest.raises(Conflict):
        review.submit(s, row)
    acting.act_as(s, _p(s, "guru"))
    review.decide(s, row, "return", "Tambahkan indikator")
    assert _both(s, row) == ("returned", "returned")
    with pytest.raises(Conflict):
        review.decide(s, row, "accept", "", 90)  # nothing handed in
    acting.act_as(s, _p(s, "andi"))
    review.submit(s, row)
    acting.act_as(s, _p(s, "guru"))
    with pytest.raises(Invalid, match="nilai"):
        review.decide(s, row, "accept", "")
    assert _both(s, row) == ("submitted", "submitted")
    review.decide(s, row, "accept", "Runtut", 88)
    assert _both(s, row) == ("approved", "accepted") and row.grade == 88
    assert _kinds(s, row) == ["submit", "return", "submit", "accept"]


def test_admin_lock_and_reopen_keep_both_in_step(s, row):
    _move(s, row, "andi", "submit")
    _move(s, row, "guru", "approve", grade=70)
    _move(s, row, "root", "lock", decree=workflow.Decree("050/1/LATIHAN/2026", date(2026, 1, 5)))
    assert _both(s, row) == ("locked", "accepted") and row.grade == 70
    _move(s, row, "root", "reopen", "Dibuka untuk latihan ulang")
    assert _both(s, row) == ("draft", "draft") and row.grade is None
    assert _kinds(s, row)[-1] == "reopen"


def test_real_plans_are_untouched_by_the_training(s, org, make_renja, make_user):
    plan = make_renja(org)
    reviewer = principal_for(s, make_user("rina", "reviewer", org))
    penyusun = principal_for(s, make_user("ani", "penyusun", org))
    workflow.transition(s, penyusun, plan, "submit")
    workflow.transition(s, reviewer, plan, "approve", grade=None)  # no grade asked outside a sandbox
    assert plan.status == "approved"
