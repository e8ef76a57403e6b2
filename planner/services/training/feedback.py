"""Live feedback on a trainee's draft: the plan checks plus the case's expectations, a score, hints that
point to the module's chapters, and the time spent (``planner.calc.training`` computes every number)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlmodel import Session, select

from planner.calc.checks import RULES, CheckReport, Finding, run_checks
from planner.calc.training import (
    CHAPTER_OF_GROUP, Draft, Expectation, ExpectationResult, TrainingScore, add_active_time, rules_for_draft,
    training_score,
)
from planner.models import Plan
from planner.models.training import FeedbackEntry, TrainingAssignment, TrainingCase
from planner.models.worksheet import NeedRow, StandardRow, Worksheet
from planner.services import checks, plans
from planner.services.plans import Tree


@dataclass
class Hint:
    text: str
    chapter: str
    kind: str  # "expectation" | "check"
    severity: str = "info"
    node_id: int | None = None


@dataclass
class Feedback:
    assignment: TrainingAssignment
    case: TrainingCase
    plan: Plan | None
    report: CheckReport | None
    result: TrainingScore
    hints: list[Hint]

    @property
    def met(self) -> list[ExpectationResult]:
        return [r for r in self.result.results if r.met]

    @property
    def open_findings(self) -> list[Finding]:
        return self.report.open_findings if self.report else []

    @property
    def findings_count(self) -> int:
        return len(self.open_findings) + len(self.result.unmet)


def draft_of(s: Session, tree: Tree) -> Draft:
    """The draft as plain text: node names, indicator names, and the worksheets' steps 1 and 2 (three
    statements beyond the tree)."""
    node_ids = list(tree.by_id)
    sheets = {w.id for w in s.exec(select(Worksheet).where(Worksheet.node_id.in_(node_ids or [-1])))}
    needs = s.exec(select(NeedRow).where(NeedRow.worksheet_id.in_(sheets or [-1]))).all()
    standards = s.exec(select(StandardRow).where(StandardRow.worksheet_id.in_(sheets or [-1]))).all()
    return Draft(
        nodes=tuple((tn.node.kind, tn.node.name) for tn in tree.walk()),
        indicators=tuple((i.level, i.name) for tn in tree.walk() for i in tn.indicators),
        stakeholders=tuple(f"{r.service} {r.stakeholder} {r.need}" for r in needs),
        components=frozenset(r.component for r in standards if (r.content or "").strip()),
    )


def compute(s: Session, row: TrainingAssignment) -> Feedback:
    case = s.get(TrainingCase, row.case_id)
    plan = s.get(Plan, row.plan_id) if row.plan_id else None
    expectations = [Expectation.from_dict(e) for e in case.expectations]
    if plan is None:
        result = training_score(0.0, Draft(), expectations)
        return Feedback(row, case, None, None, result, _hints(None, result))
    tree = plans.load_tree(s, plan)
    data = checks.plan_data(s, plan, tree)
    report = run_checks(data, rules_for_draft(RULES, data.has_renstra))
    result = training_score(report.score, draft_of(s, tree), expectations)
    return Feedback(row, case, plan, report, result, _hints(report, result))


def _hints(report: CheckReport | None, result: TrainingScore) -> list[Hint]:
    hints = [Hint(f"{r.expectation.label}: {r.expectation.hint}" if r.expectation.hint else r.expectation.label,
                  r.expectation.chapter, "expectation") for r in result.unmet]
    for f in (report.open_findings if report else []):
        hints.append(Hint(f.message, CHAPTER_OF_GROUP.get(f.group, ""), "check", f.severity, f.node_id))
    return hints


def _aware(at: datetime | None) -> datetime | None:
    return at.replace(tzinfo=timezone.utc) if at is not None and at.tzinfo is None else at


def refresh(s: Session, row: TrainingAssignment, working: bool, now: datetime | None = None) -> Feedback:
    """Recompute the feedback; record a score change in the history and, when the trainee is the one
    working, the time spent."""
    fb = compute(s, row)
    now = now or datetime.now(timezone.utc)
    if working:
        row.active_seconds = add_active_time(row.active_seconds, _aware(row.last_seen_at), now)
        row.last_seen_at = now
    if row.score != fb.result.score or row.findings != fb.findings_count:
        row.score, row.findings = fb.result.score, fb.findings_count
        s.add(FeedbackEntry(assignment_id=row.id, kind="score", score=row.score, findings=row.findings, at=now))
    s.add(row)
    s.flush()
    return fb


def history(s: Session, row: TrainingAssignment) -> list[FeedbackEntry]:
    return list(s.exec(select(FeedbackEntry).where(FeedbackEntry.assignment_id == row.id)
                       .order_by(FeedbackEntry.at.desc(), FeedbackEntry.id.desc())))
