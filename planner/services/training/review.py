"""Submitting, the instructor's review (comments on nodes, return or accept with a grade), the class view's
rows and the class results workbook."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlmodel import Session, select

from planner.calc.training import duration_label
from planner.errors import Conflict, Invalid
from planner.models import Plan, PlanNode
from planner.models.training import FeedbackEntry, QuizAttempt, TrainingAssignment, TrainingCase, TrainingClass
from planner.permissions import can
from planner.services import acting, workflow
from planner.services.training import classes, feedback


def _actor(s: Session):
    return acting.actor(s)


def _username(s: Session) -> str:
    return getattr(getattr(_actor(s), "user", None), "username", "sistem")


# The assignment's status is its plan's: ``follow`` keeps them one, called by ``workflow.transition`` itself.
STATUS_OF_PLAN = {"draft": "draft", "submitted": "submitted", "returned": "returned", "approved": "accepted",
                  "locked": "accepted"}
ENTRY_OF_ACTION = {"submit": "submit", "return": "return", "approve": "accept", "reopen": "reopen"}


def submit(s: Session, row: TrainingAssignment, note: str = "") -> TrainingAssignment:
    """The trainee hands the draft in: the plan goes to review (read-only for them) with its score."""
    acting.require(s, "training.take", row)
    plan = s.get(Plan, row.plan_id) if row.plan_id else None
    if plan is None or plan.status not in ("draft", "returned"):
        raise Conflict("Rencana latihan ini sudah diserahkan.", field="status")
    workflow.transition(s, _actor(s), plan, "submit", note)
    return row


def parse_grade(value) -> float | None:
    if value in (None, ""):
        return None
    try:
        grade = float(str(value).replace(",", "."))
    except ValueError as exc:
        raise Invalid("Nilai harus angka 0–100.", field="grade") from exc
    if not 0 <= grade <= 100:
        raise Invalid("Nilai harus di antara 0 dan 100.", field="grade")
    return grade


def decide(s: Session, row: TrainingAssignment, decision: str, note: str = "", grade=None) -> TrainingAssignment:
    """The instructor returns the work (with what to fix) or accepts it with a grade."""
    acting.require(s, "training.manage", row)
    if decision not in ("return", "accept"):
        raise Invalid("Keputusan harus 'return' atau 'accept'.", field="decision")
    plan = s.get(Plan, row.plan_id) if row.plan_id else None
    if plan is None or plan.status != "submitted":
        raise Conflict("Hanya rencana yang sudah diserahkan yang dapat dikembalikan atau diterima.", field="status")
    note = (note or "").strip()
    if decision == "return" and not note:
        raise Invalid("Tulis apa yang perlu diperbaiki.", field="note")
    # accepting with a grade is the instructor's deliberate decision, their own notes still open or not
    workflow.transition(s, _actor(s), plan, "return" if decision == "return" else "approve", note,
                        confirm_open_comments=True, grade=grade)
    return row


def follow(s: Session, p, plan: Plan, action: str, target: str, note: str, grade=None) -> None:
    """A sandbox plan is about to move to ``target``: its assignment moves with it and the trainee's history
    records the step. Called by ``workflow.transition`` before the plan changes, so the training review, the
    plan page's own buttons, the API and the CLI keep both one; an acceptance (``approve``) without a grade is
    refused. Nothing for a plan that is no trainee's draft."""
    row = classes.assignment_of_plan(s, plan.id)
    if row is None:
        return
    value = parse_grade(grade) if action == "approve" else None
    if action == "approve" and value is None:
        raise Invalid("Rencana latihan diterima dengan nilai: beri nilai (0–100) untuk menerima.", field="grade")
    who = getattr(getattr(p, "user", None), "username", "sistem")
    if action == "submit":  # the score handed in; the trainee's last minutes count as time spent
        feedback.refresh(s, row, working=not p.is_admin and can(p, "training.take", row))
        row.submitted_at = datetime.now(timezone.utc)
    elif action in ("return", "approve"):
        row.reviewed_by = who
    if action in ("approve", "reopen"):
        row.grade = value
    row.status = STATUS_OF_PLAN[target]
    if action in ENTRY_OF_ACTION:
        s.add(FeedbackEntry(assignment_id=row.id, kind=ENTRY_OF_ACTION[action], score=row.score,
                            findings=row.findings, note=(note or "").strip()[:4000], grade=value, username=who))
    s.add(row)
    s.flush()


def comment(s: Session, row: TrainingAssignment, body: str, node_id: int | None = None) -> FeedbackEntry:
    """The instructor's note on the draft or one of its nodes: in the plan's comments and the trainee's history."""
    acting.require(s, "training.manage", row)
    body = (body or "").strip()
    if not body:
        raise Invalid("Catatan tidak boleh kosong.", field="body")
    plan = s.get(Plan, row.plan_id)
    node = s.get(PlanNode, node_id) if node_id else None
    if node is not None and node.plan_id != plan.id:
        raise Invalid("Simpul itu bukan bagian rencana latihan ini.", field="node_id")
    workflow.add_comment(s, _actor(s), plan, body, "node" if node else "plan", node.id if node else None)
    entry = FeedbackEntry(assignment_id=row.id, kind="comment", note=body[:4000], node_id=node.id if node else None,
                          score=row.score, findings=row.findings, username=_username(s))
    s.add(entry)
    s.flush()
    return entry


@dataclass
class ProgressRow:
    assignment: TrainingAssignment
    who: str  # trainee's username or "Kelompok …"
    names: str
    case: TrainingCase
    usernames: list[str]

    @property
    def submitted(self) -> bool:
        return self.assignment.status in ("submitted", "accepted")

    @property
    def time_spent(self) -> str:
        return duration_label(self.assignment.active_seconds)


def progress(s: Session, klass: TrainingClass) -> list[ProgressRow]:
    """One row per sandbox (a bounded number of statements whatever the class size)."""
    rows = classes.assignments(s, klass)
    cases = {c.id: c for c in s.exec(select(TrainingCase).where(TrainingCase.id.in_({r.case_id for r in rows} or {-1})))}
    enrolled = classes.trainees(s, klass)
    out = []
    for r in rows:
        if r.group_name:
            users = [u for e, u in enrolled if e.group_name == r.group_name]
            who = f"Kelompok {r.group_name}"
        else:
            users = [u for _, u in enrolled if u.id == r.user_id]
            who = users[0].username if users else "?"
        out.append(ProgressRow(r, who, ", ".join(u.full_name or u.username for u in users), cases[r.case_id],
                               [u.username for u in users]))
    return out


def quiz_results(s: Session, klass: TrainingClass) -> dict[int, dict[str, QuizAttempt]]:
    """The best attempt per trainee and chapter."""
    best: dict[int, dict[str, QuizAttempt]] = {}
    for a in s.exec(select(QuizAttempt).where(QuizAttempt.class_id == klass.id)):
        mine = best.setdefault(a.user_id, {})
        if a.chapter not in mine or a.score > mine[a.chapter].score:
            mine[a.chapter] = a
    return best


def results_workbook(s: Session, klass: TrainingClass) -> bytes:
    """The class results as Excel: one row per sandbox (score, findings, time, status, grade) and one per
    trainee's quiz results."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Hasil kelas"
    ws.append([f"Hasil kelas {klass.name}"])
    ws["A1"].font = Font(bold=True, size=13)
    head = ["Peserta", "Nama", "Kasus", "Skor umpan balik", "Temuan terbuka", "Waktu (menit)", "Status",
            "Diserahkan", "Nilai", "Penilai"]
    ws.append(head)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for r in progress(s, klass):
        a = r.assignment
        ws.append([r.who, r.names, r.case.title, a.score, a.findings, round(a.active_seconds / 60),
                   a.status_label, a.submitted_at.strftime("%Y-%m-%d %H:%M") if a.submitted_at else "",
                   a.grade, a.reviewed_by])
    quiz = wb.create_sheet("Kuis")
    quiz.append(["Peserta", "Bab", "Benar", "Jumlah soal", "Skor"])
    users = {u.id: u for _, u in classes.trainees(s, klass)}
    for user_id, chapters in sorted(quiz_results(s, klass).items()):
        for chapter, a in sorted(chapters.items()):
            quiz.append([users[user_id].username if user_id in users else user_id, chapter, a.correct, a.total,
                         a.score])
    for sheet in (ws, quiz):
        for col in sheet.columns:
            sheet.column_dimensions[col[0].column_letter].width = 18
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

