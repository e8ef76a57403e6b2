"""Training mode (issue 16): a case library, classes with sandboxes, live feedback, review and quizzes.

One module per job: ``cases`` (the library, files in and out), ``starts`` (a case's starting point: its shape and
the sandbox plans built from it, Renstra included), ``classes`` (classes, enrolment, sandboxes),
``feedback`` (a draft against the checks and the case), ``review`` (submit, return/accept, progress,
results workbook), ``quiz`` (the module's exercises). Sandboxes are organisations flagged ``sandbox``;
``planner.services.orgs.all_orgs`` and the plan queries of real views leave them out.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from sqlmodel import Session

from planner.errors import Forbidden
from planner.services import acting

LIBRARY = Path(__file__).resolve().parents[3] / "seeds" / "training"


def require_manager(s: Session) -> None:
    """An instructor (anywhere) or an administrator: may run classes and write cases."""
    who = acting.actor(s)
    if who is None or not (who.is_admin or who.holds("training.manage")):
        raise Forbidden("Hanya instruktur yang dapat mengelola kelas dan kasus pelatihan.")


@contextmanager
def as_system(s: Session):
    """Seeding a sandbox is part of an operation already authorised (an instructor assigning a case):
    the plan it builds is written as the installation, then the actor is restored."""
    before = s.info.get(acting.KEY)
    acting.act_as(s, acting.SYSTEM)
    try:
        yield
    finally:
        acting.act_as(s, before)
