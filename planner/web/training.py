"""Training mode pages: classes and their view, enrolment with a printable password sheet, sandboxes with the
live feedback panel, submission and the instructor's review, quizzes. The case library's pages are in
``planner.web.training_cases`` (same blueprint)."""
from __future__ import annotations

from flask import Blueprint, Response, redirect, request, url_for
from flask_babel import gettext
from flask_login import login_required

from planner import db
from planner.calc.training import EXPECTATION_KINDS, duration_label
from planner.errors import Invalid, NotFound
from planner.models import Plan
from planner.models.training import ASSIGNMENT_STATUSES, TrainingAssignment, TrainingClass
from planner.permissions import can
from planner.services import acting, plans
from planner.services.training import cases, classes, feedback, quiz, review
from planner.web.filters import t
from planner.web.helpers import principal, render, respond

bp = Blueprint("training", __name__, url_prefix="/latihan")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.before_request
@login_required
def _logged_in():
    """Every page of this area needs a logged-in user."""


# ---------------------------------------------------------------- index

@bp.get("/")
def index():
    s, p = db.session(), principal()
    mine = classes.my_assignments(s, p)
    return render("training/index.html", classes=classes.classes_for(s, p) if _manages() else [],
                  manages=_manages(), mine=mine, case_of={c.id: c for c in cases.list_cases(s)},
                  statuses=t(ASSIGNMENT_STATUSES), error=None)[0]


def _manages() -> bool:
    p = principal()
    return p.is_admin or p.holds("training.manage")


@bp.post("/kelas")
def create_class():
    klass = classes.create_class(db.session(), request.form.get("name", ""))
    return redirect(url_for("training.class_view", class_id=klass.id))


# ---------------------------------------------------------------- the class view

def _class(class_id: int, action: str = "training.manage") -> TrainingClass:
    return classes.get(db.session(), class_id, action)


def class_context(klass: TrainingClass, **extra) -> dict:
    s = db.session()
    rows = review.progress(s, klass)
    trainees = classes.trainees(s, klass)
    return dict(klass=klass, rows=rows, trainees=trainees, groups=sorted({e.group_name for e, _ in trainees
                                                                          if e.group_name}),
                cases=cases.list_cases(s), quiz_chapters=quiz.chapters(), quiz=review.quiz_results(s, klass),
                statuses=t(ASSIGNMENT_STATUSES), error=None, form={}) | extra


@bp.get("/kelas/<int:class_id>")
def class_view(class_id: int):
    klass = _class(class_id)
    return render("training/class.html", block="progress" if request.args.get("part") == "progress" else None,
                  **class_context(klass))[0]


@bp.post("/kelas/<int:class_id>/peserta")
def enrol(class_id: int):
    klass = _class(class_id)
    s = db.session()
    try:
        upload = request.files.get("file")
        roster = (classes.parse_sheet(upload.read()) if upload and upload.filename
                  else classes.parse_roster(request.form.get("roster", "")))
        if not roster:
            raise Invalid(gettext("Tempel daftar peserta atau unggah lembar kerja."), field="roster")
        enrolled = classes.enrol(s, klass, roster)
    except Invalid as exc:
        return render("training/class.html", status=422, **class_context(klass, error=exc, form=request.form))
    # The one-time passwords are shown once, on a sheet to print and cut.
    return render("training/passwords.html", klass=klass, enrolled=enrolled)[0]


@bp.post("/kelas/<int:class_id>/penugasan")
def assign(class_id: int):
    klass = _class(class_id)
    s = db.session()
    try:
        case = cases.get(s, int(request.form.get("case_id") or 0))
        target = request.form.get("target", "")
        kind, _, name = target.partition(":")
        classes.assign(s, klass, case, username=name if kind == "user" else None, group=name if kind == "group" else None)
    except Invalid as exc:
        return render("training/class.html", status=422, **class_context(klass, error=exc, form=request.form))
    except NotFound as exc:
        return render("training/class.html", status=422, **class_context(klass, error=Invalid(exc.message),
                                                                          form=request.form))
    return respond("training/class.html", "progress", context=lambda: class_context(klass),
                   redirect_to=url_for("training.class_view", class_id=klass.id),
                   message=gettext("Kasus ditugaskan; ruang latihan sudah disiapkan."))


@bp.get("/kelas/<int:class_id>/hasil.xlsx")
def results_xlsx(class_id: int):
    klass = _class(class_id)
    data = review.results_workbook(db.session(), klass)
    return Response(data, mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="hasil-kelas-{klass.id}.xlsx"'})


@bp.post("/kelas/<int:class_id>/hapus")
def delete_class(class_id: int):
    klass = _class(class_id)
    if request.form.get("confirm") != "1":
        raise Invalid(gettext("Centang konfirmasi untuk menghapus kelas beserta semua ruang latihannya."),
                      field="confirm")
    classes.delete_class(db.session(), klass)
    return respond("training/index.html", context={}, redirect_to=url_for("training.index"),
                   message=gettext("Kelas dihapus."))


# ---------------------------------------------------------------- a sandbox

def _assignment(assignment_id: int, action: str = "org.read") -> TrainingAssignment:
    return classes.assignment_for(db.session(), assignment_id, action)


def sandbox_context(row: TrainingAssignment, **extra) -> dict:
    s, p = db.session(), principal()
    fb = feedback.compute(s, row)
    tree = plans.load_tree(s, fb.plan) if fb.plan else None
    return dict(row=row, fb=fb, case=fb.case, klass=s.get(TrainingClass, row.class_id),
                history=feedback.history(s, row), nodes=[tn.node for tn in tree.walk()] if tree else [],
                is_trainee=can(p, "training.take", row) and not p.is_admin, manages=can(p, "training.manage", row),
                quiz_chapters=quiz.chapters(), statuses=t(ASSIGNMENT_STATUSES), kinds=t(EXPECTATION_KINDS),
                time_spent=duration_label(row.active_seconds), error=None, quiz_result=None) | extra


@bp.get("/ruang/<int:assignment_id>")
def sandbox(assignment_id: int):
    return render("training/sandbox.html", **sandbox_context(_assignment(assignment_id)))[0]


@bp.get("/rencana/<int:plan_id>/umpan-balik")
def panel(plan_id: int):
    """The live feedback panel (htmx refreshes it after every change the trainee saves)."""
    s = db.session()
    row = classes.assignment_of_plan(s, plan_id)
    if row is None:
        raise NotFound(gettext("Rencana ini bukan rencana latihan."))
    acting.require(s, "org.read", row)
    p = principal()
    working = can(p, "training.take", row) and not p.is_admin and row.status in ("draft", "returned")
    fb = feedback.refresh(s, row, working=working)
    return render("training/panel.html", fb=fb, row=row, kinds=t(EXPECTATION_KINDS),
                  time_spent=duration_label(row.active_seconds))[0]


@bp.post("/ruang/<int:assignment_id>/serahkan")
def submit(assignment_id: int):
    row = _assignment(assignment_id, "training.take")
    review.submit(db.session(), row, request.form.get("note", ""))
    return respond("training/sandbox.html", context={}, redirect_to=url_for("training.sandbox",
                                                                            assignment_id=row.id),
                   message=gettext("Rencana latihan diserahkan kepada instruktur."))


@bp.post("/ruang/<int:assignment_id>/keputusan")
def decide(assignment_id: int):
    row = _assignment(assignment_id, "training.manage")
    try:
        review.decide(db.session(), row, request.form.get("decision", ""), request.form.get("note", ""),
                      request.form.get("grade"))
    except Invalid as exc:
        return render("training/sandbox.html", status=422, **sandbox_context(row, error=exc))
    return respond("training/sandbox.html", context={}, redirect_to=url_for("training.sandbox", assignment_id=row.id),
                   message=gettext("Keputusan disimpan."))


@bp.post("/ruang/<int:assignment_id>/catatan")
def comment(assignment_id: int):
    row = _assignment(assignment_id, "training.manage")
    node_id = request.form.get("node_id", "")
    try:
        review.comment(db.session(), row, request.form.get("body", ""), int(node_id) if node_id.isdigit() else None)
    except Invalid as exc:
        return render("training/sandbox.html", status=422, **sandbox_context(row, error=exc))
    return respond("training/sandbox.html", context={}, redirect_to=url_for("training.sandbox", assignment_id=row.id),
                   message=gettext("Catatan dikirim kepada peserta."))


@bp.post("/ruang/<int:assignment_id>/atur-ulang")
def reset(assignment_id: int):
    row = _assignment(assignment_id, "training.manage")
    classes.reset(db.session(), row)
    return redirect(url_for("training.class_view", class_id=row.class_id))


@bp.post("/ruang/<int:assignment_id>/duplikat")
def duplicate(assignment_id: int):
    row = _assignment(assignment_id, "training.manage")
    new = classes.duplicate(db.session(), row, request.form.get("username", ""))
    return redirect(url_for("training.sandbox", assignment_id=new.id))


# ---------------------------------------------------------------- quizzes (from the trainee's sandbox)

@bp.route("/ruang/<int:assignment_id>/kuis/<code>", methods=["GET", "POST"])
def quiz_page(assignment_id: int, code: str):
    row = _assignment(assignment_id, "training.take")
    chapter = quiz.chapter(code)
    result = None
    if request.method == "POST":
        answers = {q.number: request.form.get(f"q{q.number}", "") for q in chapter.questions}
        _, result = quiz.answer(db.session(), row, code, answers)
    return render("training/quiz.html", row=row, chapter=chapter, result=result, answers=request.form)[0]


# ---------------------------------------------------------------- the plan page's slot

@bp.app_context_processor
def _slot():
    return {"training_panel_url": training_panel_url}


def training_panel_url(plan: Plan, org) -> str | None:
    """The feedback panel's address for a plan drafted in a sandbox (None elsewhere: no statement)."""
    return url_for("training.panel", plan_id=plan.id) if getattr(org, "sandbox", False) else None


from planner.web import training_cases  # noqa: E402,F401  (the case library's routes on this blueprint)
