"""Training mode services: classes, enrolment, sandboxes seeded from a case, feedback, review, isolation."""
from __future__ import annotations

import pytest

from planner.errors import Forbidden, Invalid, NotFound
from planner.models import Membership, Organization, Plan
from planner.models.plan import IndicatorCreate, NodeCreate, TargetIn
from planner.models.training import TrainingAssignment, TrainingClass
from planner.permissions import principal_for
from planner.services import accounts, acting, orgs, plans, tasks, versions, workflow
from planner.services.training import cases, classes, feedback, review


@pytest.fixture
def library(s):
    cases.load_library(s)
    s.commit()
    return {c.code: c for c in cases.list_cases(s)}


@pytest.fixture
def teacher(s, make_org, make_user):
    lan = make_org("LAN", "Lembaga Administrasi Negara", "lembaga")
    return make_user("guru", "instruktur", lan)


def act(s, user):
    acting.act_as(s, principal_for(s, user))
    return s


@pytest.fixture
def klass(s, teacher, library):
    act(s, teacher)
    k = classes.create_class(s, "PKP Angkatan I")
    classes.enrol(s, k, classes.parse_roster("andi, Andi Saputra\nbudi, Budi Santoso, A\ncici, Cici Lestari, A"))
    s.commit()
    acting.act_as(s, acting.SYSTEM)
    return k


def test_library_holds_the_module_cases(library):
    assert {"KASUS-KEMENLU-PWNI", "KASUS-SETKAB-SIDANG", "KASUS-BAPENDA-PAJAK", "KASUS-DISDUKCAPIL-ADM",
            "KASUS-BPJN-PEKPPP"} <= set(library)
    for case in library.values():
        assert case.context and case.documents and len(case.expectations) >= 5


def test_enrolment_creates_accounts_with_one_time_passwords(s, klass):
    rows = classes.trainees(s, klass)
    assert [u.username for _, u in rows] == ["andi", "budi", "cici"]
    act(s, accounts.by_username(s, "guru"))
    again = classes.enrol(s, klass, [("andi", "", "B"), ("dedi", "Dedi", "")])
    assert again[0].password is None and len(again[1].password) == 10
    assert accounts.authenticate(s, "dedi", again[1].password) is not None


def test_one_bad_row_writes_nothing(s, klass):
    act(s, accounts.by_username(s, "guru"))
    with pytest.raises(Invalid, match="Baris 2"):
        classes.enrol(s, klass, [("eko", "", ""), ("bad name!", "", "")])
    assert accounts.by_username(s, "eko") is None


def test_a_penyusun_cannot_run_a_class(s, make_user, org, klass):
    act(s, make_user("ani", "penyusun", org))
    with pytest.raises(Forbidden):
        classes.create_class(s, "Kelas liar")
    with pytest.raises(NotFound):
        classes.enrol(s, klass, [("x1", "", "")])


def _sandbox(s, klass, library, username="andi", code="KASUS-BAPENDA-PAJAK"):
    act(s, accounts.by_username(s, "guru"))
    row = classes.assign(s, klass, library[code], username=username)
    s.commit()
    acting.act_as(s, acting.SYSTEM)
    return row


def test_assignment_seeds_a_sandbox_from_the_case(s, klass, library):
    row = _sandbox(s, klass, library)
    org = s.get(Organization, row.organization_id)
    assert org.sandbox and org.parent_id == klass.organization_id
    tree = plans.load_tree(s, s.get(Plan, row.plan_id))
    assert [tn.node.code for tn in tree.walk()] == ["5.02.04", "5.02.04.1.01"]  # the case's partial plan


def test_group_assignment_shares_one_sandbox(s, klass, library):
    act(s, accounts.by_username(s, "guru"))
    row = classes.assign(s, klass, library["KASUS-SETKAB-SIDANG"], group="A")
    s.commit()
    members = s.exec(__import__("sqlmodel").select(Membership).where(Membership.organization_id == row.organization_id)).all()
    assert sorted(m.user_id for m in members) == sorted(accounts.by_username(s, u).id for u in ("budi", "cici"))
    assert s.get(Plan, row.plan_id).status == "draft" and not plans.load_tree(s, s.get(Plan, row.plan_id)).roots


def test_trainee_reaches_only_their_sandbox(s, klass, library, org, make_renja):
    real = make_renja(org)
    mine, theirs = _sandbox(s, klass, library, "andi"), _sandbox(s, klass, library, "budi")
    p = principal_for(s, accounts.by_username(s, "andi"))
    assert p.readable_orgs == {mine.organization_id}
    act(s, accounts.by_username(s, "andi"))
    sandbox_plan = s.get(Plan, mine.plan_id)
    program = plans.load_tree(s, sandbox_plan).roots[0].node
    plans.create_indicator(s, program, IndicatorCreate(name="Jumlah wajib pajak yang dilayani", level="outcome",
                                                      unit="orang", targets=[TargetIn(year=2026, period="Y", value=5)]))
    with pytest.raises(NotFound):
        plans.create_node(s, s.get(Plan, theirs.plan_id), NodeCreate(kind="program", code="5.02.05", name="Program lain"))
    with pytest.raises(NotFound):
        plans.create_node(s, real, NodeCreate(kind="program", code="5.02.05", name="Program lain"))


def test_a_trainee_membership_in_a_real_unit_grants_nothing(s, org, make_user):
    user = make_user("tamu", "peserta", org)
    assert principal_for(s, user).readable_orgs == set()


def test_sandboxes_appear_in_no_real_view(s, klass, library, org, make_renja, make_user):
    make_renja(org)
    row = _sandbox(s, klass, library)
    sandbox_plan = s.get(Plan, row.plan_id)
    sandbox_plan.status = "submitted"
    s.commit()
    assert row.organization_id not in {o.id for o in orgs.all_orgs(s)}
    assert klass.organization_id not in {o.id for o in orgs.all_orgs(s)}
    assert sandbox_plan.id not in {p.id for p in plans.list_plans(s)}
    assert sandbox_plan.id not in {p.id for p in versions.plans_in_force(s, None, "renja", 2026)}
    admin = make_user("root", "admin")
    acting.act_as(s, acting.SYSTEM)
    assert sandbox_plan.id not in {pl.id for pl, _ in workflow.review_queue(s, principal_for(s, admin))}
    guru = principal_for(s, accounts.by_username(s, "guru"))
    assert sandbox_plan.id not in {pl.id for pl, _ in workflow.review_queue(s, guru)}
    mine = tasks.for_user(s, principal_for(s, accounts.by_username(s, "andi")), 2026)
    assert mine.count == 0


def test_feedback_score_rises_as_the_draft_meets_the_case(s, klass, library):
    row = _sandbox(s, klass, library)
    act(s, accounts.by_username(s, "andi"))
    before = feedback.refresh(s, row, working=True)
    plan = s.get(Plan, row.plan_id)
    keg = plans.load_tree(s, plan).roots[0].children[0].node
    sub = plans.create_node(s, plan, NodeCreate(kind="sub_kegiatan", code="5.02.04.1.01.0004", parent_id=keg.id,
                                                name="Pelayanan dan Konsultasi Pajak Daerah"))
    plans.create_indicator(s, sub, IndicatorCreate(name="Jumlah wajib pajak yang memperoleh layanan konsultasi",
                                                   level="output", unit="orang",
                                                   targets=[TargetIn(year=2026, period="Y", value=1200)]))
    after = feedback.refresh(s, row, working=True)
    assert after.result.score > before.result.score
    assert {r.expectation.id for r in after.met} >= {"E1", "E2"}
    assert any(h.chapter.startswith("BAB") for h in after.hints)
    assert [e.kind for e in feedback.history(s, row)] == ["score", "score"]


def test_submit_review_and_grade(s, klass, library):
    row = _sandbox(s, klass, library)
    act(s, accounts.by_username(s, "andi"))
    review.submit(s, row)
    assert row.status == "submitted" and s.get(Plan, row.plan_id).status == "submitted"
    act(s, accounts.by_username(s, "guru"))
    with pytest.raises(Invalid):
        review.decide(s, row, "return")  # a return says what to fix
    review.decide(s, row, "return", "Tambahkan indikator pengaduan")
    assert s.get(Plan, row.plan_id).status == "returned"
    act(s, accounts.by_username(s, "andi"))
    review.submit(s, row)
    act(s, accounts.by_username(s, "guru"))
    node = plans.load_tree(s, s.get(Plan, row.plan_id)).roots[0].node
    review.comment(s, row, "Outcome program sudah tepat", node.id)
    review.decide(s, row, "accept", "Baik", "86,5")
    assert row.status == "accepted" and row.grade == 86.5
    kinds = [e.kind for e in feedback.history(s, row)]
    assert {"submit", "return", "accept", "comment"} <= set(kinds)
    assert review.progress(s, klass)[0].submitted
    assert review.results_workbook(s, klass)[:2] == b"PK"


def test_trainee_cannot_grade_and_instructor_cannot_submit(s, klass, library):
    row = _sandbox(s, klass, library)
    act(s, accounts.by_username(s, "andi"))
    review.submit(s, row)
    with pytest.raises(Forbidden):
        review.decide(s, row, "accept", "", 100)


def test_reset_duplicate_and_delete_with_the_class(s, klass, library):
    row = _sandbox(s, klass, library)
    act(s, accounts.by_username(s, "andi"))
    plan = s.get(Plan, row.plan_id)
    plans.create_node(s, plan, NodeCreate(kind="program", code="5.02.05", name="Program tambahan"))
    act(s, accounts.by_username(s, "guru"))
    copy = classes.duplicate(s, row, "budi")
    assert len(plans.load_tree(s, s.get(Plan, copy.plan_id)).roots) == 2
    classes.reset(s, row)
    assert len(plans.load_tree(s, s.get(Plan, row.plan_id)).roots) == 1
    classes.delete_class(s, klass)
    s.commit()
    assert s.get(TrainingClass, klass.id) is None
    assert not s.exec(__import__("sqlmodel").select(TrainingAssignment)).all()
    assert s.get(Organization, row.organization_id) is None
    assert accounts.by_username(s, "andi") is not None  # accounts stay


def test_case_files_round_trip(s, library, teacher):
    act(s, teacher)
    case = library["KASUS-SETKAB-SIDANG"]
    text = cases.export_text(case, "json")
    data = cases.parse_file(text.encode())
    data["code"] = "KASUS-BARU"
    imported = cases.import_file(s, cases.export_text(type(case)(**data)).encode())
    assert imported.id != case.id and imported.expectations == case.expectations
    with pytest.raises(Invalid, match="any_of"):
        cases.parse_file(b"code: X\ntitle: Y\nexpectations: [{id: E1, kind: indicator}]")


def test_demo_class_holds_three_trainees_at_different_stages(s, make_org, make_user):
    from tests.conftest import PASSWORD
    from planner.services.training import demo
    make_user("instruktur", "instruktur", make_org("LAN-PKP", "Kelas PKP", "unit"))
    assert demo.load(s, PASSWORD) == 1
    assert demo.load(s, PASSWORD) == 0  # idempotent
    klass = s.exec(__import__("sqlmodel").select(TrainingClass)).one()
    rows = {r.usernames[0]: r.assignment for r in review.progress(s, klass)}
    assert {u: a.status for u, a in rows.items()} == {"peserta": "draft", "peserta2": "accepted", "peserta3": "draft"}
    assert rows["peserta2"].grade == 85 and rows["peserta2"].score > rows["peserta"].score > rows["peserta3"].score
    assert review.quiz_results(s, klass)[rows["peserta2"].user_id]["BAB-II"].correct == 8


def test_a_plan_submitted_from_the_plan_page_counts_as_handed_in(s, klass, library):
    row = _sandbox(s, klass, library)
    andi = principal_for(s, accounts.by_username(s, "andi"))
    workflow.transition(s, andi, s.get(Plan, row.plan_id), "submit")
    assert review.progress(s, klass)[0].submitted
    act(s, accounts.by_username(s, "guru"))
    review.decide(s, row, "accept", "", 75)
    assert row.status == "accepted" and s.get(Plan, row.plan_id).status == "approved"
