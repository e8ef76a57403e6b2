"""The module's exercises (latihan soal) as a quiz per chapter: questions from ``seeds/training/quiz.yaml``,
scored at once by ``planner.calc.training.score_quiz``; the answer key never leaves the server."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml
from sqlmodel import Session

from planner.calc.training import QuizResult, score_quiz
from planner.errors import NotFound
from planner.models.training import QuizAttempt, TrainingAssignment
from planner.services import acting
from planner.services.training import LIBRARY


@dataclass(frozen=True)
class Question:
    number: int
    text: str
    options: tuple[tuple[str, str], ...]
    answer: str


@dataclass(frozen=True)
class Chapter:
    code: str
    title: str
    questions: tuple[Question, ...]


@lru_cache(maxsize=1)
def chapters() -> tuple[Chapter, ...]:
    data = yaml.safe_load((LIBRARY / "quiz.yaml").read_text("utf-8"))
    return tuple(Chapter(c["code"], c["title"], tuple(
        Question(n, q["text"], tuple((str(k), str(v)) for k, v in q["options"].items()), str(q["answer"]))
        for n, q in enumerate(c["questions"], start=1))) for c in data["chapters"])


def chapter(code: str) -> Chapter:
    found = next((c for c in chapters() if c.code == code), None)
    if found is None:
        raise NotFound(f"Kuis '{code}' tidak ada.")
    return found


def answer(s: Session, row: TrainingAssignment, code: str, answers: dict[int, str]) -> tuple[QuizAttempt, QuizResult]:
    """Score a trainee's answers to one chapter (from their sandbox) and keep the attempt for the class view."""
    acting.require(s, "training.take", row)
    user = getattr(acting.actor(s), "user", None)
    if user is None:
        raise NotFound("Kuis dikerjakan oleh peserta yang masuk.")
    ch = chapter(code)
    result = score_quiz({q.number: q.answer for q in ch.questions}, answers)
    attempt = QuizAttempt(class_id=row.class_id, user_id=user.id, chapter=code, correct=result.correct,
                          total=result.total, score=result.score, answers={str(k): v for k, v in answers.items()})
    s.add(attempt)
    s.flush()
    return attempt, result

