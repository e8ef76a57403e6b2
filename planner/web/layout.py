"""What the layout shows on every page: the organisation and year switchers, the labels of the plan's kinds of
things, and the top bar's number of tasks (registered by the plans blueprint for the whole app)."""
from __future__ import annotations

from typing import NamedTuple

from flask import g, session as flask_session
from flask_login import current_user

from planner import db
from planner.models.plan import (
    ACCUMULATION_LABELS, ACTIVITY_TYPE_LABELS, FREQUENCY_LABELS, LEVEL_LABELS, POLARITY_LABELS, TARGET_TYPE_LABELS,
)
from planner.services import orgs, tasks
from planner.web.filters import labels
from planner.web.helpers import principal

LABELS = dict(levels=LEVEL_LABELS, polarities=POLARITY_LABELS, accumulations=ACCUMULATION_LABELS,
              target_types=TARGET_TYPE_LABELS, frequencies=FREQUENCY_LABELS, activity_types=ACTIVITY_TYPE_LABELS)
YEARS = (2000, 2100)


def session_year() -> int:
    """The year chosen with the switcher; a value outside the plan years (an old cookie) falls back."""
    year = flask_session.get("year")
    return year if isinstance(year, int) and YEARS[0] <= year <= YEARS[1] else 2026


def context() -> dict:
    """Organisation and year switchers of the layout, limited to what the user may read."""
    if not current_user.is_authenticated:
        return {}
    p = principal()
    return {"switch_orgs": _SwitchOrgs(p), "current_org_id": flask_session.get("org_id"),
            "current_year": session_year(), "labels": labels(LABELS), "principal": p,
            "my_tasks_count": _my_tasks_count}


class _SwitchOrgs:
    """The switcher's organisations, read when the layout iterates them: an htmx fragment (a saved grid
    cell) never does, and so reads no organisation for it."""

    def __init__(self, p):
        self.p = p

    def __iter__(self):
        readable = self.p.readable_orgs
        return iter([(_Org(oid, name), depth) for oid, name, depth in orgs.switcher(db.session())
                     if self.p.is_admin or oid in readable])


class _Org(NamedTuple):
    id: int
    name: str


def my_tasks():
    """Computed once per request, when a template first asks (the home page, then the top bar's count)."""
    if "my_tasks" not in g:
        g.my_tasks = tasks.for_user(db.session(), principal(), session_year())
    return g.my_tasks


def _my_tasks_count() -> int:
    """The top bar's number on every page: the due reports are counted, their indicators not read."""
    if "my_tasks" in g:
        return g.my_tasks.count
    if "my_tasks_count" not in g:
        g.my_tasks_count = tasks.for_user(db.session(), principal(), session_year(), counting=True).count
    return g.my_tasks_count
