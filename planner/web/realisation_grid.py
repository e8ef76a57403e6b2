"""The realisation grid (monitoring blueprint): a plan's or one node's indicators by period, each cell saved
on its own.

A large plan (more nodes than ``GRID_WHOLE_MAX_NODES``) is not read whole for its grid (issue 12): the page
shows its top nodes, each a section loaded when it scrolls into view (``grid_part``, only that branch read and
evaluated), with a plain link to that node's own grid for browsers without JavaScript; the plan's summary
comes in its own request (``grid_summary``). The top nodes come through the read model as a small plan's nodes
do (levels, own indicators and cells, budgets, settings), so the page reads the same statements at any size.
``?all=1`` shows the whole grid (to print it). Saving a cell answers the cell and its row from that indicator
alone and asks for the summaries afterwards, in any plan, so a save costs the same whatever the plan's size.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, request, url_for
from flask_babel import gettext

from planner import db, periods
from planner.errors import Conflict, Invalid
from planner.models import Indicator, Organization, Plan
from planner.permissions import can
from planner.services import monitoring as mon
from planner.services import plan_tree, plans
from planner.web.filters import period as period_label
from planner.web.grid_cells import GridPage, cell_view, slots
from planner.web.helpers import form_int, principal, render, respond
from planner.web.monitoring import (
    DETAIL_TPL, GRID_TPL, _back, _indicator_for, _plan_for, _status, _upto, _user_id, _year, bp, detail_context,
    settings,
)


def _closed_by(upto: str, closed: list[str]) -> str | None:
    """The closed period that holds ``upto`` (closing TW1 closes its months; closing Y the whole year)."""
    return next((code for code in closed if mon.contains(code, upto)), None)


# ---------------------------------------------------------------- what a grid shows

@dataclass
class GridData:
    """A grid at ``upto``: the whole plan, one node's subtree (``scope``), or a large plan's top nodes only
    (``lazy``: their sections load one by one, the summary on its own, so ``head`` is None)."""

    head: mon.PlanProgress | mon.NodeProgress | None  # what the page's summary speaks of
    scope: mon.NodeProgress | None
    roots: list[mon.NodeProgress]
    sections: list[mon.NodeProgress]  # nodes with indicators of their own, in tree order
    closed_periods: list[str]
    lazy: list[mon.NodeProgress] = field(default_factory=list)

    @property
    def rows(self) -> list[mon.IndicatorRow]:
        return [r for n in self.sections for r in n.indicators]

    @property
    def reported(self) -> int:
        return sum(r.due - len(r.missing) for r in self.rows)

    @property
    def expected(self) -> int:
        return sum(r.due for r in self.rows)

    def path(self, node_id: int) -> list[mon.NodeProgress]:
        """The sections from the top down to ``node_id`` (whose summaries a saved cell changes)."""
        def find(n: mon.NodeProgress, trail: list) -> list | None:
            trail = trail + [n]
            if n.node.id == node_id:
                return trail
            return next((found for c in n.children if (found := find(c, trail))), None)
        trail = next((found for r in self.roots if (found := find(r, []))), [])
        shown = {n.node.id for n in self.sections}
        return [n for n in trail if n.node.id in shown]


def _sections(roots: list[mon.NodeProgress]) -> list[mon.NodeProgress]:
    return [n for r in roots for n in r.walk() if n.indicators]


def whole_grid(plan: Plan, year: int, upto: str) -> GridData:
    progress = mon.progress_for_plan(db.session(), plan, year, upto, settings(plan), with_trend=False)
    return GridData(progress, None, progress.roots, _sections(progress.roots), progress.closed_periods)


def branch_grid(plan: Plan, node_id: int, year: int, upto: str, *, scope: bool = True) -> GridData:
    """One node's subtree, read and evaluated alone: the grid of that node (``scope``), or a section of the
    plan's grid (no head: the plan's summary is not this node's)."""
    branch = mon.subtree_progress(db.session(), plan, node_id, year, upto, settings(plan))
    root = branch.root
    return GridData(root if scope else None, root if scope else None, [root], _sections([root]),
                    branch.closed_periods)


def plan_grid_data(plan: Plan, year: int, upto: str) -> GridData:
    """The plan's grid: whole for a small plan (or when asked, ``all``), else its top nodes only, read and
    evaluated on their own (their branches load one by one) in the statements of a whole plan."""
    s = db.session()
    if not request.args.get("all"):
        count, tops = plan_tree.top_ids(s, plan)
        if count > current_app.config["GRID_WHOLE_MAX_NODES"]:
            branches = mon.branches_progress(s, plan, set(tops), year, upto, settings(plan))
            return GridData(None, None, [], [], branches.closed_periods, branches.roots)
    return whole_grid(plan, year, upto)


# ---------------------------------------------------------------- pages

def grid_context(plan: Plan, data: GridData, year: int, upto: str, **extra) -> dict:
    p = principal()
    back = extra.pop("back", request.full_path.rstrip("?"))
    page = GridPage(year, upto, back, data.scope.node.id if data.scope else None,
                    can(p, "realization.edit", plan), can(p, "realization.verify", plan))
    return dict(
        plan=plan, org=db.session().get(Organization, plan.organization_id), year=year, upto=upto, data=data,
        scope=data.scope, sections=data.sections, lazy=data.lazy, page=page,
        due_q=mon.periods_due(periods.QUARTERS, upto), can_edit=page.can_edit, can_verify=page.can_verify,
        closed_by=_closed_by(upto, data.closed_periods), back=back, path=[], **extra,
    )


@bp.get("/plans/<int:plan_id>/realisasi")
def plan_grid(plan_id: int):
    plan = _plan_for(plan_id)
    year = _year(plan)
    upto = _upto(year)
    return render(GRID_TPL, block="grid", **grid_context(plan, plan_grid_data(plan, year, upto), year, upto))


def _node_at(node_id: int):
    """A node with its plan (read right checked) and the year and period the grid shows."""
    node = plans.get_node(db.session(), node_id)
    plan = _plan_for(node.plan_id)
    year = _year(plan)
    return node, plan, year, _upto(year)


@bp.get("/nodes/<int:node_id>/realisasi")
def node_grid(node_id: int):
    node, plan, year, upto = _node_at(node_id)
    return render(GRID_TPL, block="grid", **grid_context(plan, branch_grid(plan, node.id, year, upto), year, upto))


@bp.get("/nodes/<int:node_id>/realisasi/baris")
def grid_part(node_id: int):
    """One top node's sections of a large plan's grid, for htmx; a plain request goes to that node's grid."""
    node, plan, year, upto = _node_at(node_id)
    back = url_for("monitoring.plan_grid", plan_id=plan.id, year=year, period=upto)
    return respond(GRID_TPL, "sections", redirect_to=url_for("monitoring.node_grid", node_id=node.id, year=year,
                                                             period=upto),
                   context=lambda: grid_context(plan, branch_grid(plan, node.id, year, upto, scope=False), year,
                                                upto, back=back))


@bp.get("/plans/<int:plan_id>/realisasi/ringkasan")
def grid_summary(plan_id: int):
    """The summaries a large plan's grid loads on their own (out of band): the page's, and after a save
    the sections above the saved cell (``node``); ``scope``: the grid of that node."""
    plan = _plan_for(plan_id)
    year = _year(plan)
    upto = _upto(year)
    scope_id, node_id = form_int("scope"), form_int("node")

    def context() -> dict:
        data = branch_grid(plan, scope_id, year, upto) if scope_id else whole_grid(plan, year, upto)
        return dict(data=data, scope=data.scope, upto=upto, path=data.path(node_id) if node_id else [])
    target = url_for("monitoring.node_grid", node_id=scope_id) if scope_id else url_for(
        "monitoring.plan_grid", plan_id=plan.id)
    return respond(GRID_TPL, "summaries", context=context, redirect_to=f"{target}?year={year}&period={upto}")


# ---------------------------------------------------------------- saving a cell

def _cell_context(plan: Plan, ind: Indicator, year: int, period: str, upto: str, **extra) -> dict:
    """One cell for the htmx answer to a save, with its row's achievement out of band, from that indicator
    alone (the same statements in any plan); the summaries of the nodes above it and of the page (``scope``:
    the grid's node, if any) follow in a request of their own (``refresh``)."""
    p = principal()
    scope_id = request.form.get("scope", type=int)
    row = mon.achievement_for_indicator(db.session(), ind, year, upto, settings(plan))
    refresh = url_for("monitoring.grid_summary", plan_id=plan.id, year=year, period=upto, node=ind.node_id,
                      **({"scope": scope_id} if scope_id else {}))
    cell = next(c for c in row.cells if c.period == period)
    cells = next(group for _, group in slots(row) if cell in group)
    page = GridPage(year, upto, _back(""), scope_id, can(p, "realization.edit", plan),
                    can(p, "realization.verify", plan), refresh=refresh, **extra)
    return dict(plan=plan, year=year, upto=upto, row=row, page=page, cell_view=cell_view(page, row, cell,
                                                                                        len(cells) > 1), oob=True)


def _achieved(raw: str | None) -> bool | None:
    return {"1": True, "true": True, "0": False, "false": False}.get((raw or "").strip().lower())


MEASURES = ("value", "numerator", "denominator", "achieved")


def _save_measurement(ind: Indicator, year: int, period: str) -> None:
    s = db.session()
    form = request.form
    if not any((form.get(k) or "").strip() for k in MEASURES):
        mon.clear_realization(s, ind, year, period)  # an emptied cell: the value is removed, evidence stays
        return
    mon.record_realization(s, ind, year, period, value=form.get("value"), numerator=form.get("numerator"),
                           denominator=form.get("denominator"), achieved=_achieved(form.get("achieved")),
                           note=form.get("note") if "note" in form else None, user_id=_user_id(),
                           version=form.get("version"))


@bp.post("/indicators/<int:indicator_id>/realisasi/<int:year>/<period>")
def save_cell(indicator_id: int, year: int, period: str):
    """One cell of the grid, or the entry form of the detail page (``view=detail``)."""
    ind, plan = _indicator_for(indicator_id, period=period)
    error = None
    try:
        _save_measurement(ind, year, period)
    except (Invalid, Conflict) as exc:
        error = exc
    form = request.form if error else {}
    message = gettext("Realisasi %(name)s %(period)s %(year)s tersimpan.", name=ind.name,
                      period=period_label(period), year=year)
    return _cell_response(plan, ind, year, period, error, message, form=form, just_saved=error is None,
                          section="entry" if error else None, saved="entry" if error is None else None)


def _cell_response(plan: Plan, ind: Indicator, year: int, period: str, error, message: str, *, form,
                   section: str | None, saved: str | None = None, just_saved: bool = False):
    """A grid cell for htmx (its row and summaries out of band); the detail page's entry block when the
    form came from there (``view=detail``); a plain form goes back (PRG) or shows its error in place."""
    detail = (DETAIL_TPL, lambda: detail_context(plan, ind, year, period, error=error, section=section, form=form,
                                                 saved=saved))
    back = _back(url_for("monitoring.detail", indicator_id=ind.id, year=year, period=period))
    if request.form.get("view") == "detail":
        return respond(DETAIL_TPL, "entry", context=detail[1], status=_status(error), redirect_to=back,
                       message=message)
    return respond(GRID_TPL, "cell", status=_status(error), redirect_to=back, message=message, page=detail,
                   context=lambda: _cell_context(plan, ind, year, period, _upto(year, "upto"), error=error,
                                                 form=form, just_saved=just_saved))


@bp.post("/indicators/<int:indicator_id>/realisasi/<int:year>/<period>/verify")
def verify_cell(indicator_id: int, year: int, period: str):
    """A reviewer accepts the value (``decision=verify``) or returns it with a note (``decision=return``)."""
    ind, plan = _indicator_for(indicator_id, period=period)
    verified = request.form.get("decision", "verify") != "return"
    error = None
    try:
        mon.verify(db.session(), ind, year, period, verified=verified, note=request.form.get("note", ""),
                   user_id=_user_id())
    except (Invalid, Conflict) as exc:
        error = exc
    message = gettext("Realisasi diverifikasi.") if verified else gettext("Realisasi dikembalikan kepada pengisi.")
    return _cell_response(plan, ind, year, period, error, message, form=request.form if error else {},
                          section="verify" if error else None)
